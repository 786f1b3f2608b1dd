package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"
)

func settingValue(t *testing.T, db *DB, key string) string {
	t.Helper()
	var v string
	db.Read.Raw("SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	return v
}

// enqueue puts writes on the queue in this order, as requests arriving one after the
// other would, and returns their answers.
func enqueue(b *Batcher, fns ...func(context.Context, *gorm.DB) error) []chan error {
	out := make([]chan error, len(fns))
	for i, fn := range fns {
		j := &job{ctx: context.Background(), fn: fn, err: make(chan error, 1)}
		b.queue <- j
		out[i] = j.err
	}
	return out
}

func appendTo(key, v string) func(context.Context, *gorm.DB) error {
	return func(_ context.Context, tx *gorm.DB) error {
		return tx.Exec("UPDATE settings SET value = value || ? WHERE key = ?", v, key).Error
	}
}

func TestBatchKeepsTheOrderOfWrites(t *testing.T) {
	db := openTest(t)
	db.Write.Exec("INSERT INTO settings (key, value) VALUES ('log', '')")
	var fns []func(context.Context, *gorm.DB) error
	var want strings.Builder
	for i := range 200 {
		fns = append(fns, appendTo("log", fmt.Sprintf("%d,", i)))
		fmt.Fprintf(&want, "%d,", i)
	}
	for _, ch := range enqueue(db.Batch, fns...) {
		if err := <-ch; err != nil {
			t.Fatal(err)
		}
	}
	if got := settingValue(t, db, "log"); got != want.String() {
		t.Errorf("writes applied in another order:\n%s\nwant\n%s", got, want.String())
	}
}

func TestBatchAnswersEachWriteWithItsOwnError(t *testing.T) {
	db := openTest(t)
	db.Write.Exec("INSERT INTO settings (key, value) VALUES ('log', '')")
	refused := errors.New("refused")
	fails := func(_ context.Context, tx *gorm.DB) error {
		// Writes, then fails: what it wrote must not stay.
		if err := tx.Exec("UPDATE settings SET value = value || 'bad,' WHERE key = 'log'").Error; err != nil {
			return err
		}
		return refused
	}
	panics := func(_ context.Context, tx *gorm.DB) error {
		tx.Exec("UPDATE settings SET value = value || 'panic,' WHERE key = 'log'")
		panic("boom")
	}
	answers := enqueue(db.Batch, appendTo("log", "a,"), fails, appendTo("log", "b,"), panics, appendTo("log", "c,"))
	var got []error
	for _, ch := range answers {
		got = append(got, <-ch)
	}
	if got[0] != nil || got[2] != nil || got[4] != nil {
		t.Errorf("good writes answered %v", got)
	}
	if !errors.Is(got[1], refused) {
		t.Errorf("failing write answered %v, want its own error", got[1])
	}
	if got[3] == nil || !strings.Contains(got[3].Error(), "panicked") {
		t.Errorf("panicking write answered %v", got[3])
	}
	if v := settingValue(t, db, "log"); v != "a,b,c," {
		t.Errorf("stored %q, want only the good writes", v)
	}
}

func TestBatchDerivesOnceForAllItsWrites(t *testing.T) {
	db := openTest(t)
	var mu sync.Mutex
	var calls [][]int64
	db.Batch.OnDerive(func(ctx context.Context, tx *gorm.DB, ids ...int64) error {
		mu.Lock()
		calls = append(calls, ids)
		mu.Unlock()
		// Derived data is written in the batch's transaction.
		return tx.Exec("INSERT INTO settings (key, value) VALUES (?, 'derived')", fmt.Sprint(ids)).Error
	})
	touch := func(ids ...int64) func(context.Context, *gorm.DB) error {
		return func(_ context.Context, tx *gorm.DB) error {
			if !Defer(tx, ids...) {
				return errors.New("not in a batch")
			}
			return nil
		}
	}
	// Hold the writer busy so that the next three queue up into one batch.
	started, release := make(chan struct{}), make(chan struct{})
	first := enqueue(db.Batch, func(context.Context, *gorm.DB) error { close(started); <-release; return nil })
	<-started
	rest := enqueue(db.Batch, touch(7, 3), touch(3), touch(9))
	close(release)
	for _, ch := range append(first, rest...) {
		if err := <-ch; err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(calls) != 1 || fmt.Sprint(calls[0]) != "[3 7 9]" {
		t.Fatalf("derive calls %v, want one with [3 7 9]", calls)
	}
	if settingValue(t, db, "[3 7 9]") != "derived" {
		t.Error("derived data was not committed with the batch")
	}
	if Defer(db.Write, 1) {
		t.Error("Defer outside a batch must report false")
	}
}

func TestVersionsMoveWithTheirData(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	before, err := db.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db.Write.Exec("UPDATE cadence_policies SET interval_days = 20 WHERE tier = 'key'")
	after, _ := db.Versions(ctx)
	if after.Cadence == before.Cadence || after.Accounts != before.Accounts || after.Users != before.Users {
		t.Errorf("a cadence change moved %+v to %+v", before, after)
	}
}

// A read-only request sees the counters of one moment; any other context reads them afresh.
func TestReadOnlyRequestReadsVersionsOnce(t *testing.T) {
	db := openTest(t)
	ro := ReadOnly(context.Background())
	first, err := db.Versions(ro)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Write.Exec("UPDATE cadence_policies SET interval_days = 21 WHERE tier = 'key'").Error; err != nil {
		t.Fatal(err)
	}
	if again, _ := db.Versions(ro); again != first {
		t.Errorf("within one read-only request the counters moved from %+v to %+v", first, again)
	}
	if fresh, _ := db.Versions(context.Background()); fresh.Cadence == first.Cadence {
		t.Errorf("outside it the cadence change is not seen: %+v", fresh)
	}
	if other, _ := db.Versions(ReadOnly(context.Background())); other.Cadence == first.Cadence {
		t.Errorf("the next request does not see the change: %+v", other)
	}
}

func TestBatchKeepsADerivedFailureWithItsWrite(t *testing.T) {
	db := openTest(t)
	db.Write.Exec("INSERT INTO settings (key, value) VALUES ('log', '')")
	refused := errors.New("refresh refused")
	db.Batch.OnDerive(func(ctx context.Context, tx *gorm.DB, ids ...int64) error {
		if slices.Contains(ids, 13) {
			return refused
		}
		return nil
	})
	write := func(v string, id int64) func(context.Context, *gorm.DB) error {
		return func(ctx context.Context, tx *gorm.DB) error {
			Defer(tx, id)
			return appendTo("log", v)(ctx, tx)
		}
	}
	started, release := make(chan struct{}), make(chan struct{})
	first := enqueue(db.Batch, func(context.Context, *gorm.DB) error { close(started); <-release; return nil })
	<-started
	answers := enqueue(db.Batch, write("a,", 1), write("b,", 13), write("c,", 2))
	close(release)
	if err := <-first[0]; err != nil {
		t.Fatal(err)
	}
	got := []error{<-answers[0], <-answers[1], <-answers[2]}
	if got[0] != nil || got[2] != nil || !errors.Is(got[1], refused) {
		t.Errorf("answers %v: only the write whose refresh failed may fail", got)
	}
	if v := settingValue(t, db, "log"); v != "a,c," {
		t.Errorf("stored %q, want the two good writes", v)
	}
}

func TestClosingAnswersEveryQueuedWrite(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- db.Batch.Do(context.Background(), func(_ context.Context, tx *gorm.DB) error {
				return tx.Exec("SELECT 1").Error
			})
		}()
	}
	db.Close()
	wg.Wait() // a write that hung here would time the test out
	close(errs)
	for err := range errs {
		if err != nil && err.Error() != "database is closing" {
			t.Errorf("a write answered %v", err)
		}
	}
}

// A bulk write's commit leaves the WAL to the background checkpoint; the writer copies it
// back itself again afterwards.
func TestBulkCommitsWithoutAutocheckpoint(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	pages := func(tx *gorm.DB) int {
		t.Helper()
		var n int
		if err := tx.Raw("PRAGMA wal_autocheckpoint").Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	var inside int
	if err := db.Bulk(ctx, func(ctx context.Context, tx *gorm.DB) error {
		inside = pages(tx)
		return tx.Exec("UPDATE cadence_policies SET interval_days = 20 WHERE tier = 'key'").Error
	}); err != nil {
		t.Fatal(err)
	}
	if after := pages(db.Write); inside != 0 || after != autocheckpointPages {
		t.Errorf("autocheckpoint inside a bulk write %d (want 0), after it %d (want %d)", inside, after, autocheckpointPages)
	}
	// A failed bulk write restores it too.
	db.Bulk(ctx, func(ctx context.Context, tx *gorm.DB) error { return errors.New("refused") })
	if after := pages(db.Write); after != autocheckpointPages {
		t.Errorf("after a failed bulk write: %d", after)
	}
}
