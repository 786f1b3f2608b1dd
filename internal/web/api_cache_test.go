package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"keyhold/internal/accounts"
	"keyhold/internal/sortkey"
)

// The read paths keep totals, facets, cadence policies, people and signed-out tokens in
// memory until a write changes them. Each test here reads (filling the cache), writes,
// and reads again: the write must show at once.

func total(t *testing.T, ts *testServer, token, query string) int {
	t.Helper()
	m := ts.must(200, "GET", "/api/v1/accounts?"+query, token, nil)
	return int(m["total"].(float64))
}

func TestTotalsStayExactAfterWrites(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	mgr := ts.mustCreateUser(admin, "Mia Manager", "manager", 0)
	rep := ts.mustCreateUser(admin, "Ray Rep", "sales", mgr.ID)
	other := ts.mustCreateUser(admin, "Olga Other", "sales", mgr.ID)
	a := ts.mustCreateAccount(rep.Token, map[string]any{"name": "Alpha", "tier": "key", "industry": "Steel"})
	ts.mustCreateAccount(rep.Token, map[string]any{"name": "Beta", "tier": "growth"})

	queries := []string{"", "tier=key", "owner_id=%d", "member_id=%d", "status=churned", "overdue=true",
		"q=alp", "industry=Steel", "tier=key&overdue=true"}
	want := func(step string, counts ...int) {
		t.Helper()
		for i, q := range queries {
			if i == 2 || i == 3 {
				q = fmt.Sprintf(q, other.ID)
			}
			if got := total(t, ts, rep.Token, q); got != counts[i] {
				t.Errorf("%s: total of ?%s = %d, want %d", step, q, got, counts[i])
			}
		}
	}
	want("two accounts", 2, 1, 0, 0, 0, 2, 1, 1, 1)

	c := ts.mustCreateAccount(other.Token, map[string]any{"name": "Gamma", "tier": "key"})
	want("created", 3, 2, 1, 1, 0, 3, 1, 1, 2)

	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", a), rep.Token, map[string]any{"kind": "call", "summary": "Checked in"})
	want("called Alpha", 3, 2, 1, 1, 0, 2, 1, 1, 1)

	ts.must(200, "POST", path("/api/v1/accounts/%d/transfer", a), mgr.Token, map[string]any{"to_user_id": other.ID, "reason": "Region change"})
	want("transferred Alpha to Olga", 3, 2, 2, 2, 0, 2, 1, 1, 1)

	ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", c, rep.ID), other.Token, map[string]any{"role": "backup"})
	ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", a+1, other.ID), rep.Token, map[string]any{"role": "support"})
	want("Olga joined Beta's team", 3, 2, 2, 3, 0, 2, 1, 1, 1)

	ts.must(200, "PATCH", path("/api/v1/accounts/%d", a), other.Token, map[string]any{"name": "Delta", "industry": "Glass"})
	want("renamed Alpha", 3, 2, 2, 3, 0, 2, 0, 0, 1)

	ts.must(201, "POST", path("/api/v1/accounts/%d/churn", c), mgr.Token, map[string]any{"reason": "price", "voluntary": true})
	want("Gamma churned", 3, 2, 2, 3, 1, 1, 0, 0, 0)

	ts.must(204, "DELETE", path("/api/v1/accounts/%d", c), mgr.Token, nil)
	want("Gamma deleted", 2, 1, 1, 2, 0, 1, 0, 0, 0)

	// Time alone: Delta (called on day 0, key cadence 14 days) falls overdue.
	ts.Clock.Advance(15 * 24 * time.Hour)
	rep.Token = ts.login(rep.Email, testPassword)
	want("two weeks later", 2, 1, 1, 2, 0, 2, 0, 0, 1)
	// A request that started a moment before the cached count was made reads it too:
	// with the clock set back two days, Delta is not due yet.
	ts.Clock.Advance(-2 * 24 * time.Hour)
	want("two days earlier", 2, 1, 1, 2, 0, 1, 0, 0, 0)
}

