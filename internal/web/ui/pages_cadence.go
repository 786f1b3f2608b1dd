package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/opt"
	"keyhold/internal/web/httpkit"
)

// The contact cadence per tier, set by admins: how often each account should be
// contacted, from which the health's "overdue" is reckoned; and how often it should be
// visited (empty: no visit cadence), from which "visit overdue" is.

type cadenceView struct{ Policies []accounts.Policy }

func (s adminPages) cadencePage(c *gin.Context) {
	s.cadenceForm(c, http.StatusOK, pageData{})
}

func (s adminPages) cadenceForm(c *gin.Context, status int, d pageData) {
	ps, err := s.Accounts.Policies(c.Request.Context())
	if err != nil {
		s.pageError(c, err)
		return
	}
	d.Nav, d.Data = "cadence", cadenceView{ps}
	s.renderStatus(c, status, "cadence", d)
}

func (s adminPages) cadenceSubmit(c *gin.Context) {
	tier := c.Param("tier")
	form := map[string]string{"tier": tier, "interval_days": c.PostForm("interval_days"), "visit_days": c.PostForm("visit_days")}
	days, perr := strconv.Atoi(form["interval_days"])
	if perr != nil {
		days = 0 // refused below as out of range
	}
	var visit opt.Field[int] // not posted: as it is
	if _, posted := c.GetPostForm("visit_days"); posted {
		visit = opt.Field[int]{Set: true, Null: true} // an empty field: no visit cadence
	}
	if v := strings.TrimSpace(form["visit_days"]); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			n = 0 // refused below as out of range
		}
		visit = opt.Of(n)
	}
	if _, err := s.Accounts.SetPolicy(c.Request.Context(), httpkit.CurrentUser(c), accounts.Tier(tier), days, visit); err != nil {
		fields, msg, ok := formErrors(c, err)
		if !ok {
			s.pageError(c, err)
			return
		}
		s.cadenceForm(c, http.StatusUnprocessableEntity, pageData{Form: form, Errors: fields, Message: msg})
		return
	}
	s.cadenceForm(c, http.StatusOK, pageData{Message: httpkit.Lang(c).T("cadence.saved"), Notice: true})
}
