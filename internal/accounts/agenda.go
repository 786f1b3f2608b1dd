package accounts

import (
	"context"
	"fmt"
	"time"

	"keyhold/internal/store"
)

// AgendaDays is how far ahead "due soon" looks.
const AgendaDays = 7

// Agenda is what a rep should do about their own accounts: the overdue ones and those
// due within AgendaDays, soonest first.
type Agenda struct {
	Overdue  []Account `json:"overdue"`
	DueSoon  []Account `json:"due_soon"`
	Renewals []Renewal `json:"renewals"`
	Visits   []Visit   `json:"visits_due"` // visits overdue or due within AgendaDays, by their visit cadence
}

// Visit is an account due a visit: its last visit (or, never visited, since when it is a
// customer) plus its visit cadence (its own, else its tier's).
type Visit struct {
	Account     Account `json:"account"`
	VisitDue    string  `json:"visit_due"`    // YYYY-MM-DD
	DaysOverdue int     `json:"days_overdue"` // 0 while not yet due
}

// Renewal windows: a renewal within RenewalDays is on the agenda, at risk when nobody has
// been in touch for RenewalQuietDays (the same numbers as the health rule).
const (
	RenewalDays      = 60
	RenewalQuietDays = 30
)

// Renewal is an account renewing soon.
type Renewal struct {
	Account       Account `json:"account"`
	RenewalDate   string  `json:"renewal_date"`
	DaysToRenewal int     `json:"days_to_renewal"`
	AtRisk        bool    `json:"at_risk"` // no contact in the last RenewalQuietDays
}

// AgendaOf returns the agenda of the accounts a user owns (at most 200 in each list).
func (s *Service) AgendaOf(ctx context.Context, userID int64) (Agenda, error) {
	page := store.Page{Number: 1, Size: store.MaxPageSize}
	soon := s.now().UTC().AddDate(0, 0, AgendaDays)
	var a Agenda
	var err error
	if a.Overdue, _, err = s.list(ctx, Filter{OwnerID: userID, Overdue: true, Sort: "next_contact_due"}, page.Normalized(), false); err != nil {
		return Agenda{}, err
	}
	if a.DueSoon, _, err = s.list(ctx, Filter{OwnerID: userID, DueBy: &soon, Sort: "next_contact_due"}, page.Normalized(), false); err != nil {
		return Agenda{}, err
	}
	if a.Renewals, err = s.Renewals(ctx, userID); err != nil {
		return Agenda{}, err
	}
	if a.Visits, err = s.VisitsDue(ctx, userID); err != nil {
		return Agenda{}, err
	}
	return a, nil
}

// VisitsDue lists the active accounts a user owns that have a visit cadence (their own or
// their tier's) and whose next visit is overdue or due within AgendaDays, the most overdue
// first (at most 200).
func (s *Service) VisitsDue(ctx context.Context, ownerID int64) ([]Visit, error) {
	now := s.now().UTC()
	v, c, done, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	days, err := s.visitCadence(ctx, v)
	if err != nil {
		done()
		return nil, err
	}
	due := c.visitsDue(ownerID, days, now.AddDate(0, 0, AgendaDays).UnixNano(), store.MaxPageSize)
	done()
	entries := make([]*entry, len(due))
	for i, d := range due {
		entries[i] = d.entry
	}
	list, err := s.completeAt(ctx, v, entries)
	if err != nil {
		return nil, err
	}
	out := make([]Visit, len(list))
	for i, a := range list {
		at := time.Unix(0, due[i].at).UTC()
		out[i] = Visit{Account: a, VisitDue: at.Format(DateLayout)}
		if now.After(at) {
			out[i].DaysOverdue = int(now.Sub(at) / (24 * time.Hour))
		}
	}
	return out, nil
}

// Renewals lists the active accounts a user owns that renew within RenewalDays, soonest
// first, each flagged when nobody has been in touch for RenewalQuietDays.
func (s *Service) Renewals(ctx context.Context, ownerID int64) ([]Renewal, error) {
	now := s.now().UTC()
	day := today(now)
	v, c, done, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	due := c.renewals(ownerID, day.Format(DateLayout), day.AddDate(0, 0, RenewalDays).Format(DateLayout), store.MaxPageSize)
	done()
	list, err := s.completeAt(ctx, v, due)
	if err != nil {
		return nil, err
	}
	quiet := now.AddDate(0, 0, -RenewalQuietDays)
	out := make([]Renewal, len(list))
	for i, a := range list {
		r := Renewal{Account: a, RenewalDate: *a.RenewalDate}
		if d, err := time.Parse(DateLayout, *a.RenewalDate); err == nil {
			r.DaysToRenewal = int(d.Sub(day).Hours() / 24)
		}
		r.AtRisk = a.LastContactedAt == nil || a.LastContactedAt.Before(quiet)
		out[i] = r
	}
	return out, nil
}

// DueDate is when one account is next due for contact, for calendar feeds.
type DueDate struct {
	AccountID       int64
	Name            string
	Tier            Tier
	LastContactedAt *time.Time
	Due             time.Time // never-contacted accounts are due now
}

// DueDates lists the next contact due date of every active account a user owns, soonest
// first (never contacted: due now, first), in one query.
func (s *Service) DueDates(ctx context.Context, ownerID int64) ([]DueDate, error) {
	var rows []Account
	err := s.db.Read.WithContext(ctx).Select("id, name, tier, status, last_contacted_at, next_contact_due").
		Where("owner_id = ? AND status = ?", ownerID, StatusActive).Order("next_contact_due NULLS FIRST, id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("due dates of user %d: %w", ownerID, err)
	}
	now := s.now().UTC()
	out := make([]DueDate, len(rows))
	for i, a := range rows {
		d := DueDate{AccountID: a.ID, Name: a.Name, Tier: a.Tier, LastContactedAt: a.LastContactedAt, Due: now}
		if a.NextContactDue != nil {
			d.Due = *a.NextContactDue
		}
		out[i] = d
	}
	return out, nil
}
