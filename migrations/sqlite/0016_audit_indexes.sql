-- +goose Up
-- Every write appends an audit entry, and each of its indexes is written with it: half
-- of the time of logging a call went to the audit entry (issue 9). Nothing reads the
-- entries by entity or by actor, and an account's history reads them by account and
-- action (audit_entries_account_action, migration 0009), so these three go. An index
-- comes back with the first query that needs it.
DROP INDEX audit_entries_account;
DROP INDEX audit_entries_entity;
DROP INDEX audit_entries_actor;

-- +goose Down
CREATE INDEX audit_entries_actor ON audit_entries (actor_id, at);
CREATE INDEX audit_entries_entity ON audit_entries (entity, entity_id);
CREATE INDEX audit_entries_account ON audit_entries (account_id, id);
