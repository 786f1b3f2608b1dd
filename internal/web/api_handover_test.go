package web_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
)

// team is a manager with four reps; the first rep is leaving.
type team struct {
	admin                  string
	mgr                    user
	leaver, backup, r3, r4 user
}

func newTeam(t *testing.T, ts *testServer) team {
	t.Helper()
	tm := team{admin: ts.adminToken()}
	tm.mgr = ts.mustCreateUser(tm.admin, "Wang Li", "manager", 0)
	tm.leaver = ts.mustCreateUser(tm.admin, "Zhang Wei", "sales", tm.mgr.ID)
	tm.backup = ts.mustCreateUser(tm.admin, "Amy Chen", "sales", tm.mgr.ID)
	tm.r3 = ts.mustCreateUser(tm.admin, "Liu Yang", "sales", tm.mgr.ID)
	tm.r4 = ts.mustCreateUser(tm.admin, "Sarah Lim", "sales", tm.mgr.ID)
	return tm
}

func items(h map[string]any) []map[string]any {
	var out []map[string]any
	for _, it := range h["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

func itemFor(h map[string]any, accountID int64) map[string]any {
	for _, it := range items(h) {
		if int64(it["account_id"].(float64)) == accountID {
			return it
		}
	}
	return nil
}

func num(v any) int64 {
	if v == nil {
		return 0
	}
	return int64(v.(float64))
}

func TestHandoverProposalsAndRoles(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	withBackup := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Has Backup", "tier": "key", "annual_value": 100})
	ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", withBackup, tm.backup.ID), tm.leaver.Token, map[string]any{"role": "backup"})
	big := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Big Key", "tier": "key", "annual_value": 900})
	small := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Small Key", "tier": "key", "annual_value": 50})
	// r3 already carries key value and r4 owns an account; the backup owns nothing yet.
	ts.mustCreateAccount(tm.r3.Token, map[string]any{"name": "R3 Key", "tier": "key", "annual_value": 500})
	helps := ts.mustCreateAccount(tm.r4.Token, map[string]any{"name": "Helped", "tier": "growth"})
	ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", helps, tm.leaver.ID), tm.r4.Token, map[string]any{"role": "support"})

	for _, c := range []struct {
		name  string
		token string
		body  any
		code  int
	}{
		{"a rep cannot start a handover", tm.backup.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-31"}, 403},
		{"last day required", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID}, 422},
		{"last day not in the past", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-01"}, 422},
		{"unknown user", tm.mgr.Token, map[string]any{"departing_user_id": 999, "last_day": "2026-03-31"}, 422},
		{"not yourself", tm.mgr.Token, map[string]any{"departing_user_id": tm.mgr.ID, "last_day": "2026-03-31"}, 422},
	} {
		if r := ts.call("POST", "/api/v1/handovers", c.token, c.body); r.Status != c.code {
			t.Errorf("%s: %d, want %d: %s", c.name, r.Status, c.code, r.Body)
		}
	}
	h := ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-31"})
	if h["status"] != "draft" || len(items(h)) != 4 {
		t.Fatalf("draft: %v", h)
	}
	cases := []struct {
		what    string
		account int64
		want    int64
		role    string
	}{
		{"the active backup is proposed first", withBackup, tm.backup.ID, "owner"},
		{"the rep with no accounts gets the biggest key account", big, tm.backup.ID, "owner"},
		{"the load is spread: the next lightest gets the next", small, tm.r4.ID, "owner"},
		{"a helper's role passes to the lightest rep off the team", helps, tm.r3.ID, "support"},
	}
	for _, c := range cases {
		it := itemFor(h, c.account)
		if num(it["proposed_to_user_id"]) != c.want || it["role"] != c.role || num(it["from_user_id"]) != tm.leaver.ID {
			t.Errorf("%s: proposed %v, role %v", c.what, it["proposed_to_user_id"], it["role"])
		}
	}
	// The leaver is leaving now: old tokens are refused and they cannot take on accounts.
	if r := ts.call("GET", "/api/v1/me", tm.leaver.Token, nil); r.Status != 401 {
		t.Fatalf("a leaving user's old token: %d", r.Status)
	}
	if u := ts.must(200, "GET", path("/api/v1/users/%d", tm.leaver.ID), tm.mgr.Token, nil); u["status"] != "leaving" || u["last_day"] != "2026-03-31" {
		t.Fatalf("leaver: %v", u)
	}
	if r := ts.call("POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-31"}); r.Status != 409 {
		t.Fatalf("a second handover: %d", r.Status)
	}
	// Cancel: the person is active again.
	ts.must(200, "POST", path("/api/v1/handovers/%d/cancel", id(h)), tm.mgr.Token, nil)
	if u := ts.must(200, "GET", path("/api/v1/users/%d", tm.leaver.ID), tm.mgr.Token, nil); u["status"] != "active" || u["last_day"] != nil {
		t.Fatalf("after cancel: %v", u)
	}
	if r := ts.call("POST", path("/api/v1/handovers/%d/start", id(h)), tm.mgr.Token, nil); r.Status != 409 {
		t.Fatalf("start a cancelled handover: %d", r.Status)
	}
}

// handoverReady creates a handover of one key and one standard account and starts it.
func handoverReady(t *testing.T, ts *testServer, tm team) (h map[string]any, key, std int64) {
	t.Helper()
	key = ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Key One", "tier": "key", "annual_value": 1000})
	std = ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Standard One", "tier": "standard", "annual_value": 10})
	h = ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-31"})
	ts.must(200, "POST", path("/api/v1/handovers/%d/assign", id(h)), tm.mgr.Token, map[string]any{
		"item_ids": []int64{num(itemFor(h, key)["id"]), num(itemFor(h, std)["id"])}, "to_user_id": tm.r3.ID})
	h = ts.must(200, "POST", path("/api/v1/handovers/%d/start", id(h)), tm.mgr.Token, nil)
	return h, key, std
}

func TestHandoverGapsBlockAndForceIsRecorded(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	h, key, std := handoverReady(t, ts, tm)
	hid := id(h)
	if h["status"] != "in_progress" {
		t.Fatalf("start: %v", h["status"])
	}
	// Successors join the teams at once to prepare.
	team := ts.call("GET", path("/api/v1/accounts/%d/team", key), tm.mgr.Token, nil)
	if !strings.Contains(string(team.Body), path(`"user_id":%d,"role":"backup"`, tm.r3.ID)) {
		t.Fatalf("the successor did not join the team: %s", team.Body)
	}
	r := ts.call("POST", path("/api/v1/handovers/%d/complete", hid), tm.mgr.Token, map[string]any{})
	if r.Status != 409 || r.errorCode(t) != "conflict" {
		t.Fatalf("complete with gaps: %d %s", r.Status, r.Body)
	}
	details := r.json(t)["error"].(map[string]any)["details"].([]any)
	gap := details[0].(map[string]any)
	if len(details) != 1 || num(gap["account_id"]) != key || len(gap["missing"].([]any)) != 2 {
		t.Fatalf("gaps listed: %v", details)
	}
	if r := ts.call("POST", path("/api/v1/handovers/%d/complete", hid), tm.mgr.Token, map[string]any{"force": true}); r.Status != 422 || r.field(t, "reason") == "" {
		t.Fatalf("force without a reason: %d %s", r.Status, r.Body)
	}
	// Nothing moved so far.
	if a := ts.must(200, "GET", path("/api/v1/accounts/%d", key), tm.mgr.Token, nil); num(a["owner_id"]) != tm.leaver.ID {
		t.Fatalf("owner moved before completion: %v", a["owner_id"])
	}
	done := ts.must(200, "POST", path("/api/v1/handovers/%d/complete", hid), tm.mgr.Token, map[string]any{"force": true, "reason": "Customer on holiday until May"})
	if done["status"] != "completed" || done["forced"] != true || done["force_reason"] != "Customer on holiday until May" {
		t.Fatalf("forced completion: %v", done)
	}
	if it := itemFor(done, key); it["forced"] != true || it["status"] != "done" {
		t.Fatalf("key item: %v", it)
	}
	if it := itemFor(done, std); it["forced"] != false {
		t.Fatalf("standard item: %v", it)
	}
	for _, acc := range []int64{key, std} {
		a := ts.must(200, "GET", path("/api/v1/accounts/%d", acc), tm.mgr.Token, nil)
		if num(a["owner_id"]) != tm.r3.ID {
			t.Fatalf("owner after completion: %v", a["owner_id"])
		}
		for _, m := range a["team"].([]any) {
			if num(m.(map[string]any)["user_id"]) == tm.leaver.ID {
				t.Fatalf("the leaver is still on the team of %d", acc)
			}
		}
		hist := ts.must(200, "GET", path("/api/v1/accounts/%d/history", acc), tm.mgr.Token, nil)["data"].([]any)
		tied := 0
		for _, e := range hist {
			if num(e.(map[string]any)["handover_id"]) == hid {
				tied++
			}
		}
		if tied < 3 { // joined, transferred, left
			t.Fatalf("moves not tied to the handover: %v", hist)
		}
	}
	rep := ts.must(200, "GET", path("/api/v1/handovers/%d/report", hid), tm.mgr.Token, nil)
	if rep["forced"] != true || rep["force_reason"] != "Customer on holiday until May" || num(rep["accounts"]) != 2 || num(rep["key_accounts"]) != 1 {
		t.Fatalf("report: %v", rep)
	}
}

func TestHandoverCompletesWhenTheChecklistIsDone(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	h, key, _ := handoverReady(t, ts, tm)
	hid := id(h)
	keyItem := num(itemFor(h, key)["id"])
	ts.must(200, "PATCH", path("/api/v1/handovers/%d/items/%d", hid, keyItem), tm.mgr.Token, map[string]any{
		"transfer_note": "Key contacts: 陈静 (procurement). Open issue: invoice dispute. Pricing: 5% volume discount.", "customer_notified": true})
	// The leaver signs in again to log the joint introduction with the successor.
	leaver := ts.login(tm.leaver.Email, testPassword)
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", key), leaver, map[string]any{
		"kind": "handover_intro", "summary": "Introduced Liu Yang as the new owner", "participant_ids": []int64{tm.r3.ID}})
	// The list counts the checklist the same way, for every handover at once.
	other := ts.mustCreateUser(tm.admin, "Other Leaver", "sales", tm.mgr.ID)
	ts.mustCreateAccount(other.Token, map[string]any{"name": "Other's", "tier": "key"})
	ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": other.ID, "last_day": "2026-03-31"})
	list := ts.must(200, "GET", "/api/v1/handovers", tm.mgr.Token, nil)["data"].([]any)
	progress := map[int64]map[string]any{}
	for _, x := range list {
		progress[id(x.(map[string]any))] = x.(map[string]any)["progress"].(map[string]any)
	}
	if len(list) != 2 || num(progress[hid]["intros_logged"]) != 1 || num(progress[hid]["transfer_notes"]) != 1 ||
		num(progress[hid]["items"]) != 2 || num(progress[hid+1]["items"]) != 1 || num(progress[hid+1]["intros_logged"]) != 0 {
		t.Fatalf("list progress: %v", progress)
	}
	h = ts.must(200, "GET", path("/api/v1/handovers/%d", hid), tm.mgr.Token, nil)
	it := itemFor(h, key)
	if it["intro_logged"] != true || len(it["gaps"].([]any)) != 0 || h["progress"].(map[string]any)["ready_to_complete"] != true {
		t.Fatalf("checklist: %v / %v", it, h["progress"])
	}
	done := ts.must(200, "POST", path("/api/v1/handovers/%d/complete", hid), tm.mgr.Token, nil)
	if done["status"] != "completed" || done["forced"] != false {
		t.Fatalf("complete: %v", done)
	}
	// Now the leaver owns nothing and can depart without force.
	u := ts.must(200, "POST", path("/api/v1/users/%d/depart", tm.leaver.ID), tm.mgr.Token, map[string]any{})
	if u["status"] != "departed" {
		t.Fatalf("depart: %v", u)
	}
	if r := ts.call("GET", "/api/v1/me", leaver, nil); r.Status != 401 {
		t.Fatalf("a departed user's token: %d", r.Status)
	}
	if r := ts.call("POST", "/api/v1/auth/login", "", map[string]string{"email": tm.leaver.Email, "password": testPassword}); r.Status != 401 {
		t.Fatalf("a departed user signs in: %d", r.Status)
	}
}

