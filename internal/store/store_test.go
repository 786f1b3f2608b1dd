package store

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
)

func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "nested", "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestPragmas(t *testing.T) {
	db := openTest(t)
	var mode string
	db.Read.Raw("PRAGMA journal_mode").Scan(&mode)
	var fk, timeout int
	db.Write.Raw("PRAGMA foreign_keys").Scan(&fk)
	db.Write.Raw("PRAGMA busy_timeout").Scan(&timeout)
	if mode != "wal" || fk != 1 || timeout != 5000 {
		t.Fatalf("journal_mode %s, foreign_keys %d, busy_timeout %d", mode, fk, timeout)
	}
	if err := db.Read.Exec("INSERT INTO settings (key, value) VALUES ('x', 'y')").Error; err == nil {
		t.Fatal("the read pool accepted a write")
	}
}

func TestMigrateTwiceIsANoop(t *testing.T) {
	db := openTest(t)
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentWritesQueue(t *testing.T) {
	db := openTest(t)
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs <- db.Write.Exec("INSERT INTO settings (key, value) VALUES (?, 'v')", i).Error
		}(i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			var n int64
			errs <- db.Read.Raw("SELECT COUNT(*) FROM settings").Scan(&n).Error
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int64
	db.Read.Raw("SELECT COUNT(*) FROM settings").Scan(&n)
	if n != 100 {
		t.Fatalf("%d rows, want 100", n)
	}
}

func TestSettingOrCreateKeepsTheFirstValue(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	calls := 0
	mk := func() (string, error) { calls++; return "first", nil }
	a, err := db.SettingOrCreate(ctx, "k", mk)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := db.SettingOrCreate(ctx, "k", func() (string, error) { return "second", nil })
	if a != "first" || b != "first" || calls != 1 {
		t.Fatalf("got %q then %q after %d calls", a, b, calls)
	}
}

func TestAuditIsAppendOnly(t *testing.T) {
	db := openTest(t)
	if err := db.Write.Exec("INSERT INTO audit_entries (at, action, entity, entity_id) VALUES (CURRENT_TIMESTAMP, 'x', 'y', 1)").Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Write.Exec("UPDATE audit_entries SET action = 'changed'").Error; err == nil {
		t.Error("an audit entry was updated")
	}
	if err := db.Write.Exec("DELETE FROM audit_entries").Error; err == nil {
		t.Error("an audit entry was deleted")
	}
}

func TestPage(t *testing.T) {
	cases := []struct{ in, want Page }{
		{Page{}, Page{1, DefaultPageSize}},
		{Page{Number: 3, Size: 500}, Page{3, MaxPageSize}},
		{Page{Number: -1, Size: 10}, Page{1, 10}},
	}
	for _, c := range cases {
		if got := c.in.Normalized(); got != c.want {
			t.Errorf("%+v → %+v, want %+v", c.in, got, c.want)
		}
	}
	if (Page{Number: 3, Size: 20}).Offset() != 40 {
		t.Error("offset")
	}
}

// Settings are read through a cache: a change by this process or by another one on the
// same file (keyhold scan beside keyhold serve) is read at once.
func TestSettingShowsEveryChangeAtOnce(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	other, err := Open(db.path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	want := func(step, v string) {
		t.Helper()
		for i := range 2 { // the second read comes from the cache
			if got, err := db.Setting(ctx, "k"); err != nil || got != v {
				t.Fatalf("%s, read %d: %q, %v; want %q", step, i, got, err, v)
			}
		}
	}
	want("none yet", "")
	if err := db.SetSetting(ctx, "k", "one"); err != nil {
		t.Fatal(err)
	}
	want("set here", "one")
	if err := other.SetSetting(ctx, "k", "two"); err != nil {
		t.Fatal(err)
	}
	want("set by another process", "two")
	other.Write.Exec("DELETE FROM settings WHERE key = 'k'")
	want("deleted", "")
}
