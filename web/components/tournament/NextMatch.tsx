"use client";
// "My next match" for the signed-in player: from the tournament's schedule, and live from the
// socket: `tournament:match` says the match starts soon, `battle.created` that its battle is
// ready, with a link into the battle room.
import Link from "next/link";
import { useEffect, useState } from "react";
import type { BattleEvent } from "@/lib/battle";
import type { Session } from "@/lib/session";
import { listen } from "@/lib/socket";
import type { MatchNotice, TournamentDetail, TournamentMatch } from "@/lib/tournaments";
import { useSocket } from "@/lib/useSocket";

/** The player's first undecided match, earliest first. */
export function nextMatch(t: TournamentDetail, userId: string): TournamentMatch | undefined {
  return t.matches
    .filter((m) => m.players.includes(userId) && m.outcome === null && m.status !== "skipped" && m.status !== "completed")
    .sort((a, b) => a.scheduled_at.localeCompare(b.scheduled_at) || a.id - b.id)[0];
}

function Countdown({ at }: { at: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const secs = Math.max(0, Math.round((at - now) / 1000));
  return <strong data-testid="starts-in">starts in {secs} s</strong>;
}

export default function NextMatch({ tournament, session }: { tournament: TournamentDetail; session: Session }) {
  const socket = useSocket(session.userId);
  const [notice, setNotice] = useState<{ at: number; data: MatchNotice } | null>(null);
  const [battleId, setBattleId] = useState<string | null>(null);
  useEffect(
    () =>
      listen(socket, {
        "tournament:match": (n: MatchNotice) => {
          if (n.tournament_id === tournament.id) setNotice({ at: Date.now() + n.starts_in_ms, data: n });
        },
        "battle:event": (e: BattleEvent) => {
          if (e.type === "battle.created") setBattleId(e.battle_id);
        },
      }),
    [socket, tournament.id],
  );
  const match = nextMatch(tournament, session.userId);
  const battle = battleId ?? match?.battle_id ?? null;
  const names = new Map(tournament.entrants.map((e) => [e.user_id, e.name]));
  const opponentId = match?.players.find((p) => p !== session.userId) ?? null;
  const opponent = notice?.data.opponent.name ?? (opponentId ? names.get(opponentId) : undefined);
  return (
    <section className="panel" aria-labelledby="next-match" data-testid="next-match">
      <h2 id="next-match">My next match</h2>
      {!match && !notice && !battle && <p>You have no match to play for now.</p>}
      {(match || notice) && (
        <p>
          Round {notice?.data.round ?? match?.round} against <strong>{opponent ?? "the winner of an earlier match"}</strong>
          {", "}
          {notice ? (
            <Countdown at={notice.at} />
          ) : (
            match && <span>planned for {new Date(match.scheduled_at).toLocaleString()}</span>
          )}
        </p>
      )}
      {battle && (
        <p>
          <Link className="button" href={`/battle/?id=${battle}`}>
            Go to your battle
          </Link>
        </p>
      )}
    </section>
  );
}