func TestHandoverCompletionIsAtomic(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	h, key, std := handoverReady(t, ts, tm)
	hid := id(h)
	// Make the second move fail: the rescore of the standard account errors.
	boom := errors.New("disk on fire")
	ts.App.Accounts.OnChange(func(ctx context.Context, tx *gorm.DB, ids ...int64) error {
		for _, id := range ids {
			if id == std {
				return boom
			}
		}
		return ts.App.Health.Refresh(ctx, tx, ids...)
	})
	r := ts.call("POST", path("/api/v1/handovers/%d/complete", hid), tm.mgr.Token, map[string]any{"force": true, "reason": "test"})
	if r.Status != 500 || r.errorCode(t) != "internal" || strings.Contains(string(r.Body), "disk on fire") {
		t.Fatalf("failing completion: %d %s", r.Status, r.Body)
	}
	ts.App.Accounts.OnChange(ts.App.Health.Refresh)
	for _, acc := range []int64{key, std} {
		a := ts.must(200, "GET", path("/api/v1/accounts/%d", acc), tm.mgr.Token, nil)
		if num(a["owner_id"]) != tm.leaver.ID {
			t.Fatalf("account %d moved although completion failed", acc)
		}
	}
	if h := ts.must(200, "GET", path("/api/v1/handovers/%d", hid), tm.mgr.Token, nil); h["status"] != "in_progress" {
		t.Fatalf("status after a failed completion: %v", h["status"])
	}
	var transfers int64
	ts.App.DB.Read.Raw("SELECT COUNT(*) FROM audit_entries WHERE action = 'account.transfer' AND handover_id = ?", hid).Scan(&transfers)
	if transfers != 0 {
		t.Fatalf("%d transfers recorded from a failed completion", transfers)
	}
	ts.must(200, "POST", path("/api/v1/handovers/%d/complete", hid), tm.mgr.Token, map[string]any{"force": true, "reason": "retry"})
}

