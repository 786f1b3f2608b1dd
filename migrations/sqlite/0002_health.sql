-- +goose Up
-- Contact cadence per tier, the maintained health of each account, its level changes,
-- complaints (a health input), and each user's calendar feed token.

CREATE TABLE cadence_policies (
    tier          TEXT PRIMARY KEY CHECK (tier IN ('key', 'growth', 'standard')),
    interval_days INTEGER NOT NULL CHECK (interval_days BETWEEN 1 AND 365),
    updated_at    TIMESTAMP NOT NULL
);
INSERT INTO cadence_policies (tier, interval_days, updated_at) VALUES
    ('key', 14, CURRENT_TIMESTAMP), ('growth', 30, CURRENT_TIMESTAMP), ('standard', 90, CURRENT_TIMESTAMP);

-- One row per live, active account: its latest score. risk_value = (100 - score) ×
-- annual value orders the flag lists worst first. flagged_since is when the account last
-- became neglected or at risk (NULL while it is neither).
CREATE TABLE account_health (
    account_id    INTEGER PRIMARY KEY REFERENCES accounts (id),
    score         INTEGER NOT NULL,
    level         TEXT NOT NULL CHECK (level IN ('healthy', 'watch', 'at_risk')),
    neglected     BOOLEAN NOT NULL,
    risk_value    INTEGER NOT NULL,
    reasons       TEXT NOT NULL,
    computed_at   TIMESTAMP NOT NULL,
    level_since   TIMESTAMP NOT NULL,
    flagged_since TIMESTAMP
);
CREATE INDEX account_health_flagged ON account_health (flagged_since, risk_value);
CREATE INDEX account_health_level ON account_health (level, risk_value);
CREATE INDEX account_health_score ON account_health (score);

-- Append-only: every change of level or of the neglected flag.
CREATE TABLE health_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    at         TIMESTAMP NOT NULL,
    from_level TEXT NOT NULL DEFAULT '',
    to_level   TEXT NOT NULL DEFAULT '',
    score      INTEGER NOT NULL,
    neglected  BOOLEAN NOT NULL
);
CREATE INDEX health_events_account ON health_events (account_id, at);

CREATE TABLE complaints (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    severity    TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
    summary     TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    resolution  TEXT NOT NULL DEFAULT '',
    opened_at   TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    author_id   INTEGER NOT NULL REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX complaints_account ON complaints (account_id, status);
CREATE INDEX complaints_open ON complaints (status, opened_at);

ALTER TABLE users ADD COLUMN calendar_token TEXT;
CREATE UNIQUE INDEX users_calendar_token ON users (calendar_token);

-- The full scan filters contact interactions by time across all accounts.
CREATE INDEX interactions_time ON interactions (occurred_at, account_id);
CREATE INDEX audit_entries_action_at ON audit_entries (action, at);

-- +goose Down
DROP INDEX audit_entries_action_at;
DROP INDEX interactions_time;
DROP INDEX users_calendar_token;
ALTER TABLE users DROP COLUMN calendar_token;
DROP TABLE complaints;
DROP TABLE health_events;
DROP TABLE account_health;
DROP TABLE cadence_policies;
