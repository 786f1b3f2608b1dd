package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/audit"
	"keyhold/internal/check"
	"keyhold/internal/fault"
	"keyhold/internal/staff"
)

// API keys: the credential of an integration (an ERP, a BI tool). A key is shown once,
// kept only as a hash, acts as its owner within its scopes and never beyond the owner's
// role, and ends the moment the owner's role or password changes or they stop being
// active (triggers, migrations 0023 and 0024), when revoked, or at its expiry.

// KeyPrefix starts every secret, so that secret scanners can find a leaked one.
const KeyPrefix = "khk_"

// Scope is what a key may do.
type Scope string

const (
	ScopeAccountsRead   Scope = "accounts:read"
	ScopeAccountsWrite  Scope = "accounts:write"
	ScopeReportsRead    Scope = "reports:read"
	ScopeHandoversRead  Scope = "handovers:read"
	ScopeHandoversWrite Scope = "handovers:write"
	ScopeUsersRead      Scope = "users:read"
	ScopeWebhooksManage Scope = "webhooks:manage"
)

// Scopes lists every scope.
var Scopes = []Scope{ScopeAccountsRead, ScopeAccountsWrite, ScopeReportsRead, ScopeHandoversRead,
	ScopeHandoversWrite, ScopeUsersRead, ScopeWebhooksManage}

