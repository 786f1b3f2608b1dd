package accounts

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/sortkey"
	"keyhold/internal/store"
)

// The catalog is every live account in memory, compactly, with its health (score,
// level, flag, risk value): about 15 MB for 50,000 accounts. Lists, one account by id,
// renewals and the flags' order filter, order, page and count there, without reading a
// row from SQL. In SQL every filter and order wanted an index of its own (each rewritten
// by every logged call) or read every row it stepped over (13 ms for a page of one
// industry by due date, 6 ms for one member's accounts by name, 20 ms for a name search).
//
// It is kept current from account_changes (migration 0014): triggers add a row for every
// change of an account or of its health, whoever makes it, in commit order. A request
// reads the last row's number with the data versions (store.Versions.Changes); a catalog
// behind it reads the changed accounts again, or everything when it is far behind or the
// rows it needed were pruned. So a write is in the next read of any process.

// entry is one live account's row, compactly (times as Unix nanoseconds, repeated
// strings shared), with its health score. Entries are never changed once in a catalog: a
// change replaces the entry.
type entry struct {
	id, owner, value int64
	seq              int64 // the change it was read at: another seq, another state
	due              int64 // neverDue when never contacted
	lastContact      int64 // noTime when never contacted
	lastVisit        int64 // noTime when never visited
	created, updated int64
	health           int64 // noScore when not scored (churned, or not yet scanned)
	risk             int64 // the health's risk value: the flags' order
	level            string
	neglected        bool
	flagged          bool
	cadence          int32 // cadence_days; 0 when the tier's policy applies
	visitDays        int32 // its own visit cadence; 0 when the tier's applies
	tier             Tier
	name, fold       string // fold: name folded as the search folds it (foldASCII)
	key              string // name's sort key (sortkey): pinyin order for Chinese names
	keyHead          uint64 // key's first 8 bytes, big-endian: most comparisons end there
	status           string
	industry, region string
	channel          string
	size             Size
	currency         string
	customerSince    string
	renewal          *string
	team             []teamRow // in no order: names and their order come with completeAt
}

// named fills what an entry derives from its name: the search's folding, the sort key.
func (e *entry) named() {
	e.fold, e.key = foldASCII(e.name), sortkey.Of(e.name)
	var head [8]byte
	copy(head[:], e.key)
	e.keyHead = binary.BigEndian.Uint64(head[:])
}

// teamRow is one row of an account's team, without the person's name and status, which
// come from people (completeAt).
type teamRow struct {
	user, since int64 // since as Unix nanoseconds
	role        TeamRole
}

const (
	neverDue = math.MinInt64 // sorts first by due date, as NULL does in SQL
	noTime   = math.MinInt64
	noScore  = math.MinInt64
)

// account is the entry as the account it was read from, without owner and team.
func (e *entry) account() Account {
	a := Account{ID: e.id, Name: e.name, Tier: e.tier, Status: e.status, Industry: e.industry, Region: e.region,
		Channel: e.channel, Size: e.size, AnnualValue: e.value, Currency: e.currency, CustomerSince: e.customerSince,
		OwnerID: e.owner, CreatedAt: time.Unix(0, e.created).UTC(), UpdatedAt: time.Unix(0, e.updated).UTC()}
	if e.renewal != nil {
		r := *e.renewal
		a.RenewalDate = &r
	}
	if e.cadence != 0 {
		c := int(e.cadence)
		a.CadenceOverride = &c
	}
	if e.visitDays != 0 {
		d := int(e.visitDays)
		a.VisitOverride = &d
	}
	if e.lastContact != noTime {
		t := time.Unix(0, e.lastContact).UTC()
		a.LastContactedAt = &t
	}
	if e.lastVisit != noTime {
		t := time.Unix(0, e.lastVisit).UTC()
		a.LastVisitedAt = &t
	}
	if e.due != neverDue {
		t := time.Unix(0, e.due).UTC()
		a.NextContactDue = &t
	}
	return a
}

// order is one of the sorts of a list (Sorts).
type order int

const (
	byName order = iota
	byValue
	byDue
	byHealthUp
	byHealthDown
	byRisk // the flags' order: risk value, worst first (health.Flags)
	orderCount
)

var orders = map[string]order{
	"": byName, "name": byName, "-annual_value": byValue, "next_contact_due": byDue,
	"health": byHealthUp, "-health": byHealthDown,
}

