package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestAccountLifecycle(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	mgr := ts.mustCreateUser(admin, "Wang Li", "manager", 0)
	rep := ts.mustCreateUser(admin, "Zhang Wei", "sales", mgr.ID)
	rep2 := ts.mustCreateUser(admin, "Amy Chen", "sales", mgr.ID)

	acc := ts.must(201, "POST", "/api/v1/accounts", rep.Token, map[string]any{
		"name": "上海恒瑞精密机械", "tier": "key", "industry": "Manufacturing", "region": "East China",
		"annual_value": 1200000, "renewal_date": "2026-09-30"})
	accID := id(acc)
	if acc["owner_id"].(float64) != float64(rep.ID) {
		t.Fatalf("owner defaults to the caller: %v", acc["owner_id"])
	}
	if acc["cadence_days"].(float64) != 14 || acc["overdue"] != true || acc["last_contacted_at"] != nil {
		t.Fatalf("a new key account: cadence 14, overdue until first contact: %v", acc)
	}
	team := acc["team"].([]any)
	if len(team) != 1 || team[0].(map[string]any)["role"] != "owner" {
		t.Fatalf("owner is on the team: %v", team)
	}

	// A call moves last contact and next due date.
	ts.Clock.Advance(-0) // same instant
	it := ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", accID), rep.Token, map[string]any{
		"kind": "call", "summary": "Discussed renewal", "occurred_at": "2026-03-09T10:00:00Z",
		"participant_ids": []int64{rep2.ID}, "next_step": "Send quote", "next_step_due": "2026-03-12"})
	if it["author_id"].(float64) != float64(rep.ID) || len(it["participant_ids"].([]any)) != 1 {
		t.Fatalf("interaction: %v", it)
	}
	got := ts.must(200, "GET", path("/api/v1/accounts/%d", accID), rep2.Token, nil)
	if got["last_contacted_at"] != "2026-03-09T10:00:00Z" || got["next_contact_due"] != "2026-03-23T10:00:00Z" || got["overdue"] != false {
		t.Fatalf("after a call: %v %v %v", got["last_contacted_at"], got["next_contact_due"], got["overdue"])
	}

	// A note is not contact.
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", accID), rep.Token, map[string]any{
		"kind": "note", "summary": "internal"})
	got = ts.must(200, "GET", path("/api/v1/accounts/%d", accID), rep.Token, nil)
	if got["last_contacted_at"] != "2026-03-09T10:00:00Z" {
		t.Fatalf("a note moved the last contact: %v", got["last_contacted_at"])
	}

	list := ts.must(200, "GET", path("/api/v1/accounts/%d/interactions", accID), rep.Token, nil)
	if list["total"].(float64) != 2 {
		t.Fatalf("timeline: %v", list)
	}

	// Transfer with a reason; the old owner stays as backup.
	tr := ts.must(200, "POST", path("/api/v1/accounts/%d/transfer", accID), mgr.Token, map[string]any{
		"to_user_id": rep2.ID, "reason": "Territory rebalancing"})
	if tr["owner_id"].(float64) != float64(rep2.ID) {
		t.Fatalf("transfer: %v", tr)
	}
	teamRes := ts.call("GET", path("/api/v1/accounts/%d/team", accID), rep.Token, nil)
	if teamRes.Status != 200 {
		t.Fatal(teamRes.Status)
	}
	hist := ts.must(200, "GET", path("/api/v1/accounts/%d/history", accID), rep.Token, nil)
	entries := hist["data"].([]any)
	first := entries[0].(map[string]any)
	if len(entries) != 2 || first["action"] != "account.transfer" || first["reason"] != "Territory rebalancing" ||
		first["from_user_id"].(float64) != float64(rep.ID) || first["to_user_id"].(float64) != float64(rep2.ID) {
		t.Fatalf("history: %v", entries)
	}
	_ = http.StatusOK
}

