package scorecard

import (
	"fmt"
	"math"
	"time"

	"golang.org/x/text/width"
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
//     something (Substantial) — every interaction has one, but "ok" records nothing;
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
		AccountID     int64
		Complete      bool
		DecisionMaker bool
	}
	if err := db.Raw(`SELECT c.account_id, (c.title <> '' AND (c.phone <> '' OR c.email <> '')) AS complete, c.decision_maker
		FROM contacts c JOIN accounts a ON a.id = c.account_id AND a.deleted_at IS NULL AND a.status = 'active'
		WHERE c.deleted_at IS NULL`+ownerFilter(user), ownerArgs(user)...).Scan(&contacts).Error; err != nil {
		return fmt.Errorf("scorecard contacts: %w", err)
	}
	decided := map[int64]bool{}
	for _, x := range contacts {
		a := c.accounts[x.AccountID]
		c.add(a.OwnerID, ContactsComplete, x.AccountID, b2i(x.Complete), 1)
		decided[x.AccountID] = decided[x.AccountID] || x.DecisionMaker
	}
	for id, a := range c.accounts {
		c.add(a.OwnerID, DecisionMakers, id, b2i(decided[id]), 1)
	}

	var logged []struct {
		ID          int64
		AccountID   int64
		AuthorID    int64
		Kind        string
		OccurredAt  time.Time
		Summary     string
		HasNext     bool
		NextStepDue *string
	}
	authored := ""
	var args []any
	if user != 0 {
		authored, args = " AND author_id = ?", []any{user}
	}
	if err := db.Raw(`SELECT id, account_id, author_id, kind, occurred_at, summary, next_step <> '' AS has_next, next_step_due
		FROM interactions WHERE occurred_at >= ? AND occurred_at < ?`+authored+` ORDER BY occurred_at`,
		append([]any{t0, t1}, args...)...).Scan(&logged).Error; err != nil {
		return fmt.Errorf("scorecard interactions: %w", err)
	}
	// Every contact in the period, for the next steps met: on the accounts with one.
	var follow []contactOf
	fq, fargs := `SELECT account_id, occurred_at, kind FROM interactions
		WHERE occurred_at >= ? AND occurred_at < ? AND kind <> 'note'`, []any{t0, t1}
	if user != 0 {
		fq += " AND account_id IN (SELECT account_id FROM interactions WHERE author_id = ? AND occurred_at >= ? AND occurred_at < ?)"
		fargs = append(fargs, user, t0, t1)
	}
	if err := db.Raw(fq+" ORDER BY occurred_at", fargs...).Scan(&follow).Error; err != nil {
		return fmt.Errorf("scorecard follow-ups: %w", err)
	}
	after := map[int64][]time.Time{}
	for _, f := range follow {
		after[f.AccountID] = append(after[f.AccountID], f.OccurredAt)
	}
	day0, end := t0.Format(dateLayout), t1.Add(-time.Nanosecond).Format(dateLayout)
	for _, x := range logged {
		c.add(x.AuthorID, Summaries, x.AccountID, b2i(Substantial(x.Summary)), 1)
		if x.Kind == string(accounts.KindNote) {
			continue
		}
		c.add(x.AuthorID, NextStepsSet, x.AccountID, b2i(x.HasNext), 1)
		if !x.HasNext || x.NextStepDue == nil || *x.NextStepDue < day0 || *x.NextStepDue > end {
			continue
		}
		due, err := time.Parse(dateLayout, *x.NextStepDue)
		if err != nil {
			continue
		}
		met := 0
		for _, at := range after[x.AccountID] {
			if at.After(x.OccurredAt) && at.Before(due.AddDate(0, 0, 1)) {
				met = 1
				break
			}
		}
		c.add(x.AuthorID, NextStepsMet, x.AccountID, met, 1)
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

// SummaryWidth is how wide a summary must be to say something: a short sentence, where a
// Chinese character counts two columns ("电话" or "ok" do not; "电话沟通续约，客户同意" does).
const SummaryWidth = 16

// Substantial reports whether a summary is at least SummaryWidth columns wide.
func Substantial(summary string) bool {
	w := 0
	for _, r := range summary {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			w += 2
		default:
			w++
		}
		if w >= SummaryWidth {
			return true
		}
	}
	return false
}

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
