package health

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/demo"
	"keyhold/internal/store"
	"keyhold/internal/store/storetest"
)

// scanFixture is a demo organisation of 600 accounts with its first (full) scan done,
// and a clock the test moves.
func scanFixture(t *testing.T) (*Service, *store.DB, *time.Time) {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	now := time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)
	if _, err := demo.Seed(ctx, db, demo.Options{Now: now, Seed: 7, Accounts: 600, PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	s := New(db, func() time.Time { return now })
	res, err := s.Scan(ctx)
	if err != nil || !res.Full || res.Accounts == 0 {
		t.Fatalf("first scan: %+v %v, want a full scan", res, err)
	}
	return s, db, &now
}

// sameAsFromScratch fails unless every stored result is what scoring every account from
// all its facts gives now.
func sameAsFromScratch(t *testing.T, db *store.DB, now time.Time) {
	t.Helper()
	sameAsFromScratchFor(t, db, now, nil)
}

// sameAsFromScratchFor is sameAsFromScratch for the given accounts (all when ids is nil).
func sameAsFromScratchFor(t *testing.T, db *store.DB, now time.Time, ids []int64) {
	t.Helper()
	subjects, err := loadFacts(db.Read, now, ids, false)
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := plan(subjects, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	got, err := loadRecords(db.Read, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want.rows) {
		t.Fatalf("%d stored results, want %d", len(got), len(want.rows))
	}
	bad := 0
	for _, w := range want.rows {
		g := got[w.AccountID]
		if g.Score != w.Score || g.Level != w.Level || g.Neglected != w.Neglected || g.RiskValue != w.RiskValue ||
			g.Reasons != w.Reasons || g.Windows != w.Windows {
			if bad++; bad <= 3 {
				t.Errorf("account %d at %s: stored %d %s %v %q %q, from scratch %d %s %v %q %q", w.AccountID, now,
					g.Score, g.Level, g.Neglected, g.Windows, g.Reasons, w.Score, w.Level, w.Neglected, w.Windows, w.Reasons)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d stored results differ from scoring from scratch", bad, len(want.rows))
	}
}

// A scan that recounts only the windows interactions crossed stores what a scan counting
// everything would, as time passes and writes come between scans.
func TestScanRecountsOnlyCrossedWindowsAndStoresWhatAFullScanWould(t *testing.T) {
	ctx := context.Background()
	s, db, now := scanFixture(t)
	sameAsFromScratch(t, db, *now)

	var accounts []int64
	if err := db.Read.Raw(`SELECT id FROM accounts WHERE status = 'active' AND deleted_at IS NULL
		ORDER BY id LIMIT 3`).Scan(&accounts).Error; err != nil || len(accounts) < 3 {
		t.Fatalf("accounts: %v %v", accounts, err)
	}
	// log writes an interaction as a write does: the row, then its account rescored in the
	// same transaction.
	log := func(account int64, at time.Time) {
		err := db.Write.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec(`INSERT INTO interactions (account_id, author_id, kind, occurred_at, created_at)
				VALUES (?, (SELECT id FROM users ORDER BY id LIMIT 1), 'call', ?, ?)`, account, at, *now).Error; err != nil {
				return err
			}
			return s.Refresh(ctx, tx, account)
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	incremental := 0
	for i, step := range []time.Duration{6 * time.Hour, 8 * time.Hour, 9 * time.Hour, 9 * 24 * time.Hour, 20 * time.Hour} {
		// A contact now, and one logged a few seconds ahead (as a clock slightly fast
		// does): the second enters the windows only after its write, by time alone.
		log(accounts[i%3], *now)
		log(accounts[(i+1)%3], now.Add(30*time.Second))
		*now = now.Add(step)
		res, err := s.Scan(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Full {
			incremental++
			if res.Recounted == 0 || res.Recounted >= res.Accounts {
				t.Errorf("after %s: recounted %d of %d accounts", step, res.Recounted, res.Accounts)
			}
		}
		sameAsFromScratch(t, db, *now)
	}
	if incremental != 4 {
		t.Errorf("%d of 5 scans recounted some windows only, want all but the one nine days later", incremental)
	}
}

// Who counts as a leader decides a leader's touch for every account: a change of role
// makes the next scan count every window again.
func TestScanCountsEverythingAfterALeaderChanges(t *testing.T) {
	ctx := context.Background()
	s, db, now := scanFixture(t)
	*now = now.Add(time.Hour)
	if res, err := s.Scan(ctx); err != nil || res.Full {
		t.Fatalf("a scan an hour later: %+v %v, want one that counts only crossed windows", res, err)
	}
	// The sales rep with the most interactions in the year becomes a manager.
	if err := db.Write.Exec(`UPDATE users SET role = 'manager' WHERE id = (SELECT author_id FROM interactions i
		JOIN users u ON u.id = i.author_id AND u.role = 'sales' GROUP BY author_id ORDER BY COUNT(*) DESC LIMIT 1)`).Error; err != nil {
		t.Fatal(err)
	}
	*now = now.Add(time.Hour)
	res, err := s.Scan(ctx)
	if err != nil || !res.Full || res.Recounted != res.Accounts {
		t.Fatalf("scan after a role change: %+v %v, want a full one", res, err)
	}
	sameAsFromScratch(t, db, *now)
}

// Whatever the stored counts say, every account's are counted afresh within
// recountCycle scans, a slice of the accounts in each.
func TestScansCountEveryAccountAfreshInTurn(t *testing.T) {
	ctx := context.Background()
	s, db, now := scanFixture(t)
	// Counts that no rule of windows.go would notice are wrong.
	if err := db.Write.Exec("UPDATE account_health SET windows = '9 9 9 9 9 9 1'").Error; err != nil {
		t.Fatal(err)
	}
	wrong := func() (n int) {
		db.Read.Raw("SELECT COUNT(*) FROM account_health WHERE windows = '9 9 9 9 9 9 1'").Scan(&n)
		return n
	}
	all := wrong()
	for i := range recountCycle {
		*now = now.Add(time.Minute)
		res, err := s.Scan(ctx)
		if err != nil || res.Full {
			t.Fatalf("scan %d: %+v %v, want one counting a slice", i, res, err)
		}
		if i == 0 {
			if n := wrong(); n == all || n < all*9/10 {
				t.Errorf("after one scan, %d of %d wrong counts remain; want a slice of them fixed", n, all)
			}
		}
	}
	if n := wrong(); n != 0 {
		t.Errorf("after %d scans, %d wrong counts remain", recountCycle, n)
	}
	sameAsFromScratch(t, db, *now)
}

// A write that logs no interaction (a handover) rescores its accounts with their stored
// window counts, but where interactions crossed a window's edge: the results are the
// same as counting everything.
func TestRescoreKeepingCountsStoresWhatCountingEverythingWould(t *testing.T) {
	ctx := context.Background()
	s, db, now := scanFixture(t)
	var ids []int64
	if err := db.Read.Raw("SELECT id FROM accounts WHERE deleted_at IS NULL ORDER BY id").Scan(&ids).Error; err != nil {
		t.Fatal(err)
	}
	for _, step := range []time.Duration{7 * time.Hour, 30 * time.Hour} {
		*now = now.Add(step)
		// Every account changes hands to the first sales rep, without a scan in between.
		err := db.Write.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec(`UPDATE accounts SET owner_id = (SELECT id FROM users WHERE role = 'sales' ORDER BY id LIMIT 1)
				WHERE deleted_at IS NULL`).Error; err != nil {
				return err
			}
			return s.Refresh(KeepingCounts(ctx), tx, ids...)
		})
		if err != nil {
			t.Fatal(err)
		}
		sameAsFromScratchFor(t, db, *now, ids)
	}
}

// A leader demoted and promoted again between two scans: counts stored meanwhile miss
// their touch, so the next scan counts everything again, though the leaders are the same.
func TestScanCountsEverythingAfterALeaderComesBack(t *testing.T) {
	ctx := context.Background()
	s, db, now := scanFixture(t)
	var leader int64
	if err := db.Read.Raw("SELECT id FROM users WHERE role = 'manager' ORDER BY id LIMIT 1").Scan(&leader).Error; err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{"sales", "manager"} {
		*now = now.Add(time.Minute)
		if err := db.Write.Exec("UPDATE users SET role = ?, updated_at = ? WHERE id = ?", role, *now, leader).Error; err != nil {
			t.Fatal(err)
		}
	}
	*now = now.Add(time.Hour)
	if res, err := s.Scan(ctx); err != nil || !res.Full {
		t.Fatalf("scan after a leader came back: %+v %v, want a full one", res, err)
	}
}

// Stored counts that cannot be read (written by another version) are counted again; the
// scan goes on.
func TestScanRecountsUnreadableCounts(t *testing.T) {
	ctx := context.Background()
	s, db, now := scanFixture(t)
	var id int64
	db.Read.Raw("SELECT account_id FROM account_health ORDER BY account_id DESC LIMIT 1").Scan(&id)
	if err := db.Write.Exec("UPDATE account_health SET windows = '1 2 3 4 5 6 7 8' WHERE account_id = ?", id).Error; err != nil {
		t.Fatal(err)
	}
	*now = now.Add(time.Hour)
	res, err := s.Scan(ctx)
	if err != nil || res.Full || res.Recounted == 0 {
		t.Fatalf("scan: %+v %v, want an incremental one that recounts the unreadable row", res, err)
	}
	sameAsFromScratch(t, db, *now)
}
