package httpkit

import (
	"keyhold/internal/health"
	"keyhold/internal/i18n"
)

// ReasonMessage says a health reason in words, with its numbers: "No contact for 41 days;
// the cadence is 14 days."
func ReasonMessage(l i18n.Lang, r health.Reason) string {
	n := r.Int
	switch r.Code {
	case health.CodeContactOverdue:
		return l.T("reason.contact_overdue", n("days_since_contact"), n("cadence_days"), n("days_overdue"))
	case health.CodeNeverContacted:
		return l.T("reason.never_contacted", n("cadence_days"))
	case health.CodeOwnerInactive:
		status, _ := r.Data["owner_status"].(string)
		return l.T("reason.owner_inactive." + status)
	case health.CodeSingleThreadedTeam:
		return l.T("reason.single_threaded_team", n("active_team_members"), n("minimum"))
	case health.CodeSingleContact:
		return l.T("reason.single_contact", n("contacts"), n("contacts_touched_180"))
	case health.CodeOnePersonRelationship:
		return l.T("reason.one_person_relationship", n("top_staff_interactions"), n("interactions_180"), n("share_percent"))
	case health.CodeOwnershipChurn:
		return l.T("reason.ownership_churn", n("owner_changes_365"))
	case health.CodeComplaintUnresolved:
		if n("complaints") == 1 {
			return l.T("reason.complaint_unresolved_one", n("oldest_days"))
		}
		return l.T("reason.complaint_unresolved", n("complaints"), n("oldest_days"))
	case health.CodeRenewalAtRisk:
		return l.T("reason.renewal_at_risk", n("days_to_renewal"))
	case health.CodeEngagementDeclining:
		return l.T("reason.engagement_declining", n("contacts_90"), n("contacts_prev_90"))
	case health.CodeNoExecutiveTouch:
		return l.T("reason.no_executive_touch", n("days"))
	case health.CodeVisitOverdue:
		if n("days_since_visit") == health.NoContactDays {
			return l.T("reason.visit_never", n("visit_days"), n("days_overdue"))
		}
		return l.T("reason.visit_overdue", n("days_since_visit"), n("visit_days"), n("days_overdue"))
	case health.CodeHandoverFirstContact:
		return l.T("reason.handover_first_contact_overdue", n("days_since_handover"), n("first_contact_days"), n("days_overdue"))
	}
	return r.Code
}
