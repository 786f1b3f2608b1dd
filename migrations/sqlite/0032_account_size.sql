-- +goose Up
-- A customer's size (issue 17): large, mid or small, '' while unknown; churn is read
-- against what is normal for each size.
ALTER TABLE accounts ADD COLUMN size TEXT NOT NULL DEFAULT '' CHECK (size IN ('', 'large', 'mid', 'small'));

-- +goose Down
ALTER TABLE accounts DROP COLUMN size;
