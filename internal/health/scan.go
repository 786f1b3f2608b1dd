package health

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ScanResult says what a full scan did.
type ScanResult struct {
	Accounts int           `json:"accounts"`
	Flagged  int           `json:"flagged"`
	Changed  int           `json:"changed"`
	Took     time.Duration `json:"took"`
}

// scanChunk is how many changed rows one write transaction of the scan holds: a few
// milliseconds of the write lock, so that no other write waits behind the scan.
const scanChunk = 250

// Scan rescores every account, for what time alone changes. It reads without the write
// lock: first every stored result, then every account's facts (the queries side by side
// on the read pool); then it writes only the rows that changed, in short transactions.
// A row is written only if it is still the one read first: a write that changed an
// account since then rescored it itself, from data at least as new as the facts read
// here. So writes never wait behind a scan, and a scan can run beside a serving instance
// (keyhold scan) or on several instances at once.
func (s *Service) Scan(ctx context.Context) (ScanResult, error) {
	start := time.Now()
	now := s.now().UTC()
	db := s.db.Read.WithContext(ctx)
	prev, err := loadRecords(db, nil)
	if err != nil {
		return ScanResult{}, fmt.Errorf("health scan: %w", err)
	}
	subjects, err := loadFacts(db, now, nil, true)
	if err != nil {
		return ScanResult{}, fmt.Errorf("health scan: %w", err)
	}
	p, res, err := plan(subjects, prev, now)
	if err != nil {
		return res, fmt.Errorf("health scan: %w", err)
	}
	events := make(map[int64]event, len(p.events))
	for _, e := range p.events {
		events[e.AccountID] = e
	}
	for len(p.rows) > 0 || len(p.gone) > 0 {
		n := min(len(p.rows), scanChunk)
		g := min(len(p.gone), scanChunk-n)
		rows, gone := p.rows[:n], p.gone[:g]
		p.rows, p.gone = p.rows[n:], p.gone[g:]
		err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			return writeGuarded(tx, rows, gone, prev, events)
		})
		if err != nil {
			return res, fmt.Errorf("health scan: %w", err)
		}
	}
	// Every score was confirmed now, though only the changed rows were written.
	if err := s.db.SetSetting(ctx, scannedAtKey, now.Format(time.RFC3339Nano)); err != nil {
		return res, fmt.Errorf("health scan: %w", err)
	}
	res.Took = time.Since(start)
	return res, nil
}

// scannedAtKey is the setting that holds when the last full scan confirmed every score.
const scannedAtKey = "health_scanned_at"

// scannedAt is when the last full scan confirmed every score (zero before the first).
func (s *Service) scannedAt(ctx context.Context) (time.Time, error) {
	v, err := s.db.Setting(ctx, scannedAtKey)
	if err != nil || v == "" {
		return time.Time{}, err
	}
	return time.Parse(time.RFC3339Nano, v)
}

// writeGuarded writes the scan's results for rows and gone, each only where the stored
// row is still the one the snapshot read (same computed_at), with its level event. Rows
// that were not stored at all (a first scan writes tens of thousands) go in batches and
// yield to a row that a write stored meanwhile.
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
			if e, ok := events[r.AccountID]; ok {
				written = append(written, e)
			}
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
	if len(fresh) > 0 {
		err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "account_id"}}, DoNothing: true}).
			CreateInBatches(fresh, 500).Error
		if err != nil {
			return fmt.Errorf("save health: %w", err)
		}
	}
	if len(written) > 0 {
		if err := tx.CreateInBatches(written, 500).Error; err != nil {
			return fmt.Errorf("save health events: %w", err)
		}
	}
	return nil
}
