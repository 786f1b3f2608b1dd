package accounts

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/audit"
	"keyhold/internal/dedupe"
	"keyhold/internal/fault"
	"keyhold/internal/money"
	"keyhold/internal/outbox"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

// BookKeys are the live accounts as the duplicate rules see them: by name key, and by
// their contacts' e-mail and phone keys (dedupe).
type BookKeys struct {
	names          keyIndex[int64]
	emails, phones keyIndex[ContactKey]
	live           map[int64]string // account → name
	churned        map[int64]bool   // the live accounts lost: read-only until won back
}

// ContactKey is a contact as the duplicate rules find it.
type ContactKey struct {
	ID        int64 `json:"contact_id"`
	AccountID int64 `json:"account_id"`
}

// Named returns the live accounts whose name has the key (dedupe.NameKey).
func (k BookKeys) Named(key string) []int64 { return k.names.get(key) }

// WithEmail returns the contacts whose e-mail address has the key (dedupe.EmailKey).
func (k BookKeys) WithEmail(key string) []ContactKey { return k.emails.get(key) }

// WithPhone returns the contacts whose phone number has the key (dedupe.PhoneKey).
func (k BookKeys) WithPhone(key string) []ContactKey { return k.phones.get(key) }

// Live reports whether id is a live account.
func (k BookKeys) Live(id int64) bool { _, ok := k.live[id]; return ok }

// Churned reports whether id is a live account lost.
func (k BookKeys) Churned(id int64) bool { return k.churned[id] }

// Keys reads the live accounts' keys, for an import's duplicate checks.
func (s *Service) Keys(ctx context.Context) (BookKeys, error) {
	v, err := s.db.Versions(ctx)
	if err != nil {
		return BookKeys{}, err
	}
	return s.bookKeys(ctx, v.Changes)
}

// bookKeys reads the keys of the accounts live as of change seq or later.
func (s *Service) bookKeys(ctx context.Context, seq int64) (BookKeys, error) {
	c, done, err := s.catalogAt(ctx, seq)
	if err != nil {
		return BookKeys{}, err
	}
	k := BookKeys{live: make(map[int64]string, len(c.byID)), churned: map[int64]bool{}}
	for id, e := range c.byID {
		k.live[id] = e.name
		if e.status == StatusChurned {
			k.churned[id] = true
		}
	}
	done() // not held while the contacts are read
	k.names = newKeyIndex[int64](len(k.live))
	for id, name := range k.live {
		if key := s.nameKey(name); key != "" {
			k.names.add(key, id)
		}
	}
	k.emails, k.phones = newKeyIndex[ContactKey](0), newKeyIndex[ContactKey](0)
	rows, err := s.db.Read.WithContext(ctx).Raw(`SELECT id, account_id, email, phone FROM contacts
		WHERE deleted_at IS NULL AND (email <> '' OR phone <> '') ORDER BY id`).Rows()
	if err != nil {
		return BookKeys{}, fmt.Errorf("contact keys: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c ContactKey
		var email, phone string
		if err := rows.Scan(&c.ID, &c.AccountID, &email, &phone); err != nil {
			return BookKeys{}, fmt.Errorf("contact keys: %w", err)
		}
		if _, ok := k.live[c.AccountID]; !ok {
			continue
		}
		if key := dedupe.EmailKey(email); key != "" {
			k.emails.add(key, c)
		}
		if key := dedupe.PhoneKey(phone); key != "" {
			k.phones.add(key, c)
		}
	}
	return k, rows.Err()
}

// ImportRow is one account an import writes: a new one (New, validated) or a change to
// account ID (Patch), and perhaps a contact to add to it (Contact, checked; on a change,
// ContactID names an existing contact to update instead).
type ImportRow struct {
	New       *NewAccount
	ID        int64
	Patch     Patch
	Contact   *ContactInput
	ContactID int64
}

// ImportResult is what an import row wrote: the account, and the contact if any;
// Before and ContactBefore hold what an update changed, for undoing it.
type ImportResult struct {
	AccountID     int64
	ContactID     int64
	Before        *Account
	ContactBefore *Contact
}

// ErrImportForbidden refuses an import to anyone but managers and admins.
var ErrImportForbidden = fault.Forbidden("only managers and admins import")

// ImportContactsTx writes an import's contacts inside tx: rows name the account (ID) and
// the contact (Contact; ContactID for an update of an existing one).
func (s *Service) ImportContactsTx(ctx context.Context, tx *gorm.DB, actor staff.User, now time.Time, rows []ImportRow) ([]ImportResult, error) {
	if !actor.CanManage() {
		return nil, ErrImportForbidden
	}
	out := make([]ImportResult, len(rows))
	ids := make([]int64, 0, len(rows))
	for i, r := range rows {
		out[i].AccountID = r.ID
		ids = append(ids, r.ID)
	}
	live, err := LiveIDs(tx, ids)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if !live[id] {
			return nil, fault.NotFound("account", id)
		}
	}
	if err := s.importContacts(ctx, tx, rows, out, now); err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return out, s.changed(ctx, tx, slices.Compact(ids)...)
}

