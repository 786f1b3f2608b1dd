package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
)

func reasonCodes(m map[string]any) []string {
	var out []string
	for _, r := range m["reasons"].([]any) {
		out = append(out, r.(map[string]any)["code"].(string))
	}
	return out
}

func hasCode(m map[string]any, code string) bool {
	for _, c := range reasonCodes(m) {
		if c == code {
			return true
		}
	}
	return false
}

func TestHealthFollowsEveryWrite(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	acc := path("/api/v1/accounts/%d", o.account)

	h := ts.must(200, "GET", acc+"/health", o.rep.Token, nil)
	// A new key account: never contacted, one person on the team, no contacts, no leader.
	for _, code := range []string{"never_contacted", "single_threaded_team", "single_contact", "no_executive_touch"} {
		if !hasCode(h, code) {
			t.Errorf("new key account lacks %s: %v", code, reasonCodes(h))
		}
	}
	if h["score"].(float64) != 30 || h["level"] != "at_risk" || h["neglected"] != true {
		t.Fatalf("new key account: %v", h)
	}
	msg := h["reasons"].([]any)[0].(map[string]any)
	if msg["message"] != "Never contacted; the cadence is 14 days." || msg["deduction"].(float64) != 40 {
		t.Fatalf("reason: %v", msg)
	}
	// The standard account (score 50, watch) is not flagged; the key account is.
	flags := ts.must(200, "GET", "/api/v1/flags", o.mgr.Token, nil)
	if flags["total"].(float64) != 1 {
		t.Fatalf("flags: %v", flags["total"])
	}
	first := flags["data"].([]any)[0].(map[string]any)
	if first["account"].(map[string]any)["name"] != "Northwind Logistics" || first["flagged_since"] == nil {
		t.Fatalf("worst first is the valuable key account: %v", first)
	}

	// A call by the manager with a backup on the team and two contacts clears most of it.
	ts.must(200, "PUT", path("%s/team/%d", acc, o.rep2.ID), o.rep.Token, map[string]any{"role": "backup"})
	c1 := id(ts.must(201, "POST", acc+"/contacts", o.rep.Token, map[string]any{"name": "陈静"}))
	c2 := id(ts.must(201, "POST", acc+"/contacts", o.rep.Token, map[string]any{"name": "Tom Baker"}))
	ts.must(201, "POST", acc+"/interactions", o.mgr.Token, map[string]any{"kind": "visit", "summary": "Quarterly review",
		"contact_ids": []int64{c1, c2}, "participant_ids": []int64{o.rep.ID}})
	h = ts.must(200, "GET", acc+"/health", o.rep.Token, nil)
	if h["score"].(float64) != 100 || h["level"] != "healthy" || len(reasonCodes(h)) != 0 {
		t.Fatalf("after the visit: %v", h)
	}
	flags = ts.must(200, "GET", "/api/v1/flags?tier=key", o.mgr.Token, nil)
	if flags["total"].(float64) != 0 {
		t.Fatalf("a healthy account is still flagged: %v", flags)
	}

	// Time passes: the scan notices the account falling overdue.
	ts.Clock.Advance(30 * 24 * time.Hour)
	res, err := ts.App.Health.Scan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Accounts != 2 {
		t.Fatalf("scan: %+v", res)
	}
	o.rep.Token, o.mgr.Token = ts.login(o.rep.Email, testPassword), ts.login(o.mgr.Email, testPassword)
	h = ts.must(200, "GET", acc+"/health", o.rep.Token, nil)
	r := h["reasons"].([]any)[0].(map[string]any)
	if r["code"] != "contact_overdue" || r["message"] != "No contact for 30 days; the cadence is 14 days (16 days overdue)." ||
		r["deduction"].(float64) != 40 || h["neglected"] != true {
		t.Fatalf("after 30 days: %v", h)
	}
	flags = ts.must(200, "GET", "/api/v1/flags?neglected=true", o.mgr.Token, nil)
	if flags["total"].(float64) != 1 {
		t.Fatalf("neglected flags: %v", flags)
	}
	since := flags["data"].([]any)[0].(map[string]any)["flagged_since"]
	ts.Clock.Advance(time.Hour)
	ts.App.Health.Scan(context.Background())
	again := ts.must(200, "GET", "/api/v1/flags?neglected=true", o.mgr.Token, nil)["data"].([]any)[0].(map[string]any)["flagged_since"]
	if since != again {
		t.Fatalf("flagged_since moved on a rescan: %v → %v", since, again)
	}
	var events int64
	ts.App.DB.Read.Raw("SELECT COUNT(*) FROM health_events WHERE account_id = ?", o.account).Scan(&events)
	if events < 3 {
		t.Fatalf("level changes recorded: %d", events)
	}

	// In Chinese, the reasons are Chinese.
	req, _ := http.NewRequest("GET", ts.URL+acc+"/health", nil)
	req.Header.Set("Authorization", "Bearer "+o.rep.Token)
	req.Header.Set("Accept-Language", "zh-CN")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "已 30 天未联系；联系周期为 14 天（逾期 16 天）。") {
		t.Fatalf("Chinese reasons: %s", body)
	}
}

