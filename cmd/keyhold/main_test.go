package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"keyhold/internal/config"
	"keyhold/internal/store"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestMigrateThenServe(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sub", "keyhold.db")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, env(map[string]string{"KEYHOLD_DB": db}), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "up to date") {
		t.Fatalf("migrate said: %s", out.String())
	}

	cfg, err := config.FromEnv(env(map[string]string{"KEYHOLD_DB": db, "KEYHOLD_ADDR": "127.0.0.1:0",
		"KEYHOLD_ADMIN_EMAIL": "boss@example.com", "KEYHOLD_ADMIN_PASSWORD": "boss-password"}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, io.Discard, ready) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve stopped: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	res, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || strings.TrimSpace(string(body)) != `{"status":"ok"}` {
		t.Fatalf("healthz: %d %s", res.StatusCode, body)
	}
	res, err = http.Post("http://"+addr+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"boss@example.com","password":"boss-password"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("bootstrap admin cannot sign in: %d", res.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}

func TestBadConfigAndCommands(t *testing.T) {
	cases := map[string]struct {
		args []string
		env  map[string]string
		want string
	}{
		"no command":        {nil, nil, "usage"},
		"unknown command":   {[]string{"fly"}, nil, "unknown command"},
		"half an admin":     {[]string{"migrate"}, map[string]string{"KEYHOLD_ADMIN_EMAIL": "a@b.c"}, "KEYHOLD_ADMIN_PASSWORD"},
		"short secret":      {[]string{"migrate"}, map[string]string{"KEYHOLD_SECRET": "short"}, "KEYHOLD_SECRET"},
		"bad address":       {[]string{"serve"}, map[string]string{"KEYHOLD_ADDR": "nowhere"}, "KEYHOLD_ADDR"},
		"postgres, no host": {[]string{"migrate"}, map[string]string{"KEYHOLD_DB": "postgres:///keyhold"}, "PostgreSQL"},
		// Nothing listens on port 1; the password must not be repeated in the error.
		"postgres refused":     {[]string{"migrate"}, map[string]string{"KEYHOLD_DB": "postgres://keyhold:hunter2-secret@127.0.0.1:1/keyhold"}, "keyhold:xxxxx@127.0.0.1:1"},
		"short admin password": {[]string{"migrate"}, map[string]string{"KEYHOLD_ADMIN_EMAIL": "a@b.c", "KEYHOLD_ADMIN_PASSWORD": "short"}, "at least 10"},
		"private webhooks yes": {[]string{"migrate"}, map[string]string{"KEYHOLD_WEBHOOK_ALLOW_PRIVATE": "yes"}, "KEYHOLD_WEBHOOK_ALLOW_PRIVATE"},
		"no such time zone":    {[]string{"migrate"}, map[string]string{"KEYHOLD_TIMEZONE": "Mars/Olympus"}, "KEYHOLD_TIMEZONE"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			err := run(context.Background(), c.args, env(c.env), io.Discard)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one mentioning %q", err, c.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("error %v repeats the database password", err)
			}
		})
	}
}

func TestDemoSeedsOnceAndPrintsLogins(t *testing.T) {
	vars := map[string]string{"KEYHOLD_DB": filepath.Join(t.TempDir(), "demo.db")}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"demo", "--if-empty"}, env(vars), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "300 accounts") || !strings.Contains(out.String(), "admin@keyhold.demo") {
		t.Fatalf("first run said: %s", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"demo", "--if-empty"}, env(vars), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "already has data") || !strings.Contains(out.String(), "admin@keyhold.demo") {
		t.Fatalf("second run said: %s", out.String())
	}
	if err := run(context.Background(), []string{"demo"}, env(vars), io.Discard); err == nil {
		t.Fatal("seeding a database with data twice succeeded without --if-empty")
	}
}

// A backup taken while another process writes is a consistent, checked copy that a
// server can open; an existing file is never overwritten.
func TestBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"KEYHOLD_DB": filepath.Join(dir, "live.db")}
	if err := run(context.Background(), []string{"demo"}, env(vars), io.Discard); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(vars["KEYHOLD_DB"])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, stop := context.WithCancel(context.Background())
	writes := make(chan int)
	go func() { // a writer that does not stop for the backup
		n := 0
		for ctx.Err() == nil {
			if err := db.SetSetting(context.Background(), "backup_test", strconv.Itoa(n)); err != nil {
				t.Error(err)
				break
			}
			n++
		}
		writes <- n
	}()
	time.Sleep(20 * time.Millisecond)
	var out bytes.Buffer
	file := filepath.Join(dir, "copy.db")
	err = run(context.Background(), []string{"backup", file}, env(vars), &out)
	stop()
	n := <-writes
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "integrity ok") || !strings.Contains(out.String(), "300 accounts") || n == 0 {
		t.Fatalf("backup said %q after %d writes beside it", out.String(), n)
	}
	// The copy serves: it migrates (nothing to do) and holds the organisation.
	if err := run(context.Background(), []string{"migrate"}, env(map[string]string{"KEYHOLD_DB": file}), io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"backup", file}, env(vars), io.Discard); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("a backup over an existing file: %v", err)
	}
}
