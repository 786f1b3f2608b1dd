package handover

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"keyhold/internal/accounts"
	"keyhold/internal/fault"
	"keyhold/internal/health"
	"keyhold/internal/money"
	"keyhold/internal/staff"
	"keyhold/internal/store"

	"gorm.io/gorm"
)

// ActionNote is the audit action of a change of a transfer note; every version of a note
// stays in the account's record.
const ActionNote = accounts.ActionHandoverNote

// Mine returns the open handover of the actor, who is leaving: the one place where they
// write down what their successors need to know. Not found when they have none.
func (s *Service) Mine(ctx context.Context, actor staff.User) (Handover, error) {
	var ids []int64
	err := s.db.Read.WithContext(ctx).Model(&Handover{}).
		Where("departing_user_id = ? AND status IN ?", actor.ID, []Status{Draft, InProgress}).
		Order("id DESC").Limit(1).Pluck("id", &ids).Error
	if err != nil {
		return Handover{}, fmt.Errorf("your handover: %w", err)
	}
	if len(ids) == 0 {
		return Handover{}, fault.NotFound("open handover of user", actor.ID)
	}
	return s.Get(ctx, actor, ids[0])
}

// InboxDays is how long a received account stays in its successor's inbox: as long as
// the health rules follow its first contact.
const InboxDays = health.HandoverFollowDays

// Received is an account handed to the actor: coming to them in a handover under way
// (they are on its team already) or received in one completed in the last 90 days.
type Received struct {
	ItemID     int64             `json:"item_id"`
	HandoverID int64             `json:"handover_id"`
	Status     Status            `json:"handover_status"` // in_progress or completed
	Account    ItemAccount       `json:"account" gorm:"-"`
	Role       accounts.TeamRole `json:"role"`
	From       accounts.UserRef  `json:"from" gorm:"-"` // the person who left
	Note
	CompletedAt *time.Time `json:"completed_at"`
	// For a completed handover: first contact is due within health.FirstContactDays of
	// completion (a week for a key account, two for the others).
	FirstContactDue *time.Time `json:"first_contact_due" gorm:"-"`
	FirstContactAt  *time.Time `json:"first_contact_at" gorm:"-"` // the successor's first contact since
	Overdue         bool       `json:"first_contact_overdue" gorm:"-"`
}

