-- Registered accounts: a password, a role, a login lockout, and refresh-token families.
-- A registered account's handle is its `users.name` (unique ignoring case, shared with guest
-- names); a guest becomes registered by setting a password, keeping its id.

CREATE TYPE user_role AS ENUM ('learner', 'organizer', 'admin');

ALTER TABLE users
    ADD COLUMN role user_role NOT NULL DEFAULT 'learner',
    -- An argon2id PHC string; NULL for a guest.
    ADD COLUMN password_hash text,
    ADD COLUMN registered_at timestamptz,
    -- Wrong passwords since the last successful login; reaching the maximum locks the account
    -- until `locked_until`.
    ADD COLUMN failed_logins integer NOT NULL DEFAULT 0,
    ADD COLUMN locked_until timestamptz,
    ADD CONSTRAINT users_registered_has_password
        CHECK ((password_hash IS NULL) = (registered_at IS NULL));

-- One login's chain of refresh tokens. Revoking the family ends the session, whichever of its
-- tokens is current.
CREATE TABLE refresh_families (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE INDEX refresh_families_live_by_user ON refresh_families (user_id) WHERE revoked_at IS NULL;

-- Only the SHA-256 of a refresh token is stored. A token is used once: `used_at` set means it
-- was rotated, and presenting it again revokes its family.
CREATE TABLE refresh_tokens (
    token_hash  bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    family_id   uuid NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
