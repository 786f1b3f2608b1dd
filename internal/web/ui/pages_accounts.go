package ui

import (
	"errors"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/fault"
	"keyhold/internal/handover"
	"keyhold/internal/health"
	"keyhold/internal/i18n"
	"keyhold/internal/retention"
	"keyhold/internal/staff"
	"keyhold/internal/store"
	"keyhold/internal/web/httpkit"
)

const homeListSize = 20

// homeData is what the home page loads: a manager's team and overdue key accounts, or a
// rep's own book; for everyone, the accounts handed to them and their own open handover.
type homeData struct {
	Team         []accounts.OwnerLoad // a manager's people; nil for a rep
	Overdue      []accounts.Account
	OverdueTotal int64
	DueSoon      []accounts.Account
	Mine         []accounts.Account
	MineTotal    int64
	Flags        flagTable // a rep's own flagged accounts, worst first
	FlagsTotal   int64
	Renewals     []accounts.Renewal
	Visits       []accounts.Visit // visits overdue or due this week, by the visit cadence: the first homeListSize
	VisitsTotal  int
	Complaints   []retention.Complaint
	MyHandover   *handover.Handover  // the person leaving: their open handover
	Inbox        []handover.Received // every account handed to this person, most urgent first
	Campaigns    []leaderCampaign    // the reader's campaigns that have not ended, as their leader
}

// homeView is the home page: what was loaded, the links to the whole lists, and the
// accounts handed to the reader cut to what the page shows.
type homeView struct {
	homeData
	OverdueLink string
	MineLink    string
	InboxFirst  []handover.Received // the most urgent, shown open
	InboxRest   []handover.Received // the others, behind "show more" (the agenda follows below)
	InboxTotal  int
}

// homeViewOf builds the home page for u from what was loaded.
func homeViewOf(u staff.User, d homeData) homeView {
	v := homeView{homeData: d, InboxTotal: len(d.Inbox)}
	if u.CanManage() {
		v.OverdueLink = "/accounts?overdue=true&tier=key&sort=next_contact_due"
	} else {
		v.OverdueLink = fmt.Sprintf("/accounts?overdue=true&owner_id=%d&sort=next_contact_due", u.ID)
		v.MineLink = fmt.Sprintf("/accounts?owner_id=%d&sort=next_contact_due", u.ID)
	}
	v.Inbox = d.Inbox[:min(len(d.Inbox), homeInboxSize)]
	v.InboxFirst, v.InboxRest = v.Inbox[:min(len(v.Inbox), homeInboxOpen)], v.Inbox[min(len(v.Inbox), homeInboxOpen):]
	return v
}

// homeInboxSize bounds the accounts "Handed to you" shows on the home page (the most
// urgent first); GET /api/v1/me/inherited answers them all.
const homeInboxSize = 50

// homeInboxOpen is how many of them show before "show more": a successor of forty
// accounts must still see their overdue contacts without scrolling past all forty.
const homeInboxOpen = 10

