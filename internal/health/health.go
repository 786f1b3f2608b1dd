// Package health scores how well a customer account is being looked after.
//
// It is pure: the rules take an account's Facts and the current time and return a score,
// a level and the reasons behind them. Filling Facts (set-based queries) and turning
// reason codes into messages happen elsewhere. The rules and their numbers are in
// rules.go.
package health

import (
	"time"

	"keyhold/internal/accounts"
)

// Facts are what the rules need to know about one account at one moment; a set-based
// query fills them for many accounts at once. Counts over a window use the window
// constants in rules.go (TouchWindowDays, RecentContactDays, …).
type Facts struct {
	Key                bool       // tier is key
	Churned            bool       // churned accounts are not scored
	CadenceDays        int        // effective contact cadence
	LastContactAt      *time.Time // latest contact interaction (any kind but note); nil if none ever
	OwnerActive        bool       // has an owner whose status is active
	OwnerStatus        string     // "" (no owner), "active", "leaving", "departed" — for the message data
	ActiveTeamMembers  int        // team members (owner included) whose status is active
	Contacts           int        // live contacts at the customer
	ContactsTouched180 int        // distinct contacts named on contact interactions in the last 180 days
	Interactions180    int        // contact interactions in the last 180 days
	TopStaffShare180   int        // of those, how many by the single staff member with the most
	OwnerChanges365    int        // owner changes (transfers/handovers) in the last 365 days
	OpenComplaintDays  []int      // for each open complaint, days it has been open
	RenewalDate        *time.Time // next renewal (a date at 00:00 UTC), nil if none
	Contacts30         int        // contact interactions in the last 30 days
	Contacts90         int        // contact interactions in the last 90 days
	ContactsPrev90     int        // contact interactions 90–180 days ago
	ExecutiveTouch365  bool       // an executive_visit or holiday_greeting, or contact by a manager, within 365 days
	HandoverAt         *time.Time // completion of the handover (in the last HandoverFollowDays) that gave the account to its owner
	SuccessorContacted bool       // that owner has made a contact interaction since
	VisitDays          int        // the account's visit cadence in days (its own, else its tier's); 0 for none
	LastVisitAt        *time.Time // latest visit, meeting or executive visit; nil if none ever
	CustomerSince      *time.Time // the date it became a customer (a first visit is due VisitDays after)
}

// Level is a band of scores.
type Level string

// The levels, best first.
const (
	Healthy Level = "healthy" // score ≥ HealthyMinScore
	Watch   Level = "watch"   // WatchMinScore ≤ score < HealthyMinScore
	AtRisk  Level = "at_risk" // score < WatchMinScore
)

// Reason is one deduction with the numbers behind it. Data values are ints and strings,
// keyed as documented on each rule in rules.go.
type Reason struct {
	Code      string         `json:"code"`
	Deduction int            `json:"deduction"`
	Data      map[string]any `json:"data"`
}

// Result is an account's health at one moment.
type Result struct {
	Score   int      `json:"score"`
	Level   Level    `json:"level"`
	Reasons []Reason `json:"reasons"` // in the order of Codes, never nil
}

// Score applies every rule. ok is false for a churned account, which is not scored; its
// Result is then zero apart from an empty Reasons.
func Score(f Facts, now time.Time) (r Result, ok bool) {
	r.Reasons = []Reason{}
	if f.Churned {
		return r, false
	}
	total := 0
	for _, apply := range rules {
		if reason, hit := apply(&f, now); hit {
			r.Reasons = append(r.Reasons, reason)
			total += reason.Deduction
		}
	}
	r.Score = max(0, MaxScore-total)
	r.Level = LevelOf(r.Score)
	return r, true
}

// Overdue reports whether the account is past its contact due date: more than its
// cadence since the last contact interaction, or never contacted. It looks only at
// contact and cadence (a churned account can be overdue; see Neglected).
func Overdue(f Facts, now time.Time) bool {
	return accounts.Overdue(accounts.DueAfter(f.LastContactAt, effectiveCadence(f.CadenceDays)), now)
}

// Neglected reports whether it is a neglected key account: a key account that is
// overdue, has no active owner, or was handed to a new owner who has not made the first
// contact in time. Churned accounts are never neglected.
func Neglected(f Facts, now time.Time) bool {
	return f.Key && !f.Churned && (!f.OwnerActive || Overdue(f, now) || FirstContactOverdue(f, now))
}

// FirstContactOverdue reports whether the account came to its owner in a handover and
// the owner's first contact is late.
func FirstContactOverdue(f Facts, now time.Time) bool {
	due, ok := firstContactDue(&f)
	return ok && now.After(due)
}

// LevelOf is the level of a score.
func LevelOf(score int) Level {
	switch {
	case score >= HealthyMinScore:
		return Healthy
	case score >= WatchMinScore:
		return Watch
	default:
		return AtRisk
	}
}
