package accounts

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"keyhold/internal/store"
)

// caches hold what the read paths need on every request and what changes rarely, each
// keyed by the data versions it was computed under (store.Versions): a write anywhere,
// in this process or another, makes the next read load afresh.
type caches struct {
	people     store.Memo[map[int64]UserRef] // every user's short form (a staff of hundreds)
	cadence    store.Memo[cadence]
	facets     store.Memo[Facets]
	catalog    *catalogs                           // every live account and its health (catalog.go)
	named      *store.Cache[string, []int64]       // the accounts a name search matches (search.go)
	members    *store.Cache[int64, map[int64]bool] // by user, the accounts on whose team they are
	totals     *store.Cache[totalKey, int64]
	riskTotals *store.Cache[RiskFilter, int64]
	teams      *store.Cache[int64, []TeamMember] // by account, without names
}

func newCaches() *caches {
	return &caches{
		catalog:    &catalogs{},
		named:      store.NewCache[string, []int64](4096),
		members:    store.NewCache[int64, map[int64]bool](1000),
		totals:     store.NewCache[totalKey, int64](4096),
		riskTotals: store.NewCache[RiskFilter, int64](1024),
		teams:      store.NewCache[int64, []TeamMember](10000),
	}
}

// totalKey is a list filter as far as a kept total depends on it (not its order or page;
// totals that move with the clock are not kept).
type totalKey struct {
	Q, Tier, Status, Industry, Region string
	OwnerID, MemberID                 int64
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

// teamsOf returns the teams of the accounts, owner first, then by role and name. Teams
// change rarely (logging a call leaves them alone): each account's rows are kept until a
// team row anywhere changes, and only the accounts not kept are read, in one query. Names
// and statuses come from people.
func (s *Service) teamsOf(ctx context.Context, v store.Versions, accountIDs []int64, people map[int64]UserRef) (map[int64][]TeamMember, error) {
	out := make(map[int64][]TeamMember, len(accountIDs))
	var missing []int64
	for _, id := range accountIDs {
		if rows, ok := s.cache.teams.Get(id, v.Teams); ok {
			out[id] = rows
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		var rows []TeamMember
		err := s.db.Read.WithContext(ctx).Table("account_team").Select("account_id, user_id, role, since").
			Where(store.InIDs("account_id"), store.IDs(missing)).Find(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("load teams: %w", err)
		}
		fresh := make(map[int64][]TeamMember, len(missing))
		for _, r := range rows {
			fresh[r.AccountID] = append(fresh[r.AccountID], r)
		}
		for _, id := range missing {
			s.cache.teams.Put(id, v.Teams, fresh[id]) // kept even when empty
			out[id] = fresh[id]
		}
	}
	for id, rows := range out {
		team := slices.Clone(rows) // the kept rows are shared: names go on a copy
		for i := range team {
			if p, ok := people[team[i].UserID]; ok {
				team[i].Name, team[i].Status = p.Name, p.Status
			}
		}
		slices.SortFunc(team, func(a, b TeamMember) int {
			return cmp.Or(cmp.Compare(a.Role.rank(), b.Role.rank()), cmp.Compare(a.Name, b.Name),
				cmp.Compare(a.UserID, b.UserID))
		})
		out[id] = team
	}
	return out, nil
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
