package web_test

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var (
	reportRow  = regexp.MustCompile(`(?s)<tr[^>]*>(.*?)</tr>`)
	reportCell = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
	anyTag     = regexp.MustCompile(`(?s)<[^>]*>`)
	spaces     = regexp.MustCompile(`\s+`)
)

// reportTable returns the rows of the table with the given id, each as its cells' text.
func reportTable(t *testing.T, page, id string) [][]string {
	t.Helper()
	i := strings.Index(page, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no table %s on the page", id)
	}
	body := page[i:]
	body = body[:strings.Index(body, "</table>")]
	var rows [][]string
	for _, r := range reportRow.FindAllStringSubmatch(body, -1) {
		var cells []string
		for _, c := range reportCell.FindAllStringSubmatch(r[1], -1) {
			cells = append(cells, strings.TrimSpace(spaces.ReplaceAllString(html.UnescapeString(anyTag.ReplaceAllString(c[1], " ")), " ")))
		}
		rows = append(rows, cells)
	}
	return rows
}

// reportRowOf is the row whose first cell is name.
func reportRowOf(t *testing.T, rows [][]string, name string) []string {
	t.Helper()
	for _, r := range rows {
		if len(r) > 0 && r[0] == name {
			return r
		}
	}
	t.Fatalf("no row %q in %v", name, rows)
	return nil
}

func sameCells(got []string, want ...string) bool {
	return strings.Join(got, " | ") == strings.Join(want, " | ")
}

// reportChart decodes the JSON a chart is drawn from.
func reportChart(t *testing.T, page, id string) (c struct {
	Title  string
	Format string
	Labels []string
	Series []struct {
		Label string
		Tone  string
		Data  []float64
	}
}) {
	t.Helper()
	start := `<script type="application/json" id="` + id + `">`
	i := strings.Index(page, start)
	if i < 0 {
		t.Fatalf("no chart data %s", id)
	}
	body := page[i+len(start):]
	body = body[:strings.Index(body, "</script>")]
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		t.Fatalf("chart data %s is not JSON: %v: %s", id, err, body)
	}
	return c
}

const lastQuarter = "from=2025-10-01&to=2025-12-31"

