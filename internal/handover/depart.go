package handover

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"keyhold/internal/accounts"
	"keyhold/internal/audit"
	"keyhold/internal/fault"
	"keyhold/internal/staff"
)

// mayDepart says whether actor may mark the user departed: managers and admins may,
// anyone but themselves.
func mayDepart(actor staff.User, userID int64) error {
	if err := RequireManager(actor); err != nil {
		return err
	}
	if userID == actor.ID {
		return fault.Invalid(fault.Fields{"user_id": "you cannot mark yourself departed"})
	}
	return nil
}

// CanDepart says whether a handover's page offers actor to mark its person departed:
// once it is completed, while they have not departed, to those mayDepart lets.
func CanDepart(actor staff.User, h Handover) bool {
	return h.Status == Completed && h.Departing != nil && h.Departing.Status != staff.StatusDeparted &&
		mayDepart(actor, h.DepartingUserID) == nil
}

// Depart marks a user departed: every session and token of theirs ends at once. It is
// refused while they own accounts — no orphans — unless forced, and then each account
// goes to their manager (to the caller when they have no active manager), audited with
// the reason. The departed user leaves every team. An open handover is cancelled first
// only when forced.
func (s *Service) Depart(ctx context.Context, actor staff.User, userID int64, force bool, reason string) (staff.User, error) {
	if err := mayDepart(actor, userID); err != nil {
		return staff.User{}, err
	}
	if err := checkReason(&reason, force, "is required to force a departure"); err != nil {
		return staff.User{}, err
	}
	var out staff.User
	err := s.bulk(ctx, func(ctx context.Context, tx *gorm.DB) error {
		u, err := staff.LockTx(tx, userID)
		if err != nil {
			return err
		}
		if err := staff.MayActOn(actor, u); err != nil {
			return err
		}
		if u.Status == staff.StatusDeparted {
			return fault.Conflict("this user has already departed", nil)
		}
		var open []Handover
		if err := tx.Where("departing_user_id = ? AND status IN ?", u.ID, []Status{Draft, InProgress}).Find(&open).Error; err != nil {
			return err
		}
		if len(open) > 0 && !force {
			return fault.Conflict("this user has a handover under way; complete it first", map[string]any{"handover_id": open[0].ID})
		}
		ms, err := accounts.MembershipsTx(tx, u.ID)
		if err != nil {
			return err
		}
		var owned []map[string]any
		for _, m := range ms {
			if m.Role == accounts.RoleOwner {
				owned = append(owned, map[string]any{"account_id": m.AccountID, "name": m.Name, "tier": m.Tier})
			}
		}
		if len(owned) > 0 && !force {
			return fault.Conflict("this user still owns accounts; hand them over or force the departure", owned)
		}
		now := s.now().UTC()
		for _, h := range open {
			if err := moveTo(ctx, tx, actor, h, Cancelled, now, "departure forced: "+reason); err != nil {
				return err
			}
		}
		heir, err := s.heir(tx, u, actor)
		if err != nil {
			return err
		}
		why := "departure"
		if reason != "" {
			why = "departure: " + reason
		}
		for _, m := range ms {
			if m.Role == accounts.RoleOwner {
				if err := s.accounts.TransferTx(ctx, tx, actor, m.AccountID, heir, why, nil); err != nil {
					return fmt.Errorf("give %s to the manager: %w", m.Name, err)
				}
			}
			if err := s.accounts.LeaveTx(ctx, tx, actor, m.AccountID, u.ID, nil); err != nil {
				return err
			}
		}
		if out, err = staff.MarkDepartedTx(ctx, tx, actor, u, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "user.depart", Entity: "user",
			EntityID: u.ID, ToUserID: &heir, Reason: reason}, nil, map[string]any{"forced": force, "accounts_moved": len(owned)})
	})
	if err != nil {
		return staff.User{}, fmt.Errorf("depart user %d: %w", userID, err)
	}
	return out, nil
}

// heir is who receives a departing user's accounts: their manager when active, else the
// manager or admin marking the departure.
func (s *Service) heir(tx *gorm.DB, u, actor staff.User) (int64, error) {
	if u.ManagerID == nil {
		return actor.ID, nil
	}
	m, err := staff.LockTx(tx, *u.ManagerID)
	if err != nil {
		return 0, err
	}
	if m.Status != staff.StatusActive {
		return actor.ID, nil
	}
	return m.ID, nil
}
