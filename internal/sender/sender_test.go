package sender

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"keyhold/internal/webhooks"
)

// The signature is the one the Standard Webhooks reference library makes and checks.
func TestSignMatchesReferenceLibrary(t *testing.T) {
	secret := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	body := []byte(`{"type":"account.created","timestamp":"2026-03-10T09:00:00Z","data":{"account":{"id":1}}}`)
	sig, err := Sign(secret, "msg_1", 1773133200, body)
	if err != nil {
		t.Fatal(err)
	}
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := wh.Sign("msg_1", time.Unix(1773133200, 0), body)
	if sig != want {
		t.Fatalf("signature %s, the library's %s", sig, want)
	}
	h := http.Header{"Webhook-Id": {"msg_1"}, "Webhook-Timestamp": {strconv.Itoa(1773133200)}, "Webhook-Signature": {sig}}
	if err := wh.VerifyIgnoringTimestamp(body, h); err != nil {
		t.Fatal(err)
	}
	if _, err := Sign("whsec_not base64!", "msg_1", 1, body); err == nil {
		t.Error("a secret that is not base64 signed")
	}
}

// Each platform's robot is paced within its limits, in a rolling window.
func TestPacer(t *testing.T) {
	var p pacer
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	for i := range 20 {
		if wait := p.take(1, webhooks.WeCom, now.Add(time.Duration(i)*time.Second)); wait != 0 {
			t.Fatalf("message %d waits %s", i+1, wait)
		}
	}
	if wait := p.take(1, webhooks.WeCom, now.Add(30*time.Second)); wait != 30*time.Second {
		t.Errorf("the 21st within the minute waits %s, want 30s (until the first leaves the window)", wait)
	}
	if wait := p.take(2, webhooks.WeCom, now.Add(30*time.Second)); wait != 0 {
		t.Errorf("another robot waits %s", wait)
	}
	if wait := p.take(1, webhooks.WeCom, now.Add(60*time.Second)); wait != 0 {
		t.Errorf("a minute after the first: waits %s", wait)
	}
	for i := range 5 {
		if wait := p.take(3, webhooks.Feishu, now.Add(time.Duration(i)*100*time.Millisecond)); wait != 0 {
			t.Fatalf("feishu message %d waits %s", i+1, wait)
		}
	}
	if wait := p.take(3, webhooks.Feishu, now.Add(500*time.Millisecond)); wait != 500*time.Millisecond {
		t.Errorf("the 6th Feishu message within a second waits %s, want 500ms", wait)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{"": 0, "120": 2 * time.Minute, "soon": 0, "-5": 0,
		now.Add(time.Hour).Format(http.TimeFormat): time.Hour, now.Add(-time.Hour).Format(http.TimeFormat): 0} {
		if got := retryAfter(v, now); got != want {
			t.Errorf("Retry-After %q: %s, want %s", v, got, want)
		}
	}
}

// A delivery is tried at least five times over more than a day, whatever the jitter.
func TestScheduleSpansMoreThanADay(t *testing.T) {
	var least time.Duration
	for _, d := range webhooks.Schedule {
		least += d * 8 / 10
	}
	if len(webhooks.Schedule)+1 < 5 || least <= 24*time.Hour {
		t.Errorf("%d tries over at least %s", len(webhooks.Schedule)+1, least)
	}
}