func TestReportsPage(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	acc := lossFixture(t, ts, o)

	rep := ts.browser()
	rep.signIn(o.rep.Email, testPassword)
	if r := rep.get("/reports"); r.Status != http.StatusForbidden || !strings.Contains(string(r.Body), "Not allowed") {
		t.Fatalf("a rep opens the reports: %d", r.Status)
	}
	if strings.Contains(string(rep.get("/").Body), `href="/reports"`) {
		t.Errorf("a rep's navigation links to the reports")
	}

	b := ts.browser()
	b.signIn(o.mgr.Email, testPassword)
	if !strings.Contains(string(b.get("/").Body), `href="/reports"`) {
		t.Errorf("a manager's navigation has no link to the reports")
	}
	r := b.get("/reports?" + lastQuarter)
	if r.Status != 200 {
		t.Fatalf("reports: %d %s", r.Status, r.Body)
	}
	page := string(r.Body)
	for _, want := range []string{`value="2025-10-01"`, `value="2025-12-31"`, `<option value="tier" selected>`,
		"Period: 1 Oct 2025 to 31 Dec 2025", `<script src="/static/vendor/chart-4.6.1.umd.min.js" defer></script>`,
		`<script src="/static/charts.js" defer></script>`, `aria-current="page">Reports</a>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}

	// Retention by tier: the hand-computed fixture (api_retention_test.go).
	ret := reportTable(t, page, "retention-table")
	if h := ret[0]; h[0] != "Tier" || h[4] != "Churn rate" || h[8] != "Revenue churn rate" {
		t.Errorf("retention header: %v", h)
	}
	if row := reportRowOf(t, ret, "Key"); !sameCells(row, "Key", "4", "2", "3", "50%", "75%", "CNY 7,600", "CNY 6,000", "78.9%") {
		t.Errorf("key accounts: %v", row)
	}
	if row := reportRowOf(t, ret, "Growth"); !sameCells(row, "Growth", "3", "2", "1", "66.7%", "33.3%", "CNY 1,500", "CNY 800", "53.3%") {
		t.Errorf("growth accounts: %v", row)
	}
	if row := reportRowOf(t, ret, "Total"); !sameCells(row, "Total", "7", "4", "4", "57.1%", "57.1%", "CNY 9,100", "CNY 6,800", "74.7%") {
		t.Errorf("total: %v", row)
	}
	ch := reportChart(t, page, "chart-retention")
	if ch.Format != "percent" || strings.Join(ch.Labels, ",") != "Growth,Key" || len(ch.Series) != 2 ||
		ch.Series[0].Label != "Churn rate" || ch.Series[0].Data[1] != 50 || ch.Series[1].Label != "Revenue churn rate" || ch.Series[1].Data[1] != 78.9 {
		t.Errorf("retention chart: %+v", ch)
	}

	// Churn reasons: the costliest for key accounts first, and said in a sentence.
	reasons := reportTable(t, page, "reasons-table")
	var order []string
	for _, row := range reasons[1:] {
		order = append(order, row[0])
	}
	if strings.Join(order, ",") != "Quality,Competitor,Price,Service,Total" {
		t.Errorf("reasons, costliest first: %v", order)
	}
	if row := reportRowOf(t, reasons, "Price"); !sameCells(row, "Price", "2", "1", "1", "CNY 700", "0", "CNY 0", "") {
		t.Errorf("price: %v", row)
	}
	if row := reportRowOf(t, reasons, "Competitor"); !sameCells(row, "Competitor", "1", "1", "0", "CNY 2,000", "1", "CNY 2,000", "Acme Freight") {
		t.Errorf("competitor: %v", row)
	}
	if row := reportRowOf(t, reasons, "Total"); !sameCells(row, "Total", "5", "3", "2", "CNY 7,000", "2", "CNY 6,000", "") {
		t.Errorf("reasons total: %v", row)
	}
	if !strings.Contains(page, "Costliest reason in key-account value: Quality, CNY 4,000 lost.") {
		t.Errorf("the page does not say which reason cost the most key-account value")
	}
	if ch := reportChart(t, page, "chart-reasons"); ch.Format != "money" || ch.Labels[0] != "Quality" || ch.Series[0].Data[0] != 4000 {
		t.Errorf("reasons chart: %+v", ch)
	}

	// Coverage and concentration: who holds the most key value alone.
	conc := reportTable(t, page, "concentration-table")
	if row := conc[1]; !sameCells(row, "Zhang Wei", "2", "2", "CNY 901,000", "99.6%", "2", "CNY 901,000") {
		t.Errorf("most exposed owner first: %v", row)
	}
	if row := reportRowOf(t, conc, "Total"); row[3] != "CNY 905,000" {
		t.Errorf("total key value: %v", row)
	}
	if !strings.Contains(page, "Zhang Wei holds the most key value alone: CNY 901,000 in 2 single-threaded key accounts.") {
		t.Errorf("the page does not say who holds the most key value alone")
	}
	single := reportTable(t, page, "single-threaded-table")
	if len(single) != 4 || single[1][0] != "Northwind Logistics" || single[1][2] != "CNY 900,000" {
		t.Errorf("single-threaded key accounts, the most valuable first: %v", single)
	}
	for _, a := range []int64{o.account, acc["A1"], acc["A7"]} {
		if !strings.Contains(page, path(`<a href="/accounts/%d">`, a)) {
			t.Errorf("no link to single-threaded account %d", a)
		}
	}
	if ch := reportChart(t, page, "chart-concentration"); ch.Labels[0] != "Zhang Wei" || ch.Series[0].Data[0] != 99.6 {
		t.Errorf("concentration chart: %+v", ch)
	}

	// Cadence compliance: nobody has contacted a key account yet.
	comp := reportTable(t, page, "compliance-table")
	if row := reportRowOf(t, comp, "Zhang Wei"); !sameCells(row, "Zhang Wei", "2", "0", "2", "0%", "2", "2") {
		t.Errorf("compliance: %v", row)
	}
	if ch := reportChart(t, page, "chart-compliance"); len(ch.Labels) != 2 || ch.Series[1].Label != "Key overdue" {
		t.Errorf("compliance chart: %+v", ch)
	}

	// The downloads carry the period and grouping.
	for _, name := range []string{"retention", "churn-reasons", "concentration", "cadence-compliance"} {
		if want := `href="/reports/` + name + `.csv?from=2025-10-01&amp;group_by=tier&amp;to=2025-12-31"`; !strings.Contains(page, want) {
			t.Errorf("no download link %s", want)
		}
	}

	// Grouping by owner and by cohort regroups the same accounts.
	owner := string(b.get("/reports?group_by=owner&" + lastQuarter).Body)
	byOwner := reportTable(t, owner, "retention-table")
	if byOwner[0][0] != "Owner at the start" || reportRowOf(t, byOwner, "Zhang Wei")[1] != "4" || reportRowOf(t, byOwner, "Amy Chen")[1] != "3" {
		t.Errorf("by owner: %v", byOwner)
	}
	if !strings.Contains(owner, "a successor does not inherit the losses") {
		t.Error("the page does not say what the owner grouping means")
	}
	if !strings.Contains(owner, `<option value="owner" selected>`) || !strings.Contains(owner, "retention.csv?from=2025-10-01&amp;group_by=owner&amp;to=2025-12-31") {
		t.Errorf("the owner grouping is not kept on the page")
	}
	cohorts := reportTable(t, string(b.get("/reports?group_by=cohort&"+lastQuarter).Body), "retention-table")
	if reportRowOf(t, cohorts, "2024-Q2")[2] != "1" || reportRowOf(t, cohorts, "2024-Q1")[2] != "0" {
		t.Errorf("by cohort: %v", cohorts)
	}
	industry := reportTable(t, string(b.get("/reports?group_by=industry&"+lastQuarter).Body), "retention-table")
	if reportRowOf(t, industry, "Logistics")[1] != "7" {
		t.Errorf("by industry: %v", industry)
	}

	// Without a period: the last twelve months; the quick links offer the others.
	def := string(b.get("/reports").Body)
	for _, want := range []string{`value="2025-03-11"`, `value="2026-03-10"`,
		`<a href="/reports?from=2025-10-01&amp;group_by=tier&amp;to=2025-12-31">Last quarter</a>`,
		`<a href="/reports?from=2026-01-01&amp;group_by=tier&amp;to=2026-03-10">This year</a>`,
		`<a href="/reports?from=2025-03-11&amp;group_by=tier&amp;to=2026-03-10" aria-current="true">Last 12 months</a>`} {
		if !strings.Contains(def, want) {
			t.Errorf("default period page lacks %s", want)
		}
	}

	// Bad parameters: the pickers again, with the problem, 422.
	for q, want := range map[string]string{
		"from=2025-13-01":               "must be a date as YYYY-MM-DD",
		"from=2026-01-01&to=2025-01-01": "must not be after to",
		"group_by=colour":               "must be one of tier, industry, region, owner, owner_now, channel, size, cohort",
		"currency=YUAN":                 "must be a three-letter currency code",
	} {
		r := b.get("/reports?" + q)
		body := string(r.Body)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(body, want) || !strings.Contains(body, `id="report-filters"`) ||
			strings.Contains(body, `id="retention-table"`) {
			t.Errorf("%s: %d, want 422 with %q: %s", q, r.Status, want, body)
		}
	}
	if r := b.get("/reports?from=2025-13-01"); !strings.Contains(string(r.Body), `value="2025-13-01"`) {
		t.Errorf("the bad date is not shown again")
	}

	admin := ts.browser()
	admin.signIn(adminEmail, adminPassword)
	if r := admin.get("/reports"); r.Status != 200 {
		t.Errorf("an admin opens the reports: %d", r.Status)
	}
}

func TestReportDownloads(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	lossFixture(t, ts, o)
	rep := ts.browser()
	rep.signIn(o.rep.Email, testPassword)
	b := ts.browser()
	b.signIn(o.mgr.Email, testPassword)
	q := "?group_by=tier&" + lastQuarter
	for _, c := range []struct{ name, header, line, words, wordLine string }{
		{"retention", "tier,accounts_at_start,churned,retained,churn_rate,retention_rate,value_at_start_CNY,value_churned_CNY,revenue_churn_rate",
			"key,4,2,3,0.5000,0.7500,7600,6000,0.7895",
			"Tier,Accounts at start,Churned,Retained,Churn rate,Retention rate,Value at start (CNY),Value churned (CNY),Revenue churn rate",
			"Key,4,2,3,0.5000,0.7500,7600,6000,0.7895"},
		{"churn-reasons", "reason,churned,voluntary,involuntary,value_CNY,key_accounts,key_value_CNY,competitors",
			"quality,1,1,0,4000,1,4000,",
			"Reason,Churned,Voluntary,Involuntary,Value lost (CNY),Key accounts,Key account value (CNY),Competitors",
			"Quality,1,1,0,4000,1,4000,"},
		{"concentration", "user_id,name,status,accounts,key_accounts,key_value_CNY,share,single_threaded_key_accounts,single_threaded_key_value_CNY",
			path("%d,Zhang Wei,active,2,2,901000,0.9956,2,901000", o.rep.ID),
			"Person ID,Name,Status,Accounts,Key accounts,Key account value (CNY),Share of key value,Key accounts with one person,Their value (CNY)",
			path("%d,Zhang Wei,Active,2,2,901000,0.9956,2,901000", o.rep.ID)},
		{"cadence-compliance", "user_id,name,key_accounts,key_within_cadence,key_overdue,compliance_rate,accounts,overdue",
			path("%d,Zhang Wei,2,0,2,0.0000,2,2", o.rep.ID),
			"Person ID,Name,Key accounts,Key accounts within cadence,Key accounts overdue,Compliance rate,Accounts,Overdue",
			"0,Total,3,0,3,0.0000,5,5"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if r := rep.get("/reports/" + c.name + ".csv" + q); r.Status != http.StatusForbidden || !strings.Contains(string(r.Body), "<html") {
				t.Fatalf("a rep downloads: %d %s", r.Status, r.Body)
			}
			// For a person, in words; with ?headers=codes, as the API answers another system.
			r := b.get("/reports/" + c.name + ".csv" + q)
			body := string(r.Body)
			if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
				!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment;") {
				t.Fatalf("download: %d %v %s", r.Status, r.Header, body)
			}
			if !strings.HasPrefix(body, "\uFEFF"+c.words+"\n") || !strings.Contains(body, "\n"+c.wordLine+"\n") {
				t.Errorf("csv in words:\n%s\nwant header %s and line %s", body, c.words, c.wordLine)
			}
			r = b.get("/reports/" + c.name + ".csv" + q + "&headers=codes")
			body = string(r.Body)
			if !strings.HasPrefix(body, "\uFEFF"+c.header+"\n") || !strings.Contains(body, "\n"+c.line+"\n") {
				t.Errorf("csv in codes:\n%s\nwant header %s and line %s", body, c.header, c.line)
			}
			api := ts.call("GET", "/api/v1/reports/"+c.name+q+"&format=csv", o.mgr.Token, nil)
			if string(api.Body) != body || api.Header.Get("Content-Disposition") != r.Header.Get("Content-Disposition") {
				t.Errorf("the page's download in codes differs from the API's:\n%s\n%s", body, api.Body)
			}
		})
	}
	// A Chinese reader gets Chinese headers and values.
	zh := ts.browser()
	zh.signIn(adminEmail, adminPassword)
	zh.post("/language", map[string][]string{"lang": {"zh-CN"}, "next": {"/"}, "csrf_token": {pageToken(t, zh)}})
	if body := string(zh.get("/reports/retention.csv" + q).Body); !strings.HasPrefix(body, "\uFEFF级别,期初客户数,流失数,留存数,流失率,留存率,期初价值（CNY）") ||
		!strings.Contains(body, "\n重点,4,2,3,") || !strings.Contains(body, "\n合计,") {
		t.Errorf("a Chinese reader's download:\n%s", body)
	}
	if r := b.get("/reports/retention.csv?from=2025-13-01"); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("a download with a bad date: %d", r.Status)
	}
	if r := b.get("/reports/nothing.csv"); r.Status != http.StatusNotFound {
		t.Errorf("an unknown report: %d", r.Status)
	}

	// Every download is audited, the page's as the API's: who, what, how many rows.
	var audited []struct {
		Reason   string
		EntityID int64
	}
	ts.App.DB.Read.Raw("SELECT reason, entity_id FROM audit_entries WHERE action = 'export' AND actor_id = ? ORDER BY id", o.mgr.ID).Scan(&audited)
	if len(audited) != 12 || audited[0].Reason != "retention report" || audited[0].EntityID != 3 || audited[3].Reason != "churn reasons report" {
		t.Fatalf("exports audited: %+v", audited)
	}

	// A leaving manager reads no report, on the page, in JSON or in CSV; each attempt is
	// recorded in the notice record and the audit trail.
	boss := ts.mustCreateUser(o.admin, "Big Boss", "admin", 0) // only an admin acts on another manager
	ts.must(201, "POST", "/api/v1/handovers", boss.Token, map[string]any{"departing_user_id": o.mgr.ID, "last_day": "2026-03-31"})
	b = ts.browser() // the change of status ended the manager's sessions
	b.signIn(o.mgr.Email, testPassword)
	if r := b.get("/reports"); r.Status != http.StatusForbidden || strings.Contains(string(r.Body), "accounts_at_start") {
		t.Fatalf("a leaving manager opens the reports: %d", r.Status)
	}
	mgrToken := ts.login(o.mgr.Email, testPassword)
	for _, p := range []string{"/api/v1/reports/retention", "/api/v1/reports/concentration", "/api/v1/reports/handovers",
		"/api/v1/reports/cadence-compliance?format=json"} {
		if r := ts.call("GET", p, mgrToken, nil); r.Status != http.StatusForbidden || strings.Contains(string(r.Body), "data") {
			t.Errorf("a leaving manager reads %s: %d %s", p, r.Status, r.Body)
		}
	}
	r := b.get("/reports/retention.csv" + q)
	if r.Status != http.StatusForbidden || !strings.Contains(string(r.Body), "Not allowed") || strings.Contains(string(r.Body), "accounts_at_start") {
		t.Fatalf("a leaving manager downloads: %d %s", r.Status, r.Body)
	}
	var attempts, after, refused int64
	ts.App.DB.Read.Raw("SELECT COUNT(*) FROM notice_events WHERE user_id = ? AND kind = 'export'", o.mgr.ID).Scan(&attempts)
	ts.App.DB.Read.Raw("SELECT COUNT(*) FROM audit_entries WHERE action = 'export' AND actor_id = ?", o.mgr.ID).Scan(&after)
	ts.App.DB.Read.Raw("SELECT COUNT(*) FROM audit_entries WHERE action = 'export.refused' AND actor_id = ?", o.mgr.ID).Scan(&refused)
	if attempts != 6 || after != 12 || refused != 6 {
		t.Fatalf("refused reports: %d attempts recorded, %d refusals audited, %d exports audited", attempts, refused, after)
	}
}

// TestReportsPageChurnTrend: the trend's table, its switches and its refusals.
func TestReportsPageChurnTrend(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	lossFixture(t, ts, o)
	b := ts.browser()
	b.signIn(o.mgr.Email, testPassword)
	page := string(b.get("/reports?months=24").Body)
	rows := reportTable(t, page, "trend-table")
	// Large: A1, A2 and A7 all along until A7 and A2 were lost; A7 won back. 2 lost over 24
	// months against a band of 6–10% a year.
	large := reportRowOf(t, rows, "Large")
	if large[1] != "2" || large[2] != "2" || large[5] != "6%–10%" || large[6] != "Above normal" {
		t.Errorf("large: %q", large)
	}
	if mid := reportRowOf(t, rows, "Mid-sized"); mid[2] != "1" {
		t.Errorf("mid-sized: %q", mid)
	}
	if total := reportRowOf(t, rows, "Total"); total[2] != "8" {
		t.Errorf("total: %q", total)
	}
	for _, want := range []string{`id="churn-trend"`, `data-chart="chart-trend-0"`, "Above normal over the window:",
		`&amp;months=24&amp;to=2026-03-10&amp;trend_by=tier#churn-trend"`, `aria-current="true">24 months</a>`,
		`href="/reports/churn-trend.csv?from=2025-03-11&amp;group_by=tier&amp;months=24&amp;to=2026-03-10"`, "31–58%"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if r := b.get("/reports?months=6"); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "must be a whole number from 12 to 24") ||
		!strings.Contains(string(r.Body), `<input type="hidden" name="months" value="6">`) {
		t.Errorf("six months: %d %s", r.Status, r.Body)
	}
}

