-- +goose Up
-- Every user has a calendar feed token from the start, so that reading one's feed address
-- (a GET) never has to create it.
UPDATE users SET calendar_token = lower(hex(randomblob(20))) WHERE calendar_token IS NULL;

-- +goose Down
SELECT 1;
