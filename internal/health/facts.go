package health

import (
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// subject is one account as the scan sees it: its facts, and what the stored result needs.
type subject struct {
	ID          int64
	AnnualValue int64
	Facts       Facts
}

// loadFacts fills the facts of the live accounts with the given ids (all live accounts
// when ids is nil) with one query per kind of fact, whatever the number of accounts.
func loadFacts(db *gorm.DB, now time.Time, ids []int64) (map[int64]*subject, error) {
	now = now.UTC()
	ago := func(days int) time.Time { return now.AddDate(0, 0, -days) }
	scope := func(col string) (string, []any) {
		if ids == nil {
			return "", nil
		}
		return " AND " + col + " IN ?", []any{ids}
	}

	var accts []struct {
		ID              int64
		Tier            string
		Status          string
		CadenceDays     *int
		LastContactedAt *time.Time
		RenewalDate     *string
		AnnualValue     int64
		OwnerStatus     *string
	}
	where, args := scope("a.id")
	err := db.Raw(`SELECT a.id, a.tier, a.status, a.cadence_days, a.last_contacted_at, a.renewal_date,
			a.annual_value, u.status AS owner_status
		FROM accounts a LEFT JOIN users u ON u.id = a.owner_id
		WHERE a.deleted_at IS NULL`+where, args...).Scan(&accts).Error
	if err != nil {
		return nil, fmt.Errorf("health facts: accounts: %w", err)
	}
	var policies []struct {
		Tier         string
		IntervalDays int
	}
	if err := db.Raw("SELECT tier, interval_days FROM cadence_policies").Scan(&policies).Error; err != nil {
		return nil, fmt.Errorf("health facts: cadence: %w", err)
	}
	cadence := map[string]int{"key": 14, "growth": 30, "standard": 90}
	for _, p := range policies {
		cadence[p.Tier] = p.IntervalDays
	}

	out := make(map[int64]*subject, len(accts))
	for _, a := range accts {
		f := Facts{Key: a.Tier == "key", Churned: a.Status == "churned", CadenceDays: cadence[a.Tier],
			LastContactAt: a.LastContactedAt}
		if a.CadenceDays != nil {
			f.CadenceDays = *a.CadenceDays
		}
		if a.OwnerStatus != nil {
			f.OwnerStatus = *a.OwnerStatus
			f.OwnerActive = *a.OwnerStatus == "active"
		}
		if a.RenewalDate != nil {
			if d, err := time.Parse("2006-01-02", *a.RenewalDate); err == nil {
				f.RenewalDate = &d
			}
		}
		out[a.ID] = &subject{ID: a.ID, AnnualValue: a.AnnualValue, Facts: f}
	}
	if len(out) == 0 {
		return out, nil
	}

	type count struct {
		AccountID int64
		N         int
	}
	counts := func(what, query string, args []any, set func(*Facts, int)) error {
		var rows []count
		if err := db.Raw(query, args...).Scan(&rows).Error; err != nil {
			return fmt.Errorf("health facts: %s: %w", what, err)
		}
		for _, r := range rows {
			if s, ok := out[r.AccountID]; ok {
				set(&s.Facts, r.N)
			}
		}
		return nil
	}

	where, args = scope("t.account_id")
	if err := counts("team", `SELECT t.account_id, COUNT(*) AS n FROM account_team t
		JOIN users u ON u.id = t.user_id AND u.status = 'active' WHERE 1 = 1`+where+` GROUP BY t.account_id`,
		args, func(f *Facts, n int) { f.ActiveTeamMembers = n }); err != nil {
		return nil, err
	}
	where, args = scope("account_id")
	if err := counts("contacts", `SELECT account_id, COUNT(*) AS n FROM contacts
		WHERE deleted_at IS NULL`+where+` GROUP BY account_id`,
		args, func(f *Facts, n int) { f.Contacts = n }); err != nil {
		return nil, err
	}

	// Contact interactions in the windows the rules look at, in one pass.
	var windows []struct {
		AccountID int64
		C30       int
		C90       int
		Prev90    int
		C180      int
	}
	where, args = scope("account_id")
	err = db.Raw(`SELECT account_id,
			SUM(CASE WHEN occurred_at >= ? THEN 1 ELSE 0 END) AS c30,
			SUM(CASE WHEN occurred_at >= ? THEN 1 ELSE 0 END) AS c90,
			SUM(CASE WHEN occurred_at < ? THEN 1 ELSE 0 END) AS prev90,
			COUNT(*) AS c180
		FROM interactions WHERE kind <> 'note' AND occurred_at >= ? AND occurred_at <= ?`+where+`
		GROUP BY account_id`,
		append([]any{ago(RecentContactDays), ago(EngagementWindowDays), ago(EngagementWindowDays),
			ago(TouchWindowDays), now}, args...)...).Scan(&windows).Error
	if err != nil {
		return nil, fmt.Errorf("health facts: interactions: %w", err)
	}
	for _, w := range windows {
		if s, ok := out[w.AccountID]; ok {
			s.Facts.Contacts30, s.Facts.Contacts90, s.Facts.ContactsPrev90, s.Facts.Interactions180 = w.C30, w.C90, w.Prev90, w.C180
		}
	}

	where, args = scope("account_id")
	if err := counts("top staff", `SELECT account_id, MAX(n) AS n FROM (
			SELECT account_id, author_id, COUNT(*) AS n FROM interactions
			WHERE kind <> 'note' AND occurred_at >= ? AND occurred_at <= ?`+where+`
			GROUP BY account_id, author_id) per_author GROUP BY account_id`,
		append([]any{ago(TouchWindowDays), now}, args...), func(f *Facts, n int) { f.TopStaffShare180 = n }); err != nil {
		return nil, err
	}
	where, args = scope("i.account_id")
	if err := counts("contacts touched", `SELECT i.account_id, COUNT(DISTINCT ic.contact_id) AS n
		FROM interactions i JOIN interaction_contacts ic ON ic.interaction_id = i.id
		WHERE i.kind <> 'note' AND i.occurred_at >= ? AND i.occurred_at <= ?`+where+` GROUP BY i.account_id`,
		append([]any{ago(TouchWindowDays), now}, args...), func(f *Facts, n int) { f.ContactsTouched180 = n }); err != nil {
		return nil, err
	}
	// A leader's touch: an executive visit or holiday greeting, or any contact that a
	// manager or admin made or took part in. Two index-driven halves rather than an
	// EXISTS per interaction: the interactions in the window (kind and author are in
	// interactions_time_cover), and the few that a manager or admin took part in, found
	// through the participants.
	where, args = scope("i.account_id")
	window := append([]any{ago(ExecutiveTouchDays), now}, args...)
	if err := counts("executive touch", `SELECT account_id, 1 AS n FROM (
			SELECT i.account_id FROM interactions i
			WHERE i.kind <> 'note' AND i.occurred_at >= ? AND i.occurred_at <= ?`+where+`
			  AND (i.kind IN ('executive_visit', 'holiday_greeting')
			       OR i.author_id IN (SELECT id FROM users WHERE role IN ('manager', 'admin')))
			UNION
			SELECT i.account_id FROM interaction_participants p
			JOIN users pu ON pu.id = p.user_id AND pu.role IN ('manager', 'admin')
			JOIN interactions i ON i.id = p.interaction_id
			WHERE i.kind <> 'note' AND i.occurred_at >= ? AND i.occurred_at <= ?`+where+`)`,
		slices.Concat(window, window), func(f *Facts, _ int) { f.ExecutiveTouch365 = true }); err != nil {
		return nil, err
	}
	where, args = scope("account_id")
	if err := counts("owner changes", `SELECT account_id, COUNT(*) AS n FROM audit_entries
		WHERE action = 'account.transfer' AND at >= ?`+where+` GROUP BY account_id`,
		append([]any{ago(OwnerChangeWindowDays)}, args...), func(f *Facts, n int) { f.OwnerChanges365 = n }); err != nil {
		return nil, err
	}

	var complaints []struct {
		AccountID int64
		OpenedAt  time.Time
	}
	where, args = scope("account_id")
	if err := db.Raw(`SELECT account_id, opened_at FROM complaints WHERE status = 'open'`+where, args...).
		Scan(&complaints).Error; err != nil {
		return nil, fmt.Errorf("health facts: complaints: %w", err)
	}
	for _, c := range complaints {
		if s, ok := out[c.AccountID]; ok {
			s.Facts.OpenComplaintDays = append(s.Facts.OpenComplaintDays, int(now.Sub(c.OpenedAt)/(24*time.Hour)))
		}
	}
	return out, nil
}
