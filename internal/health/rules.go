package health

import (
	"math/bits"
	"time"
)

// Reason codes, in the order Score reports them (PRODUCT.md, "Cadence and health").
// They are stable identifiers: messages are looked up by code elsewhere.
const (
	CodeContactOverdue        = "contact_overdue"
	CodeNeverContacted        = "never_contacted"
	CodeOwnerInactive         = "owner_inactive"
	CodeSingleThreadedTeam    = "single_threaded_team"
	CodeSingleContact         = "single_contact"
	CodeOnePersonRelationship = "one_person_relationship"
	CodeOwnershipChurn        = "ownership_churn"
	CodeComplaintUnresolved   = "complaint_unresolved"
	CodeRenewalAtRisk         = "renewal_at_risk"
	CodeEngagementDeclining   = "engagement_declining"
	CodeNoExecutiveTouch      = "no_executive_touch"
	CodeHandoverFirstContact  = "handover_first_contact_overdue"
	CodeVisitOverdue          = "visit_overdue"
)

// Codes returns every reason code in report order (a fresh slice).
func Codes() []string {
	return []string{
		CodeContactOverdue,
		CodeNeverContacted,
		CodeOwnerInactive,
		CodeSingleThreadedTeam,
		CodeSingleContact,
		CodeOnePersonRelationship,
		CodeOwnershipChurn,
		CodeComplaintUnresolved,
		CodeRenewalAtRisk,
		CodeEngagementDeclining,
		CodeNoExecutiveTouch,
		CodeHandoverFirstContact,
		CodeVisitOverdue,
	}
}

// The health rules' numbers, all in one place.
//
// Windows (…Days without "Deduction") say how far back a Facts count looks; the query
// that fills Facts must use the same constants. A score starts at MaxScore and each
// triggered rule subtracts its deduction; the score never goes below 0.
const (
	// MaxScore is the score of an account with nothing wrong.
	MaxScore = 100
	// HealthyMinScore and WatchMinScore split scores into levels:
	// healthy ≥ 75, watch 50–74, at risk < 50.
	HealthyMinScore = 75
	WatchMinScore   = 50

	// MaxOverdueDeduction is what contact_overdue takes at twice the cadence or later.
	// Before that it takes ceil(40 × overdue ÷ cadence), at least 1: one hour past due
	// costs 1, half a cadence past due costs 20.
	MaxOverdueDeduction = 40
	// MinCadenceDays and MaxCadenceDays bound the cadence the rules use: a cadence below
	// one day is treated as one day (no division by zero), one above a century as a century.
	MinCadenceDays = 1
	MaxCadenceDays = 36500

	// NeverContactedDeduction: no contact interaction at all.
	NeverContactedDeduction = 40

	// OwnerInactiveDeduction: no owner, or the owner is leaving or departed.
	OwnerInactiveDeduction = 25

	// SingleThreadedTeamDeduction: a key account with fewer than MinActiveTeamMembers
	// active team members (owner included).
	SingleThreadedTeamDeduction = 15
	MinActiveTeamMembers        = 2

	// SingleContactDeduction: fewer than MinContacts live contacts, or exactly one
	// contact named on contact interactions in the last TouchWindowDays.
	SingleContactDeduction = 10
	MinContacts            = 2
	TouchWindowDays        = 180

	// OnePersonRelationshipDeduction: a key account with at least
	// OnePersonMinInteractions contact interactions in the last TouchWindowDays, of which
	// strictly more than OnePersonMaxSharePercent were by one staff member.
	OnePersonRelationshipDeduction = 10
	OnePersonMinInteractions       = 5
	OnePersonMaxSharePercent       = 80

	// OwnershipChurnDeduction: the owner changed OwnershipChurnMinChanges or more times
	// in the last OwnerChangeWindowDays.
	OwnershipChurnDeduction  = 10
	OwnershipChurnMinChanges = 2
	OwnerChangeWindowDays    = 365

	// ComplaintDeduction is taken for each complaint open more than ComplaintGraceDays,
	// MaxComplaintDeduction in total at most.
	ComplaintDeduction    = 10
	ComplaintGraceDays    = 7
	MaxComplaintDeduction = 30

	// RenewalAtRiskDeduction: the renewal date is between today and RenewalWindowDays
	// from today (both included, UTC dates) and there was no contact interaction in the
	// last RecentContactDays.
	RenewalAtRiskDeduction = 15
	RenewalWindowDays      = 60
	RecentContactDays      = 30

	// EngagementDecliningDeduction: contact interactions in the last EngagementWindowDays
	// are fewer than half of those in the window before it, which held at least
	// EngagementMinPrevious.
	EngagementDecliningDeduction = 10
	EngagementWindowDays         = 90
	EngagementMinPrevious        = 2

	// NoExecutiveTouchDeduction: a key account with no executive_visit or
	// holiday_greeting, and no contact by a manager, in the last ExecutiveTouchDays.
	NoExecutiveTouchDeduction = 5
	ExecutiveTouchDays        = 365

	// HandoverFirstContactDeduction: the account came to its owner in a handover
	// completed in the last HandoverFollowDays, and the new owner has made no contact
	// since, FirstContactDaysKey days after completion for a key account,
	// FirstContactDaysOther for another. A customer whose salesperson left hears from
	// the new one within a week or two, or starts to follow the one who left.
	HandoverFirstContactDeduction = 20
	FirstContactDaysKey           = 7
	FirstContactDaysOther         = 14
	HandoverFollowDays            = 90

	// VisitOverdueDeduction: the account has a visit cadence (Facts.VisitDays: its own,
	// else its tier's; key accounts every 90 days to begin with) and the last visit, meeting or executive
	// visit is older than that — or, never visited, it became a customer longer ago than
	// that. Calls keep a customer; visits keep a key customer (深度沟通).
	VisitOverdueDeduction = 10

	// NoContactDays is days_since_contact in renewal_at_risk's data when the account
	// was never contacted, and days_since_visit in visit_overdue's when never visited.
	NoContactDays = -1
)

