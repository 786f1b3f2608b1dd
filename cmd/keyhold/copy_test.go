package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"keyhold/internal/store/storetest"
)

// keyhold copy moves the demo organisation from its SQLite file into an empty PostgreSQL
// database: every table's rows and the audit log intact, ids kept, and the copy serves
// (a demo login, the same accounts, new rows after the copied ones). A second copy into
// the same database is refused and changes nothing.
func TestCopyToPostgres(t *testing.T) {
	if !storetest.Postgres() {
		t.Skip("needs a PostgreSQL server (KEYHOLD_TEST_DIALECT=postgres)")
	}
	src := map[string]string{"KEYHOLD_DB": filepath.Join(t.TempDir(), "team.db")}
	if err := run(context.Background(), []string{"demo"}, env(src), &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	to := storetest.Unmigrated(t)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"copy", "--to", to}, env(src), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "audit log entry by entry") {
		t.Fatalf("copy said: %s", out.String())
	}

	counts := func(dsn, driver string) string {
		db, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var b strings.Builder
		for _, q := range []string{"SELECT COUNT(*), MAX(id) FROM accounts", "SELECT COUNT(*), MAX(id) FROM interactions",
			"SELECT COUNT(*), MAX(id) FROM audit_entries", "SELECT COUNT(*), MAX(account_id) FROM account_team",
			"SELECT COUNT(*), SUM(annual_value) FROM accounts WHERE tier = 'key'", "SELECT COUNT(*), MAX(manager_id) FROM users"} {
			var n, m int64
			if err := db.QueryRow(q).Scan(&n, &m); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s: %d %d\n", q, n, m)
		}
		return b.String()
	}
	if a, b := counts(src["KEYHOLD_DB"], "sqlite3"), counts(to, "pgx"); a != b {
		t.Errorf("source:\n%s\ncopy:\n%s", a, b)
	}

	_, base := startChild(t, []string{"KEYHOLD_DB=" + to, "KEYHOLD_ADDR=127.0.0.1:0", "KEYHOLD_SCAN_INTERVAL=24h"})
	token := mustCall(t, base, "POST", "/api/v1/auth/login", "", `{"email":"wang.li@keyhold.demo","password":"keyhold-demo"}`, 200)["token"].(string)
	list := mustCall(t, base, "GET", "/api/v1/accounts?per_page=1", token, "", 200)
	if fmt.Sprint(list["total"]) == "0" {
		t.Errorf("the copy lists no accounts: %v", list)
	}
	created := mustCall(t, base, "POST", "/api/v1/accounts", token, `{"name":"After the move","tier":"key"}`, 201)
	if id := created["id"].(float64); id <= 300 {
		t.Errorf("a new account took id %v, one of the copied ones", id)
	}

	before := counts(to, "pgx")
	err := run(context.Background(), []string{"copy", "--to", to}, env(src), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "already holds an organisation") {
		t.Fatalf("second copy: %v", err)
	}
	if after := counts(to, "pgx"); after != before {
		t.Errorf("the refused copy changed the target:\n%s\n%s", before, after)
	}
}