func TestFacetsShowANewIndustryAtOnce(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	ts.mustCreateAccount(admin, map[string]any{"name": "Alpha", "tier": "key", "industry": "Steel"})
	b := ts.browser()
	b.signIn(adminEmail, adminPassword)
	if page := b.get("/accounts"); !bytes.Contains(page.Body, []byte("Steel")) || bytes.Contains(page.Body, []byte("Ceramics")) {
		t.Fatalf("facets before: %d", page.Status)
	}
	ts.mustCreateAccount(admin, map[string]any{"name": "Beta", "tier": "key", "industry": "Ceramics"})
	if page := b.get("/accounts"); !bytes.Contains(page.Body, []byte("Ceramics")) {
		t.Error("a new industry is missing from the filter until something else changes")
	}
}

func TestCadenceChangeShowsOnTheNextRead(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	a := ts.mustCreateAccount(admin, map[string]any{"name": "Alpha", "tier": "growth"})
	if m := ts.must(200, "GET", path("/api/v1/accounts/%d", a), admin, nil); m["cadence_days"].(float64) != 30 {
		t.Fatalf("cadence_days = %v", m["cadence_days"])
	}
	ts.must(200, "PUT", "/api/v1/cadence-policies/growth", admin, map[string]any{"interval_days": 21})
	if m := ts.must(200, "GET", path("/api/v1/accounts/%d", a), admin, nil); m["cadence_days"].(float64) != 21 {
		t.Errorf("after the policy change, cadence_days = %v, want 21", m["cadence_days"])
	}
	// The next call is due by the new cadence.
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", a), admin, map[string]any{"kind": "call", "summary": "Hi"})
	acct := ts.must(200, "GET", path("/api/v1/accounts/%d", a), admin, nil)
	due, _ := time.Parse(time.RFC3339, acct["next_contact_due"].(string))
	if want := ts.Clock.Now().AddDate(0, 0, 21); !due.Equal(want) {
		t.Errorf("next_contact_due = %v, want %v", due, want)
	}
}

func TestPeopleChangesShowAtOnce(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	rep := ts.mustCreateUser(admin, "Ray Rep", "sales", 0)
	a := ts.mustCreateAccount(rep.Token, map[string]any{"name": "Alpha", "tier": "key"})
	owner := func() map[string]any {
		return ts.must(200, "GET", path("/api/v1/accounts/%d", a), admin, nil)["owner"].(map[string]any)
	}
	if owner()["name"] != "Ray Rep" {
		t.Fatal(owner())
	}
	ts.must(200, "PATCH", path("/api/v1/users/%d", rep.ID), admin, map[string]any{"name": "Ray Rivers"})
	if got := owner()["name"]; got != "Ray Rivers" {
		t.Errorf("owner name after rename = %v", got)
	}
	// A role change ends the user's sessions: the old token is refused on the next request.
	ts.must(200, "GET", "/api/v1/me", rep.Token, nil)
	ts.must(200, "PATCH", path("/api/v1/users/%d", rep.ID), admin, map[string]any{"role": "manager"})
	if r := ts.call("GET", "/api/v1/me", rep.Token, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("old token after a role change: %d", r.Status)
	}
}

func TestSignOutRefusesTheTokenAtOnce(t *testing.T) {
	ts := newTestServer(t)
	b := ts.browser()
	b.signIn(adminEmail, adminPassword)
	token := pageSessionCookie(t, b)
	ts.must(200, "GET", "/api/v1/me", token, nil) // the token is known good (and cached)
	page := b.get("/")
	b.post("/logout", map[string][]string{"csrf_token": {csrfFrom(page.Body)}})
	if r := ts.call("GET", "/api/v1/me", token, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("signed-out token: %d", r.Status)
	}
}

func TestFlagTotalsFollowWrites(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	a := ts.mustCreateAccount(admin, map[string]any{"name": "Alpha", "tier": "key"})
	flags := func() int {
		return int(ts.must(200, "GET", "/api/v1/flags?neglected=true", admin, nil)["total"].(float64))
	}
	if n := flags(); n != 1 {
		t.Fatalf("a key account never contacted is neglected: total %d", n)
	}
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", a), admin, map[string]any{"kind": "visit", "summary": "Met"})
	if n := flags(); n != 0 {
		t.Errorf("after the visit, neglected total = %d, want 0", n)
	}
}

