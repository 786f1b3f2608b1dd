package health

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"
)

// now is the fixed clock every test scores against: Friday 14 March 2025, 10:00 UTC.
var now = time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)

const hour = time.Hour

// ago is a moment d before now.
func ago(d time.Duration) *time.Time {
	t := now.Add(-d)
	return &t
}

// daysAgo is a moment n whole days before now.
func daysAgo(n int) *time.Time { return ago(time.Duration(n) * day) }

// dateIn is the UTC date n days from today, at 00:00, as a renewal date is stored.
func dateIn(n int) *time.Time {
	t := utcDate(now).AddDate(0, 0, n)
	return &t
}

// wellLookedAfterKeyAccount has nothing wrong with it: it scores 100.
func wellLookedAfterKeyAccount() Facts {
	return Facts{
		Key:                true,
		CadenceDays:        14,
		LastContactAt:      daysAgo(2),
		OwnerActive:        true,
		OwnerStatus:        "active",
		ActiveTeamMembers:  2,
		Contacts:           3,
		ContactsTouched180: 2,
		Interactions180:    6,
		TopStaffShare180:   3,
		Contacts30:         2,
		Contacts90:         4,
		ContactsPrev90:     4,
		ExecutiveTouch365:  true,
	}
}

// A ruleCase starts from wellLookedAfterKeyAccount, changes it, and expects the rule
// under test to take deduction (0: the rule does not apply) with data. other is what the
// other rules take from the same account (usually nothing).
type ruleCase struct {
	name      string
	change    func(f *Facts)
	deduction int
	data      map[string]any
	other     int
}

func runRuleCases(t *testing.T, code string, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := wellLookedAfterKeyAccount()
			tc.change(&f)
			r, ok := Score(f, now)
			if !ok {
				t.Fatal("account was not scored")
			}
			if want := MaxScore - tc.deduction - tc.other; r.Score != want {
				t.Errorf("score = %d, want %d (reasons %+v)", r.Score, want, r.Reasons)
			}
			got, found := reasonOf(r, code)
			if tc.deduction == 0 {
				if found {
					t.Errorf("%s applied (%+v), want it not to", code, got)
				}
				return
			}
			if !found {
				t.Fatalf("%s did not apply, want deduction %d (reasons %+v)", code, tc.deduction, r.Reasons)
			}
			if got.Deduction != tc.deduction {
				t.Errorf("%s deduction = %d, want %d", code, got.Deduction, tc.deduction)
			}
			if tc.data != nil && !reflect.DeepEqual(got.Data, tc.data) {
				t.Errorf("%s data = %#v, want %#v", code, got.Data, tc.data)
			}
		})
	}
}

func reasonOf(r Result, code string) (Reason, bool) {
	for _, reason := range r.Reasons {
		if reason.Code == code {
			return reason, true
		}
	}
	return Reason{}, false
}

