package retention

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"keyhold/internal/fault"
	"keyhold/internal/money"
	"keyhold/internal/sortkey"
	"keyhold/internal/staff"
)

// Band is a range of churn rates, low to high, as fractions.
type Band struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// AnnualBands are the benchmark bands of annual customer churn by company size (see
// BandSource): what is normal for that kind of customer.
var AnnualBands = map[string]Band{
	"large": {Low: 0.06, High: 0.10},
	"mid":   {Low: 0.11, High: 0.22},
	"small": {Low: 0.31, High: 0.58},
}

// BandSource names where AnnualBands come from.
const BandSource = "Annual customer churn by company size as commonly cited for B2B subscription businesses: " +
	"large customers 6–10%, mid-sized 11–22%, small 31–58% a year (about 0.5–1%, 1–2% and 3–7% a month); " +
	"a month's band is the annual one compounded down: 1 − (1 − annual)^(1/12)."

// Monthly converts an annual churn rate into the monthly rate that compounds to it.
func Monthly(annual float64) float64 { return 1 - math.Pow(1-annual, 1.0/12) }

// Annual converts a monthly churn rate into the annual rate it compounds to.
func Annual(monthly float64) float64 { return 1 - math.Pow(1-monthly, 12) }

// TrendGroupings are the churn trend's groupings.
var TrendGroupings = []string{"size", "tier", "region", "industry"}

// Trend window limits, in months.
const (
	MinTrendMonths = 12
	MaxTrendMonths = 24
)

// TrendPoint is one group's churn in one calendar month (definitions as the retention
// report's, the month its period), with the benchmark band of its accounts' sizes and
// where the rate falls against it.
type TrendPoint struct {
	Month            string  `json:"month"` // YYYY-MM
	AccountsAtStart  int     `json:"accounts_at_start"`
	Churned          int     `json:"churned"`
	ChurnRate        float64 `json:"churn_rate"`
	ValueAtStart     int64   `json:"value_at_start"`
	ValueChurned     int64   `json:"value_churned"`
	RevenueChurnRate float64 `json:"revenue_churn_rate"`
	Band             *Band   `json:"band,omitempty"`
	Position         string  `json:"position,omitempty"` // below | inside | above the band
	mix              sizeMix
}

// TrendSeries is one group's months, oldest first, and the whole window's churn
// annualised against the annual band.
type TrendSeries struct {
	Group      string       `json:"group"`
	Points     []TrendPoint `json:"points"`
	Churned    int          `json:"churned"`
	AnnualRate float64      `json:"annual_rate"` // 1 − (1 − churned ÷ account-months)^12
	AnnualBand *Band        `json:"annual_band,omitempty"`
	Position   string       `json:"position,omitempty"`
}

// TrendReport is the churn trend: a series per group and their total.
type TrendReport struct {
	Period
	Months     int           `json:"months"`
	GroupBy    string        `json:"group_by"`
	BandSource string        `json:"band_source"`
	Series     []TrendSeries `json:"series"`
	Total      TrendSeries   `json:"total"`
}

// sizeMix counts accounts (or account-months) by size, to weigh the size bands.
type sizeMix struct{ large, mid, small, unknown int }

func (m *sizeMix) add(size string, n int) {
	switch size {
	case "large":
		m.large += n
	case "mid":
		m.mid += n
	case "small":
		m.small += n
	default:
		m.unknown += n
	}
}

// band is the mix's benchmark: each size's band weighted by its accounts. It applies
// only when at least half the accounts have a known size — otherwise no band is shown
// rather than one that describes a minority.
func (m sizeMix) band(convert func(float64) float64) (*Band, bool) {
	known := m.large + m.mid + m.small
	if known == 0 || known < m.unknown {
		return nil, false
	}
	var b Band
	for _, x := range []struct {
		size string
		n    int
	}{{"large", m.large}, {"mid", m.mid}, {"small", m.small}} {
		a := AnnualBands[x.size]
		b.Low += convert(a.Low) * float64(x.n) / float64(known)
		b.High += convert(a.High) * float64(x.n) / float64(known)
	}
	return &b, true
}

func position(rate float64, b *Band) string {
	switch {
	case b == nil:
		return ""
	case rate > b.High:
		return "above"
	case rate < b.Low:
		return "below"
	}
	return "inside"
}

