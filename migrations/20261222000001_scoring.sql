-- Scoring problems: a version keeps its scoring model (the group tree and its aggregation
-- rules, as JSON; NULL for pass-fail problems), a judged submission its score, and a battle
-- that time ended on a scoring problem is won by the higher best score.

ALTER TABLE problem_versions ADD COLUMN scoring jsonb;

ALTER TABLE submissions
    -- NULL on pass-fail problems and for submissions not judged yet.
    ADD COLUMN score double precision CHECK (score >= 0),
    -- The problem's maximum score; NULL when unbounded (or on pass-fail problems).
    ADD COLUMN max_score double precision CHECK (max_score >= 0);

ALTER TABLE battles DROP CONSTRAINT battles_outcome_check;
ALTER TABLE battles ADD CONSTRAINT battles_outcome_check
    CHECK (outcome IN ('accepted', 'forfeit', 'draw', 'score'));
