package health

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"keyhold/internal/accounts"
	"keyhold/internal/fault"
	"keyhold/internal/money"
	"keyhold/internal/store"
)

// FlagFilter selects flagged accounts.
type FlagFilter struct {
	Tier      accounts.Tier
	OwnerID   int64
	Level     Level // with a level, every account of that level, flagged or not
	Neglected bool
	Page      store.Page
}

// Flag is one flagged account with its health.
type Flag struct {
	Account accounts.Account `json:"account"`
	// BaseValue is the account's annual value in the base currency (GET
	// /api/v1/currencies names it); null while its currency has no rate.
	BaseValue *int64 `json:"base_value"`
	// ValueAtRisk is the share of it the account's health puts at risk, (100 − score)%
	// of BaseValue: what the list is ordered by, worst first.
	ValueAtRisk int64 `json:"value_at_risk"`
	Report
}

// Flags lists neglected and at-risk accounts, worst first: the largest (100 − score) ×
// annual value first.
func (s *Service) Flags(ctx context.Context, acc *accounts.Service, f FlagFilter) ([]Flag, int64, error) {
	bad := fault.Collect{}
	if f.Tier != "" && !f.Tier.Valid() {
		bad.Add("tier", "must be key, growth or standard")
	}
	if f.Level != "" && f.Level != Healthy && f.Level != Watch && f.Level != AtRisk {
		bad.Add("level", "must be healthy, watch or at_risk")
	}
	if err := bad.Err(); err != nil {
		return nil, 0, err
	}
	// The order, the filter, the page and the total come from the accounts in memory;
	// SQL reads the page's health rows by id.
	ids, total, err := acc.ByRisk(ctx, accounts.RiskFilter{Tier: f.Tier, OwnerID: f.OwnerID, Level: string(f.Level),
		Neglected: f.Neglected, Page: f.Page})
	if err != nil {
		return nil, 0, err
	}
	recs := []record{}
	if len(ids) > 0 {
		if err := s.db.Read.WithContext(ctx).Table("account_health h").Joins("JOIN accounts a ON a.id = h.account_id").
			Select("h.*, "+money.BaseValueSQL("a")+" AS base_value").Where(store.InIDs("h.account_id"), store.IDs(ids)).
			Find(&recs).Error; err != nil {
			return nil, 0, fmt.Errorf("list flags: %w", err)
		}
	}
	byAccount := make(map[int64]record, len(recs))
	for _, r := range recs {
		byAccount[r.AccountID] = r
	}
	recs = recs[:0]
	for _, id := range ids {
		if r, ok := byAccount[id]; ok {
			recs = append(recs, r)
		}
	}
	list, err := acc.ByIDs(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	byID := make(map[int64]accounts.Account, len(list))
	for _, a := range list {
		byID[a.ID] = a
	}
	scanned, err := s.scannedAt(ctx)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Flag, 0, len(recs))
	for _, r := range recs {
		rep, err := r.report(scanned)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, Flag{Account: byID[r.AccountID], BaseValue: r.BaseValue, ValueAtRisk: (r.RiskValue + MaxScore/2) / MaxScore, Report: rep})
	}
	return out, total, nil
}

// Revalue recomputes, inside tx, the risk value of every scored account billed in one of
// codes (nil: in any currency) after a change of rates: set-based, and only rows whose
// value moves are written.
func Revalue(ctx context.Context, tx *gorm.DB, codes []string) error {
	sql := `UPDATE account_health SET risk_value = fresh.v
		FROM (SELECT h.account_id, (? - h.score) * COALESCE(` + money.BaseValueSQL("a") + `, 0) AS v
			FROM account_health h JOIN accounts a ON a.id = h.account_id%s) AS fresh
		WHERE account_health.account_id = fresh.account_id AND account_health.risk_value <> fresh.v`
	args := []any{MaxScore}
	where := ""
	if codes != nil {
		where, args = " WHERE a.currency IN ?", append(args, codes)
	}
	if err := tx.WithContext(ctx).Exec(fmt.Sprintf(sql, where), args...).Error; err != nil {
		return fmt.Errorf("revalue flags: %w", err)
	}
	return nil
}
