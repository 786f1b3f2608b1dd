package web_test

import (
	"context"
	"math"
	"strings"
	"testing"
)

// lossFixture builds the hand-computed retention fixture of docs/reports.md: nine
// accounts around the fourth quarter of 2025, owned by two reps.
func lossFixture(t *testing.T, ts *testServer, o org) map[string]int64 {
	t.Helper()
	acc := map[string]int64{}
	sizes := map[string]string{"A1": "large", "A2": "large", "A7": "large", "A9": "mid"} // the churn trend's; the rest small
	mk := func(name, tier, since string, value int64, owner user) {
		size := sizes[name]
		if size == "" {
			size = "small"
		}
		acc[name] = ts.mustCreateAccount(owner.Token, map[string]any{"name": name, "tier": tier, "customer_since": since,
			"annual_value": value, "industry": "Logistics", "region": "East China", "channel": "referral", "size": size})
	}
	mk("A1", "key", "2024-01-01", 1000, o.rep)
	mk("A2", "key", "2024-06-01", 2000, o.rep)
	mk("A3", "growth", "2025-09-30", 500, o.rep)
	mk("A4", "growth", "2025-10-01", 300, o.rep2)
	mk("A5", "standard", "2025-10-02", 200, o.rep2)
	mk("A6", "standard", "2023-01-01", 100, o.rep2)
	mk("A7", "key", "2023-01-01", 4000, o.rep2)
	mk("A8", "growth", "2023-01-01", 700, o.rep2)
	mk("A9", "key", "2023-01-01", 600, o.rep)
	churn := func(name, on, reason string, voluntary bool, competitor string) {
		ts.must(201, "POST", path("/api/v1/accounts/%d/churn", acc[name]), o.mgr.Token, map[string]any{
			"churned_at": on, "reason": reason, "voluntary": voluntary, "competitor": competitor})
	}
	churn("A2", "2025-11-15", "competitor", true, "Acme Freight")
	churn("A3", "2025-10-01", "price", true, "")
	churn("A4", "2025-12-31", "service", false, "")
	churn("A5", "2025-11-01", "price", false, "")
	churn("A6", "2025-09-30", "business_closed", false, "")
	churn("A7", "2025-10-10", "quality", true, "")
	ts.must(200, "POST", path("/api/v1/accounts/%d/reactivate", acc["A7"]), o.mgr.Token, map[string]any{"reactivated_at": "2025-11-20", "note": "New QA process won them back"})
	churn("A8", "2025-08-01", "price", true, "")
	ts.must(200, "POST", path("/api/v1/accounts/%d/reactivate", acc["A8"]), o.mgr.Token, map[string]any{"reactivated_at": "2025-10-01"})
	churn("A9", "2026-01-05", "relocation", false, "")
	return acc
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestRetentionReportAgainstHandComputedFixture(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	accs := lossFixture(t, ts, o)
	q := "/api/v1/reports/retention?from=2025-10-01&to=2025-12-31&group_by=tier"
	if r := ts.call("GET", q, o.rep.Token, nil); r.Status != 403 {
		t.Fatalf("a rep reads reports: %d", r.Status)
	}
	rep := ts.must(200, "GET", q, o.mgr.Token, nil)
	if rep["from"] != "2025-10-01" || rep["to"] != "2025-12-31" || rep["group_by"] != "tier" {
		t.Fatalf("parameters: %v", rep)
	}
	rows := map[string]map[string]any{}
	for _, r := range rep["data"].([]any) {
		rows[r.(map[string]any)["group"].(string)] = r.(map[string]any)
	}
	rows["total"] = rep["total"].(map[string]any)
	// Northwind Logistics (key) and Blue Harbor Foods (standard) joined today: not at start.
	want := map[string][6]float64{ // at start, churned, retained, value at start, value churned
		"key":    {4, 2, 3, 7600, 6000},
		"growth": {3, 2, 1, 1500, 800},
		"total":  {7, 4, 4, 9100, 6800},
	}
	if _, ok := rows["standard"]; ok {
		t.Errorf("standard has no account at start (A5 joined after, A6 was lost before): %v", rows["standard"])
	}
	for g, w := range want {
		r := rows[g]
		if r == nil {
			t.Fatalf("no row %s: %v", g, rep)
		}
		got := [6]float64{r["accounts_at_start"].(float64), r["churned"].(float64), r["retained"].(float64),
			r["value_at_start"].(float64), r["value_churned"].(float64)}
		if got != w {
			t.Errorf("%s: got %v, want %v", g, got, w)
		}
		if !near(r["churn_rate"].(float64), w[1]/w[0]) || !near(r["retention_rate"].(float64), w[2]/w[0]) ||
			!near(r["revenue_churn_rate"].(float64), w[4]/w[3]) {
			t.Errorf("%s rates: %v", g, r)
		}
	}
	// By owner and by cohort, the same accounts regroup. A1 changes hands today: by its
	// owner at the start of the period it stays Zhang Wei's; by its owner now it is Amy
	// Chen's.
	ts.must(200, "POST", path("/api/v1/accounts/%d/transfer", accs["A1"]), o.mgr.Token, map[string]any{"to_user_id": o.rep2.ID, "reason": "rebalancing"})
	byOwner := func(groupBy string) map[string]float64 {
		got := map[string]float64{}
		for _, r := range ts.must(200, "GET", "/api/v1/reports/retention?from=2025-10-01&to=2025-12-31&group_by="+groupBy, o.mgr.Token, nil)["data"].([]any) {
			got[r.(map[string]any)["group"].(string)] = r.(map[string]any)["accounts_at_start"].(float64)
		}
		return got
	}
	if got := byOwner("owner"); got["Zhang Wei"] != 4 || got["Amy Chen"] != 3 {
		t.Errorf("by owner at the start: %v", got)
	}
	if got := byOwner("owner_now"); got["Zhang Wei"] != 3 || got["Amy Chen"] != 4 {
		t.Errorf("by owner now: %v", got)
	}
	got := map[string]float64{}
	cohorts := ts.must(200, "GET", "/api/v1/reports/retention?from=2025-10-01&to=2025-12-31&group_by=cohort", o.mgr.Token, nil)
	got = map[string]float64{}
	for _, r := range cohorts["data"].([]any) {
		got[r.(map[string]any)["group"].(string)] = r.(map[string]any)["churned"].(float64)
	}
	if got["2023-Q1"] != 1 || got["2024-Q2"] != 1 || got["2025-Q3"] != 1 || got["2025-Q4"] != 1 || got["2024-Q1"] != 0 {
		t.Errorf("by cohort: %v", got)
	}
	for _, bad := range []string{"?group_by=colour", "?from=2025-13-01", "?from=2026-01-01&to=2025-01-01"} {
		if r := ts.call("GET", "/api/v1/reports/retention"+bad, o.mgr.Token, nil); r.Status != 422 {
			t.Errorf("%s: %d", bad, r.Status)
		}
	}
}

func TestChurnReasonsAndExposure(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	acc := lossFixture(t, ts, o)
	r := ts.must(200, "GET", "/api/v1/reports/churn-reasons?from=2025-10-01&to=2025-12-31", o.mgr.Token, nil)
	var order []string
	for _, row := range r["data"].([]any) {
		order = append(order, row.(map[string]any)["reason"].(string))
	}
	if strings.Join(order, ",") != "quality,competitor,price,service" {
		t.Fatalf("costliest key-account reason first: %v", order)
	}
	price := r["data"].([]any)[2].(map[string]any)
	if price["churned"].(float64) != 2 || price["voluntary"].(float64) != 1 || price["involuntary"].(float64) != 1 || price["value"].(float64) != 700 {
		t.Errorf("price: %v", price)
	}
	comp := r["data"].([]any)[1].(map[string]any)
	if comp["competitors"] != "Acme Freight" || comp["key_value"].(float64) != 2000 {
		t.Errorf("competitor: %v", comp)
	}
	total := r["total"].(map[string]any)
	if total["churned"].(float64) != 5 || total["voluntary"].(float64) != 3 || total["value"].(float64) != 7000 || total["key_value"].(float64) != 6000 {
		t.Errorf("total: %v", total)
	}

	// Active key accounts now: Northwind (rep, 900000), A1 (rep, 1000), A7 (rep2, 4000, won back).
	conc := ts.must(200, "GET", "/api/v1/reports/concentration", o.mgr.Token, nil)
	first := conc["data"].([]any)[0].(map[string]any)
	if first["name"] != "Zhang Wei" || first["key_accounts"].(float64) != 2 || first["key_value"].(float64) != 901000 ||
		!near(first["share"].(float64), 901000.0/905000) || first["single_threaded_key_value"].(float64) != 901000 {
		t.Errorf("who holds the most key value alone: %v", first)
	}
	if n := len(conc["single_threaded"].([]any)); n != 3 {
		t.Errorf("single-threaded key accounts: %d", n)
	}
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", acc["A7"]), o.rep2.Token, map[string]any{"kind": "call", "summary": "check-in"})
	comp2 := ts.must(200, "GET", "/api/v1/reports/cadence-compliance", o.mgr.Token, nil)
	rows := map[string]map[string]any{}
	for _, row := range comp2["data"].([]any) {
		rows[row.(map[string]any)["name"].(string)] = row.(map[string]any)
	}
	if rows["Amy Chen"]["key_within_cadence"].(float64) != 1 || rows["Amy Chen"]["compliance_rate"].(float64) != 1 ||
		rows["Zhang Wei"]["key_overdue"].(float64) != 2 || rows["Zhang Wei"]["compliance_rate"].(float64) != 0 {
		t.Errorf("compliance: %v", rows)
	}
}

func TestChurnAndWinBack(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	acc := path("/api/v1/accounts/%d", o.account)
	for _, c := range []struct {
		token  string
		body   map[string]any
		status int
		field  string
	}{
		{o.rep2.Token, map[string]any{"reason": "price", "voluntary": true}, 403, ""},
		{o.rep.Token, map[string]any{"reason": "bored", "voluntary": true}, 422, "reason"},
		{o.rep.Token, map[string]any{"reason": "price"}, 422, "voluntary"},
		{o.rep.Token, map[string]any{"reason": "competitor", "voluntary": true}, 422, "competitor"},
		{o.rep.Token, map[string]any{"reason": "price", "voluntary": true, "churned_at": "2026-04-01"}, 422, "churned_at"},
	} {
		r := ts.call("POST", acc+"/churn", c.token, c.body)
		if r.Status != c.status || (c.field != "" && r.field(t, c.field) == "") {
			t.Errorf("%v: %d %s", c.body, r.Status, r.Body)
		}
	}
	rec := ts.must(201, "POST", acc+"/churn", o.rep.Token, map[string]any{"reason": "competitor", "voluntary": true,
		"competitor": "Acme Freight", "notes": "Exit interview: cheaper and faster"})
	if rec["churned_at"] != "2026-03-10" || rec["annual_value"].(float64) != 900000 {
		t.Fatalf("churn record: %v", rec)
	}
	a := ts.must(200, "GET", acc, o.rep.Token, nil)
	if a["status"] != "churned" || a["overdue"] != false {
		t.Fatalf("churned account: %v", a)
	}
	// Read-only but for the win-back; gone from the flags.
	for _, w := range []struct{ method, path string }{
		{"PATCH", acc}, {"POST", acc + "/interactions"}, {"POST", acc + "/contacts"}, {"POST", acc + "/transfer"},
		{"POST", acc + "/complaints"}, {"POST", acc + "/churn"},
	} {
		body := map[string]any{"name": "x", "kind": "call", "summary": "x", "to_user_id": o.rep2.ID, "reason": "price", "voluntary": true, "severity": "low"}
		if r := ts.call(w.method, w.path, o.mgr.Token, body); r.Status != 409 {
			t.Errorf("%s %s on a churned account: %d %s", w.method, w.path, r.Status, r.Body)
		}
	}
	if f := ts.must(200, "GET", "/api/v1/flags", o.mgr.Token, nil); strings.Contains(string(mustJSON(f)), "Northwind") {
		t.Errorf("a churned account is flagged")
	}
	if r := ts.call("GET", acc+"/health", o.mgr.Token, nil); r.Status != 409 {
		t.Errorf("health of a churned account: %d", r.Status)
	}
	if r := ts.call("POST", acc+"/reactivate", o.rep.Token, map[string]any{}); r.Status != 403 {
		t.Errorf("a rep wins back: %d", r.Status)
	}
	if r := ts.call("POST", acc+"/reactivate", o.mgr.Token, map[string]any{"reactivated_at": "2026-03-01"}); r.Status != 422 {
		t.Errorf("won back before lost: %d", r.Status)
	}
	ts.must(200, "POST", acc+"/reactivate", o.mgr.Token, map[string]any{"note": "Matched their price"})
	if a := ts.must(200, "GET", acc, o.rep.Token, nil); a["status"] != "active" {
		t.Fatalf("won back: %v", a["status"])
	}
	hist := ts.must(200, "GET", acc+"/history", o.rep.Token, nil)["data"].([]any)
	if hist[0].(map[string]any)["action"] != "account.reactivate" || hist[1].(map[string]any)["action"] != "account.churn" {
		t.Errorf("history keeps both: %v", hist)
	}
	recs := ts.must(200, "GET", acc+"/churn", o.rep.Token, nil)["data"].([]any)
	if len(recs) != 1 || recs[0].(map[string]any)["reactivated_at"] != "2026-03-10" {
		t.Errorf("churn records: %v", recs)
	}
}

func TestComplaintsAndRenewals(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	acc := path("/api/v1/accounts/%d", o.account)
	if r := ts.call("POST", acc+"/complaints", o.rep2.Token, map[string]any{"severity": "urgent", "summary": ""}); r.Status != 422 || r.field(t, "severity") == "" || r.field(t, "summary") == "" {
		t.Fatalf("bad complaint: %d %s", r.Status, r.Body)
	}
	cp := ts.must(201, "POST", acc+"/complaints", o.rep2.Token, map[string]any{"severity": "high", "summary": "Late deliveries", "opened_at": "2026-03-01T08:00:00Z"})
	h := ts.must(200, "GET", acc+"/health", o.rep.Token, nil)
	if !hasCode(h, "complaint_unresolved") {
		t.Fatalf("a complaint open 9 days costs health: %v", reasonCodes(h))
	}
	if r := ts.call("PATCH", path("/api/v1/complaints/%d", id(cp)), o.rep.Token, map[string]any{"status": "resolved"}); r.Status != 422 || r.field(t, "resolution") == "" {
		t.Fatalf("resolve without a resolution: %d %s", r.Status, r.Body)
	}
	res := ts.must(200, "PATCH", path("/api/v1/complaints/%d", id(cp)), o.rep.Token, map[string]any{"status": "resolved", "resolution": "New carrier"})
	if res["status"] != "resolved" || res["resolved_at"] == nil {
		t.Fatalf("resolved: %v", res)
	}
	if h := ts.must(200, "GET", acc+"/health", o.rep.Token, nil); hasCode(h, "complaint_unresolved") {
		t.Fatalf("a resolved complaint still costs health")
	}
	// Renewals within 60 days reach the owner's agenda, flagged without contact in 30 days.
	ts.must(200, "PATCH", acc, o.rep.Token, map[string]any{"renewal_date": "2026-04-15"})
	ts.mustCreateAccount(o.rep.Token, map[string]any{"name": "Far Renewal", "tier": "growth", "renewal_date": "2026-09-01"})
	ag := ts.must(200, "GET", "/api/v1/me/agenda", o.rep.Token, nil)
	rn := ag["renewals"].([]any)
	if len(rn) != 1 || rn[0].(map[string]any)["days_to_renewal"].(float64) != 36 || rn[0].(map[string]any)["at_risk"] != true {
		t.Fatalf("renewals: %v", rn)
	}
	ts.must(201, "POST", acc+"/interactions", o.rep.Token, map[string]any{"kind": "call", "summary": "renewal talk"})
	if rn := ts.must(200, "GET", "/api/v1/me/agenda", o.rep.Token, nil)["renewals"].([]any); rn[0].(map[string]any)["at_risk"] != false {
		t.Fatalf("renewal after a call: %v", rn)
	}
}

func TestReportCSVExports(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	ts.must(200, "PATCH", path("/api/v1/users/%d", o.rep.ID), o.admin, map[string]any{"name": "=HYPERLINK(\"http://x\")"})
	ts.App.Health.Scan(context.Background())
	for _, report := range []string{"retention", "churn-reasons", "concentration", "cadence-compliance", "churn-trend"} {
		t.Run(report, func(t *testing.T) {
			url := "/api/v1/reports/" + report + "?format=csv"
			if r := ts.call("GET", url, o.rep.Token, nil); r.Status != 403 {
				t.Fatalf("a rep exports: %d", r.Status)
			}
			r := ts.call("GET", url, o.mgr.Token, nil)
			if r.Status != 200 || !strings.HasPrefix(string(r.Body), "\uFEFF") || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("csv: %d %q", r.Status, r.Body)
			}
			if strings.Contains(string(r.Body), ",=HYPERLINK") || strings.Contains(string(r.Body), "\n=") {
				t.Fatalf("a formula cell reached the spreadsheet: %s", r.Body)
			}
		})
	}
	conc := ts.call("GET", "/api/v1/reports/concentration?format=csv", o.mgr.Token, nil)
	if !strings.Contains(string(conc.Body), `'=HYPERLINK`) {
		t.Fatalf("the formula was not neutralised: %s", conc.Body)
	}
	var exports int64
	ts.App.DB.Read.Raw("SELECT COUNT(*) FROM audit_entries WHERE action = 'export' AND actor_id = ?", o.mgr.ID).Scan(&exports)
	if exports != 6 {
		t.Fatalf("exports audited: %d", exports)
	}
	// A leaving manager: refused and recorded.
	boss := ts.mustCreateUser(o.admin, "Big Boss", "admin", 0) // only an admin acts on another manager
	ts.must(201, "POST", "/api/v1/handovers", boss.Token, map[string]any{"departing_user_id": o.mgr.ID, "last_day": "2026-03-31"})
	leaving := ts.login(o.mgr.Email, testPassword)
	if r := ts.call("GET", "/api/v1/reports/retention?format=csv", leaving, nil); r.Status != 403 {
		t.Fatalf("a leaving manager exports: %d", r.Status)
	}
	var attempts int64
	ts.App.DB.Read.Raw("SELECT COUNT(*) FROM notice_events WHERE user_id = ? AND kind = 'export'", o.mgr.ID).Scan(&attempts)
	if attempts != 1 {
		t.Fatalf("export attempt recorded: %d", attempts)
	}
	if r := ts.call("GET", "/api/v1/reports/retention?format=xml", o.admin, nil); r.Status != 422 {
		t.Fatalf("unknown format: %d", r.Status)
	}
}

