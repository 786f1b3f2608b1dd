package imports

import (
	"cmp"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"
	"time"

	"keyhold/internal/accounts"
	"keyhold/internal/dedupe"
	"keyhold/internal/fault"
	"keyhold/internal/opt"
	"keyhold/internal/picklists"
	"keyhold/internal/staff"
)

// Outcome is what a row does when the import is committed.
type Outcome string

const (
	Create Outcome = "create"
	Update Outcome = "update"
	Skip   Outcome = "skip"
	Error  Outcome = "error"
)

// RowError is one problem of a row: the field and what is wrong, in English (the pages
// and the API translate it for the reader).
type RowError struct {
	Field   Field  `json:"field"`
	Message string `json:"message"`
}

// Dup is one record a row is likely a duplicate of: an account (by name, or by a
// contact's e-mail or phone), a contact, or an earlier row of the same sheet.
type Dup struct {
	Reason    string `json:"reason"` // name, email or phone
	AccountID int64  `json:"account_id,omitempty"`
	ContactID int64  `json:"contact_id,omitempty"`
	Row       int    `json:"row,omitempty"`
}

// userIndex finds the active staff by e-mail or by name.
type userIndex struct {
	byEmail map[string]int64
	byName  map[string][]int64
}

func newUserIndex(all map[int64]staff.User) userIndex {
	ix := userIndex{byEmail: map[string]int64{}, byName: map[string][]int64{}}
	for _, u := range all {
		if u.Status != staff.StatusActive {
			continue
		}
		ix.byEmail[strings.ToLower(u.Email)] = u.ID
		ix.byName[fold(u.Name)] = append(ix.byName[fold(u.Name)], u.ID)
	}
	return ix
}

// planner gives rows their outcomes against the book as it was read (keys) and the rows
// before them.
type planner struct {
	kind    Kind
	col     map[Field]int // the column of each mapped field
	keys    accounts.BookKeys
	users   userIndex
	actor   staff.User
	now     time.Time
	seen    map[uint64]int // hash of "name:key", "email:key", "phone:key" → the first row with it
	missing []Field        // required fields no column holds
	priced  map[string]bool
	lists   picklists.Set // industries, regions and channels: a label in a sheet becomes its code
}

// Missing lists the fields an import needs that no column holds.
func (imp Import) Missing() []Field {
	return newPlanner(imp.Kind, imp.Mapping, accounts.BookKeys{}, userIndex{}, nil, staff.User{}, time.Time{}).missing
}

func newPlanner(kind Kind, mapping []Field, keys accounts.BookKeys, users userIndex, priced map[string]bool, actor staff.User, now time.Time) *planner {
	p := &planner{kind: kind, col: map[Field]int{}, keys: keys, users: users, priced: priced, actor: actor, now: now, seen: map[uint64]int{}}
	for i, f := range mapping {
		if f != "" {
			p.col[f] = i
		}
	}
	if _, ok := p.col[FieldName]; !ok {
		p.missing = append(p.missing, FieldName)
	}
	if kind == Contacts {
		_, byName := p.col[FieldAccount]
		_, byID := p.col[FieldAccountID]
		if !byName && !byID {
			p.missing = append(p.missing, FieldAccount)
		}
	}
	return p
}

// cell is the row's value for f ("" when no column holds it).
func (p *planner) cell(cells []string, f Field) string {
	i, ok := p.col[f]
	if !ok || i >= len(cells) {
		return ""
	}
	return cells[i]
}

// errs gathers a row's problems, one per field.
type errs []RowError

func (e *errs) add(f Field, msg string) {
	for _, x := range *e {
		if x.Field == f {
			return
		}
	}
	*e = append(*e, RowError{Field: f, Message: msg})
}

func (e *errs) addFault(err error) {
	if fe, ok := fault.As(err); ok && fe.Kind == fault.KindInvalid {
		keys := make([]string, 0, len(fe.Fields))
		for k := range fe.Fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			e.add(Field(k), fe.Fields[k])
		}
		return
	}
	e.add("", err.Error())
}

