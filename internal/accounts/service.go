package accounts

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/check"
	"keyhold/internal/fault"
	"keyhold/internal/sortkey"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

// Service reads and changes accounts and everything recorded on them.
type Service struct {
	db       *store.DB
	now      func() time.Time
	staff    *staff.Service // the staff in memory, for the names on records
	onChange ChangeHook
	guard    TransferGuard
	intro    IntroRule
	cache    *caches
}

// IntroRule checks, inside the logging transaction, a joint introduction
// (KindHandoverIntro) about to be logged on an account by author with participants.
type IntroRule func(ctx context.Context, tx *gorm.DB, accountID, authorID int64, participants []int64, at time.Time) error

// CheckIntros sets the rule every joint introduction passes; set it once, while wiring.
func (s *Service) CheckIntros(r IntroRule) { s.intro = r }

// TransferGuard refuses, inside a transfer's transaction, a transfer that another
// workflow must carry out instead (an account whose owner is leaving it in a handover).
type TransferGuard func(ctx context.Context, tx *gorm.DB, accountID int64) error

// GuardTransfers sets the check every transfer passes; set it once, while wiring.
func (s *Service) GuardTransfers(g TransferGuard) { s.guard = g }

// ChangeHook is told, inside the writing transaction, which accounts a write changed, so
// that what is derived from them (their health) changes in the same transaction.
type ChangeHook func(ctx context.Context, tx *gorm.DB, accountIDs ...int64) error

// New returns a Service.
func New(db *store.DB, now func() time.Time, st *staff.Service) *Service {
	return &Service{db: db, now: now, staff: st, cache: newCaches()}
}

// OnChange sets the hook every write calls; set it once, while wiring the application.
// Writes committed together (store.Batcher, store.DB.Bulk) call it once at their end,
// for every account they changed.
func (s *Service) OnChange(h ChangeHook) {
	s.onChange = h
	s.db.Batch.OnDerive(h)
}

// changed runs the change hook, if any, for the accounts a write touched; inside a batch
// of writes (store.Batcher) it runs once at the batch's end, for all of them.
func (s *Service) changed(ctx context.Context, tx *gorm.DB, ids ...int64) error {
	if s.onChange == nil || len(ids) == 0 || store.Defer(tx, ids...) {
		return nil
	}
	return s.onChange(ctx, tx, ids...)
}

// Get returns one account with its owner and team.
func (s *Service) Get(ctx context.Context, id int64) (Account, error) {
	list, err := s.ByIDs(ctx, []int64{id})
	if err != nil {
		return Account{}, err
	}
	if len(list) == 0 {
		return Account{}, fault.NotFound("account", id)
	}
	return list[0], nil
}

// loadAccount reads a live (not deleted) account row.
func loadAccount(db *gorm.DB, id int64) (Account, error) {
	var a Account
	err := db.Take(&a, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Account{}, fault.NotFound("account", id)
	}
	if err != nil {
		return Account{}, fmt.Errorf("load account %d: %w", id, err)
	}
	return a, nil
}

// completeAt makes the accounts of entries whole, with the data versions v already read:
// owners and team names from people, the team from the entry, the derived cadence fields.
// Entries never change, so this runs after the catalog is let go.
func (s *Service) completeAt(ctx context.Context, v store.Versions, entries []*entry) ([]Account, error) {
	out := make([]Account, len(entries))
	if len(entries) == 0 {
		return out, nil
	}
	people, err := s.people(ctx, v)
	if err != nil {
		return nil, err
	}
	c, err := s.cadence(ctx, v)
	if err != nil {
		return nil, err
	}
	visits, err := s.visitCadence(ctx, v)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	for i, e := range entries {
		a := e.account()
		if o, ok := people[a.OwnerID]; ok {
			a.Owner = &o
		}
		a.Team = teamOf(e, people)
		a.finish(now, c, visits)
		out[i] = a
	}
	return out, nil
}

