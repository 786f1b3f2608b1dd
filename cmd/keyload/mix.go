package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// phase is one read request type.
type phase struct {
	id, title string
	paths     []string // a varied pool, so that caching one answer proves nothing
	users     []*user
	page      bool                  // a browser page: the session cookie, not the bearer token
	ok        func(status int) bool // nil: 2xx and 3xx
}

// phaseNames are the names -only accepts, in the order the phases run.
func phaseNames() []string {
	return []string{"gin", "accounts-key", "accounts", "accounts-health", "flags", "agenda", "account",
		"page-accounts", "page-flags", "writes", "scan", "handover", "import"}
}

const poolSize = 2048

// pool makes n paths with mk.
func (h *harness) pool(mk func() url.Values, path string) []string {
	out := make([]string, poolSize)
	for i := range out {
		q := mk()
		out[i] = path
		if len(q) > 0 {
			out[i] += "?" + q.Encode()
		}
	}
	return out
}

func (h *harness) pageNo() string { return strconv.Itoa(1 + h.rnd.IntN(5)) }

func (h *harness) pick(s []string) string { return s[h.rnd.IntN(len(s))] }

func (h *harness) repID() string {
	return strconv.FormatInt(h.allReps[h.rnd.IntN(len(h.allReps))].ID, 10)
}

// nameChars is two consecutive characters of a real account name.
func (h *harness) nameChars() string {
	for {
		r := []rune(h.pick(h.sc.names))
		if len(r) < 2 {
			continue
		}
		i := h.rnd.IntN(len(r) - 1)
		if s := string(r[i : i+2]); len([]rune(s)) == 2 && r[i] != ' ' && r[i+1] != ' ' {
			return s
		}
	}
}

// readPhases are the read request types, in the order they run.
func (h *harness) readPhases() []phase {
	tiers := []string{"key", "growth", "standard"}
	keyOverdue := func() url.Values {
		return url.Values{"tier": {"key"}, "overdue": {"true"}, "sort": {"next_contact_due"}, "page": {h.pageNo()}}
	}
	all := func() url.Values {
		q := url.Values{"page": {h.pageNo()}, "sort": {h.pick([]string{"name", "-annual_value", "next_contact_due"})}}
		switch h.rnd.IntN(8) {
		case 0:
			q.Set("tier", h.pick(tiers))
		case 1:
			q.Set("owner_id", h.repID())
		case 2:
			q.Set("member_id", h.repID())
		case 3:
			q.Set("industry", h.pick(h.sc.industries))
		case 4:
			q.Set("region", h.pick(h.sc.regions))
		}
		if h.rnd.IntN(5) == 0 {
			q.Set("q", h.nameChars())
		}
		return q
	}
	byHealth := func() url.Values {
		q := url.Values{"page": {h.pageNo()}, "sort": {h.pick([]string{"health", "-health"})}}
		if h.rnd.IntN(3) == 0 {
			q.Set("tier", "key")
		}
		return q
	}
	flags := func(tierAll bool) func() url.Values {
		return func() url.Values {
			q := url.Values{"page": {h.pageNo()}}
			if h.rnd.IntN(3) == 0 {
				q.Set("tier", "key")
			} else if tierAll && h.rnd.IntN(2) == 0 {
				q.Set("tier", "all")
			}
			if h.rnd.IntN(3) == 0 {
				q.Set("neglected", "true")
			}
			if h.rnd.IntN(3) == 0 {
				q.Set("level", "at_risk")
			}
			if h.rnd.IntN(5) == 0 {
				q.Set("owner_id", h.repID())
			}
			return q
		}
	}
	ids := make([]string, poolSize)
	for i := range ids {
		ids[i] = "/api/v1/accounts/" + strconv.FormatInt(1+h.rnd.Int64N(h.sc.maxID), 10)
	}
	accountsPage := func() url.Values {
		q := url.Values{"page": {h.pageNo()}}
		if t := h.rnd.IntN(4); t < 3 {
			q.Set("tier", tiers[t])
		}
		return q
	}
	only2xx := func(s int) bool { return s >= 200 && s < 300 } // a redirect would be to /login
	return []phase{
		{id: "accounts-key", title: "api accounts (key, overdue, by due)", paths: h.pool(keyOverdue, "/api/v1/accounts"), users: h.reps},
		{id: "accounts", title: "api accounts (all)", paths: h.pool(all, "/api/v1/accounts"), users: h.reps},
		{id: "accounts-health", title: "api accounts sort=health", paths: h.pool(byHealth, "/api/v1/accounts"), users: h.reps},
		{id: "flags", title: "api flags (manager)", paths: h.pool(flags(false), "/api/v1/flags"), users: h.managers},
		{id: "agenda", title: "api agenda (rep)", paths: []string{"/api/v1/me/agenda"}, users: h.reps},
		{id: "account", title: "api account by id", paths: ids, users: h.reps,
			ok: func(s int) bool { return s >= 200 && s < 400 || s == http.StatusNotFound }},
		{id: "page-accounts", title: "page /accounts", paths: h.pool(accountsPage, "/accounts"), users: h.reps, page: true, ok: only2xx},
		{id: "page-flags", title: "page /flags", paths: h.pool(flags(true), "/flags"), users: h.managers, page: true, ok: only2xx},
	}
}