func TestScanConfirmsEveryScoreWithoutRewritingIt(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	a := ts.mustCreateAccount(admin, map[string]any{"name": "Alpha", "tier": "standard"})
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", a), admin, map[string]any{"kind": "call", "summary": "Hi"})
	computed := func() string {
		return ts.must(200, "GET", path("/api/v1/accounts/%d/health", a), admin, nil)["computed_at"].(string)
	}
	before := computed()
	ts.Clock.Advance(time.Hour)
	var rowBefore string
	ts.App.DB.Read.Raw("SELECT computed_at FROM account_health WHERE account_id = ?", a).Scan(&rowBefore)
	res, err := ts.App.Health.Scan(context.Background())
	if err != nil || res.Accounts != 1 {
		t.Fatalf("scan: %+v %v", res, err)
	}
	var rowAfter string
	ts.App.DB.Read.Raw("SELECT computed_at FROM account_health WHERE account_id = ?", a).Scan(&rowAfter)
	if rowAfter != rowBefore {
		t.Errorf("the scan rewrote an unchanged row (%s → %s)", rowBefore, rowAfter)
	}
	if after := computed(); after == before || after != ts.Clock.Now().Format(time.RFC3339) {
		t.Errorf("computed_at after the scan = %s (before %s), want the scan's time", after, before)
	}
}

func TestTeamChangesShowOnTheAccountAtOnce(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	rep := ts.mustCreateUser(admin, "Ray Rep", "sales", 0)
	a := ts.mustCreateAccount(admin, map[string]any{"name": "Alpha", "tier": "key"})
	team := func() int {
		return len(ts.must(200, "GET", path("/api/v1/accounts/%d", a), admin, nil)["team"].([]any))
	}
	if n := team(); n != 1 {
		t.Fatalf("team of a new account: %d", n)
	}
	ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", a, rep.ID), admin, map[string]any{"role": "backup"})
	if n := team(); n != 2 {
		t.Errorf("after adding a backup the account shows %d team members", n)
	}
	ts.must(204, "DELETE", path("/api/v1/accounts/%d/team/%d", a, rep.ID), admin, nil)
	if n := team(); n != 1 {
		t.Errorf("after removing the backup the account shows %d team members", n)
	}
}

// The staff pickers are escaped once per change of the staff: a renamed, added or
// departed user shows in the next page, escaped, and the selection follows the filter.
func TestStaffPickerFollowsTheStaff(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	mgr := ts.mustCreateUser(admin, "Mia Manager", "manager", 0)
	rep := ts.mustCreateUser(admin, "Ray Rep", "sales", mgr.ID)
	b := ts.browser()
	b.signIn(mgr.Email, testPassword)
	page := func(path string) string { return string(b.get(path).Body) }

	if got := page("/accounts"); !bytes.Contains([]byte(got), []byte(fmt.Sprintf(`<option value="%d">Ray Rep</option>`, rep.ID))) {
		t.Fatalf("Ray is not in the owner picker:\n%s", got)
	}
	ts.must(200, "PATCH", path("/api/v1/users/%d", rep.ID), admin, map[string]any{"name": `Ray <b>"Rep"</b>`})
	want := fmt.Sprintf(`<option value="%d" selected>Ray &lt;b&gt;&#34;Rep&#34;&lt;/b&gt;</option>`, rep.ID)
	if got := page(path("/accounts?owner_id=%d", rep.ID)); !bytes.Contains([]byte(got), []byte(want)) {
		t.Fatalf("the renamed Ray is not escaped and selected (want %s):\n%s", want, got)
	}
	if got := page("/flags"); !bytes.Contains([]byte(got), []byte(fmt.Sprintf(`<option value="%d">Ray &lt;b&gt;`, rep.ID))) {
		t.Fatalf("the flags page shows another picker:\n%s", got)
	}
	newcomer := ts.mustCreateUser(admin, "Nia Newcomer", "sales", mgr.ID)
	if got := page("/accounts"); !bytes.Contains([]byte(got), []byte(fmt.Sprintf(`<option value="%d">Nia Newcomer</option>`, newcomer.ID))) {
		t.Fatalf("the new user is not in the picker:\n%s", got)
	}
	a := ts.mustCreateAccount(rep.Token, map[string]any{"name": "Alpha", "tier": "key"})
	got := page(path("/accounts/%d", a))
	if n := bytes.Count([]byte(got), []byte(fmt.Sprintf(`<option value="%d"`, rep.ID))); n != 1 {
		t.Errorf("the owner is in %d pickers: the team picker only, not as their own successor", n)
	}
	if n := bytes.Count([]byte(got), []byte(fmt.Sprintf(`<option value="%d">Nia Newcomer</option>`, newcomer.ID))); n != 2 {
		t.Errorf("Nia is in %d of the account page's two pickers", n)
	}
}

