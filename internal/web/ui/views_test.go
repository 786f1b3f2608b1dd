package ui

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"keyhold/internal/accounts"
	"keyhold/internal/handover"
	"keyhold/internal/health"
	"keyhold/internal/i18n"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

// The pages' view models, built from what was loaded without HTTP or a database.

func TestAccountViewOf(t *testing.T) {
	acc := accounts.Account{ID: 4, OwnerID: 7, Status: accounts.StatusActive,
		Team: []accounts.TeamMember{{UserID: 7, Role: accounts.RoleOwner}, {UserID: 8, Role: accounts.RoleBackup}}}
	report := &health.Report{Score: 60, Level: health.Watch, Reasons: []health.Reason{
		{Code: health.CodeContactOverdue, Deduction: 14, Data: map[string]any{"days_since_contact": 40.0, "cadence_days": 30.0, "days_overdue": 10.0}},
		{Code: health.CodeOwnerInactive, Deduction: 25, Data: map[string]any{"owner_status": "leaving"}}}}
	owner, backup, other := staff.User{ID: 7, Role: staff.RoleSales}, staff.User{ID: 8, Role: staff.RoleSales}, staff.User{ID: 9, Role: staff.RoleSales}
	manager := staff.User{ID: 2, Role: staff.RoleManager}

	for _, tc := range []struct {
		name                   string
		u                      staff.User
		edit, team, move, loss bool
	}{
		{"the owner", owner, true, true, false, true},
		{"a backup", backup, true, false, false, false},
		{"a rep outside the team", other, false, false, false, false},
		{"a manager", manager, true, true, true, true},
	} {
		v := accountViewOf(tc.u, i18n.English, accountData{Account: acc, Health: report})
		if v.Perms.Edit != tc.edit || v.Perms.ManageTeam != tc.team || v.Perms.Transfer != tc.move || v.CanChurn != tc.loss ||
			v.ShowLosses != tc.loss {
			t.Errorf("%s: permissions %+v, may record a loss %v; want edit %v, team %v, transfer %v, loss %v",
				tc.name, v.Perms, v.CanChurn, tc.edit, tc.team, tc.move, tc.loss)
		}
	}

	zh := accountViewOf(owner, i18n.Chinese, accountData{Account: acc, Health: report})
	if len(zh.Breakdown) != 2 || zh.Breakdown[0].Points != 14 || !strings.Contains(zh.Breakdown[0].Text, "已 40 天未联系") ||
		!strings.Contains(zh.Breakdown[0].Text, "逾期 10 天") {
		t.Errorf("the health's deductions in the reader's language, with their points and numbers: %+v", zh.Breakdown)
	}
	// A transfer would win more (25) than a call (14), but only a manager may make one.
	if r := zh.Remedy; r == nil || r.Action != health.ActionLogCall || r.Href != "#log-interaction" || r.Label != "登记一次联系：可加 14 分" {
		t.Errorf("the owner is offered a call: %+v", r)
	}
	if r := accountViewOf(manager, i18n.English, accountData{Account: acc, Health: report}).Remedy; r == nil ||
		r.Action != health.ActionTransfer || r.Href != "#transfer-form" || r.Label != "Give it an active owner: +25 points" {
		t.Errorf("a manager is offered the transfer: %+v", r)
	}
	acc.Overdue = true
	if st := accountViewOf(owner, i18n.English, accountData{Account: acc, Health: report}).Status; st != health.StatusOverdue {
		t.Errorf("one status, the worst: %q", st)
	}
	churned := accountViewOf(owner, i18n.English, accountData{Account: accounts.Account{ID: 5, Status: accounts.StatusChurned}})
	if churned.Breakdown != nil || churned.Health != nil || churned.Remedy != nil {
		t.Errorf("a churned account has no health to explain: %+v", churned.Breakdown)
	}
	if len(zh.Kinds) == 0 || len(zh.TeamRoles) != 3 || len(zh.Reasons) == 0 || len(zh.Severities) == 0 {
		t.Errorf("the forms' choices are missing: %+v", zh)
	}
}