func TestContactOverdue(t *testing.T) {
	runRuleCases(t, CodeContactOverdue, []ruleCase{
		{name: "key account contacted 2 days ago on a 14-day cadence is not overdue",
			change: func(f *Facts) {}},
		{name: "contacted exactly 14 days ago on a 14-day cadence is not yet overdue",
			change: func(f *Facts) { f.LastContactAt = daysAgo(14) }},
		{name: "one hour past a 14-day cadence loses 1",
			change:    func(f *Facts) { f.LastContactAt = ago(14*day + hour) },
			deduction: 1,
			data:      map[string]any{"days_since_contact": 14, "cadence_days": 14, "days_overdue": 0}},
		{name: "one day past a 14-day cadence loses 3 (40 × 1/14, rounded up)",
			change:    func(f *Facts) { f.LastContactAt = daysAgo(15) },
			deduction: 3,
			data:      map[string]any{"days_since_contact": 15, "cadence_days": 14, "days_overdue": 1}},
		{name: "21 days without contact on a 14-day cadence (1.5×) loses 20",
			change:    func(f *Facts) { f.LastContactAt = daysAgo(21) },
			deduction: 20,
			data:      map[string]any{"days_since_contact": 21, "cadence_days": 14, "days_overdue": 7}},
		{name: "28 days without contact on a 14-day cadence (2×) loses the full 40",
			change:    func(f *Facts) { f.LastContactAt = daysAgo(28) },
			deduction: 40,
			data:      map[string]any{"days_since_contact": 28, "cadence_days": 14, "days_overdue": 14}},
		{name: "key account 41 days without contact on a 14-day cadence loses 40",
			change:    func(f *Facts) { f.LastContactAt = daysAgo(41) },
			deduction: 40,
			data:      map[string]any{"days_since_contact": 41, "cadence_days": 14, "days_overdue": 27}},
		{name: "42 days without contact on a 14-day cadence (3×) still loses only 40",
			change:    func(f *Facts) { f.LastContactAt = daysAgo(42) },
			deduction: 40},
		{name: "three years without contact loses 40",
			change:    func(f *Facts) { f.LastContactAt = daysAgo(3 * 365) },
			deduction: 40},
		{name: "days are counted whole: 20 days and 23 hours shows as 20 days since contact",
			change:    func(f *Facts) { f.LastContactAt = ago(20*day + 23*hour) },
			deduction: 20, // 40 × (6 days 23 h) / 14 days = 19.9, rounded up
			data:      map[string]any{"days_since_contact": 20, "cadence_days": 14, "days_overdue": 6}},
		{name: "growth account past its 30-day cadence loses points too",
			change: func(f *Facts) {
				f.Key, f.ExecutiveTouch365 = false, false
				f.CadenceDays, f.LastContactAt = 30, daysAgo(45)
			},
			deduction: 20,
			data:      map[string]any{"days_since_contact": 45, "cadence_days": 30, "days_overdue": 15}},
		{name: "a cadence of zero days counts as one day",
			change:    func(f *Facts) { f.CadenceDays, f.LastContactAt = 0, ago(36*hour) },
			deduction: 20,
			data:      map[string]any{"days_since_contact": 1, "cadence_days": 1, "days_overdue": 0}},
		{name: "a contact logged for later today is not overdue",
			change: func(f *Facts) { f.LastContactAt = ago(-2 * hour) }},
		{name: "never contacted is its own reason, not contact overdue",
			change: func(f *Facts) { f.LastContactAt = nil },
			other:  NeverContactedDeduction},
	})
}

func TestNeverContacted(t *testing.T) {
	runRuleCases(t, CodeNeverContacted, []ruleCase{
		{name: "key account never contacted loses 40",
			change:    func(f *Facts) { f.LastContactAt = nil },
			deduction: 40,
			data:      map[string]any{"cadence_days": 14}},
		{name: "growth account never contacted loses 40 too",
			change: func(f *Facts) {
				f.Key, f.ExecutiveTouch365, f.CadenceDays, f.LastContactAt = false, false, 30, nil
			},
			deduction: 40,
			data:      map[string]any{"cadence_days": 30}},
		{name: "account contacted yesterday was contacted",
			change: func(f *Facts) { f.LastContactAt = daysAgo(1) }},
	})
}

func TestVisitOverdue(t *testing.T) {
	runRuleCases(t, CodeVisitOverdue, []ruleCase{
		{name: "a key account last visited 100 days ago, on a 90-day visit cadence, loses 10",
			change:    func(f *Facts) { f.VisitDays, f.LastVisitAt = 90, daysAgo(100) },
			deduction: 10,
			data:      map[string]any{"days_since_visit": 100, "visit_days": 90, "days_overdue": 10}},
		{name: "visited 89 days ago is within the cadence",
			change: func(f *Facts) { f.VisitDays, f.LastVisitAt = 90, daysAgo(89) }},
		{name: "never visited, a customer for 120 days: the first visit is 30 days late",
			change: func(f *Facts) {
				f.VisitDays, f.LastVisitAt, f.CustomerSince = 90, nil, daysAgo(120)
			},
			deduction: 10,
			data:      map[string]any{"days_since_visit": NoContactDays, "visit_days": 90, "days_overdue": 30}},
		{name: "never visited, a customer for a month: not yet due",
			change: func(f *Facts) { f.VisitDays, f.LastVisitAt, f.CustomerSince = 90, nil, daysAgo(30) }},
		{name: "a tier without a visit cadence",
			change: func(f *Facts) { f.VisitDays, f.LastVisitAt, f.CustomerSince = 0, nil, daysAgo(3000) }},
	})
}

