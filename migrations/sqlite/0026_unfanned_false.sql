-- +goose Up
-- The outbox's queries say fanned = FALSE, which reads the same on PostgreSQL (a boolean)
-- and SQLite (0): SQLite uses a partial index only for the condition written as in the
-- index, so the index says it the same way.
DROP INDEX events_unfanned;
CREATE INDEX events_unfanned ON events (id) WHERE fanned = FALSE;

-- +goose Down
DROP INDEX events_unfanned;
CREATE INDEX events_unfanned ON events (id) WHERE fanned = 0;
