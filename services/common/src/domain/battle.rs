//! The states and results of a battle and the kinds of its events.

use super::text_enum::text_enum;

text_enum! {
    /// Where a battle is in its life: created and counting down, running, or over. A battle
    /// only moves forward, through conditional writes (`WHERE status = …`).
    pub enum BattleStatus {
        Countdown => "countdown",
        Running => "running",
        Finished => "finished",
    }
}

text_enum! {
    /// How a finished battle ended.
    pub enum Outcome {
        /// A player's submission passed every hidden test first.
        Accepted => "accepted",
        /// A player resigned or did not come back in time: the opponent wins.
        Forfeit => "forfeit",
        /// Time ran out with no winner.
        Draw => "draw",
        /// Time ran out on a scoring problem: the higher best score won (a tie: whoever
        /// reached it first).
        Score => "score",
    }
}

text_enum! {
    /// Why a player forfeited.
    pub enum ForfeitReason {
        Resigned => "resigned",
        /// The reconnect grace period ran out.
        Disconnected => "disconnected",
        /// A tournament battle's player did not show up within the no-show grace period.
        NoShow => "no_show",
    }
}

text_enum! {
    /// Why a battle ended in a draw.
    pub enum DrawReason {
        /// `ends_at` passed with nobody accepted.
        Time => "time",
        /// Neither player of a tournament battle showed up within the no-show grace period.
        NoShow => "no_show",
    }
}

text_enum! {
    /// The type of an entry in a battle's event log (`battle_events.type`, `type` on the wire).
    pub enum EventKind {
        BattleCreated => "battle.created",
        BattleStarted => "battle.started",
        BattleExtended => "battle.extended",
        BattleFinished => "battle.finished",
        SubmissionReceived => "submission.received",
        SubmissionJudged => "submission.judged",
        JudgingDelayed => "judging.delayed",
        PlayerDisconnected => "player.disconnected",
        PlayerReconnected => "player.reconnected",
    }
}

text_enum! {
    /// Whether a submission still waits for its verdict.
    pub enum SubmissionStatus {
        Queued => "queued",
        Judged => "judged",
    }
}

text_enum! {
    /// A direct challenge: open until someone accepts it or it expires.
    pub enum ChallengeStatus {
        Open => "open",
        Accepted => "accepted",
        Cancelled => "cancelled",
        /// Nobody accepted it within `JOUST_CHALLENGE_TTL_SECS`.
        Expired => "expired",
    }
}

text_enum! {
    /// The outcome of a whole execution or of one test.
    pub enum Verdict {
        /// Accepted.
        AC => "AC",
        /// Wrong answer.
        WA => "WA",
        /// Time limit exceeded (fuel ran out, or the wall-clock backstop fired).
        TLE => "TLE",
        /// Memory limit exceeded.
        MLE => "MLE",
        /// Output limit exceeded.
        OLE => "OLE",
        /// Runtime error: non-zero exit or a trap.
        RTE => "RTE",
        /// Compilation error.
        CE => "CE",
        /// Internal error of the judge itself.
        IE => "IE",
    }
}