// Inbox lists what is handed to the actor: those waiting for a first contact first (the
// most overdue first), then the handovers under way, then the rest; key accounts first.
func (s *Service) Inbox(ctx context.Context, actor staff.User) ([]Received, error) {
	db := s.db.Read.WithContext(ctx)
	now := s.now().UTC()
	// Most people were never anyone's successor, and every agenda asks: the inbox query
	// costs 60 µs even when it finds nothing (inboxRows).
	if ok, err := s.everReceived(ctx, actor.ID); err != nil || !ok {
		return []Received{}, err
	}
	rows, err := inboxRows(db, actor.ID, now)
	if err != nil {
		return nil, err
	}
	out := make([]Received, 0, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	users := make([]int64, len(rows))
	for i, r := range rows {
		users[i] = r.DepartingUserID
	}
	names, err := accounts.RefsByID(db, users)
	if err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	for _, r := range rows {
		it := r.Received
		it.Account = ItemAccount{ID: r.AccountID, Name: r.AccountName, Tier: r.Tier, Status: r.AccountStatus,
			AnnualValue: r.AnnualValue, Currency: r.Currency, BaseValue: r.BaseValue, OwnerID: r.OwnerID}
		it.From = names[r.DepartingUserID]
		if it.Status == Completed && it.CompletedAt != nil {
			done := it.CompletedAt.UTC()
			due := done.AddDate(0, 0, health.FirstContactDays(r.Tier == accounts.TierKey))
			it.FirstContactDue = &due
			if r.FirstAt.Valid {
				t := r.FirstAt.Time
				it.FirstContactAt = &t
			}
			it.Overdue = it.FirstContactAt == nil && now.After(due) && r.AccountStatus == accounts.StatusActive
		}
		out = append(out, it)
	}
	notes := make([]*Note, len(out))
	for i := range out {
		notes[i] = &out[i].Note
	}
	if err := keyContacts(db, notes); err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	slices.SortStableFunc(out, inboxOrder)
	return out, nil
}

// inboxOrder lists a successor's inbox: first the accounts waiting for their first
// contact, soonest due first; then handovers under way; key accounts first within each,
// the newest handover and the most valuable account first.
func inboxOrder(a, b Received) int {
	waiting := func(r Received) bool { return r.Status == Completed && r.FirstContactAt == nil }
	switch {
	case waiting(a) != waiting(b):
		if waiting(a) {
			return -1
		}
		return 1
	case waiting(a):
		return a.FirstContactDue.Compare(*b.FirstContactDue)
	case a.Status != b.Status:
		if a.Status == InProgress {
			return -1
		}
		return 1
	}
	// Key accounts first, the most valuable first.
	ka, kb := a.Account.Tier == accounts.TierKey, b.Account.Tier == accounts.TierKey
	if ka != kb {
		if ka {
			return -1
		}
		return 1
	}
	return cmp.Or(cmp.Compare(b.HandoverID, a.HandoverID), cmp.Compare(b.Account.baseValue(), a.Account.baseValue()),
		cmp.Compare(a.Account.Name, b.Account.Name))
}

// inboxRow is one item handed to a successor, with its account and the successor's first
// contact since completion.
type inboxRow struct {
	Received
	AccountID       int64
	AccountName     string
	Tier            accounts.Tier
	AccountStatus   string
	AnnualValue     int64
	Currency        string
	BaseValue       *int64
	OwnerID         int64
	DepartingUserID int64
	FirstAt         store.AggTime
}

// inboxRows reads the items handed to userID that they still hold.
func inboxRows(db *gorm.DB, userID int64, now time.Time) ([]inboxRow, error) {
	var rows []inboxRow
	// Only what the successor still holds: an account since moved on, or a team they
	// have left, is no longer theirs to contact. The first contact since completion is
	// looked up per item (author or participant), one indexed probe each.
	err := db.Raw(`SELECT i.id AS item_id, i.handover_id, h.status, i.role, i.transfer_note, i.key_contact_ids, i.open_issues, i.agreements, h.completed_at,
			h.departing_user_id, a.id AS account_id, a.name AS account_name, a.tier, a.status AS account_status,
			a.annual_value, a.currency, `+money.BaseValueSQL("a")+` AS base_value, a.owner_id,
			CASE WHEN h.status = 'completed' THEN (SELECT MIN(x.occurred_at) FROM interactions x
				WHERE x.account_id = i.account_id AND x.kind <> 'note' AND x.occurred_at >= h.completed_at
				  AND (x.author_id = i.to_user_id OR EXISTS (SELECT 1 FROM interaction_participants p
				       WHERE p.interaction_id = x.id AND p.user_id = i.to_user_id))) END AS first_at
		FROM handover_items i
		JOIN handovers h ON h.id = i.handover_id
		JOIN accounts a ON a.id = i.account_id AND a.deleted_at IS NULL
		JOIN account_team t ON t.account_id = i.account_id AND t.user_id = i.to_user_id
		WHERE i.to_user_id = ?
		  AND ((h.status = 'in_progress' AND i.status = 'open')
		    OR (h.status = 'completed' AND i.status = 'done' AND h.completed_at >= ?
		        AND (i.role <> 'owner' OR a.owner_id = i.to_user_id)))`,
		userID, now.AddDate(0, 0, -InboxDays)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	return rows, nil
}

// everReceived reports whether a handover ever named the user as a successor, from the
// successors kept in memory until a handover item changes.
func (s *Service) everReceived(ctx context.Context, userID int64) (bool, error) {
	v, err := s.db.Versions(ctx)
	if err != nil {
		return false, err
	}
	who, err := s.successors.Get(v.Handovers, func() (map[int64]bool, error) {
		var ids []int64
		if err := s.db.Read.WithContext(ctx).Raw("SELECT DISTINCT to_user_id FROM handover_items WHERE to_user_id IS NOT NULL").Scan(&ids).Error; err != nil {
			return nil, fmt.Errorf("successors: %w", err)
		}
		m := make(map[int64]bool, len(ids))
		for _, id := range ids {
			m[id] = true
		}
		return m, nil
	})
	return who[userID], err
}

// AwaitingFirstContact lists the accounts the actor received in a completed handover and
// has not contacted since, the most overdue first: the first calls of their agenda.
func (s *Service) AwaitingFirstContact(ctx context.Context, actor staff.User) ([]Received, error) {
	all, err := s.Inbox(ctx, actor)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(r Received) bool {
		return r.Status != Completed || r.FirstContactAt != nil || r.Account.Status != accounts.StatusActive
	}), nil
}
