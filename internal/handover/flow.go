package handover

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/accounts"
	"keyhold/internal/audit"
	"keyhold/internal/check"
	"keyhold/internal/fault"
	"keyhold/internal/health"
	"keyhold/internal/opt"
	"keyhold/internal/outbox"
	"keyhold/internal/staff"
)

// ItemPatch changes one item: the chosen successor, the transfer note's parts, whether
// the customer was told.
type ItemPatch struct {
	ToUserID opt.Field[int64]
	NotePatch
	CustomerNotified opt.Field[bool]
}

// bulk runs a handover's change as one transaction (store.DB.Bulk). A handover logs no
// interactions: rescoring the thousands of accounts it may move keeps their stored
// interaction counts (health.KeepingCounts).
func (s *Service) bulk(ctx context.Context, fn func(ctx context.Context, tx *gorm.DB) error) error {
	return s.db.Bulk(health.KeepingCounts(ctx), fn)
}

// openTx loads a handover that can still change.
func openTx(tx *gorm.DB, id int64) (Handover, error) {
	h, err := load(tx, id)
	if err != nil {
		return Handover{}, err
	}
	if !h.Open() {
		return Handover{}, fault.Conflict("this handover is closed and can no longer change", nil)
	}
	return h, nil
}

func loadItem(tx *gorm.DB, h Handover, itemID int64) (Item, error) {
	var it Item
	err := tx.Where("id = ? AND handover_id = ?", itemID, h.ID).Take(&it).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Item{}, fault.NotFound("handover item", itemID)
	}
	return it, err
}

// loadItems reads items of h in the order of ids (each once), a thousand to a query; a
// missing one is not found.
func loadItems(tx *gorm.DB, h Handover, ids []int64) ([]Item, error) {
	seen := make(map[int64]bool, len(ids))
	ids = slices.DeleteFunc(slices.Clone(ids), func(id int64) bool {
		dup := seen[id]
		seen[id] = true
		return dup
	})
	byID := make(map[int64]Item, len(ids))
	for chunk := range slices.Chunk(ids, 1000) {
		var part []Item
		if err := tx.Where("handover_id = ? AND id IN ?", h.ID, chunk).Find(&part).Error; err != nil {
			return nil, err
		}
		for _, it := range part {
			byID[it.ID] = it
		}
	}
	out := make([]Item, len(ids))
	for i, id := range ids {
		it, ok := byID[id]
		if !ok {
			return nil, fault.NotFound("handover item", id)
		}
		out[i] = it
	}
	return out, nil
}

// UpdateItem changes one item of an open handover. Managers and admins change anything;
// the person leaving writes the transfer notes of their own handover, nothing else: the
// knowledge that must move is theirs, the choice of successors is not.
func (s *Service) UpdateItem(ctx context.Context, actor staff.User, id, itemID int64, p ItemPatch) (Handover, error) {
	if !actor.CanManage() && actor.Status != staff.StatusLeaving {
		return Handover{}, fault.Forbidden("only managers, admins and the person leaving work on a handover")
	}
	err := s.bulk(ctx, func(ctx context.Context, tx *gorm.DB) error {
		h, err := openTx(tx, id)
		if err != nil {
			return err
		}
		if runs(actor, h) != nil { // the person leaving, a manager leaving included
			if h.DepartingUserID != actor.ID {
				return fault.Forbidden("this is not your handover")
			}
			if p.ToUserID.Set || p.CustomerNotified.Set {
				return fault.Forbidden("the person leaving writes transfer notes; successors and the checklist are the manager's")
			}
		}
		it, err := loadItem(tx, h, itemID)
		if err != nil {
			return err
		}
		noteWas := it.Note
		if p.NotePatch.set() {
			if !it.Open() {
				return fault.Conflict("this item is closed and its note can no longer change", nil)
			}
			if err := p.NotePatch.apply(tx, it.AccountID, &it.Note); err != nil {
				return err
			}
		}
		if p.CustomerNotified.Set {
			it.CustomerNotified = p.CustomerNotified.Value
		}
		if p.ToUserID.Set {
			var to *int64
			if !p.ToUserID.Null && p.ToUserID.Value != 0 {
				v := p.ToUserID.Value
				to = &v
			}
			if err := s.reassign(ctx, tx, actor, h, &it, to); err != nil {
				return err
			}
		}
		if err := tx.Model(&it).Select("to_user_id", "joined_team", "transfer_note", "key_contact_ids", "open_issues", "agreements",
			"customer_notified").Updates(&it).Error; err != nil {
			return err
		}
		if !it.Note.equal(noteWas) { // each version of a note stays in the account's record
			if err := audit.Record(ctx, tx, audit.Entry{At: s.now().UTC(), ActorID: &actor.ID, Action: ActionNote,
				Entity: "handover_item", EntityID: it.ID, AccountID: &it.AccountID, HandoverID: &h.ID},
				noteWas.record(), it.Note.record()); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.now().UTC(), ActorID: &actor.ID, Action: "handover.item",
			Entity: "handover_item", EntityID: it.ID, AccountID: &it.AccountID, ToUserID: it.ToUserID, HandoverID: &h.ID},
			nil, map[string]any{"to_user_id": it.ToUserID, "transfer_note": it.Written(), "customer_notified": it.CustomerNotified})
	})
	if err != nil {
		return Handover{}, fmt.Errorf("update handover item %d: %w", itemID, err)
	}
	return s.Get(ctx, actor, id)
}

