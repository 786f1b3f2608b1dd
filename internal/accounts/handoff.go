package accounts

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/audit"
	"keyhold/internal/fault"
	"keyhold/internal/outbox"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

// Handoff is what happens to one account when someone leaves it: for the owner role the
// account moves to To; for another role To takes that role on the team; To 0 means the
// role simply ends.
type Handoff struct {
	AccountID int64
	Role      TeamRole
	To        int64
}

// handoffChunk bounds the accounts of one pass, keeping id lists well under SQLite's
// limit of bound variables per statement.
const handoffChunk = 5000

// HandOffTx hands many accounts on at once inside tx, with the same effect and the same
// audit entries as TransferTx, JoinTx, SetRoleTx and LeaveTx one account at a time:
// owners change (the previous owner first becomes backup), successors join with their
// roles, and from leaves the team of every account. It runs a fixed number of statements
// per successor and per pass, whatever the number of accounts, so a handover of
// thousands of accounts holds the write lock for a moment, not for seconds.
func (s *Service) HandOffTx(ctx context.Context, tx *gorm.DB, actor staff.User, from int64, moves []Handoff, reason string, handoverID *int64) error {
	for len(moves) > 0 {
		n := min(len(moves), handoffChunk)
		if err := s.handOff(ctx, tx, actor, from, moves[:n], reason, handoverID); err != nil {
			return err
		}
		moves = moves[n:]
	}
	return nil
}

type member struct{ account, user int64 }

// teamRoles reads the team rows of the accounts inside tx: each member's role.
func teamRoles(tx *gorm.DB, accountIDs []int64) (map[member]TeamRole, error) {
	var rows []TeamMember
	if err := tx.Table("account_team").Select("account_id, user_id, role").Where(store.InIDs("account_id", accountIDs)).
		Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[member]TeamRole, len(rows))
	for _, r := range rows {
		out[member{r.AccountID, r.UserID}] = r.Role
	}
	return out, nil
}

func (s *Service) handOff(ctx context.Context, tx *gorm.DB, actor staff.User, from int64, moves []Handoff, reason string, handoverID *int64) error {
	now := s.now().UTC()
	ids := make([]int64, len(moves))
	for i, m := range moves {
		ids[i] = m.AccountID
	}
	ownerOf, names, team, err := holdings(tx, moves, ids)
	if err != nil {
		return err
	}
	p, err := planHandoff(ctx, handoffContext{actor: actor, from: from, reason: reason, handoverID: handoverID, now: now},
		moves, ownerOf, team)
	if err != nil {
		return err
	}
	if err := activeUsers(tx, "to_user_id", p.taking); err != nil {
		return err
	}
	if err := p.apply(tx, from, now); err != nil {
		return err
	}
	if err := p.log.Write(ctx, tx); err != nil {
		return err
	}
	for i := range p.transfers {
		p.transfers[i].AccountName = names[p.transfers[i].AccountID]
	}
	if err := outbox.RecordAll(ctx, tx, outbox.AccountTransferred, now, p.transfers); err != nil {
		return err
	}
	return s.changed(ctx, tx, ids...)
}

// holdings reads, for the accounts moves name, their owners, names and team rows. Deleted
// accounts too: a team role on one still ends with the handover (as LeaveTx does), while
// moving the ownership of one is refused (as TransferTx does).
func holdings(tx *gorm.DB, moves []Handoff, ids []int64) (map[int64]int64, map[int64]string, map[member]TeamRole, error) {
	var owners []struct {
		ID      int64
		Name    string
		OwnerID int64
		Deleted bool
	}
	if err := tx.Table("accounts").Select("id, name, owner_id, deleted_at IS NOT NULL AS deleted").Where(store.InIDs("id", ids)).
		Scan(&owners).Error; err != nil {
		return nil, nil, nil, err
	}
	ownerOf := make(map[int64]int64, len(owners))
	names := make(map[int64]string, len(owners))
	deleted := map[int64]bool{}
	for _, a := range owners {
		ownerOf[a.ID], names[a.ID], deleted[a.ID] = a.OwnerID, a.Name, a.Deleted
	}
	for _, m := range moves {
		_, ok := ownerOf[m.AccountID]
		if !ok || (deleted[m.AccountID] && m.Role == RoleOwner && m.To != 0) {
			return nil, nil, nil, fault.NotFound("account", m.AccountID)
		}
	}
	team, err := teamRoles(tx, ids)
	return ownerOf, names, team, err
}

// handoffContext is who hands off whose accounts, why and when.
type handoffContext struct {
	actor      staff.User
	from       int64
	reason     string
	handoverID *int64
	now        time.Time
}