// accountRow is an account row read: the account as if created, which fields the row
// sets, its id if it names one, and its contact if it has one.
type accountRow struct {
	id      int64
	in      accounts.NewAccount
	set     map[Field]bool
	contact *accounts.ContactInput
}

func (p *planner) readAccount(cells []string, e *errs) accountRow {
	r := accountRow{set: map[Field]bool{}}
	for f, i := range p.col {
		if i < len(cells) && cells[i] != "" {
			r.set[f] = true
		}
	}
	in := &r.in
	in.Name = p.cell(cells, FieldName)
	if v := p.cell(cells, FieldID); v != "" {
		id, err := strconv.ParseInt(strings.TrimPrefix(v, "#"), 10, 64)
		if err != nil || id <= 0 {
			e.add(FieldID, "must be an account number")
		}
		r.id = id
	}
	var ok bool
	if in.Tier, ok = parseTier(p.cell(cells, FieldTier)); !ok {
		e.add(FieldTier, "must be key, growth or standard")
	}
	if v := p.cell(cells, FieldAnnualValue); v != "" {
		if in.AnnualValue, ok = parseMoney(v); !ok {
			e.add(FieldAnnualValue, "must be an amount such as 1200000 or 120万")
		}
	}
	in.Currency = p.cell(cells, FieldCurrency)
	in.Industry, _ = p.lists.Resolve(picklists.Industry, p.cell(cells, FieldIndustry))
	in.Region, _ = p.lists.Resolve(picklists.Region, p.cell(cells, FieldRegion))
	in.Channel, _ = p.lists.Resolve(picklists.Channel, p.cell(cells, FieldChannel))
	if in.Size, ok = parseSize(p.cell(cells, FieldSize)); !ok {
		e.add(FieldSize, "must be large, mid or small")
	}
	for f, to := range map[Field]*string{FieldCustomerSince: &in.CustomerSince, FieldRenewalDate: &in.RenewalDate} {
		if v := p.cell(cells, f); v != "" {
			if *to, ok = parseDate(v); !ok {
				e.add(f, "must be a date such as 2024-03-01")
			}
		}
	}
	if v := p.cell(cells, FieldCadenceDays); v != "" {
		d, err := strconv.Atoi(v)
		if err != nil {
			e.add(FieldCadenceDays, "must be between 1 and 365")
		}
		in.CadenceDays = &d
	}
	if v := p.cell(cells, FieldOwner); v != "" {
		in.OwnerID = p.owner(v, e)
	} else {
		in.OwnerID = p.actor.ID
	}
	if err := in.Validate(p.actor, p.now); err != nil {
		e.addFault(err)
	} else if !p.priced[in.Currency] {
		e.add(FieldCurrency, "has no exchange rate yet; an admin adds it under Currencies first")
	}
	c := accounts.ContactInput{Name: p.cell(cells, FieldContactName), Title: p.cell(cells, FieldContactTitle),
		Phone: p.cell(cells, FieldContactPhone), Email: p.cell(cells, FieldContactEmail)}
	if c != (accounts.ContactInput{}) {
		if err := c.Validate(); err != nil {
			fe, _ := fault.As(err)
			for k, msg := range fe.Fields {
				e.add(Field("contact_"+k), msg)
			}
		}
		r.contact = &c
	}
	return r
}

// owner finds the active staff member a cell names by e-mail or by name.
func (p *planner) owner(v string, e *errs) int64 {
	if id, ok := p.users.byEmail[strings.ToLower(v)]; ok {
		return id
	}
	switch ids := p.users.byName[fold(v)]; len(ids) {
	case 1:
		return ids[0]
	case 0:
		e.add(FieldOwner, "no active staff member has this e-mail address or name")
	default:
		e.add(FieldOwner, "several staff members have this name; give the e-mail address")
	}
	return 0
}

// contactRow is a contact row read: its account (by id or by name), and the contact.
type contactRow struct {
	accountID int64
	in        accounts.ContactInput
}

