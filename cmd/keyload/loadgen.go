package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// worker is one closed-loop client: it sends its next request when the last one is done.
type worker struct {
	id  int
	seq int
	rnd *rand.Rand
	buf []byte // reused for request bodies
}

// job is one phase's load: workers issuing requests back to back, for dur or until stop
// closes.
type job struct {
	name    string
	workers int
	dur     time.Duration
	stop    <-chan struct{}
	next    func(ctx context.Context, w *worker) *http.Request
	ok      func(status int) bool // nil: 2xx and 3xx
}

// sample is one request: when it started and ended (Unix ns), and whether it succeeded.
type sample struct {
	start, end int64
	ok         bool
}

func (s sample) latency() time.Duration { return time.Duration(s.end - s.start) }

// result is what one job measured.
type result struct {
	name     string
	workers  int
	requests int
	ok       int // accepted statuses
	acked    int // 2xx
	errs     int // other statuses and transport errors
	elapsed  time.Duration
	lats     []time.Duration // sorted
	samples  []sample
}

func (r result) rps() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests) / r.elapsed.Seconds()
}

// pct is the q-quantile of the latencies (nearest rank).
func (r result) pct(q float64) time.Duration {
	if len(r.lats) == 0 {
		return 0
	}
	i := int(q*float64(len(r.lats))+0.999999) - 1
	return r.lats[min(max(i, 0), len(r.lats)-1)]
}

// during is the worst latency of the requests that overlapped [from, to], and how many
// did and how many of them failed.
func (r result) during(from, to time.Time) (worst time.Duration, n, failed int) {
	f, t := from.UnixNano(), to.UnixNano()
	for _, s := range r.samples {
		if s.end >= f && s.start <= t {
			n++
			worst = max(worst, s.latency())
			if !s.ok {
				failed++
			}
		}
	}
	return worst, n, failed
}

// generator runs jobs over one shared, keep-alive transport.
type generator struct {
	client *http.Client
	seed   uint64
	jobs   atomic.Uint64
}

func newGenerator(conns int, seed uint64) *generator {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        0, // no limit
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &generator{seed: seed, client: &http.Client{Transport: tr, Timeout: 2 * time.Minute,
		// A redirect is an answer in itself (a page sending a signed-out reader to /login).
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// run runs one job to its end and merges what its workers measured.
func (g *generator) run(ctx context.Context, j job) result {
	type tally struct {
		samples           []sample
		ok, acked, errors int
	}
	tallies := make([]tally, j.workers)
	errs := &errLog{phase: j.name}
	jobSeed := g.jobs.Add(1)
	accept := j.ok
	if accept == nil {
		accept = func(s int) bool { return s >= 200 && s < 400 }
	}
	begin := time.Now()
	deadline := begin.Add(j.dur)
	var wg sync.WaitGroup
	for i := range j.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &worker{id: i, rnd: rand.New(rand.NewPCG(g.seed^jobSeed<<32, uint64(i)))}
			t := &tallies[i]
			t.samples = make([]sample, 0, 1024)
			for ctx.Err() == nil {
				if j.stop == nil && !time.Now().Before(deadline) {
					return
				}
				if j.stop != nil {
					select {
					case <-j.stop:
						return
					default:
					}
				}
				req := j.next(ctx, w)
				t0 := time.Now()
				res, err := g.client.Do(req)
				good := false
				switch {
				case err != nil && ctx.Err() != nil:
					return // interrupted, not the server's fault
				case err != nil:
					errs.add(err.Error())
				case accept(res.StatusCode):
					good = true
					io.Copy(io.Discard, res.Body)
					if res.StatusCode < 300 {
						t.acked++
					}
				default:
					body, _ := io.ReadAll(io.LimitReader(res.Body, 300))
					io.Copy(io.Discard, res.Body)
					errs.add(fmt.Sprintf("%s %s → %d %s", req.Method, req.URL.RequestURI(), res.StatusCode, body))
				}
				if res != nil {
					res.Body.Close()
				}
				t.samples = append(t.samples, sample{start: t0.UnixNano(), end: time.Now().UnixNano(), ok: good})
				if good {
					t.ok++
				} else {
					t.errors++
				}
			}
		}()
	}
	wg.Wait()
	r := result{name: j.name, workers: j.workers, elapsed: time.Since(begin)}
	for _, t := range tallies {
		r.samples = append(r.samples, t.samples...)
		r.ok += t.ok
		r.acked += t.acked
		r.errs += t.errors
	}
	r.requests = len(r.samples)
	r.lats = make([]time.Duration, len(r.samples))
	for i, s := range r.samples {
		r.lats[i] = s.latency()
	}
	slices.Sort(r.lats)
	return r
}

// errLog prints the first few distinct errors of a phase to stderr, as they happen.
type errLog struct {
	phase string
	mu    sync.Mutex
	seen  map[string]bool
}

const errsShown = 5

func (e *errLog) add(msg string) {
	msg = strings.Join(strings.Fields(msg), " ")
	// Requests differ by page and id; what matters is the status and the answer.
	key := msg
	if _, after, ok := strings.Cut(msg, " → "); ok {
		key = after
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.seen == nil {
		e.seen = map[string]bool{}
	}
	if e.seen[key] || len(e.seen) > errsShown {
		return
	}
	if len(e.seen) == errsShown {
		fmt.Fprintf(os.Stderr, "keyload: [%s] more distinct errors follow; not shown\n", e.phase)
	} else {
		fmt.Fprintf(os.Stderr, "keyload: [%s] error: %s\n", e.phase, msg)
	}
	e.seen[key] = true
}