// ChurnTrend computes monthly churn and revenue churn for the last N complete calendar
// months (12–24; the current month is left out, as its losses are not all in), per
// group, each month with the benchmark band for its accounts' sizes (docs/reports.md).
func (s *Service) ChurnTrend(ctx context.Context, actor staff.User, months, groupBy, currency string) (TrendReport, error) {
	if err := canReport(actor); err != nil {
		return TrendReport{}, err
	}
	bad := fault.Collect{}
	n := MinTrendMonths
	if months != "" {
		v, err := strconv.Atoi(months)
		if err != nil || v < MinTrendMonths || v > MaxTrendMonths {
			bad.Add("months", "must be a whole number from 12 to 24") // MinTrendMonths, MaxTrendMonths
		}
		n = v
	}
	if groupBy == "" {
		groupBy = "size"
	}
	if !slices.Contains(TrendGroupings, groupBy) {
		bad.Add("group_by", "must be one of size, tier, region, industry")
	}
	if err := bad.Err(); err != nil {
		return TrendReport{}, err
	}
	now := s.now().UTC()
	first := time.Date(now.Year(), now.Month()-time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	p, err := s.normalize(ctx, Period{From: first.Format(dateLayout), To: end.Format(dateLayout), Currency: currency})
	if err != nil {
		return TrendReport{}, err
	}
	db := s.db.Read.WithContext(ctx)
	var subjects []subject
	if err := db.Raw(`SELECT a.id, a.tier, a.industry, a.region, a.size, a.customer_since, a.annual_value, a.currency
		FROM accounts a WHERE a.deleted_at IS NULL AND a.customer_since <= ?`, p.To).Scan(&subjects).Error; err != nil {
		return TrendReport{}, fmt.Errorf("churn trend accounts: %w", err)
	}
	var losses []loss
	if err := db.Raw(`SELECT account_id, churned_on, reactivated_on, annual_value, currency
		FROM churn_records WHERE churned_on <= ? ORDER BY churned_on, id`, p.To).Scan(&losses).Error; err != nil {
		return TrendReport{}, fmt.Errorf("churn trend losses: %w", err)
	}
	return trend(p, n, groupBy, subjects, losses), nil
}

// trend is the churn trend's arithmetic: for each of the n months from p.From, the
// retention report's at-start and churned counts and values over that month, by group.
func trend(p Period, n int, groupBy string, subjects []subject, losses []loss) TrendReport {
	start, _ := parseDate(p.From)
	type month struct{ from, to, label string }
	ms := make([]month, n)
	for i := range ms {
		f := start.AddDate(0, i, 0)
		ms[i] = month{f.Format(dateLayout), f.AddDate(0, 1, -1).Format(dateLayout), f.Format("2006-01")}
	}
	byAccount := map[int64][]loss{}
	for _, l := range losses {
		byAccount[l.AccountID] = append(byAccount[l.AccountID], l)
	}
	newSeries := func(g string) *TrendSeries {
		s := &TrendSeries{Group: g, Points: make([]TrendPoint, n)}
		for i := range s.Points {
			s.Points[i].Month = ms[i].label
		}
		return s
	}
	groups := map[string]*TrendSeries{}
	total := newSeries("total")
	for _, a := range subjects {
		key := a.group(groupBy)
		g := groups[key]
		ls := byAccount[a.ID]
		value := p.value(a.AnnualValue, a.Currency) // once, not once a month
		for i, m := range ms {
			if a.CustomerSince > m.from {
				continue
			}
			var churned *loss
			atStart := true
			for j, l := range ls {
				if l.ChurnedOn < m.from && l.lostOn(m.from) {
					atStart = false
				}
				if churned == nil && l.ChurnedOn >= m.from && l.ChurnedOn <= m.to {
					churned = &ls[j]
				}
			}
			if !atStart {
				continue
			}
			if g == nil {
				g = newSeries(key)
				groups[key] = g
			}
			for _, pt := range []*TrendPoint{&g.Points[i], &total.Points[i]} {
				pt.AccountsAtStart++
				pt.ValueAtStart = money.AddSat(pt.ValueAtStart, value)
				pt.mix.add(a.Size, 1)
				if churned != nil {
					pt.Churned++
					pt.ValueChurned = money.AddSat(pt.ValueChurned, p.value(churned.AnnualValue, churned.Currency))
				}
			}
		}
	}
	out := TrendReport{Period: p, Months: n, GroupBy: groupBy, BandSource: BandSource, Series: make([]TrendSeries, 0, len(groups))}
	for _, g := range groups {
		g.finish()
		out.Series = append(out.Series, *g)
	}
	sortkey.Sort(out.Series, func(s TrendSeries) string { return s.Group })
	if groupBy == "size" { // largest customers first, unknown last
		order := map[string]int{"large": 0, "mid": 1, "small": 2, "": 3}
		slices.SortStableFunc(out.Series, func(a, b TrendSeries) int { return order[a.Group] - order[b.Group] })
	}
	total.finish()
	out.Total = *total
	return out
}

// finish computes a series' rates, bands and positions, month by month and over the
// window (churned ÷ account-months, compounded to a year, against the annual band of
// its account-months' sizes).
func (s *TrendSeries) finish() {
	var exposure int
	var mix sizeMix
	for i := range s.Points {
		pt := &s.Points[i]
		pt.ChurnRate = rate(int64(pt.Churned), int64(pt.AccountsAtStart))
		pt.RevenueChurnRate = rate(pt.ValueChurned, pt.ValueAtStart)
		if b, ok := pt.mix.band(Monthly); ok {
			pt.Band, pt.Position = b, position(pt.ChurnRate, b)
		}
		s.Churned += pt.Churned
		exposure += pt.AccountsAtStart
		mix.large += pt.mix.large
		mix.mid += pt.mix.mid
		mix.small += pt.mix.small
		mix.unknown += pt.mix.unknown
	}
	s.AnnualRate = Annual(rate(int64(s.Churned), int64(exposure)))
	if b, ok := mix.band(func(a float64) float64 { return a }); ok {
		s.AnnualBand, s.Position = b, position(s.AnnualRate, b)
	}
}
