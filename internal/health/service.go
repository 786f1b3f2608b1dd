package health

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/fault"
	"keyhold/internal/outbox"
	"keyhold/internal/store"
)

// Service keeps each account's health current: after every write that changes it
// (through Refresh, called inside the write's transaction) and in a periodic scan that
// catches what time alone changes.
type Service struct {
	db        *store.DB
	now       func() time.Time
	flagCache *store.Cache[int64, record] // health rows the flag lists read, by account (flagRecords)
}

// New returns a Service.
func New(db *store.DB, now func() time.Time) *Service {
	return &Service{db: db, now: now, flagCache: store.NewCache[int64, record](8192)}
}

// record is one row of account_health.
type record struct {
	AccountID    int64 `gorm:"primaryKey"`
	Score        int
	Level        Level
	Neglected    bool
	RiskValue    int64
	BaseValue    *int64 `gorm:"->"` // read with the flag lists only
	Reasons      string
	ComputedAt   time.Time
	LevelSince   time.Time
	FlaggedSince *time.Time
	Windows      string // the window counts scored (windowsOf); '' before the first score since they were kept
}

func (record) TableName() string { return "account_health" }

type event struct {
	ID        int64
	AccountID int64
	At        time.Time
	FromLevel string
	ToLevel   string
	Score     int
	Neglected bool

	risk int64       // the value at risk after the change
	flag outbox.Kind // account.flagged or account.unflagged when the change did that
}

func (event) TableName() string { return "health_events" }

// flagged: neglected or at risk — what the flag lists show.
func flagged(r Result, neglected bool) bool { return neglected || r.Level == AtRisk }

// Refresh rescores the given accounts inside tx, the transaction of the write that
// changed them. It has the shape of accounts.ChangeHook.
func (s *Service) Refresh(ctx context.Context, tx *gorm.DB, ids ...int64) error {
	return s.update(ctx, tx.WithContext(ctx), ids)
}

// KeepingCounts marks ctx for a write that logs no interaction (a handover moving
// thousands of accounts): rescoring the accounts it changes takes their interaction
// window counts from their stored results, but where an interaction has crossed a
// window's edge since the last scan.
func KeepingCounts(ctx context.Context) context.Context {
	return context.WithValue(ctx, keepCountsKey{}, true)
}

type keepCountsKey struct{}

// refreshChunk bounds the accounts rescored per pass, so that the id lists stay well
// under SQLite's limit of bound variables per statement (a cadence change can touch every
// account of a tier).
const refreshChunk = 5000

