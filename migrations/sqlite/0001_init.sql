-- +goose Up
-- Keyhold core schema: staff, accounts with their teams, contacts and interactions,
-- and the append-only audit log. Times are UTC timestamps; calendar dates are TEXT
-- 'YYYY-MM-DD' so they never shift with a time zone.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'sales')),
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'leaving', 'departed')),
    manager_id    INTEGER REFERENCES users (id),
    last_day      TEXT,
    language      TEXT NOT NULL DEFAULT '',
    token_version INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_role ON users (role);
CREATE INDEX users_status ON users (status);
CREATE INDEX users_manager ON users (manager_id);

-- Signed-out sessions: a token's id stays here until the token would have expired anyway.
CREATE TABLE revoked_tokens (
    jti        TEXT PRIMARY KEY,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX revoked_tokens_expires ON revoked_tokens (expires_at);

CREATE TABLE accounts (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    name              TEXT NOT NULL,
    tier              TEXT NOT NULL CHECK (tier IN ('key', 'growth', 'standard')),
    status            TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'churned')),
    industry          TEXT NOT NULL DEFAULT '',
    region            TEXT NOT NULL DEFAULT '',
    channel           TEXT NOT NULL DEFAULT '',
    annual_value      INTEGER NOT NULL DEFAULT 0 CHECK (annual_value >= 0),
    currency          TEXT NOT NULL DEFAULT 'CNY',
    customer_since    TEXT NOT NULL,
    renewal_date      TEXT,
    cadence_days      INTEGER CHECK (cadence_days IS NULL OR cadence_days BETWEEN 1 AND 365),
    owner_id          INTEGER NOT NULL REFERENCES users (id),
    last_contacted_at TIMESTAMP,
    next_contact_due  TIMESTAMP,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    deleted_at        TIMESTAMP
);
CREATE INDEX accounts_name ON accounts (name);
CREATE INDEX accounts_owner ON accounts (owner_id);
CREATE INDEX accounts_tier_due ON accounts (tier, next_contact_due);
CREATE INDEX accounts_status ON accounts (status);
CREATE INDEX accounts_industry ON accounts (industry);
CREATE INDEX accounts_region ON accounts (region);
CREATE INDEX accounts_due ON accounts (next_contact_due);
CREATE INDEX accounts_value ON accounts (annual_value);
CREATE INDEX accounts_deleted ON accounts (deleted_at);

-- Who is responsible for and knows each account. Exactly one owner per account, and the
-- owner row always matches accounts.owner_id.
CREATE TABLE account_team (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL CHECK (role IN ('owner', 'backup', 'executive_sponsor', 'support')),
    since      TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, user_id)
);
CREATE INDEX account_team_user ON account_team (user_id, role);
CREATE UNIQUE INDEX account_team_one_owner ON account_team (account_id) WHERE role = 'owner';

CREATE TABLE contacts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id     INTEGER NOT NULL REFERENCES accounts (id),
    name           TEXT NOT NULL,
    title          TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    decision_maker BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    deleted_at     TIMESTAMP
);
CREATE INDEX contacts_account ON contacts (account_id, deleted_at);

CREATE TABLE interactions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    INTEGER NOT NULL REFERENCES accounts (id),
    author_id     INTEGER NOT NULL REFERENCES users (id),
    kind          TEXT NOT NULL CHECK (kind IN ('call', 'visit', 'meeting', 'email', 'message',
                      'holiday_greeting', 'executive_visit', 'handover_intro', 'note')),
    occurred_at   TIMESTAMP NOT NULL,
    summary       TEXT NOT NULL DEFAULT '',
    next_step     TEXT NOT NULL DEFAULT '',
    next_step_due TEXT,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX interactions_account_time ON interactions (account_id, occurred_at);
CREATE INDEX interactions_author ON interactions (author_id, occurred_at);

CREATE TABLE interaction_participants (
    interaction_id INTEGER NOT NULL REFERENCES interactions (id),
    user_id        INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (interaction_id, user_id)
);
CREATE INDEX interaction_participants_user ON interaction_participants (user_id);

CREATE TABLE interaction_contacts (
    interaction_id INTEGER NOT NULL REFERENCES interactions (id),
    contact_id     INTEGER NOT NULL REFERENCES contacts (id),
    PRIMARY KEY (interaction_id, contact_id)
);
CREATE INDEX interaction_contacts_contact ON interaction_contacts (contact_id);

-- Append-only: who did what to which record, when and from where. Ownership and team
-- changes carry the account, the users involved and the reason, and serve /history.
CREATE TABLE audit_entries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TIMESTAMP NOT NULL,
    actor_id     INTEGER REFERENCES users (id),
    action       TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    INTEGER NOT NULL,
    account_id   INTEGER REFERENCES accounts (id),
    from_user_id INTEGER REFERENCES users (id),
    to_user_id   INTEGER REFERENCES users (id),
    role         TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    handover_id  INTEGER,
    before_json  TEXT NOT NULL DEFAULT '',
    after_json   TEXT NOT NULL DEFAULT '',
    client_addr  TEXT NOT NULL DEFAULT '',
    request_id   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_entries_account ON audit_entries (account_id, id);
CREATE INDEX audit_entries_entity ON audit_entries (entity, entity_id);
CREATE INDEX audit_entries_actor ON audit_entries (actor_id, at);

-- +goose StatementBegin
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_entries;
DROP TABLE interaction_contacts;
DROP TABLE interaction_participants;
DROP TABLE interactions;
DROP TABLE contacts;
DROP TABLE account_team;
DROP TABLE accounts;
DROP TABLE revoked_tokens;
DROP TABLE users;
DROP TABLE settings;
