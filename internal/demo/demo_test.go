package demo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"
	"unicode"

	"golang.org/x/crypto/bcrypt"

	"keyhold/internal/store"
	"keyhold/internal/store/storetest"
)

var testNow = time.Date(2025, 6, 18, 3, 30, 0, 0, time.UTC)

// testHash is a real bcrypt hash of Password, at the cheapest cost.
var testHash = func() string {
	h, err := bcrypt.GenerateFromPassword([]byte(Password), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
}()

func openDB(tb testing.TB) *store.DB { return storetest.Open(tb) }

func seeded(t *testing.T) (*store.DB, Summary) {
	t.Helper()
	db := openDB(t)
	sum, err := Seed(context.Background(), db, Options{Now: testNow, Seed: 42, PasswordHash: testHash})
	if err != nil {
		t.Fatal(err)
	}
	return db, sum
}

// count runs a COUNT query on the read pool.
func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int64
	if err := db.Read.Raw(q, args...).Scan(&n).Error; err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return int(n)
}

func TestSeedDefault(t *testing.T) {
	db, sum := seeded(t)

	if sum.Users != 11 || sum.Accounts != 300 || sum.Interactions != 3600 || len(sum.Logins) != 11 {
		t.Fatalf("summary = %+v", sum)
	}
	for table, want := range map[string]int{"users": 11, "accounts": 300, "contacts": sum.Contacts, "interactions": 3600} {
		if got := count(t, db, "SELECT COUNT(*) FROM "+table); got != want {
			t.Errorf("%s: %d rows, want %d", table, got, want)
		}
	}
	if len(Password) < 10 || bcrypt.CompareHashAndPassword([]byte(testHash), []byte(Password)) != nil {
		t.Error("Password is too short or does not match")
	}
	if n := count(t, db, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND email = 'admin@keyhold.demo'"); n != 1 {
		t.Errorf("admins: %d", n)
	}
	if n := count(t, db, "SELECT COUNT(*) FROM users WHERE role = 'manager'"); n != 2 {
		t.Errorf("managers: %d", n)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM users u JOIN users m ON m.id = u.manager_id AND m.role = 'manager'
		WHERE u.role = 'sales' GROUP BY u.manager_id HAVING COUNT(*) = 4`); n != 4 {
		t.Errorf("reps per team: %d, want two teams of 4", n)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM users WHERE email <> LOWER(email) OR email NOT LIKE '%@keyhold.demo'
		OR status <> 'active' OR token_version <> 1 OR password_hash <> ?`, testHash); n != 0 {
		t.Errorf("%d users with a bad e-mail, status, token version or hash", n)
	}

	// Exactly one owner row per account, matching accounts.owner_id, and owned by a rep.
	if n := count(t, db, `SELECT COUNT(*) FROM accounts a
		WHERE (SELECT COUNT(*) FROM account_team t WHERE t.account_id = a.id AND t.role = 'owner') <> 1
		   OR NOT EXISTS (SELECT 1 FROM account_team t WHERE t.account_id = a.id AND t.role = 'owner' AND t.user_id = a.owner_id)
		   OR (SELECT role FROM users WHERE id = a.owner_id) <> 'sales'`); n != 0 {
		t.Errorf("%d accounts without exactly one matching owner", n)
	}
	// Contacts: 1–4 each, mostly 2–4, one decision maker (but for half the sloppy rep's).
	if n := count(t, db, `SELECT COUNT(*) FROM accounts a WHERE (SELECT COUNT(*) FROM contacts c WHERE c.account_id = a.id) NOT BETWEEN 1 AND 4
		OR (SELECT COUNT(*) FROM contacts c WHERE c.account_id = a.id AND c.decision_maker) NOT IN (0, 1)
		OR (SELECT COUNT(*) FROM contacts c WHERE c.account_id = a.id AND c.decision_maker) = 0
			AND a.owner_id <> (SELECT id FROM users WHERE email = 'michael.tan@keyhold.demo')`); n != 0 {
		t.Errorf("%d accounts with a bad number of contacts or decision makers", n)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM accounts a WHERE (SELECT COUNT(*) FROM contacts c WHERE c.account_id = a.id) >= 2`); n < 280 {
		t.Errorf("only %d accounts with 2–4 contacts", n)
	}

	// Interactions: none in the future, all in the past year; linked contacts and
	// participants make sense.
	var times []time.Time
	if err := db.Read.Table("interactions").Pluck("occurred_at", &times).Error; err != nil {
		t.Fatal(err)
	}
	for _, at := range times {
		if at.After(testNow) || at.Before(testNow.AddDate(-1, 0, 0)) {
			t.Fatalf("interaction at %v, now is %v", at, testNow)
		}
	}
	if n := count(t, db, `SELECT COUNT(*) FROM interaction_contacts ic JOIN contacts c ON c.id = ic.contact_id
		JOIN interactions i ON i.id = ic.interaction_id WHERE c.account_id <> i.account_id`); n != 0 {
		t.Errorf("%d interaction contacts from another account", n)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM interaction_participants p JOIN interactions i ON i.id = p.interaction_id
		WHERE p.user_id = i.author_id`); n != 0 {
		t.Errorf("%d participants who are the author", n)
	}
	if n := count(t, db, "SELECT COUNT(*) FROM interactions WHERE kind IN ('holiday_greeting', 'executive_visit')"); n == 0 {
		t.Error("no executive touches")
	}

	// last_contacted_at is the latest non-note interaction; next_contact_due follows from it.
	if n := count(t, db, `SELECT COUNT(*) FROM accounts a WHERE a.last_contacted_at IS DISTINCT FROM
		(SELECT MAX(i.occurred_at) FROM interactions i WHERE i.account_id = a.id AND i.kind <> 'note')`); n != 0 {
		t.Errorf("%d accounts whose last_contacted_at disagrees with their interactions", n)
	}
	var accs []struct {
		Tier            string
		CadenceDays     *int
		LastContactedAt *time.Time
		NextContactDue  *time.Time
	}
	if err := db.Read.Table("accounts").Find(&accs).Error; err != nil {
		t.Fatal(err)
	}
	keys, overdue, never := 0, 0, 0
	for _, a := range accs {
		days := map[string]int{"key": 14, "growth": 30, "standard": 90}[a.Tier]
		if a.CadenceDays != nil {
			days = *a.CadenceDays
		}
		switch {
		case a.LastContactedAt == nil && a.NextContactDue != nil, a.LastContactedAt != nil && a.NextContactDue == nil:
			t.Fatalf("account %+v: last contact and due date disagree", a)
		case a.LastContactedAt != nil && !a.NextContactDue.Equal(a.LastContactedAt.AddDate(0, 0, days)):
			t.Fatalf("account %+v: due is not last contact + %d days", a, days)
		}
		if a.Tier != "key" {
			continue
		}
		keys++
		if a.NextContactDue == nil {
			never++
		}
		if a.NextContactDue == nil || a.NextContactDue.Before(testNow) {
			overdue++
		}
	}
	if keys < 30 || keys > 60 {
		t.Errorf("%d key accounts of 300", keys)
	}
	if never < 1 || never > 2 || overdue < keys*15/100 || overdue > keys*40/100 {
		t.Errorf("key accounts: %d, overdue %d, never contacted %d", keys, overdue, never)
	}
	single := count(t, db, `SELECT COUNT(*) FROM accounts a WHERE tier = 'key'
		AND (SELECT COUNT(*) FROM account_team t WHERE t.account_id = a.id) < 2`)
	if single == 0 || single > keys*30/100 {
		t.Errorf("%d single-threaded key accounts of %d", single, keys)
	}

	// Audit: one create per account, one team.add per non-owner team row, transfers agree
	// with the final team.
	if n := count(t, db, "SELECT COUNT(*) FROM audit_entries WHERE action = 'account.create'"); n != 300 {
		t.Errorf("%d account.create entries", n)
	}
	if a, b := count(t, db, "SELECT COUNT(*) FROM audit_entries WHERE action = 'team.add'"),
		count(t, db, "SELECT COUNT(*) FROM account_team WHERE role <> 'owner'"); a != b {
		t.Errorf("%d team.add entries for %d non-owner team rows", a, b)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM audit_entries e JOIN accounts a ON a.id = e.account_id
		WHERE e.action = 'account.transfer' AND (e.to_user_id <> a.owner_id OR NOT EXISTS
		(SELECT 1 FROM account_team t WHERE t.account_id = a.id AND t.user_id = e.from_user_id AND t.role = 'backup'))`); n != 0 {
		t.Errorf("%d transfers that disagree with the team", n)
	}

	// Both languages appear among staff, accounts and contacts.
	for _, table := range []string{"users", "accounts", "contacts"} {
		var names []string
		if err := db.Read.Table(table).Pluck("name", &names).Error; err != nil {
			t.Fatal(err)
		}
		zh, en := 0, 0
		for _, n := range names {
			if hasHan(n) {
				zh++
			} else {
				en++
			}
		}
		if zh == 0 || en == 0 {
			t.Errorf("%s: %d Chinese and %d English names", table, zh, en)
		}
	}
	if n := count(t, db, "SELECT COUNT(DISTINCT name) FROM accounts"); n != 300 {
		t.Errorf("%d distinct account names", n)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func TestSeedNotEmpty(t *testing.T) {
	db, _ := seeded(t)
	tables := []string{"users", "accounts", "account_team", "contacts", "interactions", "audit_entries"}
	before := map[string]int{}
	for _, table := range tables {
		before[table] = count(t, db, "SELECT COUNT(*) FROM "+table)
	}
	// The seed's larger page cache is put back afterwards.
	var cache int64
	if db.Dialect() != store.SQLite {
		// no page cache to put back
	} else if err := db.Write.Raw("PRAGMA cache_size").Scan(&cache).Error; err != nil || cache != -2000 {
		t.Errorf("write connection's cache_size after seeding = %d (%v), want the default -2000", cache, err)
	}
	_, err := Seed(context.Background(), db, Options{Now: testNow, Seed: 7, PasswordHash: testHash})
	if !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("second seed: %v, want ErrNotEmpty", err)
	}
	for _, table := range tables {
		if n := count(t, db, "SELECT COUNT(*) FROM "+table); n != before[table] {
			t.Errorf("%s: %d rows after the refused seed, %d before", table, n, before[table])
		}
	}
}

// TestSeedDeterministic: the same seed gives the same data; a larger dataset gets more staff.
func TestSeedDeterministic(t *testing.T) {
	digest := func(seed int64) (string, Summary) {
		db := openDB(t)
		sum, err := Seed(context.Background(), db, Options{Now: testNow, Seed: seed, Accounts: 2600, Interactions: 20000, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		var accs []struct {
			Name            string
			OwnerID         int64
			LastContactedAt *time.Time
		}
		var ints []struct {
			Summary    string
			OccurredAt time.Time
		}
		if err := db.Read.Raw("SELECT name, owner_id, last_contacted_at FROM accounts ORDER BY id").Scan(&accs).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Read.Raw("SELECT summary, occurred_at FROM interactions ORDER BY id").Scan(&ints).Error; err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(accs, ints), sum
	}
	a, sum := digest(3)
	b, _ := digest(3)
	c, _ := digest(4)
	if a != b || a == c {
		t.Errorf("same seed same data: %v; other seed other data: %v", a == b, a != c)
	}
	// 2600 accounts: 10 reps in 2 teams, plus the admin.
	if sum.Users != 13 || sum.Accounts != 2600 || sum.Interactions != 20000 {
		t.Errorf("summary = %+v", sum)
	}
}

func BenchmarkSeedDefault(b *testing.B) {
	benchSeed(b, Options{Now: testNow, Seed: 1, PasswordHash: testHash})
}

// BenchmarkSeedLarge loads 50,000 accounts and a million interactions; it runs only
// with KEYHOLD_DEMO_LARGE=1 (go test -run X -bench Large ./internal/demo/).
func BenchmarkSeedLarge(b *testing.B) {
	if os.Getenv("KEYHOLD_DEMO_LARGE") == "" {
		b.Skip("set KEYHOLD_DEMO_LARGE=1 to run")
	}
	benchSeed(b, Options{Now: testNow, Seed: 1, Accounts: 50000, Interactions: 1000000, PasswordHash: testHash})
}

func benchSeed(b *testing.B, o Options) {
	for b.Loop() {
		b.StopTimer()
		db := openDB(b)
		b.StartTimer()
		sum, err := Seed(context.Background(), db, o)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		b.ReportMetric(float64(sum.Interactions), "interactions")
		db.Close()
		b.StartTimer()
	}
}
