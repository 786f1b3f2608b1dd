package demo

import (
	"fmt"

	"gorm.io/gorm"
)

// sloppyRep is the demo's rep who keeps poor records, so the scorecard has someone to
// rank last: most of his contacts lack a title (a third a phone as well), half his
// accounts no known decision maker, two in five of his interactions say next to nothing
// and two in three set no next step.
const sloppyRep = "michael.tan" + emailDomain

func seedSloppyRecords(tx *gorm.DB) error {
	var id int64
	if err := tx.Raw("SELECT id FROM users WHERE email = ?", sloppyRep).Scan(&id).Error; err != nil || id == 0 {
		return err // a dataset without him has nobody to make sloppy
	}
	owned := "account_id IN (SELECT id FROM accounts WHERE owner_id = ?)"
	for _, q := range []string{
		"UPDATE contacts SET title = '', phone = CASE WHEN id % 3 = 0 THEN '' ELSE phone END WHERE id % 5 <> 0 AND " + owned,
		"UPDATE contacts SET decision_maker = FALSE WHERE account_id % 2 = 0 AND " + owned,
	} {
		if err := tx.Exec(q, id).Error; err != nil {
			return fmt.Errorf("demo records: %w", err)
		}
	}
	for _, q := range []string{
		"UPDATE interactions SET summary = CASE WHEN id % 2 = 0 THEN '电话' ELSE 'ok' END WHERE id % 5 < 2 AND kind <> 'note' AND author_id = ?",
		"UPDATE interactions SET next_step = '', next_step_due = NULL WHERE id % 3 <> 0 AND author_id = ?",
	} {
		if err := tx.Exec(q, id).Error; err != nil {
			return fmt.Errorf("demo records: %w", err)
		}
	}
	return nil
}
