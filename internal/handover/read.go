package handover

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/accounts"
	"keyhold/internal/fault"
	"keyhold/internal/money"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

// Get returns a handover with its items, checklist and follow-through.
func (s *Service) Get(ctx context.Context, actor staff.User, id int64) (Handover, error) {
	if !actor.CanManage() && actor.Status != staff.StatusLeaving {
		return Handover{}, fault.Forbidden("only managers, admins and the person leaving see a handover")
	}
	db := s.db.Read.WithContext(ctx)
	h, err := load(db, id)
	if err != nil {
		return Handover{}, err
	}
	if RequireManager(actor) != nil && h.DepartingUserID != actor.ID {
		return Handover{}, fault.Forbidden("this is not your handover")
	}
	if err := s.decorate(db, &h); err != nil {
		return Handover{}, fmt.Errorf("handover %d: %w", id, err)
	}
	return h, nil
}

// Filter selects handovers.
type Filter struct {
	Status Status
	Page   store.Page
}

// List returns handovers newest first, without their items but with their progress.
func (s *Service) List(ctx context.Context, actor staff.User, f Filter) ([]Handover, int64, error) {
	if err := RequireManager(actor); err != nil {
		return nil, 0, err
	}
	if f.Status != "" && f.Status != Draft && f.Status != InProgress && f.Status != Completed && f.Status != Cancelled {
		return nil, 0, fault.Invalid(fault.Fields{"status": "must be draft, in_progress, completed or cancelled"})
	}
	db := s.db.Read.WithContext(ctx)
	q := db.Model(&Handover{})
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	p := f.Page.Normalized()
	list := []Handover{}
	if err := q.Order("created_at DESC, id DESC").Limit(p.Size).Offset(p.Offset()).Find(&list).Error; err != nil {
		return nil, 0, err
	}
	ptrs := make([]*Handover, len(list))
	for i := range list {
		ptrs[i] = &list[i]
	}
	if err := s.decorateAll(db, ptrs, false); err != nil {
		return nil, 0, err
	}
	for i := range list {
		list[i].Items = nil // the list shows progress; one handover shows its items
	}
	return list, total, nil
}

// decorate fills the derived parts of one handover, follow-through included.
func (s *Service) decorate(db *gorm.DB, h *Handover) error {
	return s.decorateAll(db, []*Handover{h}, true)
}

// decorateAll fills the derived parts of handovers: the departing user, each item's
// account, successor, intro and gaps (and with follow, its follow-through), and the
// progress. A fixed number of queries, whatever the number of handovers and items;
// follow-through, asked only for one handover at a time, adds two per handover.
func (s *Service) decorateAll(db *gorm.DB, hs []*Handover, follow bool) error {
	if len(hs) == 0 {
		return nil
	}
	hids := make([]int64, len(hs))
	for i, h := range hs {
		hids[i] = h.ID
	}
	var all []Item
	if err := db.Where(store.InIDs("handover_id", hids)).Order("handover_id, id").Find(&all).Error; err != nil {
		return err
	}
	notes := make([]*Note, len(all))
	for i := range all {
		notes[i] = &all[i].Note
	}
	if err := keyContacts(db, notes); err != nil {
		return err
	}
	itemsOf := map[int64][]Item{}
	var accIDs, userIDs []int64
	for _, h := range hs {
		userIDs = append(userIDs, h.DepartingUserID)
	}
	for _, it := range all {
		itemsOf[it.HandoverID] = append(itemsOf[it.HandoverID], it)
		accIDs = append(accIDs, it.AccountID)
		if p := it.successor(); p != nil {
			userIDs = append(userIDs, *p)
		}
		if it.ProposedToUserID != nil {
			userIDs = append(userIDs, *it.ProposedToUserID)
		}
	}
	people, err := accounts.RefsByID(db, userIDs)
	if err != nil {
		return err
	}
	accts := map[int64]ItemAccount{}
	if len(accIDs) > 0 {
		var rows []ItemAccount
		// Deleted accounts stay in a handover's record: the report must not lose them.
		if err := db.Table("accounts").Select("accounts.id, name, tier, status, annual_value, currency, owner_id, " + money.BaseValueSQL("accounts") + " AS base_value").
			Where(store.InIDs("id", accIDs)).Scan(&rows).Error; err != nil {
			return err
		}
		for _, a := range rows {
			accts[a.ID] = a
		}
	}
	intros, err := introsLogged(db, hs, all)
	if err != nil {
		return err
	}
	for _, h := range hs {
		if d, ok := people[h.DepartingUserID]; ok {
			h.Departing = &d
		}
		ft := map[int64]FollowThrough{}
		if follow {
			if ft, err = s.followThrough(db, *h, itemsOf[h.ID]); err != nil {
				return err
			}
		}
		h.fill(itemsOf[h.ID], people, accts, intros, ft)
	}
	return nil
}

