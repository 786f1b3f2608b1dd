package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/fault"
	"keyhold/internal/opt"
	"keyhold/internal/web/httpkit"
)

// parsed collects the problems of form fields that are not even of the right type, so
// they can be shown together with the domain's own field errors.
type parsed fault.Collect

func (p parsed) int64(form map[string]string, field string) int64 {
	v := strings.ReplaceAll(strings.TrimSpace(form[field]), ",", "")
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		fault.Collect(p).Add(field, "must be a whole number")
	}
	return n
}

// ids reads a list of ids posted under field (checkboxes, a multiple select); an entry
// that is not a whole number is a problem of the field, as in the API.
func (p parsed) ids(c *gin.Context, field string) []int64 {
	var out []int64
	for _, v := range c.PostFormArray(field) {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			fault.Collect(p).Add(field, "must list whole numbers")
			continue
		}
		out = append(out, n)
	}
	return out
}

// merge combines parse problems with a validation error from the domain; parse problems
// win for their fields.
func (p parsed) merge(err error) error {
	if len(p) == 0 {
		return err
	}
	all := fault.Collect{}
	if e, ok := fault.As(err); ok && e.Kind == fault.KindInvalid {
		for k, v := range e.Fields {
			all[k] = v
		}
	}
	for k, v := range p {
		all[k] = v
	}
	return all.Err()
}

type accountFormView struct {
	Editing bool
	Action  string
	Cancel  string
	Tiers   []accounts.Tier
	Sizes   []accounts.Size
	Codes   []string // currencies with a rate, offered for the currency field
}

var accountFields = []string{"name", "tier", "industry", "region", "channel", "size", "annual_value", "currency",
	"customer_since", "renewal_date", "cadence_days", "visit_days"}

func (s accountPages) newAccountPage(c *gin.Context) {
	s.render(c, "account_form", pageData{Nav: "accounts",
		Data: s.withCodes(c, accountFormView{Action: "/accounts", Cancel: "/accounts", Tiers: accounts.Tiers, Sizes: accounts.Sizes}),
		Form: map[string]string{"tier": string(accounts.TierStandard), "currency": "CNY",
			"customer_since": s.Now().UTC().Format(accounts.DateLayout)}})
}