func TestFlagFiltersAndHealthSort(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	g := ts.mustCreateAccount(o.rep2.Token, map[string]any{"name": "Growth Co", "tier": "growth", "annual_value": 5000000})
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", g), o.rep2.Token, map[string]any{"kind": "call", "summary": "hi"})
	cases := []struct {
		query string
		names []string
	}{
		{"", []string{"Northwind Logistics"}}, // the only neglected or at-risk account
		{"?level=watch", []string{"Blue Harbor Foods"}},
		{"?level=healthy", []string{"Growth Co"}},
		{path("?owner_id=%d", o.rep2.ID), nil},
		{path("?owner_id=%d", o.rep.ID), []string{"Northwind Logistics"}},
		{path("?owner_id=%d&level=healthy", o.rep2.ID), []string{"Growth Co"}},
		{path("?owner_id=%d&level=watch&tier=growth", o.rep.ID), nil},
		{"?tier=key&neglected=true", []string{"Northwind Logistics"}},
	}
	for _, c := range cases {
		t.Run("flags"+c.query, func(t *testing.T) {
			data := ts.must(200, "GET", "/api/v1/flags"+c.query, o.mgr.Token, nil)["data"].([]any)
			var got []string
			for _, d := range data {
				got = append(got, d.(map[string]any)["account"].(map[string]any)["name"].(string))
			}
			if strings.Join(got, "|") != strings.Join(c.names, "|") {
				t.Fatalf("got %v, want %v", got, c.names)
			}
		})
	}
	if r := ts.call("GET", "/api/v1/flags?level=red", o.mgr.Token, nil); r.Status != 422 || r.field(t, "level") == "" {
		t.Fatalf("bad level: %d %s", r.Status, r.Body)
	}
	names := func(q string) string {
		var out []string
		for _, a := range ts.must(200, "GET", "/api/v1/accounts?sort="+q, o.rep.Token, nil)["data"].([]any) {
			out = append(out, a.(map[string]any)["name"].(string))
		}
		return strings.Join(out, "|")
	}
	if got := names("health"); got != "Northwind Logistics|Blue Harbor Foods|Growth Co" {
		t.Fatalf("weakest first: %s", got)
	}
	if got := names("-health"); got != "Growth Co|Blue Harbor Foods|Northwind Logistics" {
		t.Fatalf("strongest first: %s", got)
	}
}

