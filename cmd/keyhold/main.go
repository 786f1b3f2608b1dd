// Command keyhold is the Keyhold server: key-account retention CRM in one binary.
//
//	keyhold serve     apply pending migrations, then serve HTTP
//	keyhold migrate   apply pending migrations and exit
//	keyhold scan      rescore every account's health once (--full: recount every interaction window)
//	keyhold demo      seed the demo organisation into an empty database
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/crypto/bcrypt"

	"keyhold/internal/app"
	"keyhold/internal/config"
	"keyhold/internal/demo"
	"keyhold/internal/health"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Structured logs, one JSON object a line, for the operators' collectors;
	// KEYHOLD_LOG_FORMAT=text for a person reading a terminal.
	var h slog.Handler = slog.NewJSONHandler(os.Stderr, nil)
	if os.Getenv("KEYHOLD_LOG_FORMAT") == "text" {
		h = slog.NewTextHandler(os.Stderr, nil)
	}
	slog.SetDefault(slog.New(h))
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "keyhold:", err)
		os.Exit(1)
	}
}

const usage = `usage: keyhold <command> [flags]

commands:
  serve     apply pending migrations, then serve HTTP on KEYHOLD_ADDR
  migrate   apply pending migrations and exit
  scan      rescore every account's health once (for cron)
            flags: --full (count every account's interaction windows again, not only
            those that can have changed since the last scan)
  backup    FILE: copy the SQLite database into a new file, safely while it serves, and
            check the copy (integrity, schema version, what it holds); on PostgreSQL,
            use pg_dump (see the README)
  copy      --to postgres://…: copy the organisation from its SQLite file (KEYHOLD_DB)
            into an empty PostgreSQL database, and check every count and the audit log
  demo      seed the demo organisation into an empty database
            flags: --accounts N --interactions N --contacts N --key-share F --seed N --if-empty`

// windowsCounted says whose interaction windows a scan counted.
func windowsCounted(res health.ScanResult) string {
	if res.Full {
		return "interaction windows counted for every account"
	}
	return fmt.Sprintf("interaction windows counted again for %d", res.Recounted)
}

// run is main without the process: tests call it with their own arguments and environment.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		return err
	}
	switch args[0] {
	case "serve":
		return serve(ctx, cfg, stdout, nil)
	case "migrate":
		db, err := store.Open(cfg.DB)
		if err != nil {
			return err
		}
		defer db.Close()
		if err := db.Migrate(ctx); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "database %s is up to date\n", store.Redacted(cfg.DB))
		return nil
	case "demo":
		return seedDemo(ctx, cfg, args[1:], stdout)
	case "scan":
		fs := flag.NewFlagSet("scan", flag.ContinueOnError)
		fs.SetOutput(stdout)
		full := fs.Bool("full", false, "count every account's interaction windows again")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		// The database and the health service only: a scan beside a busy server should
		// not first build the web layer it never uses.
		db, err := store.Open(cfg.DB)
		if err != nil {
			return err
		}
		defer db.Close()
		if err := db.Migrate(ctx); err != nil {
			return err
		}
		h := health.New(db, func() time.Time { return time.Now().UTC() })
		scan := h.Scan
		if *full {
			scan = h.FullScan
		}
		res, err := scan(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "scanned %d accounts in %s (%s): %d flagged, %d changed level\n", res.Accounts,
			res.Took.Round(time.Millisecond), windowsCounted(res), res.Flagged, res.Changed)
		return nil
	case "backup":
		if len(args) != 2 || strings.HasPrefix(args[1], "-") {
			return errors.New("usage: keyhold backup FILE (a new file)")
		}
		r, err := store.Backup(ctx, cfg.DB, args[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "backed up %s to %s: %.1f MB in %s; checked: integrity ok, schema version %d, %d users, %d accounts, %d audit entries\n",
			store.Redacted(cfg.DB), args[1], float64(r.Bytes)/(1<<20), r.Took.Round(time.Millisecond), r.Version, r.Users, r.Accounts, r.AuditEntries)
		return nil
	case "copy":
		fs := flag.NewFlagSet("copy", flag.ContinueOnError)
		fs.SetOutput(stdout)
		to := fs.String("to", "", "the PostgreSQL database to copy into: postgres://user:password@host:5432/database")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if !store.IsPostgres(*to) || fs.NArg() > 0 {
			return errors.New("usage: keyhold copy --to postgres://user:password@host:5432/database (an empty database)")
		}
		src, err := store.Open(cfg.DB)
		if err != nil {
			return err
		}
		defer src.Close()
		r, err := store.Copy(ctx, src, *to)
		if err != nil {
			return err
		}
		var total int64
		for _, n := range r.Rows {
			total += n
		}
		fmt.Fprintf(stdout, "copied %s to %s in %s: %d rows in %d tables, schema version %d; checked before the commit: every table's rows against the source's, and the audit log entry by entry (%d entries, chain sha256 %s)\n",
			store.Redacted(cfg.DB), store.Redacted(*to), r.Took.Round(time.Millisecond), total, len(r.Rows), r.Version, r.Rows["audit_entries"], r.Audit)
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}

