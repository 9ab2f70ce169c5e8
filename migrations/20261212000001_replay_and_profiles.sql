-- Replays and profiles: whether spectators may read a finished battle's sources, and the
-- indexes a player's recent battles and per-language statistics are read by.

-- Chosen by the challenger when opening a challenge; copied to its battle (and to rematches).
-- Players always see both sources once the battle has ended; spectators only when this is set.
ALTER TABLE challenges ADD COLUMN spectator_sources boolean NOT NULL DEFAULT false;
ALTER TABLE battles ADD COLUMN spectator_sources boolean NOT NULL DEFAULT false;

-- A player's finished battles, newest first, keyset-paged by (finished_at, id): one index per
-- seat, merged by the query.
CREATE INDEX battles_finished_by_player_a ON battles (player_a, finished_at DESC, id DESC)
    WHERE status = 'finished';
CREATE INDEX battles_finished_by_player_b ON battles (player_b, finished_at DESC, id DESC)
    WHERE status = 'finished';

-- A player's submissions, for the per-language statistics of the profile.
CREATE INDEX submissions_by_user ON submissions (user_id, language);
