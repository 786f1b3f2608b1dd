-- +goose Up
-- Safe completion (issue 10): an item whose account changed hands while the handover was
-- open is skipped, with the reason, instead of moving the account away from whoever holds
-- it now. SQLite cannot change a CHECK constraint in place: the table is rebuilt.
CREATE TABLE handover_items_new (
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
    status              TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'ended', 'skipped')),
    -- Why a skipped item was not carried out: owner_changed, role_changed, left_team,
    -- account_deleted.
    skip_reason         TEXT NOT NULL DEFAULT '',
    UNIQUE (handover_id, account_id)
);
INSERT INTO handover_items_new (id, handover_id, account_id, role, proposed_to_user_id, to_user_id, joined_team,
    transfer_note, customer_notified, forced, status)
SELECT id, handover_id, account_id, role, proposed_to_user_id, to_user_id, joined_team,
    transfer_note, customer_notified, forced, status FROM handover_items;
DROP TABLE handover_items;
ALTER TABLE handover_items_new RENAME TO handover_items;
CREATE INDEX handover_items_account ON handover_items (account_id);
CREATE INDEX handover_items_successor ON handover_items (to_user_id);

-- +goose Down
CREATE TABLE handover_items_old (
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
INSERT INTO handover_items_old (id, handover_id, account_id, role, proposed_to_user_id, to_user_id, joined_team,
    transfer_note, customer_notified, forced, status)
SELECT id, handover_id, account_id, role, proposed_to_user_id, to_user_id, joined_team,
    transfer_note, customer_notified, forced, CASE status WHEN 'skipped' THEN 'ended' ELSE status END FROM handover_items;
DROP TABLE handover_items;
ALTER TABLE handover_items_old RENAME TO handover_items;
CREATE INDEX handover_items_account ON handover_items (account_id);
CREATE INDEX handover_items_successor ON handover_items (to_user_id);
