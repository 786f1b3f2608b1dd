package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"
)

// lossAccount is an account as the losses and complaints are made up for it.
type lossAccount struct {
	ID            int64
	Tier          string
	CustomerSince string
	AnnualValue   int64
	Currency      string
	OwnerID       int64
	Name          string
	Size          string
}

// What losses are made of: reasons (the common ones more often), competitors, notes by
// whether the customer chose to leave.
var (
	lossReasons = []string{"price", "price", "price", "service", "service", "competitor", "competitor", "quality",
		"staff_departure", "staff_departure", "business_closed", "relocation", "merger", "other"}
	lossCompetitors = []string{"Acme Freight", "顺丰供应链", "Northstar CRM", "华信科技", "BlueOcean Systems"}
	lossNotes       = map[bool][]string{
		true:  {"客户认为价格偏高，对方报价低 12%。", "Exit interview: response times slipped after our rep left.", "采购负责人换人，新负责人更倾向原供应商。", "They felt nobody followed up on the Q3 complaint."},
		false: {"客户公司已停业。", "Acquired by a group with a global contract elsewhere.", "客户迁往海外，不再需要本地服务。"},
	}
)

// seedLoss records a loss of the account in the last two years (after it became a customer),
// a quarter of them won back since, with their audit entries.
func seedLoss(tx *gorm.DB, now time.Time, r *rand.Rand, a lossAccount, since time.Time) error {
	day := 24 * time.Hour
	reason := lossReasons[r.IntN(len(lossReasons))]
	voluntary := reason != "business_closed" && reason != "relocation" && reason != "merger"
	lost := now.Add(-time.Duration(5+r.IntN(725)) * day).Truncate(day)
	if lost.Before(since) {
		lost = since.Add(30 * day)
		if lost.After(now) {
			return nil
		}
	}
	competitor := ""
	if reason == "competitor" {
		competitor = lossCompetitors[r.IntN(len(lossCompetitors))]
	}
	note := lossNotes[voluntary][r.IntN(len(lossNotes[voluntary]))]
	var back *string
	if r.IntN(4) == 0 && now.Sub(lost) > 40*day {
		b := lost.Add(time.Duration(20+r.IntN(int(now.Sub(lost)/day)-20)) * day).Format(dateLayout)
		back = &b
	}
	if err := tx.Exec(`INSERT INTO churn_records (account_id, churned_on, reason, voluntary, competitor, notes,
		annual_value, currency, recorded_by, created_at, reactivated_on, reactivated_by, reactivation_note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, lost.Format(dateLayout), reason, voluntary, competitor, note,
		a.AnnualValue, a.Currency, a.OwnerID, lost, back, ownerIf(back, a.OwnerID), winBackNote(back)).Error; err != nil {
		return fmt.Errorf("demo churn: %w", err)
	}
	if err := audit(tx, a.OwnerID, "account.churn", a.ID, reason, lost); err != nil {
		return err
	}
	if back != nil {
		backAt, _ := time.Parse(dateLayout, *back)
		return audit(tx, a.OwnerID, "account.reactivate", a.ID, "Won back after a price review", backAt)
	}
	return tx.Exec("UPDATE accounts SET status = 'churned', churned_at = ? WHERE id = ?", lost, a.ID).Error
}

// seedComplaint opens a complaint on the account in the last 40 days, half of them
// resolved since.
func seedComplaint(tx *gorm.DB, now time.Time, r *rand.Rand, a lossAccount) error {
	day := 24 * time.Hour
	opened := now.Add(-time.Duration(1+r.IntN(40)) * day)
	status, resolution := "open", ""
	var resolved *time.Time
	if r.IntN(2) == 0 {
		t := opened.Add(time.Duration(1+r.IntN(6)) * day)
		if t.Before(now) {
			status, resolution, resolved = "resolved", "已安排专人跟进并补发货物。", &t
		}
	}
	severity := []string{"low", "medium", "high"}[r.IntN(3)]
	summary := []string{"发货延迟两周，影响客户产线。", "Invoice errors three months in a row.", "售后响应慢，工单超过 48 小时未处理。", "Quality issue on the last batch."}[r.IntN(4)]
	if err := tx.Exec(`INSERT INTO complaints (account_id, severity, summary, status, resolution, opened_at, resolved_at,
		author_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, severity, summary, status,
		resolution, opened, resolved, a.OwnerID, opened, opened).Error; err != nil {
		return fmt.Errorf("demo complaint: %w", err)
	}
	return nil
}

// demoChurn is the demo's annual churn by size: the large customers lost at half again
// the top of their benchmark band (6–10%), so the churn trend has a segment above normal
// to show; mid-sized ones inside theirs; small ones well below theirs (31–58%), as a
// key-account business that looks after even its small customers might.
var demoChurn = map[string]float64{"large": 0.15, "mid": 0.13, "small": 0.09}

// seedLosses gives the demo two years of retention history, so the reports and the
// churn trend have something to say: each account lost with its size's chance a year
// (demoChurn; a quarter of those won back), and a few complaints, some resolved and
// some open for weeks. It works on the rows the generator wrote, inside the same
// transaction.
func seedLosses(tx *gorm.DB, now time.Time, r *rand.Rand) error {
	var accts []lossAccount
	if err := tx.Raw("SELECT id, tier, customer_since, annual_value, currency, owner_id, name, size FROM accounts ORDER BY id").
		Scan(&accts).Error; err != nil {
		return err
	}
	for _, a := range accts {
		since, err := time.Parse(dateLayout, a.CustomerSince)
		if err != nil {
			continue
		}
		twoYears := 1 - (1-demoChurn[a.Size])*(1-demoChurn[a.Size])
		switch {
		case r.Float64() < twoYears:
			if err := seedLoss(tx, now, r, a, since); err != nil {
				return err
			}
		case r.IntN(25) == 0:
			if err := seedComplaint(tx, now, r, a); err != nil {
				return err
			}
		}
	}
	return nil
}

const dateLayout = "2006-01-02"

func ownerIf(back *string, owner int64) any {
	if back == nil {
		return nil
	}
	return owner
}

func winBackNote(back *string) string {
	if back == nil {
		return ""
	}
	return "Won back after a price review"
}

func audit(tx *gorm.DB, actor int64, action string, accountID int64, reason string, at time.Time) error {
	return tx.Exec(`INSERT INTO audit_entries (at, actor_id, action, entity, entity_id, account_id, reason)
		VALUES (?, ?, ?, 'account', ?, ?, ?)`, at, actor, action, accountID, accountID, reason).Error
}
