// Package accounts holds the shared customer records: accounts, their teams, contacts and
// interactions, ownership transfer and the ownership history, and the contact cadence
// that says when each account is next due for contact.
package accounts

import (
	"time"

	"gorm.io/gorm"

	"keyhold/internal/staff"
)

// Tier ranks an account's importance; key accounts get the closest attention.
type Tier string

const (
	TierKey      Tier = "key"
	TierGrowth   Tier = "growth"
	TierStandard Tier = "standard"
)

// Valid reports whether t is a known tier.
func (t Tier) Valid() bool { return t == TierKey || t == TierGrowth || t == TierStandard }

// Tiers lists the tiers, most important first.
var Tiers = []Tier{TierKey, TierGrowth, TierStandard}

// Account statuses.
const (
	StatusActive  = "active"
	StatusChurned = "churned"
)

// Account is a customer company. Every active staff member may read it.
type Account struct {
	ID              int64          `json:"id"`
	Name            string         `json:"name"`
	Tier            Tier           `json:"tier"`
	Status          string         `json:"status"`
	Industry        string         `json:"industry"`
	Region          string         `json:"region"`
	Channel         string         `json:"channel"`
	Size            Size           `json:"size"` // large, mid, small; "" while unknown
	AnnualValue     int64          `json:"annual_value"`
	Currency        string         `json:"currency"`
	CustomerSince   string         `json:"customer_since"`
	RenewalDate     *string        `json:"renewal_date"`
	CadenceOverride *int           `json:"cadence_override" gorm:"column:cadence_days"`
	OwnerID         int64          `json:"owner_id"`
	LastContactedAt *time.Time     `json:"last_contacted_at"`
	NextContactDue  *time.Time     `json:"next_contact_due"`
	LastVisitedAt   *time.Time     `json:"last_visited_at"`                         // latest visit, meeting or executive visit; null if none
	VisitOverride   *int           `json:"visit_override" gorm:"column:visit_days"` // its own visit cadence; null: its tier's
	CreatedAt       time.Time      `json:"created_at"`
	UpdatedAt       time.Time      `json:"updated_at"`
	DeletedAt       gorm.DeletedAt `json:"-"`

	// Derived when read, never stored.
	CadenceDays int          `json:"cadence_days" gorm:"-"` // effective cadence
	VisitDays   *int         `json:"visit_days" gorm:"-"`   // effective visit cadence; null: none
	Overdue     bool         `json:"overdue" gorm:"-"`
	Owner       *UserRef     `json:"owner" gorm:"-"`
	Team        []TeamMember `json:"team" gorm:"-"`
}

// UserRef is the short form of a user shown inside other records.
type UserRef struct {
	ID     int64        `json:"id"`
	Name   string       `json:"name"`
	Role   staff.Role   `json:"role"`
	Status staff.Status `json:"status"`
}

// TableName maps UserRef onto the users table for batched loads.
func (UserRef) TableName() string { return "users" }

// TeamRole is a member's part in an account's team.
type TeamRole string

const (
	RoleOwner            TeamRole = "owner"
	RoleBackup           TeamRole = "backup"
	RoleExecutiveSponsor TeamRole = "executive_sponsor"
	RoleSupport          TeamRole = "support"
)

// roleNamed returns the role called name, sharing the constant's text (the accounts in
// memory hold ninety thousand).
func roleNamed(name string) TeamRole {
	for _, r := range []TeamRole{RoleOwner, RoleBackup, RoleExecutiveSponsor, RoleSupport} {
		if string(r) == name {
			return r
		}
	}
	return TeamRole(name)
}

// Assignable reports whether r can be given through the team endpoints; the owner role
// moves only by transfer or handover.
func (r TeamRole) Assignable() bool {
	return r == RoleBackup || r == RoleExecutiveSponsor || r == RoleSupport
}

// TeamMember is one row of an account's team.
type TeamMember struct {
	AccountID int64        `json:"-"`
	UserID    int64        `json:"user_id"`
	Role      TeamRole     `json:"role"`
	Since     time.Time    `json:"since"`
	Name      string       `json:"name" gorm:"->;-:migration"`
	Status    staff.Status `json:"status" gorm:"->;-:migration"`
}

// TableName is the team table.
func (TeamMember) TableName() string { return "account_team" }

// finish fills the derived fields that depend on the clock and the cadence policy.
func (a *Account) finish(now time.Time, c cadence, visits map[Tier]int) {
	a.CadenceDays = a.effectiveCadence(c)
	if a.VisitOverride != nil {
		d := *a.VisitOverride
		a.VisitDays = &d
	} else if d, ok := visits[a.Tier]; ok {
		a.VisitDays = &d
	}
	a.Overdue = a.Status == StatusActive && Overdue(a.NextContactDue, now)
	if a.NextContactDue == nil {
		n := now
		a.NextContactDue = &n
	}
}

// Overdue is the one rule of when an account is overdue for contact: past its due date
// (DueAfter), or never contacted at all — a customer nobody has called yet needs a first
// contact now. OverdueSQL says the same in SQL.
func Overdue(due *time.Time, now time.Time) bool { return due == nil || due.Before(now) }

// OverdueSQL is Overdue over the accounts row aliased a, with now as its one parameter.
const OverdueSQL = "(a.next_contact_due IS NULL OR a.next_contact_due < ?)"

func (a *Account) effectiveCadence(c cadence) int {
	if a.CadenceOverride != nil {
		return *a.CadenceOverride
	}
	return c.of(a.Tier)
}

// DueAfter is when an account last contacted at t (nil: never) is next due for contact
// with a cadence of days (nil: at once).
func DueAfter(t *time.Time, days int) *time.Time {
	if t == nil {
		return nil
	}
	d := t.UTC().AddDate(0, 0, days)
	return &d
}
