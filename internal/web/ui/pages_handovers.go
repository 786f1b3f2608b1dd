package ui

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/fault"
	"keyhold/internal/handover"
	"keyhold/internal/i18n"
	"keyhold/internal/staff"
	"keyhold/internal/web/httpkit"
)

// The handover pages: the list, the first step (who leaves, and when), and the wizard that
// takes a handover through its items to completion. Every rule lives in package handover;
// these handlers read forms, call it and render. The forms of the items are in
// pages_handover_items.go; the steps of a whole handover and its report in
// pages_handover_flow.go.

type handoversView struct {
	Status   handover.Status
	Statuses []handover.Status
	List     []handover.Handover
	Total    int64
	paging
}

var handoverStatuses = []handover.Status{handover.Draft, handover.InProgress, handover.Completed, handover.Cancelled}

// handoversPage lists handovers, newest first, with their progress.
func (s handoverPages) handoversPage(c *gin.Context) {
	q := httpkit.NewQuery(c)
	f := handover.Filter{Status: handover.Status(q.Str("status")), Page: q.Page()}
	f.Page = f.Page.Normalized()
	if err := q.Err(); err != nil {
		s.pageError(c, err)
		return
	}
	list, total, err := s.Handover.List(c.Request.Context(), httpkit.CurrentUser(c), f)
	if err != nil {
		s.pageError(c, err)
		return
	}
	v := handoversView{Status: f.Status, Statuses: handoverStatuses, List: list, Total: total}
	v.paging = pagingOf(c.Request.URL, f.Page, total)
	s.render(c, "handovers", pageData{Nav: "handovers", Data: v})
}

type newHandoverView struct{ People []staff.User }

// newHandoverPage is the wizard's first step: the person leaving and their last day.
func (s handoverPages) newHandoverPage(c *gin.Context) {
	s.newHandoverForm(c, http.StatusOK, pageData{})
}

func (s handoverPages) newHandoverForm(c *gin.Context, status int, d pageData) {
	me := httpkit.CurrentUser(c)
	if err := handover.RequireManager(me); err != nil {
		s.pageError(c, err)
		return
	}
	roster, err := s.Staff.Active(c.Request.Context())
	if err != nil {
		s.pageError(c, err)
		return
	}
	// The roster is shared: the manager is left out of a copy.
	d.Nav, d.Data = "handovers", newHandoverView{People: handover.Departable(me, roster.Users)}
	s.renderStatus(c, status, "handover_new", d)
}