func TestOwnerInactive(t *testing.T) {
	runRuleCases(t, CodeOwnerInactive, []ruleCase{
		{name: "account with an active owner keeps its points",
			change: func(f *Facts) {}},
		{name: "owner who is leaving loses 25",
			change:    func(f *Facts) { f.OwnerActive, f.OwnerStatus = false, "leaving" },
			deduction: 25,
			data:      map[string]any{"owner_status": "leaving"}},
		{name: "owner who has departed loses 25",
			change:    func(f *Facts) { f.OwnerActive, f.OwnerStatus = false, "departed" },
			deduction: 25,
			data:      map[string]any{"owner_status": "departed"}},
		{name: "account with no owner at all loses 25",
			change:    func(f *Facts) { f.OwnerActive, f.OwnerStatus = false, "" },
			deduction: 25,
			data:      map[string]any{"owner_status": "none"}},
	})
}

func TestSingleThreadedTeam(t *testing.T) {
	runRuleCases(t, CodeSingleThreadedTeam, []ruleCase{
		{name: "key account with owner and one active backup is covered",
			change: func(f *Facts) { f.ActiveTeamMembers = 2 }},
		{name: "key account with only its owner active loses 15",
			change:    func(f *Facts) { f.ActiveTeamMembers = 1 },
			deduction: 15,
			data:      map[string]any{"active_team_members": 1, "minimum": 2}},
		{name: "key account with nobody active on the team loses 15 (and the owner points)",
			change: func(f *Facts) {
				f.ActiveTeamMembers, f.OwnerActive, f.OwnerStatus = 0, false, "departed"
			},
			deduction: 15,
			data:      map[string]any{"active_team_members": 0, "minimum": 2},
			other:     OwnerInactiveDeduction},
		{name: "growth account with only its owner is fine",
			change: func(f *Facts) { f.Key, f.ExecutiveTouch365, f.ActiveTeamMembers = false, false, 1 }},
	})
}

func TestSingleContact(t *testing.T) {
	runRuleCases(t, CodeSingleContact, []ruleCase{
		{name: "three contacts, two of them talked to lately, is fine",
			change: func(f *Facts) {}},
		{name: "only one contact at the customer loses 10",
			change:    func(f *Facts) { f.Contacts, f.ContactsTouched180 = 1, 1 },
			deduction: 10,
			data:      map[string]any{"contacts": 1, "contacts_touched_180": 1}},
		{name: "no contacts at the customer loses 10",
			change:    func(f *Facts) { f.Contacts, f.ContactsTouched180 = 0, 0 },
			deduction: 10,
			data:      map[string]any{"contacts": 0, "contacts_touched_180": 0}},
		{name: "three contacts but only one talked to in 180 days loses 10",
			change:    func(f *Facts) { f.Contacts, f.ContactsTouched180 = 3, 1 },
			deduction: 10,
			data:      map[string]any{"contacts": 3, "contacts_touched_180": 1}},
		{name: "three contacts and none named on interactions in 180 days is not single contact",
			change: func(f *Facts) { f.Contacts, f.ContactsTouched180 = 3, 0 }},
	})
}

