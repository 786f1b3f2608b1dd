-- +goose Up
-- The outbox (issue 13): every event another system or a chat group may hear of is written
-- in the transaction of the change that caused it, so that none is lost when the process
-- dies after the commit and none is sent for a change that rolled back. One sender reads
-- it, fans each event out to the endpoints that want it and delivers them.
CREATE TABLE events (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    kind   TEXT NOT NULL,
    at     TIMESTAMP NOT NULL,
    data   TEXT NOT NULL,              -- JSON: the event's data object
    fanned INTEGER NOT NULL DEFAULT 0  -- 1 once its deliveries are made
);
CREATE INDEX events_unfanned ON events (id) WHERE fanned = 0;
-- No index on at: ids grow with time, so pruning walks the oldest first by id, and every
-- write that records an event keeps one index fewer.

-- Webhook endpoints, registered by admins. The secret signs deliveries (Standard
-- Webhooks), so it is kept as it is: the receiver holds the same one.
CREATE TABLE webhooks (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    url             TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    events          TEXT NOT NULL,          -- JSON array of event kinds
    active          INTEGER NOT NULL DEFAULT 1,
    secret          TEXT NOT NULL,
    disabled_reason TEXT NOT NULL DEFAULT '',
    created_by      INTEGER REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

-- Chat groups that hear of what needs a person (WeCom, DingTalk, Feishu, Slack robots):
-- a key account becoming neglected, handovers, complaints on key accounts, and the Monday
-- digest; a team's (its manager's reports) or everyone's. DingTalk and Feishu robots sign
-- with a secret, kept as it is for the same reason as a webhook's.
CREATE TABLE chat_targets (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT NOT NULL CHECK (kind IN ('wecom', 'dingtalk', 'feishu', 'slack')),
    name            TEXT NOT NULL DEFAULT '',
    url             TEXT NOT NULL,
    secret          TEXT NOT NULL DEFAULT '',
    language        TEXT NOT NULL DEFAULT 'zh-CN',
    team_manager_id INTEGER REFERENCES users (id),
    events          TEXT NOT NULL,          -- JSON array: event kinds and "digest.weekly"
    active          INTEGER NOT NULL DEFAULT 1,
    disabled_reason TEXT NOT NULL DEFAULT '',
    created_by      INTEGER REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

-- One event to one webhook endpoint or chat target. next_at is when it is tried next
-- (NULL once delivered or given up); lease_until keeps a delivery being sent from being
-- claimed twice; tries counts the attempts since it was last (re)queued, which the
-- schedule follows.
CREATE TABLE deliveries (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id       INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    webhook_id     INTEGER REFERENCES webhooks (id) ON DELETE CASCADE,
    chat_target_id INTEGER REFERENCES chat_targets (id) ON DELETE CASCADE,
    status      TEXT NOT NULL DEFAULT 'pending', -- pending, delivered, failed
    attempts    INTEGER NOT NULL DEFAULT 0,
    tries       INTEGER NOT NULL DEFAULT 0,
    next_at     TIMESTAMP,
    lease_until TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    CHECK ((webhook_id IS NULL) <> (chat_target_id IS NULL))
);
CREATE INDEX deliveries_due ON deliveries (next_at) WHERE next_at IS NOT NULL;
CREATE INDEX deliveries_webhook ON deliveries (webhook_id, id) WHERE webhook_id IS NOT NULL;
CREATE INDEX deliveries_chat ON deliveries (chat_target_id, id) WHERE chat_target_id IS NOT NULL;
CREATE INDEX deliveries_event ON deliveries (event_id);

-- Every attempt, for the delivery log: the answer's status (0 when none came), the error
-- or the start of the answer's body, and how long it took.
CREATE TABLE delivery_attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    at          TIMESTAMP NOT NULL,
    status_code INTEGER NOT NULL,
    error       TEXT NOT NULL DEFAULT '',
    response    TEXT NOT NULL DEFAULT '',
    duration_ms INTEGER NOT NULL
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);

-- +goose Down
DROP TABLE delivery_attempts;
DROP TABLE deliveries;
DROP TABLE chat_targets;
DROP TABLE webhooks;
DROP TABLE events;
