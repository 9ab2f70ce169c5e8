-- Scheduling tournament matches as battles (docs/tournaments.md, "Scheduling").
--
-- `tournament_matches` learns what the scheduler needs without replaying a bracket on every
-- tick: each match's round, its players once known (the first side is `player_a`), whether the
-- bracket has decided it (a result, a bye, a forfeit or a skipped reset), when its players were
-- told it is coming, and whether the no-show check of its battle is done. These columns are
-- written by the same transaction that changes the bracket, so they never disagree with it.
-- Tournaments could not be played before this migration, so no row needs filling here.

ALTER TABLE tournament_matches
    ADD COLUMN round integer NOT NULL DEFAULT 1 CHECK (round >= 1),
    ADD COLUMN player_a uuid REFERENCES users (id),
    ADD COLUMN player_b uuid REFERENCES users (id),
    ADD COLUMN decided boolean NOT NULL DEFAULT false,
    ADD COLUMN notified_at timestamptz,
    ADD COLUMN attendance_checked boolean NOT NULL DEFAULT false;

-- Due matches: both players known, undecided, no battle yet.
DROP INDEX tournament_matches_due;
CREATE INDEX tournament_matches_due ON tournament_matches (scheduled_at)
    WHERE battle_id IS NULL AND NOT decided AND player_a IS NOT NULL AND player_b IS NOT NULL;

-- A player's undecided matches, so that a match waits for its players' earlier ones.
CREATE INDEX tournament_matches_open_a ON tournament_matches (tournament_id, player_a)
    WHERE NOT decided;
CREATE INDEX tournament_matches_open_b ON tournament_matches (tournament_id, player_b)
    WHERE NOT decided;

-- Battles whose players may still be no-shows.
CREATE INDEX tournament_matches_attendance ON tournament_matches (battle_id)
    WHERE battle_id IS NOT NULL AND NOT attendance_checked;

-- The outbox of finished tournament battles: `finish_battle` inserts a row in the transaction
-- that ends the battle (whichever service ends it), and a battle instance applies it to the
-- bracket and deletes it in one transaction, so each result reaches the bracket exactly once.
-- `winner_id` is null for a draw.
CREATE TABLE tournament_results (
    battle_id      uuid PRIMARY KEY REFERENCES battles (id),
    tournament_id  uuid NOT NULL,
    match_id       integer NOT NULL,
    winner_id      uuid REFERENCES users (id),
    reason         text NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tournament_id, match_id)
        REFERENCES tournament_matches (tournament_id, match_id) ON DELETE CASCADE
);

CREATE INDEX tournament_results_oldest ON tournament_results (recorded_at);

-- Short rounds and battles are for development and tests: the service refuses anything under
-- `JOUST_TOURNAMENT_MIN_SECS` (60 unless in development mode), so the database only keeps
-- values positive.
ALTER TABLE tournaments
    DROP CONSTRAINT tournaments_round_interval_secs_check,
    DROP CONSTRAINT tournaments_battle_secs_check,
    ADD CONSTRAINT tournaments_round_interval_secs_check
        CHECK (round_interval_secs BETWEEN 1 AND 604800),
    ADD CONSTRAINT tournaments_battle_secs_check CHECK (battle_secs BETWEEN 1 AND 14400);

-- The tournament list pages by (starts_at, id), both descending.
DROP INDEX tournaments_by_start;
CREATE INDEX tournaments_by_start ON tournaments (starts_at DESC, id DESC);
