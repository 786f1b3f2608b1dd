// Package auth signs users in: password checks, signed session tokens that can be revoked
// at once, and the login rate limit.
package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"keyhold/internal/fault"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

const (
	issuer = "keyhold"
	// TokenTTL is how long a session token lives.
	TokenTTL = 12 * time.Hour
	// maxTokenLength refuses absurd tokens before parsing them.
	maxTokenLength = 4096
)

// Claims are what a session token says: the user (subject), the token id (for sign-out),
// and the user's token version when it was issued (for revoking every session at once).
type Claims struct {
	jwt.RegisteredClaims
	TokenVersion int `json:"tv"`
}

// Session is a signed-in user's token.
type Session struct {
	Token     string     `json:"token"`
	ExpiresAt time.Time  `json:"expires_at"`
	User      staff.User `json:"user"`
}

// Service issues and checks tokens.
type Service struct {
	db      *store.DB
	staff   *staff.Service
	secret  []byte
	now     func() time.Time
	limiter *limiter
	revoked store.Memo[map[string]bool] // signed-out token ids, while no token is signed out
	// verified holds the claims of tokens whose signature was checked, by the whole token:
	// the same string cannot carry other claims. Their times are checked on every use.
	verified *store.Cache[string, Claims]
	times    *jwt.Validator
	keys     store.Memo[keyState] // the live API keys, while no user or key changes
	keyUse   keyUse
}

// New returns a Service signing with secret.
func New(db *store.DB, st *staff.Service, secret []byte, now func() time.Time) *Service {
	return &Service{db: db, staff: st, secret: secret, now: now, limiter: newLimiter(db, now),
		verified: store.NewCache[string, Claims](4096), times: jwt.NewValidator(tokenRules(now)...),
		keyUse: keyUse{last: map[int64]time.Time{}}}
}

// tokenRules are what a token must satisfy besides its signature.
func tokenRules(now func() time.Time) []jwt.ParserOption {
	return []jwt.ParserOption{jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(),
		jwt.WithIssuer(issuer), jwt.WithLeeway(30 * time.Second), jwt.WithTimeFunc(now)}
}

// Secret returns the configured signing key, or the one stored in the database, generating
// and storing it on first use so that restarts keep sessions valid.
func Secret(ctx context.Context, db *store.DB, configured string) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	v, err := db.SettingOrCreate(ctx, "jwt_secret", func() (string, error) {
		return randomHex(32)
	})
	if err != nil {
		return nil, err
	}
	return []byte(v), nil
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// Issue signs a new session token for u.
func (s *Service) Issue(u staff.User) (Session, error) {
	jti, err := randomHex(16)
	if err != nil {
		return Session{}, err
	}
	now := s.now().UTC()
	exp := now.Add(TokenTTL).Truncate(time.Second)
	claims := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    issuer,
			Subject:   strconv.FormatInt(u.ID, 10),
			ID:        jti,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
		TokenVersion: u.TokenVersion,
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.secret)
	if err != nil {
		return Session{}, fmt.Errorf("sign token: %w", err)
	}
	return Session{Token: tok, ExpiresAt: exp, User: u}, nil
}

// Authenticate checks a token and returns its user. Any flaw — bad signature, another
// algorithm, expiry, a signed-out token, a token version the user has moved past, a
// departed user — is Unauthorized.
func (s *Service) Authenticate(ctx context.Context, token string) (staff.User, Claims, error) {
	unauthorized := fault.Unauthorized("invalid or expired credentials")
	if token == "" || len(token) > maxTokenLength {
		return staff.User{}, Claims{}, unauthorized
	}
	// The signature is checked once per token (a tenth of a short request's time); the
	// expiry and the rest on every request.
	c, ok := s.verified.Get(token, nil)
	if ok {
		if s.times.Validate(&c) != nil {
			return staff.User{}, Claims{}, unauthorized
		}
	} else {
		if _, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return s.secret, nil },
			tokenRules(s.now)...); err != nil {
			return staff.User{}, Claims{}, unauthorized
		}
		s.verified.Put(token, nil, c)
	}
	if c.ID == "" {
		return staff.User{}, Claims{}, unauthorized
	}
	id, err := strconv.ParseInt(c.Subject, 10, 64)
	if err != nil {
		return staff.User{}, Claims{}, unauthorized
	}
	v, err := s.db.Versions(ctx)
	if err != nil {
		return staff.User{}, Claims{}, err
	}
	u, err := s.staff.Lookup(ctx, v, id)
	if fault.Is(err, fault.KindNotFound) {
		return staff.User{}, Claims{}, unauthorized
	}
	if err != nil {
		return staff.User{}, Claims{}, err
	}
	if u.TokenVersion != c.TokenVersion || u.Status == staff.StatusDeparted {
		return staff.User{}, Claims{}, unauthorized
	}
	revoked, err := s.revoked.Get(v.Users, func() (map[string]bool, error) {
		var ids []string
		if err := s.db.Read.WithContext(ctx).Table("revoked_tokens").Pluck("jti", &ids).Error; err != nil {
			return nil, fmt.Errorf("load revoked tokens: %w", err)
		}
		out := make(map[string]bool, len(ids))
		for _, id := range ids {
			out[id] = true
		}
		return out, nil
	})
	if err != nil {
		return staff.User{}, Claims{}, err
	}
	if revoked[c.ID] {
		return staff.User{}, Claims{}, unauthorized
	}
	return u, c, nil
}

// Revoke signs one session out: its token is refused from now on.
func (s *Service) Revoke(ctx context.Context, c Claims) error {
	if c.ID == "" || c.ExpiresAt == nil {
		return nil
	}
	now := s.now().UTC()
	return s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Tokens past expiry are refused anyway; forget them so the table stays small.
		if err := tx.Exec("DELETE FROM revoked_tokens WHERE expires_at < ?", now).Error; err != nil {
			return err
		}
		row := map[string]any{"jti": c.ID, "expires_at": c.ExpiresAt.Time.UTC()}
		return tx.Table("revoked_tokens").Clauses(clause.OnConflict{DoNothing: true}).Create(row).Error
	})
}

// Login checks an e-mail and password and issues a session. Failures are counted per
// (e-mail, client address) and per client address (limit.go); past a limit, Login
// answers RateLimited without checking the password.
func (s *Service) Login(ctx context.Context, email, password, clientAddr string) (Session, error) {
	keys := loginLimits(normalizeKey(email), clientAddr)
	if ok, err := s.limiter.allowed(ctx, keys...); err != nil {
		return Session{}, err
	} else if !ok {
		return Session{}, fault.RateLimited("too many failed sign-in attempts; try again later")
	}
	u, err := s.staff.ByEmail(ctx, email)
	if err != nil && !fault.Is(err, fault.KindNotFound) {
		return Session{}, err
	}
	if !checkPassword(u.PasswordHash, password) || u.Status == staff.StatusDeparted {
		if err := s.limiter.fail(ctx, keys...); err != nil {
			return Session{}, err
		}
		return Session{}, fault.Unauthorized("wrong e-mail or password")
	}
	return s.Issue(u)
}
