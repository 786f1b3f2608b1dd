package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/fault"
	"keyhold/internal/store"
)

const homeListSize = 20

type homeView struct {
	Heading      string
	Overdue      []accounts.Account
	OverdueTotal int64
	OverdueLink  string
	DueSoon      []accounts.Account
}

// homePage: a rep sees their own accounts that are overdue or due this week; a manager
// sees the overdue key accounts across the teams.
func (s *server) homePage(c *gin.Context) {
	u := currentUser(c)
	ctx := c.Request.Context()
	week := s.Now().UTC().AddDate(0, 0, 7)
	page := store.Page{Number: 1, Size: homeListSize}
	overdue := accounts.Filter{OwnerID: u.ID, Overdue: true, Sort: "next_contact_due", Page: page}
	soon := accounts.Filter{OwnerID: u.ID, DueBy: &week, Sort: "next_contact_due", Page: page}
	v := homeView{Heading: "My accounts", OverdueLink: fmt.Sprintf("/accounts?overdue=true&owner_id=%d", u.ID)}
	if u.CanManage() {
		overdue = accounts.Filter{Tier: accounts.TierKey, Overdue: true, Sort: "next_contact_due", Page: page}
		soon = accounts.Filter{Tier: accounts.TierKey, DueBy: &week, Sort: "next_contact_due", Page: page}
		v = homeView{Heading: "Key accounts across the teams", OverdueLink: "/accounts?overdue=true&tier=key"}
	}
	var err error
	if v.Overdue, v.OverdueTotal, err = s.Accounts.List(ctx, overdue); err != nil {
		s.pageError(c, err)
		return
	}
	if v.DueSoon, _, err = s.Accounts.List(ctx, soon); err != nil {
		s.pageError(c, err)
		return
	}
	s.render(c, "home", pageData{Title: "Home", Nav: "home", Data: v})
}

type accountsView struct {
	Filter           accounts.Filter
	Tiers            []accounts.Tier
	Accounts         []accounts.Account
	Total            int64
	Page, Pages      int
	PrevURL, NextURL string
}

func (s *server) accountsPage(c *gin.Context) {
	q := newQuery(c)
	f := accounts.Filter{Q: strings.TrimSpace(q.str("q")), Tier: accounts.Tier(q.str("tier")), Status: q.str("status"),
		OwnerID: q.int64("owner_id"), MemberID: q.int64("member_id"), Industry: q.str("industry"),
		Region: q.str("region"), Overdue: q.boolean("overdue"), Sort: q.str("sort"), Page: q.page()}
	f.Page = f.Page.Normalized()
	if err := q.bad.Err(); err != nil {
		s.pageError(c, err)
		return
	}
	list, total, err := s.Accounts.List(c.Request.Context(), f)
	if err != nil {
		s.pageError(c, err)
		return
	}
	v := accountsView{Filter: f, Tiers: accounts.Tiers, Accounts: list, Total: total, Page: f.Page.Number,
		Pages: int((total + int64(f.Page.Size) - 1) / int64(f.Page.Size))}
	if v.Pages == 0 {
		v.Pages = 1
	}
	pageURL := func(n int) string {
		vals := c.Request.URL.Query()
		vals.Set("page", strconv.Itoa(n))
		return "/accounts?" + vals.Encode()
	}
	if v.Page > 1 {
		v.PrevURL = pageURL(v.Page - 1)
	}
	if v.Page < v.Pages {
		v.NextURL = pageURL(v.Page + 1)
	}
	s.render(c, "accounts", pageData{Title: "Accounts", Nav: "accounts", Data: v})
}

type newAccountView struct{ Tiers []accounts.Tier }

func (s *server) newAccountPage(c *gin.Context) {
	s.render(c, "account_new", pageData{Title: "New account", Nav: "accounts", Data: newAccountView{accounts.Tiers},
		Form: map[string]string{"tier": string(accounts.TierStandard), "currency": "CNY"}})
}

