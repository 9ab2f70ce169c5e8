-- The battles running now, newest first, for the lobby's list of battles to watch
-- (`GET /api/battles/live`). Not a partial index: the query binds the status as a parameter,
-- which a generic plan cannot match against a partial index's predicate.
CREATE INDEX battles_by_status_start ON battles (status, starts_at DESC, id DESC);
