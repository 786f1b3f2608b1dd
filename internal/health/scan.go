package health

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
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
const scanChunk = 200

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
	res.Took = time.Since(start)
	return res, nil
}

// writeGuarded writes the scan's results for rows and gone, each only where the stored
// row is still the one the snapshot read (same computed_at), with its level event.
func writeGuarded(tx *gorm.DB, rows []record, gone []int64, prev map[int64]record, events map[int64]event) error {
	for _, id := range gone {
		if err := tx.Where("account_id = ? AND computed_at = ?", id, prev[id].ComputedAt).Delete(&record{}).Error; err != nil {
			return err
		}
	}
	for _, r := range rows {
		var q *gorm.DB
		if old, had := prev[r.AccountID]; had {
			q = tx.Model(&record{}).Where("account_id = ? AND computed_at = ?", r.AccountID, old.ComputedAt).
				Select("*").Updates(&r)
		} else {
			// New, unless a write scored it since, or it was churned or deleted since.
			q = tx.Exec(`INSERT INTO account_health (account_id, score, level, neglected, risk_value, reasons,
					computed_at, level_since, flagged_since)
				SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM accounts
					WHERE id = ? AND status = 'active' AND deleted_at IS NULL)
				ON CONFLICT (account_id) DO NOTHING`,
				r.AccountID, r.Score, r.Level, r.Neglected, r.RiskValue, r.Reasons, r.ComputedAt, r.LevelSince,
				r.FlaggedSince, r.AccountID)
		}
		if q.Error != nil {
			return fmt.Errorf("save health of account %d: %w", r.AccountID, q.Error)
		}
		if e, ok := events[r.AccountID]; ok && q.RowsAffected > 0 {
			if err := tx.Create(&e).Error; err != nil {
				return fmt.Errorf("save health event: %w", err)
			}
		}
	}
	return nil
}