// An annual value is bounded (issue 12: 5e18 on two accounts made every handover and
// report overflow), on create and on change alike.
func TestAnnualValueIsBounded(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	for _, c := range []struct {
		value any
		code  int
	}{{5000000000000000000, 422}, {1000000000001, 422}, {-1, 422}, {1000000000000, 201}} {
		r := ts.call("POST", "/api/v1/accounts", admin, map[string]any{"name": "Big", "tier": "key", "annual_value": c.value})
		if r.Status != c.code {
			t.Errorf("annual_value %v: %d, want %d: %s", c.value, r.Status, c.code, r.Body)
		}
	}
	a := ts.mustCreateAccount(admin, map[string]any{"name": "Small", "tier": "growth", "annual_value": 10})
	if r := ts.call("PATCH", path("/api/v1/accounts/%d", a), admin, map[string]any{"annual_value": 5000000000000000000}); r.Status != 422 {
		t.Errorf("a patch to 5e18: %d", r.Status)
	}
	// With the largest values allowed, a handover of them still answers.
	mgr := ts.mustCreateUser(admin, "Max Manager", "manager", 0)
	rep := ts.mustCreateUser(admin, "Rita Rep", "sales", mgr.ID)
	for range 2 {
		ts.mustCreateAccount(rep.Token, map[string]any{"name": "Huge", "tier": "key", "annual_value": 1000000000000})
	}
	ts.must(201, "POST", "/api/v1/handovers", mgr.Token, map[string]any{"departing_user_id": rep.ID, "last_day": "2026-03-31"})
}

// Lists of companies and people are in the reader's order: by letter, Chinese names under
// the first letter of their pinyin, in pinyin order (not by character code, English first).
func TestNamesSortInPinyinOrder(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	mgr := ts.mustCreateUser(admin, "王丽", "manager", 0)
	for _, n := range []string{"张伟", "李娜", "陈静"} {
		ts.mustCreateUser(admin, n, "sales", mgr.ID)
	}
	for _, n := range []string{"张三贸易", "阿里物流", "beta Ltd", "北京恒信", "Alpha Co"} {
		ts.mustCreateAccount(mgr.Token, map[string]any{"name": n, "tier": "standard"})
	}
	var got []string
	for _, a := range ts.must(200, "GET", "/api/v1/accounts?sort=name", mgr.Token, nil)["data"].([]any) {
		got = append(got, a.(map[string]any)["name"].(string))
	}
	if want := []string{"Alpha Co", "阿里物流", "beta Ltd", "北京恒信", "张三贸易"}; !slices.Equal(got, want) {
		t.Errorf("accounts by name: %q, want %q", got, want)
	}
	got = nil
	for _, u := range ts.must(200, "GET", "/api/v1/users", admin, nil)["data"].([]any) {
		got = append(got, u.(map[string]any)["name"].(string))
	}
	if want := []string{"Administrator", "陈静", "李娜", "王丽", "张伟"}; !slices.Equal(got, want) {
		t.Errorf("people by name: %q, want %q", got, want)
	}
}

// An account's size: large, mid, small or unknown, refused otherwise; the retention report
// groups by it.
func TestAccountSize(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	if r := ts.call("POST", "/api/v1/accounts", o.rep.Token, map[string]any{"name": "Huge Co", "tier": "key", "size": "huge"}); r.Status != 422 ||
		!strings.Contains(string(r.Body), `"size":"must be large, mid or small"`) {
		t.Fatalf("a size that is none: %d %s", r.Status, r.Body)
	}
	big := ts.mustCreateAccount(o.rep.Token, map[string]any{"name": "Big Co", "tier": "key", "size": "large", "customer_since": "2025-01-01"})
	if a := ts.must(200, "GET", path("/api/v1/accounts/%d", big), o.rep.Token, nil); a["size"] != "large" {
		t.Errorf("size: %v", a["size"])
	}
	if a := ts.must(200, "GET", path("/api/v1/accounts/%d", o.account), o.rep.Token, nil); a["size"] != "" {
		t.Errorf("unknown size: %v", a["size"])
	}
	if a := ts.must(200, "PATCH", path("/api/v1/accounts/%d", big), o.rep.Token, map[string]any{"size": "mid"}); a["size"] != "mid" {
		t.Errorf("size after the change: %v", a["size"])
	}
	rows := ts.must(200, "GET", "/api/v1/reports/retention?group_by=size&from=2025-06-01&to=2026-03-01", o.mgr.Token, nil)["data"].([]any)
	if len(rows) != 1 || rows[0].(map[string]any)["group"] != "mid" || rows[0].(map[string]any)["accounts_at_start"] != 1.0 {
		t.Errorf("retention by size: %v", rows)
	}
}
