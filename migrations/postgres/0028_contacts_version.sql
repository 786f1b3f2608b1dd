-- +goose Up
-- A change counter for contacts (see 0026's data_versions), for what is kept per
-- contacts' state: the duplicates list.
INSERT INTO data_versions (name) VALUES ('contacts');
CREATE TRIGGER versions_contacts AFTER INSERT OR UPDATE OR DELETE ON contacts
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('contacts');

-- +goose Down
DROP TRIGGER versions_contacts ON contacts;
DELETE FROM data_versions WHERE name = 'contacts';