// score is the health the orders compare: unscored accounts come last either way.
func (e *entry) score(unscored int64) int64 {
	if e.health == noScore {
		return unscored
	}
	return e.health
}

// compare orders two entries; every order ends on the id, so no two entries tie.
func (o order) compare(a, b *entry) int {
	var c int
	switch o {
	case byName:
		if c = cmp.Compare(a.keyHead, b.keyHead); c == 0 {
			c = strings.Compare(a.key, b.key)
		}
	case byValue:
		c = cmp.Compare(b.value, a.value)
	case byDue:
		c = cmp.Compare(a.due, b.due)
	case byHealthUp:
		c = cmp.Compare(a.score(1000), b.score(1000))
	case byHealthDown:
		c = cmp.Compare(b.score(-1), a.score(-1))
	case byRisk:
		c = cmp.Or(cmp.Compare(b.risk, a.risk), cmp.Compare(a.score(1000), b.score(1000)))
	}
	return cmp.Or(c, cmp.Compare(a.id, b.id))
}

// catalog is one consistent state of the live accounts, as of change seq.
type catalog struct {
	seq     int64
	byID    map[int64]*entry
	byOwner map[int64][]*entry // by due date (an agenda's order)
	sorted  [orderCount][]*entry
}

// catalogs holds the current catalog for concurrent lists.
type catalogs struct {
	mu      sync.RWMutex // held for reading while a list reads cur, for writing while it changes
	cur     *catalog
	catchUp sync.Mutex // one catch-up at a time
}

// maxDelta is the most changed accounts applied one by one; beyond it (a handover, the
// daily scan) the catalog is read again whole, which takes about as long.
const maxDelta = 2000

// resortAt is the delta beyond which the orders are sorted again instead of moving each
// changed entry (a move shifts a slice of 50,000 pointers).
const resortAt = 200

// catalogAt returns the catalog as of at least change seq, locked for reading: the caller
// calls done when it no longer reads it.
func (s *Service) catalogAt(ctx context.Context, seq int64) (c *catalog, done func(), err error) {
	cs := s.cache.catalog
	for try := 0; ; try++ {
		cs.mu.RLock()
		if cs.cur != nil && cs.cur.seq >= seq {
			return cs.cur, cs.mu.RUnlock, nil
		}
		cs.mu.RUnlock()
		if try == 2 {
			return nil, nil, fmt.Errorf("accounts in memory: change %d not found", seq)
		}
		if err := s.catchUp(ctx, seq, try > 0); err != nil {
			return nil, nil, err
		}
	}
}

// current reads the data versions and returns them with the catalog at least as new,
// locked for reading until done is called.
func (s *Service) current(ctx context.Context) (v store.Versions, c *catalog, done func(), err error) {
	if v, err = s.db.Versions(ctx); err != nil {
		return v, nil, nil, err
	}
	c, done, err = s.catalogAt(ctx, v.Changes)
	return v, c, done, err
}

// catchUp brings the catalog to change seq or later: the changed accounts only, or all
// of them when there is no catalog yet, it is far behind, or whole is set.
func (s *Service) catchUp(ctx context.Context, seq int64, whole bool) error {
	cs := s.cache.catalog
	cs.catchUp.Lock()
	defer cs.catchUp.Unlock()
	cs.mu.RLock()
	cur := cs.cur
	cs.mu.RUnlock()
	if cur != nil && cur.seq >= seq {
		return nil
	}
	db := s.db.Read.WithContext(ctx)
	if cur != nil && !whole {
		last, ids, ok, err := changesSince(db, cur.seq)
		if err != nil {
			return err
		}
		if ok {
			fresh, err := loadEntries(db, ids)
			if err != nil {
				return err
			}
			cs.mu.Lock()
			cur.apply(last, ids, fresh)
			cs.mu.Unlock()
			return nil
		}
	}
	c, err := loadCatalog(db)
	if err != nil {
		return err
	}
	cs.mu.Lock()
	cs.cur = c
	cs.mu.Unlock()
	return nil
}

