package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"
)

// The periodic scan reads every account at once (its fact queries side by side, a
// leader's touch found in two halves over the whole window) and writes only what
// changed; a write rescores its own accounts with the scoped queries. Both must come to
// the same results: after a scan, rescoring every account the way a write does changes
// nothing.
func TestScanAgreesWithTheRescoreOfEveryWrite(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	mgr := ts.mustCreateUser(admin, "Mia Manager", "manager", 0)
	rep := ts.mustCreateUser(admin, "Ray Rep", "sales", mgr.ID)
	other := ts.mustCreateUser(admin, "Olga Other", "sales", mgr.ID)

	var ids []int64
	add := func(body map[string]any) int64 {
		id := ts.mustCreateAccount(rep.Token, body)
		ids = append(ids, id)
		return id
	}
	call := func(acc int64, token string, body map[string]any) {
		ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", acc), token, body)
	}
	add(map[string]any{"name": "Never Called", "tier": "key", "annual_value": 900})
	led := add(map[string]any{"name": "Manager Joined", "tier": "key", "annual_value": 500})
	call(led, rep.Token, map[string]any{"kind": "visit", "summary": "With my manager", "participant_ids": []int64{mgr.ID}})
	exec := add(map[string]any{"name": "Executive Visit", "tier": "key"})
	call(exec, rep.Token, map[string]any{"kind": "executive_visit", "summary": "The CEO came"})
	byMgr := add(map[string]any{"name": "Manager Called", "tier": "key"})
	call(byMgr, mgr.Token, map[string]any{"kind": "call", "summary": "Checked in"})
	lone := add(map[string]any{"name": "One Voice", "tier": "key", "renewal_date": "2026-04-20"})
	for i := range 6 {
		ts.Clock.Advance(time.Hour)
		call(lone, rep.Token, map[string]any{"kind": "call", "summary": fmt.Sprintf("Call %d", i)})
	}
	shared := add(map[string]any{"name": "Shared", "tier": "growth"})
	ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", shared, other.ID), rep.Token, map[string]any{"role": "backup"})
	c1 := ts.must(201, "POST", path("/api/v1/accounts/%d/contacts", shared), rep.Token, map[string]any{"name": "Ann"})
	ts.must(201, "POST", path("/api/v1/accounts/%d/contacts", shared), rep.Token, map[string]any{"name": "Bo"})
	call(shared, other.Token, map[string]any{"kind": "meeting", "summary": "Kick-off", "contact_ids": []int64{id(c1)}})
	ts.must(201, "POST", path("/api/v1/accounts/%d/complaints", shared), rep.Token, map[string]any{"severity": "high", "summary": "Late"})
	moved := add(map[string]any{"name": "Moved Twice", "tier": "standard"})
	ts.must(200, "POST", path("/api/v1/accounts/%d/transfer", moved), mgr.Token, map[string]any{"to_user_id": other.ID, "reason": "Cover"})
	ts.must(200, "POST", path("/api/v1/accounts/%d/transfer", moved), mgr.Token, map[string]any{"to_user_id": rep.ID, "reason": "Back"})

	// Time moves: cadences run out, complaints age, the renewal comes near.
	ts.Clock.Advance(40 * 24 * time.Hour)
	if _, err := ts.App.Health.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	stored := func() map[int64]string {
		var rows []struct {
			AccountID      int64
			Score          int
			Level, Reasons string
			Neglected      bool
			RiskValue      int64
			FlaggedSince   *time.Time
		}
		ts.App.DB.Read.Raw("SELECT account_id, score, level, reasons, neglected, risk_value, flagged_since FROM account_health").Scan(&rows)
		out := map[int64]string{}
		for _, r := range rows {
			out[r.AccountID] = fmt.Sprintf("%d %s %v %d %v %s", r.Score, r.Level, r.Neglected, r.RiskValue, r.FlaggedSince, r.Reasons)
		}
		return out
	}
	scanned := stored()
	if len(scanned) != len(ids) {
		t.Fatalf("the scan scored %d of %d accounts", len(scanned), len(ids))
	}
	err := ts.App.DB.Write.Transaction(func(tx *gorm.DB) error {
		return ts.App.Health.Refresh(context.Background(), tx, ids...)
	})
	if err != nil {
		t.Fatal(err)
	}
	for id, after := range stored() {
		if after != scanned[id] {
			t.Errorf("account %d: the scan stored\n  %s\nbut its rescore says\n  %s", id, scanned[id], after)
		}
	}
}
