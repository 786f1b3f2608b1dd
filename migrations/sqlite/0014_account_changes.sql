-- +goose Up
-- The account lists filter, sort, count and answer from memory (accounts/catalog.go):
-- every live account and its health (score, level, flag, risk value), about 15 MB for 50,000 accounts. A list reads
-- no row from SQL, whatever its filter and order, instead of walking an index and reading
-- every row it steps over (13 ms for a page of one industry by due date) or keeping an index per
-- filter and order (each rewritten by every logged call; issue 9).
--
-- account_changes says which accounts changed, in commit order (one writer at a time),
-- so that the memory of any process catches up by reading only those. Every change of an
-- account or of its score adds a row, whoever makes it (a request, a handover, the scan, another
-- process); the memory that finds a gap (rows pruned behind it) reloads everything.
CREATE TABLE account_changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL
);
-- +goose StatementBegin
CREATE TRIGGER account_changes_insert AFTER INSERT ON accounts
BEGIN
    INSERT INTO account_changes (account_id) VALUES (NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER account_changes_update AFTER UPDATE ON accounts
BEGIN
    INSERT INTO account_changes (account_id) VALUES (NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER account_changes_delete AFTER DELETE ON accounts
BEGIN
    INSERT INTO account_changes (account_id) VALUES (OLD.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER account_changes_health_insert AFTER INSERT ON account_health
BEGIN
    INSERT INTO account_changes (account_id) VALUES (NEW.account_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER account_changes_health_update AFTER UPDATE OF score, level, neglected, risk_value, flagged_since
ON account_health
WHEN OLD.score IS NOT NEW.score OR OLD.level IS NOT NEW.level OR OLD.neglected IS NOT NEW.neglected
  OR OLD.risk_value IS NOT NEW.risk_value OR OLD.flagged_since IS NOT NEW.flagged_since
BEGIN
    INSERT INTO account_changes (account_id) VALUES (NEW.account_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER account_changes_health_delete AFTER DELETE ON account_health
BEGIN
    INSERT INTO account_changes (account_id) VALUES (OLD.account_id);
END;
-- +goose StatementEnd

-- The health sorts come from memory: the copy of the score on accounts (migration 0009),
-- its triggers and its four indexes went with every score change (a second update of the
-- account and four index rewrites in every logged call).
DROP TRIGGER health_score_insert;
DROP TRIGGER health_score_update;
DROP TRIGGER health_score_delete;
DROP INDEX accounts_health_up;
DROP INDEX accounts_health_down;
DROP INDEX accounts_tier_health_up;
DROP INDEX accounts_tier_health_down;
ALTER TABLE accounts DROP COLUMN health_score;

-- Nothing reads through these any more: lists, the agenda and the flags order and filter
-- in memory, and an owner's accounts are found through accounts_renewal. The due-date
-- ones were rewritten by every logged call, the health ones by every change of a score.
DROP INDEX accounts_due;
DROP INDEX accounts_tier_due;
DROP INDEX accounts_tier_status_due;
DROP INDEX accounts_owner;
DROP INDEX account_health_flagged;
DROP INDEX account_health_level;
DROP INDEX account_health_score;
DROP INDEX account_health_flag_order;

-- +goose Down
CREATE INDEX account_health_flag_order ON account_health (risk_value DESC, score, account_id);
CREATE INDEX account_health_score ON account_health (score);
CREATE INDEX account_health_level ON account_health (level, risk_value);
CREATE INDEX account_health_flagged ON account_health (flagged_since, risk_value);
CREATE INDEX accounts_owner ON accounts (owner_id, next_contact_due);
CREATE INDEX accounts_tier_status_due ON accounts (tier, status, next_contact_due);
CREATE INDEX accounts_tier_due ON accounts (tier, next_contact_due);
CREATE INDEX accounts_due ON accounts (next_contact_due);
ALTER TABLE accounts ADD COLUMN health_score INTEGER;
UPDATE accounts SET health_score = (SELECT h.score FROM account_health h WHERE h.account_id = accounts.id);
CREATE INDEX accounts_health_up ON accounts (COALESCE(health_score, 1000), id);
CREATE INDEX accounts_health_down ON accounts (COALESCE(health_score, -1) DESC, id);
CREATE INDEX accounts_tier_health_up ON accounts (tier, COALESCE(health_score, 1000), id);
CREATE INDEX accounts_tier_health_down ON accounts (tier, COALESCE(health_score, -1) DESC, id);
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
DROP TRIGGER account_changes_health_delete;
DROP TRIGGER account_changes_health_update;
DROP TRIGGER account_changes_health_insert;
DROP TRIGGER account_changes_delete;
DROP TRIGGER account_changes_update;
DROP TRIGGER account_changes_insert;
DROP TABLE account_changes;
