package handover

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"keyhold/internal/accounts"
	"keyhold/internal/money"
	"keyhold/internal/sortkey"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

// Report is a handover as its manager reads it: who left, what was handed over, how far
// the checklist got, each account's successor, health and follow-through, what was
// forced and why, and what the person opened or tried to export while leaving.
type Report struct {
	HandoverID   int64             `json:"handover_id"`
	Status       Status            `json:"status"`
	Departing    *accounts.UserRef `json:"departing_user"`
	LastDay      string            `json:"last_day"`
	CreatedAt    time.Time         `json:"created_at"`
	StartedAt    *time.Time        `json:"started_at"`
	CompletedAt  *time.Time        `json:"completed_at"`
	Accounts     int               `json:"accounts"`
	KeyAccounts  int               `json:"key_accounts"`
	Value        map[string]int64  `json:"value"`          // annual value handed over, per currency
	KeyValue     map[string]int64  `json:"key_value"`      // of key accounts, per currency
	ValueBase    money.Total       `json:"value_base"`     // Value converted to the base currency and summed
	KeyValueBase money.Total       `json:"key_value_base"` // KeyValue likewise
	Checklist    Progress          `json:"checklist"`
	Forced       bool              `json:"forced"`
	ForceReason  string            `json:"force_reason"`
	Items        []ReportItem      `json:"items"`
	Views        []NoticeEvent     `json:"notice_views"`
	Exports      []NoticeEvent     `json:"notice_exports"`
	GeneratedAt  time.Time         `json:"generated_at"`
	Retained90   int               `json:"retained_90"`
	Churned90    int               `json:"churned_90"`
	FirstContact int               `json:"successor_contacted"` // items whose successor has been in touch since completion
	Successors   []SuccessorShare  `json:"successors"`          // who received what, most accounts first
	Manager      *accounts.UserRef `json:"manager"`             // who ran the handover, for the signatures
}

// SuccessorShare is what one successor receives in a handover.
type SuccessorShare struct {
	User        accounts.UserRef `json:"user"`
	Accounts    int              `json:"accounts"`
	KeyAccounts int              `json:"key_accounts"`
	Value       map[string]int64 `json:"value"`      // per currency
	ValueBase   money.Total      `json:"value_base"` // in the base currency
}

// ReportItem is an item with the account's current health.
type ReportItem struct {
	Item
	Score *int   `json:"health_score"`
	Level string `json:"health_level"`
}

// accountScore is an item's account health as the report shows it.
type accountScore struct {
	AccountID int64
	Score     int
	Level     string
}

// tally adds up the items: every one listed with its account's health; those handed over
// counted with their value (as recorded and in the base currency), their 90-day outcome
// and first contact, and by successor, the busiest successor first.
func (r *Report) tally(items []Item, scores []accountScore, rates money.Rates) {
	byAccount := make(map[int64]accountScore, len(scores))
	for _, sc := range scores {
		byAccount[sc.AccountID] = sc
	}
	for _, it := range items {
		ri := ReportItem{Item: it}
		if sc, ok := byAccount[it.AccountID]; ok {
			v := sc.Score
			ri.Score, ri.Level = &v, sc.Level
		}
		if it.Skipped() { // listed, with why, but not handed over by this handover
			r.Items = append(r.Items, ri)
			continue
		}
		if it.Account != nil {
			r.Accounts++
			r.Value[it.Account.Currency] = money.AddSat(r.Value[it.Account.Currency], it.Account.AnnualValue)
			rates.Add(&r.ValueBase, it.Account.AnnualValue, it.Account.Currency)
			if it.key() {
				r.KeyAccounts++
				r.KeyValue[it.Account.Currency] = money.AddSat(r.KeyValue[it.Account.Currency], it.Account.AnnualValue)
				rates.Add(&r.KeyValueBase, it.Account.AnnualValue, it.Account.Currency)
			}
		}
		switch it.Outcome90 {
		case OutcomeRetained:
			r.Retained90++
		case OutcomeChurned:
			r.Churned90++
		}
		if it.SuccessorFirstContactAt != nil {
			r.FirstContact++
		}
		if it.Successor != nil && it.Account != nil {
			i := slices.IndexFunc(r.Successors, func(sh SuccessorShare) bool { return sh.User.ID == it.Successor.ID })
			if i < 0 {
				r.Successors = append(r.Successors, SuccessorShare{User: *it.Successor, Value: map[string]int64{},
					ValueBase: money.Total{Currency: rates.Base}})
				i = len(r.Successors) - 1
			}
			sh := &r.Successors[i]
			sh.Accounts++
			sh.Value[it.Account.Currency] = money.AddSat(sh.Value[it.Account.Currency], it.Account.AnnualValue)
			rates.Add(&sh.ValueBase, it.Account.AnnualValue, it.Account.Currency)
			if it.key() {
				sh.KeyAccounts++
			}
		}
		r.Items = append(r.Items, ri)
	}
	slices.SortStableFunc(r.Successors, func(a, b SuccessorShare) int {
		if c := cmp.Compare(b.Accounts, a.Accounts); c != 0 {
			return c
		}
		return sortkey.Compare(a.User.Name, b.User.Name)
	})
	if r.Successors == nil {
		r.Successors = []SuccessorShare{}
	}
}

// Report builds the report of one handover.
func (s *Service) Report(ctx context.Context, actor staff.User, id int64) (Report, error) {
	h, err := s.Get(ctx, actor, id)
	if err != nil {
		return Report{}, err
	}
	// The report is the manager's: it records what the person leaving did meanwhile.
	if err := runs(actor, h); err != nil {
		return Report{}, err
	}
	rates, err := s.money.Rates(ctx)
	if err != nil {
		return Report{}, err
	}
	r := Report{HandoverID: h.ID, Status: h.Status, Departing: h.Departing, LastDay: h.LastDay, CreatedAt: h.CreatedAt, StartedAt: h.StartedAt,
		CompletedAt: h.CompletedAt, Checklist: h.Progress, Forced: h.Forced, ForceReason: h.ForceReason,
		Value: map[string]int64{}, KeyValue: map[string]int64{}, ValueBase: money.Total{Currency: rates.Base},
		KeyValueBase: money.Total{Currency: rates.Base}, GeneratedAt: s.now().UTC(), Items: []ReportItem{},
		Views: []NoticeEvent{}, Exports: []NoticeEvent{}}
	ids := make([]int64, len(h.Items))
	for i, it := range h.Items {
		ids[i] = it.AccountID
	}
	var scores []accountScore
	if err := s.db.Read.WithContext(ctx).Table("account_health").Select("account_id, score, level").
		Where(store.InIDs("account_id", ids)).Scan(&scores).Error; err != nil {
		return Report{}, fmt.Errorf("handover report health: %w", err)
	}
	r.tally(h.Items, scores, rates)
	// The manager who signs: whoever completed it, else whoever created it.
	signer := h.CreatedBy
	if h.CompletedBy != nil {
		signer = *h.CompletedBy
	}
	refs, err := accounts.RefsByID(s.db.Read.WithContext(ctx), []int64{signer})
	if err != nil {
		return Report{}, fmt.Errorf("handover report: %w", err)
	}
	if m, ok := refs[signer]; ok {
		r.Manager = &m
	}
	events, err := s.noticeEvents(ctx, h)
	if err != nil {
		return Report{}, err
	}
	for _, e := range events {
		if e.Kind == "export" {
			r.Exports = append(r.Exports, e)
		} else {
			r.Views = append(r.Views, e)
		}
	}
	return r, nil
}
