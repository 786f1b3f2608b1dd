package ui

import (
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"keyhold/internal/i18n"
	"keyhold/internal/money"
	"keyhold/internal/picklists"
	"keyhold/internal/retention"
	"keyhold/internal/web/api"
	"keyhold/internal/web/httpkit"
)

// The Reports page: retention and churn, churn reasons, coverage and concentration, and
// cadence compliance, each a table (complete without JavaScript), a chart drawn by
// static/charts.js from JSON the page carries, and a CSV download. The CSV links answer
// exactly as the API's ?format=csv does (api.DownloadReport).

// reportRoutes adds the Reports page and its downloads to the signed-in pages.
func (s reportPages) reportRoutes(p gin.IRoutes) {
	p.GET("/reports", s.reportsPage)
	s.scorecardRoutes(p)
	for _, name := range api.Reports() {
		p.GET("/reports/"+name+".csv", s.reportCSV(name))
	}
}

// reportCSV downloads one report; a refusal or bad parameters answer as a page.
func (s reportPages) reportCSV(name string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := s.api.DownloadReport(c, name); err != nil {
			s.pageError(c, err)
		}
	}
}

// chart is what static/charts.js draws: bars per label, one series per dataset, values
// already in the unit of format ("percent": 0–100, "money": whole amounts in Currency,
// "count"). Labels come translated.
type chart struct {
	Title      string        `json:"title"`
	Format     string        `json:"format"`
	Currency   string        `json:"currency,omitempty"`
	Horizontal bool          `json:"horizontal,omitempty"`
	Stacked    bool          `json:"stacked,omitempty"`
	Line       bool          `json:"line,omitempty"` // lines over time rather than bars
	Labels     []string      `json:"labels"`
	Series     []chartSeries `json:"series"`
	Band       *chartBand    `json:"band,omitempty"`
}

// chartBand is a shaded range behind a line chart, per label; nil where none applies.
type chartBand struct {
	Label string     `json:"label"`
	Low   []*float64 `json:"low"`
	High  []*float64 `json:"high"`
}

// chartSeries is one dataset; its tone ("good", "bad" or "neutral") picks its colour.
type chartSeries struct {
	Label string    `json:"label"`
	Tone  string    `json:"tone"`
	Data  []float64 `json:"data"`
}

// quickPeriod is a ready-made period link.
type quickPeriod struct {
	Name    string
	URL     string
	Current bool
}

// retentionLine is a retention row with its group's name as the reader sees it.
type retentionLine struct {
	retention.RetentionRow
	Label string
}

type reportsView struct {
	Period    retention.Period
	GroupBy   string
	Groupings []string
	Quick     []quickPeriod
	Invalid   bool     // the period or grouping was refused: only the pickers are shown
	Codes     []string // the currencies values can be shown in (those with a rate)
	Left      []string // currencies left out of the values for want of a rate

	Retention     []retentionLine
	RetentionAll  retention.RetentionRow
	Reasons       retention.ReasonsReport
	Concentration retention.ConcentrationReport
	Compliance    retention.ComplianceReport
	Trend         retention.TrendReport
	TrendLines    []trendLine // the trend's groups as the reader sees them, each with its chart
	TrendBy       []trendLink // the trend's groupings
	TrendMonths   []trendLink // its windows

	TopReason *retention.ReasonRow     // the reason that cost the most key-account value
	TopAlone  *retention.OwnerExposure // who holds the most key value alone
	Charts    map[string]chart         // by section: retention, reasons, concentration, compliance
	CSV       map[string]string        // download links by report name
	Sections  map[string]reportSection // what each section opens with, by its chart's name
}

// trendLine is one group of the churn trend: its name, its figures and its chart.
type trendLine struct {
	retention.TrendSeries
	Label  string
	Chart  chart
	Latest retention.TrendPoint // the last month
	Above  int                  // months above the band
}

// trendLink switches the churn trend's grouping or window, keeping everything else.
type trendLink struct {
	Name    string
	URL     string
	Current bool
}

// reportSection is what every section of the reports page opens with: a heading with
// the CSV download, an explanation, and a chart (templates "report-head", "report-chart").
type reportSection struct {
	Name, Title, Explain, ChartLabel string
	Note                             string // what the grouping means, when it needs saying
	CSV                              string
	Chart                            chart
}