func (s handoverPages) createHandoverSubmit(c *gin.Context) {
	form := formValues(c, "departing_user_id", "last_day")
	p := parsed{}
	who := p.int64(form, "departing_user_id")
	var h handover.Handover
	err := p.merge(nil)
	if err == nil {
		h, err = s.Handover.Create(c.Request.Context(), httpkit.CurrentUser(c), who, form["last_day"])
	}
	if err != nil {
		d, status, ok := formFailure(c, form, err)
		if !ok {
			s.pageError(c, err)
			return
		}
		s.newHandoverForm(c, status, d)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/handovers/%d", h.ID))
}

// formFailure turns a refused form into what the page shows again: field errors (422) or
// the domain's refusal as the page's message (409). Anything else is not a form's
// problem and goes to the error page.
func formFailure(c *gin.Context, form map[string]string, err error) (pageData, int, bool) {
	if fields, msg, ok := formErrors(c, err); ok {
		return pageData{Form: form, Errors: fields, Message: msg}, http.StatusUnprocessableEntity, true
	}
	if e, ok := fault.As(err); ok && e.Kind == fault.KindConflict {
		return pageData{Form: form, Message: httpkit.Lang(c).Text(e.Message)}, http.StatusConflict, true
	}
	return pageData{}, 0, false
}

// candidates are the people who can take accounts over, with their current book: the
// departing person's teammates first.
type candidates struct {
	Team, Others []handover.Load
	Base         string // the currency of their values
}

// candidateRow is a teammate of the person leaving as the candidates' table shows them:
// their book, and what this handover gives them so far.
type candidateRow struct {
	handover.Load
	Items, Owned, Keys int // items with them as successor; accounts and key accounts to own
}

// candidatePick is a successor select: the candidates, the one selected, and the current
// successor when they are no longer among the candidates (so the select still shows them).
type candidatePick struct {
	C        *candidates
	Selected int64
	Extra    *accounts.UserRef
}

// itemRow is one item of the wizard's table, with what its forms need.
type itemRow struct {
	handover.Item
	CSRF      string
	Editable  bool   // the item can still change
	Name      string // the account's
	Choices   *candidates
	Chosen    int64             // the successor the select shows: the chosen one, else the proposal
	Unlisted  *accounts.UserRef // the successor, when no longer among the candidates
	Proposed  string            // the proposed successor's name
	Departing string
	Checked   bool // ticked for the bulk assignment
	Expanded  bool // the item's section is open
	Working   bool // its successor select and checklist forms are on the page (see compactAbove)
	Page      int  // the page of items it is on
	Saved     bool // just saved (htmx answers say so in place)
	Message   string
	Form      map[string]string
	Errors    fault.Fields
}

// Pick is the item's successor select.
func (r itemRow) Pick() candidatePick {
	return candidatePick{C: r.Choices, Selected: r.Chosen, Extra: r.Unlisted}
}

type handoverView struct {
	H         handover.Handover
	Name      string // the person leaving
	Choices   *candidates
	Team      []candidateRow // the teammates who could take over, as readable rows
	Bulk      candidatePick
	Rows      []itemRow // the items on this page: key accounts first, the most valuable first
	Items     int       // all the items
	Compact   bool      // too many items for every row's forms: see compactAbove
	PageNo    int
	Pages     int
	PrevURL   string
	NextURL   string
	Gaps      []itemRow // key-account items that still block completion
	CanDepart bool      // completed, and the person can now be marked departed
	Departed  bool
}

// A handover of many accounts (a person who held 500 is no exception) cannot carry, on
// every row, a select of every candidate and the checklist's forms: 504 items made a page
// of 11 MB that took over a second. Above compactAbove open items, rows show the
// successor and the ticks, with a link to work on the item; only the item being worked on
// carries its forms, and the items come itemsPerPage at a time, key accounts first.
const (
	compactAbove = 40
	itemsPerPage = 50
)

// pageItems keeps the rows of one page (the page of focus, the item worked on, when
// there is one) and says which rows carry their forms.
func (v *handoverView) pageItems(c *gin.Context, focus int64) {
	v.Items = len(v.Rows)
	open := 0
	for _, r := range v.Rows {
		if r.Editable {
			open++
		}
	}
	// Past compactAbove items the rows come a page at a time, open or not (a completed
	// handover of 2,458 accounts made a page of 2 MB); past compactAbove open items the
	// rows also leave out their forms.
	v.Compact = open > compactAbove
	if len(v.Rows) <= compactAbove {
		for i := range v.Rows {
			v.Rows[i].Working, v.Rows[i].Page = v.Rows[i].Editable, 1
		}
		v.PageNo, v.Pages = 1, 1
		return
	}
	v.Pages = max(1, (len(v.Rows)+itemsPerPage-1)/itemsPerPage)
	v.PageNo, _ = strconv.Atoi(c.Query("items_page"))
	if i := slices.IndexFunc(v.Rows, func(r itemRow) bool { return r.ID == focus }); focus != 0 && i >= 0 {
		v.PageNo = i/itemsPerPage + 1
	}
	v.PageNo = min(max(v.PageNo, 1), v.Pages)
	from := (v.PageNo - 1) * itemsPerPage
	rows := v.Rows[from:min(from+itemsPerPage, len(v.Rows))]
	for i := range rows {
		rows[i].Page = v.PageNo
		rows[i].Working = rows[i].Editable && (!v.Compact || rows[i].ID == focus)
	}
	v.Rows = rows
	link := func(n int) string { return fmt.Sprintf("/handovers/%d?items_page=%d#items", v.H.ID, n) }
	if v.PageNo > 1 {
		v.PrevURL = link(v.PageNo - 1)
	}
	if v.PageNo < v.Pages {
		v.NextURL = link(v.PageNo + 1)
	}
}

// handoverFocus says which form the page is shown again for.
type handoverFocus struct {
	Item    int64   // the item a form was posted for
	Checked []int64 // the items ticked for the bulk assignment
	Saved   bool
	Message string // a refusal shown in the item (htmx)
	// A bulk assignment just made: how many items went to AssignedTo, how many had them.
	Assigned, Already int
	AssignedTo        int64
}

func (s handoverPages) loadHandoverView(c *gin.Context, id int64, d *pageData, f handoverFocus) (handoverView, error) {
	ctx, actor := c.Request.Context(), httpkit.CurrentUser(c)
	h, err := s.Handover.Get(ctx, actor, id)
	if err != nil {
		return handoverView{}, err
	}
	loads, err := s.Handover.Loads(ctx, actor, h)
	if err != nil {
		return handoverView{}, err
	}
	rates, err := s.Money.Rates(ctx)
	if err != nil {
		return handoverView{}, err
	}
	v := handoverViewOf(handoverInput{H: h, Loads: loads, Base: rates.Base, Actor: actor, Lang: httpkit.Lang(c),
		CSRF: c.GetString(csrfKey), Focus: f, Form: d.Form, Errors: d.Errors})
	v.pageItems(c, f.Item)
	if f.Item != 0 { // the item's form has the errors; the page-wide forms do not
		d.Form, d.Errors = nil, nil
	}
	v.Bulk = candidatePick{C: v.Choices}
	v.Bulk.Selected, _ = strconv.ParseInt(d.Form["to_user_id"], 10, 64)
	return v, nil
}

// handoverInput is what the wizard's page is made of: the handover, the candidates'
// books, the base currency, who reads it in which language, and the form that came back.
type handoverInput struct {
	H      handover.Handover
	Loads  []handover.Load
	Base   string
	Actor  staff.User
	Lang   i18n.Lang
	CSRF   string
	Focus  handoverFocus
	Form   map[string]string // what was typed in the focused item's form
	Errors fault.Fields
}

// handoverViewOf builds the wizard's view: the candidates (teammates first), each
// teammate's share of the items, a row per item in the handover's order with its forms'
// values, and the items whose gaps block completion. Paging is left to pageItems.
func handoverViewOf(in handoverInput) handoverView {
	h, f := in.H, in.Focus
	v := handoverView{H: h, Choices: &candidates{Base: in.Base}}
	names := map[int64]string{}
	for _, l := range in.Loads {
		names[l.UserID] = l.Name
		if l.InTeam {
			v.Choices.Team = append(v.Choices.Team, l)
			v.Team = append(v.Team, candidateRow{Load: l})
		} else {
			v.Choices.Others = append(v.Choices.Others, l)
		}
	}
	departing := ""
	if h.Departing != nil {
		departing = h.Departing.Name
		v.Name = departing
		v.Departed = h.Departing.Status.Departed()
	}
	v.CanDepart = handover.CanDepart(in.Actor, h)
	for _, it := range h.Items {
		v.countSuccessor(it)
		r := itemRow{Item: it, CSRF: in.CSRF, Editable: h.Editable(it), Choices: v.Choices, Departing: departing,
			Checked: slices.Contains(f.Checked, it.ID)}
		if it.Account != nil {
			r.Name = it.Account.Name
		}
		if it.Successor != nil {
			r.Chosen = it.Successor.ID
			if _, listed := names[r.Chosen]; !listed {
				r.Unlisted = it.Successor
			}
		}
		if p := it.ProposedToUserID; p != nil {
			r.Proposed = names[*p]
			if r.Proposed == "" && it.Successor != nil && it.Successor.ID == *p {
				r.Proposed = it.Successor.Name
			}
		}
		// What the item's forms show: the item as saved, or what was typed when a form
		// comes back with errors.
		r.Form = map[string]string{"transfer_note": it.TransferNote, "open_issues": it.OpenIssues, "agreements": it.Agreements,
			"customer_notified": strconv.FormatBool(it.CustomerNotified)}
		if it.Successor != nil {
			r.Form["summary"] = in.Lang.T("handover.intro_summary", departing, it.Successor.Name)
		}
		if it.ID == f.Item && f.Item != 0 {
			r.Expanded, r.Saved, r.Message, r.Errors = true, f.Saved, f.Message, in.Errors
			for k, val := range in.Form {
				r.Form[k] = val
			}
			if to, ok := in.Form["to_user_id"]; ok {
				r.Chosen, _ = strconv.ParseInt(to, 10, 64)
			}
		}
		v.Rows = append(v.Rows, r)
	}
	for _, r := range v.Rows {
		if len(r.Gaps) > 0 {
			v.Gaps = append(v.Gaps, r)
		}
	}
	return v
}

// countSuccessor counts an item on its successor's row of the team: someone from another
// team is listed too, after the teammates. A skipped item's successor never took it.
func (v *handoverView) countSuccessor(it handover.Item) {
	if it.Successor == nil || it.Skipped() {
		return
	}
	i := slices.IndexFunc(v.Team, func(t candidateRow) bool { return t.UserID == it.Successor.ID })
	if i < 0 {
		j := slices.IndexFunc(v.Choices.Others, func(l handover.Load) bool { return l.UserID == it.Successor.ID })
		if j < 0 {
			return
		}
		v.Team = append(v.Team, candidateRow{Load: v.Choices.Others[j]})
		i = len(v.Team) - 1
	}
	v.Team[i].Items++
	if it.Role == accounts.RoleOwner {
		v.Team[i].Owned++
		if it.Account != nil && it.Account.Tier == accounts.TierKey {
			v.Team[i].Keys++
		}
	}
}

// showHandover renders the wizard, or — for an item's form sent by htmx — just that item
// and the progress figures.
func (s handoverPages) showHandover(c *gin.Context, id int64, status int, d pageData, f handoverFocus) {
	v, err := s.loadHandoverView(c, id, &d, f)
	if err != nil {
		s.pageError(c, err)
		return
	}
	if f.AssignedTo != 0 {
		for _, l := range slices.Concat(v.Choices.Team, v.Choices.Others) {
			if l.UserID == f.AssignedTo {
				d.Message, d.Notice = assignedMessage(httpkit.Lang(c), f.Assigned, f.Already, l.Name), true
			}
		}
	}
	d.Nav, d.Data = "handovers", v
	if f.Item != 0 && isHTMX(c) {
		s.renderBlock(c, status, "handover", "item-update", d)
		return
	}
	s.renderStatus(c, status, "handover", d)
}

// assignedMessage says what a bulk assignment changed.
func assignedMessage(l i18n.Lang, changed, already int, name string) string {
	msg := l.T("handover.assigned", changed, name)
	if changed == 1 {
		msg = l.T("handover.assigned_one", name)
	}
	if already > 0 {
		msg += " " + l.T("handover.assigned_already", already)
	}
	return msg
}

// handoverID reads the handover's id from the path; a malformed one is not found.
func (s handoverPages) handoverID(c *gin.Context, name string) (int64, bool) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		s.pageError(c, fault.NotFound(name, c.Param(name)))
		return 0, false
	}
	return id, true
}

