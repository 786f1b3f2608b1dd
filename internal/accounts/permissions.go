package accounts

import (
	"keyhold/internal/fault"
	"keyhold/internal/staff"
)

// Permissions say what an actor may do with one account, for showing only the controls
// that will work. The domain methods enforce the same rules.
type Permissions struct {
	Edit       bool // change details: the team, managers, admins
	ManageTeam bool // add or remove members: the owner, managers, admins
	Transfer   bool // change the owner: managers, admins
	Delete     bool // managers, admins
}

// ErrCannotEdit refuses a change of an account's details to someone not allowed
// (Permissions.Edit).
var ErrCannotEdit = fault.Forbidden("only the account's team, managers and admins may change it")

// PermissionsOf computes an actor's permissions on an account loaded with its team.
func PermissionsOf(actor staff.User, a Account) Permissions {
	member := false
	for _, m := range a.Team {
		if m.UserID == actor.ID {
			member = true
		}
	}
	mgr := actor.CanManage()
	return Permissions{Edit: mgr || member, ManageTeam: canManageTeam(actor, a), Transfer: mgr, Delete: mgr}
}

// ErrOwnOnly refuses a rep who names another owner for a new account: that would be a
// transfer, which managers make (a rep could otherwise plant accounts on anyone's book).
var ErrOwnOnly = fault.Forbidden("a sales rep creates accounts they own; only managers and admins name another owner")

// MayCreateFor reports whether actor may create an account owned by ownerID.
func MayCreateFor(actor staff.User, ownerID int64) bool {
	return ownerID == actor.ID || actor.CanManage()
}
