-- +goose Up
-- Indexes for the dataset of issue 4 (50,000 accounts, a million interactions), chosen
-- by measurement: see the Performance section of README.md and internal/web/bench_test.go.

-- The health scan counts contact interactions by time window across all accounts. With
-- the kind and the author in the index, those queries never read the table rows (each
-- went from about 1 s to 0.2 s on the dataset). It replaces interactions_time, its prefix.
CREATE INDEX interactions_time_cover ON interactions (occurred_at, account_id, kind, author_id);
DROP INDEX interactions_time;

-- The flag lists, worst first: reading this index in order stops after one page instead
-- of sorting every flagged account. Partial: only flagged accounts are in it.
CREATE INDEX account_health_flag_order ON account_health (risk_value DESC, score, account_id)
    WHERE flagged_since IS NOT NULL;

-- +goose Down
DROP INDEX account_health_flag_order;
CREATE INDEX interactions_time ON interactions (occurred_at, account_id);
DROP INDEX interactions_time_cover;
