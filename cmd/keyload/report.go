package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// report collects every phase's figures and prints them as markdown.
type report struct {
	o                options
	scenario         *scenario
	startupScan      string
	gin              []result
	reads            []result
	writes           *writeReport
	scans            []*scanReport
	handover         *handoverReport
	imports          *importReport
	rss              []rssStats // one per instance
	serverErrors     []string
	serverErrorCount int
}

// ginRef is the median req/s of the bare Gin runs (0 when none ran).
func (r *report) ginRef() float64 {
	var v []float64
	for _, g := range r.gin {
		v = append(v, g.rps())
	}
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func (r *report) share(rps float64) string {
	ref := r.ginRef()
	if ref == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*rps/ref)
}

func (r *report) String() string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("# Keyhold load run, %s\n\n", time.Now().Format("2006-01-02 15:04:05 MST"))
	p("%d workers per read phase (closed loop), %s per phase; dataset `keyhold %s`.\n", r.o.c, r.o.d, strings.Join(benchArgs, " "))
	if r.o.postgres != "" {
		p("Database: PostgreSQL (%s), %d instances of keyhold serve, each request to one of them in turn or at random.\n",
			redacted(r.o.postgres), r.o.instances)
	} else {
		p("Database: SQLite (run.db), one keyhold serve.\n")
	}
	p("Startup health scan: %s\n\n", r.startupScan)

	if len(r.gin) > 0 {
		var each []string
		for _, g := range r.gin {
			each = append(each, fmt.Sprintf("%.0f", g.rps()))
		}
		p("Bare Gin reference: %.0f req/s (median of %s)\n\n", r.ginRef(), strings.Join(each, ", "))
	}
	p("| type | req/s | share of bare Gin | p50 | p99 | errors |\n|---|---:|---:|---:|---:|---:|\n")
	row := func(x result) {
		p("| %s | %.0f | %s | %s | %s | %s |\n", x.name, x.rps(), r.share(x.rps()), ms(x.pct(0.5)), ms(x.pct(0.99)), errCell(x))
	}
	for _, g := range r.gin {
		row(g)
	}
	for _, x := range r.reads {
		row(x)
	}
	if r.writes != nil {
		row(r.writes.res)
	}

	if w := r.writes; w != nil {
		p("\n## Writes (%d writers, POST /api/v1/accounts/:id/interactions)\n\n", w.res.workers)
		p("%.0f writes/s, p50 %s, p99 %s, errors %s\n", w.res.rps(), ms(w.res.pct(0.5)), ms(w.res.pct(0.99)), errCell(w.res))
		p("%s\n", w.lost())
	}
	for _, s := range r.scans {
		p("\n## Write wait during a `%s` process (%d writers)\n\n", strings.Join(append([]string{"keyhold scan"}, s.args...), " "),
			s.writes.res.workers)
		p("scan took %s, exit status %s", ms(s.took), s.exit)
		if s.stdout != "" {
			p(", said: %s", s.stdout)
		}
		p("\n")
		if s.exit != "0" && s.stderr != "" {
			p("scan stderr: %s\n", s.stderr)
		}
		p("writes overlapping the scan: %d, worst latency %s, failed %d\n", s.during, ms(s.worst), s.failed)
		p("all writes of the phase: %.0f writes/s, p50 %s, p99 %s, errors %s\n", s.writes.res.rps(),
			ms(s.writes.res.pct(0.5)), ms(s.writes.res.pct(0.99)), errCell(s.writes.res))
		p("%s\n", s.writes.lost())
	}
	if h := r.handover; h != nil {
		p("\n## Handover of %d accounts (rep %d, %d team rows in all; %d writers in the background)\n\n",
			r.scenario.Moved, h.rep, h.book, backgroundWriters)
		p("| step | status | time | response bytes | |\n|---|---:|---:|---:|---|\n")
		for _, s := range h.steps {
			p("| %s | %d | %s | %d | %s |\n", s.name, s.status, ms(s.took), s.bytes, oneLine(s.note, 300))
		}
		p("\nwrites overlapping the handover steps: %d, worst latency %s, failed %d\n", h.during, ms(h.worst), h.failed)
		if h.writes.res.requests > 0 {
			p("all writes of the phase: %.0f writes/s, p50 %s, p99 %s, errors %s\n", h.writes.res.rps(),
				ms(h.writes.res.pct(0.5)), ms(h.writes.res.pct(0.99)), errCell(h.writes.res))
			p("%s\n", h.writes.lost())
		}
		p("afterwards: %s\n", h.after)
	}

	if im := r.imports; im != nil {
		p("\n## Import of a %d-row XLSX (%d bytes; %d writers in the background)\n\n", im.rows, im.sheetBytes, backgroundWriters)
		p("| step | status | time | peak RSS | response bytes | |\n|---|---:|---:|---:|---:|---|\n")
		var total time.Duration
		for _, s := range im.steps {
			p("| %s | %d | %s | %d MB | %d | %s |\n", s.name, s.status, ms(s.took), s.peakKB/1024, s.bytes, oneLine(s.note, 200))
			if s.name != "undo" {
				total += s.took
			}
		}
		p("\ndry run and commit together: %s; the server's RSS %d MB before, at most %d MB during the steps\n",
			ms(total), im.startKB/1024, im.peakKB/1024)
		p("writes overlapping the steps: %d, worst latency %s, failed %d\n", im.during, ms(im.worst), im.failed)
		if im.writes.res.requests > 0 {
			p("all writes of the phase: %.0f writes/s, p50 %s, p99 %s, errors %s\n", im.writes.res.rps(),
				ms(im.writes.res.pct(0.5)), ms(im.writes.res.pct(0.99)), errCell(im.writes.res))
			p("%s\n", im.writes.lost())
		}
	}

	p("\n## Memory of keyhold serve\n\n")
	for i, rss := range r.rss {
		if len(r.rss) > 1 {
			p("instance %d: ", i+1)
		}
		if rss.err != nil && rss.samples == 0 {
			p("could not read /proc: %v\n", rss.err)
			continue
		}
		p("RSS at start %s, once ready %s; peak RSS %s (polled every 100 ms, %d samples); VmHWM at the end %s\n",
			mb(rss.startKB), mb(rss.readyKB), mb(rss.peakKB), rss.samples, mb(rss.hwmKB))
		if rss.hwmKB == 0 {
			p("(VmHWM unreadable: the process had already ended)\n")
		}
	}
	p("\nServer log lines at level ERROR: %d\n", r.serverErrorCount)
	for _, l := range r.serverErrors {
		p("    %s\n", oneLine(l, 400))
	}
	return b.String()
}

func errCell(x result) string {
	if x.requests == 0 {
		return "0"
	}
	if x.errs == 0 {
		return "0"
	}
	return fmt.Sprintf("%d (%.1f%%)", x.errs, 100*float64(x.errs)/float64(x.requests))
}

// lost compares the acknowledged writes with the rows run.db holds.
func (w writeReport) lost() string {
	c := w.check
	if c.err != nil {
		return "could not count the rows: " + c.err.Error()
	}
	acked := int64(w.res.acked)
	return fmt.Sprintf("acknowledged (2xx) %d, rows %d, lost (acknowledged − rows) %d, unacknowledged rows (rows − acknowledged) %d, rows without an audit entry %d",
		acked, c.rows, max(acked-c.rows, 0), max(c.rows-acked, 0), c.missingAudit)
}

func mb(kb int64) string { return fmt.Sprintf("%.1f MB", float64(kb)/1024) }

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.ReplaceAll(s, "|", "\\|")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
