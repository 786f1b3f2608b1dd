// Package retention records losses and win-backs and complaints, and answers the
// questions a company asks about them: how many customers it keeps, why it loses them,
// and where it is exposed.
package retention

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/accounts"
	"keyhold/internal/audit"
	"keyhold/internal/check"
	"keyhold/internal/fault"
	"keyhold/internal/money"
	"keyhold/internal/outbox"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

// Reasons are why a customer leaves (PRODUCT.md, "Churn record").
var Reasons = []string{"price", "service", "quality", "competitor", "staff_departure", "business_closed",
	"relocation", "merger", "other"}

// Service runs churn, win-back, complaints and the retention reports.
type Service struct {
	db       *store.DB
	now      func() time.Time
	accounts *accounts.Service
	money    *money.Service
}

// New returns a Service.
func New(db *store.DB, now func() time.Time, acc *accounts.Service, m *money.Service) *Service {
	return &Service{db: db, now: now, accounts: acc, money: m}
}

// ChurnRecord is one loss of a customer, closed by a win-back if there is one.
type ChurnRecord struct {
	ID               int64     `json:"id"`
	AccountID        int64     `json:"account_id"`
	ChurnedOn        string    `json:"churned_at" gorm:"column:churned_on"`
	Reason           string    `json:"reason"`
	Voluntary        bool      `json:"voluntary"`
	Competitor       string    `json:"competitor"`
	Notes            string    `json:"notes"`
	AnnualValue      int64     `json:"annual_value"` // what was lost, at the time
	Currency         string    `json:"currency"`
	RecordedBy       int64     `json:"recorded_by"`
	CreatedAt        time.Time `json:"created_at"`
	ReactivatedOn    *string   `json:"reactivated_at" gorm:"column:reactivated_on"`
	ReactivatedBy    *int64    `json:"reactivated_by"`
	ReactivationNote string    `json:"reactivation_note"`
}

// TableName is the churn table.
func (ChurnRecord) TableName() string { return "churn_records" }

// NewChurn is what a user records about a loss.
type NewChurn struct {
	ChurnedAt  string // YYYY-MM-DD; today when empty
	Reason     string
	Voluntary  *bool
	Competitor string
	Notes      string
}

const dateLayout = check.DateLayout

func parseDate(s string) (time.Time, bool) {
	d, err := time.Parse(dateLayout, s)
	return d, err == nil && d.Format(dateLayout) == s
}

// CanRecordChurn says who may record the loss of an account: its owner, managers and
// admins.
func CanRecordChurn(actor staff.User, a accounts.Account) bool {
	return actor.CanManage() || a.OwnerID == actor.ID
}

