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

// remedyForms say where each action is done: the account page's form, set by a query
// (?kind=, ?role=, which the page reads) and reached by an anchor, or a page of its own.
var remedyForms = map[health.Action]struct{ query, anchor, page string }{
	health.ActionLogCall:          {"?kind=call", "#log-interaction", ""},
	health.ActionLogVisit:         {"?kind=visit", "#log-interaction", ""},
	health.ActionExecutiveVisit:   {"?kind=executive_visit", "#log-interaction", ""},
	health.ActionAddBackup:        {"?role=backup", "#team-form", ""},
	health.ActionResolveComplaint: {"", "#complaints", ""},
	health.ActionTransfer:         {"", "#transfer-form", ""},
	health.ActionAddContact:       {"", "", "/contacts/new"},
}

// remedyOf is the action that would lift the score most among those the reader may take
// (may), as a link for account id; onPage links within the account page itself, where
// the call needs no query (its form is set for a call already). Nil when nothing the
// reader may do lifts it.
func remedyOf(l i18n.Lang, id int64, reasons []health.Reason, may func(health.Action) bool, onPage bool) *remedyLink {
	for _, r := range health.Remedies(reasons) {
		if !may(r.Action) {
			continue
		}
		f := remedyForms[r.Action]
		href := "/accounts/" + strconv.FormatInt(id, 10) + f.page + f.query + f.anchor
		if onPage && f.page == "" && (f.query == "" || r.Action == health.ActionLogCall) {
			href = f.anchor
		}
		return &remedyLink{Href: href, Action: r.Action,
			Label: l.T("health.remedy", l.T("remedy."+string(r.Action)), r.Points)}
	}
	return nil
}