// changesSince reads the accounts changed after change seq: the last change's number and
// the accounts, or ok false when they are too many or some were pruned.
func changesSince(db *gorm.DB, seq int64) (last int64, ids []int64, ok bool, err error) {
	var changes []struct{ Seq, AccountID int64 }
	if err := db.Raw("SELECT seq, account_id FROM account_changes WHERE seq > ? ORDER BY seq LIMIT ?", seq, maxDelta+1).
		Scan(&changes).Error; err != nil {
		return 0, nil, false, fmt.Errorf("read account changes: %w", err)
	}
	if len(changes) > 0 && changes[0].Seq != seq+1 {
		// Numbers may be missing: pruned behind us, or never used (PostgreSQL's identities
		// skip the numbers of rolled-back inserts). Pruning takes the oldest rows, so an
		// older row still there means none was pruned past seq.
		var oldest int64
		if err := db.Raw("SELECT COALESCE(MIN(seq), 0) FROM account_changes").Scan(&oldest).Error; err != nil {
			return 0, nil, false, fmt.Errorf("read account changes: %w", err)
		}
		if oldest > seq {
			return 0, nil, false, nil // pruned behind us
		}
	}
	seen := map[int64]bool{}
	last = seq
	for _, c := range changes {
		if len(seen) > maxDelta {
			return 0, nil, false, nil // too many
		}
		last = c.Seq
		if !seen[c.AccountID] {
			seen[c.AccountID] = true
			ids = append(ids, c.AccountID)
		}
	}
	return last, ids, true, nil
}

// entrySQL reads live accounts with their health score.
const entrySQL = `SELECT a.id, a.name, a.tier, a.status, a.industry, a.region, a.channel, a.annual_value,
	a.currency, a.customer_since, a.renewal_date, a.cadence_days, a.owner_id, a.last_contacted_at,
	a.next_contact_due, a.created_at, a.updated_at, h.score, h.risk_value, h.level, h.neglected,
	h.flagged_since IS NOT NULL, a.last_visited_at, a.visit_days, a.size
FROM accounts a LEFT JOIN account_health h ON h.account_id = a.id
WHERE a.deleted_at IS NULL`

// loadCatalog reads every live account.
func loadCatalog(db *gorm.DB) (*catalog, error) {
	var seq int64
	// The number first: rows read after it are at least as new, and a change between the
	// two is read again on the next catch-up.
	if err := db.Raw("SELECT COALESCE(MAX(seq), 0) FROM account_changes").Scan(&seq).Error; err != nil {
		return nil, fmt.Errorf("read account changes: %w", err)
	}
	c := &catalog{seq: seq, byID: map[int64]*entry{}}
	err := eachEntry(db, entrySQL, nil, func(e *entry) { e.seq = seq; c.byID[e.id] = e })
	if err == nil {
		err = readTeams(db, teamSQL, nil, c.byID)
	}
	if err != nil {
		return nil, err
	}
	c.index()
	return c, nil
}

// loadEntries reads the given accounts that are live.
func loadEntries(db *gorm.DB, ids []int64) (map[int64]*entry, error) {
	out := make(map[int64]*entry, len(ids))
	err := eachEntry(db, entrySQL+" AND ?", []any{store.InIDs("a.id", ids)}, func(e *entry) { out[e.id] = e })
	if err == nil {
		err = readTeams(db, teamSQL+" WHERE ?", []any{store.InIDs("account_id", ids)}, out)
	}
	return out, err
}

const teamSQL = "SELECT account_id, user_id, role, since FROM account_team"

