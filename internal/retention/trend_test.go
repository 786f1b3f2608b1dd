package retention

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestBandsConvertToMonthly(t *testing.T) {
	if m := Monthly(0.06); math.Abs(m-0.005143) > 1e-6 {
		t.Errorf("monthly of 6%% a year = %v, want about 0.5143%%", m)
	}
	if m := Monthly(0.58); math.Abs(m-0.06974) > 1e-5 {
		t.Errorf("monthly of 58%% a year = %v, want about 6.97%%", m)
	}
	for _, a := range []float64{0.06, 0.22, 0.58} {
		if !near(Annual(Monthly(a)), a) {
			t.Errorf("Annual(Monthly(%v)) = %v", a, Annual(Monthly(a)))
		}
	}
}

// TestTrendByMonth: two months, January and February 2026, by size, each figure counted
// by hand.
func TestTrendByMonth(t *testing.T) {
	p := Period{From: "2026-01-01", To: "2026-02-28", Currency: "CNY", rates: period().rates}
	subjects := []subject{
		{ID: 1, Size: "large", CustomerSince: "2025-01-01", AnnualValue: 100, Currency: "CNY"}, // lost 10 January
		{ID: 2, Size: "large", CustomerSince: "2025-06-01", AnnualValue: 300, Currency: "CNY"}, // kept
		{ID: 3, Size: "small", CustomerSince: "2026-01-15", AnnualValue: 10, Currency: "USD"},  // a customer from February; lost in it
		{ID: 4, Size: "", CustomerSince: "2024-01-01", AnnualValue: 50, Currency: "CNY"},       // kept, size unknown
		{ID: 5, Size: "mid", CustomerSince: "2024-01-01", AnnualValue: 70, Currency: "CNY"},    // lost before, back 1 February
	}
	losses := []loss{
		{AccountID: 5, ChurnedOn: "2025-12-01", ReactivatedOn: ptr("2026-02-01"), AnnualValue: 70, Currency: "CNY"},
		{AccountID: 1, ChurnedOn: "2026-01-10", AnnualValue: 100, Currency: "CNY"},
		{AccountID: 3, ChurnedOn: "2026-02-20", AnnualValue: 10, Currency: "USD"},
	}
	r := trend(p, 2, "size", subjects, losses)
	var groups []string
	for _, s := range r.Series {
		groups = append(groups, s.Group)
	}
	if len(groups) != 4 || groups[0] != "large" || groups[1] != "mid" || groups[2] != "small" || groups[3] != "" {
		t.Fatalf("groups %q, want large, mid, small, unknown", groups)
	}
	large, mid, small, unknown := r.Series[0], r.Series[1], r.Series[2], r.Series[3]
	if large.Points[0].Month != "2026-01" || large.Points[1].Month != "2026-02" {
		t.Fatalf("months %s, %s", large.Points[0].Month, large.Points[1].Month)
	}
	jan, feb := large.Points[0], large.Points[1]
	if jan.AccountsAtStart != 2 || jan.Churned != 1 || jan.ChurnRate != 0.5 || jan.ValueAtStart != 400 || jan.ValueChurned != 100 ||
		jan.RevenueChurnRate != 0.25 {
		t.Errorf("large, January: %+v", jan)
	}
	lb := Band{Low: Monthly(0.06), High: Monthly(0.10)}
	if jan.Band == nil || !near(jan.Band.Low, lb.Low) || !near(jan.Band.High, lb.High) || jan.Position != "above" {
		t.Errorf("large, January: band %+v %s, want %+v above", jan.Band, jan.Position, lb)
	}
	if feb.AccountsAtStart != 1 || feb.Churned != 0 || feb.Position != "below" {
		t.Errorf("large, February: %+v, want 1 at start, none lost, below", feb)
	}
	if !near(large.AnnualRate, 1-math.Pow(2.0/3, 12)) || large.AnnualBand == nil || !near(large.AnnualBand.High, 0.10) || large.Position != "above" {
		t.Errorf("large over the window: %v %+v %s", large.AnnualRate, large.AnnualBand, large.Position)
	}
	if mid.Points[0].AccountsAtStart != 0 || mid.Points[1].AccountsAtStart != 1 || mid.Points[0].Band != nil {
		t.Errorf("mid: lost on 1 January, back on 1 February: %+v", mid.Points)
	}
	if s := small.Points[1]; s.AccountsAtStart != 1 || s.Churned != 1 || s.ValueChurned != 70 || s.Position != "above" {
		t.Errorf("small, February: %+v", s)
	}
	if unknown.Points[0].Band != nil || unknown.AnnualBand != nil || unknown.Position != "" {
		t.Errorf("unknown size has a band: %+v", unknown)
	}
	tj, tf := r.Total.Points[0], r.Total.Points[1]
	if tj.AccountsAtStart != 3 || tj.Churned != 1 || tj.Band == nil || !near(tj.Band.Low, lb.Low) {
		t.Errorf("total, January: %+v (two large, one unknown: the large band)", tj)
	}
	mix := (Monthly(0.06) + Monthly(0.11) + Monthly(0.31)) / 3
	if tf.AccountsAtStart != 4 || tf.Churned != 1 || tf.Band == nil || !near(tf.Band.Low, mix) {
		t.Errorf("total, February: %+v, want 4 at start, 1 lost, low %v", tf, mix)
	}
	r = trend(p, 2, "tier", []subject{{ID: 1, Tier: "key", CustomerSince: "2025-01-01"}, {ID: 2, Tier: "key", CustomerSince: "2025-01-01"},
		{ID: 3, Tier: "key", Size: "mid", CustomerSince: "2025-01-01"}}, nil)
	if r.Series[0].Points[0].Band != nil {
		t.Errorf("a group mostly of unknown size has a band: %+v", r.Series[0].Points[0])
	}
}
