package accounts

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/audit"
	"keyhold/internal/fault"
	"keyhold/internal/opt"
	"keyhold/internal/staff"
)

// DefaultCadence is the contact interval in days for each tier until an admin changes it:
// key accounts every two weeks, growth monthly, standard quarterly. The first migration
// stores these in cadence_policies.
var DefaultCadence = map[Tier]int{TierKey: 14, TierGrowth: 30, TierStandard: 90}

// Policy is the contact cadence of one tier, and its visit cadence.
type Policy struct {
	Tier         Tier `json:"tier"`
	IntervalDays int  `json:"interval_days"`
	// VisitDays is how often the tier's accounts are visited (a visit, a meeting or an
	// executive visit); null when the tier has no visit cadence (migration 0030).
	VisitDays *int      `json:"visit_days"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName is the policy table.
func (Policy) TableName() string { return "cadence_policies" }

// cadence maps a tier to its interval; tiers missing from the table use the defaults.
type cadence map[Tier]int

func (c cadence) of(t Tier) int {
	if d, ok := c[t]; ok {
		return d
	}
	if d, ok := DefaultCadence[t]; ok {
		return d
	}
	return DefaultCadence[TierStandard]
}

func loadCadence(db *gorm.DB) (cadence, error) {
	var ps []Policy
	if err := db.Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("load cadence policies: %w", err)
	}
	c := cadence{}
	for _, p := range ps {
		c[p.Tier] = p.IntervalDays
	}
	return c, nil
}

// Policies lists the cadence of every tier, key first.
func (s *Service) Policies(ctx context.Context) ([]Policy, error) {
	c, err := loadCadence(s.db.Read.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	out := make([]Policy, 0, len(Tiers))
	var ps []Policy
	if err := s.db.Read.WithContext(ctx).Find(&ps).Error; err != nil {
		return nil, err
	}
	stored := map[Tier]Policy{}
	for _, p := range ps {
		stored[p.Tier] = p
	}
	for _, t := range Tiers {
		out = append(out, Policy{Tier: t, IntervalDays: c.of(t), VisitDays: stored[t].VisitDays, UpdatedAt: stored[t].UpdatedAt})
	}
	return out, nil
}

// SetPolicy changes a tier's cadence, and its visit cadence when visit is set (null: none)
// (admins only). Every account of the tier without an override gets its next due date
// from the new cadence at once, in the same transaction.
func (s *Service) SetPolicy(ctx context.Context, actor staff.User, tier Tier, days int, visit opt.Field[int]) (Policy, error) {
	if !actor.IsAdmin() {
		return Policy{}, fault.Forbidden("only admins change cadence policies")
	}
	if !tier.Valid() {
		return Policy{}, fault.NotFound("tier", tier)
	}
	bad := fault.Collect{}
	if days < 1 || days > 365 {
		bad.Add("interval_days", "must be between 1 and 365")
	}
	if visit.Set && !visit.Null && (visit.Value < 1 || visit.Value > MaxVisitDays) {
		bad.Add("visit_days", "must be between 1 and 730, or null for none")
	}
	if err := bad.Err(); err != nil {
		return Policy{}, err
	}
	now := s.now().UTC()
	p := Policy{Tier: tier, IntervalDays: days, UpdatedAt: now}
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := loadCadence(tx)
		if err != nil {
			return err
		}
		var was Policy
		if err := tx.Where("tier = ?", tier).Limit(1).Find(&was).Error; err != nil {
			return err
		}
		p.VisitDays = was.VisitDays
		if visit.Set {
			p.VisitDays = nil
			if !visit.Null {
				p.VisitDays = &visit.Value
			}
		}
		if err := tx.Exec(`INSERT INTO cadence_policies (tier, interval_days, visit_days, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (tier) DO UPDATE SET interval_days = excluded.interval_days, visit_days = excluded.visit_days,
				updated_at = excluded.updated_at`,
			tier, days, p.VisitDays, now).Error; err != nil {
			return err
		}
		ids, err := s.redue(tx, tier, days)
		if err != nil {
			return err
		}
		if visit.Set { // every account of the tier is rescored, its own contact cadence or not
			if err := tx.Model(&Account{}).Where("tier = ?", tier).Pluck("id", &ids).Error; err != nil {
				return err
			}
		}
		if err := audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "cadence.update",
			Entity: "cadence_policy", EntityID: int64(days)},
			map[string]any{"tier": tier, "interval_days": before.of(tier), "visit_days": was.VisitDays},
			map[string]any{"tier": tier, "interval_days": days, "visit_days": p.VisitDays}); err != nil {
			return err
		}
		return s.changed(ctx, tx, ids...)
	})
	if err != nil {
		return Policy{}, fmt.Errorf("set cadence of %s: %w", tier, err)
	}
	return p, nil
}

// redue recomputes next_contact_due for the tier's accounts that follow the policy and
// returns their ids. Dates are computed here rather than in SQL, so that the stored form
// of a time is the driver's, whatever the database.
func (s *Service) redue(tx *gorm.DB, tier Tier, days int) ([]int64, error) {
	var rows []struct {
		ID              int64
		LastContactedAt *time.Time
	}
	if err := tx.Model(&Account{}).Select("id, last_contacted_at").
		Where("tier = ? AND cadence_days IS NULL", tier).Find(&rows).Error; err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ID)
		if r.LastContactedAt == nil {
			continue
		}
		if err := tx.Exec("UPDATE accounts SET next_contact_due = ? WHERE id = ?", *DueAfter(r.LastContactedAt, days), r.ID).Error; err != nil {
			return nil, err
		}
	}
	return ids, nil
}
