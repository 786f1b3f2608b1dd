package handover

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/accounts"
	"keyhold/internal/audit"
	"keyhold/internal/check"
	"keyhold/internal/fault"
	"keyhold/internal/money"
	"keyhold/internal/staff"
)

// RequireManager refuses anyone but managers and admins, who alone run handovers; one
// serving notice runs none (they work in their own handover, as anyone leaving does,
// and would otherwise read other books' key contacts).
func RequireManager(actor staff.User) error {
	if !actor.CanManage() {
		return fault.Forbidden("only managers and admins run handovers")
	}
	if accounts.InNotice(actor) {
		return fault.Forbidden("staff serving notice do not run handovers")
	}
	return nil
}

// runs checks that actor may run the handover h: a manager or admin, and not the person
// leaving — a leaving manager works in their own handover as anyone leaving does.
func runs(actor staff.User, h Handover) error {
	if err := RequireManager(actor); err != nil {
		return err
	}
	if actor.ID == h.DepartingUserID {
		return fault.Forbidden("you cannot run your own handover")
	}
	return nil
}

// Create starts a handover in draft for a user and their last day: the user becomes
// leaving (their tokens stop working), and every account they own or help with becomes an
// item with a proposed successor.
func (s *Service) Create(ctx context.Context, actor staff.User, departingID int64, lastDay string) (Handover, error) {
	if err := RequireManager(actor); err != nil {
		return Handover{}, err
	}
	now := s.now().UTC()
	bad := fault.Collect{}
	if departingID == 0 {
		bad.Add("departing_user_id", "is required")
	} else if departingID == actor.ID {
		bad.Add("departing_user_id", "you cannot run your own handover")
	}
	if d, ok := check.Date(bad, "last_day", lastDay); ok && d.Before(now.Truncate(24*time.Hour)) {
		bad.Add("last_day", "may not be in the past")
	}
	if err := bad.Err(); err != nil {
		return Handover{}, err
	}
	var h Handover
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		u, err := staff.LockTx(tx, departingID)
		if fault.Is(err, fault.KindNotFound) {
			return fault.Invalid(fault.Fields{"departing_user_id": "no such user"})
		}
		if err != nil {
			return err
		}
		if err := staff.MayActOn(actor, u); err != nil {
			return err
		}
		if u.Status != staff.StatusActive {
			return fault.Conflict("this user is already leaving or departed", nil)
		}
		if _, err := staff.MarkLeavingTx(ctx, tx, actor, u, lastDay, now); err != nil {
			return err
		}
		h = Handover{DepartingUserID: u.ID, CreatedBy: actor.ID, Status: Draft, LastDay: lastDay, CreatedAt: now}
		if err := tx.Create(&h).Error; err != nil {
			return err
		}
		items, err := s.proposeItems(tx, h, u, actor)
		if err != nil {
			return err
		}
		if len(items) > 0 {
			if err := tx.CreateInBatches(&items, 1000).Error; err != nil { // under the limit of bound variables
				return err
			}
			// Their owner is leaving now: rescore the accounts at once.
			if err := s.accounts.Changed(ctx, tx, itemAccounts(items)...); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "handover.create",
			Entity: "handover", EntityID: h.ID, ToUserID: &u.ID, HandoverID: &h.ID}, nil, map[string]any{"items": len(items), "last_day": lastDay})
	})
	if err != nil {
		return Handover{}, fmt.Errorf("create handover: %w", err)
	}
	return s.Get(ctx, actor, h.ID)
}

// proposeItems makes an item, with a proposed successor, for each account the user is on
// the team of.
func (s *Service) proposeItems(tx *gorm.DB, h Handover, u staff.User, actor staff.User) ([]Item, error) {
	ms, err := accounts.MembershipsTx(tx, u.ID)
	if err != nil || len(ms) == 0 {
		return nil, err
	}
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.AccountID
	}
	teams, err := accounts.TeamsTx(tx, ids)
	if err != nil {
		return nil, err
	}
	slots := make([]Slot, len(ms))
	for i, m := range ms {
		sl := Slot{AccountID: m.AccountID, Role: m.Role, Key: m.Tier == accounts.TierKey, Value: m.AnnualValue,
			Team: map[int64]accounts.TeamRole{}}
		for _, tm := range teams[m.AccountID] {
			if tm.UserID == u.ID {
				continue
			}
			sl.Team[tm.UserID] = tm.Role
			if tm.Role == accounts.RoleBackup && tm.Status == staff.StatusActive {
				sl.ActiveBackups = append(sl.ActiveBackups, tm.UserID)
			}
		}
		slots[i] = sl
	}
	pool, err := s.pool(tx, u, actor)
	if err != nil {
		return nil, err
	}
	proposed := Propose(slots, pool)
	items := make([]Item, len(ms))
	for i, m := range ms {
		items[i] = Item{HandoverID: h.ID, AccountID: m.AccountID, Role: m.Role, ProposedToUserID: proposed[i], Status: "open"}
	}
	return items, nil
}