// TestAccountsInMemoryFollowEveryWriter writes through one instance and lists through
// another on the same database file (as a second process would): after every kind of
// change, each order of the second one lists exactly the rows SQL holds.
func TestAccountsInMemoryFollowEveryWriter(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	mgr := ts.mustCreateUser(admin, "Mia Manager", "manager", 0)
	rep := ts.mustCreateUser(admin, "Ray Rep", "sales", mgr.ID)
	other := ts.mustCreateUser(admin, "Olga Other", "sales", mgr.ID)
	reader := startServer(t, ts.DB, ts.Clock)
	readerToken := reader.login(rep.Email, testPassword)

	fields := []string{"id", "name", "tier", "status", "industry", "region", "channel", "annual_value", "currency",
		"customer_since", "renewal_date", "cadence_override", "owner_id", "last_contacted_at", "next_contact_due",
		"created_at", "updated_at"}
	// By name is the collation's order (pinyin for Chinese names), which SQL does not know:
	// read by id, then sorted by sortkey, as the in-memory list should be.
	sorts := map[string]string{"name": "id", "-annual_value": "annual_value DESC, id", "next_contact_due": "next_contact_due NULLS FIRST, id"}
	check := func(step string) {
		t.Helper()
		for sort, order := range sorts {
			var rows []accounts.Account
			if err := ts.App.DB.Read.Order(order).Find(&rows).Error; err != nil {
				t.Fatal(err)
			}
			if sort == "name" {
				sortkey.Sort(rows, func(a accounts.Account) string { return a.Name })
			}
			var want []map[string]any
			if err := json.Unmarshal(mustJSON(rows), &want); err != nil {
				t.Fatal(err)
			}
			got := reader.must(200, "GET", "/api/v1/accounts?per_page=200&sort="+sort, readerToken, nil)["data"].([]any)
			if len(got) != len(want) {
				t.Fatalf("%s, sort %s: %d accounts listed, %d in the database", step, sort, len(got), len(want))
			}
			for i := range want {
				for _, f := range fields {
					g, w := fmt.Sprint(got[i].(map[string]any)[f]), fmt.Sprint(want[i][f])
					if f == "next_contact_due" && want[i][f] == nil {
						continue // shown as due now
					}
					if g != w {
						t.Errorf("%s, sort %s, row %d: %s = %s, the database has %s", step, sort, i, f, g, w)
					}
				}
				// The team, as user:role, in the order of the database's rows by user.
				var team []string
				if err := ts.App.DB.Read.Raw("SELECT user_id || ':' || role FROM account_team WHERE account_id = ? ORDER BY user_id",
					rows[i].ID).Scan(&team).Error; err != nil {
					t.Fatal(err)
				}
				var shown []string
				for _, m := range got[i].(map[string]any)["team"].([]any) {
					m := m.(map[string]any)
					shown = append(shown, fmt.Sprintf("%v:%v", m["user_id"], m["role"]))
				}
				slices.Sort(shown)
				if fmt.Sprint(shown) != fmt.Sprint(team) {
					t.Errorf("%s, sort %s, row %d: team %v, the database has %v", step, sort, i, shown, team)
				}
			}
		}
	}
	a := ts.mustCreateAccount(rep.Token, map[string]any{"name": "Alpha", "tier": "key", "industry": "Steel",
		"annual_value": 500, "renewal_date": "2026-09-01"})
	b := ts.mustCreateAccount(rep.Token, map[string]any{"name": "beta", "tier": "growth", "annual_value": 900})
	c := ts.mustCreateAccount(other.Token, map[string]any{"name": "Gamma", "tier": "key", "annual_value": 900})
	check("created")
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", a), rep.Token, map[string]any{"kind": "call", "summary": "Checked in"})
	check("called Alpha")
	ts.must(200, "PATCH", path("/api/v1/accounts/%d", b), rep.Token, map[string]any{"name": "Beta", "annual_value": 100,
		"cadence_days": 7, "channel": "partner", "region": "East"})
	check("edited Beta")
	ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", a, mgr.ID), rep.Token, map[string]any{"role": "backup"})
	check("Mia joined Alpha's team")
	ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", a, mgr.ID), rep.Token, map[string]any{"role": "executive_sponsor"})
	check("Mia became Alpha's sponsor")
	ts.must(200, "POST", path("/api/v1/accounts/%d/transfer", a), mgr.Token, map[string]any{"to_user_id": other.ID, "reason": "Region change"})
	check("transferred Alpha")
	ts.must(204, "DELETE", path("/api/v1/accounts/%d/team/%d", a, mgr.ID), other.Token, nil)
	check("Mia left Alpha's team")
	ts.must(201, "POST", path("/api/v1/accounts/%d/churn", c), mgr.Token, map[string]any{"reason": "price", "voluntary": true})
	check("churned Gamma")
	ts.must(204, "DELETE", path("/api/v1/accounts/%d", b), mgr.Token, nil)
	check("deleted Beta")
	ts.Clock.Advance(20 * 24 * time.Hour)
	if _, err := ts.App.Health.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	readerToken = reader.login(rep.Email, testPassword)
	check("scanned three weeks later")
	// The health orders follow the scores the scan wrote.
	byHealth := reader.must(200, "GET", "/api/v1/accounts?sort=health", readerToken, nil)["data"].([]any)
	first := int64(byHealth[0].(map[string]any)["id"].(float64))
	var worst int64
	if err := ts.App.DB.Read.Raw("SELECT account_id FROM account_health ORDER BY score, account_id LIMIT 1").Scan(&worst).Error; err != nil {
		t.Fatal(err)
	}
	if first != worst {
		t.Errorf("sort=health lists %d first, the lowest score is %d's", first, worst)
	}
	// So do the flags, in their order.
	var flagged []int64
	if err := ts.App.DB.Read.Raw(`SELECT h.account_id FROM account_health h JOIN accounts a ON a.id = h.account_id
		WHERE a.deleted_at IS NULL AND a.status = 'active' AND h.flagged_since IS NOT NULL
		ORDER BY h.risk_value DESC, h.score, h.account_id`).Scan(&flagged).Error; err != nil {
		t.Fatal(err)
	}
	var listed []int64
	for _, f := range reader.must(200, "GET", "/api/v1/flags?per_page=200", reader.login(mgr.Email, testPassword), nil)["data"].([]any) {
		listed = append(listed, int64(f.(map[string]any)["account"].(map[string]any)["id"].(float64)))
	}
	if len(flagged) == 0 || fmt.Sprint(listed) != fmt.Sprint(flagged) {
		t.Errorf("flags listed %v, the database flags %v", listed, flagged)
	}
}

