-- +goose Up
-- The offboarding of departing staff: handovers, their items (one per account the
-- person owns or helps with), and the record of what a leaving person looked at.

CREATE TABLE handovers (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    departing_user_id INTEGER NOT NULL REFERENCES users (id),
    created_by        INTEGER NOT NULL REFERENCES users (id),
    status            TEXT NOT NULL CHECK (status IN ('draft', 'in_progress', 'completed', 'cancelled')),
    last_day          TEXT NOT NULL,
    forced            BOOLEAN NOT NULL DEFAULT FALSE,
    force_reason      TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    started_at        TIMESTAMP,
    completed_at      TIMESTAMP,
    completed_by      INTEGER REFERENCES users (id),
    cancelled_at      TIMESTAMP
);
CREATE INDEX handovers_user ON handovers (departing_user_id, status);
CREATE INDEX handovers_status ON handovers (status, created_at);
-- At most one open handover per person.
CREATE UNIQUE INDEX handovers_one_open ON handovers (departing_user_id) WHERE status IN ('draft', 'in_progress');

CREATE TABLE handover_items (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    handover_id         INTEGER NOT NULL REFERENCES handovers (id),
    account_id          INTEGER NOT NULL REFERENCES accounts (id),
    role                TEXT NOT NULL CHECK (role IN ('owner', 'backup', 'executive_sponsor', 'support')),
    proposed_to_user_id INTEGER REFERENCES users (id),
    to_user_id          INTEGER REFERENCES users (id),
    joined_team         BOOLEAN NOT NULL DEFAULT FALSE,
    transfer_note       TEXT NOT NULL DEFAULT '',
    customer_notified   BOOLEAN NOT NULL DEFAULT FALSE,
    forced              BOOLEAN NOT NULL DEFAULT FALSE,
    status              TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'ended')),
    UNIQUE (handover_id, account_id)
);
CREATE INDEX handover_items_account ON handover_items (account_id);
CREATE INDEX handover_items_successor ON handover_items (to_user_id);

-- What a person did during the notice period: accounts opened, exports attempted.
CREATE TABLE notice_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    handover_id INTEGER REFERENCES handovers (id),
    kind        TEXT NOT NULL CHECK (kind IN ('view', 'export')),
    account_id  INTEGER REFERENCES accounts (id),
    detail      TEXT NOT NULL DEFAULT '',
    at          TIMESTAMP NOT NULL
);
CREATE INDEX notice_events_user ON notice_events (user_id, at);
CREATE INDEX notice_events_handover ON notice_events (handover_id, at);

-- When an account was lost (set with the churn record; cleared on win-back).
ALTER TABLE accounts ADD COLUMN churned_at TIMESTAMP;

-- +goose Down
ALTER TABLE accounts DROP COLUMN churned_at;
DROP TABLE notice_events;
DROP TABLE handover_items;
DROP TABLE handovers;