// ImportTx writes an import's accounts inside tx: the new ones a few hundred per
// statement, each with its owner as its team and audited as created by the import
// (reason), the changes one by one, checked as Update checks them; now is the time
// every row written carries, so that an undo can tell what has changed since. Every account written
// is rescored with the transaction (the change hook). Managers and admins.
func (s *Service) ImportTx(ctx context.Context, tx *gorm.DB, actor staff.User, now time.Time, rows []ImportRow, reason string) ([]ImportResult, error) {
	if !actor.CanManage() {
		return nil, ErrImportForbidden
	}
	out := make([]ImportResult, len(rows))
	var created []Account
	var createdAt []int // row of each created account
	owners, currencies := []int64{}, []string{}
	for i, r := range rows {
		if r.New == nil {
			continue
		}
		in := r.New
		a := Account{Name: in.Name, Tier: in.Tier, Status: StatusActive, Industry: in.Industry, Region: in.Region,
			Channel: in.Channel, Size: in.Size, AnnualValue: in.AnnualValue, Currency: in.Currency, CustomerSince: in.CustomerSince,
			CadenceOverride: in.CadenceDays, OwnerID: in.OwnerID, CreatedAt: now, UpdatedAt: now}
		if in.RenewalDate != "" {
			d := in.RenewalDate
			a.RenewalDate = &d
		}
		created = append(created, a)
		createdAt = append(createdAt, i)
		owners = append(owners, in.OwnerID)
		currencies = append(currencies, in.Currency)
	}
	if err := activeUsers(tx, "owner", owners); err != nil {
		return nil, err
	}
	slices.Sort(currencies)
	for _, c := range slices.Compact(currencies) {
		if err := money.Priced(tx, c); err != nil {
			return nil, err
		}
	}
	newIDs, err := store.InsertMany(ctx, tx, "accounts", []string{"name", "tier", "status", "industry", "region", "channel",
		"size", "annual_value", "currency", "customer_since", "renewal_date", "cadence_days", "owner_id", "created_at", "updated_at"},
		len(created), func(i int, args []any) []any {
			a := &created[i]
			return append(args, a.Name, string(a.Tier), a.Status, a.Industry, a.Region, a.Channel, string(a.Size), a.AnnualValue,
				a.Currency, a.CustomerSince, a.RenewalDate, a.CadenceOverride, a.OwnerID, now, now)
		}, true)
	if err != nil {
		return nil, err
	}
	for i, id := range newIDs {
		created[i].ID = id
	}
	team := make([]TeamMember, len(created))
	var log audit.Batch
	events := make([]outbox.AccountData, len(created))
	ids := make([]int64, 0, len(rows)) // the accounts written, to rescore
	for j, a := range created {
		out[createdAt[j]].AccountID = a.ID
		team[j] = TeamMember{AccountID: a.ID, UserID: a.OwnerID, Role: RoleOwner, Since: now}
		if err := log.Add(ctx, audit.Entry{At: now, ActorID: &actor.ID, Action: ActionCreated, Entity: "account",
			EntityID: a.ID, AccountID: &created[j].ID, ToUserID: &created[j].OwnerID, Role: string(RoleOwner), Reason: reason}, nil, nil); err != nil {
			return nil, err
		}
		events[j] = outbox.AccountData{Account: a}
		ids = append(ids, a.ID)
	}
	if _, err := store.InsertMany(ctx, tx, "account_team", []string{"account_id", "user_id", "role", "since"}, len(team),
		func(i int, args []any) []any {
			return append(args, team[i].AccountID, team[i].UserID, string(team[i].Role), team[i].Since)
		}, false); err != nil {
		return nil, err
	}
	if err := s.importUpdates(ctx, tx, actor, rows, out, &log, now, reason); err != nil {
		return nil, err
	}
	if err := s.importContacts(ctx, tx, rows, out, now); err != nil {
		return nil, err
	}
	if err := log.Write(ctx, tx); err != nil {
		return nil, err
	}
	if err := outbox.RecordAll(ctx, tx, outbox.AccountCreated, now, events); err != nil {
		return nil, err
	}
	for _, r := range out {
		if r.Before != nil || r.ContactID != 0 {
			ids = append(ids, r.AccountID)
		}
	}
	return out, s.changed(ctx, tx, ids...)
}

