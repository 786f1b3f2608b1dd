package imports

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"gorm.io/gorm"

	"keyhold/internal/accounts"
	"keyhold/internal/audit"
	"keyhold/internal/dedupe"
	"keyhold/internal/fault"
	"keyhold/internal/staff"
)

// Audit actions of imports.
const (
	ActionCommitted = "import.commit"
	ActionUndone    = "import.undo"
)

// before is what an undo puts back: the account and the contact as they were.
type before struct {
	Account *accounts.Account `json:"account,omitempty"`
	Contact *accounts.Contact `json:"contact,omitempty"`
	// ContactID is a contact the row created on an account it updated.
	ContactID int64 `json:"contact_id,omitempty"`
}

// Commit carries out a previewed import in one transaction, all or nothing: each row as
// planned, or as choices say for a duplicate (row number → update, skip or create). The
// rows are read again as at the preview, against the book as it is now; a row whose
// account, contact or owner has changed since refuses the whole commit, to be previewed
// again. The rows are handled a few thousand at a time, inside the one transaction.
func (s *Service) Commit(ctx context.Context, actor staff.User, id int64, choices map[string]string) (Import, error) {
	imp, err := s.open(ctx, actor, id, StatusPreview)
	if err != nil {
		return Import{}, err
	}
	chosen, err := s.choose(ctx, id, choices)
	if err != nil {
		return Import{}, err
	}
	now := s.now().UTC()
	p, err := s.planner(ctx, actor, imp, now)
	if err != nil {
		return Import{}, err
	}
	reason := "import " + strconv.FormatInt(id, 10)
	summary := Summary{}
	err = s.db.Bulk(ctx, func(ctx context.Context, tx *gorm.DB) error {
		res := tx.Model(&Import{}).Where("id = ? AND status = ?", id, StatusPreview).
			Updates(map[string]any{"status": StatusCommitted, "committed_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return fault.Conflict("the import has been committed or undone; only a preview can change", nil)
		}
		err := s.chunks(ctx, tx, id, func(rows []Row) error {
			var writes []accounts.ImportRow
			var at []int // the row of each write
			for i := range rows {
				r := &rows[i]
				if c, ok := chosen[r.Line]; ok {
					r.Outcome = c
					if c != Update {
						r.TargetID = nil
					}
				}
				summary.count(*r)
				if r.Outcome != Create && r.Outcome != Update {
					continue
				}
				w, err := p.write(imp.Kind, *r)
				if err != nil {
					return err
				}
				writes = append(writes, w)
				at = append(at, i)
			}
			var results []accounts.ImportResult
			var err error
			if imp.Kind == Contacts {
				results, err = s.accounts.ImportContactsTx(ctx, tx, actor, now, writes)
			} else {
				results, err = s.accounts.ImportTx(ctx, tx, actor, now, writes, reason)
			}
			if err != nil {
				return err
			}
			return s.saveResults(ctx, tx, id, imp.Kind, rows, at, results)
		})
		if err != nil {
			if fe, ok := fault.As(err); ok && (fe.Kind == fault.KindNotFound || fe.Kind == fault.KindConflict && fe.Details == nil) {
				return fault.Conflict("a record the import writes to has changed since the preview; preview the import again",
					map[string]string{"reason": fe.Message})
			}
			return err
		}
		if err := tx.Model(&Import{}).Where("id = ?", id).Update("summary", mustJSON(summary)).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: ActionCommitted, Entity: "import",
			EntityID: id, Reason: imp.Filename}, nil, summary)
	})
	if err != nil {
		return Import{}, fmt.Errorf("commit import %d: %w", id, err)
	}
	return s.open(ctx, actor, id, "")
}