func TestCadencePolicies(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	acc := path("/api/v1/accounts/%d", o.account)
	ts.must(201, "POST", acc+"/interactions", o.rep.Token, map[string]any{"kind": "call", "summary": "x", "occurred_at": "2026-03-01T09:00:00Z"})

	var policies []map[string]any
	r := ts.call("GET", "/api/v1/cadence-policies", o.rep.Token, nil)
	if err := jsonUnmarshal(r.Body, &policies); err != nil || len(policies) != 3 || policies[0]["tier"] != "key" || policies[0]["interval_days"].(float64) != 14 {
		t.Fatalf("policies: %s", r.Body)
	}
	for _, c := range []struct {
		token  string
		tier   string
		body   any
		status int
	}{
		{o.mgr.Token, "key", map[string]any{"interval_days": 7}, 403},
		{o.admin, "key", map[string]any{"interval_days": 0}, 422},
		{o.admin, "key", map[string]any{"interval_days": 366}, 422},
		{o.admin, "gold", map[string]any{"interval_days": 7}, 404},
		{o.admin, "key", `{"interval_days": "seven"}`, 400},
	} {
		if r := ts.call("PUT", "/api/v1/cadence-policies/"+c.tier, c.token, c.body); r.Status != c.status {
			t.Errorf("PUT %s %v: %d, want %d: %s", c.tier, c.body, r.Status, c.status, r.Body)
		}
	}
	if a := ts.must(200, "GET", acc, o.rep.Token, nil); a["next_contact_due"] != "2026-03-15T09:00:00Z" || a["overdue"] != false {
		t.Fatalf("before: %v %v", a["next_contact_due"], a["overdue"])
	}
	ts.must(200, "PUT", "/api/v1/cadence-policies/key", o.admin, map[string]any{"interval_days": 7})
	a := ts.must(200, "GET", acc, o.rep.Token, nil)
	if a["cadence_days"].(float64) != 7 || a["next_contact_due"] != "2026-03-08T09:00:00Z" || a["overdue"] != true {
		t.Fatalf("after the policy change: %v %v %v", a["cadence_days"], a["next_contact_due"], a["overdue"])
	}
	if l := ts.must(200, "GET", "/api/v1/accounts?overdue=true&tier=key", o.rep.Token, nil); l["total"].(float64) != 1 {
		t.Fatalf("overdue filter after the policy change: %v", l["total"])
	}
	h := ts.must(200, "GET", acc+"/health", o.rep.Token, nil)
	if !hasCode(h, "contact_overdue") {
		t.Fatalf("health did not follow the policy: %v", reasonCodes(h))
	}
	// An account override wins over the policy.
	a = ts.must(200, "PATCH", acc, o.rep.Token, map[string]any{"cadence_days": 30})
	if a["cadence_days"].(float64) != 30 || a["next_contact_due"] != "2026-03-31T09:00:00Z" || a["overdue"] != false {
		t.Fatalf("override: %v %v %v", a["cadence_days"], a["next_contact_due"], a["overdue"])
	}
	a = ts.must(200, "PATCH", acc, o.rep.Token, map[string]any{"cadence_days": nil})
	if a["cadence_days"].(float64) != 7 {
		t.Fatalf("override cleared: %v", a["cadence_days"])
	}
}

func TestAgenda(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	soon := ts.mustCreateAccount(o.rep.Token, map[string]any{"name": "Due Soon", "tier": "key"})
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", soon), o.rep.Token, map[string]any{"kind": "call", "summary": "x", "occurred_at": "2026-03-01T09:00:00Z"})
	later := ts.mustCreateAccount(o.rep.Token, map[string]any{"name": "Later", "tier": "standard"})
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", later), o.rep.Token, map[string]any{"kind": "call", "summary": "x"})
	ag := ts.must(200, "GET", "/api/v1/me/agenda", o.rep.Token, nil)
	over, due := ag["overdue"].([]any), ag["due_soon"].([]any)
	if len(over) != 1 || over[0].(map[string]any)["name"] != "Northwind Logistics" || len(due) != 1 || due[0].(map[string]any)["name"] != "Due Soon" {
		t.Fatalf("agenda: %v", ag)
	}
}