func TestOnePersonRelationship(t *testing.T) {
	runRuleCases(t, CodeOnePersonRelationship, []ruleCase{
		{name: "six interactions, three by the busiest rep, is shared",
			change: func(f *Facts) {}},
		{name: "all 5 of 5 interactions by one rep loses 10",
			change:    func(f *Facts) { f.Interactions180, f.TopStaffShare180 = 5, 5 },
			deduction: 10,
			data:      map[string]any{"interactions_180": 5, "top_staff_interactions": 5, "share_percent": 100}},
		{name: "exactly 80% (4 of 5) by one rep is not over 80%",
			change: func(f *Facts) { f.Interactions180, f.TopStaffShare180 = 5, 4 }},
		{name: "5 of 6 by one rep (83%) loses 10",
			change:    func(f *Facts) { f.Interactions180, f.TopStaffShare180 = 6, 5 },
			deduction: 10,
			data:      map[string]any{"interactions_180": 6, "top_staff_interactions": 5, "share_percent": 83}},
		{name: "9 of 10 by one rep loses 10",
			change:    func(f *Facts) { f.Interactions180, f.TopStaffShare180 = 10, 9 },
			deduction: 10,
			data:      map[string]any{"interactions_180": 10, "top_staff_interactions": 9, "share_percent": 90}},
		{name: "share is rounded: 7 of 8 shows as 88%",
			change:    func(f *Facts) { f.Interactions180, f.TopStaffShare180 = 8, 7 },
			deduction: 10,
			data:      map[string]any{"interactions_180": 8, "top_staff_interactions": 7, "share_percent": 88}},
		{name: "only 4 interactions, all by one rep, are too few to judge",
			change: func(f *Facts) { f.Interactions180, f.TopStaffShare180 = 4, 4 }},
		{name: "no interactions in 180 days is not a one-person relationship",
			change: func(f *Facts) { f.Interactions180, f.TopStaffShare180 = 0, 0 }},
		{name: "growth account with 5 of 5 by one rep is fine",
			change: func(f *Facts) {
				f.Key, f.ExecutiveTouch365 = false, false
				f.Interactions180, f.TopStaffShare180 = 5, 5
			}},
	})
}

func TestOwnershipChurn(t *testing.T) {
	runRuleCases(t, CodeOwnershipChurn, []ruleCase{
		{name: "no owner change this year is stable",
			change: func(f *Facts) { f.OwnerChanges365 = 0 }},
		{name: "one owner change this year is stable",
			change: func(f *Facts) { f.OwnerChanges365 = 1 }},
		{name: "two owner changes this year loses 10",
			change:    func(f *Facts) { f.OwnerChanges365 = 2 },
			deduction: 10,
			data:      map[string]any{"owner_changes_365": 2}},
		{name: "four owner changes this year still loses only 10",
			change:    func(f *Facts) { f.OwnerChanges365 = 4 },
			deduction: 10,
			data:      map[string]any{"owner_changes_365": 4}},
	})
}

func TestComplaintUnresolved(t *testing.T) {
	runRuleCases(t, CodeComplaintUnresolved, []ruleCase{
		{name: "no open complaints",
			change: func(f *Facts) { f.OpenComplaintDays = nil }},
		{name: "complaint open exactly 7 days is still within grace",
			change: func(f *Facts) { f.OpenComplaintDays = []int{7} }},
		{name: "complaint open 8 days loses 10",
			change:    func(f *Facts) { f.OpenComplaintDays = []int{8} },
			deduction: 10,
			data:      map[string]any{"complaints": 1, "oldest_days": 8}},
		{name: "two old complaints and one new one loses 20",
			change:    func(f *Facts) { f.OpenComplaintDays = []int{3, 20, 9} },
			deduction: 20,
			data:      map[string]any{"complaints": 2, "oldest_days": 20}},
		{name: "three old complaints loses 30",
			change:    func(f *Facts) { f.OpenComplaintDays = []int{8, 8, 8} },
			deduction: 30,
			data:      map[string]any{"complaints": 3, "oldest_days": 8}},
		{name: "four old complaints loses at most 30",
			change:    func(f *Facts) { f.OpenComplaintDays = []int{10, 90, 8, 30} },
			deduction: 30,
			data:      map[string]any{"complaints": 4, "oldest_days": 90}},
	})
}

