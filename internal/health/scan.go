package health

import (
	"context"
	"fmt"
	"keyhold/internal/store"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ScanResult says what a scan did.
type ScanResult struct {
	Accounts  int           `json:"accounts"`
	Flagged   int           `json:"flagged"`
	Changed   int           `json:"changed"`
	Recounted int           `json:"recounted"` // accounts whose interaction windows were counted again
	Full      bool          `json:"full"`      // every account's were
	Took      time.Duration `json:"took"`
}

// scanChunk is how many changed rows one write transaction of the scan holds: a few
// milliseconds of the write lock, so that no other write waits behind the scan.
const scanChunk = 100

// freshChunk is how many new results one transaction inserts. Only a first scan (a new
// database, an upgrade) has many, and each insert touches its account's pages through
// the score kept on the account: in small transactions every commit would write most of
// the table to the WAL again (16 s for 50,000 accounts, against 5 s).
const freshChunk = 5000

// Scan rescores every account, for what time alone changes. It reads without the write
// lock: first every stored result, then every account's facts (the queries side by side
// on the read pool); then it writes only the rows that changed, in short transactions.
// A row is written only if it is still the one read first: a write that changed an
// account since then rescored it itself, from data at least as new as the facts read
// here. So writes never wait behind a scan, and a scan can run beside a serving instance
// (keyhold scan) or on several instances at once.
//
// The interaction windows are counted again only where they can have changed since the
// previous scan (see windows.go), and for a slice of the accounts in turn, so that every
// account's are counted afresh once in recountCycle scans (once a day at the default
// interval), whatever may have slipped past the rules of windows.go. A full scan counts
// every account's: the first one, the first after a change of who the managers and
// admins are (a leader's touch counts by role), and keyhold scan --full.
func (s *Service) Scan(ctx context.Context) (ScanResult, error) { return s.scan(ctx, false) }

// FullScan is Scan counting every account's interaction windows again.
func (s *Service) FullScan(ctx context.Context) (ScanResult, error) { return s.scan(ctx, true) }

// recountCycle is the number of scans over which every account's window counts are
// counted afresh, a slice of the account ids in each.
const recountCycle = 96

// The settings a scan keeps: when the last scan confirmed every score, who the leaders
// were then, and the last account id of the slice it counted afresh.
const (
	scannedAtKey = "health_scanned_at"
	leadersKey   = "health_leaders"
	recountKey   = "health_recount_cursor"
)

func (s *Service) scan(ctx context.Context, full bool) (ScanResult, error) {
	start := time.Now()
	now := s.now().UTC()
	db := s.db.Read.WithContext(ctx)
	since, leaders, err := s.countsSince(ctx, db, now)
	if err != nil {
		return ScanResult{}, fmt.Errorf("health scan: %w", err)
	}
	cursor, err := s.db.Setting(ctx, recountKey)
	if err != nil {
		return ScanResult{}, fmt.Errorf("health scan: %w", err)
	}
	prev, err := loadRecords(db, nil)
	if err != nil {
		return ScanResult{}, fmt.Errorf("health scan: %w", err)
	}
	lo, hi := recountSlice(cursor, prev)
	inSlice := func(id int64) bool { return id > lo && id <= hi }
	subjects, recounted, full, err := loadCounted(db, now, nil, prev, since, inSlice, full, true)
	if err != nil {
		return ScanResult{}, fmt.Errorf("health scan: %w", err)
	}
	p, res, err := plan(subjects, prev, now)
	if err != nil {
		return res, fmt.Errorf("health scan: %w", err)
	}
	res.Full, res.Recounted = full, recounted
	if full {
		res.Recounted = res.Accounts
	}
	events := make(map[int64]event, len(p.events))
	for _, e := range p.events {
		events[e.AccountID] = e
	}
	var fresh, changed []record
	for _, r := range p.rows {
		if _, had := prev[r.AccountID]; had {
			changed = append(changed, r)
		} else {
			fresh = append(fresh, r)
		}
	}
	// Changed counts the level changes written: one found here for an account a write
	// has rescored meanwhile is that write's.
	res.Changed = 0
	write := func(rows []record, gone []int64) error {
		return s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			n, err := writeGuarded(tx, rows, gone, prev, events)
			res.Changed += n
			return err
		})
	}
	for rows := range slices.Chunk(fresh, freshChunk) {
		if err := write(rows, nil); err != nil {
			return res, fmt.Errorf("health scan: %w", err)
		}
	}
	for len(changed) > 0 || len(p.gone) > 0 {
		n := min(len(changed), scanChunk)
		g := min(len(p.gone), scanChunk-n)
		if err := write(changed[:n], p.gone[:g]); err != nil {
			return res, fmt.Errorf("health scan: %w", err)
		}
		changed, p.gone = changed[n:], p.gone[g:]
	}
	if err := s.db.PruneChanges(ctx); err != nil {
		return res, fmt.Errorf("health scan: %w", err)
	}
	// Every score was confirmed now, though only the changed rows were written.
	for _, kv := range [][2]string{{leadersKey, leaders}, {recountKey, strconv.FormatInt(hi, 10)},
		{scannedAtKey, now.Format(time.RFC3339Nano)}} {
		if err := s.db.SetSetting(ctx, kv[0], kv[1]); err != nil {
			return res, fmt.Errorf("health scan: %w", err)
		}
	}
	res.Took = time.Since(start)
	return res, nil
}