// Assigned says what a bulk assignment changed: how many items got the successor, and
// how many had them already.
type Assigned struct {
	Changed int `json:"changed"`
	Already int `json:"already"`
}

// Assign gives many items (at most check.MaxIDs) one successor at once ("reassign in
// bulk").
func (s *Service) Assign(ctx context.Context, actor staff.User, id int64, itemIDs []int64, to int64) (Handover, Assigned, error) {
	if err := RequireManager(actor); err != nil {
		return Handover{}, Assigned{}, err
	}
	bad := fault.Collect{}
	if len(itemIDs) == 0 {
		bad.Add("item_ids", "is required")
	}
	check.IDs(bad, "item_ids", itemIDs)
	if err := bad.Err(); err != nil {
		return Handover{}, Assigned{}, err
	}
	return s.assign(ctx, actor, id, func(*gorm.DB, Handover) ([]int64, error) { return itemIDs, nil }, to)
}

// AssignOwned gives every account the person leaving still owns in the handover one
// successor ("all to one person"), however many: the items are read in the same
// transaction.
func (s *Service) AssignOwned(ctx context.Context, actor staff.User, id, to int64) (Handover, Assigned, error) {
	return s.assign(ctx, actor, id, func(tx *gorm.DB, h Handover) ([]int64, error) {
		var ids []int64
		err := tx.Model(&Item{}).Where("handover_id = ? AND status = 'open' AND role = ?", h.ID, accounts.RoleOwner).
			Order("id").Pluck("id", &ids).Error
		return ids, err
	}, to)
}

func (s *Service) assign(ctx context.Context, actor staff.User, id int64, pick func(*gorm.DB, Handover) ([]int64, error), to int64) (Handover, Assigned, error) {
	var res Assigned
	if err := RequireManager(actor); err != nil {
		return Handover{}, res, err
	}
	if to == 0 {
		return Handover{}, res, fault.Invalid(fault.Fields{"to_user_id": "is required"})
	}
	err := s.bulk(ctx, func(ctx context.Context, tx *gorm.DB) error {
		res = Assigned{}
		h, err := openTx(tx, id)
		if err != nil {
			return err
		}
		if err := runs(actor, h); err != nil {
			return err
		}
		itemIDs, err := pick(tx, h)
		if err != nil {
			return err
		}
		if err := checkSuccessor(tx, h, to); err != nil {
			return err
		}
		items, err := loadItems(tx, h, itemIDs)
		if err != nil {
			return err
		}
		for i := range items {
			it := &items[i]
			if p := it.successor(); p != nil && *p == to {
				res.Already++
			} else {
				res.Changed++
			}
			if it.ToUserID != nil && *it.ToUserID == to {
				continue // theirs already: nothing to move or write
			}
			if err := s.moveItem(ctx, tx, actor, h, it, &to); err != nil {
				return err // the whole batch or nothing
			}
			if err := tx.Model(it).Select("to_user_id", "joined_team").Updates(it).Error; err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.now().UTC(), ActorID: &actor.ID, Action: "handover.assign",
			Entity: "handover", EntityID: h.ID, ToUserID: &to, HandoverID: &h.ID}, nil, map[string]any{"items": itemIDs})
	})
	if err != nil {
		return Handover{}, Assigned{}, fmt.Errorf("assign handover items: %w", err)
	}
	h, err := s.Get(ctx, actor, id)
	return h, res, err
}

