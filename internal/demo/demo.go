// Package demo seeds a believable demo organisation — staff in two or more sales teams,
// customer accounts with their teams, contacts and a year of interactions, and the
// matching audit history — into an empty, migrated database. The data shows what Keyhold
// is for: most accounts are looked after, but some key accounts are overdue for contact,
// a couple were never contacted, and some have only one person who knows them.
//
// Everything is generated in Go from one seeded random source and written with multi-row
// INSERTs in a single transaction, so the same seed gives the same data and a large
// dataset (50,000 accounts, a million interactions) loads in seconds.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/accounts"
	"keyhold/internal/store"
)

// Options for Seed.
type Options struct {
	Now          time.Time // the clock: "today" for the dataset (UTC)
	Seed         int64     // random seed; same seed → same data
	Accounts     int       // number of accounts (default 300 when 0)
	Interactions int       // total interactions (default: about 12 per account over the past year when 0)
	PasswordHash string    // bcrypt hash every demo user gets (the caller computes it once)
	KeyShare     float64   // share of key accounts (default 0.15)
	Contacts     int       // total contacts (default: about 3 per account)
}

// Login is one demo sign-in printed to the person running `make run`.
type Login struct{ Role, Name, Email string }

// Summary says what Seed created.
type Summary struct {
	Users, Accounts, Contacts, Interactions int
	Logins                                  []Login
}

// ErrNotEmpty: the database already has users; Seed changes nothing.
var ErrNotEmpty = errors.New("demo: the database already has users; not seeding")

// Password is the demo password for every demo login (at least 10 characters).
const Password = "keyhold-demo"

// accountsPerChunk is how many accounts are generated (with their contacts and
// interactions) before the buffered rows are written; it bounds memory on large runs.
const accountsPerChunk = 1000

// Seed fills an empty database with the demo organisation, in one transaction on
// db.Write. It returns ErrNotEmpty, changing nothing, when the database has users.
func Seed(ctx context.Context, db *store.DB, o Options) (Summary, error) {
	if o.Accounts <= 0 {
		o.Accounts = 300
	}
	if o.Interactions <= 0 {
		o.Interactions = 12 * o.Accounts
	}
	if o.KeyShare <= 0 || o.KeyShare >= 1 {
		o.KeyShare = 0.15
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	o.Now = o.Now.UTC()
	if o.PasswordHash == "" {
		return Summary{}, errors.New("demo: Options.PasswordHash is required")
	}
	var sum Summary
	err := db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Raw("SELECT COUNT(*) FROM users").Scan(&n).Error; err != nil {
			return fmt.Errorf("count users: %w", err)
		}
		if n > 0 {
			return ErrNotEmpty
		}
		defer bigCache(tx)()
		w := newWriter(ctx, tx)
		defer w.close()
		g := newGen(w, o)
		if err := g.run(ctx); err != nil {
			return err
		}
		w.close()
		if err := store.SyncIDs(tx); err != nil { // the generator gave its rows their ids
			return err
		}
		if err := seedLosses(tx, o.Now, rand.New(rand.NewPCG(uint64(o.Seed), 7))); err != nil {
			return err
		}
		if err := seedCampaign(ctx, tx, o.Now); err != nil {
			return err
		}
		if err := seedSloppyRecords(tx); err != nil {
			return err
		}
		sum = g.summary()
		return nil
	})
	if errors.Is(err, ErrNotEmpty) {
		return Summary{}, ErrNotEmpty
	}
	if err != nil {
		return Summary{}, fmt.Errorf("demo seed: %w", err)
	}
	return sum, nil
}

// seedCacheKiB is the SQLite page cache used while seeding: index pages of a large
// dataset stay in memory instead of spilling (about a third faster at 50,000 accounts).
const seedCacheKiB = 64 << 10

// bigCache enlarges the write connection's page cache for the seed and returns the
// function that puts the previous size back.
func bigCache(tx *gorm.DB) func() {
	if tx.Dialector.Name() != "sqlite" {
		return func() {}
	}
	var prev int64
	if err := tx.Raw("PRAGMA cache_size").Scan(&prev).Error; err != nil {
		return func() {}
	}
	if prev < 0 && -prev >= seedCacheKiB || prev > 0 && prev >= seedCacheKiB/4 { // pages of 4 KiB
		return func() {}
	}
	if tx.Exec(fmt.Sprintf("PRAGMA cache_size = -%d", seedCacheKiB)).Error != nil {
		return func() {}
	}
	return func() {
		tx.WithContext(context.Background()).Exec(fmt.Sprintf("PRAGMA cache_size = %d", prev))
	}
}

