package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// backgroundWriters is how many writers run during the scan and the handover.
const backgroundWriters = 8

// writeJob logs call interactions on random active accounts as random reps. Each summary
// is "load <runID> <worker> <seq>", so run.db can be asked what it kept of them.
func (h *harness) writeJob(name, runID string, workers int, dur time.Duration, stop <-chan struct{}) job {
	ids := h.sc.activeIDs
	prefixes := make([]string, len(h.srvs))
	for i, s := range h.srvs {
		prefixes[i] = s + "/api/v1/accounts/"
	}
	return job{name: name, workers: workers, dur: dur, stop: stop,
		next: func(ctx context.Context, w *worker) *http.Request {
			u := h.reps[w.rnd.IntN(len(h.reps))]
			url := prefixes[w.seq%len(prefixes)] + strconv.FormatInt(ids[w.rnd.IntN(len(ids))], 10) + "/interactions"
			// The body is small enough to leave in the transport's buffer with the headers,
			// so the worker's buffer is free again when the answer arrives.
			w.buf = append(w.buf[:0], `{"kind":"call","summary":"load `...)
			w.buf = append(w.buf, runID...)
			w.buf = append(w.buf, ' ')
			w.buf = strconv.AppendInt(w.buf, int64(w.id), 10)
			w.buf = append(w.buf, ' ')
			w.buf = strconv.AppendInt(w.buf, int64(w.seq), 10)
			w.buf = append(w.buf, `"}`...)
			w.seq++
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(w.buf))
			req.Header = u.json
			return req
		}}
}

// writeReport is a write phase and what run.db kept of it.
type writeReport struct {
	res   result
	check writeCheck
}

func (h *harness) writesPhase(ctx context.Context, rep *report) error {
	id := h.runID + "w"
	r := h.gen.run(ctx, h.writeJob("writes", id, h.o.c, h.o.d, nil))
	if err := ctx.Err(); err != nil {
		return err
	}
	progress(r)
	rep.writes = &writeReport{res: r, check: checkWrites(ctx, h.db, id)}
	return nil
}

// background runs writers until the returned stop function is called, which returns
// what they measured.
func (h *harness) background(ctx context.Context, name, runID string) func() result {
	stop := make(chan struct{})
	done := make(chan result, 1)
	go func() { done <- h.gen.run(ctx, h.writeJob(name, runID, backgroundWriters, 0, stop)) }()
	return func() result {
		close(stop)
		return <-done
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// scanReport is the write wait during a `keyhold scan` process.
type scanReport struct {
	args           []string // the scan's flags
	took           time.Duration
	exit           string // "0" or the error
	stdout, stderr string
	worst          time.Duration // worst write latency overlapping the scan
	during, failed int           // writes overlapping the scan, and failed ones among them
	writes         writeReport
}

// scanPhase runs `keyhold scan` with args beside writers; id tells the writes apart.
func (h *harness) scanPhase(ctx context.Context, rep *report, id string, args ...string) error {
	stop := h.background(ctx, "writes during scan", id)
	if err := sleep(ctx, time.Second); err != nil {
		stop()
		return err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, h.o.keyhold, append([]string{"scan"}, args...)...)
	cmd.Env = append(os.Environ(), "KEYHOLD_DB="+h.db)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = childAttr()
	t0 := time.Now()
	err := cmd.Run()
	t1 := time.Now()
	_ = sleep(ctx, time.Second)
	r := stop()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	progress(r)
	s := &scanReport{args: args, took: t1.Sub(t0), exit: "0", stdout: strings.TrimSpace(stdout.String()),
		stderr: strings.TrimSpace(stderr.String())}
	if err != nil {
		s.exit = err.Error()
	}
	s.worst, s.during, s.failed = r.during(t0, t1)
	s.writes = writeReport{res: r, check: checkWrites(ctx, h.db, id)}
	fmt.Printf("scan %s: %s, exit %s, worst overlapping write %s\n", strings.Join(args, " "), ms(s.took), s.exit, ms(s.worst))
	rep.scans = append(rep.scans, s)
	return nil
}
