package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"keyhold/internal/store"
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
// The counters are kept in the database (login_failures), so that every instance serving
// it counts the same failures and a restart forgives none; keyed by a hash, so that no
// e-mail or address is kept there.
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

// limiter counts failures as token buckets: a counter holds up to its burst of failures
// still allowed and gains one back every loginWindow/burst.
type limiter struct {
	db  *store.DB
	now func() time.Time
}

func newLimiter(db *store.DB, now func() time.Time) *limiter {
	return &limiter{db: db, now: now}
}

// bucket is a counter's stored row: failures still allowed at At.
type bucket struct {
	Key    string
	Tokens float64
	At     time.Time
}

func (bucket) TableName() string { return "login_failures" }

// keyOf is the counter's stored key.
func keyOf(k limit) string {
	h := sha256.Sum256([]byte(k.key))
	return hex.EncodeToString(h[:])
}

// tokensAt is how many failures the counter allows at now.
func (b bucket) tokensAt(now time.Time, burst int) float64 {
	per := loginWindow / time.Duration(burst)
	return min(float64(burst), b.Tokens+float64(now.Sub(b.At))/float64(per))
}

// buckets answers the stored buckets of limits, by key.
func buckets(db *gorm.DB, limits []limit) (map[string]bucket, error) {
	keys := make([]string, len(limits))
	for i, k := range limits {
		keys[i] = keyOf(k)
	}
	var rows []bucket
	if err := db.Where("key IN ?", keys).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("login limits: %w", err)
	}
	out := make(map[string]bucket, len(rows))
	for _, r := range rows {
		out[r.Key] = r
	}
	return out, nil
}

// allowed reports whether every counter still has a failure to spare.
func (l *limiter) allowed(ctx context.Context, limits ...limit) (bool, error) {
	rows, err := buckets(l.db.Read.WithContext(ctx), limits)
	if err != nil {
		return false, err
	}
	now := l.now()
	for _, k := range limits {
		if b, ok := rows[keyOf(k)]; ok && b.tokensAt(now, k.burst) < 1 {
			return false, nil
		}
	}
	return true, nil
}

// fail counts one failed attempt against every counter, and forgets the counters that
// have refilled completely (their last failure a whole window ago): they hold nothing.
//
// A client that hangs up once the password is checked must not take the failure back:
// the count is written whatever becomes of the request.
func (l *limiter) fail(ctx context.Context, limits ...limit) error {
	now := l.now().UTC()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return l.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		rows, err := buckets(tx, limits)
		if err != nil {
			return err
		}
		for _, k := range limits {
			t := float64(k.burst)
			if b, ok := rows[keyOf(k)]; ok {
				t = b.tokensAt(now, k.burst)
			}
			if t >= 1 {
				t--
			}
			if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}},
				DoUpdates: clause.AssignmentColumns([]string{"tokens", "at"})}).
				Create(&bucket{Key: keyOf(k), Tokens: t, At: now}).Error; err != nil {
				return fmt.Errorf("login limits: %w", err)
			}
		}
		return tx.Where("at < ?", now.Add(-loginWindow)).Delete(&bucket{}).Error
	})
}
