package accounts

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"keyhold/internal/dedupe"
	"keyhold/internal/fault"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

// DuplicateGroup is live accounts that are likely one customer, and why: what they share.
type DuplicateGroup struct {
	Reasons  []DuplicateReason `json:"reasons"`
	Accounts []Account         `json:"accounts"` // by id
}

// DuplicateReason is one thing a group's accounts share: a name that compares equal
// (dedupe.NameKey), or a contact's e-mail address or phone number.
type DuplicateReason struct {
	Kind string `json:"kind"` // name, email or phone
	Key  string `json:"key"`  // the name's key, the address, the number
}

// Duplicates lists the likely duplicates among the live accounts, by the rules of
// dedupe: accounts whose names compare equal, and accounts whose contacts share an
// e-mail address or a phone number. Accounts that share several things are one group
// with every reason. Groups come largest first, then by their first account's name; p
// pages them. Managers and admins.
func (s *Service) Duplicates(ctx context.Context, actor staff.User, p store.Page) ([]DuplicateGroup, int64, error) {
	if !actor.CanManage() {
		return nil, 0, fault.Forbidden("only managers and admins review duplicates")
	}
	v, err := s.db.Versions(ctx)
	if err != nil {
		return nil, 0, err
	}
	// Names, deletions and new accounts move the accounts' counter; a rescored account
	// does not, so the groups outlive the scans.
	groups, err := s.cache.duplicates.Get([2]int64{v.Accounts, v.Contacts}, func() ([]dupGroup, error) {
		return s.findDuplicates(ctx, v.Changes)
	})
	if err != nil {
		return nil, 0, err
	}
	p = p.Normalized()
	page := groups[min(p.Offset(), len(groups)):min(p.Offset()+p.Size, len(groups))]
	c, done, err := s.catalogAt(ctx, v.Changes)
	if err != nil {
		return nil, 0, err
	}
	entries := make([][]*entry, len(page))
	for i, g := range page {
		for _, id := range g.ids {
			if e := c.byID[id]; e != nil {
				entries[i] = append(entries[i], e)
			}
		}
	}
	done()
	out := make([]DuplicateGroup, len(page))
	for i, g := range page {
		accs, err := s.completeAt(ctx, v, entries[i])
		if err != nil {
			return nil, 0, err
		}
		out[i] = DuplicateGroup{Reasons: g.reasons, Accounts: accs}
	}
	return out, int64(len(groups)), nil
}

// dupGroup is a group of duplicates before its accounts are read: their ids, in order.
type dupGroup struct {
	ids     []int64
	reasons []DuplicateReason
}

// findDuplicates groups the live accounts (as of change seq or later) by what they
// share, in the list's order.
func (s *Service) findDuplicates(ctx context.Context, seq int64) ([]dupGroup, error) {
	k, err := s.bookKeys(ctx, seq)
	if err != nil {
		return nil, err
	}
	names := k.live
	byKey := map[DuplicateReason][]int64{}
	k.names.shared(func(key string, ids []int64) {
		byKey[DuplicateReason{Kind: "name", Key: key}] = slices.Clone(ids)
	})
	for kind, x := range map[string]keyIndex[ContactKey]{"email": k.emails, "phone": k.phones} {
		x.shared(func(key string, cs []ContactKey) {
			r := DuplicateReason{Kind: kind, Key: key}
			for _, c := range cs {
				byKey[r] = append(byKey[r], c.AccountID)
			}
		})
	}
	// One group per set of accounts, with every reason they share.
	bySet := map[string]*dupGroup{}
	for r, members := range byKey {
		slices.Sort(members)
		members = slices.Compact(members)
		if len(members) < 2 {
			continue
		}
		set := idSet(members)
		g, ok := bySet[set]
		if !ok {
			g = &dupGroup{ids: members}
			bySet[set] = g
		}
		g.reasons = append(g.reasons, r)
	}
	groups := make([]dupGroup, 0, len(bySet))
	for _, g := range bySet {
		slices.SortFunc(g.reasons, func(a, b DuplicateReason) int {
			return cmp.Or(cmp.Compare(reasonOrder[a.Kind], reasonOrder[b.Kind]), cmp.Compare(a.Key, b.Key))
		})
		groups = append(groups, *g)
	}
	slices.SortFunc(groups, func(a, b dupGroup) int {
		return cmp.Or(cmp.Compare(len(b.ids), len(a.ids)), cmp.Compare(names[a.ids[0]], names[b.ids[0]]),
			slices.Compare(a.ids, b.ids))
	})
	return groups, nil
}

var reasonOrder = map[string]int{"name": 0, "email": 1, "phone": 2}

// idSet names a sorted set of ids.
func idSet(ids []int64) string {
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteByte(',')
	}
	return b.String()
}

// nameKey is dedupe.NameKey, kept per name: the list normalises every live account's.
func (s *Service) nameKey(name string) string {
	if k, ok := s.cache.nameKeys.Get(name, nil); ok {
		return k
	}
	k := dedupe.NameKey(name)
	s.cache.nameKeys.Put(name, nil, k)
	return k
}