func TestCalendarFeed(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	ts.mustCreateAccount(o.rep.Token, map[string]any{"name": `Comma, Semicolon; Backslash\ Co`, "tier": "growth"})
	u := ts.must(200, "GET", "/api/v1/me/calendar", o.rep.Token, nil)["url"].(string)
	if again := ts.must(200, "GET", "/api/v1/me/calendar", o.rep.Token, nil)["url"]; again != u {
		t.Fatalf("the feed address changed without a rotation: %s → %s", u, again)
	}
	feedPath := u[strings.Index(u, "/calendar/"):]
	res, err := http.Get(ts.URL + feedPath)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	// RFC 5545: CRLF line ends, lines of at most 75 octets, required properties.
	for _, line := range strings.Split(strings.TrimSuffix(string(body), "\r\n"), "\r\n") {
		if strings.Contains(line, "\n") || len(line) > 75 {
			t.Fatalf("bad line %q", line)
		}
	}
	cal, err := ical.NewDecoder(bytes.NewReader(body)).Decode()
	if err != nil {
		t.Fatalf("not iCalendar: %v\n%s", err, body)
	}
	if v, _ := cal.Props.Text(ical.PropVersion); v != "2.0" {
		t.Fatalf("version %q", v)
	}
	if p, _ := cal.Props.Text(ical.PropProductID); p == "" {
		t.Fatal("no PRODID")
	}
	events := cal.Events()
	if len(events) != 2 {
		t.Fatalf("%d events, want the rep's 2 accounts", len(events))
	}
	seen := map[string]bool{}
	for _, e := range events {
		for _, p := range []string{ical.PropUID, ical.PropDateTimeStamp, ical.PropDateTimeStart, ical.PropSummary} {
			if e.Props.Get(p) == nil {
				t.Fatalf("event without %s", p)
			}
		}
		uid, _ := e.Props.Text(ical.PropUID)
		if seen[uid] {
			t.Fatalf("duplicate UID %s", uid)
		}
		seen[uid] = true
		start, err := e.DateTimeStart(time.UTC)
		if err != nil || !start.Equal(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("never-contacted accounts are due today: %v %v", start, err)
		}
		summary, _ := e.Props.Text(ical.PropSummary)
		if !strings.HasPrefix(summary, "Contact ") {
			t.Fatalf("summary %q", summary)
		}
	}
	if !strings.Contains(string(body), `Comma\, Semicolon\; Backslash\\ Co`) {
		t.Fatalf("text not escaped: %s", body)
	}

	// Rotation: a new address, and the old one stops working at once.
	nu := ts.must(200, "POST", "/api/v1/me/calendar/rotate", o.rep.Token, nil)["url"].(string)
	if nu == u {
		t.Fatal("rotation kept the address")
	}
	if r, _ := http.Get(ts.URL + feedPath); r.StatusCode != 404 {
		t.Fatalf("old feed: %d", r.StatusCode)
	}
	if r, _ := http.Get(ts.URL + nu[strings.Index(nu, "/calendar/"):]); r.StatusCode != 200 {
		t.Fatalf("new feed: %d", r.StatusCode)
	}
	if r, _ := http.Get(ts.URL + "/calendar/nope.ics"); r.StatusCode != 404 {
		t.Fatalf("guessed feed: %d", r.StatusCode)
	}
}

