-- +goose Up
-- API keys for integrations (issue 13): long-lived, scoped, shown once. Only the SHA-256 of
-- the secret is kept (the secret carries 256 random bits: a slow hash adds nothing), with
-- its last four characters for display.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    last_four    TEXT NOT NULL,
    scopes       TEXT NOT NULL,          -- JSON array of scope names
    role         TEXT NOT NULL,          -- the owner's role when the key was made
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_keys_user ON api_keys (user_id, id);

-- A key ends the moment its owner's role changes or they stop being active (leaving,
-- departed), in the transaction of that change; it does not come back with them.
-- +goose StatementBegin
CREATE TRIGGER api_keys_end_with_owner AFTER UPDATE OF role, status ON users
WHEN NEW.role <> OLD.role OR NEW.status <> 'active'
BEGIN
    UPDATE api_keys SET revoked_at = strftime('%Y-%m-%d %H:%M:%S', 'now')
    WHERE user_id = NEW.id AND revoked_at IS NULL;
END;
-- +goose StatementEnd

-- Keys are checked from memory while the users counter stands (migration 0009): a new,
-- revoked or expiring key moves it; its last use does not.
-- +goose StatementBegin
CREATE TRIGGER versions_api_keys_insert AFTER INSERT ON api_keys
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'users';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_api_keys_update AFTER UPDATE OF revoked_at, expires_at, scopes, role ON api_keys
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'users';
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER versions_api_keys_update;
DROP TRIGGER versions_api_keys_insert;
DROP TRIGGER api_keys_end_with_owner;
DROP TABLE api_keys;
