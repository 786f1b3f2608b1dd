package auth

import (
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Login failures are counted twice, refilling evenly over 15 minutes:
//   - per (e-mail, client address) pair, 10: guessing one person's password from one
//     place stops there, and a stranger elsewhere cannot lock that person out of their
//     own desk by failing on purpose;
//   - per client address, 50: one client trying many e-mails (or one e-mail many ways)
//     stops too, while an office behind one NAT address keeps a margin for typos.
//
// An IPv6 client is its /64: a subscriber's whole block, not each of its addresses.
//
// Kept in memory: a restart forgives, which is acceptable for a brake on guessing.
const (
	pairBurst   = 10
	clientBurst = 50
	loginWindow = 15 * time.Minute
)

// limit is one counter: its key and how many failures it allows per window.
type limit struct {
	key   string
	burst int
}

// loginLimits are the counters of a sign-in attempt of email from client.
func loginLimits(email, client string) []limit {
	client = clientOf(client)
	return []limit{{"pair:" + email + "\x00" + client, pairBurst}, {"client:" + client, clientBurst}}
}

// clientOf names the client an address belongs to: an IPv6 address by its /64, the block
// one subscriber holds (each address of it would otherwise be a fresh client).
func clientOf(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil || ip.Is4() || ip.Is4In6() {
		return addr
	}
	p, err := ip.Prefix(64)
	if err != nil {
		return addr
	}
	return p.String()
}

type limiter struct {
	mu   sync.Mutex
	now  func() time.Time
	keys map[string]*rate.Limiter
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, keys: map[string]*rate.Limiter{}}
}

func (l *limiter) get(k limit) *rate.Limiter {
	lim, ok := l.keys[k.key]
	if !ok {
		lim = rate.NewLimiter(rate.Every(loginWindow/time.Duration(k.burst)), k.burst)
		l.keys[k.key] = lim
	}
	return lim
}

// allowed reports whether every counter still has a failure to spare.
func (l *limiter) allowed(limits ...limit) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range limits {
		if lim, ok := l.keys[k.key]; ok && lim.TokensAt(now) < 1 {
			return false
		}
	}
	return true
}

// fail counts one failed attempt against every counter.
func (l *limiter) fail(limits ...limit) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range limits {
		l.get(k).AllowN(now, 1)
	}
	if len(l.keys) > 10000 {
		l.forgetRested(now)
	}
}

// forgetRested drops limiters that have refilled completely: they hold no information.
func (l *limiter) forgetRested(now time.Time) {
	for k, lim := range l.keys {
		if lim.TokensAt(now) >= float64(lim.Burst()) {
			delete(l.keys, k)
		}
	}
}
