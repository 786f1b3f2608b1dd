-- +goose Up
-- Visit cadence (issue 17): beside the contact cadence, how often a tier's accounts are
-- visited (NULL: no visit cadence; key accounts every 90 days to begin with), and each
-- account's latest visit (a visit, a meeting or an executive visit), kept on the account
-- as its latest contact is, so that the health scan reads it with the account's row.
ALTER TABLE cadence_policies ADD COLUMN visit_days INTEGER CHECK (visit_days BETWEEN 1 AND 730);
UPDATE cadence_policies SET visit_days = 90 WHERE tier = 'key';
ALTER TABLE accounts ADD COLUMN last_visited_at TIMESTAMPTZ;
UPDATE accounts SET last_visited_at = (SELECT MAX(i.occurred_at) FROM interactions i
    WHERE i.account_id = accounts.id AND i.kind IN ('visit', 'meeting', 'executive_visit'));

-- +goose Down
ALTER TABLE accounts DROP COLUMN last_visited_at;
ALTER TABLE cadence_policies DROP COLUMN visit_days;
