package accounts

import (
	"context"
	"errors"
	"slices"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/fault"
	"keyhold/internal/money"
	"keyhold/internal/staff"
)

// The operations below run inside a caller's transaction, for workflows that move many
// accounts at once and must move all or none (a handover's completion, a departure).
// Each is audited with the workflow's handover, if any, and rescored through the change
// hook, like the single-account methods.

// TransferTx makes to the owner of the account inside tx; the previous owner stays on the
// team as backup (the caller removes them if they are leaving).
func (s *Service) TransferTx(ctx context.Context, tx *gorm.DB, actor staff.User, accountID, to int64, reason string, handoverID *int64) error {
	a, err := loadAccount(tx, accountID)
	if err != nil {
		return err
	}
	if a.OwnerID == to {
		return nil
	}
	if err := activeUser(tx, "to_user_id", to); err != nil {
		return err
	}
	if err := moveOwner(ctx, tx, actor, a, to, reason, handoverID, s.now().UTC()); err != nil {
		return err
	}
	return s.changed(ctx, tx, accountID)
}

// JoinTx puts a user on the account's team with role, unless they are on it already; it
// reports whether they joined.
func (s *Service) JoinTx(ctx context.Context, tx *gorm.DB, actor staff.User, accountID, userID int64, role TeamRole, handoverID *int64) (bool, error) {
	member, err := isMember(tx, accountID, userID)
	if err != nil || member {
		return false, err
	}
	if err := activeUser(tx, "to_user_id", userID); err != nil {
		return false, err
	}
	now := s.now().UTC()
	if err := tx.Create(&TeamMember{AccountID: accountID, UserID: userID, Role: role, Since: now}).Error; err != nil {
		return false, err
	}
	if err := recordTeam(ctx, tx, actor, ActionTeamAdded, accountID, 0, userID, role, handoverID, now); err != nil {
		return false, err
	}
	return true, s.changed(ctx, tx, accountID)
}

// SetRoleTx changes a member's role (never to or from owner).
func (s *Service) SetRoleTx(ctx context.Context, tx *gorm.DB, actor staff.User, accountID, userID int64, role TeamRole, handoverID *int64) error {
	var m TeamMember
	if err := tx.Where("account_id = ? AND user_id = ?", accountID, userID).Take(&m).Error; err != nil {
		return err
	}
	if m.Role == role || m.Role == RoleOwner || role == RoleOwner {
		return nil
	}
	if err := tx.Model(&TeamMember{}).Where("account_id = ? AND user_id = ?", accountID, userID).Update("role", role).Error; err != nil {
		return err
	}
	return recordTeam(ctx, tx, actor, ActionTeamRole, accountID, 0, userID, role, handoverID, s.now().UTC())
}

// LeaveTx takes a user off the account's team (not the owner: move the account first).
func (s *Service) LeaveTx(ctx context.Context, tx *gorm.DB, actor staff.User, accountID, userID int64, handoverID *int64) error {
	var m TeamMember
	err := tx.Where("account_id = ? AND user_id = ?", accountID, userID).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if m.Role == RoleOwner {
		return fault.Conflict("the owner cannot leave the team; transfer the account first", nil)
	}
	if err := tx.Where("account_id = ? AND user_id = ?", accountID, userID).Delete(&TeamMember{}).Error; err != nil {
		return err
	}
	if err := recordTeam(ctx, tx, actor, ActionTeamRemoved, accountID, userID, 0, m.Role, handoverID, s.now().UTC()); err != nil {
		return err
	}
	return s.changed(ctx, tx, accountID)
}

// Membership is one account a user owns or helps with.
type Membership struct {
	AccountID   int64
	Name        string
	Tier        Tier
	AnnualValue int64 // in the base currency (0 while its currency has no rate)
	Role        TeamRole
}

// MembershipsTx lists the live accounts a user is on the team of, most valuable first.
func MembershipsTx(tx *gorm.DB, userID int64) ([]Membership, error) {
	var out []Membership
	err := tx.Table("account_team t").
		Select("t.account_id, a.name, a.tier, COALESCE("+money.BaseValueSQL("a")+", 0) AS annual_value, t.role").
		Joins("JOIN accounts a ON a.id = t.account_id AND a.deleted_at IS NULL").
		Where("t.user_id = ?", userID).Order("annual_value DESC, a.id").Scan(&out).Error
	return out, err
}

// Holding is the role a user holds on an account now ("" when none), and whether the
// account has been deleted.
type Holding struct {
	Role    TeamRole
	Deleted bool
}

// HoldingsTx reads inside tx what the user holds on each of the accounts, deleted ones
// included (an account missing from the answer does not exist): what a handover checks
// its items against before carrying them out.
func HoldingsTx(tx *gorm.DB, userID int64, accountIDs []int64) (map[int64]Holding, error) {
	out := make(map[int64]Holding, len(accountIDs))
	for chunk := range slices.Chunk(accountIDs, handoffChunk) {
		var rows []struct {
			ID      int64
			Deleted bool
			Role    *TeamRole
		}
		if err := tx.Table("accounts a").Select("a.id, a.deleted_at IS NOT NULL AS deleted, t.role").
			Joins("LEFT JOIN account_team t ON t.account_id = a.id AND t.user_id = ?", userID).
			Where("a.id IN ?", chunk).Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			h := Holding{Deleted: r.Deleted}
			if r.Role != nil {
				h.Role = *r.Role
			}
			out[r.ID] = h
		}
	}
	return out, nil
}

// TeamsTx returns the teams of the given accounts inside tx.
func TeamsTx(tx *gorm.DB, accountIDs []int64) (map[int64][]TeamMember, error) {
	return loadTeams(tx, accountIDs)
}

// SetStatusTx marks an account churned (with the day it was lost) or active again, inside
// the caller's transaction; the retention workflow records why.
func (s *Service) SetStatusTx(ctx context.Context, tx *gorm.DB, accountID int64, status string, churnedAt *time.Time) error {
	err := tx.Model(&Account{}).Where("id = ?", accountID).
		Updates(map[string]any{"status": status, "churned_at": churnedAt, "updated_at": s.now().UTC()}).Error
	if err != nil {
		return err
	}
	return s.changed(ctx, tx, accountID)
}

// LoadTx reads a live account inside tx.
func LoadTx(tx *gorm.DB, id int64) (Account, error) { return loadAccount(tx, id) }

// Changed tells the change hook that something about the account changed in tx (for
// writes made by other packages, such as complaints).
func (s *Service) Changed(ctx context.Context, tx *gorm.DB, accountIDs ...int64) error {
	return s.changed(ctx, tx, accountIDs...)
}
