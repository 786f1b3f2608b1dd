// Package money keeps the organisation's currencies: the base currency that every sum
// across accounts is expressed in, and the rates an admin maintains to convert the others
// into it. Amounts in different currencies are never added as plain numbers.
package money

import (
	"math"
	"regexp"
	"slices"
	"strings"
)

// DefaultBase is the base currency of a new organisation.
const DefaultBase = "CNY"

var codePattern = regexp.MustCompile(`^[A-Z]{3}$`)

// NormalizeCode upper-cases and trims a currency code; ok is false unless it is three
// letters.
func NormalizeCode(code string) (string, bool) {
	c := strings.ToUpper(strings.TrimSpace(code))
	return c, codePattern.MatchString(c)
}

// Rates converts amounts between the currencies that have a rate.
type Rates struct {
	Base  string
	rates map[string]float64 // units of the base currency one unit is worth
}

// NewRates returns the rates for base and the given rates to it (the base's own rate is 1
// whatever the map says).
func NewRates(base string, toBase map[string]float64) Rates {
	r := Rates{Base: base, rates: make(map[string]float64, len(toBase)+1)}
	for c, v := range toBase {
		if v > 0 {
			r.rates[c] = v
		}
	}
	r.rates[base] = 1
	return r
}

// Has reports whether code has a rate.
func (r Rates) Has(code string) bool {
	_, ok := r.rates[code]
	return ok
}

// Codes lists the currencies with a rate, the base first, then alphabetically.
func (r Rates) Codes() []string {
	out := make([]string, 0, len(r.rates))
	for c := range r.rates {
		if c != r.Base {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return append([]string{r.Base}, out...)
}

// Convert expresses amount, in currency from, in currency to, rounded to whole units
// (half away from zero, as SQLite's ROUND does); ok is false when either has no rate.
func (r Rates) Convert(amount int64, from, to string) (int64, bool) {
	if from == to {
		return amount, true
	}
	f, okF := r.rates[from]
	t, okT := r.rates[to]
	if !okF || !okT {
		return 0, false
	}
	return saturate(math.Round(float64(amount) * f / t)), true
}

// saturate turns a float into an int64, the nearest bound when it lies beyond them (Go's
// conversion of such a float is undefined).
func saturate(v float64) int64 {
	switch {
	case v >= math.MaxInt64:
		return math.MaxInt64
	case v <= math.MinInt64:
		return math.MinInt64
	}
	return int64(v)
}

// AddSat adds b to a, stopping at the int64 bounds instead of wrapping around.
func AddSat(a, b int64) int64 {
	s := a + b
	switch {
	case b > 0 && s < a:
		return math.MaxInt64
	case b < 0 && s > a:
		return math.MinInt64
	}
	return s
}

// ToBase is Convert into the base currency.
func (r Rates) ToBase(amount int64, from string) (int64, bool) {
	return r.Convert(amount, from, r.Base)
}

// Total is a sum in one currency: the amounts it was made of, per original currency, and
// the currencies it had to leave out for want of a rate (so that a total never silently
// mixes or drops amounts).
type Total struct {
	Currency    string   `json:"currency"`
	Value       int64    `json:"value"`
	Parts       []Amount `json:"parts"` // what was added, in the currencies it was in
	Unconverted []string `json:"unconverted,omitempty"`
}

// Amount is a sum in one currency.
type Amount struct {
	Currency string `json:"currency"`
	Value    int64  `json:"value"`
}

// Add converts amount into t's currency and adds it, or notes its currency as left out.
func (r Rates) Add(t *Total, amount int64, currency string) {
	v, ok := r.Convert(amount, currency, t.Currency)
	if !ok {
		if !slices.Contains(t.Unconverted, currency) {
			t.Unconverted = append(t.Unconverted, currency)
			slices.Sort(t.Unconverted)
		}
		return
	}
	t.Value = AddSat(t.Value, v)
	i, found := slices.BinarySearchFunc(t.Parts, currency, func(a Amount, c string) int { return strings.Compare(a.Currency, c) })
	if !found {
		t.Parts = slices.Insert(t.Parts, i, Amount{Currency: currency})
	}
	t.Parts[i].Value = AddSat(t.Parts[i].Value, amount)
}

// Mixed reports whether the total converted anything: whether its parts are worth showing
// beside it.
func (t Total) Mixed() bool {
	return len(t.Parts) > 1 || (len(t.Parts) == 1 && t.Parts[0].Currency != t.Currency)
}

// BaseValueSQL is an SQL expression for the annual value of the accounts row named alias
// in the base currency, rounded to whole units; NULL while its currency has no rate. It
// rounds each account as Rates.ToBase does, so SQL and Go sums agree.
func BaseValueSQL(alias string) string {
	return `(SELECT ` + ConvertedSQL(alias, "cur") + ` FROM currencies cur WHERE cur.code = ` + alias + `.currency)`
}

// SumSQL is SUM(expr) for money, 0 for no rows, in the same SQL on both dialects. The
// terms are added as floats (exact up to 2^53): SQLite's SUM of integers fails with
// "integer overflow" where a sum of values near the bound would.
func SumSQL(expr string) string {
	return `CAST(COALESCE(SUM(CAST(` + expr + ` AS DOUBLE PRECISION)), 0) AS BIGINT)`
}

// ConvertedSQL is BaseValueSQL for a query that joins the currencies itself (as cur):
// cheaper when it reads many accounts.
func ConvertedSQL(alias, cur string) string {
	// ROUND of a NUMERIC: halves away from zero on both dialects, as Go's math.Round
	// (PostgreSQL rounds a double's halves to even).
	return `CAST(ROUND(CAST(` + alias + `.annual_value * ` + cur + `.rate_to_base AS NUMERIC)) AS BIGINT)`
}
