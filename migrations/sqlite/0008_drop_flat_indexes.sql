-- +goose Up
-- Two indexes that only misled the planner: accounts.status has two values and
-- deleted_at is NULL on nearly every row, so neither narrows a search, but SQLite (without
-- statistics) would drive whole-table queries from them. Without them the queries stay
-- plain, portable SQL.
DROP INDEX accounts_status;
DROP INDEX accounts_deleted;

-- +goose Down
CREATE INDEX accounts_status ON accounts (status);
CREATE INDEX accounts_deleted ON accounts (deleted_at);
