package accounts

import (
	"context"
	"fmt"

	"keyhold/internal/store"
)

// caches hold what the read paths need on every request and what changes rarely, each
// keyed by the data versions it was computed under (store.Versions): a write anywhere,
// in this process or another, makes the next read load afresh.
type caches struct {
	people     store.Memo[map[int64]UserRef] // every user's short form (a staff of hundreds)
	cadence    store.Memo[cadence]
	visits     store.Memo[map[Tier]int] // the tiers' visit cadence in days (tiers without one absent)
	facets     store.Memo[Facets]
	catalog    *catalogs                           // every live account and its health (catalog.go)
	named      *store.Cache[string, []int64]       // the accounts a name search matches (search.go)
	members    *store.Cache[int64, map[int64]bool] // by user, the accounts on whose team they are
	totals     *store.Cache[totalKey, int64]
	riskTotals *store.Cache[RiskFilter, int64]
	nameKeys   *store.Cache[string, string] // dedupe.NameKey by name, for the duplicates list
	duplicates store.Memo[[]dupGroup]
}

func newCaches() *caches {
	return &caches{
		catalog:    &catalogs{},
		named:      store.NewCache[string, []int64](4096),
		members:    store.NewCache[int64, map[int64]bool](1000),
		totals:     store.NewCache[totalKey, int64](4096),
		riskTotals: store.NewCache[RiskFilter, int64](1024),
		nameKeys:   store.NewCache[string, string](1 << 16), // every name of a large book
	}
}

// totalKey is a list filter as far as a kept total depends on it (not its order or page;
// totals that move with the clock are not kept).
type totalKey struct {
	Q, Tier, Status, Industry, Region string
	OwnerID, MemberID, Book           int64
}

// membersOf returns the accounts on the teams of both users (either one when the other
// is 0; nil, every account, when both are).
func (s *Service) membersOf(ctx context.Context, v store.Versions, a, b int64) (map[int64]bool, error) {
	if a == 0 || a == b {
		a, b = b, 0
	}
	if a == 0 {
		return nil, nil
	}
	ma, err := s.memberOf(ctx, v, a)
	if err != nil || b == 0 {
		return ma, err
	}
	mb, err := s.memberOf(ctx, v, b)
	if err != nil {
		return nil, err
	}
	both := make(map[int64]bool, min(len(ma), len(mb)))
	for id := range ma {
		if mb[id] {
			both[id] = true
		}
	}
	return both, nil
}

// memberOf returns the accounts on whose team the user is, kept until a team changes.
func (s *Service) memberOf(ctx context.Context, v store.Versions, userID int64) (map[int64]bool, error) {
	if m, ok := s.cache.members.Get(userID, v.Teams); ok {
		return m, nil
	}
	var ids []int64
	if err := s.db.Read.WithContext(ctx).Table("account_team").Where("user_id = ?", userID).Pluck("account_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("load a member's accounts: %w", err)
	}
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	s.cache.members.Put(userID, v.Teams, m)
	return m, nil
}

// people returns every user's short form, from the cache while no user changed.
// The staff in memory are staff's (one load per change of a user); this keeps their
// short form.
func (s *Service) people(ctx context.Context, v store.Versions) (map[int64]UserRef, error) {
	return s.cache.people.Get(v.Users, func() (map[int64]UserRef, error) {
		all, err := s.staff.Everyone(ctx, v)
		if err != nil {
			return nil, err
		}
		out := make(map[int64]UserRef, len(all))
		for id, u := range all {
			out[id] = UserRef{ID: u.ID, Name: u.Name, Role: u.Role, Status: u.Status}
		}
		return out, nil
	})
}

// cadence returns the cadence policies, from the cache while no policy changed.
func (s *Service) cadence(ctx context.Context, v store.Versions) (cadence, error) {
	return s.cache.cadence.Get(v.Cadence, func() (cadence, error) {
		return loadCadence(s.db.Read.WithContext(ctx))
	})
}

// visitCadence is every tier's visit cadence, kept until a policy changes.
func (s *Service) visitCadence(ctx context.Context, v store.Versions) (map[Tier]int, error) {
	return s.cache.visits.Get(v.Cadence, func() (map[Tier]int, error) {
		var ps []Policy
		if err := s.db.Read.WithContext(ctx).Find(&ps).Error; err != nil {
			return nil, fmt.Errorf("load visit cadence: %w", err)
		}
		out := map[Tier]int{}
		for _, p := range ps {
			if p.VisitDays != nil {
				out[p.Tier] = *p.VisitDays
			}
		}
		return out, nil
	})
}

// rank orders team roles: owner, backup, executive sponsor, then support.
func (r TeamRole) rank() int {
	switch r {
	case RoleOwner:
		return 0
	case RoleBackup:
		return 1
	case RoleExecutiveSponsor:
		return 2
	}
	return 3
}
