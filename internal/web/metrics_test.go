package web_test

import (
	"context"
	"keyhold/internal/store/storetest"
	"net/http"
	"strings"
	"testing"
	"time"
)

// /metrics answers a bearer of KEYHOLD_METRICS_TOKEN in Prometheus's format: requests by
// route and status, the database pools, the scans, the outbox, Go's own.
func TestMetrics(t *testing.T) {
	token := strings.Repeat("m", 40)
	ts := startServer(t, storetest.DSN(t), &clock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)},
		"KEYHOLD_METRICS_TOKEN", token)
	admin := ts.adminToken()
	ts.mustCreateAccount(admin, map[string]any{"name": "Counted Co", "tier": "key"})
	ts.must(200, "GET", "/api/v1/accounts", admin, nil)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { ts.App.RunScans(ctx, time.Hour); close(done) }()
	time.Sleep(300 * time.Millisecond) // the first scan runs at once
	stop()
	<-done

	get := func(auth string) response {
		req, _ := http.NewRequest("GET", ts.URL+"/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		return ts.browser().do(req)
	}
	for _, auth := range []string{"", "Bearer wrong", "Bearer " + admin} {
		if r := get(auth); r.Status != 401 {
			t.Errorf("/metrics with %q: %d", auth, r.Status)
		}
	}
	r := get("Bearer " + token)
	body := string(r.Body)
	for _, want := range []string{
		`keyhold_http_requests_total{method="GET",route="/api/v1/accounts",status="200"} 1`,
		`keyhold_http_requests_total{method="POST",route="/api/v1/accounts",status="201"} 1`,
		`keyhold_http_request_duration_seconds_bucket{method="GET",route="/api/v1/accounts",le="+Inf"} 1`,
		`go_sql_open_connections{db_name="write"}`, `go_sql_open_connections{db_name="read"}`,
		"keyhold_scans_total 1", "keyhold_scan_duration_seconds_count 1", "keyhold_flagged_accounts 1",
		"keyhold_outbox_events_waiting ", "keyhold_outbox_deliveries_queued 0", "go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("/metrics: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
}
