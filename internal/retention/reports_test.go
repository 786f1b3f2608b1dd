package retention

import (
	"math"
	"testing"

	"keyhold/internal/money"
)

// period is 2026 in CNY, with USD at 7 and no rate for EUR.
func period() Period {
	return Period{From: "2026-01-01", To: "2026-12-31", Currency: "CNY",
		rates: money.NewRates("CNY", map[string]float64{"USD": 7})}
}

func ptr(s string) *string { return &s }

func TestRetainedCountsEachAccountAtStartOnce(t *testing.T) {
	subjects := []subject{
		{ID: 1, Tier: "key", CustomerSince: "2024-05-01", AnnualValue: 100, Currency: "CNY"},    // kept all year
		{ID: 2, Tier: "key", CustomerSince: "2025-02-10", AnnualValue: 10, Currency: "USD"},     // lost in March
		{ID: 3, Tier: "growth", CustomerSince: "2025-08-01", AnnualValue: 50, Currency: "CNY"},  // lost and won back within the year
		{ID: 4, Tier: "growth", CustomerSince: "2023-01-01", AnnualValue: 80, Currency: "CNY"},  // lost before the year, never back
		{ID: 5, Tier: "growth", CustomerSince: "2023-01-01", AnnualValue: 30, Currency: "CNY"},  // lost before, back before the start
		{ID: 6, Tier: "standard", CustomerSince: "2025-03-01", AnnualValue: 9, Currency: "EUR"}, // lost twice in the year
		{ID: 7, Tier: "growth", CustomerSince: "2024-01-01", AnnualValue: 40, Currency: "CNY"},  // won back on the first day
	}
	losses := []loss{
		{AccountID: 4, ChurnedOn: "2025-06-01", AnnualValue: 80, Currency: "CNY"},
		{AccountID: 5, ChurnedOn: "2025-07-01", ReactivatedOn: ptr("2025-12-01"), AnnualValue: 30, Currency: "CNY"},
		{AccountID: 2, ChurnedOn: "2026-03-15", AnnualValue: 12, Currency: "USD"},
		{AccountID: 3, ChurnedOn: "2026-04-01", ReactivatedOn: ptr("2026-06-01"), AnnualValue: 50, Currency: "CNY"},
		{AccountID: 6, ChurnedOn: "2026-05-01", ReactivatedOn: ptr("2026-05-20"), AnnualValue: 9, Currency: "EUR"},
		{AccountID: 6, ChurnedOn: "2026-09-01", AnnualValue: 9, Currency: "EUR"},
		{AccountID: 7, ChurnedOn: "2025-10-01", ReactivatedOn: ptr("2026-01-01"), AnnualValue: 40, Currency: "CNY"},
	}
	r := retained(period(), "tier", subjects, losses)
	want := map[string]RetentionRow{
		"key":      {AccountsAtStart: 2, Churned: 1, Retained: 1, ValueAtStart: 100 + 70, ValueChurned: 84},
		"growth":   {AccountsAtStart: 3, Churned: 1, Retained: 3, ValueAtStart: 50 + 30 + 40, ValueChurned: 50},
		"standard": {AccountsAtStart: 1, Churned: 1, Retained: 0, ValueAtStart: 0, ValueChurned: 0},
	}
	if len(r.Data) != len(want) {
		t.Fatalf("groups %+v, want %d", r.Data, len(want))
	}
	for _, row := range r.Data {
		w := want[row.Group]
		if row.AccountsAtStart != w.AccountsAtStart || row.Churned != w.Churned || row.Retained != w.Retained ||
			row.ValueAtStart != w.ValueAtStart || row.ValueChurned != w.ValueChurned {
			t.Errorf("%s: %+v, want %+v", row.Group, row, w)
		}
	}
	tot := r.Total
	if tot.AccountsAtStart != 6 || tot.Churned != 3 || tot.Retained != 4 {
		t.Errorf("total %+v: want 6 at start, 3 churned, 4 retained", tot)
	}
	if tot.ChurnRate != 0.5 || math.Abs(tot.RetentionRate-4.0/6) > 1e-12 || math.Abs(tot.RevenueChurnRate-134.0/290) > 1e-12 {
		t.Errorf("total rates %v %v %v, want 1/2, 2/3, 134/290", tot.ChurnRate, tot.RetentionRate, tot.RevenueChurnRate)
	}
	if len(r.Period.Unconverted) != 1 || r.Period.Unconverted[0] != "EUR" {
		t.Errorf("unconverted %v, want [EUR]", r.Period.Unconverted)
	}
}

