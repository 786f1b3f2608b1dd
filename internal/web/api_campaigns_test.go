package web_test

import (
	"testing"
)

// TestCampaignLeadersAndDoneRules: who each task goes to, what does it, and who may see
// and change a campaign. The clock stands at 10 March 2026; the window is March, in the
// company's zone (Asia/Shanghai).
func TestCampaignLeadersAndDoneRules(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	vp := ts.mustCreateUser(o.admin, "Zhou Jian", "manager", 0)
	ts.must(200, "PATCH", path("/api/v1/users/%d", o.mgr.ID), o.admin, map[string]any{"manager_id": vp.ID})
	sponsor := ts.mustCreateUser(o.admin, "Li Hua", "manager", 0)
	loner := ts.mustCreateUser(o.admin, "Sun Mei", "sales", 0) // nobody's report
	sponsored := ts.mustCreateAccount(o.rep.Token, map[string]any{"name": "Harbor Steel", "tier": "key"})
	ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", sponsored, sponsor.ID), o.mgr.Token, map[string]any{"role": "executive_sponsor"})
	alone := ts.mustCreateAccount(loner.Token, map[string]any{"name": "Lone Pine Foods", "tier": "key"})
	body := map[string]any{"kind": "holiday_greeting", "name": "春节问候 2026", "from": "2026-03-01", "to": "2026-03-31", "tier": "key"}

	if r := ts.call("POST", "/api/v1/campaigns", o.rep.Token, body); r.Status != 403 {
		t.Fatalf("a rep starts a campaign: %d", r.Status)
	}
	for name, bad := range map[string]map[string]any{
		"kind":          {"kind": "party", "name": "x", "from": "2026-03-01", "to": "2026-03-31"},
		"window":        {"kind": "custom", "name": "x", "from": "2026-03-31", "to": "2026-03-01"},
		"a year":        {"kind": "custom", "name": "x", "from": "2026-01-01", "to": "2027-06-01"},
		"both":          {"kind": "custom", "name": "x", "from": "2026-03-01", "to": "2026-03-31", "tier": "key", "account_ids": []int64{o.account}},
		"nothing":       {"kind": "custom", "name": "x", "from": "2026-03-01", "to": "2026-03-31", "industry": "Mining"},
		"churned/wrong": {"kind": "custom", "name": "x", "from": "2026-03-01", "to": "2026-03-31", "account_ids": []int64{o.account, 99999}},
		"name":          {"kind": "custom", "name": " ", "from": "2026-03-01", "to": "2026-03-31"},
		"owner":         {"kind": "custom", "name": "x", "from": "2026-03-01", "to": "2026-03-31", "owner_id": 99999},
	} {
		if r := ts.call("POST", "/api/v1/campaigns", o.mgr.Token, bad); r.Status != 422 {
			t.Errorf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	var n int64
	ts.App.DB.Read.Raw("SELECT COUNT(*) FROM campaigns").Scan(&n)
	if n != 0 {
		t.Fatalf("refused campaigns were written: %d", n)
	}

	made := ts.must(201, "POST", "/api/v1/campaigns", o.mgr.Token, body)
	id := int64(made["id"].(float64))
	leaders := map[int64]int64{}
	for _, x := range made["tasks"].([]any) {
		task := x.(map[string]any)
		leaders[int64(task["account_id"].(float64))] = int64(task["leader_id"].(float64))
	}
	// Northwind: the owner's manager; Harbor Steel: its sponsor; Lone Pine: nobody manages
	// its owner, so the manager who started it. Blue Harbor is not a key account.
	if len(leaders) != 3 || leaders[o.account] != o.mgr.ID || leaders[sponsored] != sponsor.ID || leaders[alone] != o.mgr.ID {
		t.Fatalf("leaders %v", leaders)
	}
	if p := made["progress"].(map[string]any); p["tasks"] != 3.0 || p["done"] != 0.0 || made["status"] != "running" {
		t.Fatalf("progress %v, status %v", p, made["status"])
	}

	logOn := func(tok string, acc int64, kind, at string, with ...int64) {
		t.Helper()
		b := map[string]any{"kind": kind, "occurred_at": at, "summary": "新春问候"}
		if len(with) > 0 {
			b["participant_ids"] = with
		}
		ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", acc), tok, b)
	}
	done := func() map[int64]bool {
		out := map[int64]bool{}
		for _, x := range ts.must(200, "GET", path("/api/v1/campaigns/%d", id), o.mgr.Token, nil)["tasks"].([]any) {
			task := x.(map[string]any)
			out[int64(task["account_id"].(float64))] = task["done"].(bool)
		}
		return out
	}
	logOn(o.rep.Token, o.account, "holiday_greeting", "2026-03-05T10:00:00+08:00")  // the owner: not a leader
	logOn(o.mgr.Token, o.account, "holiday_greeting", "2026-02-28T15:00:00Z")       // 23:00 on 28 February in Shanghai: before
	logOn(o.mgr.Token, o.account, "call", "2026-03-05T10:00:00+08:00")              // a call is not a greeting
	logOn(sponsor.Token, sponsored, "executive_visit", "2026-03-02T09:00:00+08:00") // someone else's account? no: the sponsor's own task
	if d := done(); d[o.account] || !d[sponsored] || d[alone] {
		t.Fatalf("after the owner's, an early and a call's touches: %v", d)
	}
	logOn(o.rep.Token, o.account, "executive_visit", "2026-02-28T17:00:00Z", o.mgr.ID) // 1 March, 01:00 in Shanghai, with the manager
	if d := done(); !d[o.account] {
		t.Fatalf("the manager's visit as a participant, within the window, did not count: %v", d)
	}
	// Anyone above the owner counts: the manager's own manager greets Lone Pine? No — its
	// owner has no manager, so only its leader does.
	logOn(vp.Token, alone, "holiday_greeting", "2026-03-06T10:00:00+08:00")
	if d := done(); d[alone] {
		t.Fatalf("someone not above the owner did Lone Pine's task: %v", d)
	}
	logOn(o.mgr.Token, alone, "holiday_greeting", "2026-03-06T11:00:00+08:00")
	detail := ts.must(200, "GET", path("/api/v1/campaigns/%d", id), o.mgr.Token, nil)
	if p := detail["progress"].(map[string]any); p["done"] != 3.0 || p["left"] != 0.0 {
		t.Fatalf("progress %v", p)
	}

	// Mine: the manager's two tasks, done; the sponsor's one.
	mine := ts.must(200, "GET", "/api/v1/me/campaign-tasks", o.mgr.Token, nil)["data"].([]any)
	if len(mine) != 2 || mine[0].(map[string]any)["campaign_name"] != "春节问候 2026" {
		t.Fatalf("the manager's tasks: %v", mine)
	}
	agenda := ts.must(200, "GET", "/api/v1/me/agenda", sponsor.Token, nil)
	if len(agenda["campaign_tasks"].([]any)) != 0 {
		t.Fatalf("a done task on the agenda: %v", agenda["campaign_tasks"])
	}

	// A leader who departs: the task says so, for someone to take it over.
	ts.must(200, "POST", path("/api/v1/users/%d/depart", sponsor.ID), o.admin, nil)
	for _, x := range ts.must(200, "GET", path("/api/v1/campaigns/%d", id), o.mgr.Token, nil)["tasks"].([]any) {
		task := x.(map[string]any)
		if want := map[bool]string{true: "departed", false: "active"}[task["leader_id"] == float64(sponsor.ID)]; task["leader_status"] != want {
			t.Errorf("task of %v: leader %v", task["account_name"], task["leader_status"])
		}
	}

	// The vice-president above the owner does a task that is not his.
	second := ts.must(201, "POST", "/api/v1/campaigns", o.mgr.Token, map[string]any{"kind": "annual_review", "name": "Reviews",
		"from": "2026-03-10", "to": "2026-04-30", "account_ids": []int64{o.account}})
	sid := int64(second["id"].(float64))
	if a := ts.must(200, "GET", "/api/v1/me/agenda", o.mgr.Token, nil)["campaign_tasks"].([]any); len(a) != 1 {
		t.Fatalf("the open review is not on the manager's agenda: %v", a)
	}
	logOn(vp.Token, o.account, "executive_visit", "2026-03-10T08:00:00+08:00")
	if r := ts.must(200, "GET", path("/api/v1/campaigns/%d", sid), o.mgr.Token, nil); r["progress"].(map[string]any)["done"] != 1.0 {
		t.Fatalf("a visit by the owner's manager's manager did not count: %v", r["tasks"])
	}

	// Hand-picked by name, in any case; a name nobody has is refused, naming it.
	named := ts.must(201, "POST", "/api/v1/campaigns", o.mgr.Token, map[string]any{"kind": "custom", "name": "By name",
		"from": "2026-03-10", "to": "2026-03-31", "account_names": []string{"northwind LOGISTICS", "Harbor Steel"}})
	if p := named["progress"].(map[string]any); p["tasks"] != 2.0 {
		t.Errorf("by name: %v", p)
	}
	r := ts.call("POST", "/api/v1/campaigns", o.mgr.Token, map[string]any{"kind": "custom", "name": "By name",
		"from": "2026-03-10", "to": "2026-03-31", "account_names": []string{"Harbor Steel", "Nowhere Co"}})
	if r.Status != 422 || r.field(t, "account_names") != "no active account has these names: Nowhere Co" {
		t.Errorf("an unknown name: %d %s", r.Status, r.Body)
	}

	// Who sees and who deletes.
	for _, c := range []int64{id, 99999} { // another's campaign, and one that does not exist: the same answer
		if r := ts.call("GET", path("/api/v1/campaigns/%d", c), o.rep.Token, nil); r.Status != 403 {
			t.Errorf("a rep reads campaign %d: %d", c, r.Status)
		}
	}
	if r := ts.call("GET", "/api/v1/campaigns", o.rep.Token, nil); r.Status != 403 {
		t.Errorf("a rep lists campaigns: %d", r.Status)
	}
	if r := ts.call("DELETE", path("/api/v1/campaigns/%d", id), vp.Token, nil); r.Status != 403 {
		t.Errorf("another manager deletes the campaign: %d", r.Status)
	}
	if list := ts.must(200, "GET", "/api/v1/campaigns", vp.Token, nil)["data"].([]any); len(list) != 3 {
		t.Errorf("campaigns: %v", list)
	}
	ts.must(204, "DELETE", path("/api/v1/campaigns/%d", id), o.mgr.Token, nil)
	ts.App.DB.Read.Raw("SELECT COUNT(*) FROM campaign_tasks WHERE campaign_id = ?", id).Scan(&n)
	if n != 0 {
		t.Errorf("tasks left behind: %d", n)
	}
	if r := ts.call("GET", path("/api/v1/campaigns/%d", id), o.mgr.Token, nil); r.Status != 404 {
		t.Errorf("a deleted campaign: %d", r.Status)
	}
}

// TestHolidayCalendar: the next occasion of each holiday from 10 March 2026, soonest first.
func TestHolidayCalendar(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	r := ts.must(200, "GET", "/api/v1/holidays", o.rep.Token, nil)
	var got []string
	for _, x := range r["data"].([]any) {
		h := x.(map[string]any)
		got = append(got, h["holiday"].(string)+" "+h["date"].(string)+" "+h["from"].(string)+"…"+h["to"].(string))
	}
	want := []string{"dragon_boat 2026-06-19 2026-06-12…2026-06-19", "mid_autumn 2026-09-25 2026-09-11…2026-09-25",
		"christmas 2026-12-25 2026-12-11…2026-12-25", "new_year 2027-01-01 2026-12-18…2027-01-01",
		"spring_festival 2027-02-06 2027-01-16…2027-02-20"}
	if len(got) != len(want) {
		t.Fatalf("occasions %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("occasion %d: %s, want %s", i, got[i], want[i])
		}
	}
	if r["source"] == "" {
		t.Error("no source named")
	}
}
