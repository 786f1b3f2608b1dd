package web_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Managers see the likely duplicates in the book: names that compare equal once case,
// full-width forms, spaces and legal forms are left aside, and accounts whose contacts
// share an e-mail address or a phone number; deleted accounts drop out; reps may not look.
func TestDuplicateAccounts(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	rep := tm.leaver.Token
	mk := func(name string) int64 { return ts.mustCreateAccount(rep, map[string]any{"name": name, "tier": "key"}) }
	cn1, cn2, cn3 := mk("杭州中瑞国际货代有限公司"), mk("杭州中瑞国际货代"), mk("杭州中瑞国际货代股份有限公司")
	acme1, acme2 := mk("ACME Co., Ltd."), mk("ＡＣＭＥ")
	alpha, beta := mk("Alpha Trading"), mk("Beta Logistics")
	gamma := mk("Gamma Foods")
	mk("Costco")
	mk("Cost")
	contact := func(acc int64, body map[string]any) {
		ts.must(201, "POST", path("/api/v1/accounts/%d/contacts", acc), rep, body)
	}
	contact(alpha, map[string]any{"name": "李娜", "email": "Li.Na@Example.com", "phone": "+86 138-0013-8000"})
	contact(beta, map[string]any{"name": "Li Na", "email": "li.na@example.com", "phone": "13800138000"})
	contact(gamma, map[string]any{"name": "Tom", "phone": "138 0013 8000"})
	gone := mk("Acme Inc.")
	ts.must(204, "DELETE", path("/api/v1/accounts/%d", gone), tm.mgr.Token, nil)

	ts.must(403, "GET", "/api/v1/accounts/duplicates", rep, nil)
	got := ts.must(200, "GET", "/api/v1/accounts/duplicates", tm.mgr.Token, nil)
	groups := map[string]string{}
	for _, g := range got["data"].([]any) {
		g := g.(map[string]any)
		var ids []int64
		for _, a := range g["accounts"].([]any) {
			ids = append(ids, int64(a.(map[string]any)["id"].(float64)))
		}
		var reasons []string
		for _, r := range g["reasons"].([]any) {
			r := r.(map[string]any)
			reasons = append(reasons, fmt.Sprint(r["kind"], ":", r["key"]))
		}
		groups[fmt.Sprint(ids)] = fmt.Sprint(reasons)
	}
	want := map[string]string{
		fmt.Sprint([]int64{cn1, cn2, cn3}):      "[name:杭州中瑞国际货代]",
		fmt.Sprint([]int64{acme1, acme2}):       "[name:acme]",
		fmt.Sprint([]int64{alpha, beta}):        "[email:li.na@example.com]",
		fmt.Sprint([]int64{alpha, beta, gamma}): "[phone:13800138000]",
	}
	if fmt.Sprint(groups) != fmt.Sprint(want) || got["total"].(float64) != 4 {
		t.Errorf("groups %v (total %v), want %v", groups, got["total"], want)
	}
	// Largest first, and paged.
	first := ts.must(200, "GET", "/api/v1/accounts/duplicates?per_page=1", tm.mgr.Token, nil)["data"].([]any)
	if n := len(first[0].(map[string]any)["accounts"].([]any)); n != 3 || len(first) != 1 {
		t.Errorf("first page: %d groups, the first of %d accounts", len(first), n)
	}
	// The managers' page: every group, its reasons and its accounts.
	page := string(pageSignedIn(ts, tm.mgr.Email, testPassword).get("/accounts/duplicates").Body)
	for _, want := range []string{"Same name", "Shared e-mail: li.na@example.com", "Shared phone: 13800138000",
		"杭州中瑞国际货代股份有限公司", "ACME Co., Ltd.", path(`href="/accounts/%d"`, gamma)} {
		if !strings.Contains(page, want) {
			t.Errorf("the duplicates page lacks %q", want)
		}
	}
	if r := pageSignedIn(ts, tm.leaver.Email, testPassword).get("/accounts/duplicates"); r.Status != 403 {
		t.Errorf("a rep's duplicates page: %d", r.Status)
	}
	// A renamed account leaves its group.
	ts.must(200, "PATCH", path("/api/v1/accounts/%d", acme2), rep, map[string]any{"name": "Apex"})
	again := ts.must(200, "GET", "/api/v1/accounts/duplicates", tm.mgr.Token, nil)
	for _, g := range again["data"].([]any) {
		for _, a := range g.(map[string]any)["accounts"].([]any) {
			if id := int64(a.(map[string]any)["id"].(float64)); slices.Contains([]int64{acme1, acme2}, id) {
				t.Errorf("account %d still listed after the rename", id)
			}
		}
	}
	// A new contact with the shared address joins its account to that group at once.
	contact(acme1, map[string]any{"name": "Lina", "email": "LI.NA@example.com"})
	joined := false
	for _, g := range ts.must(200, "GET", "/api/v1/accounts/duplicates", tm.mgr.Token, nil)["data"].([]any) {
		var ids []int64
		for _, a := range g.(map[string]any)["accounts"].([]any) {
			ids = append(ids, int64(a.(map[string]any)["id"].(float64)))
		}
		joined = joined || fmt.Sprint(ids) == fmt.Sprint([]int64{acme1, alpha, beta})
	}
	if !joined {
		t.Error("a new contact's shared address did not join its account to the group")
	}
}

