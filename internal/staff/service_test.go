package staff

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"keyhold/internal/fault"
	"keyhold/internal/opt"
	"keyhold/internal/store/storetest"
)

// fixture is a migrated database with an admin and a manager.
func fixture(t *testing.T) (*Service, User, User) {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	s := New(db, func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }, bcrypt.MinCost)
	if _, err := s.Bootstrap(ctx, "Ada Admin", "ada@example.com", "correct horse"); err != nil {
		t.Fatal(err)
	}
	admin, err := s.ByEmail(ctx, "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	mgr, err := s.Create(ctx, admin, NewUser{Name: "Max Manager", Email: "max@example.com", Password: "correct horse", Role: RoleManager})
	if err != nil {
		t.Fatal(err)
	}
	return s, admin, mgr
}

// field is the message a validation error gives for a field ("" if none).
func field(err error, name string) string {
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Kind != fault.KindInvalid {
		return ""
	}
	return fe.Fields[name]
}

func TestCreateChecksEveryField(t *testing.T) {
	s, admin, mgr := fixture(t)
	ctx := context.Background()
	rep := NewUser{Name: "Rita Rep", Email: "  Rita@Example.com ", Password: "correct horse", Role: RoleSales, ManagerID: &mgr.ID}
	u, err := s.Create(ctx, admin, rep)
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "rita@example.com" || u.Status != StatusActive || u.ManagerID == nil || *u.ManagerID != mgr.ID {
		t.Errorf("created %+v: want the e-mail normalised, active, managed by %d", u, mgr.ID)
	}
	if _, err := s.Create(ctx, mgr, rep); !fault.Is(err, fault.KindForbidden) {
		t.Errorf("a manager created a user: %v", err)
	}
	if _, err := s.Create(ctx, admin, rep); !fault.Is(err, fault.KindConflict) {
		t.Errorf("a second user with the same e-mail: %v, want a conflict", err)
	}
	bad := NewUser{Name: " ", Email: "nope", Password: "short", Role: "boss", ManagerID: &u.ID}
	_, err = s.Create(ctx, admin, bad)
	for _, f := range []string{"name", "email", "password", "role"} {
		if field(err, f) == "" {
			t.Errorf("a bad %s was not refused: %v", f, err)
		}
	}
	ok := NewUser{Name: "Sam", Email: "sam@example.com", Password: "correct horse", Role: RoleSales, ManagerID: &u.ID}
	if _, err := s.Create(ctx, admin, ok); field(err, "manager_id") == "" {
		t.Errorf("a sales rep as manager: %v, want a manager_id error", err)
	}
}

func TestUpdateRevokesSessionsOnRoleOrPasswordChange(t *testing.T) {
	s, admin, mgr := fixture(t)
	ctx := context.Background()
	before := mgr.TokenVersion
	u, err := s.Update(ctx, admin, mgr.ID, Patch{Name: opt.Of("Maxine Manager")})
	if err != nil || u.TokenVersion != before {
		t.Fatalf("a new name: %+v %v, want the sessions kept", u, err)
	}
	if u, err = s.Update(ctx, admin, mgr.ID, Patch{Role: opt.Of(RoleSales)}); err != nil || u.TokenVersion != before+1 {
		t.Fatalf("a role change: %+v %v, want the sessions ended", u, err)
	}
	if _, err := s.Update(ctx, admin, admin.ID, Patch{Role: opt.Of(RoleSales)}); field(err, "role") == "" {
		t.Errorf("an admin changed their own role: %v", err)
	}
	if _, err := s.Update(ctx, mgr, admin.ID, Patch{Name: opt.Of("X")}); !fault.Is(err, fault.KindForbidden) {
		t.Errorf("a non-admin changed a user: %v", err)
	}
	if _, err := s.Update(ctx, admin, admin.ID, Patch{ManagerID: opt.Of(admin.ID)}); field(err, "manager_id") == "" {
		t.Errorf("a user became their own manager: %v", err)
	}
	got, err := s.Get(ctx, mgr.ID)
	if err != nil || got.Name != "Maxine Manager" || got.Role != RoleSales {
		t.Errorf("stored %+v %v: the refused changes must have changed nothing", got, err)
	}
}

func TestChangePasswordNeedsTheCurrentOne(t *testing.T) {
	s, admin, _ := fixture(t)
	ctx := context.Background()
	if _, err := s.ChangePassword(ctx, admin, "wrong password", "another good one"); field(err, "current_password") == "" {
		t.Errorf("a wrong current password: %v", err)
	}
	if _, err := s.ChangePassword(ctx, admin, "correct horse", "short"); field(err, "new_password") == "" {
		t.Errorf("a short new password: %v", err)
	}
	u, err := s.ChangePassword(ctx, admin, "correct horse", "another good one")
	if err != nil || u.TokenVersion != admin.TokenVersion+1 {
		t.Fatalf("%+v %v: want the password changed and the sessions ended", u, err)
	}
	stored, _ := s.Get(ctx, admin.ID)
	if bcrypt.CompareHashAndPassword([]byte(stored.PasswordHash), []byte("another good one")) != nil {
		t.Error("the new password does not match the stored hash")
	}
}

// Whoever acts, the last active admin is never taken out of action; managers act on sales
// staff and their own reports only.
func TestLifecycleKeepsAnAdminAndTheHierarchy(t *testing.T) {
	s, admin, mgr := fixture(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	err := s.db.Write.Transaction(func(tx *gorm.DB) error {
		_, err := MarkLeavingTx(ctx, tx, admin, admin, "2026-03-31", now)
		return err
	})
	if !fault.Is(err, fault.KindConflict) {
		t.Errorf("the last admin started leaving: %v", err)
	}
	for _, c := range []struct {
		actor, target User
		ok            bool
	}{
		{mgr, User{ID: 50, Role: RoleSales}, true},
		{mgr, User{ID: 51, Role: RoleManager, ManagerID: &mgr.ID}, true},
		{mgr, User{ID: 52, Role: RoleManager}, false},
		{mgr, admin, false},
		{admin, User{ID: 53, Role: RoleManager}, true},
		{User{ID: 54, Role: RoleSales}, User{ID: 55, Role: RoleSales}, false},
	} {
		if err := MayActOn(c.actor, c.target); (err == nil) != c.ok {
			t.Errorf("%s %d on %s %d: %v, want allowed %v", c.actor.Role, c.actor.ID, c.target.Role, c.target.ID, err, c.ok)
		}
	}
}