func (s *Service) update(ctx context.Context, tx *gorm.DB, ids []int64) error {
	for len(ids) > 0 {
		n := min(len(ids), refreshChunk)
		if err := s.apply(ctx, tx, ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// apply scores the given accounts inside tx, the transaction of a write, and writes
// the results: rows for scored accounts, none for churned or deleted ones, an event for
// each change of level or of the neglected flag.
func (s *Service) apply(ctx context.Context, tx *gorm.DB, ids []int64) error {
	now := s.now().UTC()
	prev, err := loadRecords(tx, ids)
	if err != nil {
		return err
	}
	var subjects map[int64]*subject
	if ctx.Value(keepCountsKey{}) != nil {
		since, _, err := s.countsSince(ctx, tx, now)
		if err != nil {
			return err
		}
		subjects, _, _, err = loadCounted(tx, now, ids, prev, since, nil, false, false)
		if err != nil {
			return err
		}
	} else if subjects, err = loadFacts(tx, now, ids, false); err != nil {
		return err
	}
	p, _, err := plan(subjects, prev, now)
	if err != nil {
		return err
	}
	if len(p.gone) > 0 {
		if err := tx.Where("account_id IN ?", p.gone).Delete(&record{}).Error; err != nil {
			return err
		}
	}
	// Every scored row was computed now: the rows that did not change otherwise get the
	// time in one statement, the others are written whole.
	written := make(map[int64]bool, len(p.rows))
	for _, r := range p.rows {
		written[r.AccountID] = true
	}
	same := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !written[id] {
			same = append(same, id)
		}
	}
	if len(same) > 0 {
		if err := tx.Model(&record{}).Where(store.InIDs("account_id", same)).Update("computed_at", now).Error; err != nil {
			return fmt.Errorf("save health: %w", err)
		}
	}
	if err := saveRecords(ctx, tx, p.rows); err != nil {
		return fmt.Errorf("save health: %w", err)
	}
	return saveEvents(ctx, tx, p.events)
}

// saveRecords writes rows over the stored ones, a few hundred per statement bound
// straight to the transaction's connection: through GORM, reflecting over every field of
// every row was the largest part of rescoring a handover's thousands of accounts.
func saveRecords(ctx context.Context, tx *gorm.DB, rows []record) error {
	for chunk := range slices.Chunk(rows, 300) {
		var q strings.Builder
		q.WriteString("INSERT INTO account_health (" + recordColumns + ") VALUES ")
		args := recordValues(&q, chunk)
		q.WriteString(` ON CONFLICT (account_id) DO UPDATE SET score = excluded.score, level = excluded.level,
			neglected = excluded.neglected, risk_value = excluded.risk_value, reasons = excluded.reasons,
			computed_at = excluded.computed_at, level_since = excluded.level_since, flagged_since = excluded.flagged_since,
			windows = excluded.windows`)
		if _, err := tx.Statement.ConnPool.ExecContext(ctx, q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// recordColumns are account_health's columns in the order recordValues binds them.
const recordColumns = "account_id, score, level, neglected, risk_value, reasons, computed_at, level_since, flagged_since, windows"

// recordValues writes the placeholders of rows onto q, "(?, …), (?, …)", and returns
// their values.
func recordValues(q *strings.Builder, rows []record) []any {
	args := make([]any, 0, len(rows)*10)
	for i, r := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, r.AccountID, r.Score, string(r.Level), r.Neglected, r.RiskValue, r.Reasons, r.ComputedAt,
			r.LevelSince, r.FlaggedSince, r.Windows)
	}
	return args
}

// saveEvents appends level changes, as saveRecords writes rows.
func saveEvents(ctx context.Context, tx *gorm.DB, events []event) error {
	for chunk := range slices.Chunk(events, 500) {
		var q strings.Builder
		q.WriteString("INSERT INTO health_events (account_id, at, from_level, to_level, score, neglected) VALUES ")
		args := make([]any, 0, len(chunk)*6)
		for i, e := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?)")
			args = append(args, e.AccountID, e.At, e.FromLevel, e.ToLevel, e.Score, e.Neglected)
		}
		if _, err := tx.Statement.ConnPool.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("save health events: %w", err)
		}
	}
	return recordFlags(ctx, tx, events)
}

