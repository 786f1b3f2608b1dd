package imports

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/accounts"
	"keyhold/internal/audit"
	"keyhold/internal/fault"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

// Undo takes a committed import back, in one transaction, within UndoWindow of its commit:
// the accounts and contacts it created are deleted, and what it updated is put back as it
// was. It refuses, changing nothing, while anything it wrote has changed since (an edit,
// an interaction, a complaint, a team change, a contact added), listing the rows.
func (s *Service) Undo(ctx context.Context, actor staff.User, id int64) (Import, error) {
	imp, err := s.open(ctx, actor, id, StatusCommitted)
	if err != nil {
		return Import{}, err
	}
	now := s.now().UTC()
	if imp.CommittedAt == nil || now.Sub(*imp.CommittedAt) > UndoWindow {
		return Import{}, fault.Conflict("an import can be undone only within 24 hours of its commit", nil)
	}
	err = s.db.Bulk(ctx, func(ctx context.Context, tx *gorm.DB) error {
		res := tx.Model(&Import{}).Where("id = ? AND status = ?", id, StatusCommitted).
			Updates(map[string]any{"status": StatusUndone, "undone_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return fault.Conflict("only a committed import can be undone", nil)
		}
		var rows []Row
		if err := tx.Where("import_id = ? AND result_id IS NOT NULL", id).Order("line").Find(&rows).Error; err != nil {
			return err
		}
		u := undoer{tx: tx, id: id, kind: imp.Kind}
		if err := u.gather(rows); err != nil {
			return err
		}
		if changed, err := u.changedSince(); err != nil {
			return err
		} else if len(changed) > 0 {
			slices.Sort(changed)
			return fault.Conflict("records this import wrote have changed since; the import cannot be undone",
				map[string]any{"rows": slices.Compact(changed)})
		}
		ids, err := u.apply(now)
		if err != nil {
			return err
		}
		if err := s.accounts.Changed(ctx, tx, ids...); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: ActionUndone, Entity: "import",
			EntityID: id, Reason: imp.Filename}, nil, map[string]int{"accounts_deleted": len(u.newAccounts),
			"accounts_restored": len(u.oldAccounts), "contacts_deleted": len(u.newContacts), "contacts_restored": len(u.oldContacts)})
	})
	if err != nil {
		return Import{}, fmt.Errorf("undo import %d: %w", id, err)
	}
	return s.open(ctx, actor, id, "")
}

// undoer gathers what an import wrote and takes it back.
type undoer struct {
	tx          *gorm.DB
	id          int64
	kind        Kind
	newAccounts map[int64]int // account created → its row
	oldAccounts map[int64]restore[accounts.Account]
	newContacts map[int64]int
	oldContacts map[int64]restore[accounts.Contact]
}

type restore[T any] struct {
	row    int
	before T
}

func (u *undoer) gather(rows []Row) error {
	u.newAccounts, u.newContacts = map[int64]int{}, map[int64]int{}
	u.oldAccounts, u.oldContacts = map[int64]restore[accounts.Account]{}, map[int64]restore[accounts.Contact]{}
	for _, r := range rows {
		var b before
		if r.Before != "" {
			if err := json.Unmarshal([]byte(r.Before), &b); err != nil {
				return fmt.Errorf("row %d: %w", r.Line, err)
			}
		}
		result := *r.ResultID
		switch {
		case u.kind == Contacts && r.Outcome == Create:
			u.newContacts[result] = r.Line
		case u.kind == Contacts:
			if b.Contact != nil {
				u.oldContacts[result] = restore[accounts.Contact]{r.Line, *b.Contact}
			}
		case r.Outcome == Create:
			u.newAccounts[result] = r.Line
		default:
			if b.Account != nil {
				u.oldAccounts[result] = restore[accounts.Account]{r.Line, *b.Account}
			}
		}
		if u.kind == Accounts && b.Contact != nil {
			u.oldContacts[b.Contact.ID] = restore[accounts.Contact]{r.Line, *b.Contact}
		}
		if b.ContactID != 0 {
			u.newContacts[b.ContactID] = r.Line
		}
	}
	return nil
}