// Key is an API key as its owner and admins see it: never its secret.
type Key struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Hash       string     `json:"-"`
	LastFour   string     `json:"last_four"`
	Scopes     []Scope    `json:"scopes" gorm:"serializer:json"`
	Role       staff.Role `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	OwnerName  string     `json:"owner_name" gorm:"->;-:migration"`
}

func (Key) TableName() string { return "api_keys" }

// Allows reports whether the key carries scope.
func (k Key) Allows(scope Scope) bool { return slices.Contains(k.Scopes, scope) }

// NewKey is what a user asks for.
type NewKey struct {
	Name      string
	Scopes    []string
	ExpiresAt *time.Time // none: until revoked
}

// keyState is what the keys' check keeps in memory: the live keys by hash.
type keyState struct {
	byHash map[string]Key
}

// keyUse remembers when each key's use was last written, so that a busy integration
// writes it once a minute, not on every request.
type keyUse struct {
	mu   sync.Mutex
	last map[int64]time.Time
}

const keyUseEvery = time.Minute

func hashKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateKey makes a key for actor and answers it with its secret, the only time the
// secret is shown. Staff serving notice make none.
func (s *Service) CreateKey(ctx context.Context, actor staff.User, in NewKey) (Key, string, error) {
	if actor.Status != staff.StatusActive {
		return Key{}, "", fault.Forbidden("staff who are leaving cannot make API keys")
	}
	now := s.now().UTC()
	bad := fault.Collect{}
	check.Line(bad, "name", &in.Name, 100, true)
	var scopes []Scope
	for _, sc := range in.Scopes {
		switch {
		case !slices.Contains(Scopes, Scope(sc)):
			bad.Add("scopes", "must list scopes among accounts:read, accounts:write, reports:read, handovers:read, handovers:write, users:read, webhooks:manage")
		case !slices.Contains(scopes, Scope(sc)):
			scopes = append(scopes, Scope(sc))
		}
	}
	if len(in.Scopes) == 0 {
		bad.Add("scopes", "is required")
	}
	if in.ExpiresAt != nil && check.Time(bad, "expires_at", *in.ExpiresAt) && !in.ExpiresAt.After(now) {
		bad.Add("expires_at", "must be in the future")
	}
	if err := bad.Err(); err != nil {
		return Key{}, "", err
	}
	random, err := randomHex(32)
	if err != nil {
		return Key{}, "", err
	}
	secret := KeyPrefix + random
	k := Key{UserID: actor.ID, Name: in.Name, Hash: hashKey(secret), LastFour: secret[len(secret)-4:], Scopes: scopes,
		Role: actor.Role, CreatedAt: now}
	if in.ExpiresAt != nil {
		at := in.ExpiresAt.UTC()
		k.ExpiresAt = &at
	}
	err = s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The owner as they are now, in the transaction: a role change or a handover
		// committed since the request began would otherwise leave a key the triggers
		// never ended.
		var owner staff.User
		if err := tx.Take(&owner, actor.ID).Error; err != nil {
			return err
		}
		if owner.Status != staff.StatusActive || owner.Role != actor.Role {
			return fault.Conflict("your role or status changed; sign in again", nil)
		}
		if err := tx.Omit("OwnerName").Create(&k).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "api_key.create", Entity: "api_key",
			EntityID: k.ID}, nil, k)
	})
	if err != nil {
		return Key{}, "", fmt.Errorf("create API key: %w", err)
	}
	k.OwnerName = actor.Name
	return k, secret, nil
}

// Keys lists the keys actor may see, newest first: their own; an admin, everyone's.
// Revoked keys stay listed (with revoked_at) for the record.
func (s *Service) Keys(ctx context.Context, actor staff.User) ([]Key, error) {
	q := s.db.Read.WithContext(ctx).Table("api_keys k").Select("k.*, u.name AS owner_name").
		Joins("JOIN users u ON u.id = k.user_id").Order("k.id DESC")
	if !actor.IsAdmin() {
		q = q.Where("k.user_id = ?", actor.ID)
	}
	out := []Key{}
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list API keys: %w", err)
	}
	return out, nil
}

// RevokeKey ends a key at once: its owner's or, for an admin, anyone's.
func (s *Service) RevokeKey(ctx context.Context, actor staff.User, id int64) error {
	now := s.now().UTC()
	return s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var k Key
		err := tx.Omit("OwnerName").Take(&k, id).Error
		if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && k.UserID != actor.ID && !actor.IsAdmin()) {
			return fault.NotFound("API key", id)
		}
		if err != nil {
			return err
		}
		if k.RevokedAt != nil {
			return nil
		}
		if err := tx.Model(&k).Update("revoked_at", now).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "api_key.revoke", Entity: "api_key",
			EntityID: k.ID}, nil, nil)
	})
}

// IsKey reports whether a bearer credential is an API key rather than a session token.
func IsKey(token string) bool { return strings.HasPrefix(token, KeyPrefix) }

// AuthenticateKey checks an API key and returns its owner and the key. A revoked or
// expired key, an unknown one, or one whose owner is no longer active in the role it was
// made under, is Unauthorized.
func (s *Service) AuthenticateKey(ctx context.Context, secret string) (staff.User, Key, error) {
	unauthorized := fault.Unauthorized("invalid, revoked or expired API key")
	if len(secret) > maxTokenLength {
		return staff.User{}, Key{}, unauthorized
	}
	v, err := s.db.Versions(ctx)
	if err != nil {
		return staff.User{}, Key{}, err
	}
	state, err := s.keys.Get(v.Users, func() (keyState, error) {
		var live []Key
		if err := s.db.Read.WithContext(ctx).Omit("OwnerName").Where("revoked_at IS NULL").Find(&live).Error; err != nil {
			return keyState{}, fmt.Errorf("load API keys: %w", err)
		}
		st := keyState{byHash: make(map[string]Key, len(live))}
		for _, k := range live {
			st.byHash[k.Hash] = k
		}
		return st, nil
	})
	if err != nil {
		return staff.User{}, Key{}, err
	}
	k, ok := state.byHash[hashKey(secret)]
	now := s.now().UTC()
	if !ok || (k.ExpiresAt != nil && !now.Before(*k.ExpiresAt)) {
		return staff.User{}, Key{}, unauthorized
	}
	u, err := s.staff.Lookup(ctx, v, k.UserID)
	if fault.Is(err, fault.KindNotFound) || (err == nil && (u.Status != staff.StatusActive || u.Role != k.Role)) {
		return staff.User{}, Key{}, unauthorized
	}
	if err != nil {
		return staff.User{}, Key{}, err
	}
	s.noteKeyUse(ctx, k.ID, now)
	return u, k, nil
}

// noteKeyUse writes a key's last use, at most once a minute per key and process. It is a
// record for the owner, not a condition of the request: a failure is logged, not answered.
func (s *Service) noteKeyUse(ctx context.Context, id int64, now time.Time) {
	s.keyUse.mu.Lock()
	last, seen := s.keyUse.last[id]
	due := !seen || now.Sub(last) >= keyUseEvery
	if due {
		s.keyUse.last[id] = now
	}
	s.keyUse.mu.Unlock()
	if !due {
		return
	}
	if err := s.db.Write.WithContext(ctx).Exec("UPDATE api_keys SET last_used_at = ? WHERE id = ?", now, id).Error; err != nil {
		slog.Warn("record an API key's last use", "key", id, "err", err)
	}
}
