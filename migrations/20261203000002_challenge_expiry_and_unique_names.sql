-- Challenges expire (JOUST_CHALLENGE_TTL_SECS), and display names are unique ignoring case.

ALTER TABLE challenges DROP CONSTRAINT challenges_status_check;
ALTER TABLE challenges ADD CONSTRAINT challenges_status_check
    CHECK (status IN ('open', 'accepted', 'cancelled', 'expired'));
-- The service sets it on every insert; the default covers challenges opened before this.
ALTER TABLE challenges ADD COLUMN expires_at timestamptz NOT NULL DEFAULT now() + interval '10 minutes';
-- The open-challenge cap counts a player's open challenges; the sweeper finds expired ones.
CREATE INDEX challenges_open_by_creator ON challenges (creator_id) WHERE status = 'open';
CREATE INDEX challenges_open_by_expiry ON challenges (expires_at) WHERE status = 'open';

-- Names taken before this rule: the oldest holder keeps the name, later ones get a suffix.
UPDATE users u
SET name = left(u.name, 23) || '-' || left(u.id::text, 8)
WHERE EXISTS (
    SELECT 1 FROM users o
    WHERE lower(o.name) = lower(u.name) AND (o.created_at, o.id) < (u.created_at, u.id)
);
CREATE UNIQUE INDEX users_name_lower ON users (lower(name));
