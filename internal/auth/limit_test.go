package auth

import (
	"fmt"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(func() time.Time { return now })
	for i := 0; i < pairBurst; i++ {
		if !l.allowed(loginLimits("a", "1")...) {
			t.Fatalf("refused after %d failures", i)
		}
		l.fail(loginLimits("a", "1")...)
	}
	if l.allowed(loginLimits("a", "1")...) {
		t.Error("the pair is not limited")
	}
	if !l.allowed(loginLimits("a", "2")...) {
		t.Error("failures elsewhere lock the person out of their own desk")
	}
	if !l.allowed(loginLimits("b", "1")...) {
		t.Error("the client is limited for another e-mail after only the pair's failures")
	}
	// One client trying many e-mails stops at the client's limit.
	for i := 0; i < clientBurst-pairBurst; i++ {
		l.fail(loginLimits(string(rune('c'+i)), "1")...)
	}
	if l.allowed(loginLimits("zz", "1")...) {
		t.Error("the client is not limited after trying many e-mails")
	}
	if !l.allowed(loginLimits("zz", "3")...) {
		t.Error("an unrelated client is limited")
	}
	// Every address of one IPv6 /64 is one client.
	for i := 0; i < pairBurst; i++ {
		l.fail(loginLimits("v", fmt.Sprintf("2001:db8::%x", i+1))...)
	}
	if l.allowed(loginLimits("v", "2001:db8::ffff")...) {
		t.Error("new addresses of the same /64 gave fresh guesses")
	}
	if !l.allowed(loginLimits("v", "2001:db8:0:1::1")...) {
		t.Error("another /64 is limited")
	}
	now = now.Add(loginWindow / pairBurst)
	if !l.allowed(loginLimits("a", "1")...) {
		t.Error("a pair's failure's worth of time did not free one attempt")
	}
	now = now.Add(loginWindow)
	l.forgetRested(now)
	if len(l.keys) != 0 {
		t.Errorf("rested limiters kept: %d", len(l.keys))
	}
}
