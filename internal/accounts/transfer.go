package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/audit"
	"keyhold/internal/check"
	"keyhold/internal/fault"
	"keyhold/internal/outbox"
	"keyhold/internal/staff"
)

// The audit actions that make up an account's ownership and team history.
const (
	ActionCreated     = "account.create"
	ActionTransferred = "account.transfer"
	ActionTeamAdded   = "team.add"
	ActionTeamRole    = "team.role"
	ActionTeamRemoved = "team.remove"
	ActionChurned     = "account.churn"
	ActionReactivated = "account.reactivate"
	// ActionHandoverNote is a transfer note written or changed in a handover: what the
	// successor was told about the account belongs in its history.
	ActionHandoverNote = "handover.note"
)

var historyActions = []string{ActionCreated, ActionTransferred, ActionTeamAdded, ActionTeamRole, ActionTeamRemoved,
	ActionChurned, ActionReactivated, ActionHandoverNote, ActionMerged}

// Transfer moves an account to a new owner, for a stated reason. Managers and admins only.
// The previous owner stays on the team as backup, so the customer keeps a familiar face.
func (s *Service) Transfer(ctx context.Context, actor staff.User, id, to int64, reason string) (Account, error) {
	if !actor.CanManage() {
		return Account{}, fault.Forbidden("only managers and admins transfer accounts")
	}
	bad := fault.Collect{}
	check.Text(bad, "reason", &reason, 1000, true)
	if to == 0 {
		bad.Add("to_user_id", "is required")
	}
	if err := bad.Err(); err != nil {
		return Account{}, err
	}
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := loadWritable(tx, id)
		if err != nil {
			return err
		}
		if a.OwnerID == to {
			return fault.Invalid(fault.Fields{"to_user_id": "already owns this account"})
		}
		if s.guard != nil {
			if err := s.guard(ctx, tx, id); err != nil {
				return err
			}
		}
		if err := activeUser(tx, "to_user_id", to); err != nil {
			return err
		}
		if err := moveOwner(ctx, tx, actor, a, to, reason, nil, s.now().UTC()); err != nil {
			return err
		}
		return s.changed(ctx, tx, id)
	})
	if err != nil {
		return Account{}, fmt.Errorf("transfer account %d: %w", id, err)
	}
	return s.Get(ctx, id)
}

// moveOwner makes to the owner of a inside tx: the old owner becomes backup, the new one
// owner (joining the team or changing role), and the change is audited.
func moveOwner(ctx context.Context, tx *gorm.DB, actor staff.User, a Account, to int64, reason string, handoverID *int64, now time.Time) error {
	from := a.OwnerID
	// Demote first: the one-owner index allows a single owner row at a time.
	if err := tx.Model(&TeamMember{}).Where("account_id = ? AND user_id = ?", a.ID, from).
		Update("role", RoleBackup).Error; err != nil {
		return err
	}
	var existing TeamMember
	err := tx.Where("account_id = ? AND user_id = ?", a.ID, to).Take(&existing).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		err = tx.Create(&TeamMember{AccountID: a.ID, UserID: to, Role: RoleOwner, Since: now}).Error
	case err == nil:
		err = tx.Model(&TeamMember{}).Where("account_id = ? AND user_id = ?", a.ID, to).Update("role", RoleOwner).Error
	}
	if err != nil {
		return err
	}
	if err := tx.Model(&Account{}).Where("id = ?", a.ID).
		Updates(map[string]any{"owner_id": to, "updated_at": now}).Error; err != nil {
		return err
	}
	if err := audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: ActionTransferred,
		Entity: "account", EntityID: a.ID, AccountID: &a.ID, FromUserID: &from, ToUserID: &to,
		Role: string(RoleOwner), Reason: reason, HandoverID: handoverID}, map[string]int64{"owner_id": from}, map[string]int64{"owner_id": to}); err != nil {
		return err
	}
	return outbox.Record(ctx, tx, outbox.AccountTransferred, now, outbox.Transfer{AccountID: a.ID, AccountName: a.Name,
		FromUserID: from, ToUserID: to, Reason: reason, HandoverID: handoverID})
}

// HistoryEntry is one ownership or team change.
type HistoryEntry struct {
	At         time.Time `json:"at"`
	ActorID    *int64    `json:"actor_id"`
	Action     string    `json:"action"`
	FromUserID *int64    `json:"from_user_id"`
	ToUserID   *int64    `json:"to_user_id"`
	Role       string    `json:"role"`
	Reason     string    `json:"reason"`
	HandoverID *int64    `json:"handover_id"`
	ActorName  string    `json:"actor_name"`
	FromName   string    `json:"from_name"`
	ToName     string    `json:"to_name"`
}

// History returns the ownership and team changes of an account and of the accounts
// merged into it, newest first.
func (s *Service) History(ctx context.Context, id int64) ([]HistoryEntry, error) {
	db := s.db.Read.WithContext(ctx)
	if _, err := loadAccount(db, id); err != nil {
		return nil, err
	}
	out := []HistoryEntry{}
	err := db.Table("audit_entries e").
		Select(`e.at, e.actor_id, e.action, e.from_user_id, e.to_user_id, e.role, e.reason, e.handover_id,
			COALESCE(actor.name, '') AS actor_name, COALESCE(f.name, '') AS from_name, COALESCE(t.name, '') AS to_name`).
		Joins("LEFT JOIN users actor ON actor.id = e.actor_id").
		Joins("LEFT JOIN users f ON f.id = e.from_user_id").
		Joins("LEFT JOIN users t ON t.id = e.to_user_id").
		// The accounts merged into this one keep their history here.
		Where("e.account_id IN (SELECT ? UNION ALL SELECT id FROM accounts WHERE merged_into = ?) AND e.action IN ?",
			id, id, historyActions).
		Order("e.id DESC").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("history of account %d: %w", id, err)
	}
	return out, nil
}

// recordTeam audits a team change; handoverID ties it to a handover, if any.
func recordTeam(ctx context.Context, tx *gorm.DB, actor staff.User, action string, accountID, from, to int64, role TeamRole, handoverID *int64, now time.Time) error {
	return audit.Record(ctx, tx, teamEntry(actor, action, accountID, from, to, role, handoverID, now), nil, nil)
}
