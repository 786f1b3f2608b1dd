package api

import (
	"slices"
	"strings"

	"keyhold/internal/handover"
	"keyhold/internal/i18n"
	"keyhold/internal/picklists"
	"keyhold/internal/retention"
)

// A report downloaded from a page is for a person: its headers in words and its coded
// values (tiers, reasons, levels, yes and no…) as the pages say them, in the reader's
// language. Through the API, or with ?headers=codes, it keeps the codes another system
// reads.

// csvGroups are the label groups of the coded columns.
var csvGroups = map[string]string{"tier": "tier", "size": "size", "reason": "churn_reason", "role": "team_role",
	"health_level": "level", "outcome_30": "outcome", "outcome_60": "outcome", "outcome_90": "outcome", "position": "band_position"}

// figureColumns name a scorecard figure's three columns ("visits_met": "Visits done: met").
var figureColumns = map[string]string{"_met": "csv.figure_met", "_of": "csv.figure_of", "_rate": "csv.figure_rate"}

// csvFlags are the columns of true and false.
var csvFlags = map[string]bool{"intro_logged": true, "customer_notified": true, "forced": true}

// LocalCSV puts a CSV's header and coded values into language l; it changes rows in place
// and returns the header in words.
func LocalCSV(l i18n.Lang, lists picklists.Set, header []string, rows [][]string) []string {
	out := make([]string, len(header))
	for i, h := range header {
		out[i] = csvHeader(l, h)
	}
	for _, row := range rows {
		if len(row) > 1 && row[0] == "0" && row[1] == "total" { // the cadence report's last row
			row[1] = l.T("reports.total")
		}
		for i, v := range row {
			if i < len(header) && v != "" {
				row[i] = csvValue(l, lists, header[i], v, i == 0)
			}
		}
	}
	return out
}

// csvHeader is a column's name in words: "value_at_start_CNY" is "Value at start (CNY)".
func csvHeader(l i18n.Lang, h string) string {
	base, cur := h, ""
	if i := strings.LastIndexByte(h, '_'); i > 0 && len(h)-i == 4 && strings.Trim(h[i+1:], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" {
		base, cur = h[:i], h[i+1:]
	}
	for part, key := range figureColumns {
		if fig, ok := strings.CutSuffix(base, part); ok && l.Has("scorecard."+fig) {
			return l.T(key, l.T("scorecard."+fig))
		}
	}
	name := l.T("csv." + base)
	if cur != "" {
		return l.T("csv.in_currency", name, cur)
	}
	return name
}

func csvValue(l i18n.Lang, lists picklists.Set, col, v string, first bool) string {
	if first && v == "total" { // the retention and reasons reports' last row
		return l.T("reports.total")
	}
	if g, ok := csvGroups[col]; ok {
		return l.T(g + "." + v)
	}
	switch {
	case csvFlags[col]:
		return l.T("export." + map[bool]string{true: "yes", false: "no"}[v == "true"])
	case col == "gaps":
		gaps := strings.Fields(v)
		for i, g := range gaps {
			gaps[i] = l.T("gap." + g)
		}
		return strings.Join(gaps, l.T("punct.sep"))
	case col == "status" && l.Has("status."+v):
		return l.T("status." + v)
	case col == "status" && l.Has("item_status."+v):
		return l.T("item_status." + v)
	case col == "industry" || col == "region" || col == "channel":
		return lists.Label(picklists.List(col), v, l == i18n.Chinese)
	}
	return v
}

// CSVColumns lists every column of the downloadable reports, currency aside: the names
// csvHeader needs in each catalog (a test checks them).
func CSVColumns() []string {
	var out []string
	add := func(header []string) {
		for _, h := range header {
			if i := strings.LastIndexByte(h, '_'); i > 0 && h[i+1:] == "XXX" {
				h = h[:i]
			}
			out = append(out, h)
		}
	}
	for _, g := range retention.Groupings {
		add(retentionCSV(retention.RetentionReport{GroupBy: g, Period: retention.Period{Currency: "XXX"}}).Header)
	}
	add(reasonsCSV(retention.ReasonsReport{Period: retention.Period{Currency: "XXX"}}).Header)
	add(concentrationCSV(retention.ConcentrationReport{Currency: "XXX"}).Header)
	add(complianceCSV(retention.ComplianceReport{}).Header)
	h, _ := HandoverCSV(handover.Report{})
	add(h)
	slices.Sort(out)
	return slices.Compact(out)
}
