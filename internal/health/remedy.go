package health

import "slices"

// Action is one thing a person can do on an account page that lifts its health.
type Action string

// The actions, cheapest first: when two would win back the same points, the cheaper
// one is proposed.
const (
	ActionLogCall          Action = "log_call"          // a contact interaction now, by the owner
	ActionLogVisit         Action = "log_visit"         // a visit now, by the owner: a contact too
	ActionAddContact       Action = "add_contact"       // one more contact at the customer
	ActionAddBackup        Action = "add_backup"        // one more active person on the team
	ActionResolveComplaint Action = "resolve_complaint" // the oldest open complaint
	ActionTransfer         Action = "transfer"          // an active owner
	ActionExecutiveVisit   Action = "executive_visit"   // a visit by a manager or executive
)

// Actions lists every action, cheapest first.
var Actions = []Action{ActionLogCall, ActionLogVisit, ActionAddContact, ActionAddBackup, ActionResolveComplaint, ActionTransfer, ActionExecutiveVisit}

// Remedy is an action and the points it would win back at once.
type Remedy struct {
	Action Action `json:"action"`
	Points int    `json:"points"`
}

// Remedies says, from a score's reasons alone (stored reasons will do), what each action
// would win back, best first; ties keep the cheaper action first; actions that win
// nothing are left out. The points are what the score would rise by, exactly, for the
// rules an action clears: a call clears contact_overdue, never_contacted,
// renewal_at_risk and a successor's late first contact, and engagement_declining when
// one more contact is enough; a visit clears all that and visit_overdue (when the two
// win the same, the call comes first). An executive visit is a contact too, but its
// points count only no_executive_touch: a call or a visit wins the others.
func Remedies(reasons []Reason) []Remedy {
	points, total := map[Action]int{}, 0
	for _, r := range reasons {
		total += r.Deduction
		n := r.Int
		switch r.Code {
		case CodeContactOverdue, CodeNeverContacted, CodeRenewalAtRisk, CodeHandoverFirstContact:
			points[ActionLogCall] += r.Deduction
			points[ActionLogVisit] += r.Deduction
		case CodeEngagementDeclining:
			if (n("contacts_90")+1)*2 >= n("contacts_prev_90") {
				points[ActionLogCall] += r.Deduction
				points[ActionLogVisit] += r.Deduction
			}
		case CodeVisitOverdue:
			points[ActionLogVisit] += r.Deduction
		case CodeSingleContact:
			if n("contacts")+1 >= MinContacts && n("contacts_touched_180") != 1 {
				points[ActionAddContact] += r.Deduction
			}
		case CodeSingleThreadedTeam:
			if n("active_team_members")+1 >= MinActiveTeamMembers {
				points[ActionAddBackup] += r.Deduction
			}
		case CodeComplaintUnresolved:
			left := min((n("complaints")-1)*ComplaintDeduction, MaxComplaintDeduction)
			points[ActionResolveComplaint] += r.Deduction - left
		case CodeOwnerInactive:
			points[ActionTransfer] += r.Deduction
		case CodeNoExecutiveTouch:
			points[ActionExecutiveVisit] += r.Deduction
		}
	}
	var out []Remedy
	for _, a := range Actions {
		// The score never goes below 0: what is won back is what shows above it.
		if p := max(0, MaxScore-total+points[a]) - max(0, MaxScore-total); p > 0 {
			out = append(out, Remedy{Action: a, Points: p})
		}
	}
	slices.SortStableFunc(out, func(a, b Remedy) int { return b.Points - a.Points })
	return out
}

// Int reads a number from the reason's data: an int when the rules made it, a float64
// when it came back from stored JSON.
func (r Reason) Int(k string) int {
	switch v := r.Data[k].(type) {
	case int:
		return v
	case float64:
		return int(v)
	}
	return 0
}

// Status is the one state a row shows: the worst of neglect, the health level and
// overdue contact.
type Status string

// The statuses, worst first.
const (
	StatusNeglected Status = "neglected" // a key account overdue or without an active owner
	StatusAtRisk    Status = "at_risk"
	StatusOverdue   Status = "overdue" // past its contact due date
	StatusWatch     Status = "watch"
	StatusHealthy   Status = "healthy"
	StatusUnscored  Status = "" // churned, or not scored yet
)

// Statuses lists the statuses a row shows, worst first.
var Statuses = []Status{StatusNeglected, StatusAtRisk, StatusOverdue, StatusWatch, StatusHealthy}

// StatusOf is the worst of the states an account is in; level is "" for an account not
// scored.
func StatusOf(neglected bool, level Level, overdue bool) Status {
	switch {
	case neglected:
		return StatusNeglected
	case level == AtRisk:
		return StatusAtRisk
	case overdue:
		return StatusOverdue
	case level == Watch:
		return StatusWatch
	case level == Healthy:
		return StatusHealthy
	}
	return StatusUnscored
}
