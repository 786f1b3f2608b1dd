// Package store opens Keyhold's database — a SQLite file with the pragmas Keyhold relies
// on, or PostgreSQL (postgres.go) — as a pool for writes, where writers take turns, and a
// pool for reads, and applies the embedded goose migrations of its dialect.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"keyhold/migrations"
)

// DB holds the two pools. SQLite allows one writer at a time: every write and every
// transaction goes through Write (one connection, so writers queue instead of failing
// with "database is locked"); plain reads use Read, which runs in parallel under WAL.
type DB struct {
	Write   *gorm.DB
	Read    *gorm.DB
	path    string // the file, or the PostgreSQL URL
	dialect Dialect

	readSQL    *sql.DB   // Read's pool, for the few hot queries that need no GORM
	writeSQL   *sql.DB   // Write's pool
	writeStmts *stmtPool // SQLite: Write's prepared statements
	lockSQL    *sql.DB   // PostgreSQL: connections that hold the jobs' locks

	versionsOnce sync.Once // versionsStmt is prepared on first use
	versionsStmt *sql.Stmt
	versionsErr  error
	settings     *Cache[string, string] // Setting's values, under Versions.Settings

	stopCheckpoints chan struct{}
	checkpointNow   chan struct{} // wakes checkpoint before its tick
	checkpoints     sync.WaitGroup
	closeOnce       sync.Once

	// Batch commits the hot writes in groups on Write (see Batcher).
	Batch *Batcher
}

