-- +goose Up
-- The transfer note is structured (issue 10): beside the free text (transfer_note), the
-- customer's key contacts chosen from the account's contacts (a JSON array of contact
-- ids), the open issues, and the agreements and pricing the successor must honour.
ALTER TABLE handover_items ADD COLUMN key_contact_ids TEXT NOT NULL DEFAULT '[]';
ALTER TABLE handover_items ADD COLUMN open_issues TEXT NOT NULL DEFAULT '';
ALTER TABLE handover_items ADD COLUMN agreements TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE handover_items DROP COLUMN agreements;
ALTER TABLE handover_items DROP COLUMN open_issues;
ALTER TABLE handover_items DROP COLUMN key_contact_ids;
