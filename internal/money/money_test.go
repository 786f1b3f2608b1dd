package money

import (
	"keyhold/internal/store/storetest"
	"math"
	"slices"
	"testing"
)

func TestConvertRoundsEachAmountLikeSQLite(t *testing.T) {
	r := NewRates("CNY", map[string]float64{"USD": 7.1, "HKD": 0.91, "XXX": 0})
	cases := []struct {
		amount   int64
		from, to string
		want     int64
		ok       bool
	}{
		{100, "USD", "CNY", 710, true},
		{5, "HKD", "CNY", 5, true},      // 4.55 rounds half away from zero
		{1000, "CNY", "USD", 141, true}, // 140.85
		{1000, "HKD", "USD", 128, true}, // through the base: 910 / 7.1 = 128.17
		{-5, "HKD", "CNY", -5, true},    // -4.55
		{42, "JPY", "CNY", 0, false},    // no rate
		{42, "XXX", "CNY", 0, false},    // a rate of 0 is no rate
		{42, "JPY", "JPY", 42, true},    // the same currency needs no rate
		{900000, "CNY", "CNY", 900000, true},
	}
	for _, c := range cases {
		got, ok := r.Convert(c.amount, c.from, c.to)
		if got != c.want || ok != c.ok {
			t.Errorf("Convert(%d, %s, %s) = %d, %v; want %d, %v", c.amount, c.from, c.to, got, ok, c.want, c.ok)
		}
	}
	if got := r.Codes(); !slices.Equal(got, []string{"CNY", "HKD", "USD"}) {
		t.Errorf("Codes: %v", got)
	}
}

func TestTotalKeepsItsPartsAndWhatItLeftOut(t *testing.T) {
	r := NewRates("CNY", map[string]float64{"USD": 7})
	tot := Total{Currency: "CNY"}
	for _, a := range []struct {
		v int64
		c string
	}{{1000, "CNY"}, {500, "USD"}, {10, "CNY"}, {99, "JPY"}, {1, "EUR"}, {5, "JPY"}} {
		r.Add(&tot, a.v, a.c)
	}
	if tot.Value != 4510 || !tot.Mixed() {
		t.Fatalf("total %+v", tot)
	}
	if want := []Amount{{"CNY", 1010}, {"USD", 500}}; !slices.Equal(tot.Parts, want) {
		t.Errorf("parts %v, want %v", tot.Parts, want)
	}
	if !slices.Equal(tot.Unconverted, []string{"EUR", "JPY"}) {
		t.Errorf("left out %v", tot.Unconverted)
	}
	plain := Total{Currency: "CNY"}
	r.Add(&plain, 7, "CNY")
	if plain.Mixed() {
		t.Error("a total of base amounts only shows no parts")
	}
}

func TestNormalizeCode(t *testing.T) {
	for in, want := range map[string]bool{" usd ": true, "CNY": true, "US": false, "US1": false, "USDT": false, "": false} {
		if _, ok := NormalizeCode(in); ok != want {
			t.Errorf("%q: %v", in, ok)
		}
	}
}

func TestFormatRate(t *testing.T) {
	for r, want := range map[float64]string{7.1: "7.1", 1.0 / 7: "0.1428571429", 1e-7: "0.0000001", 9.100000000000001: "9.1", 7: "7"} {
		if got := FormatRate(r); got != want {
			t.Errorf("FormatRate(%v) = %s, want %s", r, got, want)
		}
	}
}

// Sums saturate at the int64 bounds instead of wrapping to a negative total.
func TestSumsSaturate(t *testing.T) {
	r := NewRates("VND", map[string]float64{"USD": MaxRate, "XAU": MaxRate})
	if got, _ := r.Convert(math.MaxInt64/2, "USD", "VND"); got != math.MaxInt64 {
		t.Errorf("a conversion beyond int64: %d", got)
	}
	tot := Total{Currency: "VND"}
	for range 20 {
		r.Add(&tot, 1_000_000_000_000, "USD") // 10^18 each
	}
	if tot.Value != math.MaxInt64 || tot.Parts[0].Value != 20_000_000_000_000 {
		t.Errorf("total %d, part %+v: want the bound and the exact part", tot.Value, tot.Parts)
	}
	for _, c := range []struct{ a, b, want int64 }{
		{1, 2, 3}, {math.MaxInt64, 1, math.MaxInt64}, {math.MinInt64, -1, math.MinInt64}, {-5, 3, -2},
	} {
		if got := AddSat(c.a, c.b); got != c.want {
			t.Errorf("AddSat(%d, %d) = %d", c.a, c.b, got)
		}
	}
}

// The SQL conversion rounds as Convert does, halves away from zero, on both dialects
// (PostgreSQL rounds a double's halves to even unless told otherwise).
func TestConvertedSQLRoundsAsGoDoes(t *testing.T) {
	db := storetest.Open(t)
	for _, c := range []struct {
		amount int64
		rate   float64
	}{{2469, 0.5}, {2471, 0.5}, {5, 0.91}, {1, 2.5}, {3, 0.5}, {100, 7.1}, {999_999_999_999, 0.125}} {
		var got int64
		q := `SELECT ` + ConvertedSQL("a", "cur") + ` FROM (SELECT CAST(? AS BIGINT) AS annual_value) AS a,
			(SELECT CAST(? AS DOUBLE PRECISION) AS rate_to_base) AS cur`
		if err := db.Read.Raw(q, c.amount, c.rate).Scan(&got).Error; err != nil {
			t.Fatal(err)
		}
		want, _ := NewRates("CNY", map[string]float64{"USD": c.rate}).Convert(c.amount, "USD", "CNY")
		if got != want {
			t.Errorf("%d × %v: SQL %d, Go %d", c.amount, c.rate, got, want)
		}
	}
}
