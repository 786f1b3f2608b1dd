package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/fault"
	"keyhold/internal/handover"
	"keyhold/internal/health"
	"keyhold/internal/retention"
	"keyhold/internal/staff"
	"keyhold/internal/store"
	"keyhold/internal/web/httpkit"
)

const homeListSize = 20

type homeView struct {
	Team         []accounts.OwnerLoad // a manager's people; nil for a rep
	Overdue      []accounts.Account
	OverdueTotal int64
	OverdueLink  string
	DueSoon      []accounts.Account
	Mine         []accounts.Account
	MineTotal    int64
	MineLink     string
	Flags        flagTable // a rep's own flagged accounts, worst first
	FlagsTotal   int64
	Renewals     []accounts.Renewal
	Complaints   []retention.Complaint
	MyHandover   *handover.Handover  // the person leaving: their open handover
	Inbox        []handover.Received // accounts handed to this person, the first homeInboxSize
	InboxFirst   []handover.Received // of them, the most urgent, shown open
	InboxRest    []handover.Received // the others, behind "show more" (the agenda follows below)
	InboxTotal   int
}

// homeInboxSize bounds the accounts "Handed to you" shows on the home page (the most
// urgent first); GET /api/v1/me/inherited answers them all.
const homeInboxSize = 50

// homeInboxOpen is how many of them show before "show more": a successor of forty
// accounts must still see their overdue contacts without scrolling past all forty.
const homeInboxOpen = 10