// readTeams reads the team rows query selects onto the entries of their accounts.
func readTeams(db *gorm.DB, query string, args []any, entries map[int64]*entry) error {
	rows, err := db.Raw(query, args...).Rows()
	if err != nil {
		return fmt.Errorf("read teams: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var account int64
		var m teamRow
		var role string
		var since time.Time
		if err := rows.Scan(&account, &m.user, &role, &since); err != nil {
			return fmt.Errorf("read teams: %w", err)
		}
		m.role, m.since = roleNamed(role), since.UnixNano()
		if e := entries[account]; e != nil {
			e.team = append(e.team, m)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read teams: %w", err)
	}
	return nil
}

func eachEntry(db *gorm.DB, query string, args []any, fn func(*entry)) error {
	rows, err := db.Raw(query, args...).Rows()
	if err != nil {
		return fmt.Errorf("read accounts: %w", err)
	}
	defer rows.Close()
	shared := map[string]string{} // one copy of each tier, industry, date…
	intern := func(s *string) {
		if v, ok := shared[*s]; ok {
			*s = v
		} else {
			shared[*s] = *s
		}
	}
	nanos := func(t sql.NullTime, none int64) int64 {
		if !t.Valid {
			return none
		}
		return t.Time.UnixNano()
	}
	for rows.Next() {
		e := &entry{}
		var last, due, visit sql.NullTime
		var created, updated time.Time
		var cadence, score, risk, visitDays sql.NullInt64
		var renewal, level sql.NullString
		var neglected, flagged sql.NullBool
		if err := rows.Scan(&e.id, &e.name, &e.tier, &e.status, &e.industry, &e.region, &e.channel, &e.value,
			&e.currency, &e.customerSince, &renewal, &cadence, &e.owner, &last, &due, &created, &updated, &score,
			&risk, &level, &neglected, &flagged, &visit, &visitDays, &e.size); err != nil {
			return fmt.Errorf("read accounts: %w", err)
		}
		for _, p := range []*string{&e.status, &e.industry, &e.region, &e.channel, &e.currency, &e.customerSince} {
			intern(p)
		}
		t := string(e.tier)
		intern(&t)
		e.tier = Tier(t)
		e.named()
		if renewal.Valid {
			r := renewal.String
			intern(&r)
			e.renewal = &r
		}
		e.cadence, e.visitDays = int32(cadence.Int64), int32(visitDays.Int64)
		e.lastContact, e.due, e.lastVisit = nanos(last, noTime), nanos(due, neverDue), nanos(visit, noTime)
		e.created, e.updated = created.UnixNano(), updated.UnixNano()
		e.health = noScore
		if score.Valid {
			e.health, e.risk, e.level = score.Int64, risk.Int64, level.String
			e.neglected, e.flagged = neglected.Bool, flagged.Bool
			intern(&e.level)
		}
		fn(e)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read accounts: %w", err)
	}
	return nil
}

// index builds the orders and the owners' lists from byID.
func (c *catalog) index() {
	all := make([]*entry, 0, len(c.byID))
	c.byOwner = map[int64][]*entry{}
	for _, e := range c.byID {
		all = append(all, e)
		c.byOwner[e.owner] = append(c.byOwner[e.owner], e)
	}
	for _, list := range c.byOwner {
		slices.SortFunc(list, byDue.compare)
	}
	for o := range orderCount {
		c.sorted[o] = slices.Clone(all)
		c.sort(o)
	}
}

func (c *catalog) sort(o order) {
	slices.SortFunc(c.sorted[o], o.compare)
}

// apply replaces the entries of the changed accounts ids with fresh (no entry: the
// account is gone or deleted), as of change last.
func (c *catalog) apply(last int64, ids []int64, fresh map[int64]*entry) {
	resort := len(ids) > resortAt
	for _, id := range ids {
		old, now := c.byID[id], fresh[id]
		if old != nil {
			delete(c.byID, id)
			list := c.byOwner[old.owner]
			if i, ok := slices.BinarySearchFunc(list, old, byDue.compare); ok {
				c.byOwner[old.owner] = slices.Delete(list, i, i+1)
			}
		}
		if now != nil {
			now.seq = last
			c.byID[id] = now
			list := c.byOwner[now.owner]
			i, _ := slices.BinarySearchFunc(list, now, byDue.compare)
			c.byOwner[now.owner] = slices.Insert(list, i, now)
		}
		if resort {
			continue
		}
		for o := range orderCount {
			s := c.sorted[o]
			if old != nil {
				if i, ok := slices.BinarySearchFunc(s, old, o.compare); ok {
					s = slices.Delete(s, i, i+1)
				}
			}
			if now != nil {
				i, _ := slices.BinarySearchFunc(s, now, o.compare)
				s = slices.Insert(s, i, now)
			}
			c.sorted[o] = s
		}
	}
	if resort {
		for o := range orderCount {
			c.sorted[o] = c.sorted[o][:0]
			for _, e := range c.byID {
				c.sorted[o] = append(c.sorted[o], e)
			}
			c.sort(o)
		}
	}
	c.seq = last
}

// query is a list filter made ready to test entries.
type query struct {
	Filter
	fold    string
	members map[int64]bool // MemberID's accounts
	now     int64
	dueBy   int64
}

func (q *query) match(e *entry) bool {
	switch {
	case q.Tier != "" && e.tier != q.Tier,
		q.Status != "" && e.status != q.Status,
		q.OwnerID != 0 && e.owner != q.OwnerID,
		q.Industry != "" && e.industry != q.Industry,
		q.Region != "" && e.region != q.Region,
		q.members != nil && !q.members[e.id],
		q.Overdue && (e.status != StatusActive || e.due >= q.now),
		q.DueBy != nil && (e.status != StatusActive || e.due < q.now || e.due > q.dueBy),
		q.fold != "" && !strings.Contains(e.fold, q.fold):
		return false
	}
	return true
}

// candidates are the entries a filter can only be among when that is a short list
// (one owner's accounts, one member's, the few matches of a search), in no order; nil
// when the filter must walk every account.
func (c *catalog) candidates(q *query, named []int64) []*entry {
	out := []*entry{}
	switch {
	case q.members != nil:
		for id := range q.members {
			if e := c.byID[id]; e != nil {
				out = append(out, e)
			}
		}
	case q.OwnerID != 0:
		out = append(out, c.byOwner[q.OwnerID]...) // by due date
	case named != nil && len(named) <= manyMatches:
		for _, id := range named {
			if e := c.byID[id]; e != nil {
				out = append(out, e)
			}
		}
	default:
		return nil
	}
	return out
}

// page returns one page of the accounts q matches, in order o, and, when count is set,
// how many match in all.
func (c *catalog) page(q *query, named []int64, o order, offset, size int, count bool) ([]*entry, int64) {
	list := c.candidates(q, named)
	if list != nil {
		// A short list (someone's accounts: a few thousand at most) is filtered first, then
		// ordered only as far as the page reaches: a rep's first page of their 2,500 team
		// accounts takes 2,500 comparisons, not a whole sort's 28,000. The total comes free.
		matched := list[:0] // list is the candidates' own copy
		for _, e := range list {
			if q.match(e) {
				matched = append(matched, e)
			}
		}
		end := min(offset+size, len(matched))
		if q.members != nil || q.OwnerID == 0 || o != byDue { // an owner's list is kept by due date
			smallestFirst(matched, end, o.compare)
		}
		return matched[min(offset, end):end], int64(len(matched))
	}
	list = c.sorted[o]
	// By due date, the overdue and the due-by filters match within a run at the start.
	if o == byDue && (q.Overdue || q.DueBy != nil) {
		end := q.now
		if q.DueBy != nil {
			end = q.dueBy + 1
		}
		list = list[:sort.Search(len(list), func(i int) bool { return list[i].due >= end })]
	}
	return walk(list, q.match, offset, size, count)
}

// smallestFirst orders list so that its first n entries are its n smallest, in order
// (the rest in no order): a bounded max-heap of n, then a sort of those n.
func smallestFirst(list []*entry, n int, compare func(a, b *entry) int) {
	if n >= len(list)/2 {
		slices.SortFunc(list, compare)
		return
	}
	if n == 0 {
		return
	}
	h := list[:n]
	down := func(i int) { // sift the entry at i down the max-heap h
		for {
			big, l, r := i, 2*i+1, 2*i+2
			if l < n && compare(h[l], h[big]) > 0 {
				big = l
			}
			if r < n && compare(h[r], h[big]) > 0 {
				big = r
			}
			if big == i {
				return
			}
			h[i], h[big] = h[big], h[i]
			i = big
		}
	}
	for i := n/2 - 1; i >= 0; i-- {
		down(i)
	}
	for j := n; j < len(list); j++ {
		if compare(list[j], h[0]) < 0 {
			h[0], list[j] = list[j], h[0]
			down(0)
		}
	}
	slices.SortFunc(h, compare)
}

// walk returns the entries of list that match, from offset, at most size, and how many
// of them it saw: all of them when count is set, else it stops after the page.
func walk(list []*entry, match func(*entry) bool, offset, size int, count bool) (hits []*entry, n int64) {
	for _, e := range list {
		if !match(e) {
			continue
		}
		if n >= int64(offset) && len(hits) < size {
			hits = append(hits, e)
		}
		n++
		if !count && len(hits) == size {
			break
		}
	}
	return hits, n
}

// renewals returns an owner's active accounts that renew between the dates from and to
// (inclusive, as DateLayout), soonest first, at most limit.
func (c *catalog) renewals(owner int64, from, to string, limit int) []*entry {
	var due []*entry
	for _, e := range c.byOwner[owner] {
		if e.status == StatusActive && e.renewal != nil && *e.renewal >= from && *e.renewal <= to {
			due = append(due, e)
		}
	}
	slices.SortFunc(due, func(a, b *entry) int { return cmp.Or(strings.Compare(*a.renewal, *b.renewal), cmp.Compare(a.id, b.id)) })
	return due[:min(len(due), limit)]
}

// visitDue is an entry and when its next visit is due (Unix nanoseconds).
type visitDue struct {
	*entry
	at int64
}

// visitsDue are owner's active accounts that have a visit cadence (their own, else their
// tier's in days) and whose next visit — the last one, or since when it is a customer,
// plus the cadence — comes before by, the earliest first, at most limit.
func (c *catalog) visitsDue(owner int64, days map[Tier]int, by int64, limit int) []visitDue {
	var due []visitDue
	for _, e := range c.byOwner[owner] {
		d := days[e.tier]
		if e.visitDays != 0 {
			d = int(e.visitDays)
		}
		if e.status != StatusActive || d == 0 {
			continue
		}
		from := e.lastVisit
		if from == noTime {
			since, err := time.Parse(DateLayout, e.customerSince)
			if err != nil {
				continue
			}
			from = since.UnixNano()
		}
		if at := time.Unix(0, from).AddDate(0, 0, d).UnixNano(); at < by {
			due = append(due, visitDue{e, at})
		}
	}
	slices.SortFunc(due, func(a, b visitDue) int { return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.id, b.id)) })
	return due[:min(len(due), limit)]
}