func TestRetainedGroupsByCohortAndHandlesNoAccounts(t *testing.T) {
	r := retained(period(), "cohort", []subject{
		{ID: 1, CustomerSince: "2025-02-10", Currency: "CNY"}, {ID: 2, CustomerSince: "2025-03-31", Currency: "CNY"},
		{ID: 3, CustomerSince: "2025-04-01", Currency: "CNY"}}, nil)
	if len(r.Data) != 2 || r.Data[0].Group != "2025-Q1" || r.Data[0].AccountsAtStart != 2 || r.Data[1].Group != "2025-Q2" {
		t.Errorf("cohorts %+v, want 2025-Q1 (2) and 2025-Q2 (1)", r.Data)
	}
	empty := retained(period(), "tier", nil, nil)
	if len(empty.Data) != 0 || empty.Total.ChurnRate != 0 || empty.Total.RetentionRate != 0 {
		t.Errorf("no accounts: %+v, want no groups and zero rates", empty)
	}
}

func TestReasonsCostliestFirstWithCompetitors(t *testing.T) {
	r := reasons(period(), []lossReason{
		{Reason: "price", Voluntary: true, AnnualValue: 100, Currency: "CNY", Competitor: "Acme", Tier: "growth"},
		{Reason: "price", Voluntary: true, AnnualValue: 10, Currency: "USD", Competitor: "Beta", Tier: "key"},
		{Reason: "price", Voluntary: true, AnnualValue: 5, Currency: "CNY", Competitor: "Beta", Tier: "standard"},
		{Reason: "merger", Voluntary: false, AnnualValue: 500, Currency: "CNY", Tier: "key"},
	})
	if len(r.Data) != 2 || r.Data[0].Reason != "merger" {
		t.Fatalf("reasons %+v, want merger (more key value lost) first", r.Data)
	}
	price := r.Data[1]
	if price.Churned != 3 || price.Voluntary != 3 || price.Value != 175 || price.KeyAccounts != 1 || price.KeyValue != 70 ||
		price.Competitors != "Beta, Acme" {
		t.Errorf("price %+v, want 3 voluntary losses worth 175 (70 key), competitors Beta, Acme", price)
	}
	if r.Total.Churned != 4 || r.Total.Involuntary != 1 || r.Total.Value != 675 || r.Total.KeyValue != 570 {
		t.Errorf("total %+v", r.Total)
	}
}

func TestConcentrationSharesAndSingleThreaded(t *testing.T) {
	r := concentration(period(), []ownedAccount{
		{ID: 1, Tier: "key", AnnualValue: 300, Currency: "CNY", OwnerID: 7, OwnerName: "Li", TeamSize: 1},
		{ID: 2, Tier: "key", AnnualValue: 100, Currency: "CNY", OwnerID: 7, OwnerName: "Li", TeamSize: 3},
		{ID: 3, Tier: "key", AnnualValue: 100, Currency: "USD", OwnerID: 8, OwnerName: "Wang", TeamSize: 2},
		{ID: 4, Tier: "growth", AnnualValue: 900, Currency: "CNY", OwnerID: 9, OwnerName: "Zhao", TeamSize: 1},
	})
	if r.TotalKeyValue != 1100 || len(r.Data) != 2 {
		t.Fatalf("%+v: want 1,100 of key value over two owners (Zhao has no key account)", r)
	}
	if r.Data[0].Name != "Wang" || r.Data[0].KeyValue != 700 || math.Abs(r.Data[0].Share-700.0/1100) > 1e-12 {
		t.Errorf("first %+v, want Wang with 700 (7/11)", r.Data[0])
	}
	li := r.Data[1]
	if li.KeyAccounts != 2 || li.SingleThreaded != 1 || li.SingleThreadedValue != 300 || li.Accounts != 2 {
		t.Errorf("Li %+v, want 2 key accounts, one single-threaded worth 300", li)
	}
	if len(r.SingleThreaded) != 1 || r.SingleThreaded[0].AccountID != 1 {
		t.Errorf("single-threaded %+v, want account 1 only", r.SingleThreaded)
	}
}
