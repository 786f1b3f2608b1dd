-- +goose Up
-- The flag lists keep the health rows they read, each under its account's change number
-- (health/flags.go): a change of any column they show must be a change, so the reasons,
-- the level's start and the time of scoring join the columns of migration 0014.
DROP TRIGGER account_changes_health_update;
-- +goose StatementBegin
CREATE TRIGGER account_changes_health_update AFTER UPDATE ON account_health
WHEN OLD.score IS NOT NEW.score OR OLD.level IS NOT NEW.level OR OLD.neglected IS NOT NEW.neglected
  OR OLD.risk_value IS NOT NEW.risk_value OR OLD.flagged_since IS NOT NEW.flagged_since
  OR OLD.reasons IS NOT NEW.reasons OR OLD.level_since IS NOT NEW.level_since
  OR OLD.computed_at IS NOT NEW.computed_at
BEGIN
    INSERT INTO account_changes (account_id) VALUES (NEW.account_id);
END;
-- +goose StatementEnd

-- Settings (the time of the last full scan, which every health answer shows) are read
-- through a cache keyed on their own counter.
INSERT INTO data_versions (name) VALUES ('settings');
-- +goose StatementBegin
CREATE TRIGGER versions_settings_insert AFTER INSERT ON settings
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'settings';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_settings_update AFTER UPDATE ON settings
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'settings';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_settings_delete AFTER DELETE ON settings
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'settings';
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER versions_settings_insert;
DROP TRIGGER versions_settings_update;
DROP TRIGGER versions_settings_delete;
DELETE FROM data_versions WHERE name = 'settings';
DROP TRIGGER account_changes_health_update;
-- +goose StatementBegin
CREATE TRIGGER account_changes_health_update AFTER UPDATE OF score, level, neglected, risk_value, flagged_since
ON account_health
WHEN OLD.score IS NOT NEW.score OR OLD.level IS NOT NEW.level OR OLD.neglected IS NOT NEW.neglected
  OR OLD.risk_value IS NOT NEW.risk_value OR OLD.flagged_since IS NOT NEW.flagged_since
BEGIN
    INSERT INTO account_changes (account_id) VALUES (NEW.account_id);
END;
-- +goose StatementEnd
