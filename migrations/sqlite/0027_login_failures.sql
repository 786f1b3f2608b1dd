-- +goose Up
-- Failed sign-ins, counted per (e-mail, client) and per client (auth/limit.go), in the
-- database so that every instance serving it counts the same ones. key is a SHA-256 of
-- the counter's name: no e-mail or address is kept.
CREATE TABLE login_failures (
    key    TEXT PRIMARY KEY,
    tokens REAL NOT NULL,       -- failures still allowed at `at`
    at     TIMESTAMP NOT NULL   -- the last failure
);
CREATE INDEX login_failures_at ON login_failures (at);

-- +goose Down
DROP TABLE login_failures;
