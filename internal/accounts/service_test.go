package accounts

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"keyhold/internal/fault"
	"keyhold/internal/opt"
	"keyhold/internal/staff"
	"keyhold/internal/store/storetest"
)

// serviceFixture is a migrated database with an admin, a manager and two reps, and a
// clock the test moves.
type serviceFixture struct {
	s                  *Service
	now                *time.Time
	admin, mgr, r1, r2 staff.User
}

func newServiceFixture(t *testing.T) serviceFixture {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st := staff.New(db, clock, bcrypt.MinCost)
	if _, err := st.Bootstrap(ctx, "Ada Admin", "ada@example.com", "correct horse"); err != nil {
		t.Fatal(err)
	}
	f := serviceFixture{s: New(db, clock, st), now: &now}
	admin, err := st.ByEmail(ctx, "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	f.admin = admin
	user := func(name, email string, role staff.Role) staff.User {
		u, err := st.Create(ctx, f.admin, staff.NewUser{Name: name, Email: email, Password: "correct horse", Role: role})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.mgr = user("Max Manager", "max@example.com", staff.RoleManager)
	f.r1 = user("Rita Rep", "rita@example.com", staff.RoleSales)
	f.r2 = user("Sam Rep", "sam@example.com", staff.RoleSales)
	return f
}

// An account's own rules, without HTTP: who may change it, and when it falls due.
func TestAccountEditsTransfersAndDueDates(t *testing.T) {
	f := newServiceFixture(t)
	ctx := context.Background()
	a, err := f.s.Create(ctx, f.r1, NewAccount{Name: "Acme", Tier: TierKey})
	if err != nil {
		t.Fatal(err)
	}
	if a.OwnerID != f.r1.ID || !a.Overdue || a.CadenceDays != DefaultCadence[TierKey] {
		t.Errorf("a new account %+v: want owned by its creator, overdue (never contacted), on the key cadence", a)
	}
	if _, err := f.s.Update(ctx, f.r2, a.ID, Patch{Name: opt.Of("Mine now")}); !errors.Is(err, ErrCannotEdit) {
		t.Errorf("a rep off the team edited the account: %v", err)
	}
	if _, err := f.s.Update(ctx, f.mgr, a.ID, Patch{Name: opt.Of("Acme Ltd")}); err != nil {
		t.Errorf("a manager's edit: %v", err)
	}
	if _, err := f.s.Transfer(ctx, f.r1, a.ID, f.r2.ID, "handing on"); !fault.Is(err, fault.KindForbidden) {
		t.Errorf("a rep transferred an account: %v", err)
	}
	moved, err := f.s.Transfer(ctx, f.mgr, a.ID, f.r2.ID, "rebalancing")
	if err != nil || moved.OwnerID != f.r2.ID {
		t.Fatalf("a manager's transfer: %+v %v", moved, err)
	}
	if p := PermissionsOf(f.r1, moved); !p.Edit || p.Transfer {
		t.Errorf("the previous owner, now backup: %+v, want edit but no transfer", p)
	}
	// A call now makes it due in 14 days; a day past that, it is overdue again.
	if _, err := f.s.LogInteraction(ctx, f.r2, a.ID, NewInteraction{Kind: "call", Summary: "Checked in"}); err != nil {
		t.Fatal(err)
	}
	got, err := f.s.Get(ctx, a.ID)
	if err != nil || got.Overdue || got.NextContactDue == nil || !got.NextContactDue.Equal(f.now.AddDate(0, 0, 14)) {
		t.Fatalf("after a call: %+v %v, want due in 14 days", got, err)
	}
	*f.now = f.now.AddDate(0, 0, 15)
	if got, _ = f.s.Get(ctx, a.ID); !got.Overdue {
		t.Errorf("15 days after the call: not overdue")
	}
}