// A key account is visited every 90 days (the key tier's visit cadence to begin with): a
// customer of a year never visited is a visit overdue (−10, its numbers in its reason); a
// visit clears it and is the account's last visit; a call does not; a tier without a
// visit cadence is never overdue.
func TestVisitCadence(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	old := ts.mustCreateAccount(o.rep.Token, map[string]any{"name": "Old Key Co", "tier": "key", "customer_since": "2025-03-01"})
	acc := path("/api/v1/accounts/%d", old)
	reason := func() map[string]any {
		for _, r := range ts.must(200, "GET", acc+"/health", o.rep.Token, nil)["reasons"].([]any) {
			if r.(map[string]any)["code"] == "visit_overdue" {
				return r.(map[string]any)
			}
		}
		return nil
	}
	r := reason()
	if r == nil || r["deduction"].(float64) != 10 || r["message"] != "Never visited; the account is visited every 90 days (the first visit is 284 days overdue)." {
		t.Fatalf("never visited in a year: %v", r)
	}
	if h := ts.must(200, "GET", path("/api/v1/accounts/%d/health", o.account), o.rep.Token, nil); hasCode(h, "visit_overdue") {
		t.Error("a key account that became a customer today is not yet due a visit")
	}
	visits := func() []any { return ts.must(200, "GET", "/api/v1/me/agenda", o.rep.Token, nil)["visits_due"].([]any) }
	if v := visits(); len(v) != 1 || v[0].(map[string]any)["visit_due"] != "2025-05-30" || v[0].(map[string]any)["days_overdue"] != 284.0 {
		t.Errorf("the rep's agenda lists the visit due: %v", v)
	}
	page := ts.browser()
	page.signIn(o.rep.Email, testPassword)
	if home := string(page.get("/").Body); !strings.Contains(home, "Visits due") || !strings.Contains(home, "visit 284 days overdue") {
		t.Error("the rep's home does not list the visit due")
	}
	ts.must(201, "POST", acc+"/interactions", o.rep.Token, map[string]any{"kind": "call", "summary": "a call is not a visit"})
	if reason() == nil {
		t.Error("a call cleared the visit")
	}
	ts.must(201, "POST", acc+"/interactions", o.rep.Token, map[string]any{"kind": "meeting", "summary": "at their office",
		"occurred_at": "2026-03-09T10:00:00Z"})
	if r := reason(); r != nil {
		t.Errorf("a meeting at the customer's is a visit: %v", r)
	}
	if a := ts.must(200, "GET", acc, o.rep.Token, nil); a["last_visited_at"] != "2026-03-09T10:00:00Z" {
		t.Errorf("last visit: %v", a["last_visited_at"])
	}
	if v := visits(); len(v) != 0 {
		t.Errorf("visited yesterday, the agenda still lists it: %v", v)
	}
	if p := string(page.get(path("/accounts/%d", old)).Body); !strings.Contains(p, "every 90 days\n    · last 9 Mar 2026") {
		t.Errorf("the account page's visits: %s", pageSnippet(p, "Visits"))
	}
	// The admin takes the key tier's visit cadence away, then sets one for growth.
	if r := ts.call("PUT", "/api/v1/cadence-policies/key", o.admin, map[string]any{"interval_days": 14, "visit_days": 1000}); r.Status != 422 {
		t.Errorf("a visit cadence of 1000 days: %d", r.Status)
	}
	// A shorter visit cadence rescores the tier's accounts at once, those with a contact
	// cadence of their own too.
	own := ts.mustCreateAccount(o.rep.Token, map[string]any{"name": "Own Cadence Co", "tier": "key", "customer_since": "2026-01-01", "cadence_days": 10})
	ownHealth := path("/api/v1/accounts/%d/health", own)
	if hasCode(ts.must(200, "GET", ownHealth, o.rep.Token, nil), "visit_overdue") {
		t.Error("a customer for 68 days is not due a visit every 90")
	}
	ts.must(200, "PUT", "/api/v1/cadence-policies/key", o.admin, map[string]any{"interval_days": 14, "visit_days": 30})
	if !hasCode(ts.must(200, "GET", ownHealth, o.rep.Token, nil), "visit_overdue") {
		t.Error("every 30 days, it is overdue at once")
	}
	p := ts.must(200, "PUT", "/api/v1/cadence-policies/key", o.admin, map[string]any{"interval_days": 14, "visit_days": nil})
	if p["visit_days"] != nil {
		t.Errorf("no visit cadence: %v", p)
	}
	if p := ts.must(200, "PUT", "/api/v1/cadence-policies/key", o.admin, map[string]any{"interval_days": 14}); p["visit_days"] != nil {
		t.Errorf("visit_days left out keeps it as it is (none): %v", p)
	}
	// An account's own visit cadence, whatever its tier's.
	ownAcc := path("/api/v1/accounts/%d", own)
	if hasCode(ts.must(200, "GET", ownHealth, o.rep.Token, nil), "visit_overdue") {
		t.Error("no visit cadence, no visit overdue")
	}
	if r := ts.call("PATCH", ownAcc, o.rep.Token, map[string]any{"visit_days": 731}); r.Status != 422 || !strings.Contains(string(r.Body), "visit_days") {
		t.Errorf("an account's visit cadence of 731 days: %d", r.Status)
	}
	a := ts.must(200, "PATCH", ownAcc, o.rep.Token, map[string]any{"visit_days": 30})
	if a["visit_override"] != 30.0 || a["visit_days"] != 30.0 || !hasCode(ts.must(200, "GET", ownHealth, o.rep.Token, nil), "visit_overdue") {
		t.Errorf("its own visit cadence of 30 days: %v %v", a["visit_override"], a["visit_days"])
	}
	if a := ts.must(200, "PATCH", ownAcc, o.rep.Token, map[string]any{"visit_days": nil}); a["visit_override"] != nil || a["visit_days"] != nil {
		t.Errorf("back to its tier's (none): %v %v", a["visit_override"], a["visit_days"])
	}
}