// RiskFilter selects active scored accounts for the flags (health.Flags).
type RiskFilter struct {
	Tier      Tier
	OwnerID   int64
	MemberID  int64  // only the accounts on this person's teams
	Level     string // with a level, every account of that level; without, the flagged ones
	Neglected bool
	Page      store.Page
}

// Ref names an account in one state: Seq is another number whenever the account or its
// health changed (health.Flags keeps what it read of a flag under it).
type Ref struct{ ID, Seq int64 }

// ByRisk returns one page of the active scored accounts f selects, the largest risk value
// first (then the lowest score, then the id), and their total.
func (s *Service) ByRisk(ctx context.Context, f RiskFilter) ([]Ref, int64, error) {
	v, c, done, err := s.current(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer done()
	var members map[int64]bool
	if f.MemberID != 0 {
		if members, err = s.memberOf(ctx, v, f.MemberID); err != nil {
			return nil, 0, err
		}
	}
	match := func(e *entry) bool {
		return e.status == StatusActive && e.health != noScore &&
			(f.Level == "" && e.flagged || f.Level != "" && e.level == f.Level) &&
			(!f.Neglected || e.neglected) && (f.Tier == "" || e.tier == f.Tier) && (f.OwnerID == 0 || e.owner == f.OwnerID) &&
			(members == nil || members[e.id])
	}
	list := c.sorted[byRisk]
	if f.OwnerID != 0 {
		list = slices.Clone(c.byOwner[f.OwnerID])
		slices.SortFunc(list, byRisk.compare)
	}
	p := f.Page.Normalized()
	key := f
	key.Page = store.Page{}
	// A total over someone's teams would also move with the teams: counted every time
	// (only the few people serving notice list that way).
	total, counted := int64(0), false
	if members == nil {
		total, counted = s.cache.riskTotals.Get(key, c.seq)
	}
	hits, n := walk(list, match, p.Offset(), p.Size, !counted)
	if !counted {
		total = n
		if members == nil {
			s.cache.riskTotals.Put(key, c.seq, n)
		}
	}
	refs := make([]Ref, len(hits))
	for i, e := range hits {
		refs[i] = Ref{e.id, e.seq}
	}
	return refs, total, nil
}

// newQuery prepares f for matching at now.
func newQuery(f Filter, now time.Time) *query {
	q := &query{Filter: f, fold: foldASCII(f.Q), now: now.UnixNano()}
	if f.DueBy != nil {
		q.dueBy = f.DueBy.UnixNano()
	}
	return q
}
