-- +goose Up
-- Losses and win-backs. A churn record is never deleted: a win-back closes it.

CREATE TABLE churn_records (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id        INTEGER NOT NULL REFERENCES accounts (id),
    churned_on        TEXT NOT NULL,
    reason            TEXT NOT NULL CHECK (reason IN ('price', 'service', 'quality', 'competitor', 'staff_departure',
                          'business_closed', 'relocation', 'merger', 'other')),
    voluntary         BOOLEAN NOT NULL,
    competitor        TEXT NOT NULL DEFAULT '',
    notes             TEXT NOT NULL DEFAULT '',
    annual_value      INTEGER NOT NULL,
    currency          TEXT NOT NULL,
    recorded_by       INTEGER NOT NULL REFERENCES users (id),
    created_at        TIMESTAMP NOT NULL,
    reactivated_on    TEXT,
    reactivated_by    INTEGER REFERENCES users (id),
    reactivation_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX churn_records_account ON churn_records (account_id, churned_on);
CREATE INDEX churn_records_on ON churn_records (churned_on, reason);

CREATE INDEX accounts_customer_since ON accounts (customer_since);
CREATE INDEX accounts_renewal ON accounts (owner_id, renewal_date);

-- +goose Down
DROP INDEX accounts_renewal;
DROP INDEX accounts_customer_since;
DROP TABLE churn_records;
