package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The notice period closes the book (issue 12, item 3): a leaving rep lists and searches
// only their own teams' accounts, opening any other is recorded once per account and day
// and shown in the handover report, other accounts' contacts come without phone and
// e-mail, and reports are refused and audited.
func TestNoticePeriodClosesTheBook(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	// A third account the rep only backs up: on their own teams, not owned.
	backed := ts.mustCreateAccount(o.rep2.Token, map[string]any{"name": "Backed Up Co", "tier": "growth"})
	ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", backed, o.rep.ID), o.mgr.Token, map[string]any{"role": "backup"})
	ts.mustCreateAccount(o.rep2.Token, map[string]any{"name": "Rival Key Co", "tier": "key"}) // flagged, not theirs
	for _, a := range []int64{o.account, o.other} {
		ts.must(201, "POST", path("/api/v1/accounts/%d/contacts", a), o.admin,
			map[string]any{"name": "Decision Maker", "email": "boss@customer.example", "phone": "+86 138 0000 0000", "decision_maker": true})
	}
	if _, err := ts.App.Health.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	hid := id(ts.must(201, "POST", "/api/v1/handovers", o.mgr.Token, map[string]any{"departing_user_id": o.rep.ID, "last_day": "2026-03-31"}))
	leaving := ts.login(o.rep.Email, testPassword) // marking them leaving ended their sessions

	t.Run("lists and searches show only their own teams", func(t *testing.T) {
		m := ts.must(200, "GET", "/api/v1/accounts?per_page=200", leaving, nil)
		if m["total"].(float64) != 2 || !strings.Contains(string(mustJSON(m)), "Backed Up Co") || strings.Contains(string(mustJSON(m)), "Blue Harbor") {
			t.Errorf("list: %v", m)
		}
		if n := ts.must(200, "GET", "/api/v1/accounts?q=Blue", leaving, nil)["total"].(float64); n != 0 {
			t.Errorf("a search finds another's account: %v", n)
		}
		if n := ts.must(200, "GET", path("/api/v1/accounts?member_id=%d", o.rep2.ID), leaving, nil)["total"].(float64); n != 1 {
			t.Errorf("asking for a colleague's book gives the shared part only: %v", n)
		}
		if n := ts.must(200, "GET", "/api/v1/accounts", o.rep2.Token, nil)["total"].(float64); n != 4 {
			t.Errorf("a colleague still sees the whole shared book: %v", n)
		}
		if m := ts.must(200, "GET", "/api/v1/flags", leaving, nil); strings.Contains(string(mustJSON(m)), "Rival Key") ||
			!strings.Contains(string(mustJSON(m)), "Northwind") || m["total"].(float64) != 1 {
			t.Errorf("flags of their own teams only: %s", mustJSON(m))
		}
		if m := ts.must(200, "GET", "/api/v1/flags", o.rep2.Token, nil); !strings.Contains(string(mustJSON(m)), "Rival Key") {
			t.Errorf("a colleague's flags: %s", mustJSON(m))
		}
		page := pageSignedIn(ts, o.rep.Email, testPassword).get("/accounts")
		if page.Status != 200 || strings.Contains(string(page.Body), "Blue Harbor") || !strings.Contains(string(page.Body), "Northwind") {
			t.Errorf("the accounts page: %d", page.Status)
		}
	})

	t.Run("other accounts' contacts are masked and read-only", func(t *testing.T) {
		other := string(ts.call("GET", path("/api/v1/accounts/%d/contacts", o.other), leaving, nil).Body)
		if strings.Contains(other, "boss@customer.example") || strings.Contains(other, "138") || !strings.Contains(other, `"masked":true`) {
			t.Errorf("another's contacts: %s", other)
		}
		own := string(ts.call("GET", path("/api/v1/accounts/%d/contacts", o.account), leaving, nil).Body)
		if !strings.Contains(own, "boss@customer.example") || strings.Contains(own, "masked") {
			t.Errorf("their own contacts: %s", own)
		}
		cid := id(ts.must(200, "GET", path("/api/v1/accounts/%d/contacts", o.other), o.rep2.Token, nil)["data"].([]any)[0].(map[string]any))
		if r := ts.call("PATCH", path("/api/v1/contacts/%d", cid), leaving, map[string]any{}); r.Status != http.StatusForbidden ||
			strings.Contains(string(r.Body), "boss@") {
			t.Errorf("an empty patch to read the contact back: %d %s", r.Status, r.Body)
		}
		b := pageSignedIn(ts, o.rep.Email, testPassword)
		if r := b.get(path("/contacts/%d/edit", cid)); r.Status != http.StatusForbidden || strings.Contains(string(r.Body), "boss@") {
			t.Errorf("the edit form of another's contact: %d", r.Status)
		}
		if r := b.get(path("/accounts/%d", o.other)); r.Status != 200 || strings.Contains(string(r.Body), "boss@customer.example") ||
			!strings.Contains(string(r.Body), "Phone and e-mail hidden") {
			t.Errorf("another's account page: %d", r.Status)
		}
	})

	t.Run("opening other accounts is recorded once per account and day", func(t *testing.T) {
		for _, p := range []string{"", "/contacts", "/interactions", "/history"} {
			ts.must(200, "GET", path("/api/v1/accounts/%d%s", o.other, p), leaving, nil)
			ts.must(200, "GET", path("/api/v1/accounts/%d%s", o.account, p), leaving, nil)
			ts.must(200, "GET", path("/api/v1/accounts/%d%s", backed, p), leaving, nil)
		}
		views := func() (n int64) {
			ts.App.DB.Read.Raw("SELECT COUNT(*) FROM notice_events WHERE user_id = ? AND kind = 'view'", o.rep.ID).Scan(&n)
			return n
		}
		if n := views(); n != 1 {
			t.Errorf("views recorded today: %d, want 1 (the other account, once)", n)
		}
		ts.Clock.Advance(24 * time.Hour)
		leaving = ts.login(o.rep.Email, testPassword) // the day-old token has expired
		ts.must(200, "GET", path("/api/v1/accounts/%d/history", o.other), leaving, nil)
		if n := views(); n != 2 {
			t.Errorf("views after a second day: %d, want 2", n)
		}
		r := ts.must(200, "GET", path("/api/v1/handovers/%d/report", hid), ts.login(o.mgr.Email, testPassword), nil)
		if v := r["notice_views"].([]any); len(v) != 2 || v[0].(map[string]any)["account_name"] != "Blue Harbor Foods" {
			t.Errorf("the report's views: %v", v)
		}
	})

	t.Run("every read of another account is recorded, once a day", func(t *testing.T) {
		third := ts.mustCreateAccount(ts.login(o.rep2.Email, testPassword), map[string]any{"name": "Third Co", "tier": "standard"})
		for _, p := range []string{"/complaints", "/churn", "/health", "/team"} {
			ts.call("GET", path("/api/v1/accounts/%d%s", third, p), leaving, nil)
		}
		var n int64
		ts.App.DB.Read.Raw("SELECT COUNT(*) FROM notice_events WHERE user_id = ? AND account_id = ?", o.rep.ID, third).Scan(&n)
		if n != 1 {
			t.Errorf("reads of another account's complaints, losses, health and team recorded %d times, want once", n)
		}
	})

	t.Run("a leaving manager runs no handovers and deletes no one else's contacts", func(t *testing.T) {
		admin := ts.adminToken()
		boss := ts.mustCreateUser(admin, "Bo Boss", "manager", 0)
		ts.must(201, "POST", "/api/v1/handovers", admin, map[string]any{"departing_user_id": boss.ID, "last_day": "2026-03-31"})
		bossNow := ts.login(boss.Email, testPassword)
		for _, p := range []string{"/api/v1/handovers", path("/api/v1/handovers/%d", hid), path("/api/v1/handovers/%d/report", hid)} {
			if r := ts.call("GET", p, bossNow, nil); r.Status != http.StatusForbidden || strings.Contains(string(r.Body), "boss@customer") {
				t.Errorf("a leaving manager reads %s: %d", p, r.Status)
			}
		}
		cid := id(ts.must(200, "GET", path("/api/v1/accounts/%d/contacts", o.other), admin, nil)["data"].([]any)[0].(map[string]any))
		if r := ts.call("DELETE", path("/api/v1/contacts/%d", cid), bossNow, nil); r.Status != http.StatusForbidden {
			t.Errorf("a leaving manager deleted another book's contact: %d", r.Status)
		}
	})

	t.Run("reports and exports are refused and audited", func(t *testing.T) {
		for _, p := range []string{path("/api/v1/handovers/%d/report", hid), "/api/v1/reports/concentration?format=csv"} {
			if r := ts.call("GET", p, leaving, nil); r.Status != http.StatusForbidden {
				t.Errorf("%s: %d", p, r.Status)
			}
		}
		var refused int64
		ts.App.DB.Read.Raw("SELECT COUNT(*) FROM audit_entries WHERE action = 'export.refused' AND actor_id = ?", o.rep.ID).Scan(&refused)
		if refused != 2 {
			t.Errorf("refusals audited: %d", refused)
		}
	})
}