// teamOf is an entry's team, owner first, then by role and name.
func teamOf(e *entry, people map[int64]UserRef) []TeamMember {
	team := make([]TeamMember, len(e.team))
	for i, m := range e.team {
		team[i] = TeamMember{AccountID: e.id, UserID: m.user, Role: m.role, Since: time.Unix(0, m.since).UTC()}
		if p, ok := people[m.user]; ok {
			team[i].Name, team[i].Status = p.Name, p.Status
		}
	}
	slices.SortFunc(team, func(a, b TeamMember) int {
		if c := cmp.Compare(a.Role.rank(), b.Role.rank()); c != 0 { // names only within a role: most teams need none
			return c
		}
		return cmp.Or(sortkey.Compare(a.Name, b.Name), cmp.Compare(a.UserID, b.UserID))
	})
	return team
}

// loadTeams returns the teams of the accounts, owner first, then by role and name.
func loadTeams(db *gorm.DB, accountIDs []int64) (map[int64][]TeamMember, error) {
	var rows []TeamMember
	err := db.Table("account_team").
		Select("account_team.account_id, account_team.user_id, account_team.role, account_team.since, users.name, users.status").
		Joins("JOIN users ON users.id = account_team.user_id").
		Where(store.InIDs("account_team.account_id", accountIDs)).
		Order("account_team.account_id, CASE account_team.role WHEN 'owner' THEN 0 WHEN 'backup' THEN 1 WHEN 'executive_sponsor' THEN 2 ELSE 3 END, users.name").
		Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("load teams: %w", err)
	}
	out := make(map[int64][]TeamMember, len(accountIDs))
	for _, r := range rows {
		out[r.AccountID] = append(out[r.AccountID], r)
	}
	return out, nil
}

// Filter selects accounts for List.
type Filter struct {
	Q        string
	Tier     Tier
	Status   string
	OwnerID  int64
	MemberID int64
	// Book, set by For during a notice period, keeps to the accounts on this person's
	// teams, whatever else the filter asks.
	Book     int64
	Industry string
	Region   string
	Overdue  bool
	// DueBy selects accounts not yet overdue but due by then (a rep's week ahead).
	DueBy *time.Time
	Sort  string
	Page  store.Page
}

// Sorts are the orders List accepts. A leading "-" means descending, as elsewhere:
// "-health" lists the healthiest first and "health" the least healthy first (accounts
// not scored, such as churned ones, come last either way). "next_contact_due" lists the
// accounts never contacted first: they have been due since they were created.
var Sorts = []string{"name", "-annual_value", "next_contact_due", "health", "-health"}

// List returns one page of accounts matching f, with owners and teams, and the total.
func (s *Service) List(ctx context.Context, f Filter) ([]Account, int64, error) {
	return s.list(ctx, f, f.Page.Normalized(), true)
}

// Each calls fn with every account matching f, in f's order (f's page is not used), a
// thousand at a time, all as of one moment: a download of the list.
func (s *Service) Each(ctx context.Context, f Filter, fn func([]Account) error) error {
	list, _, err := s.list(ctx, f, store.Page{Number: 1, Size: math.MaxInt32}, false)
	if err != nil {
		return err
	}
	for chunk := range slices.Chunk(list, 1000) {
		if err := fn(chunk); err != nil {
			return err
		}
	}
	return nil
}

