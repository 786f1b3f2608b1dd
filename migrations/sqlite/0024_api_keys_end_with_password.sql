-- +goose Up
-- A new password (the owner's own, or set by an admin to lock someone out) ends the
-- owner's API keys too, in the same transaction: a key made with a stolen session must not
-- outlive the reset.
-- +goose StatementBegin
CREATE TRIGGER api_keys_end_with_password AFTER UPDATE OF password_hash ON users
WHEN NEW.password_hash <> OLD.password_hash
BEGIN
    UPDATE api_keys SET revoked_at = strftime('%Y-%m-%d %H:%M:%S', 'now')
    WHERE user_id = NEW.id AND revoked_at IS NULL;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER api_keys_end_with_password;
