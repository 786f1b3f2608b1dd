package web_test

import (
	"strings"
	"testing"
	"time"

	"keyhold/internal/store/storetest"
)

// TestScorecardAgainstHandComputedFixture is the fixture of docs/reports.md ("Rep
// scorecard"): February 2026, lived day by day, read on 10 March.
func TestScorecardAgainstHandComputedFixture(t *testing.T) {
	c := &clock{t: time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)}
	ts := startServer(t, storetest.DSN(t), c)
	admin := ts.adminToken()
	mgr := ts.mustCreateUser(admin, "Wang Li", "manager", 0)
	rep := ts.mustCreateUser(admin, "Zhang Wei", "sales", mgr.ID)
	rep2 := ts.mustCreateUser(admin, "Amy Chen", "sales", mgr.ID)
	leaver := ts.mustCreateUser(admin, "Liu Yang", "sales", mgr.ID)
	k1 := ts.mustCreateAccount(rep.Token, map[string]any{"name": "Alpha Metals", "tier": "key", "customer_since": "2025-01-01", "cadence_days": 10})
	k3 := ts.mustCreateAccount(leaver.Token, map[string]any{"name": "Gamma Tools", "tier": "key", "customer_since": "2025-06-01"})
	ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", k1, rep2.ID), mgr.Token, map[string]any{"role": "backup"})
	contact := func(acc int64, body map[string]any) {
		ts.must(201, "POST", path("/api/v1/accounts/%d/contacts", acc), rep.Token, body)
	}
	contact(k1, map[string]any{"name": "Li Lei", "title": "CFO", "phone": "+86 21 5555 0101", "decision_maker": true})
	contact(k1, map[string]any{"name": "Han Meimei", "email": "han@alpha.example"})
	log := func(tok string, acc int64, kind, at, summary, next, due string) {
		t.Helper()
		b := map[string]any{"kind": kind, "occurred_at": at, "summary": summary}
		if next != "" {
			b["next_step"], b["next_step_due"] = next, due
		}
		ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", acc), tok, b)
	}
	log(rep.Token, k1, "call", "2026-01-25T00:00:00Z", "Called about the renewal terms", "", "")
	advance := func(d time.Duration) { // sessions last 12 hours: sign in again
		c.Advance(d)
		for _, u := range []*user{&mgr, &rep, &rep2} {
			u.Token = ts.login(u.Email, testPassword)
		}
	}

	advance(24 * time.Hour) // 2 February: Liu Yang leaves, Gamma Tools goes to Zhang Wei
	h := ts.must(201, "POST", "/api/v1/handovers", mgr.Token, map[string]any{"departing_user_id": leaver.ID, "last_day": "2026-02-28"})
	ts.must(200, "POST", path("/api/v1/handovers/%d/assign", id(h)), mgr.Token, map[string]any{
		"item_ids": []int64{num(itemFor(h, k3)["id"])}, "to_user_id": rep.ID})
	ts.must(200, "POST", path("/api/v1/handovers/%d/start", id(h)), mgr.Token, nil)
	ts.must(200, "POST", path("/api/v1/handovers/%d/complete", id(h)), mgr.Token, map[string]any{"force": true, "reason": "fixture"})

	advance(24 * time.Hour) // 3 February
	cp := ts.must(201, "POST", path("/api/v1/accounts/%d/complaints", k1), rep.Token, map[string]any{"severity": "medium", "summary": "Late delivery"})
	advance(3 * 24 * time.Hour) // 6 February
	ts.must(200, "PATCH", path("/api/v1/complaints/%d", id(cp)), rep.Token, map[string]any{"status": "resolved", "resolution": "Expedited"})
	advance(14 * 24 * time.Hour) // 20 February
	log(rep.Token, k3, "call", "2026-02-08T00:00:00Z", "Introduced myself as the new account manager", "", "")
	log(rep.Token, k1, "visit", "2026-02-10T00:00:00Z", "Visited the plant; renewal on track", "Send the quote", "2026-02-15")
	log(rep2.Token, k1, "call", "2026-02-14T00:00:00Z", "Confirmed delivery dates with the buyer", "", "")
	log(rep.Token, k1, "note", "2026-02-20T00:00:00Z", "ok", "", "")
	k2 := ts.mustCreateAccount(rep.Token, map[string]any{"name": "Beta Foods", "tier": "key", "customer_since": "2026-02-15", "cadence_days": 10})
	contact(k2, map[string]any{"name": "Wang Wu", "title": "Buyer"})
	ts.must(201, "POST", path("/api/v1/accounts/%d/complaints", k2), rep.Token, map[string]any{"severity": "low", "summary": "Wrong invoice"})
	advance(18 * 24 * time.Hour) // 10 March

	q := "/api/v1/reports/scorecard?from=2026-02-01&to=2026-02-28"
	if r := ts.call("GET", q, rep.Token, nil); r.Status != 403 {
		t.Fatalf("a rep reads the scorecard: %d", r.Status)
	}
	sc := ts.must(200, "GET", q, mgr.Token, nil)
	rows := map[string]map[string]any{}
	for _, x := range sc["data"].([]any) {
		rows[x.(map[string]any)["name"].(string)] = x.(map[string]any)
	}
	want := map[string][2]float64{ // met, of
		"key_cadence":       {17 + 10 + 14, 28 + 14 + 28}, // Alpha: overdue 4–10 and 24–28 Feb; Beta: 25–28; Gamma: 1–8 and 22–28
		"visits":            {1, 2},                       // Alpha visited; Gamma due (no visit since June), not visited; Beta not due
		"coverage":          {1, 3},
		"contacts_complete": {1, 3},
		"decision_makers":   {1, 3},
		"summaries":         {2, 3}, // "ok" says nothing
		"next_steps_set":    {1, 2},
		"next_steps_met":    {1, 1}, // Amy Chen's call on the 14th
		"first_contacts":    {1, 1}, // due 9 February, made on the 8th
		"complaints":        {1, 2}, // one resolved in three days, one open since the 20th
	}
	z := rows["Zhang Wei"]
	if z == nil || z["rank"] != 1.0 {
		t.Fatalf("Zhang Wei: %v", z)
	}
	var sum float64
	for name, w := range want {
		f := z["figures"].(map[string]any)[name].(map[string]any)
		if f["met"] != w[0] || f["of"] != w[1] || !near(f["rate"].(float64), w[0]/w[1]) {
			t.Errorf("%s: %v/%v, want %v/%v", name, f["met"], f["of"], w[0], w[1])
		}
		sum += w[0] / w[1]
	}
	if !near(z["score"].(float64), sum/10) {
		t.Errorf("score %v, want %v", z["score"], sum/10)
	}
	a := rows["Amy Chen"]
	if f := a["figures"].(map[string]any); f["summaries"].(map[string]any)["met"] != 1.0 || f["next_steps_set"].(map[string]any)["of"] != 1.0 ||
		f["coverage"].(map[string]any)["rate"] != nil || a["rank"] != 2.0 || !near(a["score"].(float64), 0.5) {
		t.Errorf("Amy Chen: %v", a)
	}
	if l := rows["Liu Yang"]; l == nil || l["rank"] != 0.0 || l["score"] != nil {
		t.Errorf("Liu Yang, with nothing to count: %v", l)
	}

	behind := ts.must(200, "GET", path("/api/v1/reports/scorecard/accounts?user_id=%d&figure=contacts_complete&from=2026-02-01&to=2026-02-28", rep.ID), mgr.Token, nil)
	lines := behind["data"].([]any)
	if len(lines) != 2 || lines[0].(map[string]any)["name"] != "Alpha Metals" || lines[1].(map[string]any)["met"] != 0.0 {
		t.Errorf("behind contacts complete: %v", lines)
	}
	for _, bad := range []string{"&figure=charm", "&figure=visits&from=2026-03-01&to=2026-02-01"} {
		if r := ts.call("GET", path("/api/v1/reports/scorecard/accounts?user_id=%d", rep.ID)+bad, mgr.Token, nil); r.Status != 422 {
			t.Errorf("%s: %d", bad, r.Status)
		}
	}
	if r := ts.call("GET", "/api/v1/reports/scorecard/accounts?user_id=999&figure=visits", mgr.Token, nil); r.Status != 404 {
		t.Errorf("nobody's scorecard: %d", r.Status)
	}
	csv := ts.call("GET", q+"&format=csv", mgr.Token, nil)
	if csv.Status != 200 || !strings.Contains(string(csv.Body), "rank,rep,score,key_cadence_met,key_cadence_of,key_cadence_rate") ||
		!strings.Contains(string(csv.Body), "\n1,Zhang Wei,") {
		t.Errorf("csv: %d %s", csv.Status, csv.Body)
	}
}
