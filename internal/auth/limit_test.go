package auth

import (
	"context"
	"fmt"
	"testing"
	"time"

	"keyhold/internal/store/storetest"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	db := storetest.Open(t)
	ctx := context.Background()
	l := newLimiter(db, func() time.Time { return now })
	// A second instance on the same database sees the same counters.
	other := newLimiter(db, func() time.Time { return now })
	allowed := func(l *limiter, limits ...limit) bool {
		t.Helper()
		ok, err := l.allowed(ctx, limits...)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	fail := func(limits ...limit) {
		t.Helper()
		if err := l.fail(ctx, limits...); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < pairBurst; i++ {
		if !allowed(other, loginLimits("a", "1")...) {
			t.Fatalf("refused after %d failures", i)
		}
		fail(loginLimits("a", "1")...)
	}
	if allowed(l, loginLimits("a", "1")...) || allowed(other, loginLimits("a", "1")...) {
		t.Error("the pair is not limited")
	}
	if !allowed(l, loginLimits("a", "2")...) {
		t.Error("failures elsewhere lock the person out of their own desk")
	}
	if !allowed(l, loginLimits("b", "1")...) {
		t.Error("the client is limited for another e-mail after only the pair's failures")
	}
	// One client trying many e-mails stops at the client's limit.
	for i := 0; i < clientBurst-pairBurst; i++ {
		fail(loginLimits(string(rune('c'+i)), "1")...)
	}
	if allowed(other, loginLimits("zz", "1")...) {
		t.Error("the client is not limited after trying many e-mails")
	}
	if !allowed(l, loginLimits("zz", "3")...) {
		t.Error("an unrelated client is limited")
	}
	// Every address of one IPv6 /64 is one client.
	for i := 0; i < pairBurst; i++ {
		fail(loginLimits("v", fmt.Sprintf("2001:db8::%x", i+1))...)
	}
	if allowed(l, loginLimits("v", "2001:db8::ffff")...) {
		t.Error("new addresses of the same /64 gave fresh guesses")
	}
	if !allowed(l, loginLimits("v", "2001:db8:0:1::1")...) {
		t.Error("another /64 is limited")
	}
	now = now.Add(loginWindow / pairBurst)
	if !allowed(other, loginLimits("a", "1")...) {
		t.Error("a pair's failure's worth of time did not free one attempt")
	}
	// No e-mail or address is stored; rested counters are forgotten at the next failure.
	var kept int64
	if err := db.Read.Raw("SELECT COUNT(*) FROM login_failures WHERE key LIKE '%@%' OR key LIKE '%2001%'").Scan(&kept).Error; err != nil || kept != 0 {
		t.Errorf("%d stored keys name an e-mail or address (%v)", kept, err)
	}
	now = now.Add(loginWindow + time.Second)
	fail(loginLimits("last", "9")...)
	if err := db.Read.Raw("SELECT COUNT(*) FROM login_failures").Scan(&kept).Error; err != nil || kept != 2 {
		t.Errorf("%d counters kept after a window of rest (%v), want the last failure's 2", kept, err)
	}
}
