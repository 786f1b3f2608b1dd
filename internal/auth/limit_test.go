package auth

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(func() time.Time { return now })
	for i := 0; i < loginBurst; i++ {
		if !l.allowed("email:a", "addr:1") {
			t.Fatalf("refused after %d failures", i)
		}
		l.fail("email:a", "addr:1")
	}
	if l.allowed("email:a", "addr:2") {
		t.Error("the e-mail is not limited from another address")
	}
	if l.allowed("email:b", "addr:1") {
		t.Error("the address is not limited for another e-mail")
	}
	if !l.allowed("email:b", "addr:2") {
		t.Error("an unrelated e-mail and address are limited")
	}
	now = now.Add(loginWindow / loginBurst)
	if !l.allowed("email:a", "addr:1") {
		t.Error("one failure's worth of time did not free one attempt")
	}
	now = now.Add(loginWindow)
	l.forgetRested(now)
	if len(l.keys) != 0 {
		t.Errorf("rested limiters kept: %d", len(l.keys))
	}
}
