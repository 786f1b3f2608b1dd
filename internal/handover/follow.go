package handover

import (
	"time"

	"gorm.io/gorm"

	"keyhold/internal/store"
)

// Outcomes of an item at 30, 60 and 90 days after completion.
const (
	OutcomePending  = "pending"
	OutcomeRetained = "retained"
	OutcomeChurned  = "churned"
)

// FollowDays are the checkpoints after completion.
var FollowDays = []int{30, 60, 90}

// followThrough computes, for a completed handover's items, the successor's first
// contact after completion and the account's outcome at each checkpoint: churned when the
// account was lost within that many days of completion, retained once that many days have
// passed without a loss, pending before then.
func (s *Service) followThrough(db *gorm.DB, h Handover, items []Item) (map[int64]FollowThrough, error) {
	out := map[int64]FollowThrough{}
	if h.Status != Completed || h.CompletedAt == nil || len(items) == 0 {
		return out, nil
	}
	done := *h.CompletedAt
	ids := make([]int64, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.AccountID)
	}
	// First contact by each person on each account since completion, author or participant.
	var firsts []struct {
		AccountID int64
		UserID    int64
		First     store.AggTime
	}
	err := db.Raw(`SELECT account_id, user_id, MIN(occurred_at) AS first FROM (
			SELECT i.account_id, i.author_id AS user_id, i.occurred_at FROM interactions i
			WHERE ? AND i.kind <> 'note' AND i.occurred_at >= ?
			UNION ALL
			SELECT i.account_id, p.user_id, i.occurred_at FROM interactions i
			JOIN interaction_participants p ON p.interaction_id = i.id
			WHERE ? AND i.kind <> 'note' AND i.occurred_at >= ?
		) touches GROUP BY account_id, user_id`, store.InIDs("i.account_id", ids), done, store.InIDs("i.account_id", ids), done).Scan(&firsts).Error
	if err != nil {
		return nil, err
	}
	first := map[[2]int64]time.Time{}
	for _, f := range firsts {
		if f.First.Valid {
			first[[2]int64{f.AccountID, f.UserID}] = f.First.Time
		}
	}
	var churns []struct {
		ID        int64
		ChurnedAt *time.Time
	}
	if err := db.Table("accounts").Select("id, churned_at").Where("? AND status = 'churned'", store.InIDs("id", ids)).
		Scan(&churns).Error; err != nil {
		return nil, err
	}
	churned := map[int64]time.Time{}
	for _, c := range churns {
		if c.ChurnedAt != nil {
			churned[c.ID] = *c.ChurnedAt
		}
	}
	now := s.now().UTC()
	for _, it := range items {
		var ft FollowThrough
		if it.ToUserID != nil && !it.Skipped() {
			if t, ok := first[[2]int64{it.AccountID, *it.ToUserID}]; ok {
				ft.SuccessorFirstContactAt = &t
				days := int(t.Sub(done).Hours() / 24)
				ft.DaysToFirstContact = &days
			}
		}
		outcome := func(n int) string {
			at := done.AddDate(0, 0, n)
			if c, ok := churned[it.AccountID]; ok && !c.After(at) && !c.Before(done) {
				return OutcomeChurned
			}
			if now.Before(at) {
				return OutcomePending
			}
			return OutcomeRetained
		}
		ft.Outcome30, ft.Outcome60, ft.Outcome90 = outcome(30), outcome(60), outcome(90)
		out[it.ID] = ft
	}
	return out, nil
}
