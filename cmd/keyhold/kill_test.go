package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"keyhold/internal/store/storetest"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary be the server: a child started with KEYHOLD_TEST_SERVE=1
// runs `keyhold serve`, so that a test can kill it for real.
func TestMain(m *testing.M) {
	if os.Getenv("KEYHOLD_TEST_SERVE") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// startChild runs `keyhold serve` in a child process and answers its address.
func startChild(t *testing.T, env []string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "serve")
	cmd.Env = append(append(os.Environ(), "KEYHOLD_TEST_SERVE=1"), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed nothing: %v", err)
	}
	// "Keyhold is serving on http://127.0.0.1:PORT (database …)"
	f := strings.Fields(line)
	for _, w := range f {
		if strings.HasPrefix(w, "http://") {
			go io.Copy(io.Discard, out)
			return cmd, w
		}
	}
	t.Fatalf("no address in %q", line)
	return nil, ""
}

// An event committed and not yet delivered when the process is killed (SIGKILL, in the
// middle of sending it) is delivered after a restart, with the same webhook-id.
func TestEventSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a delivery's lease to run out")
	}
	var mu sync.Mutex
	var ids []string
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		ids = append(ids, r.Header.Get("webhook-id"))
		first := len(ids) == 1
		mu.Unlock()
		if first {
			io.Copy(io.Discard, r.Body) // read, so that the closed connection ends the wait
			// The first try never gets an answer: the process dies meanwhile.
			select {
			case <-r.Context().Done():
			case <-time.After(30 * time.Second):
			}
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(receiver.Close)
	db := storetest.DSN(t)
	env := []string{"KEYHOLD_DB=" + db, "KEYHOLD_ADDR=127.0.0.1:0", "KEYHOLD_WEBHOOK_ALLOW_PRIVATE=1",
		"KEYHOLD_ADMIN_EMAIL=boss@example.com", "KEYHOLD_ADMIN_PASSWORD=boss-password", "KEYHOLD_SCAN_INTERVAL=24h"}
	cmd, base := startChild(t, env)
	call := func(base, method, path, token, body string) map[string]any {
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
		var m map[string]any
		json.NewDecoder(res.Body).Decode(&m)
		if res.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %v", method, path, res.StatusCode, m)
		}
		return m
	}
	token := call(base, "POST", "/api/v1/auth/login", "", `{"email":"boss@example.com","password":"boss-password"}`)["token"].(string)
	call(base, "POST", "/api/v1/webhooks", token, fmt.Sprintf(`{"url":%q,"events":["account.created"]}`, receiver.URL))
	call(base, "POST", "/api/v1/accounts", token, `{"name":"Killed Co","tier":"key"}`)
	waitFor(t, 10*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return len(ids) == 1 })
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	startChild(t, env)
	// The try that died holds its lease (20 s), then the delivery goes again.
	waitFor(t, 60*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return len(ids) == 2 })
	mu.Lock()
	defer mu.Unlock()
	if ids[0] == "" || ids[0] != ids[1] {
		t.Errorf("webhook-ids %v: want the same id twice", ids)
	}
}

func waitFor(t *testing.T, limit time.Duration, ok func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	for !ok() {
		select {
		case <-ctx.Done():
			t.Fatalf("gave up after %s", limit)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
