package health

import (
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// The facts counted over the interaction windows (Contacts30 … ExecutiveTouch365) are
// most of a full scan's work: a million interactions read to learn what changed for a
// few hundred accounts. Each stored result keeps the counts it was computed from, and a
// scan recounts them only for the accounts an interaction has entered or left a window
// of since the previous scan; every other fact is read again for every account.

// windowsOf encodes f's window counts as stored in account_health.windows: seven numbers
// in the order of Facts, the last 0 or 1.
func windowsOf(f *Facts) string {
	b := make([]byte, 0, 32)
	for i, n := range []int{f.Contacts30, f.Contacts90, f.ContactsPrev90, f.Interactions180, f.TopStaffShare180,
		f.ContactsTouched180, boolInt(f.ExecutiveTouch365)} {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendInt(b, int64(n), 10)
	}
	return string(b)
}

// setWindows fills f's window counts from what windowsOf stored; false, leaving f as it
// was, when stored is not seven numbers (never stored, or written by another version):
// the counts are then counted again.
func setWindows(f *Facts, stored string) bool {
	parts := strings.Fields(stored)
	if len(parts) != 7 {
		return false
	}
	var n [7]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return false
		}
		n[i] = v
	}
	f.Contacts30, f.Contacts90, f.ContactsPrev90, f.Interactions180, f.TopStaffShare180, f.ContactsTouched180 =
		n[0], n[1], n[2], n[3], n[4], n[5]
	f.ExecutiveTouch365 = n[6] == 1
	return true
}

// clearWindows zeroes f's window counts.
func (f *Facts) clearWindows() {
	f.Contacts30, f.Contacts90, f.ContactsPrev90, f.Interactions180, f.TopStaffShare180, f.ContactsTouched180 = 0, 0, 0, 0, 0, 0
	f.ExecutiveTouch365 = false
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// windowDays are the windows the rules count interactions over, in days back from now.
var windowDays = []int{RecentContactDays, EngagementWindowDays, TouchWindowDays, ExecutiveTouchDays}

// crossedSlack widens the span a scan looks at for window crossings before the previous
// scan: a write that read its facts just before that scan began may have committed its
// counts after the scan read them.
const crossedSlack = 5 * time.Minute

// crossingStep finds the accounts whose window counts may differ between since and now:
// those with a contact interaction that has left a window in between (occurred_at in
// [since−w, now−w) for each window w) or entered one by time alone (in (since, now],
// logged with a time ahead of the clock). An interaction logged at or before its writing
// entered the counts at once: the write rescored its account.
// With ids, only among those accounts.
func (l *factLoader) crossingStep(ids []int64, since time.Time, found func(int64)) step {
	where, in := scope("account_id", ids)
	q := `SELECT account_id FROM interactions WHERE kind <> 'note' AND occurred_at > ? AND occurred_at <= ?
		AND occurred_at > created_at` + where
	args := append([]any{since, l.now}, in...)
	for _, d := range windowDays {
		q += ` UNION SELECT account_id FROM interactions WHERE kind <> 'note' AND occurred_at >= ? AND occurred_at < ?` + where
		args = append(append(args, since.AddDate(0, 0, -d), l.ago(d)), in...)
	}
	return step{"window crossings", q, args, func(r *sql.Rows) error {
		var id int64
		if err := r.Scan(&id); err != nil {
			return err
		}
		found(id)
		return nil
	}}
}

// loadCounted reads the facts of the live accounts with the given ids (every one when
// ids is nil), like loadFacts, but counts the interaction windows again only where they
// can have changed since since: for the accounts whose interactions crossed a window's
// edge, those whose stored result (prev, read first) has no counts and those also says
// (nil: none); the others' are taken from prev. With full, or a zero since, or when a
// quarter of every account needs counting anyway, every window is counted (all).
// recounted is how many accounts' windows were counted otherwise.
func loadCounted(db *gorm.DB, now time.Time, ids []int64, prev map[int64]record, since time.Time,
	also func(int64) bool, full, parallel bool) (subjects map[int64]*subject, recounted int, all bool, err error) {
	l, err := newFactLoader(db, now, parallel, max(len(ids), len(prev)))
	if err != nil {
		return nil, 0, false, err
	}
	full = full || since.IsZero()
	steps := l.accountSteps(ids)
	crossed := map[int64]bool{}
	if full {
		// The longest first: two of the window counts take half a scan.
		steps = append(l.windowSteps(ids), steps...)
	} else {
		// One step writes crossed; it is read once every step has ended.
		steps = append(steps, l.crossingStep(ids, since.Add(-crossedSlack), func(id int64) { crossed[id] = true }))
	}
	if err := l.run(steps); err != nil {
		return nil, 0, false, err
	}
	subjects = l.subjects()
	if full {
		return subjects, 0, true, nil
	}
	// Each account not due for counting takes its stored counts; one whose stored counts
	// cannot be read is counted as well.
	var recount []int64
	for id, sub := range subjects {
		if sub.Facts.Churned {
			continue
		}
		if crossed[id] || (also != nil && also(id)) || !setWindows(&sub.Facts, prev[id].Windows) {
			recount = append(recount, id)
		}
	}
	// Past a quarter of every account, one pass over the windows beats looking each up.
	if ids == nil && len(recount) > len(subjects)/4 {
		for _, sub := range subjects {
			sub.Facts.clearWindows() // counted afresh below, from zero
		}
		if err := l.run(l.windowSteps(nil)); err != nil {
			return nil, 0, false, err
		}
		return l.subjects(), 0, true, nil
	}
	if len(recount) > 0 {
		slices.Sort(recount)
		if err := l.run(l.windowSteps(recount)); err != nil {
			return nil, 0, false, err
		}
		subjects = l.subjects()
	}
	return subjects, len(recount), false, nil
}
