package accounts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/audit"
	"keyhold/internal/check"
	"keyhold/internal/fault"
	"keyhold/internal/opt"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

// Contact is a person at a customer account.
type Contact struct {
	ID            int64          `json:"id"`
	AccountID     int64          `json:"account_id"`
	Name          string         `json:"name"`
	Title         string         `json:"title"`
	Email         string         `json:"email"`
	Phone         string         `json:"phone"`
	DecisionMaker bool           `json:"decision_maker"`
	Masked        bool           `json:"masked,omitempty" gorm:"-"` // phone and e-mail hidden during the reader's notice period
	CreatedAt     time.Time      `json:"created_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
	DeletedAt     gorm.DeletedAt `json:"-"`
}

// ContactInput is the editable part of a contact.
type ContactInput struct {
	Name          string
	Title         string
	Email         string
	Phone         string
	DecisionMaker bool
}

func (in *ContactInput) check() error {
	bad := fault.Collect{}
	check.Line(bad, "name", &in.Name, 100, true)
	check.Line(bad, "title", &in.Title, 100, false)
	check.Line(bad, "email", &in.Email, 254, false)
	check.Line(bad, "phone", &in.Phone, 50, false)
	if in.Email != "" {
		check.Email(bad, "email", in.Email)
	}
	return bad.Err()
}

// Contacts lists an account's contacts, decision makers first.
func (s *Service) Contacts(ctx context.Context, accountID int64) ([]Contact, error) {
	db := s.db.Read.WithContext(ctx)
	if _, err := loadAccount(db, accountID); err != nil {
		return nil, err
	}
	out := []Contact{}
	if err := db.Where("account_id = ?", accountID).Order("decision_maker DESC, name, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("contacts of account %d: %w", accountID, err)
	}
	return out, nil
}

// ContactsOf lists the live contacts of many accounts in one query per thousand
// accounts, decision-makers first (for pages that show the contacts of many accounts).
func (s *Service) ContactsOf(ctx context.Context, accountIDs []int64) (map[int64][]Contact, error) {
	out := make(map[int64][]Contact, len(accountIDs))
	for chunk := range slices.Chunk(accountIDs, 1000) {
		var cs []Contact
		if err := s.db.Read.WithContext(ctx).Where(store.InIDs("account_id", chunk)).Order("account_id, decision_maker DESC, name, id").
			Find(&cs).Error; err != nil {
			return nil, fmt.Errorf("contacts of %d accounts: %w", len(accountIDs), err)
		}
		for _, c := range cs {
			out[c.AccountID] = append(out[c.AccountID], c)
		}
	}
	return out, nil
}

// AddContact records a new contact on an account. Any staff member may.
func (s *Service) AddContact(ctx context.Context, actor staff.User, accountID int64, in ContactInput) (Contact, error) {
	if err := in.check(); err != nil {
		return Contact{}, err
	}
	now := s.now().UTC()
	c := Contact{AccountID: accountID, Name: in.Name, Title: in.Title, Email: in.Email, Phone: in.Phone,
		DecisionMaker: in.DecisionMaker, CreatedAt: now, UpdatedAt: now}
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := loadWritable(tx, accountID); err != nil {
			return err
		}
		if err := tx.Create(&c).Error; err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "contact.create",
			Entity: "contact", EntityID: c.ID, AccountID: &accountID}, nil, c); err != nil {
			return err
		}
		return s.changed(ctx, tx, accountID)
	})
	if err != nil {
		return Contact{}, fmt.Errorf("add contact to account %d: %w", accountID, err)
	}
	return c, nil
}

// ContactPatch changes some of a contact's fields.
type ContactPatch struct {
	Name          opt.Field[string]
	Title         opt.Field[string]
	Email         opt.Field[string]
	Phone         opt.Field[string]
	DecisionMaker opt.Field[bool]
}

// UpdateContact changes a contact. Any staff member may: the records are shared.
func (s *Service) UpdateContact(ctx context.Context, actor staff.User, id int64, p ContactPatch) (Contact, error) {
	var c Contact
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if c, err = loadContact(tx, id); err != nil {
			return err
		}
		if _, err := loadWritable(tx, c.AccountID); err != nil {
			return err
		}
		if err := readable(tx, actor, c.AccountID); err != nil {
			return err
		}
		before := c
		in := ContactInput{Name: c.Name, Title: c.Title, Email: c.Email, Phone: c.Phone, DecisionMaker: c.DecisionMaker}
		setString(&in.Name, p.Name)
		setString(&in.Title, p.Title)
		setString(&in.Email, p.Email)
		setString(&in.Phone, p.Phone)
		if p.DecisionMaker.Set {
			in.DecisionMaker = p.DecisionMaker.Value
		}
		if err := onlySet(in.check(), p); err != nil {
			return err
		}
		c.Name, c.Title, c.Email, c.Phone, c.DecisionMaker = in.Name, in.Title, in.Email, in.Phone, in.DecisionMaker
		c.UpdatedAt = s.now().UTC()
		if err := tx.Model(&c).Select("name", "title", "email", "phone", "decision_maker", "updated_at").
			Updates(&c).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: c.UpdatedAt, ActorID: &actor.ID, Action: "contact.update",
			Entity: "contact", EntityID: c.ID, AccountID: &c.AccountID}, before, c)
	})
	if err != nil {
		return Contact{}, fmt.Errorf("update contact %d: %w", id, err)
	}
	return c, nil
}

// CanDeleteContact says who may delete a contact: managers and admins.
func CanDeleteContact(actor staff.User) bool { return actor.CanManage() }

// DeleteContact soft-deletes a contact; those CanDeleteContact names may.
func (s *Service) DeleteContact(ctx context.Context, actor staff.User, id int64) error {
	if !CanDeleteContact(actor) {
		return fault.Forbidden("only managers and admins delete contacts")
	}
	now := s.now().UTC()
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := loadContact(tx, id)
		if err != nil {
			return err
		}
		if _, err := loadWritable(tx, c.AccountID); err != nil {
			return err
		}
		if err := readable(tx, actor, c.AccountID); err != nil {
			return err
		}
		if err := tx.Model(&c).Update("deleted_at", now).Error; err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "contact.delete",
			Entity: "contact", EntityID: id, AccountID: &c.AccountID}, c, nil); err != nil {
			return err
		}
		return s.changed(ctx, tx, c.AccountID)
	})
	if err != nil {
		return fmt.Errorf("delete contact %d: %w", id, err)
	}
	return nil
}

// loadContact reads a live contact of a live account.
func loadContact(tx *gorm.DB, id int64) (Contact, error) {
	var c Contact
	err := tx.Take(&c, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Contact{}, fault.NotFound("contact", id)
	}
	if err != nil {
		return Contact{}, err
	}
	if _, err := loadAccount(tx, c.AccountID); err != nil {
		return Contact{}, fault.NotFound("contact", id)
	}
	return c, nil
}

// onlySet keeps the problems of the fields a patch sets: a value stored before today's
// rules must not block a change of another field.
func onlySet(err error, p ContactPatch) error {
	e, ok := fault.As(err)
	if !ok || e.Kind != fault.KindInvalid {
		return err
	}
	set := map[string]bool{"name": p.Name.Set, "title": p.Title.Set, "email": p.Email.Set, "phone": p.Phone.Set}
	bad := fault.Collect{}
	for k, v := range e.Fields {
		if set[k] {
			bad.Add(k, v)
		}
	}
	return bad.Err()
}

func setString(dst *string, f opt.Field[string]) {
	if f.Set {
		*dst = f.Value
	}
}

// Contact returns one live contact.
func (s *Service) Contact(ctx context.Context, id int64) (Contact, error) {
	return loadContact(s.db.Read.WithContext(ctx), id)
}

// ContactFor returns one live contact for actor to edit: refused during their notice
// period when its account is outside their own book.
func (s *Service) ContactFor(ctx context.Context, actor staff.User, id int64) (Contact, error) {
	db := s.db.Read.WithContext(ctx)
	c, err := loadContact(db, id)
	if err == nil {
		err = readable(db, actor, c.AccountID)
	}
	return c, err
}