// handoffPlan is what a handoff changes, grouped into the few statements that do it.
type handoffPlan struct {
	log       audit.Batch
	transfers []outbox.Transfer      // the account.transferred events
	taking    []int64                // successors who take on an account: they must be active
	demote    []int64                // accounts whose owner steps down to backup
	joins     []TeamMember           // new team rows
	promote   map[int64][]int64      // successor → accounts where their row becomes the owner's
	moved     map[int64][]int64      // successor → accounts they now own
	regroup   map[roleChange][]int64 // successor and new role → accounts
	leave     []int64                // accounts whose team from leaves
}

// planHandoff decides, from the owners and team rows, what each move changes, with its
// audit entry; team is updated as the moves go, so that later moves see earlier ones.
func planHandoff(ctx context.Context, hc handoffContext, moves []Handoff, ownerOf map[int64]int64, team map[member]TeamRole) (*handoffPlan, error) {
	p := &handoffPlan{promote: map[int64][]int64{}, moved: map[int64][]int64{}, regroup: map[roleChange][]int64{}}
	actor, now, handoverID := hc.actor, hc.now, hc.handoverID
	for _, m := range moves {
		acc, to := m.AccountID, m.To
		switch {
		case m.Role == RoleOwner && to != 0 && ownerOf[acc] != to:
			prev := ownerOf[acc]
			p.taking = append(p.taking, to)
			p.demote = append(p.demote, acc)
			team[member{acc, prev}] = RoleBackup
			if _, ok := team[member{acc, to}]; ok {
				p.promote[to] = append(p.promote[to], acc)
			} else {
				p.joins = append(p.joins, TeamMember{AccountID: acc, UserID: to, Role: RoleOwner, Since: now})
			}
			team[member{acc, to}] = RoleOwner
			p.moved[to] = append(p.moved[to], acc)
			p.transfers = append(p.transfers, outbox.Transfer{AccountID: acc, FromUserID: prev, ToUserID: to,
				Reason: hc.reason, HandoverID: handoverID})
			if err := p.log.Add(ctx, audit.Entry{At: now, ActorID: &actor.ID, Action: ActionTransferred,
				Entity: "account", EntityID: acc, AccountID: &acc, FromUserID: &prev, ToUserID: &to,
				Role: string(RoleOwner), Reason: hc.reason, HandoverID: handoverID},
				map[string]int64{"owner_id": prev}, map[string]int64{"owner_id": to}); err != nil {
				return nil, err
			}
		case m.Role != RoleOwner && to != 0:
			had, ok := team[member{acc, to}]
			switch {
			case !ok:
				p.taking = append(p.taking, to)
				p.joins = append(p.joins, TeamMember{AccountID: acc, UserID: to, Role: m.Role, Since: now})
				team[member{acc, to}] = m.Role
				if err := p.log.Add(ctx, teamEntry(actor, ActionTeamAdded, acc, 0, to, m.Role, handoverID, now), nil, nil); err != nil {
					return nil, err
				}
			case had != m.Role && had != RoleOwner:
				key := roleChange{to, m.Role}
				p.regroup[key] = append(p.regroup[key], acc)
				team[member{acc, to}] = m.Role
				if err := p.log.Add(ctx, teamEntry(actor, ActionTeamRole, acc, 0, to, m.Role, handoverID, now), nil, nil); err != nil {
					return nil, err
				}
			}
		}
	}
	// from leaves every team; as owner only where the account did not move (a conflict,
	// as with LeaveTx).
	for _, m := range moves {
		role, ok := team[member{m.AccountID, hc.from}]
		if !ok {
			continue
		}
		if role == RoleOwner {
			return nil, fault.Conflict("the owner cannot leave the team; transfer the account first", nil)
		}
		p.leave = append(p.leave, m.AccountID)
		if err := p.log.Add(ctx, teamEntry(actor, ActionTeamRemoved, m.AccountID, hc.from, 0, role, handoverID, now), nil, nil); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// apply runs the plan's statements: a fixed number per successor, whatever the number
// of accounts.
func (p *handoffPlan) apply(tx *gorm.DB, from int64, now time.Time) error {
	// Demote first: the one-owner index allows a single owner row per account.
	if len(p.demote) > 0 {
		if err := tx.Model(&TeamMember{}).Where("role = ? AND ?", RoleOwner, store.InIDs("account_id", p.demote)).
			Update("role", RoleBackup).Error; err != nil {
			return err
		}
	}
	for _, to := range slices.Sorted(maps.Keys(p.promote)) {
		if err := tx.Model(&TeamMember{}).Where("user_id = ? AND ?", to, store.InIDs("account_id", p.promote[to])).
			Update("role", RoleOwner).Error; err != nil {
			return err
		}
	}
	for _, key := range slices.SortedFunc(maps.Keys(p.regroup), roleChange.compare) {
		if err := tx.Model(&TeamMember{}).Where("user_id = ? AND ?", key.user, store.InIDs("account_id", p.regroup[key])).
			Update("role", key.role).Error; err != nil {
			return err
		}
	}
	if len(p.joins) > 0 {
		if err := tx.Select("account_id", "user_id", "role", "since").CreateInBatches(p.joins, 500).Error; err != nil {
			return err
		}
	}
	for _, to := range slices.Sorted(maps.Keys(p.moved)) {
		if err := tx.Model(&Account{}).Where(store.InIDs("id", p.moved[to])).
			Updates(map[string]any{"owner_id": to, "updated_at": now}).Error; err != nil {
			return err
		}
	}
	if len(p.leave) > 0 {
		if err := tx.Where("user_id = ? AND ?", from, store.InIDs("account_id", p.leave)).Delete(&TeamMember{}).Error; err != nil {
			return err
		}
	}
	return nil
}

// roleChange is a successor taking a new role, for grouping the accounts where they do.
type roleChange struct {
	user int64
	role TeamRole
}

func (a roleChange) compare(b roleChange) int {
	return cmp.Or(cmp.Compare(a.user, b.user), cmp.Compare(a.role, b.role))
}

func teamEntry(actor staff.User, action string, accountID, from, to int64, role TeamRole, handoverID *int64, now time.Time) audit.Entry {
	return audit.Entry{At: now, ActorID: &actor.ID, Action: action, Entity: "account",
		EntityID: accountID, AccountID: &accountID, FromUserID: audit.Ptr(from), ToUserID: audit.Ptr(to),
		Role: string(role), HandoverID: handoverID}
}

// activeUsers checks in one query that every id is a user who can take on accounts.
func activeUsers(tx *gorm.DB, field string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var found []UserRef
	if err := tx.Where("id IN ?", ids).Find(&found).Error; err != nil {
		return err
	}
	byID := make(map[int64]UserRef, len(found))
	for _, u := range found {
		byID[u.ID] = u
	}
	for _, id := range ids {
		u, ok := byID[id]
		if !ok {
			return fault.Invalid(fault.Fields{field: "no such user"})
		}
		if err := canTakeOn(u, field); err != nil {
			return err
		}
	}
	return nil
}

// JoinManyTx puts each successor on the team of their account with the role given, as
// JoinTx would one at a time, in a fixed number of statements; it reports, in the order
// of joins, whether each joined (false: they were on the team already).
func (s *Service) JoinManyTx(ctx context.Context, tx *gorm.DB, actor staff.User, joins []Handoff, handoverID *int64) ([]bool, error) {
	out := make([]bool, 0, len(joins))
	for len(joins) > 0 {
		n := min(len(joins), handoffChunk)
		joined, err := s.joinMany(ctx, tx, actor, joins[:n], handoverID)
		if err != nil {
			return nil, err
		}
		out = append(out, joined...)
		joins = joins[n:]
	}
	return out, nil
}

func (s *Service) joinMany(ctx context.Context, tx *gorm.DB, actor staff.User, joins []Handoff, handoverID *int64) ([]bool, error) {
	now := s.now().UTC()
	ids := make([]int64, len(joins))
	for i, j := range joins {
		ids[i] = j.AccountID
	}
	team, err := teamRoles(tx, ids)
	if err != nil {
		return nil, err
	}
	var log audit.Batch
	var fresh []TeamMember
	var taking, changed []int64
	joined := make([]bool, len(joins))
	for i, j := range joins {
		if _, ok := team[member{j.AccountID, j.To}]; ok {
			continue
		}
		team[member{j.AccountID, j.To}] = j.Role
		joined[i] = true
		taking = append(taking, j.To)
		changed = append(changed, j.AccountID)
		fresh = append(fresh, TeamMember{AccountID: j.AccountID, UserID: j.To, Role: j.Role, Since: now})
		if err := log.Add(ctx, teamEntry(actor, ActionTeamAdded, j.AccountID, 0, j.To, j.Role, handoverID, now), nil, nil); err != nil {
			return nil, err
		}
	}
	if len(fresh) == 0 {
		return joined, nil
	}
	if err := activeUsers(tx, "to_user_id", taking); err != nil {
		return nil, err
	}
	if err := tx.Select("account_id", "user_id", "role", "since").CreateInBatches(fresh, 500).Error; err != nil {
		return nil, err
	}
	if err := log.Write(ctx, tx); err != nil {
		return nil, err
	}
	return joined, s.changed(ctx, tx, changed...)
}