// pool lists the candidates the proposal rule chooses from: the active sales reps in the
// departing user's team, with their current book as owners.
func (s *Service) pool(tx *gorm.DB, u staff.User, actor staff.User) ([]Candidate, error) {
	loads, err := books(tx, u, actor.ID)
	if err != nil {
		return nil, err
	}
	var out []Candidate
	for _, l := range loads {
		if l.InTeam && l.Role == staff.RoleSales {
			out = append(out, Candidate{UserID: l.UserID, KeyValue: l.KeyValue, Accounts: l.Accounts})
		}
	}
	return out, nil
}

// Load is a candidate's current book, for choosing successors.
type Load struct {
	UserID      int64      `json:"user_id"`
	Name        string     `json:"name"`
	Role        staff.Role `json:"role"`
	Accounts    int        `json:"accounts"`
	KeyAccounts int        `json:"key_accounts"`
	Value       int64      `json:"value"`     // in the base currency
	KeyValue    int64      `json:"key_value"` // in the base currency
	InTeam      bool       `json:"in_team"`   // in the departing person's team
	Unpriced    int        `json:"unpriced"`  // accounts whose currency has no rate: counted, but no value
}

// Loads lists every active member of staff who could take accounts over, with their
// current book, the departing person's teammates first.
func (s *Service) Loads(ctx context.Context, actor staff.User, h Handover) ([]Load, error) {
	if err := runs(actor, h); err != nil {
		return nil, err
	}
	db := s.db.Read.WithContext(ctx)
	u, err := staff.LockTx(db, h.DepartingUserID)
	if err != nil {
		return nil, err
	}
	return books(db, u, h.CreatedBy)
}

// books reads, in one query, the book as owner of every active member of staff but the
// departing user u, values in the base currency (an account whose currency has no rate
// counts, but adds no value), marking u's team: the users with the same manager (the users of
// fallbackLead, the manager running the handover, when u has none). Lightest first.
func books(db *gorm.DB, u staff.User, fallbackLead int64) ([]Load, error) {
	lead := fallbackLead
	if u.ManagerID != nil {
		lead = *u.ManagerID
	}
	var out []Load
	value := money.ConvertedSQL("a", "cur")
	err := db.Raw(`SELECT u.id AS user_id, u.name, u.role,
			COUNT(a.id) AS accounts,
			COALESCE(SUM(CASE WHEN a.tier = 'key' THEN 1 ELSE 0 END), 0) AS key_accounts,
			`+money.SumSQL(value)+` AS value,
			`+money.SumSQL("CASE WHEN a.tier = 'key' THEN "+value+" ELSE 0 END")+` AS key_value,
			COALESCE(SUM(CASE WHEN a.id IS NOT NULL AND cur.rate_to_base IS NULL THEN 1 ELSE 0 END), 0) AS unpriced,
			CASE WHEN u.manager_id = ? THEN 1 ELSE 0 END AS in_team
		FROM users u
		LEFT JOIN accounts a ON a.owner_id = u.id AND a.deleted_at IS NULL AND a.status = 'active'
		LEFT JOIN currencies cur ON cur.code = a.currency
		WHERE u.status = 'active' AND u.id <> ?
		GROUP BY u.id, u.name, u.role, u.manager_id
		ORDER BY in_team DESC, key_value, accounts, u.name`, lead, u.ID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("staff books: %w", err)
	}
	return out, nil
}

// load reads a handover row.
func load(tx *gorm.DB, id int64) (Handover, error) {
	var h Handover
	err := tx.Take(&h, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Handover{}, fault.NotFound("handover", id)
	}
	return h, err
}

func itemAccounts(items []Item) []int64 {
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.AccountID
	}
	return ids
}
