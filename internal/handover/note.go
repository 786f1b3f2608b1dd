package handover

import (
	"slices"

	"gorm.io/gorm"

	"keyhold/internal/accounts"
	"keyhold/internal/check"
	"keyhold/internal/fault"
	"keyhold/internal/opt"
)

// Note is an item's transfer note, what the successor must know to keep the customer:
// who the key people are (chosen from the account's contacts), the open issues, the
// agreements and pricing to honour, and anything else in free text.
type Note struct {
	TransferNote  string             `json:"transfer_note"`                                   // the free text
	KeyContactIDs []int64            `json:"key_contact_ids" gorm:"serializer:json;not null"` // none: stored as
	OpenIssues    string             `json:"open_issues"`
	Agreements    string             `json:"agreements"`
	KeyContacts   []accounts.Contact `json:"key_contacts" gorm:"-"` // the chosen contacts, read with the item
}

// Written reports whether anything of the note has been written.
func (n Note) Written() bool {
	return n.TransferNote != "" || len(n.KeyContactIDs) > 0 || n.OpenIssues != "" || n.Agreements != ""
}

// NotePatch changes parts of a note; the parts left unset stay.
type NotePatch struct {
	TransferNote  opt.Field[string]
	KeyContactIDs opt.Field[[]int64]
	OpenIssues    opt.Field[string]
	Agreements    opt.Field[string]
}

func (p NotePatch) set() bool {
	return p.TransferNote.Set || p.KeyContactIDs.Set || p.OpenIssues.Set || p.Agreements.Set
}

// checkReason trims and checks the written reason for forcing an action: multi-line text
// of at most 2,000 characters, required (with the message given) when forcing.
func checkReason(reason *string, force bool, required string) error {
	bad := fault.Collect{}
	check.Text(bad, "reason", reason, 2000, false)
	if force && *reason == "" {
		bad.Add("reason", required)
	}
	return bad.Err()
}

// Limits of a note's parts.
const (
	noteTextMax   = 10000
	notePartMax   = 5000
	keyContactMax = 20
)

// apply writes the patch into n, checking each part; key contacts must be live contacts
// of accountID (read through tx).
func (p NotePatch) apply(tx *gorm.DB, accountID int64, n *Note) error {
	bad := fault.Collect{}
	text := func(f opt.Field[string], field string, max int, dst *string) {
		if !f.Set {
			return
		}
		*dst = f.Value
		check.Text(bad, field, dst, max, false)
	}
	text(p.TransferNote, "transfer_note", noteTextMax, &n.TransferNote)
	text(p.OpenIssues, "open_issues", notePartMax, &n.OpenIssues)
	text(p.Agreements, "agreements", notePartMax, &n.Agreements)
	if p.KeyContactIDs.Set {
		check.IDs(bad, "key_contact_ids", p.KeyContactIDs.Value)
		if _, refused := bad["key_contact_ids"]; refused {
			return bad.Err()
		}
		// In the order chosen (the most important first, say), each once.
		var ids []int64
		for _, id := range p.KeyContactIDs.Value {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		switch {
		case len(ids) > keyContactMax:
			bad.Add("key_contact_ids", "lists too many contacts")
		case len(ids) > 0:
			var n int64
			if err := tx.Model(&accounts.Contact{}).Where("account_id = ? AND id IN ?", accountID, ids).Count(&n).Error; err != nil {
				return err
			}
			if int(n) != len(ids) {
				bad.Add("key_contact_ids", "must be contacts of this account")
			}
		}
		if ids == nil {
			ids = []int64{}
		}
		n.KeyContactIDs = ids
	}
	return bad.Err()
}

// record is the note as the account's history records it.
func (n Note) record() map[string]any {
	return map[string]any{"transfer_note": n.TransferNote, "key_contact_ids": n.KeyContactIDs,
		"open_issues": n.OpenIssues, "agreements": n.Agreements}
}

// equal reports whether two notes say the same.
func (n Note) equal(o Note) bool {
	return n.TransferNote == o.TransferNote && slices.Equal(n.KeyContactIDs, o.KeyContactIDs) &&
		n.OpenIssues == o.OpenIssues && n.Agreements == o.Agreements
}

// keyContacts reads, in one query per thousand contacts, the key contacts the notes name
// (a contact deleted since stays in the note: the record says who was named).
func keyContacts(db *gorm.DB, notes []*Note) error {
	var ids []int64
	for _, n := range notes {
		ids = append(ids, n.KeyContactIDs...)
	}
	byID := make(map[int64]accounts.Contact, len(ids))
	for chunk := range slices.Chunk(ids, 1000) {
		var part []accounts.Contact
		if err := db.Unscoped().Where("id IN ?", chunk).Find(&part).Error; err != nil {
			return err
		}
		for _, c := range part {
			byID[c.ID] = c
		}
	}
	for _, n := range notes {
		if n.KeyContactIDs == nil {
			n.KeyContactIDs = []int64{}
		}
		n.KeyContacts = make([]accounts.Contact, 0, len(n.KeyContactIDs))
		for _, id := range n.KeyContactIDs {
			if c, ok := byID[id]; ok {
				n.KeyContacts = append(n.KeyContacts, c)
			}
		}
	}
	return nil
}
