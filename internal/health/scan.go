package health

import (
	"context"
	"fmt"
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
// previous scan (see windows.go), except in a full scan: the first one, one a day, and
// the first after a change of who the managers and admins are (a leader's touch counts
// by role).
func (s *Service) Scan(ctx context.Context) (ScanResult, error) { return s.scan(ctx, false) }

// FullScan is Scan counting every account's interaction windows again.
func (s *Service) FullScan(ctx context.Context) (ScanResult, error) { return s.scan(ctx, true) }

// fullScanEvery bounds how long window counts are carried from scan to scan.
const fullScanEvery = 24 * time.Hour

// The settings a scan keeps: when the last scan confirmed every score, when the last full
// scan was, and who the leaders were then.
const (
	scannedAtKey = "health_scanned_at"
	fullScanKey  = "health_full_scan_at"
	leadersKey   = "health_leaders"
)

func (s *Service) scan(ctx context.Context, full bool) (ScanResult, error) {
	start := time.Now()
	now := s.now().UTC()
	db := s.db.Read.WithContext(ctx)
	since, leaders, err := s.countsSince(ctx, db, now)
	if err != nil {
		return ScanResult{}, fmt.Errorf("health scan: %w", err)
	}
	lastFull, err := s.timeSetting(ctx, fullScanKey)
	if err != nil {
		return ScanResult{}, fmt.Errorf("health scan: %w", err)
	}
	full = full || since.IsZero() || lastFull.IsZero() || now.Sub(lastFull) >= fullScanEvery
	prev, err := loadRecords(db, nil)
	if err != nil {
		return ScanResult{}, fmt.Errorf("health scan: %w", err)
	}
	subjects, recounted, full, err := loadCounted(db, now, nil, prev, since, full, true)
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
	write := func(rows []record, gone []int64) error {
		return s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			return writeGuarded(tx, rows, gone, prev, events)
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
	stamp := now.Format(time.RFC3339Nano)
	if full {
		if err := s.db.SetSetting(ctx, fullScanKey, stamp); err != nil {
			return res, fmt.Errorf("health scan: %w", err)
		}
	}
	if err := s.db.SetSetting(ctx, leadersKey, leaders); err != nil {
		return res, fmt.Errorf("health scan: %w", err)
	}
	if err := s.db.SetSetting(ctx, scannedAtKey, stamp); err != nil {
		return res, fmt.Errorf("health scan: %w", err)
	}
	res.Took = time.Since(start)
	return res, nil
}

// scannedAt is when the last scan confirmed every score (zero before the first).
func (s *Service) scannedAt(ctx context.Context) (time.Time, error) {
	return s.timeSetting(ctx, scannedAtKey)
}

func (s *Service) timeSetting(ctx context.Context, key string) (time.Time, error) {
	v, err := s.db.Setting(ctx, key)
	if err != nil || v == "" {
		return time.Time{}, err
	}
	return time.Parse(time.RFC3339Nano, v)
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

// leaderIDs lists the managers and admins, whose contacts count as a leader's touch.
func leaderIDs(db *gorm.DB) (string, error) {
	var ids []int64
	if err := db.Raw("SELECT id FROM users WHERE role IN ('manager', 'admin') ORDER BY id").Scan(&ids).Error; err != nil {
		return "", fmt.Errorf("leaders: %w", err)
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ","), nil
}

// writeGuarded writes the scan's results for rows and gone, each only where the stored
// row is still the one that was read first (same computed_at), with its level event.
// Rows that were not stored at all (a first scan writes tens of thousands) go in batches,
// each only for an account still active and not scored by a write meanwhile.
func writeGuarded(tx *gorm.DB, rows []record, gone []int64, prev map[int64]record, events map[int64]event) error {
	for _, id := range gone {
		if err := tx.Where("account_id = ? AND computed_at = ?", id, prev[id].ComputedAt).Delete(&record{}).Error; err != nil {
			return err
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
			return fmt.Errorf("save health of account %d: %w", r.AccountID, q.Error)
		}
		if e, ok := events[r.AccountID]; ok && q.RowsAffected > 0 {
			written = append(written, e)
		}
	}
	for chunk := range slices.Chunk(fresh, 500) {
		inserted, err := insertFresh(tx, chunk)
		if err != nil {
			return fmt.Errorf("save health: %w", err)
		}
		for _, id := range inserted {
			if e, ok := events[id]; ok {
				written = append(written, e)
			}
		}
	}
	return saveEvents(tx.Statement.Context, tx, written)
}

// insertFresh inserts results for accounts that had none, skipping an account churned or
// deleted since its facts were read and one a write has scored meanwhile; it returns the
// accounts it inserted.
func insertFresh(tx *gorm.DB, rows []record) ([]int64, error) {
	var sb strings.Builder
	sb.WriteString("WITH fresh (" + recordColumns + ") AS (VALUES ")
	args := recordValues(&sb, rows)
	sb.WriteString(`)
		INSERT INTO account_health (` + recordColumns + `)
		SELECT f.* FROM fresh f WHERE EXISTS (SELECT 1 FROM accounts a
			WHERE a.id = f.account_id AND a.status = 'active' AND a.deleted_at IS NULL)
		ON CONFLICT (account_id) DO NOTHING
		RETURNING account_id`)
	var ids []int64
	if err := tx.Raw(sb.String(), args...).Scan(&ids).Error; err != nil {
		return nil, err
	}
	return ids, nil
}