func (p *planner) readContact(cells []string, e *errs) contactRow {
	var r contactRow
	if v := p.cell(cells, FieldAccountID); v != "" {
		id, err := strconv.ParseInt(strings.TrimPrefix(v, "#"), 10, 64)
		if err != nil || !p.keys.Live(id) {
			e.add(FieldAccountID, "no such account")
		}
		r.accountID = id
		if p.keys.Churned(id) {
			e.add(FieldAccountID, "the account is churned; win it back before changing it")
		}
	} else if v := p.cell(cells, FieldAccount); v != "" {
		switch ids := p.keys.Named(dedupe.NameKey(v)); len(ids) {
		case 1:
			r.accountID = ids[0]
			if p.keys.Churned(ids[0]) {
				e.add(FieldAccount, "the account is churned; win it back before changing it")
			}
		case 0:
			e.add(FieldAccount, "no account has this name")
		default:
			e.add(FieldAccount, "several accounts have this name; give the account id")
		}
	} else {
		e.add(FieldAccount, "is required")
	}
	r.in = accounts.ContactInput{Name: p.cell(cells, FieldName), Title: p.cell(cells, FieldTitle),
		Phone: p.cell(cells, FieldPhone), Email: p.cell(cells, FieldEmail)}
	var ok bool
	if r.in.DecisionMaker, ok = parseBool(p.cell(cells, FieldDecisionMaker)); !ok {
		e.add(FieldDecisionMaker, "must be yes or no")
	}
	if err := r.in.Validate(); err != nil {
		e.addFault(err)
	}
	return r
}

// plan gives one row its outcome, its problems, its duplicates and the record it
// updates.
func (p *planner) plan(r *Row) {
	var e errs
	for _, f := range p.missing {
		e.add(f, "no column holds this field; map one")
	}
	r.Outcome, r.DuplicateOf, r.TargetID = Create, nil, nil
	if p.kind == Contacts {
		p.planContact(r, &e)
	} else {
		p.planAccount(r, &e)
	}
	r.Errors = append([]RowError{}, e...) // stored as [] rather than null
	if r.DuplicateOf == nil {
		r.DuplicateOf = []Dup{}
	}
	if len(e) > 0 {
		r.Outcome, r.TargetID = Error, nil
	}
}

func (p *planner) planAccount(r *Row, e *errs) {
	a := p.readAccount(r.Cells, e)
	if a.id != 0 {
		if !p.keys.Live(a.id) {
			e.add(FieldID, "no such account")
		} else if p.keys.Churned(a.id) {
			e.add(FieldID, "the account is churned; win it back before changing it")
		}
		r.Outcome, r.TargetID = Update, &a.id
		return
	}
	var named, existing []int64 // accounts of the same name; any account the row matches
	if k := dedupe.NameKey(a.in.Name); k != "" {
		for _, id := range p.keys.Named(k) {
			r.DuplicateOf = append(r.DuplicateOf, Dup{Reason: "name", AccountID: id})
			named = append(named, id)
		}
		p.sameRow(r, "name", k)
	}
	existing = append(existing, named...)
	if a.contact != nil {
		for reason, k := range map[string]string{"email": dedupe.EmailKey(a.contact.Email), "phone": dedupe.PhoneKey(a.contact.Phone)} {
			if k == "" {
				continue
			}
			for _, c := range p.contactsBy(reason, k) {
				r.DuplicateOf = append(r.DuplicateOf, Dup{Reason: reason, AccountID: c.AccountID})
				existing = append(existing, c.AccountID)
			}
			p.sameRow(r, reason, k)
		}
	}
	sortDups(r.DuplicateOf)
	slices.Sort(existing)
	existing = slices.Compact(existing)
	if len(existing) == 1 && !p.keys.Churned(existing[0]) {
		r.TargetID = &existing[0] // the one account the row can update
	}
	switch {
	case len(r.DuplicateOf) == 0:
	case len(named) == 1 && r.TargetID != nil:
		// The one account of this name: bring it up to date. Any other likely
		// duplicate (a shared e-mail or phone, an earlier row) waits for the user.
		r.Outcome = Update
	default:
		r.Outcome = Skip
	}
}

