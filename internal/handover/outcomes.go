package handover

import (
	"context"
	"fmt"
	"sort"
	"time"

	"keyhold/internal/staff"
	"keyhold/internal/store"
)

// SuccessorOutcome is, across all completed handovers, how the accounts one successor
// took over fared: lost within 90 and 180 days of the handover, or not (yet).
type SuccessorOutcome struct {
	UserID     int64   `json:"user_id"`
	Name       string  `json:"name"`
	Accounts   int     `json:"accounts"`    // accounts they took over as owner
	Churned90  int     `json:"churned_90"`  // lost within 90 days of the handover
	Churned180 int     `json:"churned_180"` // lost within 180 days
	Pending180 int     `json:"pending_180"` // handed over less than 180 days ago and not lost
	ChurnRate  float64 `json:"churn_rate_180"`
}

// Outcomes reports churn after handovers by successor (PRODUCT.md, "Reports"), the
// successors who lost the most first. Managers and admins only.
func (s *Service) Outcomes(ctx context.Context, actor staff.User) ([]SuccessorOutcome, error) {
	if err := RequireManager(actor); err != nil {
		return nil, err
	}
	var rows []struct {
		UserID      int64
		Name        string
		CompletedAt time.Time
		ChurnedOn   *string
	}
	// One row per owned account handed over, with its first loss after the handover.
	err := s.db.Read.WithContext(ctx).Raw(`SELECT i.to_user_id AS user_id, u.name, h.completed_at,
			(SELECT MIN(c.churned_on) FROM churn_records c WHERE c.account_id = i.account_id
			 AND c.churned_on >= ` + store.DateOf(s.db.Read, "h.completed_at") + `) AS churned_on
		FROM handover_items i
		JOIN handovers h ON h.id = i.handover_id AND h.status = 'completed'
		JOIN users u ON u.id = i.to_user_id
		WHERE i.role = 'owner' AND i.status = 'done'`).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("handover outcomes: %w", err)
	}
	now := s.now().UTC()
	by := map[int64]*SuccessorOutcome{}
	for _, r := range rows {
		o := by[r.UserID]
		if o == nil {
			o = &SuccessorOutcome{UserID: r.UserID, Name: r.Name}
			by[r.UserID] = o
		}
		o.Accounts++
		done := r.CompletedAt.UTC()
		var lost *time.Time
		if r.ChurnedOn != nil {
			if t, err := time.Parse("2006-01-02", *r.ChurnedOn); err == nil {
				lost = &t
			}
		}
		within := func(days int) bool { return lost != nil && !lost.After(done.AddDate(0, 0, days)) }
		switch {
		case within(90):
			o.Churned90++
			o.Churned180++
		case within(180):
			o.Churned180++
		case now.Before(done.AddDate(0, 0, 180)):
			o.Pending180++
		}
	}
	out := make([]SuccessorOutcome, 0, len(by))
	for _, o := range by {
		if o.Accounts > 0 {
			o.ChurnRate = float64(o.Churned180) / float64(o.Accounts)
		}
		out = append(out, *o)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Churned180 != out[j].Churned180 {
			return out[i].Churned180 > out[j].Churned180
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}
