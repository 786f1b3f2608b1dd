package retention

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"gorm.io/gorm"

	"keyhold/internal/accounts"
	"keyhold/internal/check"
	"keyhold/internal/fault"
	"keyhold/internal/money"
	"keyhold/internal/sortkey"
	"keyhold/internal/staff"
)

// Period is a report's time span, both days included, and the currency its values are
// counted in (the base currency unless asked otherwise): every amount converts into it
// first. Amounts in a currency without a rate cannot be, and are left out of the values
// (their accounts still count); Unconverted names those currencies.
type Period struct {
	From        string   `json:"from"`
	To          string   `json:"to"`
	Currency    string   `json:"currency"`
	Unconverted []string `json:"unconverted,omitempty"`
	rates       money.Rates
}

// value converts amount into the period's currency: 0, and its currency noted in
// Unconverted, when it has no rate.
func (p *Period) value(amount int64, currency string) int64 {
	t := money.Total{Currency: p.Currency, Unconverted: p.Unconverted}
	p.rates.Add(&t, amount, currency)
	p.Unconverted = t.Unconverted
	return t.Value
}

// Groupings the retention report accepts: "owner" is the owner at the start of the
// period, "owner_now" today's.
var Groupings = []string{"tier", "industry", "region", "owner", "owner_now", "channel", "size", "cohort"}

// canReport: reports are for managers and admins.
func canReport(actor staff.User) error {
	if !actor.CanManage() {
		return fault.Forbidden("only managers and admins read reports")
	}
	return nil
}

// normalize fills defaults — the last twelve months, in the base currency — and checks
// the period.
func (s *Service) normalize(ctx context.Context, p Period) (Period, error) {
	today := s.now().UTC().Format(dateLayout)
	if p.To == "" {
		p.To = today
	}
	if p.From == "" {
		if t, ok := parseDate(p.To); ok {
			p.From = t.AddDate(-1, 0, 1).Format(dateLayout)
		}
	}
	rates, err := s.money.Rates(ctx)
	if err != nil {
		return p, err
	}
	p.rates = rates
	if p.Currency == "" {
		p.Currency = rates.Base
	}
	bad := fault.Collect{}
	check.Date(bad, "from", p.From)
	check.Date(bad, "to", p.To)
	if len(bad) == 0 && p.From > p.To {
		bad.Add("from", "must not be after to")
	}
	if code, ok := money.NormalizeCode(p.Currency); !ok {
		bad.Add("currency", "must be a three-letter currency code such as CNY or USD")
	} else if p.Currency = code; !rates.Has(code) {
		bad.Add("currency", "has no exchange rate; choose a currency an admin has set a rate for")
	}
	return p, bad.Err()
}

// RetentionRow is one group of the retention report.
type RetentionRow struct {
	Group            string  `json:"group"`
	AccountsAtStart  int     `json:"accounts_at_start"`
	Churned          int     `json:"churned"`
	Retained         int     `json:"retained"`
	ChurnRate        float64 `json:"churn_rate"`
	RetentionRate    float64 `json:"retention_rate"`
	ValueAtStart     int64   `json:"value_at_start"`
	ValueChurned     int64   `json:"value_churned"`
	RevenueChurnRate float64 `json:"revenue_churn_rate"`
}

// RetentionReport is the retention report: rows per group and their total.
type RetentionReport struct {
	Period
	GroupBy string         `json:"group_by"`
	Data    []RetentionRow `json:"data"`
	Total   RetentionRow   `json:"total"`
}

type subject struct {
	ID            int64
	Tier          string
	Industry      string
	Region        string
	Channel       string
	Size          string
	OwnerName     string
	CustomerSince string
	AnnualValue   int64
	Currency      string
}

// group is the subject's group in a grouping.
func (a subject) group(by string) string {
	switch by {
	case "tier":
		return a.Tier
	case "industry":
		return a.Industry
	case "region":
		return a.Region
	case "owner", "owner_now":
		return a.OwnerName
	case "channel":
		return a.Channel
	case "size":
		return a.Size
	case "cohort":
		return cohort(a.CustomerSince)
	}
	return ""
}

type loss struct {
	AccountID     int64
	ChurnedOn     string
	ReactivatedOn *string
	AnnualValue   int64
	Currency      string
}

// lostOn reports whether a churn record has the account lost on day d: churned on or
// before d and not won back by then.
func (l loss) lostOn(d string) bool {
	return l.ChurnedOn <= d && (l.ReactivatedOn == nil || *l.ReactivatedOn > d)
}

func cohort(customerSince string) string {
	t, ok := parseDate(customerSince)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
}

