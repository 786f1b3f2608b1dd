-- +goose Up
-- Leader touch campaigns (issue 17): a manager asks the leaders of a set of accounts to
-- greet or visit them within a window. A task is done when the leader (or anyone above
-- the owner) logs a greeting or an executive visit there in the window: that is read from
-- the interactions, not stored, so an edited or deleted interaction counts as it now is.
CREATE TABLE campaigns (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL CHECK (kind IN ('holiday_greeting', 'annual_review', 'custom')),
    name       TEXT NOT NULL,
    holiday    TEXT NOT NULL DEFAULT '',
    from_date  TEXT NOT NULL,
    to_date    TEXT NOT NULL,
    tier       TEXT NOT NULL DEFAULT '',
    region     TEXT NOT NULL DEFAULT '',
    industry   TEXT NOT NULL DEFAULT '',
    picked     BOOLEAN NOT NULL DEFAULT FALSE, -- the accounts were listed one by one
    owner_id   INTEGER REFERENCES users (id),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX campaigns_window ON campaigns (to_date, from_date);

CREATE TABLE campaign_tasks (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    leader_id   INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (campaign_id, account_id)
);
CREATE INDEX campaign_tasks_leader ON campaign_tasks (leader_id, campaign_id);

-- +goose Down
DROP TABLE campaign_tasks;
DROP TABLE campaigns;