func TestDeparture(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	a1 := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Owned One", "tier": "key"})
	a2 := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Owned Two", "tier": "growth"})
	helped := ts.mustCreateAccount(tm.r3.Token, map[string]any{"name": "Helped", "tier": "growth"})
	ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", helped, tm.leaver.ID), tm.r3.Token, map[string]any{"role": "backup"})

	if r := ts.call("POST", path("/api/v1/users/%d/depart", tm.leaver.ID), tm.backup.Token, map[string]any{}); r.Status != 403 {
		t.Fatalf("a rep marks someone departed: %d", r.Status)
	}
	r := ts.call("POST", path("/api/v1/users/%d/depart", tm.leaver.ID), tm.mgr.Token, map[string]any{"force": false})
	if r.Status != 409 || len(r.json(t)["error"].(map[string]any)["details"].([]any)) != 2 {
		t.Fatalf("depart while owning: %d %s", r.Status, r.Body)
	}
	ts.must(200, "GET", "/api/v1/me", tm.leaver.Token, nil) // refused: nothing changed
	u := ts.must(200, "POST", path("/api/v1/users/%d/depart", tm.leaver.ID), tm.admin, map[string]any{"force": true, "reason": "Left without notice"})
	if u["status"] != "departed" {
		t.Fatalf("forced depart: %v", u)
	}
	for _, acc := range []int64{a1, a2} {
		a := ts.must(200, "GET", path("/api/v1/accounts/%d", acc), tm.mgr.Token, nil)
		if num(a["owner_id"]) != tm.mgr.ID {
			t.Fatalf("account %d went to %v, not the manager", acc, a["owner_id"])
		}
		hist := ts.must(200, "GET", path("/api/v1/accounts/%d/history", acc), tm.mgr.Token, nil)["data"].([]any)
		var transfer map[string]any
		for _, e := range hist {
			if e.(map[string]any)["action"] == "account.transfer" {
				transfer = e.(map[string]any)
			}
		}
		if transfer == nil || !strings.Contains(transfer["reason"].(string), "Left without notice") || num(transfer["from_user_id"]) != tm.leaver.ID {
			t.Fatalf("departure move not audited: %v", hist)
		}
	}
	team := ts.call("GET", path("/api/v1/accounts/%d/team", helped), tm.mgr.Token, nil)
	if strings.Contains(string(team.Body), path(`"user_id":%d,`, tm.leaver.ID)) {
		t.Fatalf("a departed user stays on a team: %s", team.Body)
	}
	if r := ts.call("GET", "/api/v1/me", tm.leaver.Token, nil); r.Status != 401 {
		t.Fatalf("old token after departure: %d", r.Status)
	}
	if r := ts.call("POST", path("/api/v1/users/%d/depart", tm.leaver.ID), tm.mgr.Token, map[string]any{}); r.Status != 409 {
		t.Fatalf("depart twice: %d", r.Status)
	}
}

func TestNoticePeriodRecordAndFollowThrough(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	// The leaver is a manager here, so that an export would otherwise be allowed.
	boss := ts.mustCreateUser(tm.admin, "Big Boss", "manager", 0)
	ts.must(200, "PATCH", path("/api/v1/users/%d", tm.mgr.ID), tm.admin, map[string]any{"manager_id": boss.ID})
	acc := ts.mustCreateAccount(tm.mgr.Token, map[string]any{"name": "Manager Owned", "tier": "key", "annual_value": 100})
	other := ts.mustCreateAccount(tm.r3.Token, map[string]any{"name": "Someone Else's", "tier": "growth"})
	h := ts.must(201, "POST", "/api/v1/handovers", boss.Token, map[string]any{"departing_user_id": tm.mgr.ID, "last_day": "2026-04-30"})
	hid := id(h)
	leaving := ts.login(tm.mgr.Email, testPassword)
	ts.must(200, "GET", path("/api/v1/accounts/%d", other), leaving, nil)
	if r := ts.call("GET", path("/api/v1/handovers/%d/report?format=csv", hid), leaving, nil); r.Status != 403 {
		t.Fatalf("a leaving user's export: %d", r.Status)
	}
	rep := ts.must(200, "GET", path("/api/v1/handovers/%d/report", hid), boss.Token, nil)
	views, exports := rep["notice_views"].([]any), rep["notice_exports"].([]any)
	if len(views) != 1 || views[0].(map[string]any)["account_name"] != "Someone Else's" || len(exports) != 1 {
		t.Fatalf("notice period: views %v exports %v", views, exports)
	}

	ts.must(200, "PATCH", path("/api/v1/handovers/%d/items/%d", hid, num(itemFor(h, acc)["id"])), boss.Token, map[string]any{"to_user_id": tm.r4.ID})
	ts.must(200, "POST", path("/api/v1/handovers/%d/start", hid), boss.Token, nil)
	ts.must(200, "POST", path("/api/v1/handovers/%d/complete", hid), boss.Token, map[string]any{"force": true, "reason": "test"})

	follow := func() map[string]any {
		t.Helper()
		b := ts.login("big.boss@example.com", testPassword)
		return itemFor(ts.must(200, "GET", path("/api/v1/handovers/%d", hid), b, nil), acc)
	}
	it := follow()
	if it["successor_first_contact_at"] != nil || it["outcome_30"] != "pending" || it["outcome_90"] != "pending" {
		t.Fatalf("right after completion: %v", it)
	}
	ts.Clock.Advance(3 * 24 * time.Hour)
	r4 := ts.login(tm.r4.Email, testPassword)
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", acc), r4, map[string]any{"kind": "call", "summary": "Hello, I'm your new contact"})
	ts.Clock.Advance(31 * 24 * time.Hour)
	it = follow()
	if num(it["days_to_first_contact"]) != 3 || it["outcome_30"] != "retained" || it["outcome_60"] != "pending" {
		t.Fatalf("after 34 days: %v", it)
	}
	// Lost at day 40: churned at 60 and 90, still retained at 30.
	ts.Clock.Advance(6 * 24 * time.Hour)
	ts.App.DB.Write.Exec("UPDATE accounts SET status = 'churned', churned_at = ? WHERE id = ?", ts.Clock.Now(), acc)
	ts.Clock.Advance(60 * 24 * time.Hour)
	it = follow()
	if it["outcome_30"] != "retained" || it["outcome_60"] != "churned" || it["outcome_90"] != "churned" {
		t.Fatalf("after a loss at day 40: %v", it)
	}
	csv := ts.call("GET", path("/api/v1/handovers/%d/report?format=csv", hid), ts.login("big.boss@example.com", testPassword), nil)
	if csv.Status != 200 || !strings.HasPrefix(string(csv.Body), "\uFEFFaccount_id,") || !strings.Contains(string(csv.Body), "Manager Owned") {
		t.Fatalf("csv: %d %s", csv.Status, csv.Body)
	}
}