const day = 24 * time.Hour

// rule is one row of the deduction table; ok reports whether it applies.
type rule func(f *Facts, now time.Time) (r Reason, ok bool)

// rules are applied in this order, which is the order of Codes.
var rules = [...]rule{
	contactOverdue,
	neverContacted,
	ownerInactive,
	singleThreadedTeam,
	singleContact,
	onePersonRelationship,
	ownershipChurn,
	complaintUnresolved,
	renewalAtRisk,
	engagementDeclining,
	noExecutiveTouch,
	handoverFirstContact,
	visitOverdue,
}

// firstContactDue is when the new owner of an account received in a handover should
// have contacted it; ok is false when no first contact is awaited.
func firstContactDue(f *Facts) (time.Time, bool) {
	if f.HandoverAt == nil || f.SuccessorContacted {
		return time.Time{}, false
	}
	days := FirstContactDaysOther
	if f.Key {
		days = FirstContactDaysKey
	}
	return f.HandoverAt.Add(time.Duration(days) * day), true
}

// FirstContactDays is how many days a successor has for the first contact.
func FirstContactDays(key bool) int {
	if key {
		return FirstContactDaysKey
	}
	return FirstContactDaysOther
}

func handoverFirstContact(f *Facts, now time.Time) (Reason, bool) {
	due, ok := firstContactDue(f)
	if !ok || !now.After(due) {
		return Reason{}, false
	}
	return Reason{
		Code:      CodeHandoverFirstContact,
		Deduction: HandoverFirstContactDeduction,
		Data: map[string]any{
			"days_since_handover": wholeDays(now.Sub(*f.HandoverAt)),
			"first_contact_days":  FirstContactDays(f.Key),
			"days_overdue":        wholeDays(now.Sub(due)),
		},
	}, true
}

func visitOverdue(f *Facts, now time.Time) (Reason, bool) {
	from := f.LastVisitAt
	if from == nil {
		from = f.CustomerSince
	}
	if f.VisitDays <= 0 || from == nil {
		return Reason{}, false
	}
	due := from.Add(time.Duration(f.VisitDays) * day)
	if !now.After(due) {
		return Reason{}, false
	}
	since := NoContactDays
	if f.LastVisitAt != nil {
		since = wholeDays(now.Sub(*f.LastVisitAt))
	}
	return Reason{
		Code:      CodeVisitOverdue,
		Deduction: VisitOverdueDeduction,
		Data:      map[string]any{"days_since_visit": since, "visit_days": f.VisitDays, "days_overdue": wholeDays(now.Sub(due))},
	}, true
}

func contactOverdue(f *Facts, now time.Time) (Reason, bool) {
	if f.LastContactAt == nil {
		return Reason{}, false
	}
	cadence := effectiveCadence(f.CadenceDays)
	due := time.Duration(cadence) * day
	elapsed := now.Sub(*f.LastContactAt)
	if elapsed <= due {
		return Reason{}, false
	}
	over := elapsed - due
	return Reason{
		Code:      CodeContactOverdue,
		Deduction: overdueDeduction(over, due),
		Data: map[string]any{
			"days_since_contact": wholeDays(elapsed),
			"cadence_days":       cadence,
			"days_overdue":       wholeDays(over),
		},
	}, true
}

// overdueDeduction is ceil(MaxOverdueDeduction × over ÷ due), between 1 and
// MaxOverdueDeduction, computed exactly in 128-bit integers (no rounding at the
// boundaries).
func overdueDeduction(over, due time.Duration) int {
	if over <= 0 {
		return 0
	}
	if over >= due {
		return MaxOverdueDeduction
	}
	hi, lo := bits.Mul64(MaxOverdueDeduction, uint64(over))
	q, rem := bits.Div64(hi, lo, uint64(due)) // hi < due because over < due
	if rem != 0 {
		q++
	}
	return max(1, min(int(q), MaxOverdueDeduction))
}

func neverContacted(f *Facts, _ time.Time) (Reason, bool) {
	if f.LastContactAt != nil {
		return Reason{}, false
	}
	return Reason{
		Code:      CodeNeverContacted,
		Deduction: NeverContactedDeduction,
		Data:      map[string]any{"cadence_days": effectiveCadence(f.CadenceDays)},
	}, true
}