// reassign sets an item's successor after checking them; in a handover already under way
// the new successor joins the team at once and one the handover had added leaves it.
func (s *Service) reassign(ctx context.Context, tx *gorm.DB, actor staff.User, h Handover, it *Item, to *int64) error {
	if to != nil {
		if err := checkSuccessor(tx, h, *to); err != nil {
			return err
		}
	}
	return s.moveItem(ctx, tx, actor, h, it, to)
}

// checkSuccessor refuses a successor who is the person leaving, unknown or not active
// (locking their row for the transaction).
func checkSuccessor(tx *gorm.DB, h Handover, to int64) error {
	if to == h.DepartingUserID {
		return fault.Invalid(fault.Fields{"to_user_id": "is the person leaving"})
	}
	u, err := staff.LockTx(tx, to)
	if fault.Is(err, fault.KindNotFound) {
		return fault.Invalid(fault.Fields{"to_user_id": "no such user"})
	}
	if err != nil {
		return err
	}
	if u.Status != staff.StatusActive {
		return fault.Invalid(fault.Fields{"to_user_id": "is not active and cannot take on accounts"})
	}
	return nil
}

// moveItem gives an item a successor already checked (checkSuccessor): one already on the
// team of an account they would help with is refused; in a handover under way they join
// the team and the one the handover had added leaves it.
func (s *Service) moveItem(ctx context.Context, tx *gorm.DB, actor staff.User, h Handover, it *Item, to *int64) error {
	if to != nil && it.Role != accounts.RoleOwner {
		var n int64
		if err := tx.Table("account_team").Where("account_id = ? AND user_id = ?", it.AccountID, *to).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 && !(it.ToUserID != nil && *it.ToUserID == *to) {
			return fault.Invalid(fault.Fields{"to_user_id": "is already on this account's team"})
		}
	}
	if h.Status == InProgress {
		if it.JoinedTeam && it.ToUserID != nil && (to == nil || *to != *it.ToUserID) {
			if err := s.accounts.LeaveTx(ctx, tx, actor, it.AccountID, *it.ToUserID, &h.ID); err != nil {
				return err
			}
			it.JoinedTeam = false
		}
		if to != nil && (it.ToUserID == nil || *to != *it.ToUserID) {
			joined, err := s.accounts.JoinTx(ctx, tx, actor, it.AccountID, *to, prepareRole(it.Role), &h.ID)
			if err != nil {
				return err
			}
			it.JoinedTeam = joined
		}
	}
	it.ToUserID = to
	if to == nil {
		// An explicit "nobody" also drops the proposal: the role ends at completion.
		it.ProposedToUserID = nil
		return tx.Model(it).Update("proposed_to_user_id", nil).Error
	}
	return nil
}

// prepareRole is the role a successor takes on the team while preparing: backup for an
// account they will own, the departing person's role otherwise.
func prepareRole(r accounts.TeamRole) accounts.TeamRole {
	if r == accounts.RoleOwner {
		return accounts.RoleBackup
	}
	return r
}

