-- +goose Up
-- Currency-aware sums (issue 10): every sum across accounts converts to the organisation's
-- base currency first, at rates an admin maintains. rate_to_base is how many units of the
-- base currency one unit of code is worth; the base currency itself has rate 1. A
-- currency found in the data before this migration has no rate (NULL) until an admin
-- sets one: its amounts are left out of every sum, and the sums say so. New amounts in a
-- currency without a rate are refused.
CREATE TABLE currencies (
    code         TEXT PRIMARY KEY CHECK (length(code) = 3 AND code = upper(code)),
    rate_to_base REAL CHECK (rate_to_base IS NULL OR rate_to_base > 0),
    base         BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at   TIMESTAMP NOT NULL,
    updated_by   INTEGER REFERENCES users (id),
    CHECK (NOT base OR rate_to_base = 1)
);
CREATE UNIQUE INDEX currencies_one_base ON currencies (base) WHERE base;
INSERT INTO currencies (code, rate_to_base, base, updated_at) VALUES ('CNY', 1, TRUE, CURRENT_TIMESTAMP);
INSERT OR IGNORE INTO currencies (code, updated_at)
    SELECT DISTINCT currency, CURRENT_TIMESTAMP FROM accounts WHERE currency <> ''
    UNION SELECT DISTINCT currency, CURRENT_TIMESTAMP FROM churn_records WHERE currency <> '';

-- The risk order of the flag lists weighs each account by its value in the base currency.
UPDATE account_health SET risk_value = (100 - score) * COALESCE((SELECT CAST(ROUND(a.annual_value * c.rate_to_base) AS INTEGER)
    FROM accounts a JOIN currencies c ON c.code = a.currency WHERE a.id = account_health.account_id), 0);

INSERT INTO data_versions (name) VALUES ('currencies');
-- +goose StatementBegin
CREATE TRIGGER versions_currencies_insert AFTER INSERT ON currencies
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'currencies';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_currencies_update AFTER UPDATE ON currencies
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'currencies';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_currencies_delete AFTER DELETE ON currencies
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'currencies';
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER versions_currencies_delete;
DROP TRIGGER versions_currencies_update;
DROP TRIGGER versions_currencies_insert;
DELETE FROM data_versions WHERE name = 'currencies';
DROP TABLE currencies;
