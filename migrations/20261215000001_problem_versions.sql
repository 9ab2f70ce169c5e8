-- Problems imported from Kattis packages, one row per version: a package's content hash names
-- its version, so importing the same package again finds its row and changes nothing. A
-- battle keeps the version it was created with, so a new version never changes how a battle
-- that already ran was judged.

ALTER TABLE problems
    -- Difficulty on the players' rating scale: battles pick a problem near both players.
    ADD COLUMN rating integer NOT NULL DEFAULT 1500 CHECK (rating BETWEEN 0 AND 5000);

CREATE TABLE problem_versions (
    id               uuid PRIMARY KEY,
    problem_id       uuid NOT NULL REFERENCES problems (id),
    -- SHA-256 of the package's files and paths.
    content_hash     text NOT NULL,
    format           text NOT NULL CHECK (format IN ('legacy', 'v2023_07')),
    problem_type     text NOT NULL CHECK (problem_type IN ('pass-fail', 'scoring', 'interactive')),
    -- Name by language code.
    names            jsonb NOT NULL,
    -- [{language, source_format, markdown}]
    statements       jsonb NOT NULL,
    -- problem.yaml's limits with the format's defaults filled in.
    limits           jsonb NOT NULL,
    time_limit_ms    integer NOT NULL CHECK (time_limit_ms > 0),
    memory_limit_mb  integer NOT NULL CHECK (memory_limit_mb > 0),
    -- How answers are judged, as the executor takes it.
    checker          jsonb NOT NULL,
    -- testdata.yaml settings by group path.
    test_groups      jsonb NOT NULL,
    -- What verification found: each submission's verdict and time.
    verification     jsonb NOT NULL,
    rating           integer NOT NULL CHECK (rating BETWEEN 0 AND 5000),
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (problem_id, content_hash)
);

CREATE TABLE problem_version_tests (
    version_id       uuid NOT NULL REFERENCES problem_versions (id) ON DELETE CASCADE,
    ordinal          integer NOT NULL,
    test_group       text NOT NULL,
    name             text NOT NULL,
    input            text NOT NULL,
    expected_output  text NOT NULL,
    is_sample        boolean NOT NULL,
    PRIMARY KEY (version_id, ordinal)
);

-- Attachments, validators and submissions, kept with the version they came in.
CREATE TABLE problem_version_files (
    version_id  uuid NOT NULL REFERENCES problem_versions (id) ON DELETE CASCADE,
    path        text NOT NULL,
    content     bytea NOT NULL,
    PRIMARY KEY (version_id, path)
);

ALTER TABLE problems ADD COLUMN current_version_id uuid REFERENCES problem_versions (id);

-- NULL for battles on a problem that has no imported version (the seeded one).
ALTER TABLE battles ADD COLUMN problem_version_id uuid REFERENCES problem_versions (id);

-- Recent battles of a player, for choosing a problem neither played lately.
CREATE INDEX battles_player_a_recent ON battles (player_a, created_at DESC);
CREATE INDEX battles_player_b_recent ON battles (player_b, created_at DESC);
