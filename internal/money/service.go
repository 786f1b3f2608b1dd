package money

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/audit"
	"keyhold/internal/fault"
	"keyhold/internal/opt"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

// Currency is one currency the organisation bills in.
type Currency struct {
	Code       string    `json:"code" gorm:"primaryKey"`
	RateToBase *float64  `json:"rate_to_base"` // units of the base currency per unit; nil until an admin sets it
	Base       bool      `json:"base"`
	UpdatedAt  time.Time `json:"updated_at"`
	UpdatedBy  *int64    `json:"updated_by"`
	Accounts   int64     `json:"accounts" gorm:"-"` // accounts billed in it, lost ones included
}

// TableName is the currency table.
func (Currency) TableName() string { return "currencies" }

// RatesHook is told, inside the transaction that changed rates, which currencies'
// conversions changed (nil: all of them), so that what is derived from converted values
// (the risk order of the flag lists) changes with them.
type RatesHook func(ctx context.Context, tx *gorm.DB, codes []string) error

// Service reads and maintains currencies and their rates.
type Service struct {
	db      *store.DB
	now     func() time.Time
	rates   store.Memo[Rates]
	onRates RatesHook
}

// New returns a Service.
func New(db *store.DB, now func() time.Time) *Service { return &Service{db: db, now: now} }

// OnRates sets the hook every change of rates calls; set it once, while wiring.
func (s *Service) OnRates(h RatesHook) { s.onRates = h }

// Rates answers the current rates, kept in memory until a currency changes.
func (s *Service) Rates(ctx context.Context) (Rates, error) {
	v, err := s.db.Versions(ctx)
	if err != nil {
		return Rates{}, err
	}
	return s.rates.Get(v.Currency, func() (Rates, error) { return LoadRates(s.db.Read.WithContext(ctx)) })
}

// LoadRates reads the rates through db (a transaction's, to see its own changes).
func LoadRates(db *gorm.DB) (Rates, error) {
	var cs []Currency
	if err := db.Find(&cs).Error; err != nil {
		return Rates{}, fmt.Errorf("load currencies: %w", err)
	}
	base, m := DefaultBase, map[string]float64{}
	for _, c := range cs {
		if c.Base {
			base = c.Code
		}
		if c.RateToBase != nil {
			m[c.Code] = *c.RateToBase
		}
	}
	return NewRates(base, m), nil
}

// Priced refuses (422, field currency) an amount in a currency without a rate: nothing
// may enter that could not be summed with the rest. tx is the writing transaction.
func Priced(tx *gorm.DB, code string) error {
	var n int64
	if err := tx.Model(&Currency{}).Where("code = ? AND rate_to_base IS NOT NULL", code).Count(&n).Error; err != nil {
		return fmt.Errorf("check currency %s: %w", code, err)
	}
	if n == 0 {
		return fault.Invalid(fault.Fields{"currency": "has no exchange rate yet; an admin adds it under Currencies first"})
	}
	return nil
}

// List answers every currency, the base first, with how many accounts use it.
func (s *Service) List(ctx context.Context) ([]Currency, error) {
	db := s.db.Read.WithContext(ctx)
	var cs []Currency
	if err := db.Order("base DESC, code").Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("list currencies: %w", err)
	}
	var used []struct {
		Currency string
		N        int64
	}
	if err := db.Raw(`SELECT currency, COUNT(*) AS n FROM accounts WHERE deleted_at IS NULL
		GROUP BY currency`).Scan(&used).Error; err != nil {
		return nil, fmt.Errorf("count accounts per currency: %w", err)
	}
	for i := range cs {
		for _, u := range used {
			if u.Currency == cs[i].Code {
				cs[i].Accounts = u.N
			}
		}
	}
	return cs, nil
}

// Get answers one currency.
func (s *Service) Get(ctx context.Context, code string) (Currency, error) {
	cs, err := s.List(ctx)
	if err != nil {
		return Currency{}, err
	}
	c, _ := NormalizeCode(code)
	for _, x := range cs {
		if x.Code == c {
			return x, nil
		}
	}
	return Currency{}, fault.NotFound("currency", code)
}

// Change is an admin's change to a currency: its rate, or making it the base.
type Change struct {
	RateToBase opt.Field[float64]
	Base       opt.Field[bool]
}

// FormatRate writes a rate for people, to ten significant digits: 7.1, 0.1428571429,
// 0.0000001 — never 1e-07, nor the 7.000000000000001 that rebasing twice can leave.
func FormatRate(r float64) string {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(r, 'g', 10, 64), 64)
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// MinRate and MaxRate bound a rate to the base (the refusal's message says the same
// numbers): wide enough for any real pair of currencies, narrow enough that a converted
// account value stays far inside 64-bit integers and sums saturate rather than wrap.
const (
	MinRate = 1e-6
	MaxRate = 1e6
)

// RateInRange reports whether r may be a rate to the base.
func RateInRange(r float64) bool { return r >= MinRate && r <= MaxRate }