func rate(n, d int64) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// Retention computes, for a period and grouping (PRODUCT.md, "Reports"; definitions in
// docs/reports.md):
//   - accounts at start: customers by the first day (customer_since ≤ from) and not lost on
//     it — lost means churned before the day and not won back by it;
//   - churned: those of them with a loss recorded within the period, counted once even if
//     won back later in the period;
//   - retained: those of them not lost on the last day (so an account churned and won
//     back within the period counts as churned and as retained);
//   - churn rate = churned ÷ at start; retention rate = retained ÷ at start;
//   - value at start = annual value of the accounts at start; value churned = the annual
//     value recorded with each loss; revenue churn rate = value churned ÷ value at start.
//
// Groups are by the account's current tier, industry, region and channel, its owner at
// the start of the period (from the ownership ledger: so a successor does not inherit the
// losses of the months before the handover) or today, or its acquisition cohort (the
// quarter of customer_since).
func (s *Service) Retention(ctx context.Context, actor staff.User, p Period, groupBy string) (RetentionReport, error) {
	if err := canReport(actor); err != nil {
		return RetentionReport{}, err
	}
	p, err := s.normalize(ctx, p)
	if groupBy == "" {
		groupBy = "tier"
	}
	if err == nil && !slices.Contains(Groupings, groupBy) {
		err = fault.Invalid(fault.Fields{"group_by": "must be one of tier, industry, region, owner, owner_now, channel, size, cohort"})
	}
	if err != nil {
		return RetentionReport{}, err
	}
	db := s.db.Read.WithContext(ctx)
	var subjects []subject
	if err := db.Raw(`SELECT a.id, a.tier, a.industry, a.region, a.channel, a.size, COALESCE(u.name, '') AS owner_name,
			a.customer_since, a.annual_value, a.currency
		FROM accounts a LEFT JOIN users u ON u.id = a.owner_id
		WHERE a.deleted_at IS NULL AND a.customer_since <= ?`, p.From).Scan(&subjects).Error; err != nil {
		return RetentionReport{}, fmt.Errorf("retention accounts: %w", err)
	}
	if groupBy == "owner" {
		if err := ownersAtStart(db, p, subjects); err != nil {
			return RetentionReport{}, err
		}
	}
	var losses []loss
	if err := db.Raw(`SELECT account_id, churned_on, reactivated_on, annual_value, currency
		FROM churn_records WHERE churned_on <= ? ORDER BY churned_on, id`, p.To).Scan(&losses).Error; err != nil {
		return RetentionReport{}, fmt.Errorf("retention losses: %w", err)
	}
	return retained(p, groupBy, subjects, losses), nil
}

// ownersAtStart puts in each subject its owner at the start of the period: the previous
// owner named by its first transfer since then (transfers and handovers alike are
// account.transfer entries of the audit log, read through its (action, at) index), or
// today's owner when it has not changed hands since.
func ownersAtStart(db *gorm.DB, p Period, subjects []subject) error {
	start, _ := parseDate(p.From)
	var moves []struct {
		AccountID int64
		FromName  string
	}
	if err := db.Raw(`SELECT e.account_id, COALESCE(u.name, '') AS from_name
		FROM audit_entries e LEFT JOIN users u ON u.id = e.from_user_id
		WHERE e.action = ? AND e.at >= ? ORDER BY e.at, e.id`, accounts.ActionTransferred, start).Scan(&moves).Error; err != nil {
		return fmt.Errorf("retention owners: %w", err)
	}
	first := make(map[int64]string, len(moves))
	for _, m := range moves {
		if _, seen := first[m.AccountID]; !seen {
			first[m.AccountID] = m.FromName
		}
	}
	for i := range subjects {
		if name, ok := first[subjects[i].ID]; ok {
			subjects[i].OwnerName = name
		}
	}
	return nil
}

// retained is the retention report's arithmetic (see Retention) over the accounts that
// were customers by the period's start and every loss recorded by its end, in the order
// they were recorded.
func retained(p Period, groupBy string, subjects []subject, losses []loss) RetentionReport {
	byAccount := map[int64][]loss{}
	for _, l := range losses {
		byAccount[l.AccountID] = append(byAccount[l.AccountID], l)
	}
	rows := map[string]*RetentionRow{}
	total := RetentionRow{Group: "total"}
	for _, a := range subjects {
		ls := byAccount[a.ID]
		atStart, atEnd := true, true
		var churned *loss
		for i, l := range ls {
			if l.ChurnedOn < p.From && l.lostOn(p.From) {
				atStart = false
			}
			if l.lostOn(p.To) {
				atEnd = false
			}
			if churned == nil && l.ChurnedOn >= p.From && l.ChurnedOn <= p.To {
				churned = &ls[i]
			}
		}
		if !atStart {
			continue
		}
		key := a.group(groupBy)
		row := rows[key]
		if row == nil {
			row = &RetentionRow{Group: key}
			rows[key] = row
		}
		for _, r := range []*RetentionRow{row, &total} {
			r.AccountsAtStart++
			r.ValueAtStart = money.AddSat(r.ValueAtStart, p.value(a.AnnualValue, a.Currency))
			if churned != nil {
				r.Churned++
				r.ValueChurned = money.AddSat(r.ValueChurned, p.value(churned.AnnualValue, churned.Currency))
			}
			if atEnd {
				r.Retained++
			}
		}
	}
	out := RetentionReport{Period: p, GroupBy: groupBy, Data: make([]RetentionRow, 0, len(rows))}
	for _, r := range rows {
		out.Data = append(out.Data, *r)
	}
	sortkey.Sort(out.Data, func(r RetentionRow) string { return r.Group }) // owners' names in pinyin order
	for i := range out.Data {
		out.Data[i].rates()
	}
	total.rates()
	out.Total = total
	return out
}

