package health

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
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

// setWindows fills f's window counts from what windowsOf stored.
func setWindows(f *Facts, stored string) error {
	parts := strings.Fields(stored)
	if len(parts) != 7 {
		return fmt.Errorf("stored window counts %q: want 7 numbers", stored)
	}
	var n [7]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil {
			return fmt.Errorf("stored window counts %q: %w", stored, err)
		}
		n[i] = v
	}
	f.Contacts30, f.Contacts90, f.ContactsPrev90, f.Interactions180, f.TopStaffShare180, f.ContactsTouched180 =
		n[0], n[1], n[2], n[3], n[4], n[5]
	f.ExecutiveTouch365 = n[6] == 1
	return nil
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
func (l *factLoader) crossingStep(since time.Time, found func(int64)) step {
	q := `SELECT account_id FROM interactions WHERE kind <> 'note' AND occurred_at > ? AND occurred_at <= ?
		AND occurred_at > created_at`
	args := []any{since, l.now}
	for _, d := range windowDays {
		q += ` UNION SELECT account_id FROM interactions WHERE kind <> 'note' AND occurred_at >= ? AND occurred_at < ?`
		args = append(args, since.AddDate(0, 0, -d), l.ago(d))
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
