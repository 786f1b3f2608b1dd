// Command keyload is Keyhold's load harness (`make load`): it prepares the benchmark
// dataset, starts `keyhold serve` on a copy of it next to a bare Gin baseline, and drives
// both with a closed-loop generator, one phase per request type, then prints a table.
//
//	keyload [flags]              run the harness
//	keyload baseline -addr A     serve the bare Gin baseline (GET /hello) on A
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// options are the harness flags.
type options struct {
	c        int           // concurrent workers per read phase and in the writes phase
	d        time.Duration // length of one phase
	only     []string      // phases to run; empty means all
	keyhold  string        // the keyhold binary
	reuseRun bool          // keep data/load/run.db from the previous run
	dir      string        // where the datasets and the report live
	seed     uint64        // random seed; 0 means from the clock

	postgres  string // a PostgreSQL server's URL: run there instead of on run.db
	instances int    // keyhold serve processes (on PostgreSQL; SQLite runs one)

	importRows int // rows of the import phase's sheet
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "baseline" {
		if err := baseline(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "keyload baseline:", err)
			os.Exit(1)
		}
		return
	}
	o, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "keyload:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err = run(ctx, o)
	stop()
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "keyload: interrupted; the servers are stopped")
		os.Exit(130)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "keyload:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("keyload", flag.ContinueOnError)
	var o options
	var only string
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: keyload [flags]   (run from the repository root; make load does)\n"+
			"       keyload baseline -addr HOST:PORT   (the bare Gin reference server)\n\nflags:\n")
		fs.PrintDefaults()
	}
	fs.IntVar(&o.c, "c", 32, "concurrent workers (closed loop) for the read phases and the writes phase")
	fs.DurationVar(&o.d, "d", 10*time.Second, "duration of each phase")
	fs.StringVar(&only, "only", "", "comma-separated phases to run (default all): "+strings.Join(phaseNames(), ","))
	fs.StringVar(&o.keyhold, "keyhold", "bin/keyhold", "path of the keyhold binary")
	fs.BoolVar(&o.reuseRun, "reuse-run", false, "reuse data/load/run.db from the previous run instead of a fresh copy")
	fs.StringVar(&o.dir, "dir", "data/load", "directory of the datasets and of last.txt")
	fs.Uint64Var(&o.seed, "seed", 0, "random seed (0: from the clock)")
	fs.StringVar(&o.postgres, "postgres", "", "run on PostgreSQL: the URL of a server whose user may create databases; "+
		"the prepared run.db is copied (keyhold copy) into its database "+loadDatabase)
	fs.IntVar(&o.importRows, "import-rows", 100_000, "rows of the sheet the import phase brings in (issue 15: 100,000 in under a minute, RSS under 200 MB)")
	fs.IntVar(&o.instances, "instances", 2, "with -postgres, how many keyhold serve processes share the database")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q (the only subcommand is baseline)", fs.Args())
	}
	if o.c < 1 || o.d <= 0 || o.importRows < 1 {
		return o, errors.New("-c and -import-rows must be at least 1 and -d positive")
	}
	if o.postgres == "" {
		o.instances = 1
	} else if o.instances < 1 {
		return o, errors.New("-instances must be at least 1")
	}
	for _, p := range strings.Split(only, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if !slices.Contains(phaseNames(), p) {
			return o, fmt.Errorf("-only: unknown phase %q; phases are %s", p, strings.Join(phaseNames(), ","))
		}
		o.only = append(o.only, p)
	}
	if o.seed == 0 {
		o.seed = uint64(time.Now().UnixNano())
	}
	return o, nil
}

// wants reports whether phase p runs.
func (o options) wants(p string) bool { return len(o.only) == 0 || slices.Contains(o.only, p) }

// run is the whole harness; its deferred clean-ups stop the child processes on every
// path, Ctrl-C included (the context ends and every phase returns).
func run(ctx context.Context, o options) (retErr error) {
	if _, err := os.Stat(o.keyhold); err != nil {
		return fmt.Errorf("keyhold binary: %w (build it with make build, or pass -keyhold)", err)
	}
	keyhold, err := filepath.Abs(o.keyhold)
	if err != nil {
		return err
	}
	o.keyhold = keyhold
	if err := os.MkdirAll(o.dir, 0o755); err != nil {
		return err
	}
	p := newPaths(o.dir)
	fmt.Printf("keyload: seed %d, %d workers, %s per phase\n", o.seed, o.c, o.d)
	if err := ensureBench(ctx, o.keyhold, p); err != nil {
		return err
	}
	if err := prepareRun(p, o.reuseRun); err != nil {
		return err
	}
	sc, err := prepareScenario(ctx, p, o.reuseRun)
	if err != nil {
		return err
	}

	db := p.run
	if o.postgres != "" {
		if db, err = preparePostgres(ctx, o, p); err != nil {
			return err
		}
	}
	// Should a server die mid-run, stop at once rather than measure refused connections.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	defer func() {
		if err := context.Cause(ctx); err != nil && retErr != nil && !errors.Is(err, context.Canceled) {
			retErr = err
		}
	}()
	srvs := make([]*server, o.instances)
	for i := range srvs {
		srv, err := startKeyhold(ctx, o.keyhold, p, db, i)
		if err != nil {
			return err
		}
		defer srv.stop()
		srvs[i] = srv
		go func() {
			<-srv.done
			if !srv.stopping.Load() {
				how := fmt.Sprint(srv.err)
				if srv.err == nil {
					how = "exit status 0: a graceful shutdown, so something outside keyload sent it SIGINT or SIGTERM"
				}
				cancel(fmt.Errorf("keyhold serve exited mid-run (%s); see %s", how, srv.log))
			}
		}()
	}
	rss := make([]*rssWatcher, len(srvs))
	for i, srv := range srvs {
		rss[i] = watchRSS(srv.pid())
		defer rss[i].stop()
	}
	base, err := startBaseline(ctx)
	if err != nil {
		return err
	}
	defer base.stop()
	startupScan, err := waitReady(ctx, srvs)
	if err != nil {
		return err
	}
	for _, w := range rss {
		w.markReady()
	}
	if err := waitHTTP(ctx, base.url+"/hello", base, 30*time.Second); err != nil {
		return fmt.Errorf("baseline: %w", err)
	}

	urls := make([]string, len(srvs))
	for i, srv := range srvs {
		urls[i] = srv.url
	}
	h := newHarness(o, p, db, urls, base.url, sc)
	for _, srv := range srvs {
		h.pids = append(h.pids, srv.pid())
	}
	if err := h.signIn(ctx); err != nil {
		return err
	}
	rep := &report{o: o, scenario: sc, startupScan: startupScan}
	if err := h.runPhases(ctx, rep); err != nil {
		return err
	}
	for i, srv := range srvs {
		rep.rss = append(rep.rss, rss[i].stop())
		lines, n := srv.errorLines()
		rep.serverErrors, rep.serverErrorCount = append(rep.serverErrors, lines...), rep.serverErrorCount+n
	}
	text := rep.String()
	fmt.Print("\n" + text)
	if err := os.WriteFile(p.last, []byte(text), 0o644); err != nil {
		return err
	}
	fmt.Printf("(also written to %s; server log in %s)\n", p.last, srvs[0].log)
	return nil
}