func (r *RetentionRow) rates() {
	r.ChurnRate = rate(int64(r.Churned), int64(r.AccountsAtStart))
	r.RetentionRate = rate(int64(r.Retained), int64(r.AccountsAtStart))
	r.RevenueChurnRate = rate(r.ValueChurned, r.ValueAtStart)
}

// ReasonRow is one churn reason in a period.
type ReasonRow struct {
	Reason       string `json:"reason"`
	Churned      int    `json:"churned"`
	Voluntary    int    `json:"voluntary"`
	Involuntary  int    `json:"involuntary"`
	Value        int64  `json:"value"`        // annual value lost
	KeyAccounts  int    `json:"key_accounts"` // of them key accounts
	KeyValue     int64  `json:"key_value"`    // annual value of the key accounts lost
	Competitors  string `json:"competitors"`  // named competitors, most frequent first
	competitorsN map[string]int
}

// ReasonsReport lists why customers left in a period, the costliest reason first.
type ReasonsReport struct {
	Period
	Data  []ReasonRow `json:"data"`
	Total ReasonRow   `json:"total"`
}

// ChurnReasons counts the losses recorded in a period by reason, with the voluntary
// split and the value lost (all and key accounts), costliest first.
func (s *Service) ChurnReasons(ctx context.Context, actor staff.User, p Period) (ReasonsReport, error) {
	if err := canReport(actor); err != nil {
		return ReasonsReport{}, err
	}
	p, err := s.normalize(ctx, p)
	if err != nil {
		return ReasonsReport{}, err
	}
	var rows []lossReason
	if err := s.db.Read.WithContext(ctx).Raw(`SELECT c.reason, c.voluntary, c.annual_value, c.currency, c.competitor, a.tier
		FROM churn_records c JOIN accounts a ON a.id = c.account_id AND a.deleted_at IS NULL
		WHERE c.churned_on >= ? AND c.churned_on <= ?`, p.From, p.To).Scan(&rows).Error; err != nil {
		return ReasonsReport{}, fmt.Errorf("churn reasons: %w", err)
	}
	return reasons(p, rows), nil
}

// lossReason is one loss as the reasons report counts it.
type lossReason struct {
	Reason      string
	Voluntary   bool
	AnnualValue int64
	Currency    string
	Competitor  string
	Tier        string
}

// reasons is the reasons report's arithmetic over the losses of a period: counts, the
// voluntary split, values (all and key accounts) and competitors by reason, costliest
// first.
func reasons(p Period, rows []lossReason) ReasonsReport {
	by := map[string]*ReasonRow{}
	total := ReasonRow{Reason: "total"}
	for _, r := range rows {
		row := by[r.Reason]
		if row == nil {
			row = &ReasonRow{Reason: r.Reason, competitorsN: map[string]int{}}
			by[r.Reason] = row
		}
		for _, x := range []*ReasonRow{row, &total} {
			x.Churned++
			if r.Voluntary {
				x.Voluntary++
			} else {
				x.Involuntary++
			}
			v := p.value(r.AnnualValue, r.Currency)
			x.Value = money.AddSat(x.Value, v)
			if r.Tier == "key" {
				x.KeyAccounts++
				x.KeyValue = money.AddSat(x.KeyValue, v)
			}
		}
		if r.Competitor != "" {
			row.competitorsN[r.Competitor]++
		}
	}
	out := ReasonsReport{Period: p, Data: []ReasonRow{}, Total: total}
	for _, r := range by {
		names := make([]string, 0, len(r.competitorsN))
		for n := range r.competitorsN {
			names = append(names, n)
		}
		sort.Slice(names, func(i, j int) bool {
			if r.competitorsN[names[i]] != r.competitorsN[names[j]] {
				return r.competitorsN[names[i]] > r.competitorsN[names[j]]
			}
			return names[i] < names[j]
		})
		for i, n := range names {
			if i > 0 {
				r.Competitors += ", "
			}
			r.Competitors += n
		}
		out.Data = append(out.Data, *r)
	}
	sort.Slice(out.Data, func(i, j int) bool {
		a, b := out.Data[i], out.Data[j]
		if a.KeyValue != b.KeyValue {
			return a.KeyValue > b.KeyValue
		}
		if a.Value != b.Value {
			return a.Value > b.Value
		}
		return a.Reason < b.Reason
	})
	return out
}
