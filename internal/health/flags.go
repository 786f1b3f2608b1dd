package health

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"keyhold/internal/accounts"
	"keyhold/internal/fault"
	"keyhold/internal/money"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

// FlagFilter selects flagged accounts.
type FlagFilter struct {
	Tier      accounts.Tier
	OwnerID   int64
	MemberID  int64 // only the accounts on this person's teams
	Level     Level // with a level, every account of that level, flagged or not
	Neglected bool
	Page      store.Page
}

// For narrows the filter to what actor may list: during their notice period, the
// accounts on their own teams (accounts.Filter.For).
func (f FlagFilter) For(actor staff.User) FlagFilter {
	if accounts.InNotice(actor) {
		f.MemberID = actor.ID
	}
	return f
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
	// State is the flag's health in one comparable value: two flags of the same account
	// with the same State have the same health, base value and reasons (the web layer
	// keeps their encodings under it).
	State FlagState `json:"-"`
}

// FlagState is the account's change number in memory, the rates' version and the time of
// the last full scan: all that a flag's health part is made from.
type FlagState struct{ Seq, Currency, Scanned int64 }

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
	// SQL reads only the health rows of the page that changed since they were last read.
	refs, total, err := acc.ByRisk(ctx, accounts.RiskFilter{Tier: f.Tier, OwnerID: f.OwnerID, MemberID: f.MemberID,
		Level: string(f.Level), Neglected: f.Neglected, Page: f.Page})
	if err != nil {
		return nil, 0, err
	}
	v, err := s.db.Versions(ctx)
	if err != nil {
		return nil, 0, err
	}
	recs, err := s.flagRecords(ctx, refs, v.Currency)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]int64, len(refs))
	seqs := make(map[int64]int64, len(refs))
	for i, r := range refs {
		ids[i], seqs[r.ID] = r.ID, r.Seq
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
		st := FlagState{Seq: seqs[r.AccountID], Currency: v.Currency, Scanned: scanned.UnixNano()}
		out = append(out, Flag{Account: byID[r.AccountID], BaseValue: r.BaseValue, ValueAtRisk: (r.RiskValue + MaxScore/2) / MaxScore,
			Report: rep, State: st})
	}
	return out, total, nil
}

// flagVersion is what a health row read for the flags depends on: the account's state
// in memory (any change of the account or of its health gives it another seq) and the
// rates its base value was converted at.
type flagVersion struct{ seq, currency int64 }

// flagRecords returns the health rows of refs in their order, with their base values:
// those of accounts unchanged since they were last read from the cache, the others from
// SQL in one query.
func (s *Service) flagRecords(ctx context.Context, refs []accounts.Ref, currency int64) ([]record, error) {
	recs := make([]record, len(refs))
	found := make([]bool, len(refs))
	var missing []int64
	for i, r := range refs {
		if recs[i], found[i] = s.flagCache.Get(r.ID, flagVersion{r.Seq, currency}); !found[i] {
			missing = append(missing, r.ID)
		}
	}
	if len(missing) > 0 {
		var read []record
		if err := s.db.Read.WithContext(ctx).Table("account_health h").Joins("JOIN accounts a ON a.id = h.account_id").
			Select("h.*, " + money.BaseValueSQL("a") + " AS base_value").Where(store.InIDs("h.account_id", missing)).
			Find(&read).Error; err != nil {
			return nil, fmt.Errorf("list flags: %w", err)
		}
		byAccount := make(map[int64]record, len(read))
		for _, r := range read {
			byAccount[r.AccountID] = r
		}
		for i, r := range refs {
			if !found[i] {
				// Read after the accounts in memory were as new as r.Seq, so at least as
				// new: a later change gives the account another seq.
				recs[i], found[i] = byAccount[r.ID]
				if found[i] {
					s.flagCache.Put(r.ID, flagVersion{r.Seq, currency}, recs[i])
				}
			}
		}
	}
	out := recs[:0]
	for i, r := range recs {
		if found[i] {
			out = append(out, r)
		}
	}
	return out, nil
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
