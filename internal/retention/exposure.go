package retention

import (
	"context"
	"fmt"
	"sort"

	"keyhold/internal/accounts"
	"keyhold/internal/money"
	"keyhold/internal/staff"
)

// OwnerExposure is how much key value one person holds, and how much of it alone.
type OwnerExposure struct {
	UserID              int64   `json:"user_id"`
	Name                string  `json:"name"`
	Status              string  `json:"status"`
	Accounts            int     `json:"accounts"`
	KeyAccounts         int     `json:"key_accounts"`
	KeyValue            int64   `json:"key_value"`
	Share               float64 `json:"share"` // of all key value: what is at risk if this person leaves
	SingleThreaded      int     `json:"single_threaded_key_accounts"`
	SingleThreadedValue int64   `json:"single_threaded_key_value"` // key value nobody else on the team knows
}

// SingleThreadedAccount is a key account with fewer than two active people on its team.
type SingleThreadedAccount struct {
	AccountID   int64  `json:"account_id"`
	Name        string `json:"name"`
	OwnerID     int64  `json:"owner_id"`
	OwnerName   string `json:"owner_name"`
	AnnualValue int64  `json:"annual_value"`
	Currency    string `json:"currency"`
	Value       int64  `json:"value"` // AnnualValue in the report's currency
	TeamSize    int    `json:"active_team_members"`
}

// ConcentrationReport is the coverage and concentration report.
type ConcentrationReport struct {
	Currency       string                  `json:"currency"`
	Unconverted    []string                `json:"unconverted,omitempty"` // currencies without a rate, left out of the values
	TotalKeyValue  int64                   `json:"total_key_value"`
	Data           []OwnerExposure         `json:"data"`
	SingleThreaded []SingleThreadedAccount `json:"single_threaded"`
}

// Concentration shows, per owner of active key accounts, their key accounts, key value
// and share of all key value, and how much of it is single-threaded (fewer than two
// active team members); the most exposed first. Values convert into one currency.
func (s *Service) Concentration(ctx context.Context, actor staff.User, currency string) (ConcentrationReport, error) {
	if err := canReport(actor); err != nil {
		return ConcentrationReport{}, err
	}
	p, err := s.normalize(ctx, Period{Currency: currency})
	if err != nil {
		return ConcentrationReport{}, err
	}
	var rows []ownedAccount
	err = s.db.Read.WithContext(ctx).Raw(`SELECT a.id, a.name, a.tier, a.annual_value, a.currency, a.owner_id,
			u.name AS owner_name, u.status AS owner_status,
			(SELECT COUNT(*) FROM account_team t JOIN users tu ON tu.id = t.user_id AND tu.status = 'active'
			 WHERE t.account_id = a.id) AS team_size
		FROM accounts a JOIN users u ON u.id = a.owner_id
		WHERE a.deleted_at IS NULL AND a.status = 'active'`).Scan(&rows).Error
	if err != nil {
		return ConcentrationReport{}, fmt.Errorf("concentration: %w", err)
	}
	return concentration(p, rows), nil
}

// ownedAccount is an active account as the concentration report counts it.
type ownedAccount struct {
	ID          int64
	Name        string
	Tier        string
	AnnualValue int64
	Currency    string
	OwnerID     int64
	OwnerName   string
	OwnerStatus string
	TeamSize    int // active team members, the owner included
}

