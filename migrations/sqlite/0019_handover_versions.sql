-- +goose Up
-- Every agenda asks whether its reader received accounts in a handover; the people who
-- ever did are kept in memory under this counter (handover.Service.Inbox).
INSERT INTO data_versions (name) VALUES ('handovers');
-- +goose StatementBegin
CREATE TRIGGER versions_handover_items_insert AFTER INSERT ON handover_items
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'handovers';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_handover_items_update AFTER UPDATE OF to_user_id ON handover_items
WHEN OLD.to_user_id IS NOT NEW.to_user_id
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'handovers';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_handover_items_delete AFTER DELETE ON handover_items
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'handovers';
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER versions_handover_items_insert;
DROP TRIGGER versions_handover_items_update;
DROP TRIGGER versions_handover_items_delete;
DELETE FROM data_versions WHERE name = 'handovers';