func (s handoverPages) handoverPage(c *gin.Context) {
	if id, ok := s.handoverID(c, "id"); ok {
		// ?edit=ITEM: the item to work on, with its forms open (a large handover's rows
		// carry none otherwise).
		edit, _ := strconv.ParseInt(c.Query("edit"), 10, 64)
		f := handoverFocus{Item: edit}
		// After a bulk assignment: what changed, said once the page knows the name.
		if to, _ := strconv.ParseInt(c.Query("to"), 10, 64); to != 0 {
			f.Assigned, _ = strconv.Atoi(c.Query("assigned"))
			f.Already, _ = strconv.Atoi(c.Query("already"))
			f.AssignedTo = to
		}
		s.showHandover(c, id, http.StatusOK, pageData{}, f)
	}
}

// handoverAction answers a form posted from the wizard: back to the page (at anchor) on
// success; otherwise the page again with the form's field errors (422) or the domain's
// refusal (409), or the error page.
func (s handoverPages) handoverAction(c *gin.Context, id int64, form map[string]string, f handoverFocus, err error, anchor string) {
	if err == nil {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/handovers/%d%s", id, anchor))
		return
	}
	d, status, ok := formFailure(c, form, err)
	if !ok {
		s.pageError(c, err)
		return
	}
	s.showHandover(c, id, status, d, f)
}