// concentration is the concentration report's arithmetic over the active accounts: key
// value per owner and its share of all, and the single-threaded key accounts, the most
// exposed first.
func concentration(p Period, rows []ownedAccount) ConcentrationReport {
	out := ConcentrationReport{Currency: p.Currency, Data: []OwnerExposure{}, SingleThreaded: []SingleThreadedAccount{}}
	by := map[int64]*OwnerExposure{}
	for _, r := range rows {
		o := by[r.OwnerID]
		if o == nil {
			o = &OwnerExposure{UserID: r.OwnerID, Name: r.OwnerName, Status: r.OwnerStatus}
			by[r.OwnerID] = o
		}
		o.Accounts++
		if r.Tier != "key" {
			continue
		}
		value := p.value(r.AnnualValue, r.Currency)
		o.KeyAccounts++
		o.KeyValue = money.AddSat(o.KeyValue, value)
		out.TotalKeyValue = money.AddSat(out.TotalKeyValue, value)
		if r.TeamSize < 2 {
			o.SingleThreaded++
			o.SingleThreadedValue = money.AddSat(o.SingleThreadedValue, value)
			out.SingleThreaded = append(out.SingleThreaded, SingleThreadedAccount{AccountID: r.ID, Name: r.Name,
				OwnerID: r.OwnerID, OwnerName: r.OwnerName, AnnualValue: r.AnnualValue, Currency: r.Currency, Value: value, TeamSize: r.TeamSize})
		}
	}
	for _, o := range by {
		if o.KeyAccounts == 0 {
			continue
		}
		o.Share = rate(o.KeyValue, out.TotalKeyValue)
		out.Data = append(out.Data, *o)
	}
	out.Unconverted = p.Unconverted
	sort.Slice(out.Data, func(i, j int) bool {
		if out.Data[i].KeyValue != out.Data[j].KeyValue {
			return out.Data[i].KeyValue > out.Data[j].KeyValue
		}
		return out.Data[i].Name < out.Data[j].Name
	})
	sort.Slice(out.SingleThreaded, func(i, j int) bool {
		a, b := out.SingleThreaded[i], out.SingleThreaded[j]
		if a.Value != b.Value {
			return a.Value > b.Value
		}
		return a.AccountID < b.AccountID
	})
	return out
}

// ComplianceRow is one person's contact cadence record.
type ComplianceRow struct {
	UserID         int64   `json:"user_id"`
	Name           string  `json:"name"`
	KeyAccounts    int     `json:"key_accounts"`
	KeyWithin      int     `json:"key_within_cadence"`
	KeyOverdue     int     `json:"key_overdue"`
	ComplianceRate float64 `json:"compliance_rate"` // key accounts within cadence ÷ key accounts
	Accounts       int     `json:"accounts"`
	Overdue        int     `json:"overdue"`
}

// ComplianceReport is the cadence compliance report.
type ComplianceReport struct {
	Data  []ComplianceRow `json:"data"`
	Total ComplianceRow   `json:"total"`
}

// CadenceCompliance counts, per owner of active accounts, the key accounts contacted
// within their cadence and those overdue (never contacted counts as overdue), least
// compliant first.
func (s *Service) CadenceCompliance(ctx context.Context, actor staff.User) (ComplianceReport, error) {
	if err := canReport(actor); err != nil {
		return ComplianceReport{}, err
	}
	now := s.now().UTC()
	var rows []ComplianceRow
	err := s.db.Read.WithContext(ctx).Raw(`SELECT u.id AS user_id, u.name,
			SUM(CASE WHEN a.tier = 'key' THEN 1 ELSE 0 END) AS key_accounts,
			SUM(CASE WHEN a.tier = 'key' AND NOT `+accounts.OverdueSQL+` THEN 1 ELSE 0 END) AS key_within,
			SUM(CASE WHEN a.tier = 'key' AND `+accounts.OverdueSQL+` THEN 1 ELSE 0 END) AS key_overdue,
			COUNT(*) AS accounts,
			SUM(CASE WHEN `+accounts.OverdueSQL+` THEN 1 ELSE 0 END) AS overdue
		FROM accounts a JOIN users u ON u.id = a.owner_id
		WHERE a.deleted_at IS NULL AND a.status = 'active'
		GROUP BY u.id, u.name`, now, now, now).Scan(&rows).Error
	if err != nil {
		return ComplianceReport{}, fmt.Errorf("cadence compliance: %w", err)
	}
	out := ComplianceReport{Data: rows, Total: ComplianceRow{Name: "total"}}
	if out.Data == nil {
		out.Data = []ComplianceRow{}
	}
	for i := range out.Data {
		r := &out.Data[i]
		r.ComplianceRate = rate(int64(r.KeyWithin), int64(r.KeyAccounts))
		out.Total.KeyAccounts += r.KeyAccounts
		out.Total.KeyWithin += r.KeyWithin
		out.Total.KeyOverdue += r.KeyOverdue
		out.Total.Accounts += r.Accounts
		out.Total.Overdue += r.Overdue
	}
	out.Total.ComplianceRate = rate(int64(out.Total.KeyWithin), int64(out.Total.KeyAccounts))
	sort.SliceStable(out.Data, func(i, j int) bool {
		a, b := out.Data[i], out.Data[j]
		if (a.KeyAccounts > 0) != (b.KeyAccounts > 0) {
			return a.KeyAccounts > 0
		}
		if a.ComplianceRate != b.ComplianceRate {
			return a.ComplianceRate < b.ComplianceRate
		}
		return a.Name < b.Name
	})
	return out, nil
}
