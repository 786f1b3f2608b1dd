package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"keyhold/internal/fault"
	"keyhold/internal/handover"
	"keyhold/internal/i18n"
	"keyhold/internal/picklists"
	"keyhold/internal/web/api"
	"keyhold/internal/web/httpkit"
)

// The steps of a whole handover — start, complete, cancel, the departure that follows —
// and its report.

func (s handoverPages) handoverStartSubmit(c *gin.Context) {
	if id, ok := s.handoverID(c, "id"); ok {
		_, err := s.Handover.Start(c.Request.Context(), httpkit.CurrentUser(c), id)
		s.handoverAction(c, id, map[string]string{}, handoverFocus{}, err, "")
	}
}

// handoverCompleteSubmit completes a handover; gaps on key accounts refuse it (409, the
// page shows them again with the form to force it) unless forced with a written reason.
func (s handoverPages) handoverCompleteSubmit(c *gin.Context) {
	id, ok := s.handoverID(c, "id")
	if !ok {
		return
	}
	form := formValues(c, "force", "reason", "confirm")
	force := form["force"] == "true"
	err := confirmed(form)
	if err == nil {
		_, err = s.Handover.Complete(c.Request.Context(), httpkit.CurrentUser(c), id, force, form["reason"])
	}
	s.handoverAction(c, id, form, handoverFocus{}, err, "")
}

// handoverCancelSubmit cancels a handover once the box saying so is ticked: one stray
// click must not undo a handover.
func (s handoverPages) handoverCancelSubmit(c *gin.Context) {
	if id, ok := s.handoverID(c, "id"); ok {
		form := formValues(c, "confirm_cancel")
		err := confirmedField(form, "confirm_cancel")
		if err == nil {
			_, err = s.Handover.Cancel(c.Request.Context(), httpkit.CurrentUser(c), id)
		}
		s.handoverAction(c, id, form, handoverFocus{}, err, "")
	}
}

// confirmed refuses a page's completion unless its confirmation box was ticked (the
// browser asks too; the server decides).
func confirmed(form map[string]string) error { return confirmedField(form, "confirm") }

func confirmedField(form map[string]string, field string) error {
	if form[field] != "yes" {
		return fault.Invalid(fault.Fields{field: "must be ticked to confirm"})
	}
	return nil
}

// departSubmit marks a person departed once their handover is complete. The browser never
// forces it: a person who still owns accounts is refused (409) and nothing changes. The
// form names the handover it came from, to go back to.
func (s handoverPages) departSubmit(c *gin.Context) {
	userID, ok := s.handoverID(c, "id")
	if !ok {
		return
	}
	_, err := s.Handover.Depart(c.Request.Context(), httpkit.CurrentUser(c), userID, false, "")
	hid, perr := strconv.ParseInt(c.PostForm("handover_id"), 10, 64)
	if perr != nil || hid <= 0 {
		if err != nil {
			s.pageError(c, err)
			return
		}
		c.Redirect(http.StatusSeeOther, "/handovers")
		return
	}
	s.handoverAction(c, hid, map[string]string{}, handoverFocus{}, err, "")
}

type handoverReportView struct {
	R       handover.Report
	Name    string // who left
	Items   []reportRow
	Forced  []handover.ReportItem // items completed past their gaps
	Exports []exportRow
	JSONURL string
	CSVURL  string
}

type reportRow struct {
	handover.ReportItem
	Contacted bool // the successor has been in touch since completion
	Days      int  // and how many days that took
}

type exportRow struct {
	handover.NoticeEvent
	What string // what the person tried to export, in the reader's language
}

// exportWhat names an export attempt for the reader: the domain records it in English.
func exportWhat(l i18n.Lang, what string) string {
	if n, ok := strings.CutPrefix(what, "handover report "); ok {
		return l.T("hreport.export_handover", n)
	}
	return l.Text(what)
}

// handoverReportPage is the manager's report, made to be printed.
func (s handoverPages) handoverReportPage(c *gin.Context) {
	id, ok := s.handoverID(c, "id")
	if !ok {
		return
	}
	ctx, actor := c.Request.Context(), httpkit.CurrentUser(c)
	err := s.Handover.GuardExport(ctx, actor, fmt.Sprintf("handover report %d", id))
	var r handover.Report
	if err == nil {
		r, err = s.Handover.Report(ctx, actor, id)
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	v := handoverReportView{R: r, JSONURL: fmt.Sprintf("/api/v1/handovers/%d/report", id),
		CSVURL: fmt.Sprintf("/handovers/%d/report.csv", id)}
	if r.Departing != nil {
		v.Name = r.Departing.Name
	}
	for _, it := range r.Items {
		row := reportRow{ReportItem: it}
		if it.DaysToFirstContact != nil {
			row.Contacted, row.Days = true, *it.DaysToFirstContact
		}
		v.Items = append(v.Items, row)
		if it.Forced {
			v.Forced = append(v.Forced, it)
		}
	}
	l := httpkit.Lang(c)
	for _, e := range r.Exports {
		v.Exports = append(v.Exports, exportRow{NoticeEvent: e, What: exportWhat(l, e.Detail)})
	}
	s.render(c, "handover_report", pageData{Nav: "handovers", Data: v})
}

// handoverReportCSV downloads the report as CSV from the browser, exactly as the API's
// ?format=csv: a leaving person's attempt is refused and recorded before anything else,
// and every export is audited.
func (s handoverPages) handoverReportCSV(c *gin.Context) {
	id, ok := s.handoverID(c, "id")
	if !ok {
		return
	}
	ctx, actor := c.Request.Context(), httpkit.CurrentUser(c)
	what := fmt.Sprintf("handover report %d", id)
	if err := s.Handover.GuardExport(ctx, actor, what); err != nil {
		s.pageError(c, err)
		return
	}
	r, err := s.Handover.Report(ctx, actor, id)
	if err != nil {
		s.pageError(c, err)
		return
	}
	header, rows := api.HandoverCSV(r)
	if err := s.Handover.Export(ctx, actor, what, len(rows)); err != nil {
		s.pageError(c, err)
		return
	}
	if !httpkit.CodeHeaders(c) { // for a person: in the reader's language
		header = api.LocalCSV(httpkit.Lang(c), picklists.Set{}, header, rows)
	}
	httpkit.WriteCSV(c, fmt.Sprintf("handover-%d.csv", id), header, rows)
}
