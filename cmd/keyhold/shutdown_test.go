package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"keyhold/internal/store/storetest"
)

// SIGTERM stops serve gracefully: a request in flight (its body still arriving) is
// answered, new connections are refused, and the process exits 0.
func TestShutdownFinishesRequestsInFlight(t *testing.T) {
	env := []string{"KEYHOLD_DB=" + storetest.DSN(t), "KEYHOLD_ADDR=127.0.0.1:0", "KEYHOLD_SCAN_INTERVAL=24h",
		"KEYHOLD_ADMIN_EMAIL=boss@example.com", "KEYHOLD_ADMIN_PASSWORD=boss-password"}
	cmd, base := startChild(t, env)
	addr := strings.TrimPrefix(base, "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"email":"boss@example.com","password":"boss-password"}`
	fmt.Fprintf(conn, "POST /api/v1/auth/login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		addr, len(body), body[:10])
	time.Sleep(300 * time.Millisecond) // the server is reading the body
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("a new connection was accepted after SIGTERM")
	}
	fmt.Fprint(conn, body[10:])
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("the request in flight: %d, want 200", res.StatusCode)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve exited with %v, want 0", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not exit after SIGTERM")
	}
}
