-- Fencing for battle creation, and the indexes the sweeper and reconnect handling query by.

-- The newest fencing token that wrote for each lock resource (a pairing key). A battle-creating
-- write first raises the token here, in its own transaction, and is refused when a newer token
-- got there first: its holder's lock expired and a later holder already wrote.
CREATE TABLE fencing (
    resource    text PRIMARY KEY,
    token       bigint NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Running battles past their end become draws; every instance looks for them.
CREATE INDEX battles_running_by_end ON battles (ends_at) WHERE status = 'running';
-- Countdowns whose instance died are started by whichever instance sweeps first.
CREATE INDEX battles_countdown_by_start ON battles (starts_at) WHERE status = 'countdown';
-- A player's active battles, looked up on every connect and disconnect.
CREATE INDEX battles_active_by_player_a ON battles (player_a) WHERE status <> 'finished';
CREATE INDEX battles_active_by_player_b ON battles (player_b) WHERE status <> 'finished';