// Merging a duplicate moves everything recorded on it to the survivor in one go: contacts,
// interactions, complaints, the team (its owner as a backup), the details the survivor
// lacked; the other is gone from the book but its history shows on the survivor.
func TestMergeAccounts(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	keep := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "杭州中瑞国际货代有限公司", "tier": "key"})
	dup := ts.mustCreateAccount(tm.backup.Token, map[string]any{"name": "杭州中瑞国际货代", "tier": "growth",
		"industry": "物流", "region": "华东", "customer_since": "2019-05-01"})
	ts.must(201, "POST", path("/api/v1/accounts/%d/contacts", dup), tm.backup.Token, map[string]any{"name": "李娜", "email": "li.na@example.com"})
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", dup), tm.backup.Token, map[string]any{"kind": "visit", "summary": "站点拜访"})
	ts.must(201, "POST", path("/api/v1/accounts/%d/complaints", dup), tm.backup.Token, map[string]any{"severity": "low", "summary": "发票晚到"})

	ts.must(403, "POST", path("/api/v1/accounts/%d/merge", keep), tm.leaver.Token, map[string]any{"from_id": dup})
	if r := ts.call("POST", path("/api/v1/accounts/%d/merge", keep), tm.mgr.Token, map[string]any{"from_id": keep}); r.Status != 422 || r.field(t, "from_id") == "" {
		t.Fatalf("merging an account into itself: %d %s", r.Status, r.Body)
	}
	m := ts.must(200, "POST", path("/api/v1/accounts/%d/merge", keep), tm.mgr.Token, map[string]any{"from_id": dup})
	if num(m["contacts"]) != 1 || num(m["interactions"]) != 1 || num(m["complaints"]) != 1 || num(m["team"]) != 1 {
		t.Errorf("moved: %v", m)
	}
	a := m["account"].(map[string]any)
	if a["industry"] != "物流" || a["region"] != "华东" || a["customer_since"] != "2019-05-01" || a["tier"] != "key" || a["last_contacted_at"] == nil {
		t.Errorf("survivor's details: %v", a)
	}
	roles := map[int64]string{}
	for _, x := range a["team"].([]any) {
		x := x.(map[string]any)
		roles[num(x["user_id"])] = x["role"].(string)
	}
	if roles[tm.leaver.ID] != "owner" || roles[tm.backup.ID] != "backup" {
		t.Errorf("team after the merge: %v", roles)
	}
	if n := len(ts.must(200, "GET", path("/api/v1/accounts/%d/contacts", keep), tm.leaver.Token, nil)["data"].([]any)); n != 1 {
		t.Errorf("contacts on the survivor: %d", n)
	}
	ts.must(404, "GET", path("/api/v1/accounts/%d", dup), tm.mgr.Token, nil)
	var into int64
	ts.App.DB.Read.Raw("SELECT merged_into FROM accounts WHERE id = ?", dup).Scan(&into)
	if into != keep {
		t.Errorf("merged_into = %d", into)
	}
	history := fmt.Sprint(ts.must(200, "GET", path("/api/v1/accounts/%d/history", keep), tm.mgr.Token, nil)["data"])
	if !strings.Contains(history, "account.merge") || strings.Count(history, "account.create") != 2 {
		t.Errorf("the survivor's history lacks the merge or the merged account's own: %s", history)
	}
	if g := ts.must(200, "GET", "/api/v1/accounts/duplicates", tm.mgr.Token, nil); g["total"].(float64) != 0 {
		t.Errorf("still listed as duplicates: %v", g["data"])
	}
	// Again: the other account is gone.
	ts.must(422, "POST", path("/api/v1/accounts/%d/merge", keep), tm.mgr.Token, map[string]any{"from_id": dup})

	// On the page: the box must be ticked; then the survivor opens with its history.
	third := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "杭州中瑞国际货代集团", "tier": "standard"})
	b := pageSignedIn(ts, tm.mgr.Email, testPassword)
	token := csrfFrom(b.get("/accounts/duplicates").Body)
	form := map[string][]string{"into": {fmt.Sprint(keep)}, "from": {fmt.Sprint(third)}, "csrf_token": {token}}
	if r := b.post("/accounts/duplicates/merge", form); r.Status != 422 || !strings.Contains(string(r.Body), "confirm the merge") {
		t.Errorf("an unconfirmed merge: %d", r.Status)
	}
	form["confirm"] = []string{"yes"}
	if r := b.post("/accounts/duplicates/merge", form); r.Status != 303 || r.Header.Get("Location") != path("/accounts/%d?done=merged#history", keep) {
		t.Errorf("a confirmed merge: %d %s", r.Status, r.Header.Get("Location"))
	}
	rb := pageSignedIn(ts, tm.leaver.Email, testPassword)
	form["csrf_token"] = []string{csrfFrom(rb.get("/").Body)}
	if r := rb.post("/accounts/duplicates/merge", form); r.Status != 403 {
		t.Errorf("a rep's merge: %d", r.Status)
	}
}