// scannedAt is when the last scan confirmed every score (zero before the first).
func (s *Service) scannedAt(ctx context.Context) (time.Time, error) {
	v, err := s.db.Setting(ctx, scannedAtKey)
	if err != nil || v == "" {
		return time.Time{}, err
	}
	return time.Parse(time.RFC3339Nano, v)
}

// recountSlice is the slice of account ids (lo, hi] a scan counts afresh: the one after
// the stored cursor, a recountCycle-th of the id range.
func recountSlice(cursor string, prev map[int64]record) (lo, hi int64) {
	var top int64
	for id := range prev {
		top = max(top, id)
	}
	lo, _ = strconv.ParseInt(cursor, 10, 64)
	if lo >= top || lo < 0 {
		lo = 0
	}
	return lo, lo + top/recountCycle + 1
}

// countsSince is the time from which the stored window counts hold, but for the
// interactions that crossed a window's edge since (zero: they cannot be trusted, before
// the first scan or since a change of leaders), and who the leaders are now.
func (s *Service) countsSince(ctx context.Context, db *gorm.DB, now time.Time) (time.Time, string, error) {
	since, err := s.scannedAt(ctx)
	if err != nil {
		return time.Time{}, "", err
	}
	leaders, err := leaderIDs(db)
	if err != nil {
		return time.Time{}, "", err
	}
	was, err := s.db.Setting(ctx, leadersKey)
	if err != nil {
		return time.Time{}, "", err
	}
	if was != leaders || since.After(now) {
		since = time.Time{}
	}
	return since, leaders, nil
}

// leaderIDs lists the managers and admins, whose contacts count as a leader's touch,
// each with the time their row last changed: a leader demoted and promoted again between
// two scans (counts stored meanwhile without their touch) changes the list too.
func leaderIDs(db *gorm.DB) (string, error) {
	var rows []struct {
		ID        int64
		UpdatedAt time.Time
	}
	if err := db.Raw("SELECT id, updated_at FROM users WHERE role IN ('manager', 'admin') ORDER BY id").
		Scan(&rows).Error; err != nil {
		return "", fmt.Errorf("leaders: %w", err)
	}
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = strconv.FormatInt(r.ID, 10) + "@" + strconv.FormatInt(r.UpdatedAt.UnixNano(), 36)
	}
	return strings.Join(parts, ","), nil
}

// writeGuarded writes the scan's results for rows and gone, each only where the stored
// row is still the one that was read first (same computed_at), with its level event; it
// returns the number of events written.
// Rows that were not stored at all (a first scan writes tens of thousands) go in batches,
// each only for an account still active and not scored by a write meanwhile.
func writeGuarded(tx *gorm.DB, rows []record, gone []int64, prev map[int64]record, events map[int64]event) (int, error) {
	for _, id := range gone {
		if err := tx.Where("account_id = ? AND computed_at = ?", id, prev[id].ComputedAt).Delete(&record{}).Error; err != nil {
			return 0, err
		}
	}
	var fresh []record
	var written []event
	for _, r := range rows {
		old, had := prev[r.AccountID]
		if !had {
			fresh = append(fresh, r)
			continue
		}
		q := tx.Model(&record{}).Where("account_id = ? AND computed_at = ?", r.AccountID, old.ComputedAt).
			Select("*").Updates(&r)
		if q.Error != nil {
			return 0, fmt.Errorf("save health of account %d: %w", r.AccountID, q.Error)
		}
		if e, ok := events[r.AccountID]; ok && q.RowsAffected > 0 {
			written = append(written, e)
		}
	}
	for chunk := range slices.Chunk(fresh, 500) {
		inserted, err := insertFresh(tx, chunk)
		if err != nil {
			return 0, fmt.Errorf("save health: %w", err)
		}
		for _, id := range inserted {
			if e, ok := events[id]; ok {
				written = append(written, e)
			}
		}
	}
	return len(written), saveEvents(tx.Statement.Context, tx, written)
}

// insertFresh inserts results for accounts that had none, skipping an account churned or
// deleted since its facts were read and one a write has scored meanwhile; it returns the
// accounts it inserted. (The writers' turn is the scan's until it commits: no account
// changes between the two statements.)
func insertFresh(tx *gorm.DB, rows []record) ([]int64, error) {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.AccountID
	}
	var live []int64
	if err := tx.Raw("SELECT id FROM accounts WHERE ? AND status = 'active' AND deleted_at IS NULL",
		store.InIDs("id", ids)).Scan(&live).Error; err != nil {
		return nil, err
	}
	keep := make(map[int64]bool, len(live))
	for _, id := range live {
		keep[id] = true
	}
	rows = slices.DeleteFunc(slices.Clone(rows), func(r record) bool { return !keep[r.AccountID] })
	if len(rows) == 0 {
		return nil, nil
	}
	var sb strings.Builder
	sb.WriteString("INSERT INTO account_health (" + recordColumns + ") VALUES ")
	args := recordValues(&sb, rows)
	sb.WriteString(" ON CONFLICT (account_id) DO NOTHING RETURNING account_id")
	var inserted []int64
	if err := tx.Raw(sb.String(), args...).Scan(&inserted).Error; err != nil {
		return nil, err
	}
	return inserted, nil
}
