-- Benchmark data for the leaderboard: 1,000,000 players and 10,000,000 finished battles over
-- the last year, in a scratch database that has every migration applied. Player n has the id
-- md5(n)::uuid, so battles name their players without a join. Foreign keys and triggers are
-- off while loading (every id written exists by construction), and the secondary indexes of
-- users and battles are dropped first and built again at the end: one sort per index instead
-- of ten million random B-tree insertions each. The bench vacuums and analyzes afterwards,
-- outside this script's transaction.
SET session_replication_role = replica;
SET synchronous_commit = off;
SET work_mem = '256MB';
SET maintenance_work_mem = '1GB';

CREATE TEMPORARY TABLE bench_indexes AS
SELECT indexname, indexdef FROM pg_indexes
WHERE schemaname = 'public' AND tablename IN ('users', 'battles')
  AND indexname NOT IN (SELECT conname FROM pg_constraint);
DO $$
DECLARE index_name text;
BEGIN
    FOR index_name IN SELECT indexname FROM bench_indexes LOOP
        EXECUTE format('DROP INDEX %I', index_name);
    END LOOP;
END $$;

INSERT INTO users (id, name, rating, rating_exact, rating_deviation, rating_volatility, created_at)
SELECT md5(n::text)::uuid, 'player-' || n, 1200, 1200, 350, 0.06, now() - interval '400 days'
FROM generate_series(1, 1000000) AS n;

-- Each battle: a random player against another random one, a winner, a finish in the last
-- year.
INSERT INTO battles (id, problem_id, player_a, player_b, pairing_key, status, winner_id,
                     outcome, fencing_token, last_seq, starts_at, ends_at, created_at, finished_at)
SELECT md5('battle' || n)::uuid, '00000000-0000-4000-8000-000000000001', a, b, 'bench:' || n,
       'finished', CASE WHEN n % 2 = 0 THEN a ELSE b END, 'accepted', n, 1,
       at - interval '10 minutes', at, at - interval '11 minutes', at
FROM (
    SELECT n,
           md5(pa::text)::uuid AS a,
           md5((((pa - 1 + 1 + floor(random() * 999999)::int) % 1000000) + 1)::text)::uuid AS b,
           now() - random() * interval '365 days' AS at
    FROM (SELECT n, 1 + floor(random() * 1000000)::int AS pa
          FROM generate_series(1, 10000000) AS n) AS picks
) AS battles;

-- What the battles did to the players: a count, the last one, and a rating spread roughly
-- normally around 1500 (sum of four uniforms), with deviations of settled players.
UPDATE users u
SET rated_battles = s.battles,
    last_battle_at = s.last_at,
    rating_exact = r.exact,
    rating = round(r.exact),
    rating_deviation = 50 + 250 / s.battles,
    rating_volatility = 0.06
FROM (
    SELECT player, count(*)::int AS battles, max(finished_at) AS last_at
    FROM (SELECT player_a AS player, finished_at FROM battles
          UNION ALL
          SELECT player_b, finished_at FROM battles) AS p
    GROUP BY player
) AS s,
LATERAL (SELECT 1500 + 350 * (random() + random() + random() + random() - 2) AS exact
         WHERE s.player IS NOT NULL) AS r
WHERE u.id = s.player;

-- The triggers that keep rating_counts were off while loading: count afresh.
DELETE FROM rating_counts;
INSERT INTO rating_counts (rating, players)
SELECT rating, count(*) FROM users WHERE rated_battles > 0 GROUP BY rating;

DO $$
DECLARE definition text;
BEGIN
    FOR definition IN SELECT indexdef FROM bench_indexes LOOP
        EXECUTE definition;
    END LOOP;
END $$;
DROP TABLE bench_indexes;

SET session_replication_role = DEFAULT;
