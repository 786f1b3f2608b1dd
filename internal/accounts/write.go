package accounts

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/audit"
	"keyhold/internal/check"
	"keyhold/internal/fault"
	"keyhold/internal/money"
	"keyhold/internal/opt"
	"keyhold/internal/outbox"
	"keyhold/internal/staff"
)

// NewAccount is what a user gives to create an account.
type NewAccount struct {
	Name          string
	Tier          Tier
	Industry      string
	Region        string
	Channel       string
	Size          Size
	AnnualValue   int64
	Currency      string
	CustomerSince string
	RenewalDate   string
	CadenceDays   *int
	VisitDays     *int // its own visit cadence; nil: its tier's
	OwnerID       int64
}

// Validate checks a new account's fields and fills the defaults (currency CNY, customer
// since today, owner the actor); Create calls it, and forms call it to show every problem.
func (in *NewAccount) Validate(actor staff.User, now time.Time) error {
	day := today(now)
	bad := fault.Collect{}
	check.Line(bad, "name", &in.Name, 200, true)
	if !in.Tier.Valid() {
		bad.Add("tier", "must be key, growth or standard")
	}
	check.Line(bad, "industry", &in.Industry, 100, false)
	check.Line(bad, "region", &in.Region, 100, false)
	check.Line(bad, "channel", &in.Channel, 100, false)
	checkSize(bad, in.Size)
	checkAnnualValue(bad, in.AnnualValue)
	if in.Currency == "" {
		in.Currency = "CNY"
	}
	checkCurrency(bad, &in.Currency)
	if in.CustomerSince == "" {
		in.CustomerSince = day.Format(DateLayout)
	}
	checkDate(bad, "customer_since", in.CustomerSince, &day)
	if in.RenewalDate != "" {
		checkDate(bad, "renewal_date", in.RenewalDate, nil)
	}
	if in.CadenceDays != nil {
		checkCadence(bad, *in.CadenceDays)
	}
	if in.VisitDays != nil {
		checkVisitDays(bad, *in.VisitDays)
	}
	if in.OwnerID == 0 {
		in.OwnerID = actor.ID
	}
	return bad.Err()
}

// Create adds an account. The owner defaults to the actor and becomes the team's owner.
func (s *Service) Create(ctx context.Context, actor staff.User, in NewAccount) (Account, error) {
	now := s.now().UTC()
	if err := in.Validate(actor, now); err != nil {
		return Account{}, err
	}
	if !MayCreateFor(actor, in.OwnerID) {
		return Account{}, ErrOwnOnly
	}
	a := Account{Name: in.Name, Tier: in.Tier, Status: StatusActive, Industry: in.Industry,
		Region: in.Region, Channel: in.Channel, Size: in.Size, AnnualValue: in.AnnualValue, Currency: in.Currency,
		CustomerSince: in.CustomerSince, CadenceOverride: in.CadenceDays, VisitOverride: in.VisitDays, OwnerID: in.OwnerID,
		CreatedAt: now, UpdatedAt: now}
	if in.RenewalDate != "" {
		a.RenewalDate = &in.RenewalDate
	}
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := activeUser(tx, "owner_id", in.OwnerID); err != nil {
			return err
		}
		if err := money.Priced(tx, a.Currency); err != nil {
			return err
		}
		if err := tx.Create(&a).Error; err != nil {
			return err
		}
		owner := TeamMember{AccountID: a.ID, UserID: a.OwnerID, Role: RoleOwner, Since: now}
		if err := tx.Create(&owner).Error; err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: ActionCreated,
			Entity: "account", EntityID: a.ID, AccountID: &a.ID, ToUserID: &a.OwnerID, Role: string(RoleOwner)}, nil, a); err != nil {
			return err
		}
		if err := outbox.Record(ctx, tx, outbox.AccountCreated, now, outbox.AccountData{Account: a}); err != nil {
			return err
		}
		return s.changed(ctx, tx, a.ID)
	})
	if err != nil {
		return Account{}, fmt.Errorf("create account: %w", err)
	}
	return s.Get(ctx, a.ID)
}

// Patch is a change to an account's details; only the fields set change. The owner is
// not among them: it moves only by transfer or handover.
type Patch struct {
	Name          opt.Field[string]
	Tier          opt.Field[Tier]
	Industry      opt.Field[string]
	Region        opt.Field[string]
	Channel       opt.Field[string]
	Size          opt.Field[Size]
	AnnualValue   opt.Field[int64]
	Currency      opt.Field[string]
	CustomerSince opt.Field[string]
	RenewalDate   opt.Field[string]
	CadenceDays   opt.Field[int]
	VisitDays     opt.Field[int] // null or 0: its tier's visit cadence
}

