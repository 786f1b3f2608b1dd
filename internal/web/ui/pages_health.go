package ui

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/health"
	"keyhold/internal/web/httpkit"
)

// flagRow is one flagged account as the pages show it.
type flagRow struct {
	health.Flag
	DaysOverdue int
	Messages    []string
}

// flagTable is a list of flagged accounts and the base currency its values are shown in.
type flagTable struct {
	Rows []flagRow
	Base string
}

func (s *server) flagRows(c *gin.Context, flags []health.Flag) (flagTable, error) {
	rates, err := s.Money.Rates(c.Request.Context())
	if err != nil {
		return flagTable{}, err
	}
	l := httpkit.Lang(c)
	now := s.Now().UTC()
	rows := make([]flagRow, len(flags))
	for i, f := range flags {
		r := flagRow{Flag: f}
		if f.Account.NextContactDue != nil && f.Account.Overdue {
			r.DaysOverdue = int(now.Sub(*f.Account.NextContactDue).Hours() / 24)
		}
		for _, reason := range f.Reasons {
			r.Messages = append(r.Messages, httpkit.ReasonMessage(l, reason))
		}
		rows[i] = r
	}
	return flagTable{Rows: rows, Base: rates.Base}, nil
}

type flagsView struct {
	Filter           health.FlagFilter
	Levels           []health.Level
	Tiers            []accounts.Tier
	Owners           picker
	Flags            flagTable
	Total            int64
	Page, Pages      int
	PrevURL, NextURL string
}

// flagsPage: neglected and at-risk accounts, worst first (risk × value), key accounts
// unless the reader asks for every tier.
func (s *server) flagsPage(c *gin.Context) {
	q := httpkit.NewQuery(c)
	f := health.FlagFilter{Tier: accounts.TierKey, OwnerID: q.Int64("owner_id"), Level: health.Level(q.Str("level")),
		Neglected: q.Bool("neglected"), Page: q.Page()}
	switch t := q.Str("tier"); t {
	case "":
	case "all":
		f.Tier = ""
	default:
		f.Tier = accounts.Tier(t)
	}
	f.Page = f.Page.Normalized()
	if err := q.Err(); err != nil {
		s.pageError(c, err)
		return
	}
	flags, total, err := s.Health.Flags(c.Request.Context(), s.Accounts, f)
	if err != nil {
		s.pageError(c, err)
		return
	}
	v := flagsView{Filter: f, Levels: []health.Level{health.AtRisk, health.Watch, health.Healthy}, Tiers: accounts.Tiers,
		Total: total}
	if v.Flags, err = s.flagRows(c, flags); err != nil {
		s.pageError(c, err)
		return
	}
	if v.Owners, err = s.staffPicker(c); err != nil {
		s.pageError(c, err)
		return
	}
	v.Page, v.Pages, v.PrevURL, v.NextURL = pages(c, f.Page, total)
	s.render(c, "flags", pageData{Nav: "flags", Data: v})
}

type cadenceView struct{ Policies []accounts.Policy }

func (s *server) cadencePage(c *gin.Context) {
	s.cadenceForm(c, http.StatusOK, pageData{})
}

func (s *server) cadenceForm(c *gin.Context, status int, d pageData) {
	ps, err := s.Accounts.Policies(c.Request.Context())
	if err != nil {
		s.pageError(c, err)
		return
	}
	d.Nav, d.Data = "cadence", cadenceView{ps}
	s.renderStatus(c, status, "cadence", d)
}

func (s *server) cadenceSubmit(c *gin.Context) {
	tier := c.Param("tier")
	form := map[string]string{"tier": tier, "interval_days": c.PostForm("interval_days")}
	days, perr := strconv.Atoi(form["interval_days"])
	if perr != nil {
		days = 0 // refused below as out of range
	}
	if _, err := s.Accounts.SetPolicy(c.Request.Context(), httpkit.CurrentUser(c), accounts.Tier(tier), days); err != nil {
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