func TestHandoverOutcomesBySuccessor(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	h, key, std := handoverReady(t, ts, tm)
	ts.must(200, "POST", path("/api/v1/handovers/%d/complete", id(h)), tm.mgr.Token, map[string]any{"force": true, "reason": "test"})
	ts.Clock.Advance(40 * 24 * time.Hour)
	mgr := ts.login(tm.mgr.Email, testPassword)
	ts.must(201, "POST", path("/api/v1/accounts/%d/churn", key), mgr, map[string]any{"reason": "staff_departure", "voluntary": true})
	ts.Clock.Advance(100 * 24 * time.Hour)
	mgr = ts.login(tm.mgr.Email, testPassword)
	ts.must(201, "POST", path("/api/v1/accounts/%d/churn", std), mgr, map[string]any{"reason": "price", "voluntary": true})
	if r := ts.call("GET", "/api/v1/reports/handovers", ts.login(tm.r3.Email, testPassword), nil); r.Status != 403 {
		t.Fatalf("a rep reads handover outcomes: %d", r.Status)
	}
	rows := ts.must(200, "GET", "/api/v1/reports/handovers", mgr, nil)["data"].([]any)
	if len(rows) != 1 {
		t.Fatalf("outcomes: %v", rows)
	}
	r := rows[0].(map[string]any)
	if r["name"] != "Liu Yang" || num(r["accounts"]) != 2 || num(r["churned_90"]) != 1 || num(r["churned_180"]) != 2 || r["churn_rate_180"].(float64) != 1 {
		t.Fatalf("outcomes: %v", r)
	}
}

func TestLeavingOwnerIsFlaggedAtOnce(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	acc := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Key", "tier": "key"})
	h := ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-31"})
	if health := ts.must(200, "GET", path("/api/v1/accounts/%d/health", acc), tm.mgr.Token, nil); !hasCode(health, "owner_inactive") {
		t.Fatalf("the owner is leaving: %v", reasonCodes(health))
	}
	ts.must(200, "POST", path("/api/v1/handovers/%d/cancel", id(h)), tm.mgr.Token, nil)
	if health := ts.must(200, "GET", path("/api/v1/accounts/%d/health", acc), tm.mgr.Token, nil); hasCode(health, "owner_inactive") {
		t.Fatalf("the owner stays after all: %v", reasonCodes(health))
	}
}

func TestLargeHandoverPagesItsItems(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	for i := range 130 {
		ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": fmt.Sprintf("Account %03d", i), "tier": "growth"})
	}
	h := ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-31"})
	if len(items(h)) != 100 || num(h["items_total"]) != 130 || num(h["items_page"]) != 1 {
		t.Fatalf("first page: %d items of %v", len(items(h)), h["items_total"])
	}
	if p := h["progress"].(map[string]any); num(p["items"]) != 130 || num(p["with_successor"]) != 130 {
		t.Fatalf("progress covers every item: %v", p)
	}
	second := ts.must(200, "GET", path("/api/v1/handovers/%d?items_page=2", id(h)), tm.mgr.Token, nil)
	seen := map[any]bool{}
	for _, it := range append(items(h), items(second)...) {
		seen[it["id"]] = true
	}
	if len(items(second)) != 30 || len(seen) != 130 {
		t.Fatalf("second page: %d items, %d distinct over both pages", len(items(second)), len(seen))
	}
	if r := ts.call("GET", path("/api/v1/handovers/%d?items_page=x", id(h)), tm.mgr.Token, nil); r.Status != 422 {
		t.Fatalf("items_page=x: %d", r.Status)
	}
	done := ts.must(200, "POST", path("/api/v1/handovers/%d/start", id(h)), tm.mgr.Token, nil)
	if len(items(done)) != 100 || num(done["items_total"]) != 130 {
		t.Fatalf("start answers a page too: %d of %v", len(items(done)), done["items_total"])
	}
}

// Completion hands every account on at once; each kind of item must end as it would
// alone: an owner's account to the backup or to a new owner, a team role to a successor
// or ended, the departing person off every team, each change in the account's history.
func TestCompletionHandsOnEveryKindOfItem(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	growth := map[string]any{"tier": "growth"}
	with := func(name string) map[string]any { m := map[string]any{"name": name}; maps.Copy(m, growth); return m }
	toBackup := ts.mustCreateAccount(tm.leaver.Token, with("To Backup"))
	ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", toBackup, tm.backup.ID), tm.leaver.Token, map[string]any{"role": "backup"})
	toNew := ts.mustCreateAccount(tm.leaver.Token, with("To Newcomer"))
	support := ts.mustCreateAccount(tm.r4.Token, with("Support Role"))
	ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", support, tm.leaver.ID), tm.r4.Token, map[string]any{"role": "support"})
	ends := ts.mustCreateAccount(tm.r4.Token, with("Role Ends"))
	ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", ends, tm.leaver.ID), tm.r4.Token, map[string]any{"role": "backup"})

	gone := ts.mustCreateAccount(tm.r4.Token, with("Deleted Since"))
	ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", gone, tm.leaver.ID), tm.r4.Token, map[string]any{"role": "support"})

	h := ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-31"})
	hid := id(h)
	ts.must(204, "DELETE", path("/api/v1/accounts/%d", gone), tm.mgr.Token, nil)
	item := func(acc int64) string { return path("/api/v1/handovers/%d/items/%d", hid, num(itemFor(h, acc)["id"])) }
	ts.must(200, "PATCH", item(toNew), tm.mgr.Token, map[string]any{"to_user_id": tm.r3.ID})
	ts.must(200, "PATCH", item(support), tm.mgr.Token, map[string]any{"to_user_id": tm.r3.ID})
	ts.must(200, "PATCH", item(ends), tm.mgr.Token, map[string]any{"to_user_id": nil})
	ts.must(200, "POST", path("/api/v1/handovers/%d/start", hid), tm.mgr.Token, nil)
	done := ts.must(200, "POST", path("/api/v1/handovers/%d/complete", hid), tm.mgr.Token, map[string]any{})
	if done["status"] != "completed" {
		t.Fatalf("complete: %v", done["status"])
	}

	team := func(acc int64) string {
		var rows []map[string]any
		if err := jsonUnmarshal(ts.call("GET", path("/api/v1/accounts/%d/team", acc), tm.mgr.Token, nil).Body, &rows); err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, m := range rows {
			parts = append(parts, fmt.Sprintf("%d:%s", num(m["user_id"]), m["role"]))
		}
		return strings.Join(parts, " ")
	}
	history := func(acc int64) string {
		var parts []string
		r := ts.call("GET", path("/api/v1/accounts/%d/history", acc), tm.mgr.Token, nil)
		var body struct{ Data []map[string]any }
		if err := jsonUnmarshal(r.Body, &body); err != nil {
			t.Fatal(err)
		}
		for _, e := range body.Data {
			if num(e["handover_id"]) == hid {
				parts = append(parts, fmt.Sprintf("%s %d>%d %s", e["action"], num(e["from_user_id"]), num(e["to_user_id"]), e["role"]))
			}
		}
		return strings.Join(parts, ", ")
	}
	l, b, r3, r4 := tm.leaver.ID, tm.backup.ID, tm.r3.ID, tm.r4.ID
	cases := []struct {
		name        string
		acc         int64
		team, audit string
	}{
		{"the backup takes the account", toBackup, path("%d:owner", b),
			path("team.remove %d>0 backup, account.transfer %d>%d owner", l, l, b)},
		{"a newcomer takes the account", toNew, path("%d:owner", r3),
			path("team.remove %d>0 backup, account.transfer %d>%d owner, team.add 0>%d backup", l, l, r3, r3)},
		{"a successor takes a team role", support, path("%d:owner %d:support", r4, r3),
			path("team.remove %d>0 support, team.add 0>%d support", l, r3)},
		{"a role nobody takes ends", ends, path("%d:owner", r4), path("team.remove %d>0 backup", l)},
	}
	// A role on an account deleted while the handover was open still ends with it.
	var left int64
	ts.App.DB.Read.Raw("SELECT COUNT(*) FROM account_team WHERE account_id = ? AND user_id = ?", gone, l).Scan(&left)
	if left != 0 {
		t.Error("the departing person is still on the team of a deleted account")
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := team(c.acc); got != c.team {
				t.Errorf("team %q, want %q", got, c.team)
			}
			if got := history(c.acc); got != c.audit {
				t.Errorf("history %q, want %q", got, c.audit)
			}
		})
	}
}

