package auth

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Login failures allowed per e-mail and per client address: 10 per 15 minutes, refilling
// evenly. Kept in memory: a restart forgives, which is acceptable for a brake on guessing.
const (
	loginBurst  = 10
	loginWindow = 15 * time.Minute
)

type limiter struct {
	mu   sync.Mutex
	now  func() time.Time
	keys map[string]*rate.Limiter
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, keys: map[string]*rate.Limiter{}}
}

func (l *limiter) get(key string) *rate.Limiter {
	lim, ok := l.keys[key]
	if !ok {
		lim = rate.NewLimiter(rate.Every(loginWindow/loginBurst), loginBurst)
		l.keys[key] = lim
	}
	return lim
}

// allowed reports whether every key still has a failure to spare.
func (l *limiter) allowed(keys ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range keys {
		if lim, ok := l.keys[k]; ok && lim.TokensAt(now) < 1 {
			return false
		}
	}
	return true
}

// fail counts one failed attempt against every key.
func (l *limiter) fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range keys {
		l.get(k).AllowN(now, 1)
	}
	if len(l.keys) > 10000 {
		l.forgetRested(now)
	}
}

// forgetRested drops limiters that have refilled completely: they hold no information.
func (l *limiter) forgetRested(now time.Time) {
	for k, lim := range l.keys {
		if lim.TokensAt(now) >= loginBurst {
			delete(l.keys, k)
		}
	}
}
