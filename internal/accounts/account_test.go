package accounts

import (
	"keyhold/internal/fault"
	"keyhold/internal/opt"
	"testing"
	"time"
)

func TestCadenceAndOverdue(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	at := func(days int) *time.Time { t := now.AddDate(0, 0, -days); return &t }
	seven := 7
	cases := []struct {
		name        string
		a           Account
		wantCadence int
		wantOverdue bool
		wantDue     time.Time
	}{
		{"key account contacted 10 days ago is within 14", Account{Tier: TierKey, Status: StatusActive, LastContactedAt: at(10)}, 14, false, now.AddDate(0, 0, 4)},
		{"key account contacted 15 days ago is overdue", Account{Tier: TierKey, Status: StatusActive, LastContactedAt: at(15)}, 14, true, now.AddDate(0, 0, -1)},
		{"due exactly now is not yet overdue", Account{Tier: TierKey, Status: StatusActive, LastContactedAt: at(14)}, 14, false, now},
		{"growth cadence is 30", Account{Tier: TierGrowth, Status: StatusActive, LastContactedAt: at(29)}, 30, false, now.AddDate(0, 0, 1)},
		{"standard cadence is 90", Account{Tier: TierStandard, Status: StatusActive, LastContactedAt: at(91)}, 90, true, now.AddDate(0, 0, -1)},
		{"an override wins over the tier", Account{Tier: TierStandard, Status: StatusActive, CadenceOverride: &seven, LastContactedAt: at(8)}, 7, true, now.AddDate(0, 0, -1)},
		{"never contacted is due now and overdue", Account{Tier: TierGrowth, Status: StatusActive}, 30, true, now},
		{"a churned account is never overdue", Account{Tier: TierKey, Status: StatusChurned, LastContactedAt: at(100)}, 14, false, now.AddDate(0, 0, -86)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := c.a
			a.NextContactDue = DueAfter(a.LastContactedAt, a.effectiveCadence(cadence{}))
			a.finish(now, cadence{}, map[Tier]int{TierKey: 90})
			if a.CadenceDays != c.wantCadence || a.Overdue != c.wantOverdue || !a.NextContactDue.Equal(c.wantDue) {
				t.Fatalf("cadence %d overdue %v due %v; want %d %v %v", a.CadenceDays, a.Overdue, a.NextContactDue,
					c.wantCadence, c.wantOverdue, c.wantDue)
			}
		})
	}
}

// The visit cadence: the account's own, else its tier's, else none.
func TestVisitDays(t *testing.T) {
	visits := map[Tier]int{TierKey: 90}
	thirty := 30
	for _, c := range []struct {
		a    Account
		want int // 0: none
	}{
		{Account{Tier: TierKey}, 90}, {Account{Tier: TierGrowth}, 0}, {Account{Tier: TierGrowth, VisitOverride: &thirty}, 30},
		{Account{Tier: TierKey, VisitOverride: &thirty}, 30},
	} {
		c.a.finish(time.Now(), cadence{}, visits)
		if got := c.a.VisitDays; (got == nil) != (c.want == 0) || got != nil && *got != c.want {
			t.Errorf("%s, own %v: visit days %v, want %d", c.a.Tier, c.a.VisitOverride, got, c.want)
		}
	}
	for _, k := range Kinds {
		if k.IsVisit() != (k == "visit" || k == "meeting" || k == "executive_visit") {
			t.Errorf("%s: a visit? %v", k, k.IsVisit())
		}
	}
}

func TestKinds(t *testing.T) {
	for _, k := range Kinds {
		if k.IsContact() == (k == KindNote) {
			t.Errorf("%s: IsContact %v", k, k.IsContact())
		}
	}
	if Kind("lunch").Valid() || Kind("lunch").IsContact() {
		t.Error("unknown kind accepted")
	}
}

func TestTeamRoles(t *testing.T) {
	if RoleOwner.Assignable() {
		t.Error("the owner role must move only by transfer")
	}
	for _, r := range []TeamRole{RoleBackup, RoleExecutiveSponsor, RoleSupport} {
		if !r.Assignable() {
			t.Errorf("%s should be assignable", r)
		}
	}
}

func TestDedupe(t *testing.T) {
	got := uniqueIDs([]int64{3, 1, 3, 0, 2, 1}, 2)
	want := []int64{3, 1}
	if len(got) != len(want) || got[0] != 3 || got[1] != 1 {
		t.Fatalf("dedupe: %v", got)
	}
}

// A patch sets only what it carries, checks every field it sets, and reports them all.
func TestPatchApply(t *testing.T) {
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	a := Account{Name: "Acme", Tier: TierGrowth, Currency: "CNY", CustomerSince: "2020-01-01"}
	err := Patch{Tier: opt.Of(TierKey), AnnualValue: opt.Of[int64](500), CadenceDays: opt.Of(7)}.apply(&a, day)
	if err != nil || a.Name != "Acme" || a.Tier != TierKey || a.AnnualValue != 500 || a.CadenceOverride == nil || *a.CadenceOverride != 7 {
		t.Fatalf("%+v %v: want only tier, value and cadence changed", a, err)
	}
	err = Patch{Name: opt.Of(" "), Tier: opt.Of(Tier("gold")), AnnualValue: opt.Of[int64](-1),
		CustomerSince: opt.Of("2030-01-01")}.apply(&a, day)
	for _, f := range []string{"name", "tier", "annual_value", "customer_since"} {
		if fe, ok := fault.As(err); !ok || fe.Fields[f] == "" {
			t.Errorf("a bad %s was not refused: %v", f, err)
		}
	}
	clear := Patch{CadenceDays: opt.Field[int]{Set: true, Null: true}, RenewalDate: opt.Field[string]{Set: true, Null: true}}
	if err := clear.apply(&a, day); err != nil || a.CadenceOverride != nil || a.RenewalDate != nil {
		t.Errorf("null clears the cadence override and the renewal: %+v %v", a, err)
	}
}