// While a handover is open, its owned accounts move only through it: a transfer beside
// it is refused, naming the handover. Completion checks every item against what the
// departing person holds now and skips, with the reason, an item whose account changed
// hands meanwhile (here by a stale handover's data, a deletion and a team change),
// instead of moving the account away from whoever has it.
func TestCompletionSkipsAccountsThatChangedHands(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	growth := func(name string) map[string]any { return map[string]any{"name": name, "tier": "growth"} }
	kept := ts.mustCreateAccount(tm.leaver.Token, growth("Still Hers"))
	moved := ts.mustCreateAccount(tm.leaver.Token, growth("Moved Meanwhile"))
	gone := ts.mustCreateAccount(tm.leaver.Token, growth("Deleted Meanwhile"))
	helped := ts.mustCreateAccount(tm.r4.Token, growth("She Helped"))
	ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", helped, tm.leaver.ID), tm.r4.Token, map[string]any{"role": "support"})
	left := ts.mustCreateAccount(tm.r4.Token, growth("She Left The Team"))
	ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", left, tm.leaver.ID), tm.r4.Token, map[string]any{"role": "backup"})

	h := ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-31"})
	hid := id(h)
	for _, acc := range []int64{kept, moved, gone, helped, left} {
		ts.must(200, "PATCH", path("/api/v1/handovers/%d/items/%d", hid, num(itemFor(h, acc)["id"])), tm.mgr.Token,
			map[string]any{"to_user_id": tm.r3.ID})
	}

	r := ts.call("POST", path("/api/v1/accounts/%d/transfer", moved), tm.mgr.Token, map[string]any{"to_user_id": tm.backup.ID, "reason": "Reshuffle"})
	if r.Status != 409 || !strings.Contains(string(r.Body), path(`"handover_id":%d`, hid)) {
		t.Fatalf("a transfer beside the open handover: %d %s", r.Status, r.Body)
	}
	// Where the leaving person only helps, the owner may still change.
	ts.must(200, "POST", path("/api/v1/accounts/%d/transfer", helped), tm.mgr.Token, map[string]any{"to_user_id": tm.backup.ID, "reason": "Reshuffle"})
	ts.must(200, "POST", path("/api/v1/accounts/%d/transfer", helped), tm.mgr.Token, map[string]any{"to_user_id": tm.r4.ID, "reason": "Back again"})

	// A handover left open from before the guard: the account changed hands anyway.
	ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", moved, tm.backup.ID), tm.mgr.Token, map[string]any{"role": "backup"})
	if err := ts.App.DB.Write.Exec(`UPDATE account_team SET role = CASE user_id WHEN ? THEN 'backup' ELSE 'owner' END
		WHERE account_id = ? AND user_id IN (?, ?)`, tm.leaver.ID, moved, tm.leaver.ID, tm.backup.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := ts.App.DB.Write.Exec("UPDATE accounts SET owner_id = ? WHERE id = ?", tm.backup.ID, moved).Error; err != nil {
		t.Fatal(err)
	}
	// No longer hers, the account may be transferred again (its item is stale).
	ts.must(200, "POST", path("/api/v1/accounts/%d/transfer", moved), tm.mgr.Token, map[string]any{"to_user_id": tm.r4.ID, "reason": "Cover"})
	ts.must(200, "POST", path("/api/v1/accounts/%d/transfer", moved), tm.mgr.Token, map[string]any{"to_user_id": tm.backup.ID, "reason": "Back"})
	ts.must(204, "DELETE", path("/api/v1/accounts/%d", gone), tm.mgr.Token, nil)
	ts.must(204, "DELETE", path("/api/v1/accounts/%d/team/%d", left, tm.leaver.ID), tm.r4.Token, nil)

	ts.must(200, "POST", path("/api/v1/handovers/%d/start", hid), tm.mgr.Token, nil)
	done := ts.must(200, "POST", path("/api/v1/handovers/%d/complete", hid), tm.mgr.Token, map[string]any{})
	if done["status"] != "completed" {
		t.Fatalf("complete: %v", done["status"])
	}
	want := map[int64]string{kept: "done/", moved: "skipped/owner_changed", gone: "skipped/account_deleted",
		helped: "done/", left: "skipped/left_team"}
	for acc, w := range want {
		it := itemFor(done, acc)
		if got := fmt.Sprintf("%s/%s", it["status"], it["skip_reason"]); got != w {
			t.Errorf("item of account %d: %s, want %s", acc, got, w)
		}
	}
	owner := func(acc int64) int64 {
		var o int64
		ts.App.DB.Read.Raw("SELECT owner_id FROM accounts WHERE id = ?", acc).Scan(&o)
		return o
	}
	if owner(kept) != tm.r3.ID || owner(moved) != tm.backup.ID {
		t.Errorf("owners after completion: kept %d (want %d), moved %d (want %d, who had it)", owner(kept), tm.r3.ID, owner(moved), tm.backup.ID)
	}
	var teams int64
	ts.App.DB.Read.Raw("SELECT COUNT(*) FROM account_team t JOIN accounts a ON a.id = t.account_id AND a.deleted_at IS NULL WHERE t.user_id = ?", tm.leaver.ID).Scan(&teams)
	if teams != 0 {
		t.Errorf("the departing person is still on %d live teams", teams)
	}
	var stayed int64 // the successor joined at the start; the skipped accounts are not theirs
	ts.App.DB.Read.Raw("SELECT COUNT(*) FROM account_team WHERE user_id = ? AND account_id IN (?, ?)", tm.r3.ID, moved, left).Scan(&stayed)
	if stayed != 0 {
		t.Errorf("the successor stays on %d teams of skipped accounts", stayed)
	}
	// The printed report says why, in each language.
	b := ts.browser()
	b.signIn(tm.mgr.Email, testPassword)
	if page := string(b.get(path("/handovers/%d/report", hid)).Body); !strings.Contains(page, "someone else owns the account now") {
		t.Errorf("the report does not say why an item was skipped")
	}
	ts.must(200, "PATCH", path("/api/v1/users/%d", tm.mgr.ID), tm.admin, map[string]any{"language": "zh-CN"})
	if page := string(b.get(path("/handovers/%d", hid)).Body); !strings.Contains(page, "已跳过：客户现由他人负责") {
		t.Errorf("the handover page does not say why an item was skipped, in Chinese")
	}
}

// A handover of thousands of accounts goes through: every statement stays under SQLite's
// limit of bound variables (32,766), and every account moves.
func TestHandoverOfThousandsOfAccounts(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	const n = 3200 // × 12 columns of an item is over the limit in one statement
	ts.mustOwnMany(tm.leaver.ID, n)
	h := ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-31"})
	if num(h["items_total"]) != n {
		t.Fatalf("items: %v", h["items_total"])
	}
	ts.must(200, "POST", path("/api/v1/handovers/%d/start", id(h)), tm.mgr.Token, nil)
	ts.must(200, "POST", path("/api/v1/handovers/%d/complete", id(h)), tm.mgr.Token, map[string]any{"force": true, "reason": "80 key accounts without notes"})
	var left int64
	ts.App.DB.Read.Raw("SELECT COUNT(*) FROM accounts WHERE owner_id = ?", tm.leaver.ID).Scan(&left)
	if left != 0 {
		t.Errorf("the departing person still owns %d accounts", left)
	}
}

// The person leaving works in their own handover: they read it and write its transfer
// notes (each version kept in the account's record), nothing else; their successors find
// what is coming to them, then what they received with its note and the first contact
// due, overdue once the days pass without one.
func TestLeavingPersonAndSuccessorWorkInTheHandover(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	key := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Key Customer", "tier": "key", "annual_value": 900})
	growth := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Growth Customer", "tier": "growth"})
	ts.mustCreateAccount(tm.r4.Token, map[string]any{"name": "Not Hers", "tier": "growth"}) // not in her handover
	if r := ts.call("GET", "/api/v1/me/handover", tm.leaver.Token, nil); r.Status != 404 {
		t.Fatalf("no handover yet: %d", r.Status)
	}
	// Nobody has received anything yet (kept in memory until a handover item names someone).
	if got := ts.must(200, "GET", "/api/v1/me/inherited", tm.r3.Token, nil)["data"].([]any); len(got) != 0 {
		t.Fatalf("before any handover: %v", got)
	}
	h := ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-31"})
	hid := id(h)
	for _, acc := range []int64{key, growth} {
		ts.must(200, "PATCH", path("/api/v1/handovers/%d/items/%d", hid, num(itemFor(h, acc)["id"])), tm.mgr.Token,
			map[string]any{"to_user_id": tm.r3.ID})
	}
	leaver := ts.login(tm.leaver.Email, testPassword) // marking her leaving ended her sessions
	mine := ts.must(200, "GET", "/api/v1/me/handover", leaver, nil)
	if id(mine) != hid || len(items(mine)) != 2 {
		t.Fatalf("her handover: %v with %d items", mine["id"], len(items(mine)))
	}
	ts.must(200, "GET", path("/api/v1/handovers/%d", hid), leaver, nil)
	item := path("/api/v1/handovers/%d/items/%d", hid, num(itemFor(h, key)["id"]))
	ts.must(200, "PATCH", item, leaver, map[string]any{"transfer_note": "Buyer is Ms Zhao; renewal talks open in May."})
	ts.must(200, "PATCH", item, leaver, map[string]any{"transfer_note": "Buyer is Ms Zhao; renewal in May; 5% discount agreed."})
	refused := []struct {
		method, path string
		body         any
	}{
		{"PATCH", item, map[string]any{"to_user_id": tm.r4.ID}},
		{"PATCH", item, map[string]any{"customer_notified": true}},
		{"PATCH", item, map[string]any{"transfer_note": "x", "to_user_id": tm.r4.ID}},
		{"POST", path("/api/v1/handovers/%d/start", hid), nil},
		{"POST", path("/api/v1/handovers/%d/complete", hid), map[string]any{}},
		{"POST", path("/api/v1/handovers/%d/cancel", hid), nil},
		{"GET", "/api/v1/handovers", nil},
	}
	for _, r := range refused {
		if got := ts.call(r.method, r.path, leaver, r.body); got.Status != 403 {
			t.Errorf("%s %s by the person leaving: %d %s", r.method, r.path, got.Status, got.Body)
		}
	}
	if r := ts.call("PATCH", item, tm.r4.Token, map[string]any{"transfer_note": "mine now"}); r.Status != 403 {
		t.Errorf("a colleague writes her note: %d", r.Status)
	}
	if r := ts.call("GET", "/api/v1/me/handover", tm.r4.Token, nil); r.Status != 404 {
		t.Errorf("a colleague who is not leaving: %d", r.Status)
	}
	var versions []string
	ts.App.DB.Read.Raw("SELECT after_json FROM audit_entries WHERE action = 'handover.note' AND account_id = ? ORDER BY id", key).Scan(&versions)
	if len(versions) != 2 || !strings.Contains(versions[1], "5% discount") {
		t.Errorf("the note's versions in the account's record: %q", versions)
	}

	// The successor sees what is coming once the handover is under way.
	if got := ts.must(200, "GET", "/api/v1/me/inherited", tm.r3.Token, nil)["data"].([]any); len(got) != 0 {
		t.Fatalf("before the start: %v", got)
	}
	ts.must(200, "PATCH", path("/api/v1/handovers/%d/items/%d", hid, num(itemFor(h, growth)["id"])), tm.mgr.Token, map[string]any{"customer_notified": true})
	ts.must(200, "POST", path("/api/v1/handovers/%d/start", hid), tm.mgr.Token, nil)
	successor := tm.r3.Token
	inbox := func() map[int64]map[string]any {
		out := map[int64]map[string]any{}
		for _, r := range ts.must(200, "GET", "/api/v1/me/inherited", successor, nil)["data"].([]any) {
			m := r.(map[string]any)
			out[num(m["account"].(map[string]any)["id"])] = m
		}
		return out
	}
	if got := inbox(); len(got) != 2 || got[key]["handover_status"] != "in_progress" || got[key]["transfer_note"] == "" {
		t.Fatalf("under way: %v", got)
	}
	ts.must(200, "POST", path("/api/v1/handovers/%d/complete", hid), tm.mgr.Token, map[string]any{"force": true, "reason": "Last day"})
	got := inbox()
	paged := ts.must(200, "GET", "/api/v1/me/inherited?per_page=1&page=2", successor, nil)
	if len(paged["data"].([]any)) != 1 || paged["total"] != 2.0 || paged["page"] != 2.0 || paged["per_page"] != 1.0 {
		t.Fatalf("the inbox a page at a time: %v", paged)
	}
	due := func(acc int64) string { return got[acc]["first_contact_due"].(string)[:10] }
	if got[key]["handover_status"] != "completed" || due(key) != "2026-03-17" || due(growth) != "2026-03-24" ||
		got[key]["first_contact_overdue"] != false || got[key]["from"].(map[string]any)["name"] != "Zhang Wei" ||
		!strings.Contains(got[key]["transfer_note"].(string), "5% discount") {
		t.Fatalf("received: %v", got)
	}
	ts.Clock.Advance(8 * 24 * time.Hour)
	successor = ts.login(tm.r3.Email, testPassword)
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", growth), successor, map[string]any{"kind": "call", "summary": "Hello from your new account manager"})
	got = inbox()
	if got[key]["first_contact_overdue"] != true || got[growth]["first_contact_overdue"] != false || got[growth]["first_contact_at"] == nil {
		t.Fatalf("eight days on, a call on the growth account only: %v", got)
	}
	// The late first contact is on the successor's agenda and, after the scan, on the
	// manager's list of neglected key accounts with its own reason.
	agenda := ts.must(200, "GET", "/api/v1/me/agenda", successor, nil)["first_contacts"].([]any)
	if len(agenda) != 1 || num(agenda[0].(map[string]any)["account"].(map[string]any)["id"]) != key {
		t.Fatalf("first contacts on the agenda: %v", agenda)
	}
	if _, err := ts.App.Health.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	manager := ts.login(tm.mgr.Email, testPassword)
	flags := ts.must(200, "GET", "/api/v1/flags?neglected=true", manager, nil)["data"].([]any)
	var reasons []string
	for _, f := range flags {
		m := f.(map[string]any)
		if num(m["account"].(map[string]any)["id"]) == key {
			for _, r := range m["reasons"].([]any) {
				reasons = append(reasons, r.(map[string]any)["code"].(string))
			}
		}
	}
	if !slices.Contains(reasons, "handover_first_contact_overdue") {
		t.Fatalf("the key account's reasons on the neglected list: %v (flags %v)", reasons, flags)
	}
	ts.Clock.Advance(90 * 24 * time.Hour)
	successor = ts.login(tm.r3.Email, testPassword)
	if got := inbox(); len(got) != 0 {
		t.Errorf("after 90 days the inbox is empty: %v", got)
	}
}

// A joint introduction counts only as the handover's rule says, however it is logged:
// on an account in an open handover, with a successor chosen, the person leaving and the
// successor both taking part. The person leaving may log it from her own page.
func TestJointIntroductionRule(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	acc := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Harbour Freight", "tier": "key", "annual_value": 500})
	outside := ts.mustCreateAccount(tm.r4.Token, map[string]any{"name": "Not In Any Handover", "tier": "growth"})
	intro := func(acc int64, token string, participants ...int64) response {
		return ts.call("POST", path("/api/v1/accounts/%d/interactions", acc), token,
			map[string]any{"kind": "handover_intro", "summary": "Introduced the new account manager", "participant_ids": participants})
	}
	if r := intro(outside, tm.r4.Token, tm.r3.ID); r.Status != 422 || r.field(t, "kind") == "" {
		t.Errorf("an introduction outside any handover: %d %s", r.Status, r.Body)
	}
	h := ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-31"})
	item := path("/api/v1/handovers/%d/items/%d", id(h), num(itemFor(h, acc)["id"]))
	ts.must(200, "PATCH", item, tm.mgr.Token, map[string]any{"to_user_id": tm.r3.ID})
	leaver := ts.login(tm.leaver.Email, testPassword)
	if r := intro(acc, leaver, tm.r4.ID); r.Status != 422 || r.field(t, "participant_ids") == "" {
		t.Errorf("an introduction without the successor: %d %s", r.Status, r.Body)
	}
	if r := intro(acc, tm.mgr.Token, tm.r3.ID); r.Status != 422 {
		t.Errorf("an introduction without the person leaving: %d %s", r.Status, r.Body)
	}
	if ts.must(200, "GET", item[:strings.LastIndex(item, "/items")], tm.mgr.Token, nil)["progress"].(map[string]any)["intros_logged"] != 0.0 {
		t.Fatal("a refused introduction counted")
	}

	// From her page, in the browser's way: the form posts and the checklist ticks.
	b := ts.browser()
	b.signIn(tm.leaver.Email, testPassword)
	page := b.get("/me/handover")
	itemID := num(itemFor(h, acc)["id"])
	r := b.post(path("/me/handover/items/%d/intro", itemID), map[string][]string{"summary": {"Lunch with Ms Zhao, Liu Yang and me"},
		"csrf_token": {csrfFrom(page.Body)}})
	if r.Status != 303 {
		t.Fatalf("logging the introduction from her page: %d %s", r.Status, r.Body)
	}
	got := itemFor(ts.must(200, "GET", path("/api/v1/handovers/%d", id(h)), tm.mgr.Token, nil), acc)
	if got["intro_logged"] != true {
		t.Fatalf("the introduction is not ticked: %v", got)
	}
	if page := string(b.get("/me/handover").Body); !strings.Contains(page, "Joint introduction: <span class=\"badge ok\">logged</span>") {
		t.Errorf("her page does not show the introduction logged")
	}
}

// A manager who leaves works in their own handover as anyone leaving does: notes only.
// A backdated joint introduction, which would not count, is refused.
func TestLeavingManagerAndBackdatedIntro(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	boss := ts.mustCreateUser(tm.admin, "Boss Leaving", "manager", 0)
	acc := ts.mustCreateAccount(boss.Token, map[string]any{"name": "Boss Account", "tier": "key", "annual_value": 10})
	h := ts.must(201, "POST", "/api/v1/handovers", tm.admin, map[string]any{"departing_user_id": boss.ID, "last_day": "2026-03-31"})
	item := path("/api/v1/handovers/%d/items/%d", id(h), num(itemFor(h, acc)["id"]))
	ts.must(200, "PATCH", item, tm.admin, map[string]any{"to_user_id": tm.r3.ID})
	bossNow := ts.login(boss.Email, testPassword)
	ts.must(200, "PATCH", item, bossNow, map[string]any{"transfer_note": "My notes"})
	for _, r := range []struct{ method, path string }{
		{"PATCH", item}, {"POST", path("/api/v1/handovers/%d/start", id(h))}, {"POST", path("/api/v1/handovers/%d/cancel", id(h))},
		{"GET", path("/api/v1/handovers/%d/report", id(h))}, {"GET", path("/api/v1/handovers/%d/candidates", id(h))},
	} {
		body := map[string]any{"to_user_id": tm.r4.ID}
		if got := ts.call(r.method, r.path, bossNow, body); got.Status != 403 {
			t.Errorf("%s %s by the manager leaving: %d %s", r.method, r.path, got.Status, got.Body)
		}
	}
	old := ts.call("POST", path("/api/v1/accounts/%d/interactions", acc), bossNow, map[string]any{"kind": "handover_intro",
		"summary": "Long ago", "participant_ids": []int64{tm.r3.ID}, "occurred_at": "2026-01-05T09:00:00Z"})
	if old.Status != 422 || old.field(t, "occurred_at") == "" {
		t.Errorf("a backdated introduction: %d %s", old.Status, old.Body)
	}
}

// The transfer note is structured: key contacts chosen from the account's own contacts,
// open issues, agreements and pricing, free text. Each part is checked, a refused change
// writes nothing, and every change of the note is in the account's history.
func TestStructuredTransferNote(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	acc := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Harbour Freight", "tier": "key", "annual_value": 500})
	other := ts.mustCreateAccount(tm.r3.Token, map[string]any{"name": "Quay Traders", "tier": "growth"})
	zhao := id(ts.must(201, "POST", path("/api/v1/accounts/%d/contacts", acc), tm.leaver.Token, map[string]any{"name": "Zhao Min", "decision_maker": true}))
	stranger := id(ts.must(201, "POST", path("/api/v1/accounts/%d/contacts", other), tm.r3.Token, map[string]any{"name": "Qian Lei"}))
	h := ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-31"})
	item := path("/api/v1/handovers/%d/items/%d", id(h), num(itemFor(h, acc)["id"]))
	leaver := ts.login(tm.leaver.Email, testPassword)

	for _, body := range []map[string]any{
		{"key_contact_ids": []int64{stranger}, "open_issues": "lost if refused"},
		{"key_contact_ids": []int64{zhao, 999999}},
		{"agreements": strings.Repeat("协", 5001)},
		{"open_issues": strings.Repeat("x", 5001)},
	} {
		if r := ts.call("PATCH", item, leaver, body); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%.60v: %d", body, r.Status)
		}
	}
	it := itemFor(ts.must(200, "GET", path("/api/v1/handovers/%d", id(h)), tm.mgr.Token, nil), acc)
	if it["open_issues"] != "" || len(it["key_contact_ids"].([]any)) != 0 || len(it["gaps"].([]any)) == 0 {
		t.Fatalf("a refused note was written: %v", it)
	}
	if r := ts.call("PATCH", item, tm.r3.Token, map[string]any{"open_issues": "not mine"}); r.Status != http.StatusForbidden {
		t.Errorf("another rep writes the note: %d", r.Status)
	}

	// Key contacts alone are a note already: the gap closes.
	after := ts.must(200, "PATCH", item, leaver, map[string]any{"key_contact_ids": []int64{zhao, zhao}})
	it = itemFor(after, acc)
	if ids := it["key_contact_ids"].([]any); len(ids) != 1 || slices.Contains(it["gaps"].([]any), any("transfer_note")) {
		t.Fatalf("with a key contact: %v", it)
	}
	ts.must(200, "PATCH", item, leaver, map[string]any{"open_issues": "Credit note for March", "agreements": "5% off until June"})
	it = itemFor(ts.must(200, "GET", path("/api/v1/handovers/%d", id(h)), tm.mgr.Token, nil), acc)
	if it["open_issues"] != "Credit note for March" || it["agreements"] != "5% off until June" || len(it["key_contacts"].([]any)) != 1 {
		t.Fatalf("parts left unset changed: %v", it)
	}
	var versions []string
	ts.App.DB.Read.Raw("SELECT after_json FROM audit_entries WHERE action = 'handover.note' AND account_id = ? ORDER BY id", acc).Scan(&versions)
	if len(versions) != 2 || !strings.Contains(versions[0], fmt.Sprintf(`"key_contact_ids":[%d]`, zhao)) ||
		!strings.Contains(versions[1], `"agreements":"5% off until June"`) {
		t.Fatalf("the note's history: %v", versions)
	}
	notes := 0
	for _, e := range ts.must(200, "GET", path("/api/v1/accounts/%d/history", acc), tm.r4.Token, nil)["data"].([]any) {
		if e := e.(map[string]any); e["action"] == "handover.note" && num(e["handover_id"]) == id(h) {
			notes++
		}
	}
	if notes != 2 {
		t.Fatalf("the account's history shows %d changes of the note, want 2", notes)
	}
}