// reportSections names and explains the sections; export is each one's CSV report.
func reportSections(l i18n.Lang, v reportsView) map[string]reportSection {
	section := func(name, export, title, explain, chartLabel string) reportSection {
		return reportSection{Name: name, Title: title, Explain: explain, ChartLabel: chartLabel, CSV: v.CSV[export],
			Chart: v.Charts[name]}
	}
	ret := section("retention", "retention", l.T("reports.retention"), l.T("reports.retention_explain"),
		l.T("reports.chart_retention"))
	switch v.GroupBy {
	case "owner":
		ret.Note = l.T("reports.by_owner_explain")
	case "owner_now":
		ret.Note = l.T("reports.by_owner_now_explain")
	}
	return map[string]reportSection{
		"retention": ret,
		"reasons": section("reasons", "churn-reasons", l.T("reports.reasons"), l.T("reports.reasons_explain"),
			l.T("reports.chart_reasons")),
		"concentration": section("concentration", "concentration", l.T("reports.concentration"),
			l.T("reports.concentration_explain"), l.T("reports.chart_concentration")),
		"compliance": section("compliance", "cadence-compliance", l.T("reports.compliance"),
			l.T("reports.compliance_explain"), l.T("reports.chart_compliance")),
	}
}

// Pct shows a fraction as a percentage: 0.5 → "50%", 2/3 → "66.7%".
func (reportsView) Pct(v float64) string { return pct(v) }

func pct(v float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(v*100, 'f', 1, 64), ".0") + "%"
}

// percent is a fraction as a chart value, 0–100 with one decimal.
func percent(v float64) float64 { return math.Round(v*1000) / 10 }