func TestRenewalAtRisk(t *testing.T) {
	// quiet is an account last contacted 35 days ago, on a 60-day cadence so that it is
	// not overdue: nothing in the last 30 days.
	quiet := func(f *Facts) { f.CadenceDays, f.LastContactAt, f.Contacts30 = 60, daysAgo(35), 0 }
	runRuleCases(t, CodeRenewalAtRisk, []ruleCase{
		{name: "no renewal date",
			change: quiet},
		{name: "renewal in 60 days with no contact for 35 days loses 15",
			change:    func(f *Facts) { quiet(f); f.RenewalDate = dateIn(60) },
			deduction: 15,
			data:      map[string]any{"days_to_renewal": 60, "days_since_contact": 35}},
		{name: "renewal in 61 days is not yet close",
			change: func(f *Facts) { quiet(f); f.RenewalDate = dateIn(61) }},
		{name: "renewal today with no recent contact loses 15",
			change:    func(f *Facts) { quiet(f); f.RenewalDate = dateIn(0) },
			deduction: 15,
			data:      map[string]any{"days_to_renewal": 0, "days_since_contact": 35}},
		{name: "renewal that was yesterday has passed",
			change: func(f *Facts) { quiet(f); f.RenewalDate = dateIn(-1) }},
		{name: "renewal in 10 days but contacted last week is fine",
			change: func(f *Facts) { f.RenewalDate, f.Contacts30 = dateIn(10), 1 }},
		{name: "renewal in 10 days on a never-contacted account loses 15, with -1 days since contact",
			change: func(f *Facts) {
				f.LastContactAt, f.Contacts30, f.RenewalDate = nil, 0, dateIn(10)
			},
			deduction: 15,
			data:      map[string]any{"days_to_renewal": 10, "days_since_contact": NoContactDays},
			other:     NeverContactedDeduction},
	})
}

func TestEngagementDeclining(t *testing.T) {
	runRuleCases(t, CodeEngagementDeclining, []ruleCase{
		{name: "steady: 4 contacts this quarter, 4 the quarter before",
			change: func(f *Facts) { f.Contacts90, f.ContactsPrev90 = 4, 4 }},
		{name: "2 contacts the quarter before and none since loses 10",
			change:    func(f *Facts) { f.Contacts90, f.ContactsPrev90 = 0, 2 },
			deduction: 10,
			data:      map[string]any{"contacts_90": 0, "contacts_prev_90": 2}},
		{name: "1 contact the quarter before and none since is too little to call a decline",
			change: func(f *Facts) { f.Contacts90, f.ContactsPrev90 = 0, 1 }},
		{name: "4 the quarter before and 2 since is exactly half, not a decline",
			change: func(f *Facts) { f.Contacts90, f.ContactsPrev90 = 2, 4 }},
		{name: "5 the quarter before and 2 since loses 10",
			change:    func(f *Facts) { f.Contacts90, f.ContactsPrev90 = 2, 5 },
			deduction: 10,
			data:      map[string]any{"contacts_90": 2, "contacts_prev_90": 5}},
		{name: "no contacts in either quarter is not a decline",
			change: func(f *Facts) { f.Contacts90, f.ContactsPrev90 = 0, 0 }},
		{name: "growing from 1 to 6 is not a decline",
			change: func(f *Facts) { f.Contacts90, f.ContactsPrev90 = 6, 1 }},
	})
}

func TestNoExecutiveTouch(t *testing.T) {
	runRuleCases(t, CodeNoExecutiveTouch, []ruleCase{
		{name: "key account with an executive visit this year",
			change: func(f *Facts) { f.ExecutiveTouch365 = true }},
		{name: "key account with no executive touch for a year loses 5",
			change:    func(f *Facts) { f.ExecutiveTouch365 = false },
			deduction: 5,
			data:      map[string]any{"days": 365}},
		{name: "growth account needs no executive touch",
			change: func(f *Facts) { f.Key, f.ExecutiveTouch365 = false, false }},
	})
}

