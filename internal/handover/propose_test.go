package handover

import (
	"testing"

	"keyhold/internal/accounts"
)

func ids(ps []*int64) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		if p != nil {
			out[i] = *p
		}
	}
	return out
}

func TestPropose(t *testing.T) {
	owner, backup := accounts.RoleOwner, accounts.RoleBackup
	cases := []struct {
		name  string
		slots []Slot
		pool  []Candidate
		want  []int64 // 0: nobody
	}{
		{"the active backup is proposed first",
			[]Slot{{AccountID: 1, Role: owner, Key: true, Value: 100, Team: map[int64]accounts.TeamRole{9: backup}, ActiveBackups: []int64{9}}},
			[]Candidate{{UserID: 2}}, []int64{9}},
		{"without a backup, the rep with the least key-account value",
			[]Slot{{AccountID: 1, Role: owner, Key: true, Value: 100}},
			[]Candidate{{UserID: 2, KeyValue: 500, Accounts: 1}, {UserID: 3, KeyValue: 100, Accounts: 9}}, []int64{3}},
		{"equal key value: the fewest accounts",
			[]Slot{{AccountID: 1, Role: owner}},
			[]Candidate{{UserID: 2, KeyValue: 100, Accounts: 5}, {UserID: 3, KeyValue: 100, Accounts: 2}}, []int64{3}},
		{"never someone already on the team",
			[]Slot{{AccountID: 1, Role: owner, Team: map[int64]accounts.TeamRole{3: accounts.RoleSupport}}},
			[]Candidate{{UserID: 2, KeyValue: 900}, {UserID: 3}}, []int64{2}},
		{"a member's role passes to someone off the team",
			[]Slot{{AccountID: 1, Role: backup, Team: map[int64]accounts.TeamRole{2: owner}}},
			[]Candidate{{UserID: 2}, {UserID: 4, KeyValue: 50}}, []int64{4}},
		{"nobody qualifies: no proposal",
			[]Slot{{AccountID: 1, Role: backup, Team: map[int64]accounts.TeamRole{2: owner}}},
			[]Candidate{{UserID: 2}}, []int64{0}},
		{"an empty team pool: no proposal",
			[]Slot{{AccountID: 1, Role: owner, Key: true, Value: 10}}, nil, []int64{0}},
		{"the load is spread: each proposal counts",
			[]Slot{
				{AccountID: 1, Role: owner, Key: true, Value: 300},
				{AccountID: 2, Role: owner, Key: true, Value: 200},
				{AccountID: 3, Role: owner, Key: true, Value: 100},
			},
			[]Candidate{{UserID: 2}, {UserID: 3}}, []int64{2, 3, 3}},
		{"a backup taking over counts towards their load",
			[]Slot{
				{AccountID: 1, Role: owner, Key: true, Value: 1000, ActiveBackups: []int64{2}, Team: map[int64]accounts.TeamRole{2: backup}},
				{AccountID: 2, Role: owner, Key: true, Value: 10},
			},
			[]Candidate{{UserID: 2}, {UserID: 3, KeyValue: 500}}, []int64{2, 3}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ids(Propose(c.slots, c.pool))
			for i := range c.want {
				if got[i] != c.want[i] {
					t.Fatalf("got %v, want %v", got, c.want)
				}
			}
		})
	}
}

// With equal candidates, the key accounts are dealt out: the number each receives differs
// by at most one, however their values differ (one large and twelve small ones).
func TestProposeSpreadsKeyAccounts(t *testing.T) {
	slots := []Slot{{AccountID: 1, Role: accounts.RoleOwner, Key: true, Value: 1_000_000}}
	for i := int64(2); i <= 13; i++ {
		slots = append(slots, Slot{AccountID: i, Role: accounts.RoleOwner, Key: true, Value: 10 + i})
	}
	slots = append(slots, Slot{AccountID: 99, Role: accounts.RoleOwner, Value: 5})
	got := ids(Propose(slots, []Candidate{{UserID: 2}, {UserID: 3}, {UserID: 4}}))
	count := map[int64]int{}
	for i, id := range got[:13] {
		if id == 0 {
			t.Fatalf("slot %d has no proposal: %v", i, got)
		}
		count[id]++
	}
	if count[2] < 4 || count[3] < 4 || count[4] < 4 {
		t.Errorf("key accounts per candidate %v, want 4 or 5 each (%v)", count, got)
	}
	if got[0] != 2 {
		t.Errorf("the large key account went to %d, want the first of equals", got[0])
	}
}