// Start moves a draft handover in progress: every owned account needs a successor (the
// proposal counts), and the successors join the account teams at once to prepare.
func (s *Service) Start(ctx context.Context, actor staff.User, id int64) (Handover, error) {
	if err := RequireManager(actor); err != nil {
		return Handover{}, err
	}
	err := s.bulk(ctx, func(ctx context.Context, tx *gorm.DB) error {
		h, err := load(tx, id)
		if err != nil {
			return err
		}
		if err := runs(actor, h); err != nil {
			return err
		}
		if !h.CanStart() {
			return fault.Conflict("only a draft handover can start", nil)
		}
		var items []Item
		if err := tx.Where("handover_id = ?", h.ID).Order("id").Find(&items).Error; err != nil {
			return err
		}
		var missing []map[string]any
		for _, it := range items {
			if it.Role == accounts.RoleOwner && it.successor() == nil {
				missing = append(missing, map[string]any{"item_id": it.ID, "account_id": it.AccountID, "missing": []string{GapSuccessor}})
			}
		}
		if len(missing) > 0 {
			return fault.Conflict("every account the person owns needs a successor before the handover starts", missing)
		}
		// The proposals stand where no successor was chosen; every successor joins the
		// team at once (accounts.JoinManyTx), and the items record it a statement per
		// successor.
		var joins []accounts.Handoff
		var joining []*Item
		for i := range items {
			it := &items[i]
			if it.ToUserID == nil && it.ProposedToUserID != nil {
				it.ToUserID = it.ProposedToUserID
			}
			if it.ToUserID != nil {
				joins = append(joins, accounts.Handoff{AccountID: it.AccountID, Role: prepareRole(it.Role), To: *it.ToUserID})
				joining = append(joining, it)
			}
		}
		joined, err := s.accounts.JoinManyTx(ctx, tx, actor, joins, &h.ID)
		if err != nil {
			return err
		}
		type outcome struct {
			to     int64
			joined bool
		}
		byOutcome := map[outcome][]int64{}
		for i, it := range joining {
			o := outcome{*it.ToUserID, joined[i]}
			byOutcome[o] = append(byOutcome[o], it.ID)
		}
		for o, ids := range byOutcome {
			if err := updateItems(tx, ids, map[string]any{"to_user_id": o.to, "joined_team": o.joined}); err != nil {
				return err
			}
		}
		now := s.now().UTC()
		if err := moveTo(ctx, tx, actor, h, InProgress, now, ""); err != nil {
			return err
		}
		return recordEvent(ctx, tx, outbox.HandoverStarted, h, len(items), now)
	})
	if err != nil {
		return Handover{}, fmt.Errorf("start handover %d: %w", id, err)
	}
	return s.Get(ctx, actor, id)
}

// Complete moves every account in one transaction: owners change, successors keep their
// roles, the departing person leaves every team, and each move is audited with the
// handover. Key-account items with gaps block completion unless the manager forces it
// with a written reason, which is recorded on the handover and its items.
func (s *Service) Complete(ctx context.Context, actor staff.User, id int64, force bool, reason string) (Handover, error) {
	if err := RequireManager(actor); err != nil {
		return Handover{}, err
	}
	if err := checkReason(&reason, force, "is required to force a handover with gaps"); err != nil {
		return Handover{}, err
	}
	err := s.bulk(ctx, func(ctx context.Context, tx *gorm.DB) error {
		h, err := load(tx, id)
		if err != nil {
			return err
		}
		if err := runs(actor, h); err != nil {
			return err
		}
		if !h.CanComplete() {
			return fault.Conflict("only a handover in progress can complete", nil)
		}
		if err := s.decorate(tx, &h); err != nil {
			return err
		}
		// Each item is checked against what the departing person holds now: an account
		// that changed hands while the handover was open is left with whoever has it.
		held, err := accounts.HoldingsTx(tx, h.DepartingUserID, itemAccounts(h.Items))
		if err != nil {
			return err
		}
		skip := staleItems(h.Items, held)
		blocking := blockingGaps(h.Items, skip)
		if len(blocking) > 0 && !force {
			return fault.Conflict("some key accounts have gaps; close them or force completion with a reason", blocking)
		}
		now := s.now().UTC()
		moves, outcomes, skipped, err := s.completionMoves(ctx, tx, actor, h, held, skip)
		if err != nil {
			return err
		}
		// Every account at once (accounts.HandOffTx), then the items' outcomes in a
		// statement per kind of outcome.
		if err := s.accounts.HandOffTx(ctx, tx, actor, h.DepartingUserID, moves, fmt.Sprintf("handover #%d", h.ID), &h.ID); err != nil {
			return err
		}
		for o, ids := range outcomes {
			if err := updateItems(tx, ids, map[string]any{"status": o.status, "to_user_id": audit.Ptr(o.to),
				"forced": o.forced}); err != nil {
				return err
			}
		}
		for why, ids := range skipped {
			if err := updateItems(tx, ids, map[string]any{"status": "skipped", "skip_reason": why}); err != nil {
				return err
			}
		}
		forced, forceReason := len(blocking) > 0, ""
		if forced {
			forceReason = reason
		}
		if err := tx.Model(&h).Updates(map[string]any{"status": Completed, "completed_at": now, "completed_by": actor.ID,
			"forced": forced, "force_reason": forceReason}).Error; err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "handover.complete",
			Entity: "handover", EntityID: h.ID, FromUserID: &h.DepartingUserID, HandoverID: &h.ID,
			Reason: forceReason}, nil, map[string]any{"items": len(h.Items), "forced_items": len(blocking),
			"skipped_items": len(skip)}); err != nil {
			return err
		}
		return recordEvent(ctx, tx, outbox.HandoverCompleted, h, len(h.Items), now)
	})
	if err != nil {
		return Handover{}, fmt.Errorf("complete handover %d: %w", id, err)
	}
	return s.Get(ctx, actor, id)
}

