// Package storetest gives tests a database — never a mock: a real SQLite file in the
// test's temporary folder, or, when KEYHOLD_TEST_DIALECT=postgres, a fresh database on
// the PostgreSQL server KEYHOLD_TEST_POSTGRES names (`make test` runs the suite both ways).
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"keyhold/internal/store"
)

// Postgres says whether this run's tests use PostgreSQL.
func Postgres() bool { return os.Getenv("KEYHOLD_TEST_DIALECT") == "postgres" }

// Open returns a freshly migrated database for tb.
func Open(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(DSN(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return db
}

// DSN names a new database for tb (KEYHOLD_DB's value): a file in tb's temporary
// folder, or a PostgreSQL database created for tb — migrated already, from a template
// this process migrates once — and dropped when tb ends.
func DSN(tb testing.TB) string {
	tb.Helper()
	return newDatabase(tb, true)
}

// Unmigrated is DSN without the migrations: for tests of migrating.
func Unmigrated(tb testing.TB) string {
	tb.Helper()
	return newDatabase(tb, false)
}

func newDatabase(tb testing.TB, migrated bool) string {
	tb.Helper()
	if !Postgres() {
		return filepath.Join(tb.TempDir(), "keyhold.db")
	}
	server := os.Getenv("KEYHOLD_TEST_POSTGRES")
	if server == "" {
		tb.Fatal("KEYHOLD_TEST_DIALECT=postgres needs KEYHOLD_TEST_POSTGRES, the URL of a PostgreSQL server to create test databases on")
	}
	admin, err := pg.admin(server)
	if err != nil {
		tb.Fatal(err)
	}
	name, err := pg.create(admin, server, migrated)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if _, err := admin.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`); err != nil {
			tb.Logf("drop test database %s: %v", name, err)
		}
	})
	return withDatabase(server, name)
}

// server is this process's connection to the test server and its migrated template.
type server struct {
	mu       sync.Mutex
	db       *sql.DB
	template string // migrated once per process; every test's database is a copy
	n        int
}

var pg server

func (p *server) admin(url string) (*sql.DB, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.db == nil {
		db, err := sql.Open("pgx", url)
		if err != nil {
			return nil, err
		}
		p.db = db
	}
	return p.db, nil
}

// create makes a new database, a copy of the template (made and migrated on first use).
// Copies are made one at a time: PostgreSQL refuses to copy a template that another copy
// is reading.
func (p *server) create(admin *sql.DB, url string, migrated bool) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !migrated {
		p.n++
		name := fmt.Sprintf("%s_%d_%d", prefix(), os.Getpid(), p.n)
		_, err := admin.Exec(`CREATE DATABASE "` + name + `"`)
		return name, err
	}
	if p.template == "" {
		dropStale(admin)
		name := fmt.Sprintf("%s_%d_template", prefix(), os.Getpid())
		if _, err := admin.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`); err != nil {
			return "", err
		}
		if _, err := admin.Exec(`CREATE DATABASE "` + name + `"`); err != nil {
			return "", fmt.Errorf("create the test template: %w", err)
		}
		db, err := store.Open(withDatabase(url, name))
		if err != nil {
			return "", err
		}
		err = db.Migrate(context.Background())
		db.Close()
		if err != nil {
			return "", fmt.Errorf("migrate the test template: %w", err)
		}
		p.template = name
	}
	p.n++
	name := fmt.Sprintf("%s_%d_%d", prefix(), os.Getpid(), p.n)
	if _, err := admin.Exec(`CREATE DATABASE "` + name + `" TEMPLATE "` + p.template + `"`); err != nil {
		return "", fmt.Errorf("create a test database: %w", err)
	}
	return name, nil
}

// prefix begins the names of this machine's test databases: keyhold_test_ and a hash of
// the host name, so that machines sharing a server never take each other's for stale.
func prefix() string {
	host, _ := os.Hostname()
	h := fnv.New32a()
	h.Write([]byte(host))
	return fmt.Sprintf("keyhold_test_%08x", h.Sum32())
}

// dropStale drops this machine's test databases whose test process is gone (killed
// before its cleanup ran); each is named for its process.
func dropStale(admin *sql.DB) {
	rows, err := admin.Query("SELECT datname FROM pg_database WHERE datname LIKE $1", prefix()+"_%")
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		var pid int
		if rows.Scan(&name) == nil {
			if _, err := fmt.Sscanf(strings.TrimPrefix(name, prefix()+"_"), "%d_", &pid); err == nil && syscall.Kill(pid, 0) == syscall.ESRCH {
				stale = append(stale, name)
			}
		}
	}
	rows.Close()
	for _, name := range stale {
		admin.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`)
	}
}

// withDatabase is the server URL s with its database set to name.
func withDatabase(s, name string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	u.Path = "/" + name
	return u.String()
}
