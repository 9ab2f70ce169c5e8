-- Tournaments: an organizer's settings, the players who registered and checked in, and the
-- bracket once started. The bracket is stored as joust-brackets stores a stage: its seeded
-- participants and its history of results and disqualifications, replayed by `Stage::restore`;
-- one row per match keeps what the bracket library does not know (when it is scheduled, and
-- the battle that plays it).

CREATE TYPE tournament_format AS ENUM
    ('single_elimination', 'double_elimination', 'round_robin', 'swiss');
CREATE TYPE tournament_grand_final AS ENUM ('none', 'simple', 'double');
CREATE TYPE tournament_state AS ENUM
    ('draft', 'registration', 'check_in', 'running', 'finished', 'cancelled');
CREATE TYPE tournament_seeding AS ENUM ('by_rating', 'manual');

CREATE TABLE tournaments (
    id                  uuid PRIMARY KEY,
    name                text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 80),
    organizer_id        uuid NOT NULL REFERENCES users (id),
    format              tournament_format NOT NULL,
    -- Format settings; each format reads only its own.
    third_place_match   boolean NOT NULL DEFAULT false,
    grand_final         tournament_grand_final NOT NULL DEFAULT 'double',
    groups              integer NOT NULL DEFAULT 1 CHECK (groups BETWEEN 1 AND 64),
    double_round_robin  boolean NOT NULL DEFAULT false,
    swiss_rounds        integer NOT NULL DEFAULT 1 CHECK (swiss_rounds BETWEEN 1 AND 64),
    problem_pool        uuid[] NOT NULL CHECK (cardinality(problem_pool) BETWEEN 1 AND 64),
    starts_at           timestamptz NOT NULL,
    round_interval_secs integer NOT NULL CHECK (round_interval_secs BETWEEN 60 AND 604800),
    battle_secs         integer NOT NULL CHECK (battle_secs BETWEEN 60 AND 14400),
    max_participants    integer NOT NULL CHECK (max_participants BETWEEN 2 AND 4096),
    state               tournament_state NOT NULL DEFAULT 'draft',
    -- Set when the tournament starts.
    seeding             tournament_seeding,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX tournaments_by_start ON tournaments (starts_at DESC, id);

CREATE TABLE tournament_registrations (
    tournament_id  uuid NOT NULL REFERENCES tournaments (id) ON DELETE CASCADE,
    user_id        uuid NOT NULL REFERENCES users (id),
    registered_at  timestamptz NOT NULL DEFAULT now(),
    checked_in     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tournament_id, user_id)
);

-- The seeded participants of a started tournament: `seed` is the library's `ParticipantId`.
CREATE TABLE tournament_participants (
    tournament_id  uuid NOT NULL REFERENCES tournaments (id) ON DELETE CASCADE,
    seed           integer NOT NULL CHECK (seed >= 0),
    user_id        uuid NOT NULL REFERENCES users (id),
    name           text NOT NULL,
    rating         integer,
    PRIMARY KEY (tournament_id, seed),
    UNIQUE (tournament_id, user_id)
);

-- The stage's history (`Stage::history`), in order: a JSON `Event` per row. An overridden
-- result is rewritten in place, as the library does.
CREATE TABLE tournament_events (
    tournament_id  uuid NOT NULL REFERENCES tournaments (id) ON DELETE CASCADE,
    seq            integer NOT NULL CHECK (seq >= 0),
    event          jsonb NOT NULL,
    recorded_by    uuid REFERENCES users (id),
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tournament_id, seq)
);

-- One row per match of the stage (`MatchId`): when it is due, and the battle playing it. A
-- battle plays at most one match.
CREATE TABLE tournament_matches (
    tournament_id  uuid NOT NULL REFERENCES tournaments (id) ON DELETE CASCADE,
    match_id       integer NOT NULL CHECK (match_id >= 0),
    scheduled_at   timestamptz NOT NULL,
    battle_id      uuid UNIQUE REFERENCES battles (id),
    PRIMARY KEY (tournament_id, match_id)
);

CREATE INDEX tournament_matches_due ON tournament_matches (scheduled_at)
    WHERE battle_id IS NULL;
