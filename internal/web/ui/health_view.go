package ui

import (
	"strconv"

	"keyhold/internal/health"
	"keyhold/internal/i18n"
	"keyhold/internal/web/httpkit"
)

// deduction is one line of a health breakdown: the points it takes and why, in words.
type deduction struct {
	Points int
	Text   string
}

// remedyLink is the one action proposed to lift an account's health: a link to the form
// that does it, already set for it.
type remedyLink struct {
	Href   string
	Label  string // "Log a call: +40 points"
	Action health.Action
}

// breakdownOf says each deduction of a health report in language l.
func breakdownOf(l i18n.Lang, reasons []health.Reason) []deduction {
	out := make([]deduction, len(reasons))
	for i, r := range reasons {
		out[i] = deduction{Points: r.Deduction, Text: httpkit.ReasonMessage(l, r)}
	}
	return out
}

// remedyOf is the action that would lift the score most among those the reader may take
// (may), as a link for account id; onPage links within the account page itself. Nil when
// nothing the reader may do lifts it.
func remedyOf(l i18n.Lang, id int64, reasons []health.Reason, may func(health.Action) bool, onPage bool) *remedyLink {
	for _, r := range health.Remedies(reasons) {
		if !may(r.Action) {
			continue
		}
		page := "/accounts/" + strconv.FormatInt(id, 10)
		query, anchor := "", ""
		switch r.Action {
		case health.ActionLogCall:
			query, anchor = "?kind=call", "#log-interaction"
		case health.ActionExecutiveVisit:
			query, anchor = "?kind=executive_visit", "#log-interaction"
		case health.ActionAddBackup:
			query, anchor = "?role=backup", "#team-form"
		case health.ActionResolveComplaint:
			anchor = "#complaints"
		case health.ActionTransfer:
			anchor = "#transfer-form"
		case health.ActionAddContact:
			page += "/contacts/new"
		}
		href := page + query + anchor
		if onPage && r.Action != health.ActionAddContact && (query == "" || r.Action == health.ActionLogCall) {
			href = anchor // the form is on the page, set for a call already
		}
		return &remedyLink{Href: href, Action: r.Action,
			Label: l.T("health.remedy", l.T("remedy."+string(r.Action)), r.Points)}
	}
	return nil
}