// fill derives a handover's items and progress from what decorateAll loaded.
func (h *Handover) fill(items []Item, people map[int64]accounts.UserRef, accts map[int64]ItemAccount,
	intros map[int64]bool, follow map[int64]FollowThrough) {
	h.Progress = Progress{Items: len(items)}
	boxes, ticked := 0, 0
	for i := range items {
		it := &items[i]
		it.FromUserID = h.DepartingUserID
		if a, ok := accts[it.AccountID]; ok {
			it.Account = &a
		}
		if p := it.successor(); p != nil {
			if u, ok := people[*p]; ok {
				it.Successor = &u
			}
			h.Progress.WithSuccessor++
		} else {
			it.RoleEnds = it.Role != accounts.RoleOwner
		}
		it.IntroLogged = intros[it.ID]
		if ft, ok := follow[it.ID]; ok {
			it.FollowThrough = ft
		} else { // not completed yet: every checkpoint is still ahead
			it.Outcome30, it.Outcome60, it.Outcome90 = OutcomePending, OutcomePending, OutcomePending
		}
		if it.Written() {
			h.Progress.TransferNotes++
		}
		if it.IntroLogged {
			h.Progress.IntrosLogged++
		}
		if it.CustomerNotified {
			h.Progress.Notified++
		}
		boxes += 3
		ticked += btoi(it.Written()) + btoi(it.IntroLogged) + btoi(it.CustomerNotified)
		it.Gaps = gaps(*it)
		if it.key() {
			h.Progress.KeyItems++
			if len(it.Gaps) > 0 {
				h.Progress.KeyItemsOpen++
			}
		}
	}
	if boxes > 0 {
		h.Progress.PercentChecked = ticked * 100 / boxes
	}
	slices.SortStableFunc(items, ByImportance)
	h.Progress.ReadyToFinish = h.Status == InProgress && h.Progress.KeyItemsOpen == 0
	if items == nil {
		items = []Item{}
	}
	h.Items = items
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// gaps lists what an open key-account item still lacks before completion: a successor
// for an owned account, a transfer note and the joint introduction wherever the role
// passes to someone.
func gaps(it Item) []string {
	out := []string{}
	if it.Status != "open" || !it.key() {
		return out
	}
	// A successor who has since started leaving is no successor.
	if it.successor() == nil || (it.Successor != nil && it.Successor.Status != staff.StatusActive) {
		if it.Role == accounts.RoleOwner {
			out = append(out, GapSuccessor)
		}
		return out
	}
	if !it.Written() {
		out = append(out, GapTransferNote)
	}
	if !it.IntroLogged {
		out = append(out, GapIntro)
	}
	return out
}

// introsLogged finds, for each item, a handover_intro interaction on its account since
// its handover began, with both the departing user and the item's successor taking part
// (as author or participant). One query for all the handovers.
func introsLogged(db *gorm.DB, hs []*Handover, items []Item) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(items) == 0 {
		return out, nil
	}
	byID := map[int64]*Handover{}
	since := hs[0].CreatedAt
	for _, h := range hs {
		byID[h.ID] = h
		if h.CreatedAt.Before(since) {
			since = h.CreatedAt
		}
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.AccountID
	}
	var rows []struct {
		ID         int64
		AccountID  int64
		AuthorID   int64
		OccurredAt time.Time
		UserID     *int64
	}
	err := db.Raw(`SELECT i.id, i.account_id, i.author_id, i.occurred_at, p.user_id FROM interactions i
		LEFT JOIN interaction_participants p ON p.interaction_id = i.id
		WHERE i.kind = 'handover_intro' AND i.account_id IN ? AND i.occurred_at >= ?`,
		ids, since.Add(-time.Minute)).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	people := map[int64]map[int64]bool{} // interaction → who took part
	at := map[int64]time.Time{}
	byAccount := map[int64][]int64{}
	for _, r := range rows {
		if people[r.ID] == nil {
			people[r.ID] = map[int64]bool{r.AuthorID: true}
			at[r.ID] = r.OccurredAt
			byAccount[r.AccountID] = append(byAccount[r.AccountID], r.ID)
		}
		if r.UserID != nil {
			people[r.ID][*r.UserID] = true
		}
	}
	for _, it := range items {
		h, succ := byID[it.HandoverID], it.successor()
		if succ == nil || h == nil {
			continue
		}
		for _, iid := range byAccount[it.AccountID] {
			if !at[iid].Before(h.CreatedAt.Add(-time.Minute)) && people[iid][h.DepartingUserID] && people[iid][*succ] {
				out[it.ID] = true
			}
		}
	}
	return out, nil
}
