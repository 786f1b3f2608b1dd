package health

import (
	"database/sql"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
	"gorm.io/gorm"

	"keyhold/internal/accounts"
	"keyhold/internal/money"
	"keyhold/internal/store"
)

// subject is one account as the scan sees it: its facts, and what the stored result needs.
type subject struct {
	ID          int64
	AnnualValue int64
	Facts       Facts
}

// loadFacts fills the facts of the live accounts with the given ids (all live accounts
// when ids is nil) with one query per kind of fact, whatever the number of accounts.
// With parallel (db must then be a pool, not a transaction) the queries run side by side.
func loadFacts(db *gorm.DB, now time.Time, ids []int64, parallel bool) (map[int64]*subject, error) {
	l, err := newFactLoader(db, now, parallel, len(ids))
	if err != nil {
		return nil, err
	}
	if err := l.run(append(l.accountSteps(ids), l.windowSteps(ids)...)); err != nil {
		return nil, err
	}
	return l.subjects(), nil
}

// factLoader fills subjects from steps, each one query for one kind of fact. Steps may
// run side by side: each finds its account's subject through sub (made by whichever
// step comes first) and writes only its own fields. Subjects no account row came for
// (deleted accounts) are dropped at the end.
type factLoader struct {
	db       *gorm.DB
	now      time.Time
	parallel bool
	cadence  map[string]int // contact cadence in days by tier
	visits   map[string]int // visit cadence in days by tier; absent: none

	mu   sync.Mutex
	out  map[int64]*subject
	live map[int64]bool
}

// step fills one kind of fact from one query.
type step struct {
	what  string
	query string
	args  []any
	row   func(*sql.Rows) error
}

// newFactLoader returns a loader for about n accounts.
func newFactLoader(db *gorm.DB, now time.Time, parallel bool, n int) (*factLoader, error) {
	var policies []struct {
		Tier         string
		IntervalDays int
		VisitDays    *int
	}
	if err := db.Raw("SELECT tier, interval_days, visit_days FROM cadence_policies").Scan(&policies).Error; err != nil {
		return nil, fmt.Errorf("health facts: cadence: %w", err)
	}
	cadence, visits := map[string]int{}, map[string]int{}
	for t, days := range accounts.DefaultCadence {
		cadence[string(t)] = days
	}
	for _, p := range policies {
		cadence[p.Tier] = p.IntervalDays
		if p.VisitDays != nil {
			visits[p.Tier] = *p.VisitDays
		}
	}
	return &factLoader{db: db, now: now.UTC(), parallel: parallel, cadence: cadence, visits: visits,
		out: make(map[int64]*subject, n), live: make(map[int64]bool, n)}, nil
}

func (l *factLoader) sub(id int64) *subject {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.out[id]
	if s == nil {
		s = &subject{ID: id}
		l.out[id] = s
	}
	return s
}

func (l *factLoader) ago(days int) time.Time { return l.now.AddDate(0, 0, -days) }

// scope narrows a step to the given accounts (none: every account).
func scope(col string, ids []int64) (string, []any) {
	if ids == nil {
		return "", nil
	}
	return " AND ?", []any{store.InIDs(col, ids)}
}

// count is a step over (account_id, n) rows, handing each n to set.
func (l *factLoader) count(what, query string, args []any, set func(*Facts, int)) step {
	return step{what, query, args, func(r *sql.Rows) error {
		var id int64
		var n int
		if err := r.Scan(&id, &n); err != nil {
			return err
		}
		set(&l.sub(id).Facts, n)
		return nil
	}}
}

// accountSteps read what the account's own row, its team, contacts, transfers,
// complaints and handovers say: everything but the interaction windows.
func (l *factLoader) accountSteps(ids []int64) []step {
	steps := []step{l.accountRow(ids)}
	// CROSS JOIN keeps the team rows outer, read in account order: left to itself SQLite
	// starts from the active users and probes every account for each (200 ms for a
	// handover of 2,500 accounts instead of 12 ms).
	where, args := scope("t.account_id", ids)
	steps = append(steps, l.count("team", `SELECT t.account_id, COUNT(*) AS n FROM account_team t
		`+store.Hint(l.db, "CROSS")+` JOIN users u ON u.id = t.user_id AND u.status = 'active' WHERE 1 = 1`+where+` GROUP BY t.account_id`,
		args, func(f *Facts, n int) { f.ActiveTeamMembers = n }))
	where, args = scope("account_id", ids)
	steps = append(steps, l.count("contacts", `SELECT account_id, COUNT(*) AS n FROM contacts
		WHERE deleted_at IS NULL`+where+` GROUP BY account_id`,
		args, func(f *Facts, n int) { f.Contacts = n }))
	where, args = scope("account_id", ids)
	steps = append(steps, l.count("owner changes", `SELECT account_id, COUNT(*) AS n FROM audit_entries
		WHERE action = 'account.transfer' AND at >= ?`+where+` GROUP BY account_id`,
		append([]any{l.ago(OwnerChangeWindowDays)}, args...), func(f *Facts, n int) { f.OwnerChanges365 = n }))
	where, args = scope("account_id", ids)
	steps = append(steps, step{"complaints", `SELECT account_id, opened_at FROM complaints WHERE status = 'open'` + where,
		args, func(r *sql.Rows) error {
			var id int64
			var opened time.Time
			if err := r.Scan(&id, &opened); err != nil {
				return err
			}
			s := l.sub(id)
			s.Facts.OpenComplaintDays = append(s.Facts.OpenComplaintDays, int(l.now.Sub(opened)/(24*time.Hour)))
			return nil
		}})

	return append(steps, l.handoverFirstContact(ids))
}

