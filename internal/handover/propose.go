package handover

import (
	"sort"

	"keyhold/internal/accounts"
	"keyhold/internal/money"
)

// Slot is one account to hand over, as the proposal rule sees it.
type Slot struct {
	AccountID int64
	Role      accounts.TeamRole // the departing person's role on it
	Key       bool
	Value     int64
	// Team holds the account's other members and their roles; ActiveBackups those
	// backups who are active (leaving and departed people never take over).
	Team          map[int64]accounts.TeamRole
	ActiveBackups []int64
}

// Candidate is an active sales rep in the departing person's team, with their current
// book as owner.
type Candidate struct {
	UserID   int64
	KeyValue int64 // annual value of the key accounts they own
	Accounts int   // accounts they own
	proposed int   // items already proposed to them in this handover
	keys     int   // key accounts already proposed to them to own, in this handover
}

// Propose picks a successor for each slot, in the order given (PRODUCT.md, "Handover
// workflow"): the account's active backup when the departing person owns it; otherwise
// the candidate with the least key-account value, then the fewest accounts, who is not
// already on the account's team. A member's role passes to a candidate the same way; nil
// means nobody qualifies. Proposals are made most valuable first and each one counts
// towards the candidate's load, so forty accounts do not all land on one person; key
// accounts to own are also dealt out in turn (the fewest received in this handover
// first), so that the number each candidate receives differs by at most one — by value
// alone, one person took nine of thirteen small key accounts while another took the one
// large one.
func Propose(slots []Slot, pool []Candidate) []*int64 {
	out := make([]*int64, len(slots))
	cands := make([]Candidate, len(pool))
	copy(cands, pool)
	order := make([]int, len(slots))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		sa, sb := slots[order[a]], slots[order[b]]
		if sa.Key != sb.Key {
			return sa.Key
		}
		return sa.Value > sb.Value
	})
	for _, i := range order {
		s := slots[i]
		if s.Role == accounts.RoleOwner && len(s.ActiveBackups) > 0 {
			id := s.ActiveBackups[0]
			out[i] = &id
			charge(cands, id, s)
			continue
		}
		dealt := s.Key && s.Role == accounts.RoleOwner
		best := -1
		for j, c := range cands {
			if _, onTeam := s.Team[c.UserID]; onTeam {
				continue
			}
			if best < 0 || (dealt && c.keys < cands[best].keys) ||
				((!dealt || c.keys == cands[best].keys) && lighter(c, cands[best])) {
				best = j
			}
		}
		if best >= 0 {
			id := cands[best].UserID
			out[i] = &id
			charge(cands, id, s)
		}
	}
	return out
}

// lighter orders candidates: least key-account value, then fewest accounts, then fewest
// items already proposed in this handover, then the lower id (so the result is stable).
func lighter(a, b Candidate) bool {
	if a.KeyValue != b.KeyValue {
		return a.KeyValue < b.KeyValue
	}
	if a.Accounts != b.Accounts {
		return a.Accounts < b.Accounts
	}
	if a.proposed != b.proposed {
		return a.proposed < b.proposed
	}
	return a.UserID < b.UserID
}

// charge adds a proposed slot to a candidate's load: an owned account counts as owned.
func charge(cands []Candidate, id int64, s Slot) {
	for j := range cands {
		if cands[j].UserID != id {
			continue
		}
		cands[j].proposed++
		if s.Role == accounts.RoleOwner {
			cands[j].Accounts++
			if s.Key {
				cands[j].KeyValue = money.AddSat(cands[j].KeyValue, s.Value)
				cands[j].keys++
			}
		}
	}
}
