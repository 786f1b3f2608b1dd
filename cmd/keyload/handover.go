package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// step is one handover request as measured.
type step struct {
	name   string
	status int
	took   time.Duration
	bytes  int
	peakKB int64 // the server's largest RSS during the step, where measured
	note   string
}

// handoverReport is the handover of the prepared rep's accounts under background writes.
type handoverReport struct {
	rep, book      int64
	steps          []step
	worst          time.Duration // worst write latency overlapping the steps
	during, failed int
	writes         writeReport
	after          string // what run.db says of the rep's book afterwards
}

// handoverBody is the part of a handover answer the harness reads.
type handoverBody struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
	Items  []struct {
		Status           string `json:"status"`
		ProposedToUserID *int64 `json:"proposed_to_user_id"`
		ToUserID         *int64 `json:"to_user_id"`
	} `json:"items"`
	ItemsTotal int `json:"items_total"` // all items; the answer carries a page of them
	Progress   struct {
		Items         int `json:"items"`
		WithSuccessor int `json:"with_successor"`
	} `json:"progress"`
}

// summary says how many items there are, by status on the page the answer carries, and
// how many of all lack a successor.
func (b handoverBody) summary() string {
	counts := map[string]int{}
	none := 0
	for _, it := range b.Items {
		counts[it.Status]++
		if it.ProposedToUserID == nil && it.ToUserID == nil {
			none++
		}
	}
	var parts []string
	for k, n := range counts {
		parts = append(parts, fmt.Sprintf("%d %s", n, k))
	}
	slices.Sort(parts)
	return fmt.Sprintf("handover %s, %d items (first page: %s), %d without a successor", b.Status, b.ItemsTotal,
		strings.Join(parts, ", "), b.Progress.Items-b.Progress.WithSuccessor)
}

func (h *harness) handoverPhase(ctx context.Context, rep *report) error {
	id := h.runID + "h"
	hr := &handoverReport{rep: h.sc.RepID, book: int64(h.sc.Book)}
	rep.handover = hr
	stop := h.background(ctx, "writes during handover", id)
	if err := sleep(ctx, time.Second); err != nil {
		stop()
		return err
	}
	t0 := time.Now()
	h.handoverSteps(ctx, hr)
	t1 := time.Now()
	_ = sleep(ctx, time.Second)
	r := stop()
	if err := ctx.Err(); err != nil {
		return err
	}
	progress(r)
	hr.worst, hr.during, hr.failed = r.during(t0, t1)
	hr.writes = writeReport{res: r, check: checkWrites(ctx, h.db, id)}
	hr.after = h.bookAfter(ctx)
	return nil
}

// handoverSteps creates, starts and completes (forced) the handover, as the rep's manager.
func (h *harness) handoverSteps(ctx context.Context, hr *handoverReport) {
	do := func(name, path string, in any) (handoverBody, bool) {
		var out handoverBody
		status, body, took, err := h.call(ctx, http.MethodPost, path, h.lead.api, in, &out)
		s := step{name: name, status: status, took: took, bytes: len(body)}
		ok := err == nil && status/100 == 2
		switch {
		case err != nil:
			s.note = "error: " + err.Error()
		case !ok:
			s.note = clip(body, 2000)
			fmt.Fprintf(os.Stderr, "keyload: [handover] %s answered %d: %s\n", name, status, clip(body, 4000))
		default:
			s.note = out.summary()
		}
		hr.steps = append(hr.steps, s)
		fmt.Printf("handover: %s → %d in %s, %d bytes; %s\n", name, status, ms(took), len(body), clip([]byte(s.note), 200))
		return out, ok
	}
	lastDay := time.Now().UTC().AddDate(0, 0, 14).Format("2006-01-02")
	created, ok := do("create", "/api/v1/handovers", map[string]any{"departing_user_id": h.sc.RepID, "last_day": lastDay})
	if !ok {
		return
	}
	base := "/api/v1/handovers/" + strconv.FormatInt(created.ID, 10)
	if _, ok := do("start", base+"/start", nil); !ok {
		return
	}
	do("complete (force)", base+"/complete", map[string]any{"force": true, "reason": "load test"})
}

// bookAfter reads what the departing rep still holds once the handover is over.
func (h *harness) bookAfter(ctx context.Context) string {
	db, err := openRO(h.db)
	if err != nil {
		return err.Error()
	}
	defer db.Close()
	var status string
	var owned, team int64
	err = db.QueryRowContext(ctx, `SELECT status,
		(SELECT count(*) FROM accounts WHERE owner_id = u.id AND deleted_at IS NULL),
		(SELECT count(*) FROM account_team WHERE user_id = u.id)
		FROM users u WHERE id = $1`, h.sc.RepID).Scan(&status, &owned, &team)
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("rep %d is %s, owns %d accounts, is on %d teams", h.sc.RepID, status, owned, team)
}
