package accounts

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"keyhold/internal/fault"
	"keyhold/internal/staff"
)

// Team returns an account's team, owner first.
func (s *Service) Team(ctx context.Context, id int64) ([]TeamMember, error) {
	db := s.db.Read.WithContext(ctx)
	if _, err := loadAccount(db, id); err != nil {
		return nil, err
	}
	teams, err := loadTeams(db, []int64{id})
	if err != nil {
		return nil, err
	}
	if teams[id] == nil {
		return []TeamMember{}, nil
	}
	return teams[id], nil
}

// canManageTeam: the owner, managers and admins change an account's team.
func canManageTeam(actor staff.User, a Account) bool {
	return actor.CanManage() || a.OwnerID == actor.ID
}

// SetMember adds a user to an account's team with a role, or changes their role. The
// owner role is not given here: it moves only by transfer or handover.
func (s *Service) SetMember(ctx context.Context, actor staff.User, id, userID int64, role TeamRole) (TeamMember, error) {
	if !role.Assignable() {
		return TeamMember{}, fault.Invalid(fault.Fields{"role": "must be backup, executive_sponsor or support"})
	}
	now := s.now().UTC()
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := s.teamChange(tx, actor, id)
		if err != nil {
			return err
		}
		if userID == a.OwnerID {
			return fault.Conflict("the owner's role changes only by transfer", nil)
		}
		var m TeamMember
		err = tx.Where("account_id = ? AND user_id = ?", id, userID).Take(&m).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			if err := userExists(tx, userID); err != nil {
				return err
			}
			if err := activeUser(tx, "user_id", userID); err != nil {
				return err
			}
			if err := tx.Create(&TeamMember{AccountID: id, UserID: userID, Role: role, Since: now}).Error; err != nil {
				return err
			}
			if err := recordTeam(ctx, tx, actor, ActionTeamAdded, id, 0, userID, role, nil, now); err != nil {
				return err
			}
			return s.changed(ctx, tx, id)
		case err != nil:
			return err
		case m.Role == role:
			return nil
		default:
			if err := tx.Model(&TeamMember{}).Where("account_id = ? AND user_id = ?", id, userID).
				Update("role", role).Error; err != nil {
				return err
			}
			return recordTeam(ctx, tx, actor, ActionTeamRole, id, 0, userID, role, nil, now)
		}
	})
	if err != nil {
		return TeamMember{}, fmt.Errorf("set team member %d on account %d: %w", userID, id, err)
	}
	return s.member(ctx, id, userID)
}

// RemoveMember takes a user off an account's team; never the owner.
func (s *Service) RemoveMember(ctx context.Context, actor staff.User, id, userID int64) error {
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := s.teamChange(tx, actor, id)
		if err != nil {
			return err
		}
		if userID == a.OwnerID {
			return fault.Conflict("the owner cannot be removed from the team; transfer the account first", nil)
		}
		if member, err := isMember(tx, id, userID); err != nil {
			return err
		} else if !member {
			return fault.NotFound("team member", userID)
		}
		return s.LeaveTx(ctx, tx, actor, id, userID, nil)
	})
	if err != nil {
		return fmt.Errorf("remove team member %d from account %d: %w", userID, id, err)
	}
	return nil
}

// teamChange loads an account whose team the actor may change.
func (s *Service) teamChange(tx *gorm.DB, actor staff.User, id int64) (Account, error) {
	a, err := loadWritable(tx, id)
	if err != nil {
		return Account{}, err
	}
	if !canManageTeam(actor, a) {
		return Account{}, fault.Forbidden("only the owner, managers and admins change the team")
	}
	return a, nil
}

func (s *Service) member(ctx context.Context, id, userID int64) (TeamMember, error) {
	team, err := s.Team(ctx, id)
	if err != nil {
		return TeamMember{}, err
	}
	for _, m := range team {
		if m.UserID == userID {
			return m, nil
		}
	}
	return TeamMember{}, fault.NotFound("team member", userID)
}

func userExists(tx *gorm.DB, id int64) error {
	var n int64
	if err := tx.Model(&UserRef{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return fault.NotFound("user", id)
	}
	return nil
}