// gen holds the generator's state for one Seed.
type gen struct {
	o    Options
	r    *rand.Rand
	now  time.Time
	day0 time.Time // midnight (UTC) of now

	users  []member // index = id-1
	reps   []int64
	teams  []team
	teamOf map[int64]int // rep id → index in teams
	admin  int64
	logins []Login

	plans         []plan
	usedNames     map[string]bool
	regionW, indW []int
	regionT, indT int

	nextContact, nextInteraction, nextAudit int64

	w                                                                                     *writer
	tUsers, tAccounts, tTeam, tContacts, tInteractions, tParticipants, tIContacts, tAudit *table

	// scratch buffers reused per account
	cs  []contact
	ixs []ix
}

type member struct {
	id          int64
	name, email string
	role        string
	manager     int64
}

type team struct {
	manager int64
	reps    []int64
}

func newGen(w *writer, o Options) *gen {
	g := &gen{
		w:         w,
		o:         o,
		r:         rand.New(rand.NewPCG(uint64(o.Seed), uint64(o.Seed)^0x6b6579686f6c64)),
		now:       o.Now,
		day0:      o.Now.Truncate(24 * time.Hour),
		teamOf:    map[int64]int{},
		usedNames: make(map[string]bool, o.Accounts),
	}
	for _, r := range regions {
		g.regionW = append(g.regionW, r.weight)
	}
	for _, in := range industries {
		g.indW = append(g.indW, in.weight)
	}
	g.regionT, g.indT = sum(g.regionW), sum(g.indW)
	g.tUsers = newTable(w, "users", "id", "name", "email", "password_hash", "role", "status", "manager_id",
		"language", "token_version", "created_at", "updated_at", "calendar_token")
	g.tAccounts = newTable(w, "accounts", "id", "name", "tier", "status", "industry", "region", "channel",
		"annual_value", "currency", "customer_since", "renewal_date", "cadence_days", "owner_id",
		"last_contacted_at", "next_contact_due", "created_at", "updated_at", "size")
	g.tTeam = newTable(w, "account_team", "account_id", "user_id", "role", "since")
	g.tContacts = newTable(w, "contacts", "id", "account_id", "name", "title", "email", "phone",
		"decision_maker", "created_at", "updated_at")
	g.tInteractions = newTable(w, "interactions", "id", "account_id", "author_id", "kind", "occurred_at",
		"summary", "next_step", "next_step_due", "created_at")
	g.tParticipants = newTable(w, "interaction_participants", "interaction_id", "user_id")
	g.tIContacts = newTable(w, "interaction_contacts", "interaction_id", "contact_id")
	g.tAudit = newTable(w, "audit_entries", "id", "at", "actor_id", "action", "entity", "entity_id",
		"account_id", "from_user_id", "to_user_id", "role", "reason")
	return g
}

func (g *gen) run(ctx context.Context) error {
	if err := g.staff(); err != nil {
		return err
	}
	if err := g.picklists(); err != nil {
		return err
	}
	// Accounts abroad are billed in US dollars: the admin has set its rate.
	if err := g.w.exec(`INSERT INTO currencies (code, rate_to_base, updated_at) VALUES ('USD', ?, ?)
		ON CONFLICT (code) DO UPDATE SET rate_to_base = excluded.rate_to_base`, []any{usdRate, g.now}); err != nil {
		return err
	}
	g.plan()
	for start := 0; start < g.o.Accounts; start += accountsPerChunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		end := min(start+accountsPerChunk, g.o.Accounts)
		for i := start; i < end; i++ {
			g.account(i)
		}
		// Parents before children, so every foreign key finds its row.
		for _, t := range []*table{g.tAccounts, g.tTeam, g.tContacts, g.tInteractions, g.tParticipants, g.tIContacts, g.tAudit} {
			if err := t.flush(); err != nil {
				return err
			}
		}
	}
	// Each account's latest visit, as logging them would have kept it (migration 0030).
	kinds := make([]string, len(accounts.VisitKinds))
	for i, k := range accounts.VisitKinds {
		kinds[i] = "'" + string(k) + "'"
	}
	return g.w.exec(`UPDATE accounts SET last_visited_at = (SELECT MAX(i.occurred_at) FROM interactions i
		WHERE i.account_id = accounts.id AND i.kind IN (`+strings.Join(kinds, ", ")+`))`, nil)
}

func (g *gen) summary() Summary {
	return Summary{Users: g.tUsers.rows, Accounts: g.tAccounts.rows, Contacts: g.tContacts.rows,
		Interactions: g.tInteractions.rows, Logins: g.logins}
}

// audit appends one audit entry at seed time.
func (g *gen) audit(actor int64, action string, account, from, to int64, role, reason string) {
	g.nextAudit++
	g.tAudit.add(g.nextAudit, g.now, actor, action, "account", account, account, nullID(from), nullID(to), role, reason)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func date(t time.Time) string { return t.Format(time.DateOnly) }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }
