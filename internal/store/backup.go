package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"time"

	"gorm.io/driver/sqlite"
)

// BackupReport says what a backup holds, read back from the copy itself.
type BackupReport struct {
	Bytes                         int64
	Took                          time.Duration
	Version                       int64 // the schema's migration version
	Users, Accounts, AuditEntries int64
}

// Backup copies the database at path into a new file with VACUUM INTO: one consistent
// snapshot, taken on a connection of its own, so a serving process's writers go on (WAL)
// while it is read. The copy is then opened on its own and checked — integrity, schema
// version, and what it holds — before Backup says it is good. An existing file is never
// overwritten.
func Backup(ctx context.Context, path, to string) (BackupReport, error) {
	var r BackupReport
	if IsPostgres(path) {
		return r, errNoBackup
	}
	start := time.Now()
	if _, err := os.Stat(to); err == nil {
		return r, fmt.Errorf("backup: %s exists; choose a new file", to)
	} else if !errors.Is(err, os.ErrNotExist) {
		return r, fmt.Errorf("backup: %w", err)
	}
	if _, err := os.Stat(path); err != nil {
		return r, fmt.Errorf("backup: the database %s: %w", path, err)
	}
	src, err := sql.Open(sqlite.DriverName, dsn(path, false))
	if err != nil {
		return r, err
	}
	defer src.Close()
	if _, err := src.ExecContext(ctx, "VACUUM INTO ?", to); err != nil {
		os.Remove(to)
		return r, fmt.Errorf("backup: %w", err)
	}
	r, err = CheckBackup(ctx, to)
	if err != nil {
		return r, fmt.Errorf("backup written to %s but it does not check out: %w", to, err)
	}
	r.Took = time.Since(start)
	return r, nil
}

// CheckBackup opens a backup read-only and checks it: SQLite's integrity check, a schema
// version, and the rows it holds.
func CheckBackup(ctx context.Context, file string) (BackupReport, error) {
	var r BackupReport
	fi, err := os.Stat(file)
	if err != nil {
		return r, err
	}
	r.Bytes = fi.Size()
	db, err := sql.Open(sqlite.DriverName, "file:"+file+"?mode=ro&_query_only=on")
	if err != nil {
		return r, err
	}
	defer db.Close()
	var ok string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil {
		return r, err
	}
	if ok != "ok" {
		return r, fmt.Errorf("integrity check: %s", ok)
	}
	if err := db.QueryRowContext(ctx, "SELECT MAX(version_id) FROM goose_db_version WHERE is_applied").Scan(&r.Version); err != nil {
		return r, fmt.Errorf("schema version: %w", err)
	}
	for table, n := range map[string]*int64{"users": &r.Users, "accounts": &r.Accounts, "audit_entries": &r.AuditEntries} {
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(n); err != nil {
			return r, fmt.Errorf("count %s: %w", table, err)
		}
	}
	return r, nil
}
