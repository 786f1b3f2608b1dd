-- +goose Up
-- The 'due' and 'flags' change counters (migration 0009) keyed list and flag totals that
-- are now counted from the accounts in memory (accounts/catalog.go, kept current by
-- account_changes). Nothing reads them, and the 'due' trigger wrote data_versions in
-- every logged call.
DROP TRIGGER versions_accounts_due;
DROP TRIGGER versions_health_insert;
DROP TRIGGER versions_health_update;
DROP TRIGGER versions_health_delete;
DROP TRIGGER versions_accounts_insert;
-- +goose StatementBegin
CREATE TRIGGER versions_accounts_insert AFTER INSERT ON accounts
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'accounts';
END;
-- +goose StatementEnd
DELETE FROM data_versions WHERE name IN ('due', 'flags');

-- +goose Down
INSERT INTO data_versions (name) VALUES ('due'), ('flags');
DROP TRIGGER versions_accounts_insert;
-- +goose StatementBegin
CREATE TRIGGER versions_accounts_insert AFTER INSERT ON accounts
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name IN ('accounts', 'due');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_accounts_due AFTER UPDATE OF next_contact_due ON accounts
WHEN OLD.next_contact_due IS NOT NEW.next_contact_due
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'due';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_health_insert AFTER INSERT ON account_health
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'flags';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_health_update AFTER UPDATE ON account_health
WHEN OLD.flagged_since IS NOT NEW.flagged_since OR OLD.level IS NOT NEW.level OR OLD.neglected IS NOT NEW.neglected
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'flags';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_health_delete AFTER DELETE ON account_health
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'flags';
END;
-- +goose StatementEnd
