-- +goose Up
-- Each health result keeps the interaction counts it was computed from (seven numbers,
-- see health/windows.go): a scan then recounts only the accounts whose interactions
-- crossed a window's edge since the previous scan. '' until an account is next scored.
ALTER TABLE account_health ADD COLUMN windows TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE account_health DROP COLUMN windows;
