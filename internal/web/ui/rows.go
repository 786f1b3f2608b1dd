package ui

import (
	"html/template"
	"strconv"
	"strings"

	"keyhold/internal/accounts"
	"keyhold/internal/health"
	"keyhold/internal/i18n"
)

// The rows of the two busiest tables (accounts and flags, fifty to a page) are written
// here rather than in templates/: html/template spends a reflective call on every value
// and on every escaper (26 per account row, about 28 µs; two thirds of the accounts
// page's CPU). Written here a row takes a few µs. The markup is the templates' own, and
// every text goes through the same HTML escaping (template.HTMLEscapeString, safe in text
// and in quoted attributes). The tables' heads, empty rows and everything else stay in
// templates/partials.

// html is a fragment of escaped HTML being written.
type html struct{ strings.Builder }

// raw writes trusted markup.
func (b *html) raw(s string) { b.WriteString(s) }

// text writes s escaped.
func (b *html) text(s string) { b.WriteString(template.HTMLEscapeString(s)) }

func (b *html) int(n int64) { b.WriteString(strconv.FormatInt(n, 10)) }

func (b *html) safe() template.HTML { return template.HTML(b.String()) } // all text escaped

// labels are a table's column names in one language, escaped once per table for the
// phone layout's data-label attributes.
type labels map[string]string

func labelsFor(l i18n.Lang, keys ...string) labels {
	out := make(labels, len(keys))
	for _, k := range keys {
		out[k] = template.HTMLEscapeString(l.T(k))
	}
	return out
}

// cell opens a table cell labelled with the column key, with class when not empty.
func (b *html) cell(class, label string) {
	b.raw("\n  <td")
	if class != "" {
		b.raw(` class="` + class + `"`)
	}
	b.raw(` data-label="` + label + `">`)
}

// accountRows renders the rows of an account table ("account-table").
func accountRows(l i18n.Lang, list []accounts.Account) template.HTML {
	lb := labelsFor(l, "col.tier", "col.owner", "col.value", "col.last_contact", "col.next_due")
	never, overdue := template.HTMLEscapeString(l.T("account.never")), template.HTMLEscapeString(l.T("account.overdue"))
	neverContacted := template.HTMLEscapeString(l.T("flags.never_contacted"))
	var b html
	b.Grow(len(list) * 700)
	for _, a := range list {
		b.raw("\n<tr")
		if a.Overdue {
			b.raw(` class="overdue"`)
		}
		b.raw(">\n  <td><a href=\"/accounts/")
		b.int(a.ID)
		b.raw(`">`)
		b.text(a.Name)
		b.raw("</a></td>")
		b.cell("", lb["col.tier"])
		tier(&b, l, a.Tier)
		b.raw("</td>")
		b.cell("", lb["col.owner"])
		if a.Owner != nil {
			b.text(a.Owner.Name)
		}
		b.raw("</td>")
		b.cell("num", lb["col.value"])
		b.text(l.Money(a.AnnualValue, a.Currency))
		b.raw("</td>")
		b.cell("", lb["col.last_contact"])
		if a.LastContactedAt != nil {
			b.text(l.Date(*a.LastContactedAt))
		} else {
			b.raw(never)
		}
		b.raw("</td>")
		b.cell("", lb["col.next_due"])
		switch {
		case a.Overdue && a.LastContactedAt == nil: // the most overdue of all, first in due order
			b.raw(`<span class="badge overdue">` + neverContacted + `</span>`)
		case a.NextContactDue != nil:
			b.text(l.Date(*a.NextContactDue))
			if a.Overdue {
				b.raw(` <span class="badge overdue">` + overdue + `</span>`)
			}
		}
		b.raw("</td>\n</tr>")
	}
	return b.safe()
}

// tier writes an account's tier badge.
func tier(b *html, l i18n.Lang, t accounts.Tier) {
	b.raw(`<span class="tier tier-`)
	b.text(string(t))
	b.raw(`">`)
	b.text(l.T("tier." + string(t)))
	b.raw("</span>")
}

// flagRowsHTML renders the rows of a flag table ("flag-table").
func flagRowsHTML(l i18n.Lang, t flagTable) template.HTML {
	lb := labelsFor(l, "col.owner", "col.score", "col.value", "col.days_overdue", "col.reasons")
	never := l.T("flags.never_contacted")
	atRisk := template.HTMLEscapeString(l.T("col.value_at_risk", l.Currency(t.Base)))
	noRate := template.HTMLEscapeString(l.T("flags.no_rate"))
	var b html
	b.Grow(len(t.Rows) * 1200)
	for _, r := range t.Rows {
		a := r.Account
		b.raw("\n<tr>\n  <td><a href=\"/accounts/")
		b.int(a.ID)
		b.raw(`">`)
		b.text(a.Name)
		b.raw("</a> ")
		tier(&b, l, a.Tier)
		b.raw("</td>")
		b.cell("", lb["col.owner"])
		if o := a.Owner; o != nil {
			b.text(o.Name)
			if o.Status != "active" {
				b.raw(` <span class="badge">`)
				b.text(l.T("status." + string(o.Status)))
				b.raw("</span>")
			}
		}
		b.raw("</td>")
		b.cell("num", lb["col.score"])
		b.int(int64(r.Score))
		if r.Status != health.StatusUnscored {
			b.raw(` <span class="level level-`)
			b.text(string(r.Status))
			b.raw(`">`)
			b.text(l.T("state." + string(r.Status)))
			b.raw("</span>")
		}
		b.raw("</td>\n  ")
		b.cell("num", lb["col.value"])
		b.text(l.Money(a.AnnualValue, a.Currency))
		b.raw("</td>")
		b.cell("num", atRisk)
		if r.BaseValue != nil {
			b.text(l.Money(r.ValueAtRisk, t.Base))
		} else {
			b.raw(`<span class="muted" title="` + noRate + `">—</span>`)
		}
		b.raw("</td>")
		b.cell("num", lb["col.days_overdue"])
		if r.NeverContacted {
			b.raw(`<span class="badge overdue">`)
			b.text(never)
			b.raw("</span>")
		} else if r.DaysOverdue != 0 {
			b.int(int64(r.DaysOverdue))
		} else {
			b.raw("—")
		}
		b.raw("</td>")
		b.cell("", lb["col.reasons"])
		b.raw(`<ul class="reasons breakdown">`)
		for _, d := range r.Breakdown {
			b.raw(`<li><span class="points">−`)
			b.int(int64(d.Points))
			b.raw("</span> ")
			b.text(d.Text)
			b.raw("</li>")
		}
		b.raw("</ul>")
		if m := r.Remedy; m != nil {
			b.raw(`<a class="button small" href="`)
			b.text(m.Href)
			b.raw(`" data-action="`)
			b.text(string(m.Action))
			b.raw(`">`)
			b.text(m.Label)
			b.raw("</a>")
		}
		b.raw("</td>\n</tr>")
	}
	return b.safe()
}
