-- Users, problems, challenges, battles with their event log, and submissions.

CREATE TABLE users (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 32),
    rating      integer NOT NULL DEFAULT 1200,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE problems (
    id               uuid PRIMARY KEY,
    slug             text NOT NULL UNIQUE,
    title            text NOT NULL,
    statement        text NOT NULL,
    time_limit_ms    integer NOT NULL CHECK (time_limit_ms > 0),
    memory_limit_mb  integer NOT NULL CHECK (memory_limit_mb > 0),
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- Sample tests are shown to players; the others stay hidden and decide the verdict.
CREATE TABLE problem_tests (
    problem_id       uuid NOT NULL REFERENCES problems (id) ON DELETE CASCADE,
    ordinal          integer NOT NULL,
    input            text NOT NULL,
    expected_output  text NOT NULL,
    is_sample        boolean NOT NULL DEFAULT false,
    PRIMARY KEY (problem_id, ordinal)
);

-- A direct challenge: its creator shares the code, the first other player to accept it duels.
CREATE TABLE challenges (
    code         text PRIMARY KEY,
    creator_id   uuid NOT NULL REFERENCES users (id),
    problem_id   uuid NOT NULL REFERENCES problems (id),
    status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'cancelled')),
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Every lock acquisition that may create a battle draws a token from here; the battle row
-- keeps the token it was created under.
CREATE SEQUENCE fencing_tokens AS bigint;

CREATE TABLE battles (
    id             uuid PRIMARY KEY,
    problem_id     uuid NOT NULL REFERENCES problems (id),
    player_a       uuid NOT NULL REFERENCES users (id),
    player_b       uuid NOT NULL REFERENCES users (id),
    -- Identifies what the battle was created for ("challenge:CODE"): at most one active
    -- battle per pairing, enforced by the partial unique index below.
    pairing_key    text NOT NULL,
    status         text NOT NULL CHECK (status IN ('countdown', 'running', 'finished')),
    winner_id      uuid REFERENCES users (id),
    outcome        text CHECK (outcome IN ('accepted', 'forfeit', 'draw')),
    fencing_token  bigint NOT NULL,
    last_seq       bigint NOT NULL DEFAULT 0,
    starts_at      timestamptz NOT NULL,
    -- Without a winner by then the battle is a draw. Judging outages push it back.
    ends_at        timestamptz NOT NULL,
    -- Judging delays before this moment have already been added to ends_at.
    extended_through  timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz,
    CHECK (player_a <> player_b)
);

CREATE UNIQUE INDEX battles_one_active_per_pairing ON battles (pairing_key) WHERE status <> 'finished';

CREATE TABLE battle_events (
    battle_id   uuid NOT NULL REFERENCES battles (id) ON DELETE CASCADE,
    seq         bigint NOT NULL,
    type        text NOT NULL,
    data        jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (battle_id, seq)
);

CREATE TABLE submissions (
    id           uuid PRIMARY KEY,
    battle_id    uuid NOT NULL REFERENCES battles (id),
    user_id      uuid NOT NULL REFERENCES users (id),
    language     text NOT NULL,
    source       text NOT NULL,
    status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'judged')),
    verdict      text,
    result       jsonb,
    -- Chosen by the client so that a retried submit does not create a second submission.
    idempotency_key  text,
    -- Set once the submission id is on the judging stream.
    enqueued     boolean NOT NULL DEFAULT false,
    -- Judging attempts that may have been the submission's own fault (see the judge).
    attempts     integer NOT NULL DEFAULT 0,
    -- When judging of this submission was first held up by an executor outage (players are
    -- told once); the battle is extended by the time it waited.
    delayed_since  timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    judged_at    timestamptz
);

CREATE INDEX submissions_by_battle ON submissions (battle_id, created_at);
CREATE UNIQUE INDEX submissions_idempotency ON submissions (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- The first problem: read two integers, print their sum.
INSERT INTO problems (id, slug, title, statement, time_limit_ms, memory_limit_mb) VALUES (
    '00000000-0000-4000-8000-000000000001',
    'sum-of-two',
    'Sum of two integers',
    E'Read two integers a and b (|a|, |b| <= 10^18) separated by whitespace from standard input and print a + b.',
    2000,
    64
);

INSERT INTO problem_tests (problem_id, ordinal, input, expected_output, is_sample) VALUES
    ('00000000-0000-4000-8000-000000000001', 1, E'1 2\n', E'3\n', true),
    ('00000000-0000-4000-8000-000000000001', 2, E'-5 5\n', E'0\n', false),
    ('00000000-0000-4000-8000-000000000001', 3, E'1000000000000 2345678901234\n', E'3345678901234\n', false),
    ('00000000-0000-4000-8000-000000000001', 4, E'-1000000000000000000 -1000000000000000000\n', E'-2000000000000000000\n', false),
    ('00000000-0000-4000-8000-000000000001', 5, E'123456789\n987654321\n', E'1111111110\n', false);