// check checks a change of the currency code before anything is read: the code's form
// and the rate's range, and that it says something. It returns the code normalised.
func (ch Change) check(code string) (string, error) {
	code, ok := NormalizeCode(code)
	bad := fault.Collect{}
	if !ok {
		bad.Add("code", "must be a three-letter currency code such as CNY or USD")
	}
	if ch.RateToBase.Set {
		r := ch.RateToBase.Value
		if ch.RateToBase.Null || !RateInRange(r) {
			bad.Add("rate_to_base", "must be a number from 0.000001 to 1000000")
		}
	}
	if ch.Base.Set && !ch.Base.Value {
		bad.Add("base", "to change the base currency, make another currency the base")
	}
	if !ch.RateToBase.Set && !ch.Base.Set {
		bad.Add("rate_to_base", "is required")
	}
	return code, bad.Err()
}

// rebase makes code, worth r units of the old base, the new base: every other rate
// divides by r (a few rows).
func rebase(tx *gorm.DB, code string, r float64, actor staff.User, now time.Time) error {
	var others []Currency
	if err := tx.Where("code <> ? AND rate_to_base IS NOT NULL", code).Find(&others).Error; err != nil {
		return err
	}
	for _, o := range others {
		if !RateInRange(*o.RateToBase / r) {
			return fault.Invalid(fault.Fields{"base": "would put another currency's rate outside 0.000001 to 1000000; change or remove that rate first"})
		}
		if err := tx.Model(&o).Updates(map[string]any{"base": false, "rate_to_base": *o.RateToBase / r,
			"updated_at": now, "updated_by": actor.ID}).Error; err != nil {
			return err
		}
	}
	return nil
}

// Set adds a currency or changes it (admins only). Making a currency the base rebases
// every rate on it in the same transaction, so that every converted value stays the same
// amount of money.
func (s *Service) Set(ctx context.Context, actor staff.User, code string, ch Change) (Currency, error) {
	if !actor.IsAdmin() {
		return Currency{}, fault.Forbidden("only admins maintain currencies and rates")
	}
	code, err := ch.check(code)
	if err != nil {
		return Currency{}, err
	}
	now := s.now().UTC()
	err = s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var before Currency
		err := tx.Take(&before, "code = ?", code).Error
		exists := err == nil
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		after := before
		after.Code, after.UpdatedAt, after.UpdatedBy = code, now, &actor.ID
		if ch.RateToBase.Set {
			if before.Base && ch.RateToBase.Value != 1 {
				return fault.Invalid(fault.Fields{"rate_to_base": "is 1 for the base currency; make another currency the base to change it"})
			}
			r := ch.RateToBase.Value
			after.RateToBase = &r
		}
		if after.RateToBase == nil {
			return fault.Invalid(fault.Fields{"rate_to_base": "is required"})
		}
		changed := []string{code}
		if ch.Base.Set && !before.Base {
			if err := rebase(tx, code, *after.RateToBase, actor, now); err != nil {
				return err
			}
			one := 1.0
			after.RateToBase, after.Base, changed = &one, true, nil
		}
		if exists {
			err = tx.Model(&after).Select("rate_to_base", "base", "updated_at", "updated_by").Updates(&after).Error
		} else {
			err = tx.Create(&after).Error
		}
		if err != nil {
			return err
		}
		var was any
		if exists {
			was = before
		}
		if err := audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "currency.update",
			Entity: "currency"}, was, after); err != nil {
			return err
		}
		if s.onRates != nil {
			return s.onRates(ctx, tx, changed)
		}
		return nil
	})
	if err != nil {
		return Currency{}, fmt.Errorf("set currency %s: %w", code, err)
	}
	return s.Get(ctx, code)
}

// Delete removes a currency nothing is billed in (admins only): not the base, and no
// account or recorded loss uses it.
func (s *Service) Delete(ctx context.Context, actor staff.User, code string) error {
	if !actor.IsAdmin() {
		return fault.Forbidden("only admins maintain currencies and rates")
	}
	code, _ = NormalizeCode(code)
	now := s.now().UTC()
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var c Currency
		if err := tx.Take(&c, "code = ?", code).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return fault.NotFound("currency", code)
		} else if err != nil {
			return err
		}
		if c.Base {
			return fault.Conflict("the base currency cannot be removed; make another currency the base first", nil)
		}
		var used struct{ Accounts, Losses int64 }
		// Deleted accounts count too: handover reports keep them, in their currency.
		if err := tx.Raw(`SELECT (SELECT COUNT(*) FROM accounts WHERE currency = ?) AS accounts,
			(SELECT COUNT(*) FROM churn_records WHERE currency = ?) AS losses`, code, code).Scan(&used).Error; err != nil {
			return err
		}
		if used.Accounts+used.Losses > 0 {
			return fault.Conflict("the currency is still in use by accounts or recorded losses",
				map[string]int64{"accounts": used.Accounts, "losses": used.Losses})
		}
		if err := tx.Delete(&c).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "currency.delete", Entity: "currency"}, c, nil)
	})
	if err != nil {
		return fmt.Errorf("delete currency %s: %w", code, err)
	}
	return nil
}
