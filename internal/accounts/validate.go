package accounts

import (
	"slices"
	"time"

	"keyhold/internal/check"
	"keyhold/internal/fault"
	"keyhold/internal/money"
)

// DateLayout is how calendar dates travel: YYYY-MM-DD.
const DateLayout = check.DateLayout

// checkDate records a problem unless s is a YYYY-MM-DD date within check's range; with
// notAfter set, the date may not be later than that day.
func checkDate(bad fault.Collect, field, s string, notAfter *time.Time) {
	if d, ok := check.Date(bad, field, s); ok && notAfter != nil && d.After(*notAfter) {
		bad.Add(field, "may not be in the future")
	}
}

func today(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func checkCadence(bad fault.Collect, days int) {
	if days < 1 || days > 365 {
		bad.Add("cadence_days", "must be between 1 and 365")
	}
}

// Size is how large a customer is, as churn benchmarks class customers.
type Size string

// The sizes; "" while unknown.
const (
	SizeLarge Size = "large"
	SizeMid   Size = "mid"
	SizeSmall Size = "small"
)

// Sizes lists the sizes, largest first.
var Sizes = []Size{SizeLarge, SizeMid, SizeSmall}

func checkSize(bad fault.Collect, s Size) {
	if s != "" && !slices.Contains(Sizes, s) {
		bad.Add("size", "must be large, mid or small")
	}
}

// MaxVisitDays is the longest visit cadence, an account's or a tier's (migrations 0030
// and 0031 check the same).
const MaxVisitDays = 730

// checkVisitDays checks an account's own visit cadence, as SetPolicy checks a tier's.
func checkVisitDays(bad fault.Collect, days int) {
	if days < 1 || days > MaxVisitDays {
		bad.Add("visit_days", "must be between 1 and 730")
	}
}

func checkCurrency(bad fault.Collect, c *string) {
	code, ok := money.NormalizeCode(*c)
	*c = code
	if !ok {
		bad.Add("currency", "must be a three-letter currency code such as CNY or USD")
	}
}

// MaxAnnualValue bounds an account's annual value (a trillion in its currency): far above
// any customer's, and low enough that the sum over millions of accounts stays within
// 64-bit integers (5e18 on two accounts made every handover answer 500).
const MaxAnnualValue = 1_000_000_000_000

func checkAnnualValue(bad fault.Collect, v int64) {
	switch {
	case v < 0:
		bad.Add("annual_value", "may not be negative")
	case v > MaxAnnualValue:
		bad.Add("annual_value", "may be at most 1000000000000")
	}
}
