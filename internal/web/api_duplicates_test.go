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