func TestHandoverFirstContact(t *testing.T) {
	hoursAgo := func(h int) *time.Time { t := now.Add(-time.Duration(h) * time.Hour); return &t }
	runRuleCases(t, CodeHandoverFirstContact, []ruleCase{
		{name: "no handover", change: func(f *Facts) { f.HandoverAt = nil }},
		{name: "key account handed over 7 days ago: still in time",
			change: func(f *Facts) { f.HandoverAt = daysAgo(7) }},
		{name: "key account handed over 7 days and an hour ago, no contact, loses 20",
			change:    func(f *Facts) { f.HandoverAt = hoursAgo(7*24 + 1) },
			deduction: 20,
			data:      map[string]any{"days_since_handover": 7, "first_contact_days": 7, "days_overdue": 0}},
		{name: "the successor called",
			change: func(f *Facts) { f.HandoverAt, f.SuccessorContacted = daysAgo(30), true }},
		{name: "growth account handed over 10 days ago: it has 14",
			change: func(f *Facts) { f.Key, f.HandoverAt = false, daysAgo(10) }},
		{name: "growth account handed over 20 days ago, no contact",
			change:    func(f *Facts) { f.Key, f.HandoverAt = false, daysAgo(20) },
			deduction: 20,
			data:      map[string]any{"days_since_handover": 20, "first_contact_days": 14, "days_overdue": 6}},
	})
	f := wellLookedAfterKeyAccount()
	f.HandoverAt = daysAgo(8)
	if !Neglected(f, now) || !FirstContactOverdue(f, now) {
		t.Error("a key account whose new owner has not called in 8 days is neglected")
	}
	f.SuccessorContacted = true
	if Neglected(f, now) {
		t.Error("once the new owner called it is not")
	}
}

func TestWellLookedAfterAccountScores100(t *testing.T) {
	for _, tc := range []struct {
		name  string
		facts Facts
	}{
		{"key account with nothing wrong", wellLookedAfterKeyAccount()},
		{"growth account with nothing wrong", func() Facts {
			f := wellLookedAfterKeyAccount()
			f.Key, f.ExecutiveTouch365, f.ActiveTeamMembers = false, false, 1
			return f
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, ok := Score(tc.facts, now)
			if !ok || r.Score != 100 || r.Level != Healthy {
				t.Fatalf("got %+v ok=%v, want 100 healthy", r, ok)
			}
			if r.Reasons == nil || len(r.Reasons) != 0 {
				t.Fatalf("reasons = %#v, want a non-nil empty slice", r.Reasons)
			}
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if want := `{"score":100,"level":"healthy","reasons":[]}`; string(b) != want {
				t.Errorf("json = %s, want %s", b, want)
			}
		})
	}
}

func TestLevels(t *testing.T) {
	for _, tc := range []struct {
		name  string
		score int
		want  Level
	}{
		{"full marks is healthy", 100, Healthy},
		{"75 is still healthy", 75, Healthy},
		{"74 needs watching", 74, Watch},
		{"50 still only needs watching", 50, Watch},
		{"49 is at risk", 49, AtRisk},
		{"0 is at risk", 0, AtRisk},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := LevelOf(tc.score); got != tc.want {
				t.Errorf("LevelOf(%d) = %q, want %q", tc.score, got, tc.want)
			}
		})
	}
}

func TestScoreAndLevelFromReasons(t *testing.T) {
	leaving := func(f *Facts) { f.OwnerActive, f.OwnerStatus = false, "leaving" }
	for _, tc := range []struct {
		name      string
		change    func(f *Facts)
		wantScore int
		wantLevel Level
	}{
		{"leaving owner alone leaves a key account healthy at 75",
			func(f *Facts) { leaving(f) }, 75, Healthy},
		{"leaving owner and one hour overdue puts it on watch at 74",
			func(f *Facts) { leaving(f); f.LastContactAt = ago(14*day + hour) }, 74, Watch},
		{"leaving owner, lone on the team, one contact: on watch at 50",
			func(f *Facts) { leaving(f); f.ActiveTeamMembers = 1; f.Contacts = 1 }, 50, Watch},
		{"the same, one hour overdue as well, is at risk at 49",
			func(f *Facts) {
				leaving(f)
				f.ActiveTeamMembers, f.Contacts, f.LastContactAt = 1, 1, ago(14*day+hour)
			}, 49, AtRisk},
		{"never contacted alone leaves a key account on watch at 60",
			func(f *Facts) { f.LastContactAt = nil }, 60, Watch},
		{"never contacted with a lone owner puts a key account at risk at 45",
			func(f *Facts) { f.LastContactAt, f.ActiveTeamMembers = nil, 1 }, 45, AtRisk},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := wellLookedAfterKeyAccount()
			tc.change(&f)
			r, _ := Score(f, now)
			if r.Score != tc.wantScore || r.Level != tc.wantLevel {
				t.Errorf("got %d %q, want %d %q (reasons %+v)", r.Score, r.Level, tc.wantScore, tc.wantLevel, r.Reasons)
			}
		})
	}
}

