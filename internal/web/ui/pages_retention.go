package ui

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"keyhold/internal/opt"
	"keyhold/internal/retention"
	"keyhold/internal/web/httpkit"
)

// Forms on the account page for losses, win-backs and complaints. Each answers like the
// other account-page forms: back to the page, or the page again with the errors.

func (s accountPages) churnSubmit(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	form := formValues(c, "churned_at", "reason", "voluntary", "competitor", "notes")
	in := retention.NewChurn{ChurnedAt: form["churned_at"], Reason: form["reason"], Competitor: form["competitor"], Notes: form["notes"]}
	switch form["voluntary"] {
	case "true", "false":
		v := form["voluntary"] == "true"
		in.Voluntary = &v
	}
	_, err := s.Retention.Churn(c.Request.Context(), httpkit.CurrentUser(c), id, in)
	s.accountAction(c, form, err, "churned")
}

func (s accountPages) reactivateSubmit(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	form := formValues(c, "reactivated_at", "note")
	_, err := s.Retention.Reactivate(c.Request.Context(), httpkit.CurrentUser(c), id, form["reactivated_at"], form["note"])
	s.accountAction(c, form, err, "reactivated")
}

func (s accountPages) complaintSubmit(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	form := formValues(c, "severity", "summary")
	_, err := s.Retention.OpenComplaint(c.Request.Context(), httpkit.CurrentUser(c), id,
		retention.NewComplaint{Severity: form["severity"], Summary: form["summary"]})
	s.accountAction(c, form, err, "complaint_opened")
}

func (s accountPages) resolveComplaintSubmit(c *gin.Context) {
	cid, _ := strconv.ParseInt(c.Param("complaint_id"), 10, 64)
	form := formValues(c, "resolution")
	_, err := s.Retention.UpdateComplaint(c.Request.Context(), httpkit.CurrentUser(c), cid, retention.ComplaintPatch{
		Status: opt.Of(retention.ComplaintResolved), Resolution: opt.Of(form["resolution"])})
	form["resolve_id"] = c.Param("complaint_id")
	s.accountAction(c, form, err, "complaint_resolved")
}
