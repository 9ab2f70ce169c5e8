-- When a queued submission was last put back on the judging stream by the judges' requeue
-- sweep (its stream entry was lost, e.g. Redis lost its data).
ALTER TABLE submissions ADD COLUMN requeued_at timestamptz;

CREATE INDEX submissions_queued_by_age ON submissions (created_at) WHERE status = 'queued';
