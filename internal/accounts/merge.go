package accounts

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/audit"
	"keyhold/internal/fault"
	"keyhold/internal/outbox"
	"keyhold/internal/staff"
)

// ActionMerged is the audit action of a merge.
const ActionMerged = "account.merge"

// ErrMergeForbidden refuses a merge to anyone but managers and admins.
var ErrMergeForbidden = fault.Forbidden("only managers and admins merge accounts")

// Merged says what a merge moved onto the surviving account.
type Merged struct {
	Account      Account `json:"account"`
	MergedID     int64   `json:"merged_id"`
	Contacts     int64   `json:"contacts"`
	Interactions int64   `json:"interactions"`
	Team         int64   `json:"team"`
	Complaints   int64   `json:"complaints"`
	ChurnRecords int64   `json:"churn_records"`
}

// Merge folds account from into account id, the survivor, in one transaction: contacts,
// interactions, complaints, churn records and the health history move over; the team
// members it lacks join it (the other's owner as a backup); details it lacks are taken
// from the other; the later last contact counts. The other account is soft-deleted,
// pointing at the survivor, and its ownership history stays readable on the survivor.
// Managers and admins only; an account in an open handover is merged after it.
func (s *Service) Merge(ctx context.Context, actor staff.User, id, from int64) (Merged, error) {
	if !actor.CanManage() {
		return Merged{}, ErrMergeForbidden
	}
	if from == id {
		return Merged{}, fault.Invalid(fault.Fields{"from_id": "must be another account"})
	}
	now := s.now().UTC()
	out := Merged{MergedID: from}
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := loadAccount(tx, id)
		if err != nil {
			return err
		}
		b, err := loadAccount(tx, from)
		if err != nil {
			if fe, ok := err.(*fault.Error); ok && fe.Kind == fault.KindNotFound {
				return fault.Invalid(fault.Fields{"from_id": "no such account"})
			}
			return err
		}
		for _, x := range []Account{a, b} {
			if err := Writable(x); err != nil {
				return err
			}
		}
		if s.guard != nil {
			for _, x := range []int64{id, from} {
				if err := s.guard(ctx, tx, x); err != nil {
					return err
				}
			}
		}
		before := map[string]Account{"survivor": a, "merged": b}
		var events int64
		for table, n := range map[string]*int64{"contacts": &out.Contacts, "interactions": &out.Interactions,
			"complaints": &out.Complaints, "churn_records": &out.ChurnRecords, "health_events": &events} {
			r := tx.Table(table).Where("account_id = ?", from).Update("account_id", id)
			if r.Error != nil {
				return fmt.Errorf("move %s: %w", table, r.Error)
			}
			*n = r.RowsAffected
		}
		n, err := mergeTeams(tx, id, from, now)
		if err != nil {
			return err
		}
		out.Team = n
		absorb(&a, b)
		c, err := loadCadence(tx)
		if err != nil {
			return err
		}
		a.NextContactDue = DueAfter(a.LastContactedAt, a.effectiveCadence(c))
		a.UpdatedAt = now
		if err := tx.Model(&a).Select("industry", "region", "channel", "annual_value", "customer_since", "renewal_date",
			"last_contacted_at", "next_contact_due", "last_visited_at", "updated_at").Updates(&a).Error; err != nil {
			return err
		}
		if err := tx.Model(&b).Updates(map[string]any{"deleted_at": now, "merged_into": id, "updated_at": now}).Error; err != nil {
			return err
		}
		counts := map[string]int64{"contacts": out.Contacts, "interactions": out.Interactions, "team": out.Team,
			"complaints": out.Complaints, "churn_records": out.ChurnRecords}
		// One entry: the merged account is its entity, the survivor its account, so it
		// shows in the survivor's history beside the merged account's own.
		if err := audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: ActionMerged, Entity: "account",
			EntityID: from, AccountID: &id, Reason: fmt.Sprintf("account %d merged into %d", from, id)}, before,
			map[string]any{"survivor": a, "moved": counts}); err != nil {
			return err
		}
		if err := outbox.Record(ctx, tx, outbox.AccountUpdated, now, outbox.AccountData{Account: a}); err != nil {
			return err
		}
		return s.changed(ctx, tx, id, from)
	})
	if err != nil {
		return Merged{}, fmt.Errorf("merge account %d into %d: %w", from, id, err)
	}
	out.Account, err = s.Get(ctx, id)
	return out, err
}

// absorb fills what the survivor a lacks from b: empty details, an unknown renewal date,
// a later last contact, an earlier start as a customer.
func absorb(a *Account, b Account) {
	fill := func(to *string, from string) {
		if *to == "" {
			*to = from
		}
	}
	fill(&a.Industry, b.Industry)
	fill(&a.Region, b.Region)
	fill(&a.Channel, b.Channel)
	if a.AnnualValue == 0 && a.Currency == b.Currency {
		a.AnnualValue = b.AnnualValue
	}
	if b.CustomerSince != "" && b.CustomerSince < a.CustomerSince {
		a.CustomerSince = b.CustomerSince
	}
	if a.RenewalDate == nil {
		a.RenewalDate = b.RenewalDate
	}
	if b.LastContactedAt != nil && (a.LastContactedAt == nil || b.LastContactedAt.After(*a.LastContactedAt)) {
		a.LastContactedAt = b.LastContactedAt
	}
	if b.LastVisitedAt != nil && (a.LastVisitedAt == nil || b.LastVisitedAt.After(*a.LastVisitedAt)) {
		a.LastVisitedAt = b.LastVisitedAt
	}
}

// mergeTeams gives the survivor the members of from's team it lacks (from's owner as a
// backup; the survivor keeps its one owner), then empties from's team; it returns how
// many joined.
func mergeTeams(tx *gorm.DB, id, from int64, now time.Time) (int64, error) {
	teams, err := loadTeams(tx, []int64{id, from})
	if err != nil {
		return 0, err
	}
	have := map[int64]bool{}
	for _, m := range teams[id] {
		have[m.UserID] = true
	}
	var joined int64
	for _, m := range teams[from] {
		if have[m.UserID] {
			continue
		}
		role := m.Role
		if role == RoleOwner {
			role = RoleBackup
		}
		if err := tx.Create(&TeamMember{AccountID: id, UserID: m.UserID, Role: role, Since: now}).Error; err != nil {
			return 0, err
		}
		joined++
	}
	return joined, tx.Where("account_id = ?", from).Delete(&TeamMember{}).Error
}