// importUpdates applies the rows that change existing accounts.
func (s *Service) importUpdates(ctx context.Context, tx *gorm.DB, actor staff.User, rows []ImportRow, out []ImportResult,
	log *audit.Batch, now time.Time, reason string) error {
	var c *cadence
	day := today(now)
	for i, r := range rows {
		if r.New != nil || r.ID == 0 {
			continue
		}
		a, err := loadWritable(tx, r.ID)
		if err != nil {
			return fmt.Errorf("account %d: %w", r.ID, err)
		}
		before := a
		if err := r.Patch.apply(&a, day); err != nil {
			return err
		}
		if a.Currency != before.Currency {
			if err := money.Priced(tx, a.Currency); err != nil {
				return err
			}
		}
		if c == nil {
			cc, err := loadCadence(tx)
			if err != nil {
				return err
			}
			c = &cc
		}
		a.NextContactDue = DueAfter(a.LastContactedAt, a.effectiveCadence(*c))
		a.UpdatedAt = now
		if err := tx.Model(&a).Select("name", "tier", "industry", "region", "channel", "size", "annual_value", "currency",
			"customer_since", "renewal_date", "cadence_days", "next_contact_due", "updated_at").UpdateColumns(&a).Error; err != nil {
			return err
		}
		if err := log.Add(ctx, audit.Entry{At: now, ActorID: &actor.ID, Action: "account.update", Entity: "account",
			EntityID: a.ID, AccountID: &a.ID, Reason: reason}, before, a); err != nil {
			return err
		}
		out[i].AccountID, out[i].Before = a.ID, &before
	}
	return nil
}

// importContacts adds the rows' contacts to their accounts, or updates the contact a row
// names.
func (s *Service) importContacts(ctx context.Context, tx *gorm.DB, rows []ImportRow, out []ImportResult, now time.Time) error {
	var fresh []Contact
	var at []int
	for i, r := range rows {
		if r.Contact == nil || out[i].AccountID == 0 {
			continue
		}
		in := r.Contact
		if r.ContactID != 0 {
			var c Contact
			if err := tx.Where("account_id = ?", out[i].AccountID).Take(&c, r.ContactID).Error; err != nil {
				return fmt.Errorf("contact %d: %w", r.ContactID, err)
			}
			before := c
			c.Name, c.Title, c.Email, c.Phone, c.DecisionMaker, c.UpdatedAt = in.Name, in.Title, in.Email, in.Phone, in.DecisionMaker, now
			if err := tx.Model(&c).Select("name", "title", "email", "phone", "decision_maker", "updated_at").UpdateColumns(&c).Error; err != nil {
				return err
			}
			out[i].ContactID, out[i].ContactBefore = c.ID, &before
			continue
		}
		fresh = append(fresh, Contact{AccountID: out[i].AccountID, Name: in.Name, Title: in.Title, Email: in.Email,
			Phone: in.Phone, DecisionMaker: in.DecisionMaker, CreatedAt: now, UpdatedAt: now})
		at = append(at, i)
	}
	ids, err := store.InsertMany(ctx, tx, "contacts", []string{"account_id", "name", "title", "email", "phone",
		"decision_maker", "created_at", "updated_at"}, len(fresh), func(i int, args []any) []any {
		c := &fresh[i]
		return append(args, c.AccountID, c.Name, c.Title, c.Email, c.Phone, c.DecisionMaker, now, now)
	}, true)
	if err != nil {
		return err
	}
	for j, id := range ids {
		out[at[j]].ContactID = id
	}
	return nil
}

// Validate checks a contact's fields as AddContact does, trimming them.
func (in *ContactInput) Validate() error { return in.check() }

// LiveIDs returns which of ids are live accounts, inside tx.
func LiveIDs(tx *gorm.DB, ids []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(ids))
	for chunk := range slices.Chunk(ids, 1000) {
		var found []int64
		if err := tx.Model(&Account{}).Where(store.InIDs("id", chunk)).Pluck("id", &found).Error; err != nil {
			return nil, err
		}
		for _, id := range found {
			out[id] = true
		}
	}
	return out, nil
}

// RestoreTx puts an account's details back as they were in before (an import's undo),
// inside tx; its next contact is due by its cadence from its last contact as it is now.
func RestoreTx(tx *gorm.DB, before Account, now time.Time) error {
	var a Account
	if err := tx.Take(&a, before.ID).Error; err != nil {
		return err
	}
	a.Name, a.Tier, a.Industry, a.Region, a.Channel, a.Size = before.Name, before.Tier, before.Industry, before.Region, before.Channel, before.Size
	a.AnnualValue, a.Currency, a.CustomerSince = before.AnnualValue, before.Currency, before.CustomerSince
	a.RenewalDate, a.CadenceOverride = before.RenewalDate, before.CadenceOverride
	c, err := loadCadence(tx)
	if err != nil {
		return err
	}
	a.NextContactDue = DueAfter(a.LastContactedAt, a.effectiveCadence(c))
	a.UpdatedAt = now
	return tx.Model(&a).Select("name", "tier", "industry", "region", "channel", "size", "annual_value", "currency",
		"customer_since", "renewal_date", "cadence_days", "next_contact_due", "updated_at").UpdateColumns(&a).Error
}
