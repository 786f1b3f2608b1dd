package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"keyhold/internal/fault"
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
	a, err := loadAccount(s.db.Read.WithContext(ctx), id)
	if err != nil {
		return Account{}, err
	}
	list := []Account{a}
	if err := s.complete(ctx, list); err != nil {
		return Account{}, err
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

// complete fills owners, teams and the derived cadence fields of a page of accounts in
// one query (the teams), whatever the page size: people and cadence come from caches.
func (s *Service) complete(ctx context.Context, list []Account) error {
	if len(list) == 0 {
		return nil
	}
	v, err := s.db.Versions(ctx)
	if err != nil {
		return err
	}
	return s.completeAt(ctx, v, list)
}

// completeAt is complete with the data versions already read.
func (s *Service) completeAt(ctx context.Context, v store.Versions, list []Account) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]int64, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	people, err := s.people(ctx, v)
	if err != nil {
		return err
	}
	c, err := s.cadence(ctx, v)
	if err != nil {
		return err
	}
	teams, err := s.teamsOf(ctx, v, ids, people)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	for i := range list {
		a := &list[i]
		if o, ok := people[a.OwnerID]; ok {
			a.Owner = &o
		}
		a.Team = teams[a.ID]
		if a.Team == nil {
			a.Team = []TeamMember{}
		}
		a.finish(now, c)
	}
	return nil
}