// Every view of a handover lists its items key accounts first, the most valuable first,
// by their value now, not by when they were added: the API as the pages.
func TestHandoverItemsComeMostImportantFirst(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	create := func(name, tier string, value int) int64 {
		return ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": name, "tier": tier, "annual_value": value})
	}
	standard := create("Standard", "standard", 5000)
	grown := create("Grown Key", "key", 50)
	big := create("Big Key", "key", 900)
	growth := create("Growth", "growth", 100)
	h := ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-31"})
	ts.must(200, "PATCH", path("/api/v1/accounts/%d", grown), tm.mgr.Token, map[string]any{"annual_value": 2000})
	got := ts.must(200, "GET", path("/api/v1/handovers/%d", int64(h["id"].(float64))), tm.mgr.Token, nil)
	var order []int64
	for _, it := range items(got) {
		order = append(order, int64(it["account_id"].(float64)))
	}
	if want := []int64{grown, big, standard, growth}; !slices.Equal(order, want) {
		t.Errorf("items in the order of accounts %v, want %v (key first, most valuable first)", order, want)
	}
}

// A manager acts on sales staff and on their own reports; only an admin on other managers
// and admins; and nobody takes the last active admin out of action.
func TestRoleHierarchyForHandoversAndDepartures(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	boss := ts.mustCreateUser(admin, "Big Boss", "manager", 0)
	report := ts.mustCreateUser(admin, "Team Lead", "manager", boss.ID) // a manager reporting to boss
	peer := ts.mustCreateUser(admin, "Other Manager", "manager", 0)
	rep := ts.mustCreateUser(admin, "Rita Rep", "sales", peer.ID)
	second := ts.mustCreateUser(admin, "Second Admin", "admin", 0)
	start := func(token string, who int64) int {
		return ts.call("POST", "/api/v1/handovers", token, map[string]any{"departing_user_id": who, "last_day": "2026-03-31"}).Status
	}
	depart := func(token string, who int64) int {
		return ts.call("POST", path("/api/v1/users/%d/depart", who), token, map[string]any{"force": true, "reason": "gone"}).Status
	}
	if s := depart(boss.Token, second.ID); s != 403 {
		t.Errorf("a manager departed an admin: %d", s)
	}
	if s := start(boss.Token, peer.ID); s != 403 {
		t.Errorf("a manager started the handover of a manager not reporting to them: %d", s)
	}
	if s := start(boss.Token, report.ID); s != 201 {
		t.Errorf("a manager started the handover of their own report: %d", s)
	}
	if s := start(boss.Token, rep.ID); s != 201 {
		t.Errorf("a manager started the handover of a sales rep: %d", s)
	}
	if s := depart(second.Token, peer.ID); s != 200 {
		t.Errorf("an admin departed a manager: %d", s)
	}
	// The first admin demotes the second; the last admin can then be neither demoted nor
	// taken out of action by anyone.
	ts.must(200, "PATCH", path("/api/v1/users/%d", second.ID), admin, map[string]any{"role": "manager"})
	var adminID int64
	ts.App.DB.Read.Raw("SELECT id FROM users WHERE role = 'admin' AND status = 'active'").Scan(&adminID)
	second = user{ID: second.ID, Email: second.Email, Token: ts.login(second.Email, testPassword)}
	if s := depart(second.Token, adminID); s != 403 {
		t.Errorf("a manager departed the last admin: %d", s)
	}
	if s := start(second.Token, adminID); s != 403 {
		t.Errorf("a manager started the last admin's handover: %d", s)
	}
	var status string
	ts.App.DB.Read.Raw("SELECT status FROM users WHERE id = ?", adminID).Scan(&status)
	if status != "active" {
		t.Errorf("the last admin is %s", status)
	}
}