// homePage: a rep sees their own accounts by next contact due — overdue, due this week,
// then the whole book; a manager sees their team's load and the overdue key accounts.
func (s accountPages) homePage(c *gin.Context) {
	d, err := s.loadHome(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.render(c, "home", pageData{Nav: "home", Data: homeViewOf(httpkit.CurrentUser(c), d)})
}

func (s accountPages) loadHome(c *gin.Context) (homeData, error) {
	u := httpkit.CurrentUser(c)
	ctx := c.Request.Context()
	page := store.Page{Number: 1, Size: homeListSize}
	var d homeData
	var err error
	if u.Status == staff.StatusLeaving {
		if d.MyHandover, err = s.myHandover(c); err != nil {
			return d, err
		}
	}
	if d.Inbox, err = s.Handover.Inbox(ctx, u); err != nil {
		return d, err
	}
	tasks, err := s.Campaigns.Mine(ctx, u)
	if err != nil {
		return d, err
	}
	d.Campaigns = leaderCampaigns(s.Campaigns.Today(), tasks)
	if u.CanManage() {
		managerID := u.ID
		if u.IsAdmin() {
			managerID = 0 // an admin sees every rep
		}
		if d.Team, err = s.Accounts.TeamOverview(ctx, managerID); err != nil {
			return d, err
		}
		d.Overdue, d.OverdueTotal, err = s.Accounts.List(ctx, accounts.Filter{Tier: accounts.TierKey,
			Status: accounts.StatusActive, Overdue: true, Sort: "next_contact_due", Page: page}.For(u))
		return d, err
	}
	week := s.Now().UTC().AddDate(0, 0, 7)
	mine := func(f accounts.Filter) accounts.Filter {
		f.OwnerID, f.Sort, f.Page = u.ID, "next_contact_due", page
		return f
	}
	if d.Overdue, d.OverdueTotal, err = s.Accounts.List(ctx, mine(accounts.Filter{Overdue: true})); err != nil {
		return d, err
	}
	if d.DueSoon, _, err = s.Accounts.List(ctx, mine(accounts.Filter{DueBy: &week})); err != nil {
		return d, err
	}
	if d.Mine, d.MineTotal, err = s.Accounts.List(ctx, mine(accounts.Filter{Status: accounts.StatusActive})); err != nil {
		return d, err
	}
	if d.Visits, err = s.Accounts.VisitsDue(ctx, u.ID); err != nil {
		return d, err
	}
	d.VisitsTotal, d.Visits = len(d.Visits), d.Visits[:min(len(d.Visits), homeListSize)]
	if d.Renewals, err = s.Accounts.Renewals(ctx, u.ID); err != nil {
		return d, err
	}
	if d.Complaints, err = s.Retention.OpenComplaintsOf(ctx, u.ID); err != nil {
		return d, err
	}
	flags, total, err := s.Health.Flags(ctx, s.Accounts, health.FlagFilter{OwnerID: u.ID, Page: page})
	if err != nil {
		return d, err
	}
	d.FlagsTotal = total
	d.Flags, err = s.flagRows(c, flags)
	return d, err
}

// accountsData is what the accounts list loads: one page of the filtered list, the staff
// to filter by owner and the industries and regions to choose from.
type accountsData struct {
	Filter   accounts.Filter
	Mine     bool // the list keeps to the reader's own accounts (scope=mine)
	Accounts []accounts.Account
	Total    int64
	Owners   picker
	Facets   accounts.Facets
}

type accountsView struct {
	accountsData
	Tiers    []accounts.Tier
	Statuses []string
	Sorts    []string
	// ExportQuery is the list's filters, for the download links (without the page).
	ExportQuery template.URL
	// MineURL and AllURL are the list with the same filters, of the reader's own accounts
	// and of everyone's.
	MineURL, AllURL string
	paging
}

// accountsViewOf builds the accounts list at address at from what was loaded.
func accountsViewOf(at *url.URL, d accountsData) accountsView {
	q := at.Query()
	q.Del("page")
	q.Del("per_page")
	scoped := func(scope string) string {
		v := maps.Clone(q)
		v.Set("scope", scope)
		return at.Path + "?" + v.Encode()
	}
	export := maps.Clone(q)
	if d.Mine { // the download holds what the list shows
		export.Set("member_id", strconv.FormatInt(d.Filter.MemberID, 10))
	}
	return accountsView{accountsData: d, Tiers: accounts.Tiers, Statuses: []string{accounts.StatusActive, accounts.StatusChurned},
		Sorts: accounts.Sorts, ExportQuery: template.URL(export.Encode()), MineURL: scoped("mine"), AllURL: scoped("all"),
		paging: pagingOf(at, d.Filter.Page, d.Total)}
}

// accountsFilterOf reads the list's filter from the query: by name unless sorted otherwise.
func accountsFilterOf(q *httpkit.Query) accounts.Filter {
	f := accounts.Filter{Q: strings.TrimSpace(q.Str("q")), Tier: accounts.Tier(q.Str("tier")), Status: q.Str("status"),
		OwnerID: q.Int64("owner_id"), MemberID: q.Int64("member_id"), Industry: q.Str("industry"),
		Region: q.Str("region"), Overdue: q.Bool("overdue"), Sort: q.Str("sort"), Page: q.Page()}
	if f.Sort == "" {
		f.Sort = "name"
	}
	f.Page = f.Page.Normalized()
	return f
}

func (s accountPages) accountsPage(c *gin.Context) {
	q := httpkit.NewQuery(c)
	actor := httpkit.CurrentUser(c)
	d := accountsData{Filter: accountsFilterOf(q).For(actor)}
	// A rep starts with their own accounts (those whose team they are on), one click from
	// everyone's; managers start with everyone's.
	scope := c.Query("scope")
	if scope == "" && !actor.CanManage() && d.Filter.MemberID == 0 && d.Filter.OwnerID == 0 {
		scope = "mine"
	}
	if scope == "mine" {
		d.Filter.MemberID, d.Mine = actor.ID, true
	}
	err := q.Err()
	ctx := c.Request.Context()
	if err == nil {
		d.Accounts, d.Total, err = s.Accounts.List(ctx, d.Filter)
	}
	if err == nil {
		d.Owners, err = s.staffPicker(c)
	}
	if err == nil {
		d.Facets, err = s.Accounts.Facets(ctx)
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.render(c, "accounts", pageData{Nav: "accounts", Data: accountsViewOf(c.Request.URL, d)})
}

// paging is a list's place among its pages, with links to the pages either side.
type paging struct {
	Page, Pages      int
	PrevURL, NextURL string
}

// pagingOf works out the page links of a list at address at, keeping its query.
func pagingOf(at *url.URL, p store.Page, total int64) paging {
	g := paging{Page: p.Number, Pages: int((total + int64(p.Size) - 1) / int64(p.Size))}
	if g.Pages == 0 {
		g.Pages = 1
	}
	link := func(n int) string {
		vals := at.Query()
		vals.Set("page", strconv.Itoa(n))
		return at.Path + "?" + vals.Encode()
	}
	if p.Number > 1 {
		g.PrevURL = link(p.Number - 1)
	}
	if p.Number < g.Pages {
		g.NextURL = link(p.Number + 1)
	}
	return g
}

// accountData is what the account page loads.
type accountData struct {
	Account          accounts.Account
	Health           *health.Report // nil for a churned account
	Contacts         []accounts.Contact
	Interactions     []accounts.Interaction // the latest 50
	InteractionTotal int64
	History          []accounts.HistoryEntry
	Complaints       []retention.Complaint
	Losses           []retention.ChurnRecord
	Staff            picker
	DaysOverdue      int // whole days past the contact due date
}

type accountView struct {
	accountData
	Breakdown      []deduction   // the health's deductions in words
	Remedy         *remedyLink   // the action that lifts it most, among those the reader may take
	Status         health.Status // the one state the heading shows
	NeverContacted bool          // no contact interaction ever (notes do not count)
	Perms          accounts.Permissions
	CanChurn       bool // the owner, managers and admins record a loss
	ShowLosses     bool // the losses section has something to show: a loss, or a form
	Kinds          []accounts.Kind
	TeamRoles      []accounts.TeamRole
	Reasons        []string
	Severities     []string
}

// memberRoles are the roles a person is added to a team in (the owner comes by transfer).
var memberRoles = []accounts.TeamRole{accounts.RoleBackup, accounts.RoleExecutiveSponsor, accounts.RoleSupport}

// accountViewOf builds the account page for u, in language l, from what was loaded: what
// u may do there and the health's reasons in words.
func accountViewOf(u staff.User, l i18n.Lang, d accountData) accountView {
	v := accountView{accountData: d, Perms: accounts.PermissionsOf(u, d.Account),
		CanChurn: retention.CanRecordChurn(u, d.Account), Kinds: accounts.Kinds,
		TeamRoles: memberRoles,
		Reasons:   retention.Reasons, Severities: retention.Severities}
	v.ShowLosses = len(d.Losses) > 0 || v.CanChurn || d.Account.Status == accounts.StatusChurned
	v.NeverContacted = d.Account.LastContactedAt == nil
	if h := d.Health; h != nil {
		v.Breakdown = breakdownOf(l, h.Reasons)
		v.Status = health.StatusOf(h.Neglected, h.Level, d.Account.Overdue)
		active := d.Account.Status == accounts.StatusActive
		v.Remedy = remedyOf(l, d.Account.ID, h.Reasons, func(a health.Action) bool {
			switch a {
			case health.ActionAddBackup:
				return active && v.Perms.ManageTeam
			case health.ActionTransfer:
				return active && v.Perms.Transfer
			}
			return active
		}, true)
	}
	return v
}

func (s accountPages) accountPage(c *gin.Context) {
	form := map[string]string{"kind": "call"}
	// A proposed action links here with its form set: ?kind=executive_visit, ?role=backup.
	if k := accounts.Kind(c.Query("kind")); slices.Contains(accounts.Kinds, k) {
		form["kind"], form["focus"] = string(k), "summary"
	}
	if r := accounts.TeamRole(c.Query("role")); slices.Contains(memberRoles, r) {
		form["role"] = string(r)
	}
	s.showAccount(c, http.StatusOK, done(c, pageData{Form: form}))
}

// loadAccount gathers everything the account page shows, and records that the reader
// looked at it (a handover follows who reads a departing rep's accounts).
func (s accountPages) loadAccount(c *gin.Context) (accountData, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return accountData{}, fault.NotFound("account", c.Param("id"))
	}
	ctx := c.Request.Context()
	var d accountData
	if d.Account, err = s.Accounts.Get(ctx, id); err != nil {
		return d, err
	}
	if a := d.Account; a.Overdue && a.LastContactedAt != nil {
		d.DaysOverdue = int(s.Now().Sub(*a.NextContactDue) / (24 * time.Hour))
	}
	if err := s.Handover.NoteView(ctx, httpkit.CurrentUser(c), id); err != nil {
		return d, err
	}
	if h, err := s.Health.Get(ctx, id); err == nil {
		d.Health = &h
	} else if !errors.Is(err, health.ErrNotScored) {
		return d, err
	}
	if d.Contacts, err = s.Accounts.ContactsSeenBy(ctx, httpkit.CurrentUser(c), id); err != nil {
		return d, err
	}
	if d.Interactions, d.InteractionTotal, err = s.Accounts.Interactions(ctx, id, store.Page{Number: 1, Size: 50}); err != nil {
		return d, err
	}
	if d.History, err = s.Accounts.History(ctx, id); err != nil {
		return d, err
	}
	if d.Complaints, err = s.Retention.Complaints(ctx, id); err != nil {
		return d, err
	}
	if d.Losses, err = s.Retention.ChurnRecords(ctx, id); err != nil {
		return d, err
	}
	d.Staff, err = s.staffPicker(c)
	return d, err
}

// showAccount renders an account page; d carries a form's input and errors when it is
// shown again after a failed submit.
func (s accountPages) showAccount(c *gin.Context, status int, d pageData) {
	a, err := s.loadAccount(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	d.Nav, d.Data = "accounts", accountViewOf(httpkit.CurrentUser(c), httpkit.Lang(c), a)
	s.renderStatus(c, status, "account", d)
}

// accountAction answers a form posted from an account page that made the change named
// done (a key of dones, which says the section the form is in). A plain post is
// redirected to the page, at that section, with the notice; htmx gets the whole page at
// once, with the notice in the section, and takes from it the parts the change touched
// (hx-select, hx-select-oob). A failure shows the page again with the form's errors in
// its section.
func (s accountPages) accountAction(c *gin.Context, form map[string]string, err error, done string) {
	at := dones[done]
	if form["kind"] == "" {
		form["kind"] = "call"
	}
	if err != nil {
		fields, msg, ok := formErrors(c, err)
		if !ok {
			if e, isDomain := fault.As(err); isDomain && (e.Kind == fault.KindConflict || e.Kind == fault.KindForbidden) {
				s.showAccount(c, httpkit.StatusOf[e.Kind], pageData{Form: map[string]string{"kind": "call"}, Message: httpkit.Lang(c).Text(e.Message), At: at})
				return
			}
			s.pageError(c, err)
			return
		}
		s.showAccount(c, http.StatusUnprocessableEntity, pageData{Form: form, Errors: fields, Message: msg, At: at})
		return
	}
	if isHTMX(c) {
		s.showAccount(c, http.StatusOK, pageData{Form: map[string]string{"kind": form["kind"]},
			Message: httpkit.Lang(c).T("done." + done), Notice: true, At: at})
		return
	}
	anchor := ""
	if at != "" {
		anchor = "#" + at
	}
	c.Redirect(http.StatusSeeOther, "/accounts/"+c.Param("id")+"?done="+done+anchor)
}

func (s accountPages) transferSubmit(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	form := formValues(c, "to_user_id", "reason")
	to, _ := strconv.ParseInt(form["to_user_id"], 10, 64)
	_, err := s.Accounts.Transfer(c.Request.Context(), httpkit.CurrentUser(c), id, to, form["reason"])
	s.accountAction(c, form, err, "transferred")
}

func (s accountPages) teamAddSubmit(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	form := formValues(c, "user_id", "role")
	userID, _ := strconv.ParseInt(form["user_id"], 10, 64)
	_, err := s.Accounts.SetMember(c.Request.Context(), httpkit.CurrentUser(c), id, userID, accounts.TeamRole(form["role"]))
	s.accountAction(c, form, err, "team_added")
}

func (s accountPages) teamRemoveSubmit(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	userID, _ := strconv.ParseInt(c.Param("user_id"), 10, 64)
	err := s.Accounts.RemoveMember(c.Request.Context(), httpkit.CurrentUser(c), id, userID)
	s.accountAction(c, map[string]string{}, err, "team_removed")
}
