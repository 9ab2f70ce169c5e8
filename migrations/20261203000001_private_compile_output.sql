-- Compiler output is private to the submitter: it is kept on the submission, never in the
-- public battle event log. `timeouts` counts judging calls of the submission that timed out,
-- which are the submission's fault and bounded (the judge then records TLE).
ALTER TABLE submissions
    ADD COLUMN compile_output text,
    ADD COLUMN timeouts integer NOT NULL DEFAULT 0;