// recordFlags tells the outbox of the accounts that joined or left the flag lists, with
// their names, tiers and owners (one query for them all).
func recordFlags(ctx context.Context, tx *gorm.DB, events []event) error {
	var ids []int64
	for _, e := range events {
		if e.flag != "" {
			ids = append(ids, e.AccountID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var accs []struct {
		ID        int64
		Name      string
		Tier      string
		OwnerID   int64
		OwnerName string
		Base      string
	}
	if err := tx.Table("accounts a").Select("a.id, a.name, a.tier, a.owner_id, u.name AS owner_name, " +
		"(SELECT code FROM currencies WHERE base) AS base").Joins("JOIN users u ON u.id = a.owner_id").
		Where(store.InIDs("a.id", ids)).Scan(&accs).Error; err != nil {
		return err
	}
	byID := make(map[int64]int, len(accs))
	for i, a := range accs {
		byID[a.ID] = i
	}
	flags := map[outbox.Kind][]outbox.Flag{}
	for _, e := range events {
		if e.flag == "" {
			continue
		}
		f := outbox.Flag{AccountID: e.AccountID, Level: e.ToLevel, Score: e.Score, Neglected: e.Neglected,
			ValueAtRisk: (e.risk + MaxScore/2) / MaxScore}
		if i, ok := byID[e.AccountID]; ok {
			a := accs[i]
			f.AccountName, f.Tier, f.OwnerID, f.OwnerName, f.Currency = a.Name, a.Tier, a.OwnerID, a.OwnerName, a.Base
		}
		flags[e.flag] = append(flags[e.flag], f)
	}
	for _, kind := range []outbox.Kind{outbox.AccountFlagged, outbox.AccountUnflagged} {
		if len(flags[kind]) > 0 {
			if err := outbox.RecordAll(ctx, tx, kind, events[0].At, flags[kind]); err != nil {
				return err
			}
		}
	}
	return nil
}

// loadRecords reads the stored results of the accounts (all when ids is nil), row by row:
// a full scan reads every one, too many to go through reflection.
func loadRecords(db *gorm.DB, ids []int64) (map[int64]record, error) {
	query, args := recordSQL, []any(nil)
	if ids != nil {
		query, args = query+" WHERE ?", []any{store.InIDs("account_id", ids)}
	}
	prev := make(map[int64]record, len(ids))
	err := eachRow(db, query, args, func(rows *sql.Rows) error {
		var r record
		var flagged sql.NullTime
		if err := rows.Scan(&r.AccountID, &r.Score, &r.Level, &r.Neglected, &r.RiskValue, &r.Reasons, &r.ComputedAt,
			&r.LevelSince, &flagged, &r.Windows); err != nil {
			return err
		}
		if flagged.Valid {
			r.FlaggedSince = &flagged.Time
		}
		prev[r.AccountID] = r
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load health: %w", err)
	}
	return prev, nil
}

const recordSQL = `SELECT ` + recordColumns + ` FROM account_health`

// changes are what scoring found against the stored results: rows to write (new or
// different), rows to drop (churned or deleted accounts) and the events of level changes.
type changes struct {
	rows   []record
	gone   []int64
	events []event
}

// plan scores the subjects and compares them with the stored results.
func plan(subjects map[int64]*subject, prev map[int64]record, now time.Time) (changes, ScanResult, error) {
	var res ScanResult
	var p changes
	for id := range prev {
		if sub, ok := subjects[id]; !ok || sub.Facts.Churned {
			p.gone = append(p.gone, id)
		}
	}
	for id, sub := range subjects {
		r, ok := Score(sub.Facts, now)
		if !ok {
			continue
		}
		res.Accounts++
		neglected := Neglected(sub.Facts, now)
		reasons, err := json.Marshal(r.Reasons)
		if err != nil {
			return p, res, err
		}
		rec := record{AccountID: id, Score: r.Score, Level: r.Level, Neglected: neglected,
			RiskValue: int64(MaxScore-r.Score) * sub.AnnualValue, Reasons: string(reasons), ComputedAt: now,
			LevelSince: now, Windows: windowsOf(&sub.Facts)}
		old, had := prev[id]
		if had {
			rec.LevelSince, rec.FlaggedSince = old.LevelSince, old.FlaggedSince
		}
		switch {
		case flagged(r, neglected) && rec.FlaggedSince == nil:
			rec.FlaggedSince = &now
		case !flagged(r, neglected):
			rec.FlaggedSince = nil
		}
		if !had || old.Level != rec.Level || old.Neglected != neglected {
			res.Changed++
			from := ""
			if had {
				from = string(old.Level)
			}
			if !had || old.Level != rec.Level {
				rec.LevelSince = now
			}
			e := event{AccountID: id, At: now, FromLevel: from, ToLevel: string(rec.Level), Score: rec.Score,
				Neglected: neglected, risk: rec.RiskValue}
			switch was := had && old.FlaggedSince != nil; {
			case !was && rec.FlaggedSince != nil:
				e.flag = outbox.AccountFlagged
			case was && rec.FlaggedSince == nil:
				e.flag = outbox.AccountUnflagged
			}
			p.events = append(p.events, e)
		}
		if rec.FlaggedSince != nil {
			res.Flagged++
		}
		if had && rec.sameAs(old) {
			continue
		}
		p.rows = append(p.rows, rec)
	}
	return p, res, nil
}

// sameAs reports whether r stores what o stores, apart from computed_at.
func (r record) sameAs(o record) bool {
	return r.Windows == o.Windows && r.Score == o.Score && r.Level == o.Level && r.Neglected == o.Neglected && r.RiskValue == o.RiskValue &&
		r.Reasons == o.Reasons && r.LevelSince.Equal(o.LevelSince) &&
		(r.FlaggedSince == nil) == (o.FlaggedSince == nil) &&
		(r.FlaggedSince == nil || r.FlaggedSince.Equal(*o.FlaggedSince))
}

// Report is an account's stored health, as the API shows it.
type Report struct {
	AccountID    int64      `json:"-"`
	Score        int        `json:"score"`
	Level        Level      `json:"level"`
	Neglected    bool       `json:"neglected"`
	Reasons      []Reason   `json:"reasons"`
	ComputedAt   time.Time  `json:"computed_at"`
	LevelSince   time.Time  `json:"level_since"`
	FlaggedSince *time.Time `json:"flagged_since"`
}

// report is the stored result as the API shows it; computed_at is when the score was
// last computed or confirmed: the later of the row's last write and the last full scan
// (which confirms every score but rewrites only those that changed).
func (r record) report(scanned time.Time) (Report, error) {
	out := Report{AccountID: r.AccountID, Score: r.Score, Level: r.Level, Neglected: r.Neglected,
		ComputedAt: r.ComputedAt, LevelSince: r.LevelSince, FlaggedSince: r.FlaggedSince}
	if scanned.After(out.ComputedAt) {
		out.ComputedAt = scanned
	}
	reasons, err := parsedReasons(r.Reasons)
	if err != nil {
		return Report{}, fmt.Errorf("health of account %d: %w", r.AccountID, err)
	}
	out.Reasons = reasons
	return out, nil
}

// The flag lists show the same stored reasons again and again until an account is
// rescored; decoding them was an eighth of a flag list's time. Decoded reasons are kept
// by their stored text (the cache cannot go stale: other text is another entry), each
// caller getting its own copy of the list; the reasons' data maps are shared and only
// read.
var reasonCache struct {
	sync.Mutex
	m map[string][]Reason
}

// maxReasonCache bounds the cache (it starts again when full): the flagged accounts and
// the pages people open fit many times over.
const maxReasonCache = 8192

func parsedReasons(text string) ([]Reason, error) {
	reasonCache.Lock()
	cached, ok := reasonCache.m[text]
	reasonCache.Unlock()
	if ok {
		return slices.Clone(cached), nil
	}
	var rs []Reason
	if err := json.Unmarshal([]byte(text), &rs); err != nil {
		return nil, err
	}
	if rs == nil {
		rs = []Reason{}
	}
	reasonCache.Lock()
	if reasonCache.m == nil || len(reasonCache.m) >= maxReasonCache {
		reasonCache.m = make(map[string][]Reason, 1024)
	}
	reasonCache.m[text] = rs
	reasonCache.Unlock()
	return slices.Clone(rs), nil
}

// ErrNotScored is returned for an account that is not scored (churned).
var ErrNotScored = fault.Conflict("churned accounts are not scored", nil)

// Get returns an account's health. An account not yet scored (before the first scan
// after an upgrade) is scored on the spot, without storing the result.
func (s *Service) Get(ctx context.Context, accountID int64) (Report, error) {
	db := s.db.Read.WithContext(ctx)
	var r record
	err := db.Take(&r, "account_id = ?", accountID).Error
	if err == nil {
		scanned, err := s.scannedAt(ctx)
		if err != nil {
			return Report{}, err
		}
		return r.report(scanned)
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return Report{}, err
	}
	now := s.now().UTC()
	subjects, err := loadFacts(db, now, []int64{accountID}, false)
	if err != nil {
		return Report{}, err
	}
	sub, ok := subjects[accountID]
	if !ok {
		return Report{}, fault.NotFound("account", accountID)
	}
	res, ok := Score(sub.Facts, now)
	if !ok {
		return Report{}, ErrNotScored
	}
	return Report{AccountID: accountID, Score: res.Score, Level: res.Level, Neglected: Neglected(sub.Facts, now),
		Reasons: res.Reasons, ComputedAt: now, LevelSince: now}, nil
}
