package scorecard

import (
	"fmt"
	"math"
	"strings"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/accounts"
	"keyhold/internal/health"
	"keyhold/internal/store"
)

// contactOf is a contact (any interaction but a note) or a visit on an account.
type contactOf struct {
	AccountID  int64
	OccurredAt time.Time
	Kind       string
}

// since is when an account's cadence starts counting before any contact: the day it
// became a customer.
func since(a account) time.Time {
	t, err := time.Parse(dateLayout, a.CustomerSince)
	if err != nil {
		return time.Time{}
	}
	return t
}

// cadences tallies the key accounts' contact cadence, visits and coverage, charged to
// their owner:
//   - key cadence: the days of the period each key account was within its contact
//     cadence, of the days it was a customer in the period — overdue from the last contact
//     (before the period, or the day it became a customer) plus the cadence until the
//     next contact or the end;
//   - visits: of the key accounts with a visit cadence whose visit fell due by the end
//     of the period (the last visit before it, or customer since, plus the cadence), those
//     visited in it;
//   - coverage: key accounts with a backup on their team who has not departed, today.
func (s *Service) cadences(db *gorm.DB, c *counts, t0, t1 time.Time, user int64) error {
	var ids []int64
	for id, a := range c.accounts {
		if a.Tier == string(accounts.TierKey) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	// The key accounts read: one rep's by their ids; everyone's by a subquery, rather
	// than thousands of parameters.
	keys := db.Raw("SELECT id FROM accounts WHERE id IN ?", ids)
	if user == 0 {
		keys = db.Raw("SELECT id FROM accounts WHERE deleted_at IS NULL AND status = 'active' AND tier = 'key'")
	}
	visitKinds := accounts.VisitKinds
	var before []struct {
		AccountID int64
		Contact   store.AggTime
		Visit     store.AggTime
	}
	// The last contact and visit before the period, per key account.
	if err := db.Raw(`SELECT account_id, MAX(occurred_at) AS contact,
			MAX(CASE WHEN kind IN ? THEN occurred_at END) AS visit
		FROM interactions WHERE account_id IN (?) AND kind <> 'note' AND occurred_at < ?
		GROUP BY account_id`, visitKinds, keys, t0).Scan(&before).Error; err != nil {
		return fmt.Errorf("scorecard contacts before: %w", err)
	}
	lastContact, lastVisit := map[int64]time.Time{}, map[int64]time.Time{}
	for _, b := range before {
		if b.Contact.Valid {
			lastContact[b.AccountID] = b.Contact.Time
		}
		if b.Visit.Valid {
			lastVisit[b.AccountID] = b.Visit.Time
		}
	}
	var during []contactOf
	if err := db.Raw(`SELECT account_id, occurred_at, kind FROM interactions
		WHERE account_id IN (?) AND kind <> 'note' AND occurred_at >= ? AND occurred_at < ?
		ORDER BY occurred_at`, keys, t0, t1).Scan(&during).Error; err != nil {
		return fmt.Errorf("scorecard contacts: %w", err)
	}
	inPeriod := map[int64][]contactOf{}
	for _, x := range during {
		inPeriod[x.AccountID] = append(inPeriod[x.AccountID], x)
	}
	var backed []int64
	if err := db.Raw(`SELECT DISTINCT t.account_id FROM account_team t JOIN users u ON u.id = t.user_id
		WHERE t.role = ? AND u.status <> 'departed' AND t.account_id IN (?)`, accounts.RoleBackup, keys).
		Scan(&backed).Error; err != nil {
		return fmt.Errorf("scorecard backups: %w", err)
	}
	hasBackup := map[int64]bool{}
	for _, id := range backed {
		hasBackup[id] = true
	}
	for _, id := range ids {
		a := c.accounts[id]
		// Key cadence, in days of the period (from the day it became a customer, if later).
		start := t0
		if d := since(a); d.After(start) {
			start = d
		}
		prev, ok := lastContact[id]
		if !ok {
			prev = since(a)
		}
		limit := time.Duration(a.Cadence) * 24 * time.Hour
		var overdue time.Duration
		overdueUntil := func(next time.Time) { // past the cadence from prev + limit until next
			from, to := prev.Add(limit), next
			if from.Before(start) {
				from = start
			}
			if to.After(from) {
				overdue += to.Sub(from)
			}
		}
		visited := false
		for _, x := range inPeriod[id] {
			overdueUntil(x.OccurredAt)
			prev = x.OccurredAt
			visited = visited || accounts.Kind(x.Kind).IsVisit()
		}
		overdueUntil(t1)
		if of := days(t1.Sub(start)); of > 0 {
			c.add(a.OwnerID, KeyCadence, id, of-min(of, days(overdue)), of)
		}
		// Visits.
		if a.VisitDays.Valid {
			last, ok := lastVisit[id]
			if !ok {
				last = since(a)
			}
			if !last.AddDate(0, 0, int(a.VisitDays.Int64)).After(t1) {
				c.add(a.OwnerID, Visits, id, b2i(visited), 1)
			}
		}
		c.add(a.OwnerID, Coverage, id, b2i(hasBackup[id]), 1)
	}
	return nil
}

// days is a duration in whole days, rounded.
func days(d time.Duration) int { return int(math.Round(d.Hours() / 24)) }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// records tallies how the rep keeps the records:
//   - contacts complete: contacts of the rep's accounts with a title and a phone or an
//     e-mail, today;
//   - decision makers: the rep's accounts with a contact marked decision maker, today;
//   - summaries: interactions the rep logged in the period with a summary that says
//     something (SummaryWidth) — every interaction has one, but "ok" records nothing;
//   - next steps set: contacts the rep logged in the period (not notes) that set a next
//     step; next steps met: of the rep's next steps falling due in the period (by its end),
//     those followed by a contact on the account after they were set and by the day due;
//   - first contacts: accounts handed to the rep whose first contact fell due in the
//     period (handover completed plus the first-contact days of PRODUCT.md), contacted by
//     the rep by then;
//   - complaints: complaints on the rep's accounts opened in the period, resolved within
//     ComplaintDays — those still open and younger than that are not counted yet.
func (s *Service) records(db *gorm.DB, c *counts, t0, t1 time.Time, user int64) error {
	var contacts []struct {
		AccountID int64
		Contacts  int
		Complete  int
		Decided   int
	}
	if err := db.Raw(`SELECT c.account_id, COUNT(*) AS contacts,
			SUM(CASE WHEN c.title <> '' AND (c.phone <> '' OR c.email <> '') THEN 1 ELSE 0 END) AS complete,
			MAX(CASE WHEN c.decision_maker THEN 1 ELSE 0 END) AS decided
		FROM contacts c JOIN accounts a ON a.id = c.account_id AND a.deleted_at IS NULL AND a.status = 'active'
		WHERE c.deleted_at IS NULL`+ownerFilter(user)+` GROUP BY c.account_id`, ownerArgs(user)...).Scan(&contacts).Error; err != nil {
		return fmt.Errorf("scorecard contacts: %w", err)
	}
	decided := map[int64]bool{}
	for _, x := range contacts {
		c.add(c.accounts[x.AccountID].OwnerID, ContactsComplete, x.AccountID, x.Complete, x.Contacts)
		decided[x.AccountID] = x.Decided > 0
	}
	for id, a := range c.accounts {
		c.add(a.OwnerID, DecisionMakers, id, b2i(decided[id]), 1)
	}

	// What the rep logged, by account: summaries that say something, next steps set.
	authored, args := "", []any{t0, t1}
	if user != 0 {
		authored, args = " AND author_id = ?", append(args, user)
	}
	var logged []struct {
		AuthorID    int64
		AccountID   int64
		Logged      int
		Substantial int
		Contacts    int
		WithNext    int
	}
	if err := db.Raw(`SELECT author_id, account_id, COUNT(*) AS logged,
			SUM(CASE WHEN `+store.Octets(db, "summary")+` + length(summary) >= ? THEN 1 ELSE 0 END) AS substantial,
			SUM(CASE WHEN kind <> 'note' THEN 1 ELSE 0 END) AS contacts,
			SUM(CASE WHEN kind <> 'note' AND next_step <> '' THEN 1 ELSE 0 END) AS with_next
		FROM interactions WHERE occurred_at >= ? AND occurred_at < ?`+authored+` GROUP BY author_id, account_id`,
		append([]any{2 * SummaryWidth}, args...)...).Scan(&logged).Error; err != nil {
		return fmt.Errorf("scorecard interactions: %w", err)
	}
	for _, x := range logged {
		c.add(x.AuthorID, Summaries, x.AccountID, x.Substantial, x.Logged)
		if x.Contacts > 0 {
			c.add(x.AuthorID, NextStepsSet, x.AccountID, x.WithNext, x.Contacts)
		}
	}
	// Next steps falling due in the period, and whether a contact followed by the day.
	day0, end := t0.Format(dateLayout), t1.Add(-time.Nanosecond).Format(dateLayout)
	var steps []struct {
		AuthorID  int64
		AccountID int64
		Due       int
		Met       int
	}
	if err := db.Raw(`SELECT x.author_id, x.account_id, COUNT(*) AS due,
			SUM(CASE WHEN EXISTS (SELECT 1 FROM interactions y WHERE y.account_id = x.account_id AND y.kind <> 'note'
				AND y.occurred_at > x.occurred_at AND `+store.DateOf(db, "y.occurred_at")+` <= x.next_step_due) THEN 1 ELSE 0 END) AS met
		FROM interactions x WHERE x.occurred_at >= ? AND x.occurred_at < ? AND x.kind <> 'note' AND x.next_step <> ''
			AND x.next_step_due >= ? AND x.next_step_due <= ?`+strings.ReplaceAll(authored, "author_id", "x.author_id")+`
		GROUP BY x.author_id, x.account_id`, append([]any{t0, t1, day0, end}, args[2:]...)...).Scan(&steps).Error; err != nil {
		return fmt.Errorf("scorecard next steps: %w", err)
	}
	for _, x := range steps {
		c.add(x.AuthorID, NextStepsMet, x.AccountID, x.Met, x.Due)
	}

	if err := s.firstContacts(db, c, t0, t1, user); err != nil {
		return err
	}
	var complaints []struct {
		AccountID  int64
		OwnerID    int64
		OpenedAt   time.Time
		ResolvedAt *time.Time
	}
	if err := db.Raw(`SELECT c.account_id, a.owner_id, c.opened_at, c.resolved_at FROM complaints c
		JOIN accounts a ON a.id = c.account_id AND a.deleted_at IS NULL AND a.status = 'active'
		WHERE c.opened_at >= ? AND c.opened_at < ?`+ownerFilter(user), append([]any{t0, t1}, ownerArgs(user)...)...).
		Scan(&complaints).Error; err != nil {
		return fmt.Errorf("scorecard complaints: %w", err)
	}
	now := s.now().UTC()
	for _, x := range complaints {
		deadline := x.OpenedAt.AddDate(0, 0, ComplaintDays)
		switch {
		case x.ResolvedAt != nil && !x.ResolvedAt.After(deadline):
			c.add(x.OwnerID, Complaints, x.AccountID, 1, 1)
		case x.ResolvedAt != nil || now.After(deadline):
			c.add(x.OwnerID, Complaints, x.AccountID, 0, 1)
		}
	}
	return nil
}

// SummaryWidth is how wide a summary must be to say something: a short sentence. Its
// width is half its bytes plus characters in UTF-8 — a letter counts one, a Chinese
// character (three bytes) two — so "电话" (4) or "ok" (2) fall short and
// "电话沟通续约，客户同意" (22) does not.
const SummaryWidth = 16

func ownerFilter(user int64) string {
	if user == 0 {
		return ""
	}
	return " AND a.owner_id = ?"
}

func ownerArgs(user int64) []any {
	if user == 0 {
		return nil
	}
	return []any{user}
}

// firstContacts tallies the first contacts after handovers (see records).
func (s *Service) firstContacts(db *gorm.DB, c *counts, t0, t1 time.Time, user int64) error {
	var items []struct {
		AccountID   int64
		ToUserID    int64
		Tier        string
		CompletedAt time.Time
		FirstAt     store.AggTime
	}
	q := `SELECT i.account_id, i.to_user_id, a.tier, h.completed_at,
			(SELECT MIN(x.occurred_at) FROM interactions x WHERE x.account_id = i.account_id AND x.kind <> 'note'
				AND x.occurred_at >= h.completed_at AND (x.author_id = i.to_user_id OR EXISTS (SELECT 1 FROM interaction_participants p
				WHERE p.interaction_id = x.id AND p.user_id = i.to_user_id))) AS first_at
		FROM handover_items i JOIN handovers h ON h.id = i.handover_id AND h.status = 'completed'
		JOIN accounts a ON a.id = i.account_id AND a.deleted_at IS NULL
		WHERE i.role = 'owner' AND i.status = 'done' AND h.completed_at >= ? AND h.completed_at < ?`
	longest := max(health.FirstContactDays(true), health.FirstContactDays(false))
	args := []any{t0.AddDate(0, 0, -longest), t1}
	if user != 0 {
		q += " AND i.to_user_id = ?"
		args = append(args, user)
	}
	if err := db.Raw(q, args...).Scan(&items).Error; err != nil {
		return fmt.Errorf("scorecard first contacts: %w", err)
	}
	for _, it := range items {
		due := it.CompletedAt.AddDate(0, 0, health.FirstContactDays(it.Tier == string(accounts.TierKey)))
		if due.Before(t0) || !due.Before(t1) {
			continue
		}
		c.add(it.ToUserID, FirstContacts, it.AccountID, b2i(it.FirstAt.Valid && !it.FirstAt.Time.After(due)), 1)
	}
	return nil
}
