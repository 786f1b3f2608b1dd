package health

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestRemediesPromiseWhatTheRulesGive checks every promised lift against the rules
// themselves: the facts changed as the action would change them, scored again.
func TestRemediesPromiseWhatTheRulesGive(t *testing.T) {
	act := map[Action]func(f *Facts){
		ActionLogCall: func(f *Facts) {
			f.LastContactAt = &now
			f.Contacts30++
			f.Contacts90++
			f.Interactions180++
			f.SuccessorContacted = true
		},
		ActionLogVisit: func(f *Facts) {
			f.LastContactAt, f.LastVisitAt = &now, &now
			f.Contacts30++
			f.Contacts90++
			f.Interactions180++
			f.SuccessorContacted = true
		},
		ActionAddContact: func(f *Facts) { f.Contacts++ },
		ActionAddBackup:  func(f *Facts) { f.ActiveTeamMembers++ },
		ActionResolveComplaint: func(f *Facts) {
			if len(f.OpenComplaintDays) > 0 {
				oldest := slices.Index(f.OpenComplaintDays, slices.Max(f.OpenComplaintDays))
				f.OpenComplaintDays = slices.Delete(slices.Clone(f.OpenComplaintDays), oldest, oldest+1)
			}
		},
		ActionTransfer:       func(f *Facts) { f.OwnerActive, f.OwnerStatus = true, "active" },
		ActionExecutiveVisit: func(f *Facts) { f.ExecutiveTouch365 = true },
	}
	neglected := func() Facts {
		f := wellLookedAfterKeyAccount()
		f.LastContactAt = daysAgo(20) // 6 days overdue on 14: −18
		f.ActiveTeamMembers = 1       // −15
		f.Contacts = 1                // −10
		f.ExecutiveTouch365 = false   // −5
		return f
	}
	cases := map[string]struct {
		facts func() Facts
		best  Action
	}{
		"overdue and thin": {neglected, ActionLogCall},
		"never contacted":  {func() Facts { f := neglected(); f.LastContactAt = nil; f.Contacts30, f.Contacts90 = 0, 0; return f }, ActionLogCall},
		"complaints":       {func() Facts { f := wellLookedAfterKeyAccount(); f.OpenComplaintDays = []int{3, 30, 12, 40}; return f }, ActionResolveComplaint},
		"owner gone": {func() Facts {
			f := neglected()
			f.LastContactAt = daysAgo(1)
			f.OwnerActive, f.OwnerStatus = false, "departed"
			return f
		}, ActionTransfer},
		"only the team":      {func() Facts { f := wellLookedAfterKeyAccount(); f.ActiveTeamMembers = 1; return f }, ActionAddBackup},
		"two contacts short": {func() Facts { f := wellLookedAfterKeyAccount(); f.Contacts = 0; f.ContactsTouched180 = 0; return f }, ""},
		"declining": {func() Facts {
			f := wellLookedAfterKeyAccount()
			f.Contacts90, f.ContactsPrev90 = 2, 6
			return f
		}, ActionLogCall},
		"declining beyond one call": {func() Facts {
			f := wellLookedAfterKeyAccount()
			f.Contacts90, f.ContactsPrev90 = 1, 8
			return f
		}, ""},
		"everything wrong at once, the score at 0": {func() Facts {
			f := neglected()
			f.LastContactAt = nil
			f.OwnerActive, f.OwnerStatus = false, ""
			f.OpenComplaintDays = []int{30, 30, 30, 30}
			f.RenewalDate = dateIn(10)
			return f
		}, ActionLogCall},
		"nothing wrong": {wellLookedAfterKeyAccount, ""},
		"not visited": {func() Facts {
			f := wellLookedAfterKeyAccount()
			f.VisitDays, f.LastVisitAt = 90, daysAgo(120)
			return f
		}, ActionLogVisit},
		"not visited and overdue": {func() Facts {
			f := neglected()
			f.VisitDays, f.LastVisitAt = 90, daysAgo(120)
			return f
		}, ActionLogVisit},
	}
	for name, tc := range cases {
		f := tc.facts()
		before, _ := Score(f, now)
		// Remedies reads stored reasons: numbers come back from JSON as float64.
		raw, _ := json.Marshal(before.Reasons)
		var stored []Reason
		if err := json.Unmarshal(raw, &stored); err != nil {
			t.Fatal(err)
		}
		got := Remedies(stored)
		var best Action
		if len(got) > 0 {
			best = got[0].Action
		}
		if best != tc.best {
			t.Errorf("%s: best action %q, want %q (%+v; reasons %+v)", name, best, tc.best, got, before.Reasons)
		}
		promised := map[Action]int{}
		for i, r := range got {
			promised[r.Action] = r.Points
			if i > 0 && r.Points > got[i-1].Points {
				t.Errorf("%s: not best first: %+v", name, got)
			}
		}
		for a, apply := range act {
			g := tc.facts()
			apply(&g)
			after, _ := Score(g, now)
			if lift := after.Score - before.Score; lift != promised[a] {
				t.Errorf("%s: %s lifts %d → %d (+%d), promised +%d", name, a, before.Score, after.Score, lift, promised[a])
			}
		}
	}
}

func TestStatusIsTheWorstState(t *testing.T) {
	cases := []struct {
		neglected bool
		level     Level
		overdue   bool
		want      Status
	}{
		{true, Watch, true, StatusNeglected},
		{false, AtRisk, true, StatusAtRisk},
		{false, Watch, true, StatusOverdue},
		{false, Healthy, true, StatusOverdue},
		{false, Watch, false, StatusWatch},
		{false, Healthy, false, StatusHealthy},
		{false, "", false, StatusUnscored},
	}
	for _, c := range cases {
		if got := StatusOf(c.neglected, c.level, c.overdue); got != c.want {
			t.Errorf("StatusOf(%v, %q, %v) = %q, want %q", c.neglected, c.level, c.overdue, got, c.want)
		}
	}
}
