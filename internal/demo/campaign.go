package demo

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/campaigns"
	"keyhold/internal/staff"
)

// seedCampaign starts the demo's campaign in progress: this year's review visits to
// every key account (年度回访), begun a month ago by the first manager and running four
// more weeks, so the leaders have tasks on their home pages and some are already done
// by the executive visits and greetings the generator logged.
func seedCampaign(ctx context.Context, tx *gorm.DB, now time.Time) error {
	var boss staff.User
	if err := tx.Where("role = ?", staff.RoleManager).Order("id").Take(&boss).Error; err != nil {
		return fmt.Errorf("demo campaign: %w", err)
	}
	day := now.Truncate(24 * time.Hour)
	_, err := campaigns.CreateIn(ctx, tx, boss, campaigns.New{Kind: campaigns.KindAnnualReview,
		Name: fmt.Sprintf("年度回访 %d", day.Year()), From: day.AddDate(0, 0, -32).Format(dateLayout),
		To: day.AddDate(0, 0, 28).Format(dateLayout), Tier: "key"}, day.AddDate(0, 0, -33))
	return err
}