// list is List; without withTotal it does not count (the agenda shows no totals). The
// filter, the order, the page and the total come from the accounts in memory
// (catalog.go), with the page's rows.
func (s *Service) list(ctx context.Context, f Filter, p store.Page, withTotal bool) ([]Account, int64, error) {
	bad := fault.Collect{}
	if f.Tier != "" && !f.Tier.Valid() {
		bad.Add("tier", "must be key, growth or standard")
	}
	if f.Status != "" && f.Status != StatusActive && f.Status != StatusChurned {
		bad.Add("status", "must be active or churned")
	}
	check.Query(bad, "q", &f.Q)
	check.Line(bad, "industry", &f.Industry, 100, false)
	check.Line(bad, "region", &f.Region, 100, false)
	o, ok := orders[f.Sort]
	if !ok {
		bad.Add("sort", "must be one of name, -annual_value, next_contact_due, health, -health")
	}
	if err := bad.Err(); err != nil {
		return nil, 0, err
	}
	v, err := s.db.Versions(ctx)
	if err != nil {
		return nil, 0, err
	}
	q := newQuery(f, s.now().UTC())
	if q.members, err = s.membersOf(ctx, v, f.MemberID, f.Book); err != nil {
		return nil, 0, err
	}
	c, done, err := s.catalogAt(ctx, v.Changes)
	if err != nil {
		return nil, 0, err
	}
	named := s.named(c, v, q.fold)
	// A total moves with the clock when the filter does (overdue, due by): those are
	// counted every time, on a short run of the due order; the others are kept until an
	// account changes.
	key := totalKey{Q: q.fold, Tier: string(f.Tier), Status: f.Status, Industry: f.Industry, Region: f.Region,
		OwnerID: f.OwnerID, MemberID: f.MemberID, Book: f.Book}
	kept, haveTotal := int64(0), false
	if withTotal && !f.Overdue && f.DueBy == nil {
		kept, haveTotal = s.cache.totals.Get(key, [2]int64{c.seq, v.Teams})
	}
	hits, total := c.page(q, named, o, p.Offset(), p.Size, withTotal && !haveTotal)
	seq := c.seq
	done()
	if haveTotal {
		total = kept
	} else if withTotal && !f.Overdue && f.DueBy == nil {
		s.cache.totals.Put(key, [2]int64{seq, v.Teams}, total)
	}
	list, err := s.completeAt(ctx, v, hits)
	if err != nil {
		return nil, 0, err
	}
	if !withTotal {
		total = 0
	}
	return list, total, nil
}

// canEdit reports whether actor may change the account's details: its team, managers
// and admins.
func canEdit(tx *gorm.DB, actor staff.User, accountID int64) (bool, error) {
	if actor.CanManage() {
		return true, nil
	}
	return isMember(tx, accountID, actor.ID)
}

func isMember(tx *gorm.DB, accountID, userID int64) (bool, error) {
	var n int64
	err := tx.Table("account_team").Where("account_id = ? AND user_id = ?", accountID, userID).Count(&n).Error
	return n > 0, err
}

// activeUser checks that a user can take on responsibility for an account; field names
// the request field for the error.
func activeUser(tx *gorm.DB, field string, id int64) error {
	return activeUsers(tx, field, []int64{id})
}

// canTakeOn refuses a user who is leaving or has left; field names the request field.
func canTakeOn(u UserRef, field string) error {
	switch u.Status {
	case staff.StatusLeaving:
		return fault.Invalid(fault.Fields{field: "is leaving and cannot take on accounts"})
	case staff.StatusDeparted:
		return fault.Invalid(fault.Fields{field: "has departed and cannot take on accounts"})
	}
	return nil
}

// ByIDs returns the live accounts with the given ids, with owners and teams, in the
// order of ids (missing or deleted ones are left out), from the accounts in memory.
func (s *Service) ByIDs(ctx context.Context, ids []int64) ([]Account, error) {
	v, c, done, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	found := make([]*entry, 0, len(ids))
	for _, id := range ids {
		if e := c.byID[id]; e != nil {
			found = append(found, e)
		}
	}
	done()
	return s.completeAt(ctx, v, found)
}

// Writable refuses changes to a churned account: it is kept as it was lost, read-only
// but for a win-back (reactivation).
func Writable(a Account) error {
	if a.Status == StatusChurned {
		return fault.Conflict("churned accounts are read-only; win the account back first", nil)
	}
	return nil
}

// loadWritable reads a live account that may change.
func loadWritable(db *gorm.DB, id int64) (Account, error) {
	a, err := loadAccount(db, id)
	if err != nil {
		return Account{}, err
	}
	return a, Writable(a)
}

// RefsByID loads the short form of the given users in one query, keyed by id.
func RefsByID(db *gorm.DB, ids []int64) (map[int64]UserRef, error) {
	var refs []UserRef
	if err := db.Where(store.InIDs("id", ids)).Find(&refs).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]UserRef, len(refs))
	for _, r := range refs {
		out[r.ID] = r
	}
	return out, nil
}
