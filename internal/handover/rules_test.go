package handover

import (
	"slices"
	"testing"
	"time"

	"keyhold/internal/accounts"
	"keyhold/internal/staff"
)

func TestCanDepart(t *testing.T) {
	manager := staff.User{ID: 1, Role: staff.RoleManager, Status: staff.StatusActive}
	rep := staff.User{ID: 2, Role: staff.RoleSales, Status: staff.StatusActive}
	leaving := &accounts.UserRef{ID: 3, Status: staff.StatusLeaving}
	departed := &accounts.UserRef{ID: 3, Status: staff.StatusDeparted}
	self := staff.User{ID: 3, Role: staff.RoleManager, Status: staff.StatusLeaving}
	for _, c := range []struct {
		what  string
		actor staff.User
		h     Handover
		want  bool
	}{
		{"a manager, once the handover is completed", manager, Handover{DepartingUserID: 3, Status: Completed, Departing: leaving}, true},
		{"not while it is in progress", manager, Handover{DepartingUserID: 3, Status: InProgress, Departing: leaving}, false},
		{"not twice", manager, Handover{DepartingUserID: 3, Status: Completed, Departing: departed}, false},
		{"not a sales rep", rep, Handover{DepartingUserID: 3, Status: Completed, Departing: leaving}, false},
		{"not the person leaving, a manager too", self, Handover{DepartingUserID: 3, Status: Completed, Departing: leaving}, false},
		{"not without the person", manager, Handover{DepartingUserID: 3, Status: Completed}, false},
	} {
		if got := CanDepart(c.actor, c.h); got != c.want {
			t.Errorf("%s: CanDepart = %v, want %v", c.what, got, c.want)
		}
	}
}

func TestEditable(t *testing.T) {
	for _, c := range []struct {
		h    Status
		item string
		want bool
	}{
		{Draft, "open", true}, {InProgress, "open", true}, {InProgress, "done", false},
		{Completed, "open", false}, {Cancelled, "open", false}, {InProgress, "skipped", false},
	} {
		if got := (Handover{Status: c.h}).Editable(Item{Status: c.item}); got != c.want {
			t.Errorf("a %s item of a %s handover: Editable = %v, want %v", c.item, c.h, got, c.want)
		}
	}
}

// A successor's inbox: the first contacts still owed, soonest due first; then handovers
// under way; then first contacts made; key accounts first within each.
func TestInboxOrder(t *testing.T) {
	day := func(d int) *time.Time { t := time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC); return &t }
	key := ItemAccount{Tier: accounts.TierKey}
	list := []Received{
		{ItemID: 1, Status: Completed, FirstContactDue: day(20), FirstContactAt: day(5)}, // made
		{ItemID: 2, Status: InProgress},                                                                // under way
		{ItemID: 3, Status: Completed, FirstContactDue: day(12)},                                       // owed, later
		{ItemID: 4, Status: InProgress, Account: key},                                                  // under way, key
		{ItemID: 5, Status: Completed, FirstContactDue: day(9)},                                        // owed, sooner
		{ItemID: 6, Status: Completed, FirstContactDue: day(20), FirstContactAt: day(6), Account: key}, // made, key
	}
	slices.SortStableFunc(list, inboxOrder)
	var got []int64
	for _, r := range list {
		got = append(got, r.ItemID)
	}
	if want := []int64{5, 3, 4, 2, 6, 1}; !slices.Equal(got, want) {
		t.Errorf("inbox order %v, want %v", got, want)
	}
}