func TestHomeViewOf(t *testing.T) {
	inbox := make([]handover.Received, 60)
	for i := range inbox {
		inbox[i].ItemID = int64(i + 1)
	}
	rep := homeViewOf(staff.User{ID: 7, Role: staff.RoleSales}, homeData{Inbox: inbox})
	if rep.InboxTotal != 60 || len(rep.Inbox) != homeInboxSize || len(rep.InboxFirst) != homeInboxOpen ||
		len(rep.InboxRest) != homeInboxSize-homeInboxOpen || rep.InboxFirst[0].ItemID != 1 || rep.InboxRest[0].ItemID != homeInboxOpen+1 {
		t.Errorf("inbox of 60: total %d, shown %d, open %d, behind show-more %d", rep.InboxTotal, len(rep.Inbox), len(rep.InboxFirst), len(rep.InboxRest))
	}
	if !strings.Contains(rep.OverdueLink, "owner_id=7") || !strings.Contains(rep.OverdueLink, "overdue=true") || !strings.Contains(rep.MineLink, "owner_id=7") {
		t.Errorf("a rep's links lead to their own book: %q, %q", rep.OverdueLink, rep.MineLink)
	}
	mgr := homeViewOf(staff.User{ID: 2, Role: staff.RoleManager}, homeData{Inbox: inbox[:3]})
	if strings.Contains(mgr.OverdueLink, "owner_id") || !strings.Contains(mgr.OverdueLink, "tier=key") || mgr.MineLink != "" {
		t.Errorf("a manager's link leads to every overdue key account: %q (mine %q)", mgr.OverdueLink, mgr.MineLink)
	}
	if mgr.InboxTotal != 3 || len(mgr.InboxFirst) != 3 || len(mgr.InboxRest) != 0 {
		t.Errorf("a short inbox shows whole: %d open, %d more", len(mgr.InboxFirst), len(mgr.InboxRest))
	}
	empty := homeViewOf(staff.User{ID: 7, Role: staff.RoleSales}, homeData{})
	if empty.InboxTotal != 0 || len(empty.InboxFirst) != 0 {
		t.Errorf("nothing handed over: %+v", empty.InboxFirst)
	}
}

func TestAccountsViewOf(t *testing.T) {
	at, _ := url.Parse("/accounts?tier=key&q=%E5%8D%8E&page=2")
	d := accountsData{Filter: accounts.Filter{Tier: accounts.TierKey, Page: store.Page{Number: 2, Size: 50}}, Total: 120}
	v := accountsViewOf(at, d)
	if v.Page != 2 || v.Pages != 3 {
		t.Errorf("page %d of %d, want 2 of 3", v.Page, v.Pages)
	}
	for _, link := range []string{v.PrevURL, v.NextURL} {
		u, err := url.Parse(link)
		if err != nil || u.Path != "/accounts" || u.Query().Get("tier") != "key" || u.Query().Get("q") != "华" {
			t.Errorf("page link %q loses the query", link)
		}
	}
	if p, _ := url.Parse(v.PrevURL); p.Query().Get("page") != "1" {
		t.Errorf("previous page %q", v.PrevURL)
	}
	if n, _ := url.Parse(v.NextURL); n.Query().Get("page") != "3" {
		t.Errorf("next page %q", v.NextURL)
	}
	if len(v.Tiers) == 0 || len(v.Statuses) != 2 || len(v.Sorts) == 0 {
		t.Errorf("the filter's choices are missing")
	}

	first := accountsViewOf(at, accountsData{Filter: accounts.Filter{Page: store.Page{Number: 1, Size: 50}}})
	if first.Pages != 1 || first.PrevURL != "" || first.NextURL != "" {
		t.Errorf("an empty list is one page without links: %+v", first.paging)
	}
}