// TestScorecardPage: the ranking with figures linking to the accounts behind them, in
// Chinese; a bad period shows the pickers again.
func TestScorecardPage(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	ts.must(201, "POST", path("/api/v1/accounts/%d/contacts", o.account), o.rep.Token, map[string]any{"name": "Li Lei"})
	ts.must(200, "PATCH", "/api/v1/me", o.mgr.Token, map[string]any{"language": "zh-CN"})
	b := ts.browser()
	b.signIn(o.mgr.Email, testPassword)
	r := b.get("/reports/scorecard")
	page := string(r.Body)
	link := path("/reports/scorecard/%d/contacts_complete?from=2025-12-11&amp;to=2026-03-10", o.rep.ID)
	for _, want := range []string{"业务员考核", "联系人完整", link, "0%", "0/1", `href="/reports/scorecard.csv?from=2025-12-11&amp;to=2026-03-10"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the scorecard lacks %s", want)
		}
	}
	behind := string(b.get(strings.ReplaceAll(link, "&amp;", "&")).Body)
	if !strings.Contains(behind, "Northwind Logistics") || !strings.Contains(behind, "差 1") {
		t.Errorf("the accounts behind the figure: %s", behind)
	}
	if r := b.get("/reports/scorecard?from=2026-03-10&to=2026-01-01"); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `value="2026-03-10"`) {
		t.Errorf("a bad period: %d", r.Status)
	}
	if !strings.Contains(string(b.get("/reports").Body), `href="/reports/scorecard"`) {
		t.Errorf("the reports page does not link to the scorecard")
	}
}