// everythingWrong is a key account that trips every rule except never_contacted.
func everythingWrong() Facts {
	return Facts{
		Key:                true,
		CadenceDays:        14,
		LastContactAt:      daysAgo(100),
		OwnerActive:        false,
		OwnerStatus:        "departed",
		ActiveTeamMembers:  0,
		Contacts:           1,
		ContactsTouched180: 1,
		Interactions180:    5,
		TopStaffShare180:   5,
		OwnerChanges365:    3,
		OpenComplaintDays:  []int{12, 40, 9, 60},
		RenewalDate:        dateIn(20),
		Contacts30:         0,
		Contacts90:         0,
		ContactsPrev90:     6,
		ExecutiveTouch365:  false,
		HandoverAt:         daysAgo(30),
		VisitDays:          90,
		LastVisitAt:        daysAgo(200),
	}
}

func TestScoreNeverGoesBelowZero(t *testing.T) {
	r, ok := Score(everythingWrong(), now)
	if !ok {
		t.Fatal("not scored")
	}
	total := 0
	for _, reason := range r.Reasons {
		total += reason.Deduction
	}
	if total <= 100 {
		t.Fatalf("deductions total %d, the test needs more than 100", total)
	}
	if r.Score != 0 || r.Level != AtRisk {
		t.Errorf("got %d %q, want 0 at_risk", r.Score, r.Level)
	}
}

func TestReasonsComeInTableOrder(t *testing.T) {
	for _, tc := range []struct {
		name  string
		facts Facts
		skip  string
	}{
		{"an account contacted long ago lists every reason but never contacted", everythingWrong(), CodeNeverContacted},
		{"an account never contacted lists every reason but contact overdue", func() Facts {
			f := everythingWrong()
			f.LastContactAt, f.Interactions180, f.TopStaffShare180 = nil, 5, 5
			return f
		}(), CodeContactOverdue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := Score(tc.facts, now)
			var got []string
			for _, reason := range r.Reasons {
				got = append(got, reason.Code)
			}
			want := slices.DeleteFunc(Codes(), func(c string) bool { return c == tc.skip })
			if !slices.Equal(got, want) {
				t.Errorf("codes = %v, want %v", got, want)
			}
		})
	}
}

func TestReasonDataIsPlainJSON(t *testing.T) {
	for _, f := range []Facts{everythingWrong(), func() Facts { f := everythingWrong(); f.LastContactAt = nil; return f }()} {
		r, _ := Score(f, now)
		for _, reason := range r.Reasons {
			if reason.Data == nil {
				t.Errorf("%s has nil data", reason.Code)
			}
			for k, v := range reason.Data {
				switch v.(type) {
				case int, string, bool:
				default:
					t.Errorf("%s data %q is %T, want int, string or bool", reason.Code, k, v)
				}
			}
		}
	}
}

func TestChurnedAccountIsNotScored(t *testing.T) {
	f := everythingWrong()
	f.Churned = true
	r, ok := Score(f, now)
	if ok {
		t.Fatalf("churned account was scored: %+v", r)
	}
	if r.Reasons == nil || len(r.Reasons) != 0 || r.Score != 0 || r.Level != "" {
		t.Errorf("got %#v, want a zero result with empty reasons", r)
	}
	if Neglected(f, now) {
		t.Error("churned key account counted as neglected")
	}
}

