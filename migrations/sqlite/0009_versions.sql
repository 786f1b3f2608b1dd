-- +goose Up
-- Reads near the data floor (issue 9).

-- Version counters that caches key on. Triggers bump a counter in the same transaction
-- as the change it stands for, so a cache entry made under version n can never hold data
-- newer or older than n, whichever process or instance wrote it (keyhold scan beside a
-- serving instance included). Reading the counters is one small query.
--   accounts  what the list filters and facets read: name, tier, status, owner, industry,
--             region, deletion, and new accounts
--   due       next contact due dates (the overdue filter)
--   teams     account team rows (the member filter)
--   flags     which accounts are flagged, and at what level
--   users     users and signed-out tokens (sign-in checks, names shown on records)
--   cadence   cadence policies
CREATE TABLE data_versions (
    name TEXT PRIMARY KEY,
    n    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO data_versions (name) VALUES ('accounts'), ('due'), ('teams'), ('flags'), ('users'), ('cadence');

-- +goose StatementBegin
CREATE TRIGGER versions_accounts_insert AFTER INSERT ON accounts
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name IN ('accounts', 'due');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_accounts_update AFTER UPDATE OF name, tier, status, owner_id, industry, region, deleted_at ON accounts
WHEN OLD.name IS NOT NEW.name OR OLD.tier IS NOT NEW.tier OR OLD.status IS NOT NEW.status
  OR OLD.owner_id IS NOT NEW.owner_id OR OLD.industry IS NOT NEW.industry OR OLD.region IS NOT NEW.region
  OR OLD.deleted_at IS NOT NEW.deleted_at
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'accounts';
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
CREATE TRIGGER versions_team_insert AFTER INSERT ON account_team
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'teams';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_team_update AFTER UPDATE ON account_team
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'teams';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_team_delete AFTER DELETE ON account_team
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'teams';
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
-- +goose StatementBegin
CREATE TRIGGER versions_users_insert AFTER INSERT ON users
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'users';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_users_update AFTER UPDATE ON users
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'users';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_users_delete AFTER DELETE ON users
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'users';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_revoked_insert AFTER INSERT ON revoked_tokens
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'users';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_cadence_insert AFTER INSERT ON cadence_policies
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'cadence';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_cadence_update AFTER UPDATE ON cadence_policies
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'cadence';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_cadence_delete AFTER DELETE ON cadence_policies
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'cadence';
END;
-- +goose StatementEnd

-- The health sorts page through an index instead of sorting every account: each
-- account carries its current score (NULL when not scored, e.g. churned), kept equal to
-- account_health.score by triggers, and two expression indexes put unscored accounts
-- last in either direction.
ALTER TABLE accounts ADD COLUMN health_score INTEGER;
UPDATE accounts SET health_score = (SELECT h.score FROM account_health h WHERE h.account_id = accounts.id);
CREATE INDEX accounts_health_up ON accounts (COALESCE(health_score, 1000), id);
CREATE INDEX accounts_health_down ON accounts (COALESCE(health_score, -1) DESC, id);

-- Every sort the list offers, in index order, also within a tier (the filter nearly every
-- view of key accounts uses; the overdue sort has accounts_tier_due already).
DROP INDEX accounts_value;
CREATE INDEX accounts_value ON accounts (annual_value DESC, id);
CREATE INDEX accounts_tier_name ON accounts (tier, name);
CREATE INDEX accounts_tier_value ON accounts (tier, annual_value DESC, id);
CREATE INDEX accounts_tier_health_up ON accounts (tier, COALESCE(health_score, 1000), id);
CREATE INDEX accounts_tier_health_down ON accounts (tier, COALESCE(health_score, -1) DESC, id);

-- The overdue filter reads active accounts of a tier by due date: with the status in the
-- index, a page of overdue key accounts no longer steps over every churned one (they stay
-- "due" since the day they were lost). The agenda reads one owner's accounts by due date.
CREATE INDEX accounts_tier_status_due ON accounts (tier, status, next_contact_due);
DROP INDEX accounts_owner;
CREATE INDEX accounts_owner ON accounts (owner_id, next_contact_due);
-- +goose StatementBegin
CREATE TRIGGER health_score_insert AFTER INSERT ON account_health
BEGIN
    UPDATE accounts SET health_score = NEW.score WHERE id = NEW.account_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER health_score_update AFTER UPDATE OF score ON account_health
WHEN OLD.score IS NOT NEW.score
BEGIN
    UPDATE accounts SET health_score = NEW.score WHERE id = NEW.account_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER health_score_delete AFTER DELETE ON account_health
BEGIN
    UPDATE accounts SET health_score = NULL WHERE id = OLD.account_id;
END;
-- +goose StatementEnd

-- The health refresh of one account counts its owner changes from its own audit
-- entries, not from every transfer of the year (audit_entries_action_at).
CREATE INDEX audit_entries_account_action ON audit_entries (account_id, action, at);

-- +goose Down
DROP INDEX audit_entries_account_action;
DROP TRIGGER health_score_delete;
DROP TRIGGER health_score_update;
DROP TRIGGER health_score_insert;
DROP INDEX accounts_owner;
CREATE INDEX accounts_owner ON accounts (owner_id);
DROP INDEX accounts_tier_status_due;
DROP INDEX accounts_tier_health_down;
DROP INDEX accounts_tier_health_up;
DROP INDEX accounts_tier_value;
DROP INDEX accounts_tier_name;
DROP INDEX accounts_value;
CREATE INDEX accounts_value ON accounts (annual_value);
DROP INDEX accounts_health_down;
DROP INDEX accounts_health_up;
ALTER TABLE accounts DROP COLUMN health_score;
DROP TRIGGER versions_cadence_delete;
DROP TRIGGER versions_cadence_update;
DROP TRIGGER versions_cadence_insert;
DROP TRIGGER versions_revoked_insert;
DROP TRIGGER versions_users_delete;
DROP TRIGGER versions_users_update;
DROP TRIGGER versions_users_insert;
DROP TRIGGER versions_health_delete;
DROP TRIGGER versions_health_update;
DROP TRIGGER versions_health_insert;
DROP TRIGGER versions_team_delete;
DROP TRIGGER versions_team_update;
DROP TRIGGER versions_team_insert;
DROP TRIGGER versions_accounts_due;
DROP TRIGGER versions_accounts_update;
DROP TRIGGER versions_accounts_insert;
DROP TABLE data_versions;
