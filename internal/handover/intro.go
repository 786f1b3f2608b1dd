package handover

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/accounts"
	"keyhold/internal/fault"
	"keyhold/internal/staff"
)

// The joint introduction: the person leaving introduces their successor to the customer.
// It counts for a handover's checklist when it is a handover_intro interaction on the
// account, logged while the handover is open, with both of them taking part (as author
// or participant), once the item has a successor. CheckIntro holds that rule for every
// way an introduction is logged: the handover pages and POST /accounts/:id/interactions.

// CheckIntro refuses a joint introduction that would not count: no open handover of the
// account, no successor chosen, one of the two people missing, or a date before the
// handover began.
func (s *Service) CheckIntro(ctx context.Context, tx *gorm.DB, accountID, authorID int64, participants []int64, at time.Time) error {
	var pairs []struct {
		DepartingUserID int64
		SuccessorID     *int64
		CreatedAt       time.Time
	}
	err := tx.Raw(`SELECT h.departing_user_id, COALESCE(i.to_user_id, i.proposed_to_user_id) AS successor_id, h.created_at
		FROM handover_items i JOIN handovers h ON h.id = i.handover_id
		WHERE i.account_id = ? AND i.status = 'open' AND h.status IN ?`,
		accountID, []Status{Draft, InProgress}).Scan(&pairs).Error
	if err != nil {
		return fmt.Errorf("check the joint introduction: %w", err)
	}
	if len(pairs) == 0 {
		return fault.Invalid(fault.Fields{"kind": "a joint introduction is logged on an account in an open handover"})
	}
	people := append(slices.Clone(participants), authorID)
	chosen := false
	for _, p := range pairs {
		if p.SuccessorID == nil {
			continue
		}
		chosen = true
		if slices.Contains(people, p.DepartingUserID) && slices.Contains(people, *p.SuccessorID) {
			// introsLogged counts those since the handover began (a minute's slack).
			if at.Before(p.CreatedAt.Add(-time.Minute)) {
				return fault.Invalid(fault.Fields{"occurred_at": "is before the handover began"})
			}
			return nil
		}
	}
	if !chosen {
		return fault.Invalid(fault.Fields{"participant_ids": "choose a successor first"})
	}
	return fault.Invalid(fault.Fields{"participant_ids": "must include the person leaving and the successor"})
}

// LogIntro logs the joint introduction of one item, with the person leaving and the
// successor as participants. Managers and admins may, and the person leaving, for their
// own handover.
func (s *Service) LogIntro(ctx context.Context, actor staff.User, id, itemID int64, summary string, at *time.Time) (accounts.Interaction, error) {
	h, err := s.Get(ctx, actor, id) // refuses anyone else
	if err != nil {
		return accounts.Interaction{}, err
	}
	i := slices.IndexFunc(h.Items, func(it Item) bool { return it.ID == itemID })
	if i < 0 {
		return accounts.Interaction{}, fault.NotFound("handover item", itemID)
	}
	it := h.Items[i]
	if !h.Editable(it) {
		return accounts.Interaction{}, fault.Conflict("this handover is closed and can no longer change", nil)
	}
	if it.Successor == nil {
		return accounts.Interaction{}, fault.Invalid(fault.Fields{"summary": "choose a successor first"})
	}
	return s.accounts.LogInteraction(ctx, actor, it.AccountID, accounts.NewInteraction{Kind: accounts.KindHandoverIntro,
		Summary: summary, OccurredAt: at, ParticipantIDs: []int64{h.DepartingUserID, it.Successor.ID}})
}