func ownerInactive(f *Facts, _ time.Time) (Reason, bool) {
	if f.OwnerActive {
		return Reason{}, false
	}
	status := f.OwnerStatus
	if status == "" {
		status = "none"
	}
	return Reason{
		Code:      CodeOwnerInactive,
		Deduction: OwnerInactiveDeduction,
		Data:      map[string]any{"owner_status": status},
	}, true
}

func singleThreadedTeam(f *Facts, _ time.Time) (Reason, bool) {
	if !f.Key || f.ActiveTeamMembers >= MinActiveTeamMembers {
		return Reason{}, false
	}
	return Reason{
		Code:      CodeSingleThreadedTeam,
		Deduction: SingleThreadedTeamDeduction,
		Data: map[string]any{
			"active_team_members": f.ActiveTeamMembers,
			"minimum":             MinActiveTeamMembers,
		},
	}, true
}

func singleContact(f *Facts, _ time.Time) (Reason, bool) {
	if f.Contacts >= MinContacts && f.ContactsTouched180 != 1 {
		return Reason{}, false
	}
	return Reason{
		Code:      CodeSingleContact,
		Deduction: SingleContactDeduction,
		Data: map[string]any{
			"contacts":             f.Contacts,
			"contacts_touched_180": f.ContactsTouched180,
		},
	}, true
}

func onePersonRelationship(f *Facts, _ time.Time) (Reason, bool) {
	n, top := f.Interactions180, f.TopStaffShare180
	// top/n > 80% without floating point: top×100 > 80×n.
	if !f.Key || n < OnePersonMinInteractions || top*100 <= OnePersonMaxSharePercent*n {
		return Reason{}, false
	}
	return Reason{
		Code:      CodeOnePersonRelationship,
		Deduction: OnePersonRelationshipDeduction,
		Data: map[string]any{
			"interactions_180":       n,
			"top_staff_interactions": top,
			"share_percent":          (top*100 + n/2) / n, // rounded half up
		},
	}, true
}

func ownershipChurn(f *Facts, _ time.Time) (Reason, bool) {
	if f.OwnerChanges365 < OwnershipChurnMinChanges {
		return Reason{}, false
	}
	return Reason{
		Code:      CodeOwnershipChurn,
		Deduction: OwnershipChurnDeduction,
		Data:      map[string]any{"owner_changes_365": f.OwnerChanges365},
	}, true
}

func complaintUnresolved(f *Facts, _ time.Time) (Reason, bool) {
	count, oldest := 0, 0
	for _, days := range f.OpenComplaintDays {
		if days > ComplaintGraceDays {
			count++
			oldest = max(oldest, days)
		}
	}
	if count == 0 {
		return Reason{}, false
	}
	return Reason{
		Code:      CodeComplaintUnresolved,
		Deduction: min(count*ComplaintDeduction, MaxComplaintDeduction),
		Data:      map[string]any{"complaints": count, "oldest_days": oldest},
	}, true
}

func renewalAtRisk(f *Facts, now time.Time) (Reason, bool) {
	if f.RenewalDate == nil || f.Contacts30 > 0 {
		return Reason{}, false
	}
	// Both are UTC midnights, so the difference is a whole number of days.
	days := int(utcDate(*f.RenewalDate).Sub(utcDate(now)) / day)
	if days < 0 || days > RenewalWindowDays {
		return Reason{}, false
	}
	since := NoContactDays
	if f.LastContactAt != nil {
		since = max(0, wholeDays(now.Sub(*f.LastContactAt)))
	}
	return Reason{
		Code:      CodeRenewalAtRisk,
		Deduction: RenewalAtRiskDeduction,
		Data:      map[string]any{"days_to_renewal": days, "days_since_contact": since},
	}, true
}

func engagementDeclining(f *Facts, _ time.Time) (Reason, bool) {
	if f.ContactsPrev90 < EngagementMinPrevious || f.Contacts90*2 >= f.ContactsPrev90 {
		return Reason{}, false
	}
	return Reason{
		Code:      CodeEngagementDeclining,
		Deduction: EngagementDecliningDeduction,
		Data: map[string]any{
			"contacts_90":      f.Contacts90,
			"contacts_prev_90": f.ContactsPrev90,
		},
	}, true
}

func noExecutiveTouch(f *Facts, _ time.Time) (Reason, bool) {
	if !f.Key || f.ExecutiveTouch365 {
		return Reason{}, false
	}
	return Reason{
		Code:      CodeNoExecutiveTouch,
		Deduction: NoExecutiveTouchDeduction,
		Data:      map[string]any{"days": ExecutiveTouchDays},
	}, true
}

// effectiveCadence clamps a cadence to [MinCadenceDays, MaxCadenceDays].
func effectiveCadence(days int) int {
	return min(max(days, MinCadenceDays), MaxCadenceDays)
}

// wholeDays is the number of whole 24-hour periods in d, rounded down.
func wholeDays(d time.Duration) int {
	n := d / day
	if d%day < 0 {
		n--
	}
	return int(n)
}

// utcDate is t's calendar date in UTC, at 00:00.
func utcDate(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