// staleItems are the open items whose account the departing person no longer holds as
// the item says (it changed hands while the handover was open), each with why: they are
// skipped, left with whoever has the account now.
func staleItems(items []Item, held map[int64]accounts.Holding) map[int64]string {
	skip := map[int64]string{}
	for _, it := range items {
		if !it.Open() {
			continue
		}
		now, ok := held[it.AccountID]
		if why := it.stale(now, ok); why != "" {
			skip[it.ID] = why
		}
	}
	return skip
}

// blockingGaps are the open items not skipped whose key-account checklist has gaps: they
// block completion unless forced.
func blockingGaps(items []Item, skip map[int64]string) []map[string]any {
	var blocking []map[string]any
	for _, it := range items {
		if _, skipped := skip[it.ID]; skipped || !it.Open() {
			continue
		}
		if len(it.Gaps) > 0 {
			blocking = append(blocking, map[string]any{"item_id": it.ID, "account_id": it.AccountID,
				"account": it.Account.Name, "missing": it.Gaps})
		}
	}
	return blocking
}

// completionMoves decides what completion does with each open item: the handoffs of the
// items that go through, grouped by outcome, and for skipped ones (by reason) the
// departing person still leaving the team and a successor the handover had put on it
// leaving again.
func (s *Service) completionMoves(ctx context.Context, tx *gorm.DB, actor staff.User, h Handover,
	held map[int64]accounts.Holding, skip map[int64]string) ([]accounts.Handoff, map[itemOutcome][]int64, map[string][]int64, error) {
	var moves []accounts.Handoff
	outcomes := map[itemOutcome][]int64{}
	skipped := map[string][]int64{} // reason → items
	for _, it := range h.Items {
		if !it.Open() {
			continue
		}
		if why, ok := skip[it.ID]; ok {
			skipped[why] = append(skipped[why], it.ID)
			// Still leaving: off the team where a role other than the owner's remains.
			if now := held[it.AccountID]; now.Role != "" && now.Role != accounts.RoleOwner {
				moves = append(moves, accounts.Handoff{AccountID: it.AccountID, Role: now.Role})
			}
			// A successor the handover put on the team leaves it, as on cancelling,
			// unless the account has since become theirs.
			if it.JoinedTeam && it.ToUserID != nil {
				theirs, err := accounts.HoldingsTx(tx, *it.ToUserID, []int64{it.AccountID})
				if err != nil {
					return nil, nil, nil, err
				}
				if r := theirs[it.AccountID].Role; r != "" && r != accounts.RoleOwner {
					if err := s.accounts.LeaveTx(ctx, tx, actor, it.AccountID, *it.ToUserID, &h.ID); err != nil {
						return nil, nil, nil, err
					}
				}
			}
			continue
		}
		to := it.successor()
		if it.Role == accounts.RoleOwner && to == nil { // only possible when forced past the gap
			return nil, nil, nil, fault.Conflict("an account cannot be left without an owner",
				[]map[string]any{{"item_id": it.ID, "account_id": it.AccountID}})
		}
		o := itemOutcome{status: "done", forced: len(it.Gaps) > 0}
		if to == nil {
			o.status = "ended"
		} else {
			o.to = *to
		}
		moves = append(moves, accounts.Handoff{AccountID: it.AccountID, Role: it.Role, To: o.to})
		outcomes[o] = append(outcomes[o], it.ID)
	}
	return moves, outcomes, skipped, nil
}