// homePage: a rep sees their own accounts by next contact due — overdue, due this week,
// then the whole book; a manager sees their team's load and the overdue key accounts.
func (s *server) homePage(c *gin.Context) {
	u := httpkit.CurrentUser(c)
	ctx := c.Request.Context()
	page := store.Page{Number: 1, Size: homeListSize}
	var v homeView
	var err error
	if u.Status == staff.StatusLeaving {
		if v.MyHandover, err = s.myHandover(c); err != nil {
			s.pageError(c, err)
			return
		}
	}
	if v.Inbox, err = s.Handover.Inbox(ctx, u); err != nil {
		s.pageError(c, err)
		return
	}
	v.InboxTotal = len(v.Inbox)
	v.Inbox = v.Inbox[:min(len(v.Inbox), homeInboxSize)]
	v.InboxFirst, v.InboxRest = v.Inbox[:min(len(v.Inbox), homeInboxOpen)], v.Inbox[min(len(v.Inbox), homeInboxOpen):]
	if u.CanManage() {
		managerID := u.ID
		if u.IsAdmin() {
			managerID = 0 // an admin sees every rep
		}
		if v.Team, err = s.Accounts.TeamOverview(ctx, managerID); err == nil {
			v.OverdueLink = "/accounts?overdue=true&tier=key&sort=next_contact_due"
			v.Overdue, v.OverdueTotal, err = s.Accounts.List(ctx, accounts.Filter{Tier: accounts.TierKey,
				Status: accounts.StatusActive, Overdue: true, Sort: "next_contact_due", Page: page})
		}
	} else {
		week := s.Now().UTC().AddDate(0, 0, 7)
		v.OverdueLink = fmt.Sprintf("/accounts?overdue=true&owner_id=%d&sort=next_contact_due", u.ID)
		v.MineLink = fmt.Sprintf("/accounts?owner_id=%d&sort=next_contact_due", u.ID)
		v.Overdue, v.OverdueTotal, err = s.Accounts.List(ctx, accounts.Filter{OwnerID: u.ID, Overdue: true, Sort: "next_contact_due", Page: page})
		if err == nil {
			v.DueSoon, _, err = s.Accounts.List(ctx, accounts.Filter{OwnerID: u.ID, DueBy: &week, Sort: "next_contact_due", Page: page})
		}
		if err == nil {
			v.Mine, v.MineTotal, err = s.Accounts.List(ctx, accounts.Filter{OwnerID: u.ID, Status: accounts.StatusActive, Sort: "next_contact_due", Page: page})
		}
		if err == nil {
			v.Renewals, err = s.Accounts.Renewals(ctx, u.ID)
		}
		if err == nil {
			v.Complaints, err = s.Retention.OpenComplaintsOf(ctx, u.ID)
		}
		if err == nil {
			var flags []health.Flag
			flags, v.FlagsTotal, err = s.Health.Flags(ctx, s.Accounts, health.FlagFilter{OwnerID: u.ID, Page: page})
			if err == nil {
				v.Flags, err = s.flagRows(c, flags)
			}
		}
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.render(c, "home", pageData{Nav: "home", Data: v})
}

type accountsView struct {
	Filter           accounts.Filter
	Tiers            []accounts.Tier
	Statuses         []string
	Sorts            []string
	Owners           picker
	Facets           accounts.Facets
	Accounts         []accounts.Account
	Total            int64
	Page, Pages      int
	PrevURL, NextURL string
}

func (s *server) accountsPage(c *gin.Context) {
	q := httpkit.NewQuery(c)
	f := accounts.Filter{Q: strings.TrimSpace(q.Str("q")), Tier: accounts.Tier(q.Str("tier")), Status: q.Str("status"),
		OwnerID: q.Int64("owner_id"), MemberID: q.Int64("member_id"), Industry: q.Str("industry"),
		Region: q.Str("region"), Overdue: q.Bool("overdue"), Sort: q.Str("sort"), Page: q.Page()}
	if f.Sort == "" {
		f.Sort = "name"
	}
	f.Page = f.Page.Normalized()
	if err := q.Err(); err != nil {
		s.pageError(c, err)
		return
	}
	ctx := c.Request.Context()
	v := accountsView{Filter: f, Tiers: accounts.Tiers, Statuses: []string{accounts.StatusActive, accounts.StatusChurned},
		Sorts: accounts.Sorts}
	var err error
	if v.Accounts, v.Total, err = s.Accounts.List(ctx, f); err == nil {
		if v.Owners, err = s.staffPicker(c); err == nil {
			v.Facets, err = s.Accounts.Facets(ctx)
		}
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	v.Page, v.Pages, v.PrevURL, v.NextURL = pages(c, f.Page, v.Total)
	s.render(c, "accounts", pageData{Nav: "accounts", Data: v})
}

// pages works out page links that keep the current query.
func pages(c *gin.Context, p store.Page, total int64) (page, count int, prev, next string) {
	count = int((total + int64(p.Size) - 1) / int64(p.Size))
	if count == 0 {
		count = 1
	}
	link := func(n int) string {
		vals := c.Request.URL.Query()
		vals.Set("page", strconv.Itoa(n))
		return c.Request.URL.Path + "?" + vals.Encode()
	}
	if p.Number > 1 {
		prev = link(p.Number - 1)
	}
	if p.Number < count {
		next = link(p.Number + 1)
	}
	return p.Number, count, prev, next
}

type accountView struct {
	Account          accounts.Account
	Health           *health.Report // nil for a churned account
	HealthReasons    []string
	Perms            accounts.Permissions
	Contacts         []accounts.Contact
	Interactions     []accounts.Interaction
	InteractionTotal int64
	History          []accounts.HistoryEntry
	Staff            picker
	Kinds            []accounts.Kind
	TeamRoles        []accounts.TeamRole
	Complaints       []retention.Complaint
	Losses           []retention.ChurnRecord
	Reasons          []string
	Severities       []string
	CanChurn         bool // the owner, managers and admins record a loss
}

func (s *server) accountPage(c *gin.Context) {
	s.showAccount(c, http.StatusOK, pageData{Form: map[string]string{"kind": "call"}})
}

// loadAccountView gathers everything the account page shows.
func (s *server) loadAccountView(c *gin.Context) (accountView, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return accountView{}, fault.NotFound("account", c.Param("id"))
	}
	ctx := c.Request.Context()
	v := accountView{Kinds: accounts.Kinds,
		TeamRoles: []accounts.TeamRole{accounts.RoleBackup, accounts.RoleExecutiveSponsor, accounts.RoleSupport}}
	if v.Account, err = s.Accounts.Get(ctx, id); err != nil {
		return v, err
	}
	v.Perms = accounts.PermissionsOf(httpkit.CurrentUser(c), v.Account)
	if err := s.Handover.NoteView(ctx, httpkit.CurrentUser(c), id); err != nil {
		return v, err
	}
	if h, err := s.Health.Get(ctx, id); err == nil {
		v.Health = &h
		for _, r := range h.Reasons {
			v.HealthReasons = append(v.HealthReasons, httpkit.ReasonMessage(httpkit.Lang(c), r))
		}
	} else if !errors.Is(err, health.ErrNotScored) {
		return v, err
	}
	if v.Contacts, err = s.Accounts.Contacts(ctx, id); err != nil {
		return v, err
	}
	if v.Interactions, v.InteractionTotal, err = s.Accounts.Interactions(ctx, id, store.Page{Number: 1, Size: 50}); err != nil {
		return v, err
	}
	if v.History, err = s.Accounts.History(ctx, id); err != nil {
		return v, err
	}
	if v.Complaints, err = s.Retention.Complaints(ctx, id); err != nil {
		return v, err
	}
	if v.Losses, err = s.Retention.ChurnRecords(ctx, id); err != nil {
		return v, err
	}
	v.Reasons, v.Severities = retention.Reasons, retention.Severities
	v.CanChurn = retention.CanRecordChurn(httpkit.CurrentUser(c), v.Account)
	v.Staff, err = s.staffPicker(c)
	return v, err
}

// showAccount renders an account page; d carries a form's input and errors when it is
// shown again after a failed submit.
func (s *server) showAccount(c *gin.Context, status int, d pageData) {
	v, err := s.loadAccountView(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	d.Nav, d.Data = "accounts", v
	s.renderStatus(c, status, "account", d)
}

// accountAction answers a form posted from an account page: back to the page on success,
// or the page again with the form's errors.
func (s *server) accountAction(c *gin.Context, form map[string]string, err error, anchor string) {
	if err != nil {
		fields, msg, ok := formErrors(c, err)
		if !ok {
			if e, isDomain := fault.As(err); isDomain && (e.Kind == fault.KindConflict || e.Kind == fault.KindForbidden) {
				s.showAccount(c, httpkit.StatusOf[e.Kind], pageData{Form: map[string]string{"kind": "call"}, Message: httpkit.Lang(c).Text(e.Message)})
				return
			}
			s.pageError(c, err)
			return
		}
		if form["kind"] == "" {
			form["kind"] = "call"
		}
		s.showAccount(c, http.StatusUnprocessableEntity, pageData{Form: form, Errors: fields, Message: msg})
		return
	}
	c.Redirect(http.StatusSeeOther, "/accounts/"+c.Param("id")+anchor)
}

func (s *server) transferSubmit(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	form := formValues(c, "to_user_id", "reason")
	to, _ := strconv.ParseInt(form["to_user_id"], 10, 64)
	_, err := s.Accounts.Transfer(c.Request.Context(), httpkit.CurrentUser(c), id, to, form["reason"])
	s.accountAction(c, form, err, "#history")
}

func (s *server) teamAddSubmit(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	form := formValues(c, "user_id", "role")
	userID, _ := strconv.ParseInt(form["user_id"], 10, 64)
	_, err := s.Accounts.SetMember(c.Request.Context(), httpkit.CurrentUser(c), id, userID, accounts.TeamRole(form["role"]))
	s.accountAction(c, form, err, "#history")
}

func (s *server) teamRemoveSubmit(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	userID, _ := strconv.ParseInt(c.Param("user_id"), 10, 64)
	err := s.Accounts.RemoveMember(c.Request.Context(), httpkit.CurrentUser(c), id, userID)
	s.accountAction(c, map[string]string{}, err, "#team-heading")
}