// changedSince lists the rows whose records have changed since the commit: a record
// updated at another time than the commit's, or deleted, and on an account the import
// created, anything recorded on it since (interactions, complaints, churn records, a
// handover, team members, contacts other than the import's).
func (u *undoer) changedSince() ([]int, error) {
	const at = "(SELECT committed_at FROM imports WHERE id = @import)"
	edited := func(table string) string {
		return table + ".updated_at <> " + at + " OR " + table + ".deleted_at IS NOT NULL"
	}
	oldA, oldC := map[int64]int{}, map[int64]int{}
	for id, r := range u.oldAccounts {
		oldA[id] = r.row
	}
	for id, r := range u.oldContacts {
		oldC[id] = r.row
	}
	var changed []int
	for _, st := range []struct {
		table string
		ids   map[int64]int
		where string
	}{
		{"accounts", u.newAccounts, edited("accounts")},
		{"accounts", oldA, edited("accounts")},
		{"contacts", u.newContacts, edited("contacts")},
		{"contacts", oldC, edited("contacts")},
		{"accounts", u.newAccounts, `EXISTS (SELECT 1 FROM interactions x WHERE x.account_id = accounts.id)
			OR EXISTS (SELECT 1 FROM complaints x WHERE x.account_id = accounts.id)
			OR EXISTS (SELECT 1 FROM churn_records x WHERE x.account_id = accounts.id)
			OR EXISTS (SELECT 1 FROM handover_items x WHERE x.account_id = accounts.id)
			OR EXISTS (SELECT 1 FROM account_team x WHERE x.account_id = accounts.id AND (x.role <> 'owner' OR x.user_id <> accounts.owner_id))
			OR EXISTS (SELECT 1 FROM contacts x WHERE x.account_id = accounts.id AND x.created_at <> ` + at + `)`},
	} {
		for chunk := range slices.Chunk(keys(st.ids), 1000) {
			var found []int64
			if err := u.tx.Table(st.table).Where(store.InIDs(st.table+".id", chunk)).
				Where("("+st.where+")", map[string]any{"import": u.id}).Pluck(st.table+".id", &found).Error; err != nil {
				return nil, err
			}
			for _, id := range found {
				changed = append(changed, st.ids[id])
			}
		}
	}
	return changed, nil
}

// apply deletes what the import created and puts back what it updated, returning the
// accounts touched.
func (u *undoer) apply(now time.Time) ([]int64, error) {
	var touched []int64
	for chunk := range slices.Chunk(keys(u.newContacts), 1000) {
		if err := u.tx.Model(&accounts.Contact{}).Where(store.InIDs("id", chunk)).
			Updates(map[string]any{"deleted_at": now, "updated_at": now}).Error; err != nil {
			return nil, err
		}
	}
	for chunk := range slices.Chunk(keys(u.newAccounts), 1000) {
		if err := u.tx.Model(&accounts.Account{}).Where(store.InIDs("id", chunk)).
			Updates(map[string]any{"deleted_at": now, "updated_at": now}).Error; err != nil {
			return nil, err
		}
		touched = append(touched, chunk...)
	}
	for id, r := range u.oldAccounts {
		if err := accounts.RestoreTx(u.tx, r.before, now); err != nil {
			return nil, fmt.Errorf("account %d: %w", id, err)
		}
		touched = append(touched, id)
	}
	for id, r := range u.oldContacts {
		c := r.before
		c.UpdatedAt = now
		if err := u.tx.Model(&c).Select("name", "title", "email", "phone", "decision_maker", "updated_at").UpdateColumns(&c).Error; err != nil {
			return nil, fmt.Errorf("contact %d: %w", id, err)
		}
		touched = append(touched, c.AccountID)
	}
	if u.kind == Contacts {
		var ids []int64
		for chunk := range slices.Chunk(keys(u.newContacts), 1000) {
			var part []int64
			if err := u.tx.Model(&accounts.Contact{}).Unscoped().Where(store.InIDs("id", chunk)).Distinct().Pluck("account_id", &part).Error; err != nil {
				return nil, err
			}
			ids = append(ids, part...)
		}
		touched = append(touched, ids...)
	}
	slices.Sort(touched)
	return slices.Compact(touched), nil
}

func keys(m map[int64]int) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