// apply sets the fields p sets on a, checking each (day is today, the latest a customer
// may have started); the error lists every field refused.
func (p Patch) apply(a *Account, day time.Time) error {
	bad := fault.Collect{}
	if p.Name.Set {
		a.Name = p.Name.Value
		check.Line(bad, "name", &a.Name, 200, true)
	}
	if p.Tier.Set {
		a.Tier = p.Tier.Value
		if !a.Tier.Valid() {
			bad.Add("tier", "must be key, growth or standard")
		}
	}
	if p.Industry.Set {
		a.Industry = p.Industry.Value
		check.Line(bad, "industry", &a.Industry, 100, false)
	}
	if p.Region.Set {
		a.Region = p.Region.Value
		check.Line(bad, "region", &a.Region, 100, false)
	}
	if p.Channel.Set {
		a.Channel = p.Channel.Value
		check.Line(bad, "channel", &a.Channel, 100, false)
	}
	if p.Size.Set {
		a.Size = p.Size.Value
		checkSize(bad, a.Size)
	}
	if p.AnnualValue.Set {
		a.AnnualValue = p.AnnualValue.Value
		checkAnnualValue(bad, a.AnnualValue)
	}
	if p.Currency.Set {
		a.Currency = p.Currency.Value
		checkCurrency(bad, &a.Currency)
	}
	if p.CustomerSince.Set {
		a.CustomerSince = p.CustomerSince.Value
		checkDate(bad, "customer_since", a.CustomerSince, &day)
	}
	if p.RenewalDate.Set {
		if p.RenewalDate.Null || p.RenewalDate.Value == "" {
			a.RenewalDate = nil
		} else {
			v := p.RenewalDate.Value
			a.RenewalDate = &v
			checkDate(bad, "renewal_date", v, nil)
		}
	}
	override(p.CadenceDays, &a.CadenceOverride, func(v int) { checkCadence(bad, v) })
	override(p.VisitDays, &a.VisitOverride, func(v int) { checkVisitDays(bad, v) })
	return bad.Err()
}

// override applies a patch of an account's own cadence: null or 0 falls back to its
// tier's; a number is checked.
func override(f opt.Field[int], to **int, check func(int)) {
	if !f.Set {
		return
	}
	if f.Null || f.Value == 0 {
		*to = nil
		return
	}
	v := f.Value
	*to = &v
	check(v)
}

// Update changes an account's details. Its team, managers and admins may.
func (s *Service) Update(ctx context.Context, actor staff.User, id int64, p Patch) (Account, error) {
	now := s.now().UTC()
	day := today(now)
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := loadWritable(tx, id)
		if err != nil {
			return err
		}
		if ok, err := canEdit(tx, actor, id); err != nil {
			return err
		} else if !ok {
			return ErrCannotEdit
		}
		before := a
		if err := p.apply(&a, day); err != nil {
			return err
		}
		if a.Currency != before.Currency {
			if err := money.Priced(tx, a.Currency); err != nil {
				return err
			}
		}
		c, err := loadCadence(tx)
		if err != nil {
			return err
		}
		a.NextContactDue = DueAfter(a.LastContactedAt, a.effectiveCadence(c))
		a.UpdatedAt = now
		err = tx.Model(&a).Select("name", "tier", "industry", "region", "channel", "size", "annual_value", "currency",
			"customer_since", "renewal_date", "cadence_days", "visit_days", "next_contact_due", "updated_at").Updates(&a).Error
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "account.update",
			Entity: "account", EntityID: a.ID, AccountID: &a.ID}, before, a); err != nil {
			return err
		}
		if err := outbox.Record(ctx, tx, outbox.AccountUpdated, now, outbox.AccountData{Account: a}); err != nil {
			return err
		}
		return s.changed(ctx, tx, a.ID)
	})
	if err != nil {
		return Account{}, fmt.Errorf("update account %d: %w", id, err)
	}
	return s.Get(ctx, id)
}

// Delete soft-deletes an account: it disappears from lists and lookups but every row
// stays. Managers and admins only.
func (s *Service) Delete(ctx context.Context, actor staff.User, id int64) error {
	if !actor.CanManage() {
		return fault.Forbidden("only managers and admins delete accounts")
	}
	now := s.now().UTC()
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := loadAccount(tx, id)
		if err != nil {
			return err
		}
		if err := tx.Model(&a).Update("deleted_at", now).Error; err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "account.delete",
			Entity: "account", EntityID: id, AccountID: &id}, a, nil); err != nil {
			return err
		}
		return s.changed(ctx, tx, id)
	})
	if err != nil {
		return fmt.Errorf("delete account %d: %w", id, err)
	}
	return nil
}