func (s accountPages) createAccountSubmit(c *gin.Context) {
	form := formValues(c, accountFields...)
	p := parsed{}
	in := accounts.NewAccount{Name: form["name"], Tier: accounts.Tier(form["tier"]), Industry: form["industry"],
		Region: form["region"], Channel: form["channel"], Size: accounts.Size(form["size"]), Currency: form["currency"],
		CustomerSince: form["customer_since"], RenewalDate: form["renewal_date"], AnnualValue: p.int64(form, "annual_value")}
	if form["cadence_days"] != "" {
		d := int(p.int64(form, "cadence_days"))
		in.CadenceDays = &d
	}
	if form["visit_days"] != "" {
		d := int(p.int64(form, "visit_days"))
		in.VisitDays = &d
	}
	var a accounts.Account
	err := p.merge(in.Validate(httpkit.CurrentUser(c), s.Now()))
	if err == nil {
		a, err = s.Accounts.Create(c.Request.Context(), httpkit.CurrentUser(c), in)
	}
	if err != nil {
		s.accountFormError(c, accountFormView{Action: "/accounts", Cancel: "/accounts", Tiers: accounts.Tiers, Sizes: accounts.Sizes}, form, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/accounts/%d?done=account_created", a.ID))
}

func (s accountPages) accountFormError(c *gin.Context, v accountFormView, form map[string]string, err error) {
	fields, msg, ok := formErrors(c, err)
	if !ok {
		s.pageError(c, err)
		return
	}
	s.renderStatus(c, http.StatusUnprocessableEntity, "account_form", pageData{Nav: "accounts", Data: s.withCodes(c, v),
		Form: form, Errors: fields, Message: msg})
}

func (s accountPages) editAccountPage(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	a, err := s.Accounts.Get(c.Request.Context(), id)
	if err != nil {
		s.pageError(c, err)
		return
	}
	if !accounts.PermissionsOf(httpkit.CurrentUser(c), a).Edit {
		s.pageError(c, accounts.ErrCannotEdit)
		return
	}
	form := map[string]string{"name": a.Name, "tier": string(a.Tier), "industry": a.Industry, "region": a.Region,
		"channel": a.Channel, "size": string(a.Size), "annual_value": strconv.FormatInt(a.AnnualValue, 10), "currency": a.Currency,
		"customer_since": a.CustomerSince}
	if a.RenewalDate != nil {
		form["renewal_date"] = *a.RenewalDate
	}
	if a.CadenceOverride != nil {
		form["cadence_days"] = strconv.Itoa(*a.CadenceOverride)
	}
	if a.VisitOverride != nil {
		form["visit_days"] = strconv.Itoa(*a.VisitOverride)
	}
	s.render(c, "account_form", pageData{Nav: "accounts", Data: s.withCodes(c, editAccountView(id)), Form: form})
}

// withCodes adds the currencies to offer (none, if they cannot be read: the field still
// takes a code, and the domain refuses one without a rate).
func (s accountPages) withCodes(c *gin.Context, v accountFormView) accountFormView {
	if rates, err := s.Money.Rates(c.Request.Context()); err == nil {
		v.Codes = rates.Codes()
	}
	return v
}

func editAccountView(id int64) accountFormView {
	return accountFormView{Editing: true, Action: fmt.Sprintf("/accounts/%d", id), Cancel: fmt.Sprintf("/accounts/%d", id), Tiers: accounts.Tiers, Sizes: accounts.Sizes}
}

func (s accountPages) editAccountSubmit(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.pageError(c, fault.NotFound("account", c.Param("id")))
		return
	}
	form := formValues(c, accountFields...)
	p := parsed{}
	patch := accounts.Patch{Name: opt.Of(form["name"]), Tier: opt.Of(accounts.Tier(form["tier"])),
		Industry: opt.Of(form["industry"]), Region: opt.Of(form["region"]), Channel: opt.Of(form["channel"]),
		Size:        opt.Of(accounts.Size(form["size"])),
		AnnualValue: opt.Of(p.int64(form, "annual_value")), Currency: opt.Of(form["currency"]),
		CustomerSince: opt.Of(form["customer_since"]), RenewalDate: opt.Of(form["renewal_date"]),
		CadenceDays: opt.Of(int(p.int64(form, "cadence_days"))), VisitDays: opt.Of(int(p.int64(form, "visit_days")))}
	if len(p) > 0 {
		err = p.merge(nil)
	} else {
		_, err = s.Accounts.Update(c.Request.Context(), httpkit.CurrentUser(c), id, patch)
	}
	if err != nil {
		s.accountFormError(c, editAccountView(id), form, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/accounts/%d?done=account_saved", id))
}

// logInteractionSubmit logs from the account page (accountAction answers).
func (s accountPages) logInteractionSubmit(c *gin.Context) {
	form := formValues(c, "kind", "occurred_at", "summary", "next_step", "next_step_due", "tz_offset")
	p := parsed{}
	in := accounts.NewInteraction{Kind: accounts.Kind(form["kind"]), Summary: form["summary"],
		NextStep: form["next_step"], NextStepDue: form["next_step_due"]}
	in.ContactIDs = p.ids(c, "contact_ids")
	if form["occurred_at"] != "" {
		if at, err := parseLocalTime(form["occurred_at"], form["tz_offset"]); err != nil {
			fault.Collect(p).Add("occurred_at", "must be a date and time")
		} else {
			in.OccurredAt = &at
		}
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.pageError(c, fault.NotFound("account", c.Param("id")))
		return
	}
	err = p.merge(in.Validate(s.Now()))
	if err == nil {
		_, err = s.Accounts.LogInteraction(c.Request.Context(), httpkit.CurrentUser(c), id, in)
	}
	s.accountAction(c, form, err, "interaction_logged")
}

// parseLocalTime reads a datetime-local value typed in the browser's time zone, given as
// the browser's getTimezoneOffset() minutes (UTC when missing).
func parseLocalTime(value, offsetMinutes string) (time.Time, error) {
	off, _ := strconv.Atoi(offsetMinutes)
	if off < -14*60 || off > 14*60 {
		off = 0
	}
	zone := time.FixedZone("browser", -off*60)
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, value, zone); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q", value)
}
