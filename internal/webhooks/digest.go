package webhooks

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/chat"
	"keyhold/internal/handover"
	"keyhold/internal/health"
	"keyhold/internal/outbox"
)

// The Monday digest: at 08:00 on Monday in the organisation's time zone, each chat target
// that asked for it hears of its team's week — key accounts newly flagged, the value at
// risk on all of them, and handed-over accounts still waiting for their new owner's first
// contact. One digest event per team is recorded, once a week, whichever process gets
// there first.

// DigestHour is the hour on Monday the digest goes out.
const DigestHour = 8

const digestWeekKey = "digest_week"

// Digests builds the week's digests from the health and handover services.
type Digests struct {
	Hooks    *Service
	Health   *health.Service
	Handover *handover.Service
	Zone     *time.Location // the organisation's time zone
}

// Due answers the week a digest is due for at now ("2026-W49"), or "" outside Monday
// from DigestHour on.
func (d Digests) Due(now time.Time) string {
	local := now.In(d.Zone)
	if local.Weekday() != time.Monday || local.Hour() < DigestHour {
		return ""
	}
	y, w := local.ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// Run records the week's digests if they are due and not yet recorded; it answers how
// many it recorded.
func (d Digests) Run(ctx context.Context) (int, error) {
	s := d.Hooks
	now := s.now().UTC()
	week := d.Due(now)
	if week == "" {
		return 0, nil
	}
	if done, err := s.db.Setting(ctx, digestWeekKey); err != nil || done == week {
		return 0, err
	}
	var targets []ChatTarget
	if err := s.db.Read.WithContext(ctx).Where("active = TRUE").Find(&targets).Error; err != nil {
		return 0, err
	}
	var teams []*int64
	for _, t := range targets {
		if t.Wants(Digest) && !slices.ContainsFunc(teams, func(m *int64) bool { return sameTeam(m, t.TeamManagerID) }) {
			teams = append(teams, t.TeamManagerID)
		}
	}
	var digests []chat.Digest
	for _, team := range teams {
		dg, err := d.build(ctx, team, now)
		if err != nil {
			return 0, err
		}
		digests = append(digests, dg)
	}
	recorded := 0
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var done []string
		if err := tx.Table("settings").Where("key = ?", digestWeekKey).Pluck("value", &done).Error; err != nil {
			return err
		}
		if len(done) > 0 && done[0] == week {
			return nil // another process was first
		}
		if len(digests) > 0 {
			if err := outbox.RecordAll(ctx, tx, Digest, now, digests); err != nil {
				return err
			}
		}
		recorded = len(digests)
		return tx.Exec(`INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, digestWeekKey, week).Error
	})
	if err != nil {
		return 0, fmt.Errorf("weekly digest: %w", err)
	}
	return recorded, nil
}

func sameTeam(a, b *int64) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

// build makes one team's digest at now.
func (d Digests) build(ctx context.Context, team *int64, now time.Time) (chat.Digest, error) {
	db := d.Hooks.db.Read.WithContext(ctx)
	since := now.AddDate(0, 0, -7)
	dg := chat.Digest{TeamManagerID: team, Since: since.In(d.Zone).Format(time.DateOnly),
		NewlyNeglected: []chat.DigestAccount{}, FirstContacts: []chat.FirstContact{}}
	if team != nil {
		if err := db.Table("users").Where("id = ?", *team).Pluck("name", &dg.TeamName).Error; err != nil {
			return dg, err
		}
	}
	var base []string
	if err := db.Table("currencies").Where("base").Pluck("code", &base).Error; err != nil {
		return dg, err
	}
	if len(base) > 0 {
		dg.Currency = base[0]
	}
	flags, err := d.Health.TeamFlags(ctx, team)
	if err != nil {
		return dg, err
	}
	dg.NeglectedCount = len(flags)
	for _, f := range flags {
		dg.ValueAtRisk += f.ValueAtRisk
		if !f.FlaggedSince.Before(since) {
			dg.NewlyNeglected = append(dg.NewlyNeglected, chat.DigestAccount{AccountID: f.AccountID, Name: f.Name,
				OwnerName: f.OwnerName, ValueAtRisk: f.ValueAtRisk})
		}
	}
	firsts, err := d.Handover.OverdueFirstContacts(ctx, team)
	if err != nil {
		return dg, err
	}
	dg.FirstContactsOf = len(firsts)
	for _, f := range firsts {
		dg.FirstContacts = append(dg.FirstContacts, chat.FirstContact{AccountID: f.AccountID, Name: f.Name,
			SuccessorName: f.SuccessorName, DaysOverdue: f.DaysOverdue})
	}
	return dg, nil
}
