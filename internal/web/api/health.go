package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
	gojson "github.com/goccy/go-json"

	"keyhold/internal/accounts"
	"keyhold/internal/campaigns"
	"keyhold/internal/handover"
	"keyhold/internal/health"
	"keyhold/internal/i18n"
	"keyhold/internal/opt"
	"keyhold/internal/web/httpkit"
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
		out[i] = apiReason{Code: r.Code, Message: httpkit.ReasonMessage(l, r), Deduction: r.Deduction, Data: r.Data}
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
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	r, err := s.Health.Get(c.Request.Context(), id)
	if err != nil {
		httpkit.AbortJSON(c, err)
		return
	}
	httpkit.WriteJSON(c, http.StatusOK, toAPIHealth(httpkit.Lang(c), r))
}

func (s *server) apiFlags(c *gin.Context) {
	q := httpkit.NewQuery(c)
	f := health.FlagFilter{Tier: accounts.Tier(q.Str("tier")), OwnerID: q.Int64("owner_id"),
		Level: health.Level(q.Str("level")), Neglected: q.Bool("neglected"), Page: q.Page()}
	if !q.OK() {
		return
	}
	flags, total, err := s.Health.Flags(c.Request.Context(), s.Accounts, f.For(httpkit.CurrentUser(c)))
	if err != nil {
		httpkit.AbortJSON(c, err)
		return
	}
	l := httpkit.Lang(c)
	w := httpkit.NewListWriter()
	defer w.Free()
	for _, fl := range flags {
		if err := s.writeFlag(w, l, fl); err != nil {
			httpkit.AbortJSON(c, err)
			return
		}
	}
	w.Respond(c, f.Page, total)
}

// flagHealth is the part of a flag after its account: value and health.
type flagHealth struct {
	BaseValue   *int64 `json:"base_value"`
	ValueAtRisk int64  `json:"value_at_risk"`
	apiHealth
}

// flagKey names one encoding of a flag's health part (health.FlagState).
type flagKey struct {
	account int64
	state   health.FlagState
	lang    i18n.Lang
}

// writeFlag writes one flag: its account encoded afresh (the overdue mark and the names
// on it follow the clock and other tables), its health part from s.flagParts while the
// flag's state is the same. The reasons' messages and data were half of a flag list's
// encoding.
func (s *server) writeFlag(w *httpkit.ListWriter, l i18n.Lang, fl health.Flag) error {
	key := flagKey{fl.Account.ID, fl.State, l}
	tail, ok := s.flagParts.Get(key, nil)
	if !ok {
		var err error
		if tail, err = gojson.Marshal(flagHealth{BaseValue: fl.BaseValue, ValueAtRisk: fl.ValueAtRisk, apiHealth: toAPIHealth(l, fl.Report)}); err != nil {
			return err
		}
		s.flagParts.Put(key, nil, tail)
	}
	w.Item()
	w.Raw(`{"account":`)
	if err := w.Encode(fl.Account); err != nil {
		return err
	}
	w.Raw(",")
	w.RawBytes(tail[1:]) // the health part without its opening brace
	return nil
}

// apiAgenda answers the caller's agenda: their overdue and soon-due accounts, renewals,
// and the first contacts due on accounts handed to them.
// agendaOut is the agenda: contacts and visits due, first contacts owed after handovers,
// and the caller's open campaign tasks.
type agendaOut struct {
	accounts.Agenda
	FirstContacts []handover.Received `json:"first_contacts"`
	CampaignTasks []campaigns.MyTask  `json:"campaign_tasks"`
}

func (s *server) apiAgenda(c *gin.Context) {
	ctx, u := c.Request.Context(), httpkit.CurrentUser(c)
	var out agendaOut
	var err error
	out.Agenda, err = s.Accounts.AgendaOf(ctx, u.ID)
	if err == nil {
		out.FirstContacts, err = s.Handover.AwaitingFirstContact(ctx, u)
	}
	var tasks []campaigns.MyTask
	if err == nil {
		tasks, err = s.Campaigns.Mine(ctx, u)
	}
	out.CampaignTasks = []campaigns.MyTask{}
	for _, t := range tasks {
		if !t.Done {
			out.CampaignTasks = append(out.CampaignTasks, t)
		}
	}
	httpkit.Respond(c, http.StatusOK, out, err)
}

func (s *server) apiPolicies(c *gin.Context) {
	ps, err := s.Accounts.Policies(c.Request.Context())
	httpkit.Respond(c, http.StatusOK, ps, err)
}

// setPolicyIn is the body of apiSetPolicy.
type setPolicyIn struct {
	IntervalDays int `json:"interval_days"`
	// VisitDays sets the tier's visit cadence (null: none); absent, it stays as it is.
	VisitDays opt.Field[int] `json:"visit_days"`
}

func (s *server) apiSetPolicy(c *gin.Context) {
	var in setPolicyIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	p, err := s.Accounts.SetPolicy(c.Request.Context(), httpkit.CurrentUser(c), accounts.Tier(c.Param("tier")), in.IntervalDays, in.VisitDays)
	httpkit.Respond(c, http.StatusOK, p, err)
}

// apiFlag is a flag as the flag list writes it (in two parts, writeFlag): its account,
// then its value and health.
type apiFlag struct {
	Account accounts.Account `json:"account"`
	flagHealth
}
