-- +goose Up
-- An account's own visit cadence in days (NULL: its tier's), as cadence_days is its own
-- contact cadence.
ALTER TABLE accounts ADD COLUMN visit_days INTEGER CHECK (visit_days BETWEEN 1 AND 730);

-- +goose Down
ALTER TABLE accounts DROP COLUMN visit_days;
