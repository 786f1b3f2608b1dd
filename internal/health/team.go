package health

import (
	"context"
	"fmt"
	"time"
)

// FlaggedAccount is a flagged key account of a team, for the Monday digest.
type FlaggedAccount struct {
	AccountID    int64
	Name         string
	OwnerName    string
	ValueAtRisk  int64 // in the base currency
	FlaggedSince time.Time
}

// TeamFlags are a team's flagged key accounts, worst first: the team of a manager (the
// accounts they or their reports own), or everyone's when teamManagerID is nil.
func (s *Service) TeamFlags(ctx context.Context, teamManagerID *int64) ([]FlaggedAccount, error) {
	q := s.db.Read.WithContext(ctx).Table("account_health h").
		Select("a.id AS account_id, a.name, u.name AS owner_name, (h.risk_value + ?) / ? AS value_at_risk, h.flagged_since",
			MaxScore/2, MaxScore).
		Joins("JOIN accounts a ON a.id = h.account_id AND a.deleted_at IS NULL AND a.status = 'active' AND a.tier = 'key'").
		Joins("JOIN users u ON u.id = a.owner_id").
		Where("h.flagged_since IS NOT NULL")
	if teamManagerID != nil {
		q = q.Where("(u.manager_id = ? OR u.id = ?)", *teamManagerID, *teamManagerID)
	}
	var out []FlaggedAccount
	if err := q.Order("value_at_risk DESC, a.id").Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("team flags: %w", err)
	}
	return out, nil
}
