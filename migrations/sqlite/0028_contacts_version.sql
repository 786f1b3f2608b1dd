-- +goose Up
-- A change counter for contacts (see 0009), for what is kept per contacts' state: the
-- duplicates list, whose contacts share an e-mail address or a phone number.
INSERT INTO data_versions (name) VALUES ('contacts');
-- +goose StatementBegin
CREATE TRIGGER versions_contacts_insert AFTER INSERT ON contacts
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'contacts';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_contacts_update AFTER UPDATE ON contacts
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'contacts';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER versions_contacts_delete AFTER DELETE ON contacts
BEGIN
    UPDATE data_versions SET n = n + 1 WHERE name = 'contacts';
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER versions_contacts_insert;
DROP TRIGGER versions_contacts_update;
DROP TRIGGER versions_contacts_delete;
DELETE FROM data_versions WHERE name = 'contacts';
