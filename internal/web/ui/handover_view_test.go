package ui

import (
	"testing"

	"keyhold/internal/accounts"
	"keyhold/internal/fault"
	"keyhold/internal/handover"
	"keyhold/internal/i18n"
	"keyhold/internal/staff"
)

// The wizard's view model, built without HTTP: teammates first, each one's share of the
// items (a successor from another team listed after them, a skipped item counted for
// nobody), a row per item with what its forms show, and the blocking gaps.
func TestHandoverViewOf(t *testing.T) {
	ana := &accounts.UserRef{ID: 7, Name: "Ana"}
	bo := &accounts.UserRef{ID: 8, Name: "Bo"}
	key := &handover.ItemAccount{Name: "Big Key", Tier: accounts.TierKey}
	items := []handover.Item{
		{ID: 1, Role: accounts.RoleOwner, Status: "open", Successor: ana, Account: key, Gaps: []string{handover.GapIntro}},
		{ID: 2, Role: accounts.RoleOwner, Status: "open", Successor: bo, Account: &handover.ItemAccount{Name: "Small"}},
		{ID: 3, Role: accounts.RoleOwner, Status: "skipped", Successor: ana, Account: &handover.ItemAccount{Name: "Gone"}},
		{ID: 4, Role: accounts.RoleSupport, Status: "open", Account: &handover.ItemAccount{Name: "Helped"}},
	}
	in := handoverInput{
		H: handover.Handover{ID: 5, Status: handover.InProgress, DepartingUserID: 3, Items: items,
			Departing: &accounts.UserRef{ID: 3, Name: "Lee", Status: staff.StatusLeaving}},
		Loads: []handover.Load{{UserID: 7, Name: "Ana", InTeam: true}, {UserID: 8, Name: "Bo"}, {UserID: 9, Name: "Cy"}},
		Base:  "CNY", Actor: staff.User{ID: 1, Role: staff.RoleManager}, Lang: i18n.English, CSRF: "tok",
		Focus: handoverFocus{Item: 2, Checked: []int64{4}}, Form: map[string]string{"transfer_note": "typed"},
		Errors: fault.Fields{"transfer_note": "is too long"},
	}
	v := handoverViewOf(in)
	if len(v.Team) != 2 || v.Team[0].UserID != 7 || v.Team[0].Items != 1 || v.Team[0].Keys != 1 ||
		v.Team[1].UserID != 8 || v.Team[1].Owned != 1 || v.Team[1].Keys != 0 {
		t.Errorf("team rows %+v: want Ana (1 item, 1 key) then Bo from another team (1 owned)", v.Team)
	}
	if len(v.Choices.Team) != 1 || len(v.Choices.Others) != 2 {
		t.Errorf("choices %+v: want Ana in the team, Bo and Cy among the others", v.Choices)
	}
	if len(v.Rows) != 4 || v.Rows[0].Name != "Big Key" || !v.Rows[0].Editable || v.Rows[2].Editable || v.Rows[0].CSRF != "tok" {
		t.Fatalf("rows %+v", v.Rows)
	}
	focused := v.Rows[1]
	if !focused.Expanded || focused.Form["transfer_note"] != "typed" || focused.Errors["transfer_note"] == "" || v.Rows[0].Expanded {
		t.Errorf("the focused item shows what was typed and its errors, the others do not: %+v", focused)
	}
	if !v.Rows[3].Checked || v.Rows[0].Checked {
		t.Errorf("only item 4 is ticked for the bulk assignment")
	}
	if v.Rows[0].Form["summary"] == "" {
		t.Errorf("an item with a successor offers the introduction's summary")
	}
	if len(v.Gaps) != 1 || v.Gaps[0].ID != 1 || v.CanDepart || v.Name != "Lee" {
		t.Errorf("gaps %v, can depart %v, name %q: want item 1 blocking, not departable yet, Lee", v.Gaps, v.CanDepart, v.Name)
	}
}
