package store

import (
	"context"
	"fmt"
	"sync"
)

// Versions are the change counters of the data that caches hold (table data_versions,
// bumped by triggers in the transaction of every change; see migration 0009). A cache
// entry made under one value of a counter is valid exactly as long as the counter keeps
// that value, whichever process or instance changes the data.
type Versions struct {
	Accounts  int64 // facets and searches: names, tiers, statuses, owners, industries, regions, deletions
	Teams     int64 // account team rows
	Users     int64 // users and signed-out tokens
	Cadence   int64 // cadence policies
	Currency  int64 // currencies and their rates
	Settings  int64 // settings (Setting)
	Handovers int64 // handover items: who receives accounts
	Contacts  int64 // contacts (migration 0028)
	// Changes is the last row of account_changes (migration 0014): which accounts or their
	// health changed, in commit order, for the accounts kept in memory to catch up on.
	Changes int64
}

// versionsSQL reads every counter in one row, so that the hottest query of all (every
// request reads the counters) is one prepared statement and one step.
const versionsSQL = `SELECT
	COALESCE(MAX(CASE name WHEN 'accounts' THEN n END), 0),
	COALESCE(MAX(CASE name WHEN 'teams' THEN n END), 0),
	COALESCE(MAX(CASE name WHEN 'users' THEN n END), 0),
	COALESCE(MAX(CASE name WHEN 'cadence' THEN n END), 0),
	COALESCE(MAX(CASE name WHEN 'currencies' THEN n END), 0),
	COALESCE(MAX(CASE name WHEN 'settings' THEN n END), 0),
	COALESCE(MAX(CASE name WHEN 'handovers' THEN n END), 0),
	COALESCE(MAX(CASE name WHEN 'contacts' THEN n END), 0),
	(SELECT COALESCE(MAX(seq), 0) FROM account_changes)
FROM data_versions`

// readOnce is the counters of a request that only reads, read at most once.
type readOnce struct {
	once sync.Once
	v    Versions
	err  error
}

type readOnceKey struct{}

// ReadOnly marks ctx as a request that reads (a GET): Versions reads the counters once
// under it and answers the same counters to every later call, so that the services a
// request goes through (sign-in check, lists, names) share one query, and the request
// sees the data versions of one moment. A request that reads back through the caches
// what it wrote itself must not be marked: it needs the counters its write moved. (The
// GETs that write — a calendar token made on first use, a leaving person's view recorded
// — do not read it back.)
func ReadOnly(ctx context.Context) context.Context {
	return context.WithValue(ctx, readOnceKey{}, &readOnce{})
}

// Versions reads the current change counters: one prepared query on a table of eight rows and the last change,
// or none when ctx is a read-only request that read them already.
func (db *DB) Versions(ctx context.Context) (Versions, error) {
	if r, ok := ctx.Value(readOnceKey{}).(*readOnce); ok {
		r.once.Do(func() { r.v, r.err = db.readVersions(ctx) })
		return r.v, r.err
	}
	return db.readVersions(ctx)
}

func (db *DB) readVersions(ctx context.Context) (Versions, error) {
	db.versionsOnce.Do(func() { db.versionsStmt, db.versionsErr = db.readSQL.Prepare(versionsSQL) })
	if db.versionsErr != nil {
		return Versions{}, fmt.Errorf("read data versions: %w", db.versionsErr)
	}
	var v Versions
	err := db.versionsStmt.QueryRowContext(ctx).Scan(&v.Accounts, &v.Teams, &v.Users, &v.Cadence, &v.Currency, &v.Settings, &v.Handovers, &v.Contacts, &v.Changes)
	if err != nil {
		return Versions{}, fmt.Errorf("read data versions: %w", err)
	}
	return v, nil
}

// Memo holds one value computed from the database, valid while the version it was
// computed under (a counter or a combination of counters) stays the same.
type Memo[V any] struct {
	mu      sync.Mutex
	version any
	value   V
	ok      bool
}

// Get returns the value for version, computing it with load when the memo holds another
// version. Concurrent callers may both load; whichever stores last is kept with the
// version it was loaded under, so a stale value is never served for a newer version.
func (m *Memo[V]) Get(version any, load func() (V, error)) (V, error) {
	m.mu.Lock()
	if m.ok && m.version == version {
		v := m.value
		m.mu.Unlock()
		return v, nil
	}
	m.mu.Unlock()
	v, err := load()
	if err != nil {
		return v, err
	}
	m.mu.Lock()
	m.version, m.value, m.ok = version, v, true
	m.mu.Unlock()
	return v, nil
}

// Cache holds values by key, each valid while the version it was computed under stays
// the same. It forgets everything when it reaches its size, so it never grows unbounded.
type Cache[K comparable, V any] struct {
	mu   sync.Mutex
	max  int
	vals map[K]cached[V]
}

type cached[V any] struct {
	version any
	value   V
}

// NewCache returns a cache of at most max entries.
func NewCache[K comparable, V any](max int) *Cache[K, V] {
	return &Cache[K, V]{max: max, vals: make(map[K]cached[V])}
}

// Get returns the value of key if it was stored under version.
func (c *Cache[K, V]) Get(key K, version any) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.vals[key]
	if !ok || e.version != version {
		var zero V
		return zero, false
	}
	return e.value, true
}

// Put stores the value of key, computed under version.
func (c *Cache[K, V]) Put(key K, version any, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.vals) >= c.max {
		clear(c.vals)
	}
	c.vals[key] = cached[V]{version: version, value: v}
}

// keepChanges is how many rows of account_changes are kept: more than a catalog ever
// applies one by one (a catalog further behind reads everything again).
const keepChanges = 10000

// PruneChanges forgets all but the last rows of account_changes (migration 0014).
func (db *DB) PruneChanges(ctx context.Context) error {
	err := db.Write.WithContext(ctx).Exec("DELETE FROM account_changes WHERE seq <= (SELECT MAX(seq) FROM account_changes) - ?", keepChanges).Error
	if err != nil {
		return fmt.Errorf("prune account changes: %w", err)
	}
	return nil
}
