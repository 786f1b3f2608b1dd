package store

import (
	"context"
	"database/sql"
	"log/slog"
	"time"
)

// Job is work that one instance at a time does, whichever instances serve the database.
type Job int64

// The jobs, as keys of PostgreSQL advisory locks in Keyhold's class (lockWrites is 1).
const (
	JobScan   Job = 2 // the periodic health scan
	JobOutbox Job = 3 // the outbox's sender and the weekly digests
)

func (j Job) String() string {
	switch j {
	case JobScan:
		return "scan"
	case JobOutbox:
		return "outbox"
	}
	return "job"
}

// jobRetry is how often an instance that does not hold a job's lock tries to take it:
// the longest a job stands still after the instance doing it dies.
var jobRetry = 2 * time.Second

// Exclusively runs fn until ctx ends, on one instance at a time. On PostgreSQL fn runs
// while this process holds job's advisory lock, a session lock on a connection of its
// own: released when fn returns, or by the server when the process dies and the
// connection with it; the other instances keep trying, and one of them takes over. If
// the connection fails while fn runs, fn's context is cancelled (the lock went with it)
// and the process tries again. On SQLite, a file on one machine, fn just runs.
//
// held, when not nil, is told when this process takes the lock (true) and lets it go.
func (db *DB) Exclusively(ctx context.Context, job Job, held func(bool), fn func(ctx context.Context)) {
	if held == nil {
		held = func(bool) {}
	}
	if db.dialect != Postgres {
		held(true)
		fn(ctx)
		held(false)
		return
	}
	// One connection per job, kept while this process waits its turn: asking again every
	// jobRetry costs a query, not a new session.
	var conn *sql.Conn
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	for ctx.Err() == nil {
		if conn == nil {
			c, err := db.lockSQL.Conn(ctx)
			if err != nil && ctx.Err() == nil {
				slog.Warn("job lock: no connection", "job", job.String(), "err", err)
			}
			conn = c
		}
		if conn != nil {
			var got bool
			err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1, $2)", lockClass, int64(job)).Scan(&got)
			switch {
			case err != nil:
				conn.Close() // a new one next time
				conn = nil
			case got:
				held(true)
				db.holding(ctx, conn, job, fn)
				held(false)
				conn = nil // closed by holding, and the lock with it
				continue
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(jobRetry):
		}
	}
}

// holding runs fn while conn holds the lock, checking every jobRetry that the
// connection (and so the lock) is still there.
func (db *DB) holding(ctx context.Context, conn *sql.Conn, job Job, fn func(ctx context.Context)) {
	fctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); fn(fctx) }()
	t := time.NewTicker(jobRetry)
	defer t.Stop()
	for running := true; running; {
		select {
		case <-done:
			running = false
		case <-t.C:
			pctx, cancel := context.WithTimeout(ctx, jobRetry)
			err := conn.PingContext(pctx)
			cancel()
			if err != nil && ctx.Err() == nil {
				slog.Error("job lock lost: stopping the job", "job", job.String(), "err", err)
				stop()
				<-done
				running = false
			}
		}
	}
	stop()
	// Closing the connection ends its session and so its lock (the lock pool keeps no
	// idle connections).
	conn.Close()
}