// pragmas common to both pools. On the write pool _txlock=immediate makes every
// transaction take the write lock at BEGIN, so a transaction that reads then writes never
// fails upgrading its lock; on the read pool a transaction is a read snapshot that must not
// take the write lock at all.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "NORMAL")
	q.Set("_busy_timeout", "5000")
	q.Set("_foreign_keys", "on")
	if readOnly {
		q.Set("_query_only", "on")
		q.Set("_txlock", "deferred")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Dialect is the kind of database.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Dialect says which kind of database db is.
func (db *DB) Dialect() Dialect { return db.dialect }

// gormConfig is GORM's configuration for both pools of both dialects.
func gormConfig() *gorm.Config {
	return &gorm.Config{
		SkipDefaultTransaction: true,
		PrepareStmt:            false,
		Logger:                 logger.Discard,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	}
}

// Open opens the database KEYHOLD_DB names: a postgres:// URL, or a SQLite file (created
// if needed). It does not migrate.
func Open(dsn string) (*DB, error) {
	if IsPostgres(dsn) {
		return openPostgres(dsn)
	}
	return openSQLite(dsn)
}

func openSQLite(path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
	}
	// The reader keeps GORM's prepared statements. Statements with IN lists differ by
	// their length; without a bound the cache grows with every new length (memory after
	// large handovers).
	rcfg := gormConfig()
	rcfg.PrepareStmt, rcfg.PrepareStmtMaxSize, rcfg.PrepareStmtTTL = true, 256, 10*time.Minute
	// The writer keeps its own prepared statements (stmts.go): GORM's are prepared again
	// on every use inside a transaction, and every write is in one.
	wsql, err := sql.Open(sqlite.DriverName, dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	stmts := newStmtPool(wsql)
	w, err := gorm.Open(sqlite.New(sqlite.Config{Conn: stmts}), gormConfig())
	if err != nil {
		wsql.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	wsql.SetMaxOpenConns(1)
	wsql.SetMaxIdleConns(1)
	wsql.SetConnMaxLifetime(0)
	// The first connection creates the file and switches it to WAL before readers open it.
	if err := wsql.Ping(); err != nil {
		wsql.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r, err := gorm.Open(sqlite.Open(dsn(path, true)), rcfg)
	if err != nil {
		wsql.Close()
		return nil, fmt.Errorf("open %s for reading: %w", path, err)
	}
	rsql, err := r.DB()
	if err != nil {
		wsql.Close()
		return nil, err
	}
	n := readers()
	rsql.SetMaxOpenConns(n)
	rsql.SetMaxIdleConns(n)
	db := &DB{Write: w, Read: r, path: path, dialect: SQLite, readSQL: rsql, writeSQL: wsql, writeStmts: stmts, Batch: newBatcher(w), stopCheckpoints: make(chan struct{}),
		checkpointNow: make(chan struct{}, 1),
		settings:      NewCache[string, string](64)}
	db.checkpoints.Add(1)
	go db.checkpoint()
	return db, nil
}

// readers is the size of the read pool: two connections per core keep the cores busy
// while some reads wait on the disk.
func readers() int { return 2 * runtime.NumCPU() }

// Pools are the database's connection pools by name, for the metrics.
func (db *DB) Pools() map[string]*sql.DB {
	return map[string]*sql.DB{"write": db.writeSQL, "read": db.readSQL}
}

// Readers is how many reads run at once, one per connection of the read pool.
func (db *DB) Readers() int { return readers() }

// checkpointEvery is how often the WAL is copied back into the database file.
const checkpointEvery = 250 * time.Millisecond

// checkpoint copies the WAL back into the database file in the background, from a read
// connection and without blocking writers (PASSIVE). Otherwise the writer does it itself
// when the WAL passes 1,000 pages, at the end of some commit, with an fsync of the
// database file: the writes of that batch and every write queued behind it wait for it.
func (db *DB) checkpoint() {
	defer db.checkpoints.Done()
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-db.stopCheckpoints:
			return
		case <-t.C:
		case <-db.checkpointNow:
		}
		if _, err := db.readSQL.Exec("PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
			slog.Warn("WAL checkpoint failed", "err", err)
		}
	}
}

// autocheckpointPages is SQLite's default: the writer copies the WAL back itself at the
// end of a commit that leaves it longer (checkpoint keeps it shorter in the background).
const autocheckpointPages = 1000

// withoutAutocheckpoint runs a large write (fn) whose commit must not copy the WAL back
// on the write connection: a handover's thousands of pages took 0.2 s more, the writers
// queued behind it waiting. The background checkpoint is woken instead; a write commit
// that tries meanwhile finds it busy and goes on (PASSIVE).
func (db *DB) withoutAutocheckpoint(ctx context.Context, fn func() error) error {
	if db.dialect != SQLite {
		return fn()
	}
	w := db.Write.WithContext(ctx)
	if err := w.Exec("PRAGMA wal_autocheckpoint = 0").Error; err != nil {
		return err
	}
	err := fn()
	// fn's outcome stands whatever happens here (it may have committed): a failure to
	// restore is logged, and the background checkpoint still bounds the WAL.
	if e := w.Exec(fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", autocheckpointPages)).Error; e != nil {
		slog.Error("restore WAL autocheckpoint", "err", e)
	}
	select {
	case db.checkpointNow <- struct{}{}:
	default: // one is on its way
	}
	return err
}

// Close answers the queued writes, then closes both pools.
func (db *DB) Close() error {
	db.Batch.close()
	db.closeOnce.Do(func() {
		if db.stopCheckpoints != nil {
			close(db.stopCheckpoints)
		}
	})
	db.checkpoints.Wait()
	var first error
	if db.versionsStmt != nil {
		first = db.versionsStmt.Close()
	}
	if db.writeStmts != nil {
		db.writeStmts.close()
	}
	if db.lockSQL != nil {
		db.lockSQL.Close()
	}
	for _, g := range []*gorm.DB{db.Read, db.Write} {
		if s, err := g.DB(); err == nil {
			if err := s.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	s, err := db.Read.DB()
	if err != nil {
		return err
	}
	return s.PingContext(ctx)
}

// Migrate applies the pending embedded migrations of the database's dialect.
func (db *DB) Migrate(ctx context.Context) error {
	if db.dialect == Postgres {
		return migratePostgres(ctx, db.writeSQL)
	}
	return migrate(ctx, db.writeSQL)
}

func migrate(ctx context.Context, s *sql.DB) error {
	p, err := goose.NewProvider(goose.DialectSQLite3, s, migrations.SQLite())
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