// loadTeams returns the teams of the accounts, owner first, then by role and name.
func loadTeams(db *gorm.DB, accountIDs []int64) (map[int64][]TeamMember, error) {
	var rows []TeamMember
	err := db.Table("account_team").
		Select("account_team.account_id, account_team.user_id, account_team.role, account_team.since, users.name, users.status").
		Joins("JOIN users ON users.id = account_team.user_id").
		Where("account_team.account_id IN ?", accountIDs).
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

// sortOrders are the ORDER BY of each sort, each read in order from an index (migrations
// 0001 and 0009) so that a page stops after its rows instead of sorting the table.
var sortOrders = map[string]string{
	"":                 "name, id",
	"name":             "name, id",
	"-annual_value":    "annual_value DESC, id",
	"next_contact_due": "next_contact_due, id",
	"health":           "COALESCE(health_score, 1000), id",
	"-health":          "COALESCE(health_score, -1) DESC, id",
}

// List returns one page of accounts matching f, with owners and teams, and the total.
func (s *Service) List(ctx context.Context, f Filter) ([]Account, int64, error) {
	return s.list(ctx, f, true)
}

// list is List; without withTotal it does not count (the agenda shows no totals).
func (s *Service) list(ctx context.Context, f Filter, withTotal bool) ([]Account, int64, error) {
	bad := fault.Collect{}
	if f.Tier != "" && !f.Tier.Valid() {
		bad.Add("tier", "must be key, growth or standard")
	}
	if f.Status != "" && f.Status != StatusActive && f.Status != StatusChurned {
		bad.Add("status", "must be active or churned")
	}
	order, ok := sortOrders[f.Sort]
	if !ok {
		bad.Add("sort", "must be one of name, -annual_value, next_contact_due, health, -health")
	}
	if err := bad.Err(); err != nil {
		return nil, 0, err
	}
	now := s.now().UTC()
	v, err := s.db.Versions(ctx)
	if err != nil {
		return nil, 0, err
	}
	var named []int64
	if f.Q != "" {
		ix, err := s.names(ctx, v)
		if err != nil {
			return nil, 0, err
		}
		named = ix.match(f.Q)
	}
	var total int64
	if withTotal {
		if total, err = s.total(ctx, f, v, now, named); err != nil {
			return nil, 0, err
		}
	}
	p := f.Page.Normalized()
	list := []Account{}
	err = s.filtered(ctx, f, now, named).Clauses(clause.OrderBy{Expression: clause.Expr{SQL: order}}).
		Limit(p.Size).Offset(p.Offset()).Find(&list).Error
	if err != nil {
		return nil, 0, fmt.Errorf("list accounts: %w", err)
	}
	if err := s.completeAt(ctx, v, list); err != nil {
		return nil, 0, err
	}
	return list, total, nil
}

// filtered is the query of the live accounts that f selects; with a name search, named
// are the ids of the accounts whose name matches (nameIndex).
func (s *Service) filtered(ctx context.Context, f Filter, now time.Time, named []int64) *gorm.DB {
	q := s.db.Read.WithContext(ctx).Model(&Account{})
	if f.Q != "" {
		// A few matches: read just them, by id, and sort them. Many: walk the requested
		// order's index and keep the names that match, which fills a page after a few
		// dozen rows instead of sorting thousands.
		if len(named) <= manyMatches {
			q = q.Where(store.InIDs("accounts.id"), store.IDs(named))
		} else {
			q = q.Where("name LIKE ? ESCAPE '\\'", "%"+escapeLike(f.Q)+"%")
		}
	}
	if f.Tier != "" {
		q = q.Where("tier = ?", f.Tier)
	}
	// status has no index of its own (migration 0008): with two values it never narrows
	// a search, and SQLite would otherwise prefer it to a selective index (tier, owner).
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.OwnerID != 0 {
		q = q.Where("owner_id = ?", f.OwnerID)
	}
	if f.MemberID != 0 {
		// Driven from the member's team rows (a few hundred), not checked on every account.
		q = q.Where("accounts.id IN (SELECT account_id FROM account_team WHERE user_id = ?)", f.MemberID)
	}
	// Industry and region have an index per order they serve (name, value: migration
	// 0013). For the other orders the unary + keeps SQLite from starting there — it would
	// read the industry's rows scattered and sort them — so that it walks the order's own
	// index and keeps the industry's rows.
	col := func(name string) string {
		if f.Sort == "" || f.Sort == "name" || f.Sort == "-annual_value" {
			return name + " = ?"
		}
		return "+" + name + " = ?"
	}
	if f.Industry != "" {
		q = q.Where(col("industry"), f.Industry)
	}
	if f.Region != "" {
		q = q.Where(col("region"), f.Region)
	}
	if f.Overdue {
		q = q.Where("status = ? AND (next_contact_due IS NULL OR next_contact_due < ?)", StatusActive, now)
	}
	if f.DueBy != nil {
		q = q.Where("status = ? AND next_contact_due >= ? AND next_contact_due <= ?", StatusActive, now, f.DueBy.UTC())
	}
	return q
}

// total counts the accounts a filter selects without counting the table on every
// request: a total is kept until a write changes what it depends on. An overdue total
// also moves with the clock, so it is kept with the moment it was counted at and brought
// to now by counting only the accounts that fell due in between (an index range).
func (s *Service) total(ctx context.Context, f Filter, v store.Versions, now time.Time, named []int64) (int64, error) {
	var n int64
	if f.DueBy != nil { // a window that moves at both ends: not kept
		if err := s.filtered(ctx, f, now, named).Count(&n).Error; err != nil {
			return 0, fmt.Errorf("count accounts: %w", err)
		}
		return n, nil
	}
	key := totalKey{Q: f.Q, Tier: string(f.Tier), Status: f.Status, Industry: f.Industry, Region: f.Region,
		OwnerID: f.OwnerID, MemberID: f.MemberID, Overdue: f.Overdue}
	ver := key.version(v)
	if t, ok := s.cache.totals.Get(key, ver); ok {
		if !key.Overdue {
			return t.n, nil
		}
		// The same filter but not overdue, bounded at both ends so the index range is
		// short: the accounts that fell due between the count and now (or, for a request
		// that started before the count was made, the other way round).
		from, to, sign := t.at, now, int64(1)
		if now.Before(t.at) {
			from, to, sign = now, t.at, -1
		}
		between := f
		between.Overdue = false
		var fell int64
		if err := s.filtered(ctx, between, now, named).Where("status = ? AND next_contact_due >= ? AND next_contact_due < ?",
			StatusActive, from, to).Count(&fell).Error; err != nil {
			return 0, fmt.Errorf("count accounts: %w", err)
		}
		n = t.n + sign*fell
		if sign > 0 {
			s.cache.totals.Put(key, ver, total{n: n, at: now})
		}
		return n, nil
	}
	if f.Q != "" && key == (totalKey{Q: f.Q}) {
		n = int64(len(named)) // the index holds every live account: its matches are the total
	} else if err := s.filtered(ctx, f, now, named).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count accounts: %w", err)
	}
	s.cache.totals.Put(key, ver, total{n: n, at: now})
	return n, nil
}

func escapeLike(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '%' || r == '_' || r == '\\' {
			out = append(out, '\\')
		}
		out = append(out, r)
	}
	return string(out)
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
// order of ids (missing or deleted ones are left out).
func (s *Service) ByIDs(ctx context.Context, ids []int64) ([]Account, error) {
	if len(ids) == 0 {
		return []Account{}, nil
	}
	var rows []Account
	if err := s.db.Read.WithContext(ctx).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("accounts by id: %w", err)
	}
	byID := make(map[int64]Account, len(rows))
	for _, a := range rows {
		byID[a.ID] = a
	}
	out := make([]Account, 0, len(rows))
	for _, id := range ids {
		if a, ok := byID[id]; ok {
			out = append(out, a)
		}
	}
	if err := s.complete(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
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
	if err := db.Where("id IN ?", ids).Find(&refs).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]UserRef, len(refs))
	for _, r := range refs {
		out[r.ID] = r
	}
	return out, nil
}