// TestChurnTrendAgainstHandComputedFixture reads the fixture month by month (the clock
// stands at 10 March 2026: twelve complete months, March 2025 to February 2026).
func TestChurnTrendAgainstHandComputedFixture(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	lossFixture(t, ts, o)
	q := "/api/v1/reports/churn-trend?group_by=size"
	if r := ts.call("GET", q, o.rep.Token, nil); r.Status != 403 {
		t.Fatalf("a rep reads the trend: %d", r.Status)
	}
	rep := ts.must(200, "GET", q, o.mgr.Token, nil)
	if rep["from"] != "2025-03-01" || rep["to"] != "2026-02-28" || rep["months"] != 12.0 || rep["band_source"] == "" {
		t.Fatalf("window: %v %v %v", rep["from"], rep["to"], rep["months"])
	}
	type pt struct{ atStart, churned float64 }
	points := func(s map[string]any) map[string]pt {
		out := map[string]pt{}
		for _, p := range s["points"].([]any) {
			m := p.(map[string]any)
			out[m["month"].(string)] = pt{m["accounts_at_start"].(float64), m["churned"].(float64)}
		}
		return out
	}
	series := map[string]map[string]any{}
	for _, s := range rep["series"].([]any) {
		series[s.(map[string]any)["group"].(string)] = s.(map[string]any)
	}
	total, large := points(rep["total"].(map[string]any)), points(series["large"])
	// September: A1 A2 A6 A7 A9 at start, A6 lost on the 30th; October: A1 A2 A3 A4 A7 A8 (back that day) A9 at start, A3 and A7 lost; November: A1 A2
	// A4 A5 A8 A9 (A7 lost until the 20th), A2 and A5 lost; December: A1 A4 A7 A8 A9, A4
	// lost on the 31st; January: A1 A7 A8 A9, A9 lost.
	wantTotal := map[string]pt{"2025-09": {5, 1}, "2025-10": {7, 2}, "2025-11": {6, 2}, "2025-12": {5, 1}, "2026-01": {4, 1}, "2026-02": {3, 0}}
	wantLarge := map[string]pt{"2025-10": {3, 1}, "2025-11": {2, 1}, "2025-12": {2, 0}, "2026-01": {2, 0}}
	for m, w := range wantTotal {
		if total[m] != w {
			t.Errorf("total %s: %+v, want %+v", m, total[m], w)
		}
	}
	for m, w := range wantLarge {
		if large[m] != w {
			t.Errorf("large %s: %+v, want %+v", m, large[m], w)
		}
	}
	monthly := func(a float64) float64 { return 1 - math.Pow(1-a, 1.0/12) }
	for _, p := range rep["total"].(map[string]any)["points"].([]any) {
		m := p.(map[string]any)
		if m["month"] != "2025-10" {
			continue
		}
		band := m["band"].(map[string]any)
		want := (3*monthly(0.06) + monthly(0.11) + 3*monthly(0.31)) / 7 // three large, one mid, three small
		if !near(band["low"].(float64), want) || m["position"] != "above" {
			t.Errorf("October's band %v %v, want low %v, above", band, m["position"], want)
		}
	}
	if s := series["large"]; s["position"] != "above" || s["annual_band"].(map[string]any)["high"].(float64) < 0.0999 {
		t.Errorf("large over the year: %v %v", s["position"], s["annual_band"])
	}
	csv := ts.call("GET", q+"&months=24&format=csv", o.mgr.Token, nil)
	if csv.Status != 200 || !strings.Contains(string(csv.Body), "large,2025-10,3,1,0.3333,") ||
		!strings.Contains(string(csv.Body), "size,month,accounts_at_start") || !strings.Contains(string(csv.Body), "total,2024-03,") {
		t.Fatalf("csv: %d %s", csv.Status, csv.Body)
	}
	for _, bad := range []string{"?months=11", "?months=25", "?months=x", "?group_by=owner", "?currency=XXX"} {
		if r := ts.call("GET", "/api/v1/reports/churn-trend"+bad, o.mgr.Token, nil); r.Status != 422 {
			t.Errorf("%s: %d", bad, r.Status)
		}
	}
}
