-- +goose Up
-- An account merged into another (issue 15) is soft-deleted and points at its survivor.
ALTER TABLE accounts ADD COLUMN merged_into INTEGER REFERENCES accounts (id);
CREATE INDEX accounts_merged_into ON accounts (merged_into) WHERE merged_into IS NOT NULL;

-- An import of accounts or contacts from a sheet: previewed (its plan kept row by row in
-- import_rows), then committed in one transaction, and undone within a day while nothing
-- else has changed what it wrote.
CREATE TABLE imports (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('accounts', 'contacts')),
    filename     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('preview', 'committed', 'undone')),
    header       TEXT NOT NULL,            -- JSON: the sheet's header cells
    mapping      TEXT NOT NULL,            -- JSON: field per column
    summary      TEXT NOT NULL,            -- JSON: counts per outcome
    created_by   INTEGER NOT NULL REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    committed_at TIMESTAMP,
    undone_at    TIMESTAMP
);
CREATE INDEX imports_created_by ON imports (created_by, id);

CREATE TABLE import_rows (
    import_id    INTEGER NOT NULL REFERENCES imports (id),
    line         INTEGER NOT NULL,        -- the sheet's row number (the header is row 1)
    cells        TEXT NOT NULL,            -- JSON: the row's cells as read
    outcome      TEXT NOT NULL CHECK (outcome IN ('create', 'update', 'skip', 'error')),
    errors       TEXT NOT NULL DEFAULT '', -- JSON: [{field, message}]
    duplicate_of TEXT NOT NULL DEFAULT '', -- JSON: [{account_id|contact_id|row}]
    target_id    INTEGER,                  -- the record an update changes
    result_id    INTEGER,                  -- the record created or updated, once committed
    before       TEXT NOT NULL DEFAULT '', -- JSON: an updated record as it was, for undo
    PRIMARY KEY (import_id, line)
);

-- +goose Down
DROP TABLE import_rows;
DROP TABLE imports;
DROP INDEX accounts_merged_into;
ALTER TABLE accounts DROP COLUMN merged_into;
