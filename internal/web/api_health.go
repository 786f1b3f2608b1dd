package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/handover"
	"keyhold/internal/health"
	"keyhold/internal/i18n"
)

// apiReason is a health reason as the API shows it: with a message in the reader's
// language.
type apiReason struct {
	Code      string         `json:"code"`
	Message   string         `json:"message"`
	Deduction int            `json:"deduction"`
	Data      map[string]any `json:"data"`
}

func explain(l i18n.Lang, rs []health.Reason) []apiReason {
	out := make([]apiReason, len(rs))
	for i, r := range rs {
		out[i] = apiReason{Code: r.Code, Message: reasonMessage(l, r), Deduction: r.Deduction, Data: r.Data}
	}
	return out
}

type apiHealth struct {
	Score        int         `json:"score"`
	Level        string      `json:"level"`
	Neglected    bool        `json:"neglected"`
	Reasons      []apiReason `json:"reasons"`
	ComputedAt   any         `json:"computed_at"`
	FlaggedSince any         `json:"flagged_since"`
}

func toAPIHealth(l i18n.Lang, r health.Report) apiHealth {
	return apiHealth{Score: r.Score, Level: string(r.Level), Neglected: r.Neglected, Reasons: explain(l, r.Reasons),
		ComputedAt: r.ComputedAt, FlaggedSince: r.FlaggedSince}
}

func (s *server) apiAccountHealth(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	r, err := s.Health.Get(c.Request.Context(), id)
	if err != nil {
		abortJSON(c, err)
		return
	}
	c.JSON(http.StatusOK, toAPIHealth(langOf(c), r))
}

func (s *server) apiFlags(c *gin.Context) {
	q := newQuery(c)
	f := health.FlagFilter{Tier: accounts.Tier(q.str("tier")), OwnerID: q.int64("owner_id"),
		Level: health.Level(q.str("level")), Neglected: q.boolean("neglected"), Page: q.page()}
	if !q.ok() {
		return
	}
	flags, total, err := s.Health.Flags(c.Request.Context(), s.Accounts, f)
	if err != nil {
		abortJSON(c, err)
		return
	}
	type item struct {
		Account     accounts.Account `json:"account"`
		BaseValue   *int64           `json:"base_value"`
		ValueAtRisk int64            `json:"value_at_risk"`
		apiHealth
	}
	l := langOf(c)
	out := make([]item, len(flags))
	for i, fl := range flags {
		out[i] = item{Account: fl.Account, BaseValue: fl.BaseValue, ValueAtRisk: fl.ValueAtRisk, apiHealth: toAPIHealth(l, fl.Report)}
	}
	respondList(c, f.Page, out, total, nil)
}

// apiAgenda answers the caller's agenda: their overdue and soon-due accounts, renewals,
// and the first contacts due on accounts handed to them.
func (s *server) apiAgenda(c *gin.Context) {
	var out struct {
		accounts.Agenda
		FirstContacts []handover.Received `json:"first_contacts"`
	}
	var err error
	out.Agenda, err = s.Accounts.AgendaOf(c.Request.Context(), currentUser(c).ID)
	if err == nil {
		out.FirstContacts, err = s.Handover.AwaitingFirstContact(c.Request.Context(), currentUser(c))
	}
	respond(c, http.StatusOK, out, err)
}

func (s *server) apiPolicies(c *gin.Context) {
	ps, err := s.Accounts.Policies(c.Request.Context())
	respond(c, http.StatusOK, ps, err)
}

func (s *server) apiSetPolicy(c *gin.Context) {
	var in struct {
		IntervalDays int `json:"interval_days"`
	}
	if !bindJSON(c, &in) {
		return
	}
	p, err := s.Accounts.SetPolicy(c.Request.Context(), currentUser(c), accounts.Tier(c.Param("tier")), in.IntervalDays)
	respond(c, http.StatusOK, p, err)
}