func TestOverdueAndNeglected(t *testing.T) {
	for _, tc := range []struct {
		name          string
		change        func(f *Facts)
		overdue       bool
		neglected     bool
		contactReason bool // Score lists contact_overdue or never_contacted
	}{
		{"key account contacted 2 days ago with an active owner is looked after",
			func(f *Facts) {}, false, false, false},
		{"key account contacted exactly at its cadence is not overdue",
			func(f *Facts) { f.LastContactAt = daysAgo(14) }, false, false, false},
		{"key account one hour past its cadence is overdue and neglected",
			func(f *Facts) { f.LastContactAt = ago(14*day + hour) }, true, true, true},
		{"key account never contacted is overdue and neglected",
			func(f *Facts) { f.LastContactAt = nil }, true, true, true},
		{"growth account overdue is not a neglected key account",
			func(f *Facts) { f.Key, f.LastContactAt = false, daysAgo(40) }, true, false, true},
		{"growth account with no owner is not a neglected key account",
			func(f *Facts) { f.Key, f.OwnerActive, f.OwnerStatus = false, false, "" }, false, false, false},
		{"key account with leaving owner is neglected though contacted yesterday",
			func(f *Facts) { f.LastContactAt, f.OwnerActive, f.OwnerStatus = daysAgo(1), false, "leaving" }, false, true, false},
		{"key account with no owner is neglected",
			func(f *Facts) { f.OwnerActive, f.OwnerStatus = false, "" }, false, true, false},
		{"churned key account, overdue and ownerless, is not neglected",
			func(f *Facts) { f.Churned, f.LastContactAt, f.OwnerActive = true, daysAgo(90), false }, true, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := wellLookedAfterKeyAccount()
			tc.change(&f)
			if got := Overdue(f, now); got != tc.overdue {
				t.Errorf("Overdue = %v, want %v", got, tc.overdue)
			}
			if got := Neglected(f, now); got != tc.neglected {
				t.Errorf("Neglected = %v, want %v", got, tc.neglected)
			}
			r, _ := Score(f, now)
			_, late := reasonOf(r, CodeContactOverdue)
			_, never := reasonOf(r, CodeNeverContacted)
			if got := late || never; got != tc.contactReason {
				t.Errorf("contact reason listed = %v, want %v (reasons %+v)", got, tc.contactReason, r.Reasons)
			}
		})
	}
}

func TestOverdueAgreesWithContactOverdueHourByHour(t *testing.T) {
	for _, cadence := range []int{1, 7, 14, 30} {
		for h := 0; h <= 3*24*cadence; h++ {
			f := wellLookedAfterKeyAccount()
			f.CadenceDays, f.LastContactAt = cadence, ago(time.Duration(h)*hour)
			r, _ := Score(f, now)
			reason, listed := reasonOf(r, CodeContactOverdue)
			if Overdue(f, now) != listed {
				t.Fatalf("cadence %d, %d hours: Overdue = %v but contact_overdue listed = %v", cadence, h, !listed, listed)
			}
			if listed && (reason.Deduction < 1 || reason.Deduction > MaxOverdueDeduction) {
				t.Fatalf("cadence %d, %d hours: deduction %d out of range", cadence, h, reason.Deduction)
			}
		}
	}
}

func TestScoreDoesNotChangeTheFacts(t *testing.T) {
	f := everythingWrong()
	before := slices.Clone(f.OpenComplaintDays)
	last := *f.LastContactAt
	Score(f, now)
	if !slices.Equal(f.OpenComplaintDays, before) || !f.LastContactAt.Equal(last) {
		t.Error("Score changed its input")
	}
}

func BenchmarkScore(b *testing.B) {
	accounts := []Facts{wellLookedAfterKeyAccount(), everythingWrong()}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Score(accounts[i%len(accounts)], now)
	}
}

// Decoded reasons are kept by their text; each caller gets its own list.
func TestParsedReasonsAreCopies(t *testing.T) {
	text := `[{"code":"contact_overdue","deduction":30,"data":{"days_overdue":3}}]`
	a, err := parsedReasons(text)
	if err != nil || len(a) != 1 || a[0].Code != "contact_overdue" {
		t.Fatalf("%v %v", a, err)
	}
	a[0].Code = "changed by a caller"
	b, _ := parsedReasons(text)
	if b[0].Code != "contact_overdue" {
		t.Fatalf("a caller's change reached the cache: %v", b)
	}
	if empty, err := parsedReasons("null"); err != nil || empty == nil || len(empty) != 0 {
		t.Fatalf("no reasons: %v %v", empty, err)
	}
	if _, err := parsedReasons("{"); err == nil {
		t.Fatal("bad JSON accepted")
	}
}