// write reads a row again into what the commit writes; a row that reads differently
// than at the preview (an owner who has left since) refuses the commit.
func (p *planner) write(kind Kind, r Row) (accounts.ImportRow, error) {
	var e errs
	w := accounts.ImportRow{}
	if kind == Contacts {
		c := p.readContact(r.Cells, &e)
		w.ID, w.Contact = c.accountID, &c.in
		if r.Outcome == Update {
			w.ContactID = *r.TargetID
		}
	} else {
		a := p.readAccount(r.Cells, &e)
		w.Contact = a.contact
		if r.Outcome == Update {
			w.ID, w.Patch = *r.TargetID, a.patch(a.id != 0)
			w.ContactID = p.sameContact(*r.TargetID, a.contact)
		} else {
			in := a.in
			w.New = &in
		}
	}
	if len(e) > 0 {
		return w, fault.Conflict("a row reads differently since the preview; preview the import again",
			map[string]any{"row": r.Line, "errors": e})
	}
	return w, nil
}

// sameContact is the contact of account id that c (an account row's contact) is, by
// e-mail or phone, or 0: an update then changes that contact instead of adding one.
func (p *planner) sameContact(id int64, c *accounts.ContactInput) int64 {
	if c == nil {
		return 0
	}
	for reason, k := range map[string]string{"email": dedupe.EmailKey(c.Email), "phone": dedupe.PhoneKey(c.Phone)} {
		if k == "" {
			continue
		}
		for _, x := range p.contactsBy(reason, k) {
			if x.AccountID == id {
				return x.ID
			}
		}
	}
	return 0
}

// choose reads the user's choices for duplicate rows, refusing a choice for a row that is
// not a duplicate or that the row does not offer.
func (s *Service) choose(ctx context.Context, id int64, choices map[string]string) (map[int]Outcome, error) {
	bad := fault.Collect{}
	lines := map[int]string{}
	for key, choice := range choices {
		line, err := strconv.Atoi(key)
		if err != nil {
			bad.Add("choices."+key, "is not a row of the import")
			continue
		}
		lines[line] = choice
	}
	var rows []Row
	for chunk := range slices.Chunk(slices.Sorted(maps.Keys(lines)), 1000) {
		var part []Row
		if err := s.db.Read.WithContext(ctx).Select("line", "outcome", "duplicate_of", "target_id").
			Where("import_id = ? AND line IN ?", id, chunk).Find(&part).Error; err != nil {
			return nil, err
		}
		rows = append(rows, part...)
	}
	out := map[int]Outcome{}
	for _, r := range rows {
		if c := Outcome(lines[r.Line]); slices.Contains(r.Choices(), c) {
			out[r.Line] = c
		}
	}
	for line := range lines {
		if _, ok := out[line]; !ok {
			bad.Add("choices."+strconv.Itoa(line), "must be one of the row's choices")
		}
	}
	return out, bad.Err()
}

// saveResults writes each row's final outcome and what it wrote, for the undo: the
// record it created or updated (an account, or a contact in a contacts import), and what
// an update changed or a row added beside it.
func (s *Service) saveResults(ctx context.Context, tx *gorm.DB, id int64, kind Kind, rows []Row, at []int, results []accounts.ImportResult) error {
	written := make(map[int]accounts.ImportResult, len(at))
	for j, i := range at {
		written[i] = results[j]
	}
	conn := tx.Statement.ConnPool
	const q = "UPDATE import_rows SET outcome = ?, target_id = ?, result_id = ?, before = ? WHERE import_id = ? AND line = ?"
	for i, r := range rows {
		res, ok := written[i]
		if !ok {
			if r.Outcome == Skip && len(r.DuplicateOf) > 0 { // perhaps chosen: keep the choice
				if _, err := conn.ExecContext(ctx, q, string(Skip), nil, nil, "", id, r.Line); err != nil {
					return err
				}
			}
			continue
		}
		result, b := res.AccountID, before{Account: res.Before, Contact: res.ContactBefore}
		switch {
		case kind == Contacts:
			result = res.ContactID
		case res.ContactBefore == nil && res.ContactID != 0:
			b.ContactID = res.ContactID // a contact added with the account
		}
		var bj string
		if b != (before{}) {
			bj = mustJSON(b)
		}
		if _, err := conn.ExecContext(ctx, q, string(r.Outcome), r.TargetID, result, bj, id, r.Line); err != nil {
			return err
		}
	}
	return nil
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain structs of strings and numbers
	}
	return string(b)
}