// job makes the load of a read phase: a random user and a random path per request.
func (h *harness) job(ph phase) job {
	// Every path on every instance: each request goes to a random one.
	urls := make([]string, 0, len(ph.paths)*len(h.srvs))
	for _, p := range ph.paths {
		for _, s := range h.srvs {
			urls = append(urls, s+p)
		}
	}
	return job{name: ph.title, workers: h.o.c, dur: h.o.d, ok: ph.ok,
		next: func(ctx context.Context, w *worker) *http.Request {
			u := ph.users[w.rnd.IntN(len(ph.users))]
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, urls[w.rnd.IntN(len(urls))], nil)
			if ph.page {
				req.Header = u.page
			} else {
				req.Header = u.api
			}
			return req
		}}
}

func (h *harness) ginJob(label string) job {
	url := h.base + "/hello"
	return job{name: label, workers: h.o.c, dur: h.o.d, next: func(ctx context.Context, _ *worker) *http.Request {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		return req
	}}
}

// runPhases runs every phase asked for: the bare Gin baseline at the start, in the
// middle and at the end, the reads in between, then the write scenarios.
func (h *harness) runPhases(ctx context.Context, rep *report) error {
	gin := func(label string) error {
		if !h.o.wants("gin") {
			return nil
		}
		r := h.gen.run(ctx, h.ginJob(label))
		rep.gin = append(rep.gin, r)
		progress(r)
		return ctx.Err()
	}
	if err := gin("bare gin (start)"); err != nil {
		return err
	}
	reads := h.readPhases()
	for i, ph := range reads {
		if i == len(reads)/2 {
			if err := gin("bare gin (middle)"); err != nil {
				return err
			}
		}
		if !h.o.wants(ph.id) {
			continue
		}
		r := h.gen.run(ctx, h.job(ph))
		if err := ctx.Err(); err != nil {
			return err
		}
		rep.reads = append(rep.reads, r)
		progress(r)
	}
	if h.o.wants("writes") {
		if err := h.writesPhase(ctx, rep); err != nil {
			return err
		}
	}
	if h.o.wants("scan") {
		// The scan serve runs every few minutes, then one counting every window again
		// (the first, and one a day).
		if err := h.scanPhase(ctx, rep, h.runID+"s"); err != nil {
			return err
		}
		if err := h.scanPhase(ctx, rep, h.runID+"f", "--full"); err != nil {
			return err
		}
	}
	if h.o.wants("handover") {
		if err := h.handoverPhase(ctx, rep); err != nil {
			return err
		}
	}
	if h.o.wants("import") {
		if err := h.importPhase(ctx, rep); err != nil {
			return err
		}
	}
	return gin("bare gin (end)")
}

func progress(r result) {
	fmt.Printf("phase %-36s %8.0f req/s  p50 %-9s p99 %-9s errors %d\n", r.name, r.rps(), ms(r.pct(0.50)), ms(r.pct(0.99)), r.errs)
}

func ms(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= 100*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	}
}
