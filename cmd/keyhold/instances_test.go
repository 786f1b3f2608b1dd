package main

import (
	"bufio"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"keyhold/internal/store/storetest"
)

// Two `keyhold serve` processes on one PostgreSQL database behave as one: they start at
// the same moment on an empty database (migrated once, one admin), a write on one is
// read on the other at once, a token ended on one is refused by both, failed
// sign-ins count on both, and the scan and the outbox run on one of them — on the other
// once the first dies.
func TestTwoInstancesOnePostgres(t *testing.T) {
	if !storetest.Postgres() {
		t.Skip("several instances share a PostgreSQL database (KEYHOLD_TEST_DIALECT=postgres)")
	}
	const metricsToken = "metrics-token-metrics-token-0123456789"
	dsn := storetest.Unmigrated(t)
	env := []string{"KEYHOLD_DB=" + dsn, "KEYHOLD_ADDR=127.0.0.1:0", "KEYHOLD_SCAN_INTERVAL=1m",
		"KEYHOLD_ADMIN_EMAIL=boss@example.com", "KEYHOLD_ADMIN_PASSWORD=boss-password", "KEYHOLD_METRICS_TOKEN=" + metricsToken}
	var cmds [2]*childProcess
	var wg sync.WaitGroup
	for i := range cmds {
		wg.Go(func() {
			cmd, base := startChild(t, env)
			cmds[i] = &childProcess{cmd, base}
		})
	}
	wg.Wait()
	a, b := cmds[0], cmds[1]
	if a == nil || b == nil {
		t.FailNow()
	}

	token := mustCall(t, a.base, "POST", "/api/v1/auth/login", "", `{"email":"boss@example.com","password":"boss-password"}`, 200)["token"].(string)
	acc := mustCall(t, a.base, "POST", "/api/v1/accounts", token, `{"name":"Shared Co","tier":"key"}`, 201)
	path := fmt.Sprintf("/api/v1/accounts/%v", acc["id"])
	if got := mustCall(t, b.base, "GET", path, token, "", 200); got["name"] != "Shared Co" {
		t.Errorf("the other instance reads %v", got)
	}
	mustCall(t, a.base, "PATCH", path, token, `{"name":"Renamed Co"}`, 200)
	if list := mustCall(t, b.base, "GET", "/api/v1/accounts?q=Renamed", token, "", 200); fmt.Sprint(list["total"]) != "1" {
		t.Errorf("the other instance's list after a rename on the first: %v", list)
	}
	// A password changed on one instance ends the old token on both, at once.
	fresh := mustCall(t, b.base, "POST", "/api/v1/me/password", token,
		`{"current_password":"boss-password","new_password":"boss-password-2"}`, 200)["token"].(string)
	mustCall(t, a.base, "GET", "/api/v1/me", token, "", 401)
	mustCall(t, b.base, "GET", "/api/v1/me", token, "", 401)
	mustCall(t, a.base, "GET", "/api/v1/me", fresh, "", 200)

	// Ten failures for one person from one place, half on each instance: the eleventh
	// try is refused on either.
	for i := range 10 {
		mustCall(t, []string{a.base, b.base}[i%2], "POST", "/api/v1/auth/login", "", `{"email":"boss@example.com","password":"wrong-password"}`, 401)
	}
	mustCall(t, b.base, "POST", "/api/v1/auth/login", "", `{"email":"boss@example.com","password":"boss-password-2"}`, 429)
	mustCall(t, a.base, "POST", "/api/v1/auth/login", "", `{"email":"boss@example.com","password":"boss-password-2"}`, 429)

	// One instance holds each job; the scans run there only.
	metric := func(c *childProcess, name string) float64 {
		req, _ := http.NewRequest("GET", c.base+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+metricsToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
				f, _ := strconv.ParseFloat(v, 64)
				return f
			}
		}
		return 0
	}
	held := `keyhold_job_held{job="scan"}`
	// Each scans when it takes the job: the holder once, the other not at all.
	waitFor(t, 10*time.Second, func() bool { return metric(a, "keyhold_scans_total")+metric(b, "keyhold_scans_total") >= 1 })
	time.Sleep(3 * time.Second) // time for a second instance's scan, were there one
	leader, other := a, b
	if metric(b, held) == 1 {
		leader, other = b, a
	}
	if metric(leader, "keyhold_scans_total") != 1 || metric(other, "keyhold_scans_total") != 0 ||
		metric(other, held) != 0 || metric(leader, `keyhold_job_held{job="outbox"}`)+metric(other, `keyhold_job_held{job="outbox"}`) != 1 {
		t.Fatalf("scans: %v and %v, jobs held: %v and %v", metric(leader, "keyhold_scans_total"), metric(other, "keyhold_scans_total"),
			metric(leader, held), metric(other, held))
	}
	// The leader dies; the other takes the scan over.
	leader.cmd.Process.Signal(syscall.SIGKILL)
	leader.cmd.Wait()
	waitFor(t, 15*time.Second, func() bool { return metric(other, held) == 1 && metric(other, "keyhold_scans_total") >= 1 })
	waitFor(t, 15*time.Second, func() bool { return metric(other, `keyhold_job_held{job="outbox"}`) == 1 })
	mustCall(t, other.base, "POST", "/api/v1/auth/login", "", `{"email":"boss@example.com","password":"boss-password-2"}`, 429)

	// Started at once on an empty database: each migration applied once, one admin.
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var twice, admins int
	if err := db.QueryRow(`SELECT COUNT(*) FROM (SELECT version_id FROM goose_db_version
		GROUP BY version_id HAVING COUNT(*) > 1) AS v`).Scan(&twice); err != nil || twice != 0 {
		t.Errorf("%d migrations applied more than once (%v)", twice, err)
	}
	if err := db.QueryRow("SELECT COUNT(*) FROM users").Scan(&admins); err != nil || admins != 1 {
		t.Errorf("%d users after two first starts (%v), want the one admin", admins, err)
	}
}

// childProcess is a `keyhold serve` child.
type childProcess struct {
	cmd  *exec.Cmd
	base string
}

// mustCall sends a JSON request and checks its status; it answers the decoded body.
func mustCall(t *testing.T, base, method, path, token, body string, want int) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s%s: %d, want %d: %s", method, base, path, res.StatusCode, want, b)
	}
	m := map[string]any{}
	json.Unmarshal(b, &m)
	return m
}