// updateItems sets the same columns on many items, a few thousand ids per statement
// (under SQLite's limit of bound variables).
func updateItems(tx *gorm.DB, ids []int64, cols map[string]any) error {
	for chunk := range slices.Chunk(ids, 5000) {
		if err := tx.Model(&Item{}).Where("id IN ?", chunk).Updates(cols).Error; err != nil {
			return err
		}
	}
	return nil
}

// itemOutcome is what completion records on an item: done (with its successor) or
// ended, and whether it was forced past a gap.
type itemOutcome struct {
	status string
	to     int64
	forced bool
}

// Cancel stops an open handover: the person is active again, and successors the
// handover had put on teams leave them.
func (s *Service) Cancel(ctx context.Context, actor staff.User, id int64) (Handover, error) {
	if err := RequireManager(actor); err != nil {
		return Handover{}, err
	}
	err := s.bulk(ctx, func(ctx context.Context, tx *gorm.DB) error {
		h, err := openTx(tx, id)
		if err != nil {
			return err
		}
		if err := runs(actor, h); err != nil {
			return err
		}
		var items []Item
		if err := tx.Where("handover_id = ? AND joined_team", h.ID).Find(&items).Error; err != nil {
			return err
		}
		for _, it := range items {
			if it.ToUserID != nil {
				if err := s.accounts.LeaveTx(ctx, tx, actor, it.AccountID, *it.ToUserID, &h.ID); err != nil {
					return err
				}
			}
		}
		u, err := staff.LockTx(tx, h.DepartingUserID)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		if _, err := staff.ReactivateTx(ctx, tx, actor, u, now); err != nil {
			return err
		}
		var all []Item
		if err := tx.Where("handover_id = ?", h.ID).Find(&all).Error; err != nil {
			return err
		}
		if err := s.accounts.Changed(ctx, tx, itemAccounts(all)...); err != nil { // their owner is back
			return err
		}
		return moveTo(ctx, tx, actor, h, Cancelled, now, "")
	})
	if err != nil {
		return Handover{}, fmt.Errorf("cancel handover %d: %w", id, err)
	}
	return s.Get(ctx, actor, id)
}

// moveTo records a handover's move to in_progress or cancelled, with when it happened,
// and audits it.
func moveTo(ctx context.Context, tx *gorm.DB, actor staff.User, h Handover, to Status, now time.Time, reason string) error {
	stamp, action := "started_at", "handover.start"
	if to == Cancelled {
		stamp, action = "cancelled_at", "handover.cancel"
	}
	if err := tx.Model(&h).Updates(map[string]any{"status": to, stamp: now}).Error; err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: action, Entity: "handover",
		EntityID: h.ID, HandoverID: &h.ID, Reason: reason}, nil, nil)
}

// GuardTransfer refuses to transfer an account whose owner is leaving it in an open
// handover (409 naming the handover): the handover moves it, to the successor chosen
// there, and a transfer beside it would leave the handover moving an account its owner
// no longer holds. Accounts where the leaving person has another role may change owner,
// and so may one they no longer own (a stale item: completion skips it).
func (s *Service) GuardTransfer(ctx context.Context, tx *gorm.DB, accountID int64) error {
	var ids []int64
	err := tx.Raw(`SELECT h.id FROM handover_items i JOIN handovers h ON h.id = i.handover_id
		JOIN accounts a ON a.id = i.account_id AND a.owner_id = h.departing_user_id
		WHERE i.account_id = ? AND i.role = 'owner' AND i.status = 'open' AND h.status IN ?
		ORDER BY h.id LIMIT 1`, accountID, []Status{Draft, InProgress}).Scan(&ids).Error
	if err != nil {
		return err
	}
	if len(ids) > 0 {
		return fault.Conflict("this account is in an open handover: choose its successor there, or cancel the handover first",
			map[string]any{"handover_id": ids[0]})
	}
	return nil
}

// recordEvent records handover.started or handover.completed in tx.
func recordEvent(ctx context.Context, tx *gorm.DB, kind outbox.Kind, h Handover, items int, now time.Time) error {
	u, err := staff.LockTx(tx, h.DepartingUserID)
	if err != nil {
		return err
	}
	return outbox.Record(ctx, tx, kind, now, outbox.Handover{HandoverID: h.ID, LeavingUserID: u.ID, LeavingName: u.Name, Items: items})
}
