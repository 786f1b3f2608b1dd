package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// loadDatabase is the database keyload makes afresh on the -postgres server each run.
const loadDatabase = "keyhold_load"

// preparePostgres makes loadDatabase afresh on the server and copies the prepared run.db
// into it with keyhold copy; it answers the database's URL.
func preparePostgres(ctx context.Context, o options, p paths) (string, error) {
	admin, err := sql.Open("pgx", o.postgres)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	for _, q := range []string{"DROP DATABASE IF EXISTS " + loadDatabase + " WITH (FORCE)", "CREATE DATABASE " + loadDatabase} {
		if _, err := admin.ExecContext(ctx, q); err != nil {
			return "", fmt.Errorf("-postgres: %w", err)
		}
	}
	u, err := url.Parse(o.postgres)
	if err != nil {
		return "", err
	}
	u.Path = "/" + loadDatabase
	db := u.String()
	start := time.Now()
	cmd := exec.CommandContext(ctx, o.keyhold, "copy", "--to", db)
	cmd.Env = append(os.Environ(), "KEYHOLD_DB="+p.run)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("keyhold copy: %w: %s", err, out)
	}
	fmt.Printf("postgres: %s (%s)\n", strings.TrimSpace(string(out)), time.Since(start).Round(time.Millisecond))
	return db, nil
}

// redacted is a database name or URL without its password.
func redacted(db string) string {
	if u, err := url.Parse(db); err == nil && u.Scheme != "" {
		return u.Redacted()
	}
	return db
}