// The flag lists keep each account's health row until the account or its health
// changes: a scan that changes only a reason's numbers (one more day without contact, the
// same score) shows on the next read.
func TestFlagsShowARescoredReasonAtOnce(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	message := func() (string, any) {
		t.Helper()
		f := ts.must(200, "GET", "/api/v1/flags?neglected=true", o.mgr.Token, nil)["data"].([]any)[0].(map[string]any)
		return f["reasons"].([]any)[0].(map[string]any)["message"].(string), f["flagged_since"]
	}
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", o.account), o.rep.Token, map[string]any{"kind": "call", "summary": "Hello"})
	scan := func(days int) {
		t.Helper()
		ts.Clock.Advance(time.Duration(days) * 24 * time.Hour)
		if _, err := ts.App.Health.Scan(context.Background()); err != nil {
			t.Fatal(err)
		}
		o.mgr.Token = ts.login(o.mgr.Email, testPassword)
	}
	scan(30)
	before, since := message()
	if before != "No contact for 30 days; the cadence is 14 days (16 days overdue)." {
		t.Fatalf("after 30 days: %q", before)
	}
	scan(1)
	after, again := message()
	if after != "No contact for 31 days; the cadence is 14 days (17 days overdue)." || again != since {
		t.Errorf("a day later: %q (flagged since %v, was %v)", after, again, since)
	}
}