// accountRow reads the account's own row: tier, status, cadence, last contact, renewal,
// value in the base currency, the owner's status, the last visit and since when it is a
// customer. The currencies are joined once
// rather than looked up per account (a full scan reads 50,000).
func (l *factLoader) accountRow(ids []int64) step {
	where, args := scope("a.id", ids)
	return step{"accounts", `SELECT a.id, a.tier, a.status, a.cadence_days, a.last_contacted_at, a.renewal_date,
			COALESCE(` + money.ConvertedSQL("a", "cur") + `, 0), u.status AS owner_status, a.last_visited_at, a.customer_since,
			a.visit_days
		FROM accounts a LEFT JOIN users u ON u.id = a.owner_id LEFT JOIN currencies cur ON cur.code = a.currency
		WHERE a.deleted_at IS NULL` + where, args, func(r *sql.Rows) error {
		var id, value int64
		var tier, status string
		var days sql.NullInt64
		var last, visit sql.NullTime
		var visitDays sql.NullInt64
		var renewal, owner sql.NullString
		var since string
		if err := r.Scan(&id, &tier, &status, &days, &last, &renewal, &value, &owner, &visit, &since, &visitDays); err != nil {
			return err
		}
		s := l.sub(id)
		f := &s.Facts
		f.Key, f.Churned, f.CadenceDays = tier == "key", status == "churned", l.cadence[tier]
		if days.Valid {
			f.CadenceDays = int(days.Int64)
		}
		if last.Valid {
			f.LastContactAt = &last.Time
		}
		f.OwnerStatus, f.OwnerActive = owner.String, owner.String == "active"
		f.VisitDays = l.visits[tier]
		if visitDays.Valid {
			f.VisitDays = int(visitDays.Int64)
		}
		if visit.Valid {
			t := visit.Time.UTC()
			f.LastVisitAt = &t
		}
		if d, err := time.Parse("2006-01-02", since); err == nil {
			f.CustomerSince = &d
		}
		if renewal.Valid {
			if d, err := time.Parse("2006-01-02", renewal.String); err == nil {
				f.RenewalDate = &d
			}
		}
		s.AnnualValue = value
		l.mu.Lock()
		l.live[id] = true
		l.mu.Unlock()
		return nil
	}}
}

// handoverFirstContact finds the accounts that came to their owner in a handover
// completed in the follow-up window, and whether that owner has made a contact since
// (author or participant).
func (l *factLoader) handoverFirstContact(ids []int64) step {
	where, args := scope("i.account_id", ids)
	return step{"handover first contact", `SELECT i.account_id, h.completed_at,
			EXISTS (SELECT 1 FROM interactions x WHERE x.account_id = i.account_id AND x.kind <> 'note'
				AND x.occurred_at >= h.completed_at
				AND (x.author_id = i.to_user_id OR EXISTS (SELECT 1 FROM interaction_participants p
					WHERE p.interaction_id = x.id AND p.user_id = i.to_user_id))) AS contacted
		FROM handover_items i
		JOIN handovers h ON h.id = i.handover_id AND h.status = 'completed' AND h.completed_at >= ?
		JOIN accounts a ON a.id = i.account_id AND a.owner_id = i.to_user_id
		WHERE i.role = 'owner' AND i.status = 'done'` + where,
		append([]any{l.ago(HandoverFollowDays)}, args...), func(r *sql.Rows) error {
			var id int64
			var at time.Time
			var contacted bool
			if err := r.Scan(&id, &at, &contacted); err != nil {
				return err
			}
			if s := l.sub(id); s.Facts.HandoverAt == nil || at.After(*s.Facts.HandoverAt) {
				at := at.UTC()
				s.Facts.HandoverAt, s.Facts.SuccessorContacted = &at, contacted
			}
			return nil
		}}
}