func (s *server) createAccountSubmit(c *gin.Context) {
	form := formValues(c, "name", "tier", "industry", "region", "annual_value", "currency", "renewal_date")
	in := accounts.NewAccount{Name: form["name"], Tier: accounts.Tier(form["tier"]), Industry: form["industry"],
		Region: form["region"], Currency: form["currency"], RenewalDate: form["renewal_date"]}
	var err error
	if v := strings.TrimSpace(form["annual_value"]); v != "" {
		if in.AnnualValue, err = strconv.ParseInt(strings.ReplaceAll(v, ",", ""), 10, 64); err != nil {
			err = fault.Invalid(fault.Fields{"annual_value": "must be a whole number"})
		}
	}
	var a accounts.Account
	if err == nil {
		a, err = s.Accounts.Create(c.Request.Context(), currentUser(c), in)
	}
	if err != nil {
		fields, msg, ok := formErrors(err)
		if !ok {
			s.pageError(c, err)
			return
		}
		s.renderStatus(c, http.StatusUnprocessableEntity, "account_new", pageData{Title: "New account", Nav: "accounts",
			Data: newAccountView{accounts.Tiers}, Form: form, Errors: fields, Message: msg})
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/accounts/%d", a.ID))
}

type accountView struct {
	Account      accounts.Account
	Contacts     []accounts.Contact
	Interactions []accounts.Interaction
	Kinds        []accounts.Kind
}

func (s *server) accountPage(c *gin.Context) {
	s.showAccount(c, http.StatusOK, pageData{Form: map[string]string{"kind": "call"}})
}

// showAccount renders an account page; d carries the interaction form's input and
// errors when it is shown again after a failed submit.
func (s *server) showAccount(c *gin.Context, status int, d pageData) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.pageError(c, fault.NotFound("account", c.Param("id")))
		return
	}
	ctx := c.Request.Context()
	v := accountView{Kinds: accounts.Kinds}
	if v.Account, err = s.Accounts.Get(ctx, id); err == nil {
		if v.Contacts, err = s.Accounts.Contacts(ctx, id); err == nil {
			v.Interactions, _, err = s.Accounts.Interactions(ctx, id, store.Page{Number: 1, Size: 50})
		}
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	d.Title, d.Nav, d.Data = v.Account.Name, "accounts", v
	s.renderStatus(c, status, "account", d)
}

func (s *server) logInteractionSubmit(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.pageError(c, fault.NotFound("account", c.Param("id")))
		return
	}
	form := formValues(c, "kind", "occurred_at", "summary", "next_step", "next_step_due", "tz_offset")
	in := accounts.NewInteraction{Kind: accounts.Kind(form["kind"]), Summary: form["summary"],
		NextStep: form["next_step"], NextStepDue: form["next_step_due"]}
	for _, v := range c.PostFormArray("contact_ids") {
		if cid, err := strconv.ParseInt(v, 10, 64); err == nil {
			in.ContactIDs = append(in.ContactIDs, cid)
		}
	}
	if form["occurred_at"] != "" {
		at, perr := parseLocalTime(form["occurred_at"], form["tz_offset"])
		if perr != nil {
			err = fault.Invalid(fault.Fields{"occurred_at": "must be a date and time"})
		}
		in.OccurredAt = &at
	}
	if err == nil {
		_, err = s.Accounts.LogInteraction(c.Request.Context(), currentUser(c), id, in)
	}
	if err != nil {
		fields, msg, ok := formErrors(err)
		if !ok {
			s.pageError(c, err)
			return
		}
		s.showAccount(c, http.StatusUnprocessableEntity, pageData{Form: form, Errors: fields, Message: msg})
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/accounts/%d#timeline", id))
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

// formValues reads the named form fields, as typed, for the domain call and to show again.
func formValues(c *gin.Context, names ...string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[n] = c.PostForm(n)
	}
	return m
}