func (p *planner) planContact(r *Row, e *errs) {
	c := p.readContact(r.Cells, e)
	var same []int64 // contacts of the row's own account with its e-mail or phone
	for reason, k := range map[string]string{"email": dedupe.EmailKey(c.in.Email), "phone": dedupe.PhoneKey(c.in.Phone)} {
		if k == "" {
			continue
		}
		for _, x := range p.contactsBy(reason, k) {
			r.DuplicateOf = append(r.DuplicateOf, Dup{Reason: reason, AccountID: x.AccountID, ContactID: x.ID})
			if x.AccountID == c.accountID {
				same = append(same, x.ID)
			}
		}
		p.sameRow(r, reason, k)
	}
	sortDups(r.DuplicateOf)
	slices.Sort(same)
	same = slices.Compact(same)
	switch {
	case len(same) == 1: // the account already has this person: bring them up to date
		r.Outcome, r.TargetID = Update, &same[0]
	case slices.ContainsFunc(r.DuplicateOf, func(d Dup) bool { return d.Row != 0 }):
		r.Outcome = Skip // an earlier row brings them in
	}
}

// sameRow notes an earlier row with the same key, or makes this row the first.
func (p *planner) sameRow(r *Row, reason, key string) {
	k := maphash.String(seenSeed, reason+":"+key) // a hash: a sheet's keys kept in little memory
	if first, ok := p.seen[k]; ok {
		r.DuplicateOf = append(r.DuplicateOf, Dup{Reason: reason, Row: first})
		return
	}
	p.seen[k] = r.Line
}

var seenSeed = maphash.MakeSeed()

func (p *planner) contactsBy(reason, key string) []accounts.ContactKey {
	if reason == "email" {
		return p.keys.WithEmail(key)
	}
	return p.keys.WithPhone(key)
}

func sortDups(d []Dup) {
	slices.SortFunc(d, func(a, b Dup) int {
		return cmp.Or(cmp.Compare(a.Row, b.Row), cmp.Compare(a.AccountID, b.AccountID), cmp.Compare(a.ContactID, b.ContactID),
			strings.Compare(a.Reason, b.Reason))
	})
}

// Choices are the outcomes a user may pick for a duplicate row: update (when the row
// found exactly one record to update), skip or create. Rows that are not duplicates, or
// have errors, have none.
func (r Row) Choices() []Outcome {
	if r.Outcome == Error || len(r.DuplicateOf) == 0 {
		return nil
	}
	if r.TargetID != nil {
		return []Outcome{Update, Skip, Create}
	}
	return []Outcome{Skip, Create}
}

// patch is the change an account row makes to an existing account: the fields the row
// sets. The owner is left alone (it moves by transfer); a row matched by its name keeps
// the account's name as it is.
func (a accountRow) patch(byID bool) accounts.Patch {
	var p accounts.Patch
	if byID && a.set[FieldName] {
		p.Name = opt.Of(a.in.Name)
	}
	if a.set[FieldTier] {
		p.Tier = opt.Of(a.in.Tier)
	}
	if a.set[FieldIndustry] {
		p.Industry = opt.Of(a.in.Industry)
	}
	if a.set[FieldRegion] {
		p.Region = opt.Of(a.in.Region)
	}
	if a.set[FieldChannel] {
		p.Channel = opt.Of(a.in.Channel)
	}
	if a.set[FieldSize] {
		p.Size = opt.Of(a.in.Size)
	}
	if a.set[FieldAnnualValue] {
		p.AnnualValue = opt.Of(a.in.AnnualValue)
	}
	if a.set[FieldCurrency] {
		p.Currency = opt.Of(a.in.Currency)
	}
	if a.set[FieldCustomerSince] {
		p.CustomerSince = opt.Of(a.in.CustomerSince)
	}
	if a.set[FieldRenewalDate] {
		p.RenewalDate = opt.Of(a.in.RenewalDate)
	}
	if a.set[FieldCadenceDays] && a.in.CadenceDays != nil {
		p.CadenceDays = opt.Of(*a.in.CadenceDays)
	}
	return p
}