func TestFlagsView(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	due := now.AddDate(0, 0, -12)
	later := now.AddDate(0, 0, 5)
	flags := []health.Flag{
		{Account: accounts.Account{ID: 1, NextContactDue: &due, Overdue: true},
			Report: health.Report{Level: health.Watch, Neglected: true, Reasons: []health.Reason{{Code: health.CodeNeverContacted, Deduction: 40, Data: map[string]any{"cadence_days": 14}}}}},
		{Account: accounts.Account{ID: 2, NextContactDue: &later}},
	}
	table := flagTableOf(i18n.English, now, "CNY", flags, false)
	if table.Base != "CNY" || len(table.Rows) != 2 {
		t.Fatalf("table %+v", table)
	}
	if !table.Rows[0].NeverContacted || table.Rows[1].NeverContacted {
		t.Error("the account nobody has contacted should say so")
	}
	if table.Rows[0].DaysOverdue != 12 || table.Rows[1].DaysOverdue != 0 {
		t.Errorf("days overdue %d and %d, want 12 and 0 (not yet due)", table.Rows[0].DaysOverdue, table.Rows[1].DaysOverdue)
	}
	if b := table.Rows[0].Breakdown; len(b) != 1 || b[0].Text != "Never contacted; the cadence is 14 days." || b[0].Points != 40 {
		t.Errorf("reasons in words, with their points: %+v", b)
	}
	if r := table.Rows[0].Remedy; table.Rows[0].Status != health.StatusNeglected || r == nil || r.Href != "/accounts/1?kind=call#log-interaction" {
		t.Errorf("one status and the action that lifts it most: %q, %+v", table.Rows[0].Status, r)
	}

	at, _ := url.Parse("/flags?tier=all&level=at_risk")
	f := health.FlagFilter{Level: health.AtRisk, Page: store.Page{Number: 1, Size: 50}}
	v := flagsViewOf(at, f, table, 51, picker{})
	if v.Pages != 2 || v.PrevURL != "" || !strings.Contains(v.NextURL, "tier=all") || !strings.Contains(v.NextURL, "page=2") {
		t.Errorf("51 flags: pages %d, next %q", v.Pages, v.NextURL)
	}
	if len(v.Levels) != 3 || v.Total != 51 {
		t.Errorf("levels %v, total %d", v.Levels, v.Total)
	}
}

func TestMyItemRows(t *testing.T) {
	items := []handover.Item{
		{ID: 1, AccountID: 10, Note: handover.Note{TransferNote: "saved one", KeyContactIDs: []int64{100, 101}}},
		{ID: 2, AccountID: 20, Note: handover.Note{TransferNote: "saved two", KeyContactIDs: []int64{200}}},
	}
	contacts := map[int64][]accounts.Contact{10: {{ID: 100}, {ID: 101}}, 20: {{ID: 200}, {ID: 201}}}

	rows := myItemRows(items, contacts, nil)
	if rows[0].Fields["transfer_note"] != "saved one" || !rows[0].Keys[100] || !rows[0].Keys[101] || rows[0].Mine {
		t.Errorf("as saved: %+v", rows[0])
	}
	if len(rows[1].Contacts) != 2 || rows[1].SavedKeys != "200" {
		t.Errorf("item 2's contacts and saved keys: %+v", rows[1])
	}

	typed := map[string]string{"item_id": "2", "what": "note", "transfer_note": "typed", "key_contact_ids": "201"}
	rows = myItemRows(items, contacts, typed)
	if rows[1].Fields["transfer_note"] != "typed" || !rows[1].Keys[201] || rows[1].Keys[200] || !rows[1].Mine || rows[1].SavedKeys != "200" {
		t.Errorf("the note form that came back shows what was typed: %+v", rows[1])
	}
	if rows[0].Fields["transfer_note"] != "saved one" || rows[0].Mine {
		t.Errorf("the other items keep what was saved: %+v", rows[0])
	}

	intro := map[string]string{"item_id": "1", "what": "intro", "transfer_note": "not a note form"}
	rows = myItemRows(items, contacts, intro)
	if !rows[0].Mine || rows[0].Fields["transfer_note"] != "saved one" {
		t.Errorf("an introduction form coming back leaves the note as saved: %+v", rows[0])
	}
}
