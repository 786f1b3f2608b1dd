package handover

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"keyhold/internal/health"
)

// FirstContactDue is an account handed over whose new owner has not contacted it within
// the days the rules give (a week for a key account, two otherwise).
type FirstContactDue struct {
	AccountID     int64
	Name          string
	SuccessorName string
	DaysOverdue   int
}

// OverdueFirstContacts lists, most overdue first, the accounts handed over in the last
// 90 days whose new owner has made no contact since, past the rules' days: of a
// manager's team (the successor reports to them, or is them), or everyone's when
// teamManagerID is nil.
func (s *Service) OverdueFirstContacts(ctx context.Context, teamManagerID *int64) ([]FirstContactDue, error) {
	now := s.now().UTC()
	q := s.db.Read.WithContext(ctx).Table("handover_items i").
		Select("i.account_id, a.name, a.tier, u.name AS successor_name, h.completed_at").
		Joins("JOIN handovers h ON h.id = i.handover_id AND h.status = ? AND h.completed_at >= ?", Completed,
			now.AddDate(0, 0, -health.HandoverFollowDays)).
		Joins("JOIN accounts a ON a.id = i.account_id AND a.deleted_at IS NULL AND a.status = 'active' AND a.owner_id = i.to_user_id").
		Joins("JOIN users u ON u.id = i.to_user_id").
		Where("i.role = 'owner' AND i.status = 'done'").
		Where(`NOT EXISTS (SELECT 1 FROM interactions x WHERE x.account_id = i.account_id AND x.kind <> 'note'
			AND x.occurred_at >= h.completed_at AND (x.author_id = i.to_user_id OR EXISTS (SELECT 1 FROM interaction_participants p
			WHERE p.interaction_id = x.id AND p.user_id = i.to_user_id)))`)
	if teamManagerID != nil {
		q = q.Where("(u.manager_id = ? OR u.id = ?)", *teamManagerID, *teamManagerID)
	}
	var rows []struct {
		AccountID     int64
		Name          string
		Tier          string
		SuccessorName string
		CompletedAt   time.Time
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("overdue first contacts: %w", err)
	}
	var out []FirstContactDue
	for _, r := range rows {
		due := r.CompletedAt.AddDate(0, 0, health.FirstContactDays(r.Tier == "key"))
		if now.After(due) {
			out = append(out, FirstContactDue{AccountID: r.AccountID, Name: r.Name, SuccessorName: r.SuccessorName,
				DaysOverdue: int(now.Sub(due).Hours() / 24)})
		}
	}
	slices.SortFunc(out, func(a, b FirstContactDue) int { return cmp.Compare(b.DaysOverdue, a.DaysOverdue) })
	return out, nil
}