// serveMemoryLimit is the Go heap's soft limit in serve (SQLite's page caches and the
// binary come on top, about 40 MB). The accounts in memory hold about 17 MB: at 80 MiB
// the collector ran seven times a second under 32 readers and took 15% of the CPU; at
// 96 MiB lists answer about 15% more and the peak RSS of make load stays under 140 MB.
const serveMemoryLimit = 96 << 20

// serve runs the HTTP server until ctx ends. ready, when not nil, receives the address
// it listens on (tests listen on port 0).
func serve(ctx context.Context, cfg config.Config, stdout io.Writer, ready chan<- string) error {
	// A server keeps a bounded heap: the garbage of a full scan or a large handover is
	// collected and given back instead of staying resident. GOMEMLIMIT overrides it.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemoryLimit)
	}
	a, err := app.Open(ctx, cfg, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: a.Handler, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	fmt.Fprintf(stdout, "Keyhold is serving on http://%s (database %s)\n", ln.Addr(), store.Redacted(cfg.DB))
	// The scan and the sender stop, and their jobs' locks go, before the database closes.
	scans, stopScans := context.WithCancel(ctx)
	var background sync.WaitGroup
	defer func() { stopScans(); background.Wait() }()
	background.Go(func() { a.RunScans(scans, cfg.ScanInterval) })
	background.Go(func() { a.RunSender(scans) })
	if ready != nil {
		ready <- ln.Addr().String()
	}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	if cfg.MetricsAddr != "" {
		// The metrics on an address of their own: operators reach it, the public does not.
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			return err
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", a.Metrics.Handler())
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		defer msrv.Close()
		fmt.Fprintf(stdout, "metrics on http://%s/metrics\n", mln.Addr())
		go func() { errc <- msrv.Serve(mln) }()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Stop taking connections; let the requests in flight finish (10 s at most).
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

func seedDemo(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stdout)
	accounts := fs.Int("accounts", 300, "number of accounts")
	interactions := fs.Int("interactions", 0, "number of interactions (default: about a year's worth)")
	seed := fs.Int64("seed", 1, "random seed")
	keyShare := fs.Float64("key-share", 0.15, "share of key accounts")
	contacts := fs.Int("contacts", 0, "total contacts (default: about 3 per account)")
	ifEmpty := fs.Bool("if-empty", false, "do nothing (and succeed) when the database already has data")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := store.Open(cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	hash, err := staff.New(db, time.Now, bcrypt.DefaultCost).HashPassword(demo.Password)
	if err != nil {
		return err
	}
	start := time.Now()
	sum, err := demo.Seed(ctx, db, demo.Options{Now: time.Now().UTC(), Seed: *seed, Accounts: *accounts,
		Interactions: *interactions, PasswordHash: hash, KeyShare: *keyShare, Contacts: *contacts})
	logins := sum.Logins
	switch {
	case errors.Is(err, demo.ErrNotEmpty) && *ifEmpty:
		fmt.Fprintf(stdout, "database %s already has data; not seeding the demo\n", store.Redacted(cfg.DB))
		if logins, err = demo.Logins(ctx, db, maxLoginsShown); err != nil || len(logins) == 0 {
			return err
		}
	case err != nil:
		return err
	default:
		fmt.Fprintf(stdout, "seeded %s in %s: %d users, %d accounts, %d contacts, %d interactions\n",
			store.Redacted(cfg.DB), time.Since(start).Round(time.Millisecond), sum.Users, sum.Accounts, sum.Contacts, sum.Interactions)
		res, err := health.New(db, time.Now).Scan(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "scored %d accounts in %s: %d flagged\n", res.Accounts, res.Took.Round(time.Millisecond), res.Flagged)
	}
	fmt.Fprintf(stdout, "demo logins (every password is %q):\n", demo.Password)
	for i, l := range logins {
		if i == maxLoginsShown {
			fmt.Fprintf(stdout, "  … and %d more\n", len(logins)-i)
			break
		}
		fmt.Fprintf(stdout, "  %-8s %-16s %s\n", l.Role, l.Name, l.Email)
	}
	return nil
}

// maxLoginsShown keeps the printed list short on large datasets.
const maxLoginsShown = 12