// windowSteps count the contact interactions in the windows the rules look at (the
// Windows part of Facts): the bulk of a full scan's work, a million interactions.
func (l *factLoader) windowSteps(ids []int64) []step {
	var steps []step
	// Contact interactions in the windows, and the share of the staff member with the
	// most of them: one pass over the window, by account and author.
	where, args := scope("account_id", ids)
	steps = append(steps, step{"interactions", `SELECT account_id,
			SUM(CASE WHEN occurred_at >= ? THEN 1 ELSE 0 END) AS c30,
			SUM(CASE WHEN occurred_at >= ? THEN 1 ELSE 0 END) AS c90,
			SUM(CASE WHEN occurred_at < ? THEN 1 ELSE 0 END) AS prev90,
			COUNT(*) AS c180
		FROM interactions WHERE kind <> 'note' AND occurred_at >= ? AND occurred_at <= ?` + where + `
		GROUP BY account_id, author_id`,
		append([]any{l.ago(RecentContactDays), l.ago(EngagementWindowDays), l.ago(EngagementWindowDays),
			l.ago(TouchWindowDays), l.now}, args...), func(r *sql.Rows) error {
			var id int64
			var c30, c90, prev90, c180 int
			if err := r.Scan(&id, &c30, &c90, &prev90, &c180); err != nil {
				return err
			}
			f := &l.sub(id).Facts
			f.Contacts30, f.Contacts90, f.ContactsPrev90 = f.Contacts30+c30, f.Contacts90+c90, f.ContactsPrev90+prev90
			f.Interactions180 += c180
			f.TopStaffShare180 = max(f.TopStaffShare180, c180)
			return nil
		}})
	where, args = scope("i.account_id", ids)
	steps = append(steps, l.count("contacts touched", `SELECT i.account_id, COUNT(DISTINCT ic.contact_id) AS n
		FROM interactions i JOIN interaction_contacts ic ON ic.interaction_id = i.id
		WHERE i.kind <> 'note' AND i.occurred_at >= ? AND i.occurred_at <= ?`+where+` GROUP BY i.account_id`,
		append([]any{l.ago(TouchWindowDays), l.now}, args...), func(f *Facts, n int) { f.ContactsTouched180 = n }))
	// A leader's touch: an executive visit or holiday greeting, or any contact that a
	// manager or admin made or took part in. For a few accounts, their interactions in
	// the window, each checked for a leader among its participants. For every account,
	// the few such interactions found through indexes rather than a check of every
	// interaction in the window.
	where, args = scope("i.account_id", ids)
	window := append([]any{l.ago(ExecutiveTouchDays), l.now}, args...)
	leaderTouch := `SELECT DISTINCT i.account_id, 1 AS n FROM interactions i
		WHERE i.kind <> 'note' AND i.occurred_at >= ? AND i.occurred_at <= ?` + where + `
		  AND (i.kind IN ('executive_visit', 'holiday_greeting')
		       OR i.author_id IN (SELECT id FROM users WHERE role IN ('manager', 'admin'))
		       OR EXISTS (SELECT 1 FROM interaction_participants p JOIN users pu ON pu.id = p.user_id
		                  WHERE p.interaction_id = i.id AND pu.role IN ('manager', 'admin')))`
	leaderArgs := window
	if ids == nil {
		// Three index-driven parts: the leaders' kinds through their partial index (a few
		// thousand rows of a million; INDEXED BY, as without statistics SQLite prefers
		// walking the whole window in interactions_time_cover), the interactions leaders
		// wrote, through their authors, and those they took part in.
		leaderTouch = `SELECT account_id, 1 AS n FROM (
			SELECT i.account_id FROM interactions i ` + store.Hint(l.db, "INDEXED BY interactions_leader_kinds") + `
			WHERE i.kind IN ('executive_visit', 'holiday_greeting') AND i.occurred_at >= ? AND i.occurred_at <= ?
			UNION
			SELECT i.account_id FROM users u JOIN interactions i ON i.author_id = u.id
			WHERE u.role IN ('manager', 'admin') AND i.kind <> 'note' AND i.occurred_at >= ? AND i.occurred_at <= ?
			UNION
			SELECT i.account_id FROM interaction_participants p
			JOIN users pu ON pu.id = p.user_id AND pu.role IN ('manager', 'admin')
			JOIN interactions i ON i.id = p.interaction_id
			WHERE i.kind <> 'note' AND i.occurred_at >= ? AND i.occurred_at <= ?) AS leaders`
		leaderArgs = slices.Concat(window, window, window)
	}
	steps = append(steps, l.count("executive touch", leaderTouch, leaderArgs, func(f *Facts, _ int) { f.ExecutiveTouch365 = true }))
	return steps
}

// run runs the steps, side by side when the loader is parallel.
func (l *factLoader) run(steps []step) error {
	run := func(st step) error {
		if err := eachRow(l.db, st.query, st.args, st.row); err != nil {
			return fmt.Errorf("health facts: %s: %w", st.what, err)
		}
		return nil
	}
	if !l.parallel {
		for _, st := range steps {
			if err := run(st); err != nil {
				return err
			}
		}
		return nil
	}
	var g errgroup.Group
	g.SetLimit(runtime.NumCPU())
	for _, st := range steps {
		g.Go(func() error { return run(st) })
	}
	return g.Wait()
}

// subjects are the live accounts the steps filled.
func (l *factLoader) subjects() map[int64]*subject {
	for id := range l.out {
		if !l.live[id] {
			delete(l.out, id)
		}
	}
	return l.out
}

// eachRow runs a query on db (a pool or a transaction) and hands each row to fn: the
// scan reads hundreds of thousands of rows, too many to go through reflection.
func eachRow(db *gorm.DB, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := db.Raw(query, args...).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
