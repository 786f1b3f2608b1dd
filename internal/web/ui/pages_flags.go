package ui

import (
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/health"
	"keyhold/internal/i18n"
	"keyhold/internal/web/httpkit"
)

// flagRow is one flagged account as the pages show it.
type flagRow struct {
	health.Flag
	DaysOverdue int
	// NeverContacted: nobody has contacted the customer yet, the most overdue of all (its
	// days overdue would read as none).
	NeverContacted bool
	Breakdown      []deduction
	Status         health.Status // the one badge of the row
	Remedy         *remedyLink
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
	return flagTableOf(httpkit.Lang(c), s.Now(), rates.Base, flags, httpkit.CurrentUser(c).CanManage()), nil
}

// flagTableOf shows flags in language l at time now, their values in currency base: each
// with the days its contact is overdue, its one status, its reasons in words with their
// points and the action that lifts it most (a transfer only for a manager, who may make
// it; the account page checks every action again).
func flagTableOf(l i18n.Lang, now time.Time, base string, flags []health.Flag, manager bool) flagTable {
	may := func(a health.Action) bool { return a != health.ActionTransfer || manager }
	rows := make([]flagRow, len(flags))
	for i, f := range flags {
		r := flagRow{Flag: f}
		if f.Account.NextContactDue != nil && f.Account.Overdue {
			r.DaysOverdue = int(now.Sub(*f.Account.NextContactDue).Hours() / 24)
		}
		r.NeverContacted = f.Account.Overdue && f.Account.LastContactedAt == nil
		r.Breakdown = breakdownOf(l, f.Reasons)
		r.Status = health.StatusOf(f.Neglected, f.Level, f.Account.Overdue)
		r.Remedy = remedyOf(l, f.Account.ID, f.Reasons, may, false)
		rows[i] = r
	}
	return flagTable{Rows: rows, Base: base}
}

type flagsView struct {
	Filter health.FlagFilter
	Levels []health.Level
	Tiers  []accounts.Tier
	Owners picker
	Flags  flagTable
	Total  int64
	paging
}

// flagsViewOf builds the flags page at address at: one page of flags and the staff to
// filter by owner.
func flagsViewOf(at *url.URL, f health.FlagFilter, flags flagTable, total int64, owners picker) flagsView {
	return flagsView{Filter: f, Levels: []health.Level{health.AtRisk, health.Watch, health.Healthy}, Tiers: accounts.Tiers,
		Owners: owners, Flags: flags, Total: total, paging: pagingOf(at, f.Page, total)}
}

// flagFilterOf reads the flags' filter from the query: key accounts unless the reader
// asks for another tier or every tier ("all").
func flagFilterOf(q *httpkit.Query) health.FlagFilter {
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
	return f
}

// flagsPage: neglected and at-risk accounts, worst first (risk × value), key accounts
// unless the reader asks for every tier.
func (s reportPages) flagsPage(c *gin.Context) {
	q := httpkit.NewQuery(c)
	f := flagFilterOf(q)
	if err := q.Err(); err != nil {
		s.pageError(c, err)
		return
	}
	flags, total, err := s.Health.Flags(c.Request.Context(), s.Accounts, f.For(httpkit.CurrentUser(c)))
	var table flagTable
	if err == nil {
		table, err = s.flagRows(c, flags)
	}
	var owners picker
	if err == nil {
		owners, err = s.staffPicker(c)
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.render(c, "flags", pageData{Nav: "flags", Data: flagsViewOf(c.Request.URL, f, table, total, owners)})
}