// Churn records the loss of an account: it leaves the flag lists and becomes read-only
// but for a win-back. Those CanRecordChurn names may.
func (s *Service) Churn(ctx context.Context, actor staff.User, accountID int64, in NewChurn) (ChurnRecord, error) {
	now := s.now().UTC()
	today := now.Format(dateLayout)
	if in.ChurnedAt == "" {
		in.ChurnedAt = today
	}
	bad := fault.Collect{}
	check.Line(bad, "competitor", &in.Competitor, 200, false)
	check.Text(bad, "notes", &in.Notes, 10000, false)
	day, ok := check.Date(bad, "churned_at", in.ChurnedAt)
	if ok && in.ChurnedAt > today {
		bad.Add("churned_at", "may not be in the future")
	}
	if !slices.Contains(Reasons, in.Reason) {
		bad.Add("reason", "must be one of price, service, quality, competitor, staff_departure, business_closed, relocation, merger, other")
	}
	if in.Voluntary == nil {
		bad.Add("voluntary", "is required")
	}
	if in.Reason == "competitor" && in.Competitor == "" {
		bad.Add("competitor", "is required when the customer left for a competitor")
	}
	if err := bad.Err(); err != nil {
		return ChurnRecord{}, err
	}
	var rec ChurnRecord
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := accounts.LoadTx(tx, accountID)
		if err != nil {
			return err
		}
		if !CanRecordChurn(actor, a) {
			return fault.Forbidden("only the owner, managers and admins record a loss")
		}
		if a.Status == accounts.StatusChurned {
			return fault.Conflict("this account is already churned", nil)
		}
		if in.ChurnedAt < a.CustomerSince {
			return fault.Invalid(fault.Fields{"churned_at": "may not be before the customer joined"})
		}
		rec = ChurnRecord{AccountID: a.ID, ChurnedOn: in.ChurnedAt, Reason: in.Reason, Voluntary: *in.Voluntary,
			Competitor: in.Competitor, Notes: in.Notes, AnnualValue: a.AnnualValue, Currency: a.Currency,
			RecordedBy: actor.ID, CreatedAt: now}
		if err := tx.Create(&rec).Error; err != nil {
			return err
		}
		if err := s.accounts.SetStatusTx(ctx, tx, a.ID, accounts.StatusChurned, &day); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: accounts.ActionChurned,
			Entity: "account", EntityID: a.ID, AccountID: &a.ID, Reason: in.Reason}, nil, rec); err != nil {
			return err
		}
		return outbox.Record(ctx, tx, outbox.AccountChurned, now, outbox.Churn{AccountID: a.ID, AccountName: a.Name,
			ChurnedOn: in.ChurnedAt, Reason: in.Reason, Voluntary: *in.Voluntary, Competitor: in.Competitor,
			AnnualValue: a.AnnualValue, Currency: a.Currency})
	})
	if err != nil {
		return ChurnRecord{}, fmt.Errorf("churn account %d: %w", accountID, err)
	}
	return rec, nil
}

// Reactivate wins a churned account back (managers and admins): it is active again, and
// its churn record is closed with the day (today unless given; a win-back recorded late
// may name an earlier day) and a note. Both stay in the history.
func (s *Service) Reactivate(ctx context.Context, actor staff.User, accountID int64, on, note string) (ChurnRecord, error) {
	if !actor.CanManage() {
		return ChurnRecord{}, fault.Forbidden("only managers and admins win accounts back")
	}
	now := s.now().UTC()
	today := now.Format(dateLayout)
	if on == "" {
		on = today
	}
	bad := fault.Collect{}
	if _, ok := check.Date(bad, "reactivated_at", on); ok && on > today {
		bad.Add("reactivated_at", "may not be in the future")
	}
	check.Text(bad, "note", &note, 10000, false)
	if err := bad.Err(); err != nil {
		return ChurnRecord{}, err
	}
	var rec ChurnRecord
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := accounts.LoadTx(tx, accountID)
		if err != nil {
			return err
		}
		if a.Status != accounts.StatusChurned {
			return fault.Conflict("only a churned account can be won back", nil)
		}
		if err := tx.Where("account_id = ? AND reactivated_on IS NULL", a.ID).Order("id DESC").Take(&rec).Error; err != nil {
			return fmt.Errorf("open churn record: %w", err)
		}
		if on < rec.ChurnedOn {
			return fault.Invalid(fault.Fields{"reactivated_at": "may not be before the account was lost"})
		}
		rec.ReactivatedOn, rec.ReactivatedBy, rec.ReactivationNote = &on, &actor.ID, note
		if err := tx.Model(&rec).Select("reactivated_on", "reactivated_by", "reactivation_note").Updates(&rec).Error; err != nil {
			return err
		}
		if err := s.accounts.SetStatusTx(ctx, tx, a.ID, accounts.StatusActive, nil); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: accounts.ActionReactivated,
			Entity: "account", EntityID: a.ID, AccountID: &a.ID, Reason: rec.ReactivationNote}, nil, rec)
	})
	if err != nil {
		return ChurnRecord{}, fmt.Errorf("reactivate account %d: %w", accountID, err)
	}
	return rec, nil
}

// ChurnRecords lists an account's losses, newest first.
func (s *Service) ChurnRecords(ctx context.Context, accountID int64) ([]ChurnRecord, error) {
	out := []ChurnRecord{}
	err := s.db.Read.WithContext(ctx).Where("account_id = ?", accountID).Order("churned_on DESC, id DESC").Find(&out).Error
	return out, err
}
