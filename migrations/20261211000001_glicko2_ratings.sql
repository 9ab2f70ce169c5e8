-- Glicko-2 ratings: every finished battle updates both players' rating, deviation and
-- volatility once, in the transaction that finishes it, and records the change.

-- `rating` stays the whole number players see and the leaderboard orders by; `rating_exact`
-- is the Glicko-2 rating it is rounded from.
ALTER TABLE users
    ADD COLUMN rating_exact      double precision NOT NULL DEFAULT 1200,
    ADD COLUMN rating_deviation  double precision NOT NULL DEFAULT 350,
    ADD COLUMN rating_volatility double precision NOT NULL DEFAULT 0.06,
    ADD COLUMN rated_battles     integer NOT NULL DEFAULT 0,
    ADD COLUMN last_battle_at    timestamptz;
UPDATE users SET rating_exact = rating;

-- One row per player per finished battle; the primary key makes a second update of the same
-- battle fail instead of counting twice.
CREATE TABLE rating_history (
    battle_id          uuid NOT NULL REFERENCES battles (id),
    user_id            uuid NOT NULL REFERENCES users (id),
    rating_before      double precision NOT NULL,
    rating_after       double precision NOT NULL,
    deviation_before   double precision NOT NULL,
    deviation_after    double precision NOT NULL,
    volatility_before  double precision NOT NULL,
    volatility_after   double precision NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (battle_id, user_id)
);
CREATE INDEX rating_history_by_user ON rating_history (user_id, created_at DESC);

-- The leaderboard: players with at least one rated battle, by (rating, id) descending. Pages
-- and the active filter read this index only (last_battle_at is included).
CREATE INDEX users_leaderboard ON users (rating, id) INCLUDE (last_battle_at)
    WHERE rated_battles > 0;

-- How many rated players hold each rating: a player's rank is one plus the players of every
-- higher rating (a sum over at most a few thousand rows) plus those of the same rating with a
-- greater id (a short range of users_leaderboard). Counting everyone ahead on the index
-- instead takes hundreds of milliseconds at a million players.
CREATE TABLE rating_counts (
    rating   integer PRIMARY KEY,
    players  bigint NOT NULL
);
INSERT INTO rating_counts (rating, players)
SELECT rating, count(*) FROM users WHERE rated_battles > 0 GROUP BY rating;

-- Kept by statement triggers, whoever writes users. Each statement applies its net change per
-- rating in one upsert, in rating order, so concurrent writers lock the counts they share in the
-- same order and cannot deadlock on them (the rating update changes both players of a battle
-- in one statement).
CREATE FUNCTION rating_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO rating_counts AS c (rating, players)
        SELECT rating, count(*) FROM new_rows WHERE rated_battles > 0
        GROUP BY rating ORDER BY rating
        ON CONFLICT (rating) DO UPDATE SET players = c.players + EXCLUDED.players;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO rating_counts AS c (rating, players)
        SELECT rating, -count(*) FROM old_rows WHERE rated_battles > 0
        GROUP BY rating ORDER BY rating
        ON CONFLICT (rating) DO UPDATE SET players = c.players + EXCLUDED.players;
    ELSE
        INSERT INTO rating_counts AS c (rating, players)
        SELECT rating, sum(delta) FROM (
            SELECT rating, -1 AS delta FROM old_rows WHERE rated_battles > 0
            UNION ALL
            SELECT rating, 1 AS delta FROM new_rows WHERE rated_battles > 0
        ) AS changes
        GROUP BY rating HAVING sum(delta) <> 0 ORDER BY rating
        ON CONFLICT (rating) DO UPDATE SET players = c.players + EXCLUDED.players;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER rating_counts_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rating_counts_apply();
CREATE TRIGGER rating_counts_update AFTER UPDATE ON users
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rating_counts_apply();
CREATE TRIGGER rating_counts_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rating_counts_apply();
