package ui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"keyhold/internal/fault"
	"keyhold/internal/scorecard"
	"keyhold/internal/web/httpkit"
)

// The rep scorecard (业务员考核): a row per rep, best first, each figure linking to the
// accounts behind it.

func (s reportPages) scorecardRoutes(p gin.IRoutes) {
	p.GET("/reports/scorecard", s.scorecardPage)
	p.GET("/reports/scorecard/:user_id/:figure", s.scorecardAccountsPage)
}

type scorecardView struct {
	scorecard.Report
	CSV    string
	Period string // the query string of the period, for the links
}

// Link is the page of the accounts behind a rep's figure.
func (v scorecardView) Link(userID int64, figure string) string {
	return "/reports/scorecard/" + strconv.FormatInt(userID, 10) + "/" + figure + "?" + v.Period
}

func periodQuery(from, to string) string {
	return url.Values{"from": {from}, "to": {to}}.Encode()
}

func (s reportPages) scorecardPage(c *gin.Context) {
	ctx, actor := c.Request.Context(), httpkit.CurrentUser(c)
	form := map[string]string{"from": c.Query("from"), "to": c.Query("to")}
	if err := s.Handover.GuardExport(ctx, actor, "scorecard page"); err != nil {
		s.pageError(c, err)
		return
	}
	r, err := s.Scorecard.Scorecards(ctx, actor, form["from"], form["to"])
	if err != nil {
		fields, msg, ok := formErrors(c, err)
		if !ok {
			s.pageError(c, err)
			return
		}
		s.renderStatus(c, http.StatusUnprocessableEntity, "scorecard", pageData{Nav: "reports", Form: form, Errors: fields,
			Message: msg, Data: scorecardView{}})
		return
	}
	form["from"], form["to"] = r.From, r.To
	q := periodQuery(r.From, r.To)
	s.render(c, "scorecard", pageData{Nav: "reports", Form: form,
		Data: scorecardView{Report: r, CSV: "/reports/scorecard.csv?" + q, Period: q}})
}

type scorecardAccountsView struct {
	scorecard.Behind
	Back string
}

func (s reportPages) scorecardAccountsPage(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("user_id"), 10, 64)
	if err != nil || id <= 0 {
		s.pageError(c, fault.NotFound("rep", c.Param("user_id")))
		return
	}
	b, err := s.Scorecard.Accounts(c.Request.Context(), httpkit.CurrentUser(c), id, c.Param("figure"), c.Query("from"), c.Query("to"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.render(c, "scorecard_accounts", pageData{Nav: "reports",
		Data: scorecardAccountsView{Behind: b, Back: "/reports/scorecard?" + periodQuery(b.From, b.To)}})
}
