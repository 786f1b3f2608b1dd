package staff

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/audit"
	"keyhold/internal/fault"
	"keyhold/internal/outbox"
)

// The status lifecycle — active → leaving → departed, or back to active when a handover
// is cancelled — runs inside the caller's transaction, together with the handover or
// departure that causes it. Leaving and departing both bump the token version: every
// session and API token of the user is refused from the next request on.

// LockTx loads a user inside tx.
func LockTx(tx *gorm.DB, id int64) (User, error) {
	var u User
	err := tx.Take(&u, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, fault.NotFound("user", id)
	}
	return u, err
}

func setStatus(ctx context.Context, tx *gorm.DB, actor User, u User, status Status, lastDay *string, revoke bool, now time.Time) (User, error) {
	before := u
	u.Status, u.LastDay, u.UpdatedAt = status, lastDay, now
	cols := map[string]any{"status": status, "last_day": lastDay, "updated_at": now}
	if revoke {
		u.TokenVersion++
		cols["token_version"] = u.TokenVersion
	}
	if status == StatusDeparted {
		cols["calendar_token"] = nil // the feed address dies with the account
	}
	if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(cols).Error; err != nil {
		return User{}, err
	}
	err := audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "user.status",
		Entity: "user", EntityID: u.ID, Reason: string(status)}, map[string]any{"status": before.Status, "last_day": before.LastDay},
		map[string]any{"status": status, "last_day": lastDay})
	if err != nil || status == StatusActive {
		return u, err
	}
	kind := outbox.UserLeaving
	if status == StatusDeparted {
		kind = outbox.UserDeparted
	}
	return u, outbox.Record(ctx, tx, kind, now, outbox.User{UserID: u.ID, Name: u.Name, Email: u.Email, Status: string(status)})
}

// MayActOn says whether actor may take target out of the organisation (start their
// handover, mark them departed): managers act on sales staff and on their own reports;
// only admins act on other managers and admins.
func MayActOn(actor, target User) error {
	if !actor.CanManage() {
		return fault.Forbidden("only managers and admins run handovers and departures")
	}
	if actor.IsAdmin() || target.Role == RoleSales || (target.ManagerID != nil && *target.ManagerID == actor.ID) {
		return nil
	}
	return fault.Forbidden("only an admin acts on managers and admins who do not report to you")
}

// keepAnAdmin refuses to take the last active admin out of action (leaving, departed or
// demoted): nobody could manage users afterwards.
func keepAnAdmin(tx *gorm.DB, target User) error {
	if target.Role != RoleAdmin {
		return nil
	}
	var others int64
	if err := tx.Model(&User{}).Where("role = ? AND status = ? AND id <> ?", RoleAdmin, StatusActive, target.ID).
		Count(&others).Error; err != nil {
		return err
	}
	if others == 0 {
		return fault.Conflict("this is the last active admin; make someone else an admin first", nil)
	}
	return nil
}

// MarkLeavingTx makes an active user leaving, with their last day: as MayActOn allows,
// and never the last active admin.
func MarkLeavingTx(ctx context.Context, tx *gorm.DB, actor User, u User, lastDay string, now time.Time) (User, error) {
	if err := MayActOn(actor, u); err != nil {
		return User{}, err
	}
	if u.Status != StatusActive {
		return User{}, fault.Conflict("only an active user can start leaving", nil)
	}
	if err := keepAnAdmin(tx, u); err != nil {
		return User{}, err
	}
	return setStatus(ctx, tx, actor, u, StatusLeaving, &lastDay, true, now)
}

// ReactivateTx returns a leaving user to active (their handover was cancelled).
func ReactivateTx(ctx context.Context, tx *gorm.DB, actor User, u User, now time.Time) (User, error) {
	if u.Status != StatusLeaving {
		return u, nil
	}
	return setStatus(ctx, tx, actor, u, StatusActive, nil, false, now)
}

// MarkDepartedTx makes a user departed; their last day is today unless set. As
// MayActOn allows, and never the last active admin.
func MarkDepartedTx(ctx context.Context, tx *gorm.DB, actor User, u User, now time.Time) (User, error) {
	if err := MayActOn(actor, u); err != nil {
		return User{}, err
	}
	if u.Status == StatusDeparted {
		return User{}, fault.Conflict("this user has already departed", nil)
	}
	if err := keepAnAdmin(tx, u); err != nil {
		return User{}, err
	}
	last := now.Format("2006-01-02")
	if u.LastDay != nil {
		last = *u.LastDay
	}
	return setStatus(ctx, tx, actor, u, StatusDeparted, &last, true, now)
}
