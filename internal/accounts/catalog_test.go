package accounts

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestNameSearchMatchesAsLikeDoes(t *testing.T) {
	names := []string{"Pacific Rim Trading", "上海华东物流", "50% Off_Goods", "ÉCOLE Logistics", "华东"}
	cases := map[string][]int64{
		"pacific": {1}, "RIM t": {1}, "华东": {2, 5}, "50%": {3}, "_g": {3}, "%": {3}, "É": {4}, "é": nil,
		"logistics": {4}, "x": nil,
	}
	for q, want := range cases {
		var got []int64
		query := newQuery(Filter{Q: q}, time.Now())
		for i, n := range names {
			if query.match(&entry{id: int64(i + 1), name: n, fold: foldASCII(n)}) {
				got = append(got, int64(i+1))
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q: %v, want %v", q, got, want)
		}
	}
}

func idsOf(list []*entry) []int64 {
	var out []int64
	for _, e := range list {
		out = append(out, e.id)
	}
	return out
}

// randomEntry is an account with keys drawn from small sets, so that ties are common.
func randomEntry(r *rand.Rand, id int64) *entry {
	e := &entry{id: id, name: fmt.Sprintf("Acme %d", r.IntN(20)), tier: Tiers[r.IntN(3)], status: StatusActive,
		owner: 1 + r.Int64N(5), industry: []string{"Retail", "Energy"}[r.IntN(2)], value: r.Int64N(4) * 1000,
		due: neverDue, health: noScore}
	e.named()
	if r.IntN(4) > 0 {
		e.due = time.Date(2026, 12, 1+r.IntN(20), 0, 0, 0, 0, time.UTC).UnixNano()
	}
	if r.IntN(4) > 0 {
		e.health = r.Int64N(5) * 25
	}
	if r.IntN(5) == 0 {
		e.status = StatusChurned
	}
	return e
}

// TestCatalogChangesKeepTheOrders applies random changes one by one and many at once,
// and compares every order and owner list (by due date) with a catalog built from scratch.
func TestCatalogChangesKeepTheOrders(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	c := &catalog{byID: map[int64]*entry{}}
	for id := int64(1); id <= 300; id++ {
		c.byID[id] = randomEntry(r, id)
	}
	c.index()
	for round, n := range []int{1, 5, 50, resortAt + 1, 3} {
		var ids []int64
		fresh := map[int64]*entry{}
		for range n {
			id := 1 + r.Int64N(320) // some new accounts
			ids = append(ids, id)
			if r.IntN(6) > 0 { // else deleted
				fresh[id] = randomEntry(r, id)
			}
		}
		ids = uniqueIDs(ids, int64(len(ids)))
		c.apply(int64(round+1), ids, fresh)
		want := &catalog{byID: c.byID}
		want.index()
		for o := range orderCount {
			if !slices.Equal(c.sorted[o], want.sorted[o]) {
				t.Fatalf("round %d: order %d differs from a fresh sort", round, o)
			}
		}
		for owner, list := range c.byOwner {
			if !slices.Equal(list, want.byOwner[owner]) { // both by due date
				t.Fatalf("round %d: owner %d's accounts differ", round, owner)
			}
		}
		for owner, list := range want.byOwner {
			if !slices.Equal(list, c.byOwner[owner]) {
				t.Fatalf("round %d: owner %d's accounts differ", round, owner)
			}
		}
	}
}

// TestCatalogPagesAsSQLWould checks each order against its SQL meaning on a few entries,
// and that a page gathered from the short lists equals the page of a walk.
func TestCatalogPagesAsSQLWould(t *testing.T) {
	now := time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)
	day := func(d int) int64 { return time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC).UnixNano() }
	c := &catalog{byID: map[int64]*entry{
		1: {id: 1, name: "b", value: 5, due: day(12), health: 40, status: StatusActive, owner: 1},
		2: {id: 2, name: "a", value: 5, due: neverDue, health: noScore, status: StatusActive, owner: 1},
		3: {id: 3, name: "a", value: 9, due: day(3), health: 90, status: StatusActive, owner: 2},
		4: {id: 4, name: "c", value: 1, due: day(2), health: 10, status: StatusChurned, owner: 2},
	}}
	for _, e := range c.byID {
		e.named()
	}
	c.index()
	want := map[string][]int64{
		"name":             {2, 3, 1, 4}, // name, id
		"-annual_value":    {3, 1, 2, 4}, // annual_value DESC, id
		"next_contact_due": {2, 4, 3, 1}, // never contacted first
		"health":           {4, 1, 3, 2}, // unscored last
		"-health":          {3, 1, 4, 2}, // unscored last
	}
	for sort, ids := range want {
		list, total := c.page(newQuery(Filter{}, now), nil, orders[sort], 0, 10, true)
		if got := idsOf(list); !slices.Equal(got, ids) || total != 4 {
			t.Errorf("sort %s: %v (%d), want %v", sort, got, total, ids)
		}
	}
	list, n := c.page(newQuery(Filter{Overdue: true}, now), nil, byDue, 0, 10, true)
	if overdue := idsOf(list); !slices.Equal(overdue, []int64{2, 3}) || n != 2 {
		t.Errorf("overdue: %v (%d), want [2 3]: the churned account is never overdue", overdue, n)
	}
	by := now.AddDate(0, 0, 5)
	list, n = c.page(newQuery(Filter{DueBy: &by}, now), nil, byDue, 0, 10, true)
	if soon := idsOf(list); !slices.Equal(soon, []int64{1}) || n != 1 {
		t.Errorf("due by: %v (%d), want [1]", soon, n)
	}

	// Every filter, through a short list or a walk, pages as filtering and sorting all.
	r := rand.New(rand.NewPCG(3, 4))
	big := &catalog{byID: map[int64]*entry{}}
	for id := int64(1); id <= 500; id++ {
		big.byID[id] = randomEntry(r, id)
	}
	big.index()
	members := map[int64]bool{}
	for id := int64(1); id <= 500; id += 3 {
		members[id] = true
	}
	filters := []Filter{{}, {Tier: TierKey}, {OwnerID: 3}, {OwnerID: 2, Overdue: true}, {MemberID: 9, Tier: TierKey},
		{Q: "acme 1"}, {Q: "ACME 1", Industry: "Energy"}, {Overdue: true}, {DueBy: &by, Status: StatusActive}}
	for o := range orderCount {
		for _, f := range filters {
			q := newQuery(f, now)
			if f.MemberID != 0 {
				q.members = members
			}
			var all []*entry
			var named []int64
			for _, e := range big.sorted[o] {
				if q.match(e) {
					all = append(all, e)
				}
			}
			if f.Q != "" {
				for _, e := range all {
					named = append(named, e.id) // the search's few matches (with the filter's)
				}
			}
			for _, off := range []int{0, 7, 40} {
				var want []int64
				for i := off; i < len(all) && i < off+10; i++ {
					want = append(want, all[i].id)
				}
				for _, nm := range [][]int64{nil, named} {
					list, n := big.page(q, nm, o, off, 10, true)
					if got := idsOf(list); !slices.Equal(got, want) || n != int64(len(all)) {
						t.Errorf("order %d, %+v, offset %d: %v (%d), want %v (%d)", o, f, off, got, n, want, len(all))
					}
				}
			}
		}
	}
}

// smallestFirst puts the n smallest first, in order, whatever n and the input order.
func TestSmallestFirst(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		list := make([]*entry, r.IntN(300))
		for i := range list {
			list[i] = &entry{id: int64(i), value: r.Int64N(50)}
		}
		want := slices.Clone(list)
		slices.SortFunc(want, byValue.compare)
		n := r.IntN(len(list) + 1)
		smallestFirst(list, n, byValue.compare)
		if !slices.Equal(list[:n], want[:n]) {
			t.Fatalf("n %d of %d: %v, want %v", n, len(list), idsOf(list[:n]), idsOf(want[:n]))
		}
	}
}
