-- +goose Up
-- The accounts in memory hold their teams (accounts/catalog.go): a change of a team row
-- is a change of its account.
-- +goose StatementBegin
CREATE TRIGGER account_changes_team_insert AFTER INSERT ON account_team
BEGIN
    INSERT INTO account_changes (account_id) VALUES (NEW.account_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER account_changes_team_update AFTER UPDATE ON account_team
BEGIN
    INSERT INTO account_changes (account_id) VALUES (NEW.account_id);
    INSERT INTO account_changes (account_id) SELECT OLD.account_id WHERE OLD.account_id IS NOT NEW.account_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER account_changes_team_delete AFTER DELETE ON account_team
BEGIN
    INSERT INTO account_changes (account_id) VALUES (OLD.account_id);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER account_changes_team_insert;
DROP TRIGGER account_changes_team_update;
DROP TRIGGER account_changes_team_delete;