// reportsPage: GET /reports?from=&to=&group_by=&currency= — managers and admins; the
// domain refuses everyone else (403 page). A malformed period or grouping shows the
// pickers again with the problems (422).
func (s reportPages) reportsPage(c *gin.Context) {
	ctx, actor, l := c.Request.Context(), httpkit.CurrentUser(c), httpkit.Lang(c)
	in := api.ReportPeriod(c)
	groupBy := c.Query("group_by")
	if err := s.Handover.GuardExport(ctx, actor, "reports page"); err != nil {
		s.pageError(c, err)
		return
	}
	ret, err := s.Retention.Retention(ctx, actor, in, groupBy)
	var trend retention.TrendReport
	if err == nil {
		trend, err = s.Retention.ChurnTrend(ctx, actor, c.Query("months"), c.Query("trend_by"), ret.Currency)
	}
	if err != nil {
		fields, msg, ok := formErrors(c, err)
		if !ok {
			s.pageError(c, err)
			return
		}
		form := map[string]string{"from": in.From, "to": in.To, "currency": in.Currency, "group_by": groupBy,
			"months": c.Query("months"), "trend_by": c.Query("trend_by")}
		v := reportsView{Period: in, GroupBy: groupBy, Groupings: retention.Groupings, Invalid: true}
		if rates, err := s.Money.Rates(ctx); err == nil {
			v.Codes = rates.Codes()
		}
		s.renderStatus(c, http.StatusUnprocessableEntity, "reports", pageData{Nav: "reports", Form: form, Errors: fields, Message: msg, Data: v})
		return
	}
	v := reportsView{Period: ret.Period, GroupBy: ret.GroupBy, Groupings: retention.Groupings, RetentionAll: ret.Total, Trend: trend}
	if v.Reasons, err = s.Retention.ChurnReasons(ctx, actor, ret.Period); err == nil {
		if v.Concentration, err = s.Retention.Concentration(ctx, actor, ret.Currency); err == nil {
			v.Compliance, err = s.Retention.CadenceCompliance(ctx, actor)
		}
	}
	var rates money.Rates
	if err == nil {
		rates, err = s.Money.Rates(ctx)
	}
	var lists picklists.Set
	if err == nil {
		lists, err = s.Picklists.All(ctx)
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	v.Codes = rates.Codes()
	for _, left := range [][]string{ret.Unconverted, v.Reasons.Unconverted, v.Concentration.Unconverted} {
		for _, code := range left {
			if !slices.Contains(v.Left, code) {
				v.Left = append(v.Left, code)
			}
		}
	}
	form := map[string]string{"from": ret.From, "to": ret.To, "group_by": ret.GroupBy}
	if c.Query("currency") != "" {
		form["currency"] = ret.Currency
	}
	if c.Query("trend_by") != "" {
		form["trend_by"] = v.Trend.GroupBy
	}
	if c.Query("months") != "" {
		form["months"] = strconv.Itoa(v.Trend.Months)
	}
	v.Quick = s.quickPeriods(l, ret.Period, form)
	v.CSV = map[string]string{}
	for _, name := range api.Reports() {
		v.CSV[name] = reportURL("/reports/"+name+".csv", form)
	}

	for _, r := range ret.Data {
		v.Retention = append(v.Retention, retentionLine{RetentionRow: r, Label: groupLabel(l, lists, ret.GroupBy, r.Group)})
	}
	for i, r := range v.Reasons.Data {
		if r.KeyValue > 0 && (v.TopReason == nil || r.KeyValue > v.TopReason.KeyValue) {
			v.TopReason = &v.Reasons.Data[i]
		}
	}
	for i, o := range v.Concentration.Data {
		if o.SingleThreadedValue > 0 && (v.TopAlone == nil || o.SingleThreadedValue > v.TopAlone.SingleThreadedValue) {
			v.TopAlone = &v.Concentration.Data[i]
		}
	}
	v.TrendLines, v.TrendBy, v.TrendMonths = trendLines(l, lists, v.Trend, form)
	v.Charts = reportCharts(l, v)
	v.Sections = reportSections(l, v)
	s.render(c, "reports", pageData{Nav: "reports", Form: form, Data: v, Lists: lists})
}

// groupLabel names a retention group for the reader: tiers translated, industries,
// regions and channels by their lists' labels, an empty value (no industry, no owner…)
// said so, anything else as recorded.
func groupLabel(l i18n.Lang, lists picklists.Set, groupBy, group string) string {
	switch {
	case group == "":
		return l.T("reports.unset")
	case groupBy == "tier":
		return l.T("tier." + group)
	case groupBy == "size":
		return l.T("size." + group)
	case groupBy == "industry" || groupBy == "region" || groupBy == "channel":
		return lists.Label(picklists.List(groupBy), group, l == i18n.Chinese)
	}
	return group
}

// reportURL is a path with the report parameters that are set.
func reportURL(p string, params map[string]string) string {
	q := url.Values{}
	for _, k := range []string{"from", "to", "group_by", "currency", "trend_by", "months"} {
		if v := params[k]; v != "" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return p
	}
	return p + "?" + q.Encode()
}

// quickPeriods are the last calendar quarter, this year so far and the last twelve
// months, keeping the grouping and currency.
func (s reportPages) quickPeriods(l i18n.Lang, cur retention.Period, form map[string]string) []quickPeriod {
	today := s.Now().UTC()
	day := func(t time.Time) string { return t.Format("2006-01-02") }
	y, m := today.Year(), int(today.Month())
	qStart := time.Date(y, time.Month((m-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
	lastQ := qStart.AddDate(0, -3, 0)
	periods := []struct{ name, from, to string }{
		{l.T("reports.last_quarter"), day(lastQ), day(qStart.AddDate(0, 0, -1))},
		{l.T("reports.this_year"), day(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)), day(today)},
		{l.T("reports.last_12_months"), day(today.AddDate(-1, 0, 1)), day(today)},
	}
	out := make([]quickPeriod, len(periods))
	for i, p := range periods {
		params := maps.Clone(form)
		params["from"], params["to"] = p.from, p.to
		out[i] = quickPeriod{Name: p.name, URL: reportURL("/reports", params), Current: p.from == cur.From && p.to == cur.To}
	}
	return out
}

// reportCharts builds each section's chart with translated labels.
func reportCharts(l i18n.Lang, v reportsView) map[string]chart {
	// Churn by count and by value, on an axis scaled to them: a few per cent of churn next
	// to 95% retention would be slivers. Retention is the table's, beside the chart.
	ret := chart{Title: l.T("reports.chart_retention"), Format: "percent", Labels: []string{},
		Series: []chartSeries{{Label: l.T("reports.churn_rate"), Tone: "bad"}, {Label: l.T("reports.revenue_churn"), Tone: "neutral"}}}
	for _, r := range v.Retention {
		ret.Labels = append(ret.Labels, r.Label)
		ret.Series[0].Data = append(ret.Series[0].Data, percent(r.ChurnRate))
		ret.Series[1].Data = append(ret.Series[1].Data, percent(r.RevenueChurnRate))
	}
	reasons := chart{Title: l.T("reports.chart_reasons"), Format: "money", Currency: v.Reasons.Currency, Labels: []string{},
		Series: []chartSeries{{Label: l.T("reports.key_value_lost"), Tone: "bad"}, {Label: l.T("reports.value_lost"), Tone: "neutral"}}}
	for _, r := range v.Reasons.Data {
		reasons.Labels = append(reasons.Labels, l.T("churn_reason."+r.Reason))
		reasons.Series[0].Data = append(reasons.Series[0].Data, float64(r.KeyValue))
		reasons.Series[1].Data = append(reasons.Series[1].Data, float64(r.Value))
	}
	conc := chart{Title: l.T("reports.chart_concentration"), Format: "percent", Horizontal: true, Labels: []string{},
		Series: []chartSeries{{Label: l.T("reports.share"), Tone: "good"}, {Label: l.T("reports.share_alone"), Tone: "bad"}}}
	for _, o := range v.Concentration.Data {
		conc.Labels = append(conc.Labels, o.Name)
		conc.Series[0].Data = append(conc.Series[0].Data, percent(o.Share))
		alone := 0.0
		if v.Concentration.TotalKeyValue > 0 {
			alone = float64(o.SingleThreadedValue) / float64(v.Concentration.TotalKeyValue)
		}
		conc.Series[1].Data = append(conc.Series[1].Data, percent(alone))
	}
	comp := chart{Title: l.T("reports.chart_compliance"), Format: "count", Stacked: true, Labels: []string{},
		Series: []chartSeries{{Label: l.T("reports.within_cadence"), Tone: "good"}, {Label: l.T("col.key_overdue"), Tone: "bad"}}}
	for _, r := range v.Compliance.Data {
		if r.KeyAccounts == 0 {
			continue
		}
		comp.Labels = append(comp.Labels, l.T("count_in_parens", r.Name, pct(r.ComplianceRate)))
		comp.Series[0].Data = append(comp.Series[0].Data, float64(r.KeyWithin))
		comp.Series[1].Data = append(comp.Series[1].Data, float64(r.KeyOverdue))
	}
	return map[string]chart{"retention": ret, "reasons": reasons, "concentration": conc, "compliance": comp}
}

// trendCharts is how many groups of the churn trend get a chart: the largest ones (by
// accounts in the last month); the table lists them all.
const trendCharts = 8

// trendLines are the churn trend's groups for the page, the largest first, each with a
// line chart of its monthly churn over the shaded band its sizes make normal; and the
// links that switch grouping and window.
func trendLines(l i18n.Lang, lists picklists.Set, r retention.TrendReport, form map[string]string) ([]trendLine, []trendLink, []trendLink) {
	lines := make([]trendLine, 0, len(r.Series)+1)
	for _, s := range append(r.Series, r.Total) {
		label := groupLabel(l, lists, r.GroupBy, s.Group)
		if s.Group == "total" {
			label = l.T("reports.total")
		}
		ln := trendLine{TrendSeries: s, Label: label}
		if n := len(s.Points); n > 0 {
			ln.Latest = s.Points[n-1]
		}
		ch := chart{Title: label, Format: "percent", Line: true, Labels: []string{},
			Series: []chartSeries{{Label: l.T("reports.churn_rate"), Tone: "bad"}, {Label: l.T("reports.revenue_churn"), Tone: "neutral"}},
			Band:   &chartBand{Label: l.T("reports.band_normal")}}
		banded := false
		for _, p := range s.Points {
			if p.Position == "above" {
				ln.Above++
			}
			ch.Labels = append(ch.Labels, p.Month)
			ch.Series[0].Data = append(ch.Series[0].Data, percent(p.ChurnRate))
			ch.Series[1].Data = append(ch.Series[1].Data, percent(p.RevenueChurnRate))
			var low, high *float64
			if p.Band != nil {
				lo, hi := math.Round(p.Band.Low*10000)/100, math.Round(p.Band.High*10000)/100
				low, high, banded = &lo, &hi, true
			}
			ch.Band.Low, ch.Band.High = append(ch.Band.Low, low), append(ch.Band.High, high)
		}
		if !banded {
			ch.Band = nil
		}
		ln.Chart = ch
		lines = append(lines, ln)
	}
	// The total last; the groups by their accounts, so the charts show the ones that
	// weigh most.
	groups := lines[:len(lines)-1]
	if r.GroupBy != "size" { // sizes stay large, mid, small
		slices.SortStableFunc(groups, func(a, b trendLine) int { return b.Latest.AccountsAtStart - a.Latest.AccountsAtStart })
	}
	for i := trendCharts; i < len(groups); i++ {
		groups[i].Chart = chart{}
	}
	link := func(key, value, name string, current bool) trendLink {
		params := maps.Clone(form)
		params[key] = value
		return trendLink{Name: name, URL: reportURL("/reports", params) + "#churn-trend", Current: current}
	}
	var by, months []trendLink
	for _, g := range retention.TrendGroupings {
		by = append(by, link("trend_by", g, l.T("grouping."+g), g == r.GroupBy))
	}
	for _, n := range []int{retention.MinTrendMonths, retention.MaxTrendMonths} {
		months = append(months, link("months", strconv.Itoa(n), l.T("reports.months", n), n == r.Months))
	}
	return lines, by, months
}
