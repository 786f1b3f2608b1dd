package ui

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"keyhold/internal/fault"
	"keyhold/internal/opt"
	"keyhold/internal/outbox"
	"keyhold/internal/staff"
	"keyhold/internal/store"
	"keyhold/internal/web/httpkit"
	"keyhold/internal/webhooks"
)

// The admin's chat alert pages: the group robots with a form to add one; one robot with
// its settings, a test button and what was sent to it.

// chatForm is what a chat target's form shows.
type chatForm struct {
	Form     map[string]string
	Errors   fault.Fields
	Kinds    []string
	Events   []outbox.Kind
	Chosen   map[outbox.Kind]bool
	Managers []staff.User // the teams to choose from
	Editing  bool         // a saved target: a blank secret keeps the one it has
}

type chatTargetsView struct {
	Targets []chatTargetRow
	Fields  chatForm
}

// chatTargetRow is a target in the list, with the name of its team's manager.
type chatTargetRow struct {
	webhooks.ChatTarget
	Team string // "" for everyone
}

type chatTargetView struct {
	Target     webhooks.ChatTarget
	Team       string
	Fields     chatForm
	Deliveries []deliveryRow
	Paging     paging
	Test       *chatTestResult
}

// chatTestResult is what the robot said to a test message.
type chatTestResult struct {
	OK         bool
	StatusCode int
	Detail     string
}

var chatFields = []string{"kind", "name", "url", "secret", "language", "team_manager_id", "active"}

// managers are the people whose team a target may follow: active managers and admins.
func (s adminPages) managers(c *gin.Context) ([]staff.User, error) {
	var out []staff.User
	for _, role := range []staff.Role{staff.RoleManager, staff.RoleAdmin} {
		list, _, err := s.Staff.List(c.Request.Context(), staff.Filter{Role: role, Status: staff.StatusActive,
			Page: store.Page{Number: 1, Size: store.MaxPageSize}})
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

// teamName is the name of the manager whose team t follows ("" for everyone).
func teamName(t webhooks.ChatTarget, managers []staff.User) string {
	for _, m := range managers {
		if t.TeamManagerID != nil && m.ID == *t.TeamManagerID {
			return m.Name
		}
	}
	return ""
}

func (s adminPages) chatTargetsPage(c *gin.Context) {
	d := pageData{Form: map[string]string{"kind": webhooks.WeCom, "language": "zh-CN"}}
	if c.Query("deleted") != "" {
		d.Message, d.Notice = httpkit.Lang(c).T("chat.page.deleted"), true
	}
	s.showChatTargets(c, http.StatusOK, d, map[outbox.Kind]bool{outbox.AccountFlagged: true, webhooks.Digest: true})
}

func (s adminPages) showChatTargets(c *gin.Context, status int, d pageData, chosen map[outbox.Kind]bool) {
	list, err := s.Webhooks.ChatTargets(c.Request.Context(), httpkit.CurrentUser(c))
	if err != nil {
		s.pageError(c, err)
		return
	}
	ms, err := s.managers(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	rows := make([]chatTargetRow, len(list))
	for i, t := range list {
		rows[i] = chatTargetRow{ChatTarget: t, Team: teamName(t, ms)}
	}
	d.Nav, d.Data = "chat", chatTargetsView{Targets: rows, Fields: chatForm{Form: d.Form, Errors: d.Errors,
		Kinds: webhooks.ChatKinds, Events: webhooks.ChatEvents, Chosen: chosen, Managers: ms}}
	s.renderStatus(c, status, "chat_targets", d)
}

// chatInput reads a target's form.
func chatInput(c *gin.Context, form map[string]string, editing bool) webhooks.ChatInput {
	in := webhooks.ChatInput{Kind: opt.Of(form["kind"]), Name: opt.Of(form["name"]), URL: opt.Of(form["url"]),
		Language: opt.Of(form["language"]), Events: opt.Of(c.PostFormArray("events")), Active: opt.Of(form["active"] == "1" || !editing),
		TeamManagerID: opt.Field[int64]{Set: true, Null: true}}
	if form["secret"] != "" || !editing {
		in.Secret = opt.Of(form["secret"])
	}
	if id, err := strconv.ParseInt(form["team_manager_id"], 10, 64); err == nil && id > 0 {
		in.TeamManagerID = opt.Of(id)
	}
	return in
}

func (s adminPages) createChatTargetSubmit(c *gin.Context) {
	form := formValues(c, chatFields...)
	t, err := s.Webhooks.CreateChatTarget(c.Request.Context(), httpkit.CurrentUser(c), chatInput(c, form, false))
	if err != nil {
		form["secret"] = "" // never written back into the page
		d, status, ok := formFailure(c, form, err)
		if !ok {
			s.pageError(c, err)
			return
		}
		s.showChatTargets(c, status, d, chosenKinds(c.PostFormArray("events")))
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/chat-targets/%d?created=1", t.ID))
}

func chatTargetID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return 0, fault.NotFound("chat target", c.Param("id"))
	}
	return id, nil
}

func (s adminPages) chatTargetPage(c *gin.Context) {
	d := pageData{}
	l := httpkit.Lang(c)
	switch {
	case c.Query("created") != "":
		d.Message, d.Notice = l.T("chat.page.created"), true
	case c.Query("saved") != "":
		d.Message, d.Notice = l.T("chat.page.saved"), true
	}
	s.showChatTarget(c, http.StatusOK, d, nil, nil)
}

func (s adminPages) showChatTarget(c *gin.Context, status int, d pageData, chosen map[outbox.Kind]bool, test *chatTestResult) {
	id, err := chatTargetID(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	ctx, u := c.Request.Context(), httpkit.CurrentUser(c)
	t, err := s.Webhooks.ChatTarget(ctx, u, id)
	if err != nil {
		s.pageError(c, err)
		return
	}
	page := store.Page{Number: atoiOr(c.Query("page"), 1), Size: 20}
	list, total, err := s.Webhooks.ChatDeliveries(ctx, u, id, "", page)
	if err != nil {
		s.pageError(c, err)
		return
	}
	ms, err := s.managers(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	v := chatTargetView{Target: t, Team: teamName(t, ms), Deliveries: deliveryRows(list), Paging: pagingOf(c.Request.URL, page, total),
		Test: test}
	if chosen == nil { // the form as saved
		chosen = map[outbox.Kind]bool{}
		for _, k := range t.Events {
			chosen[k] = true
		}
		d.Form = map[string]string{"kind": t.Kind, "name": t.Name, "url": t.URL, "language": t.Language}
		if t.TeamManagerID != nil {
			d.Form["team_manager_id"] = strconv.FormatInt(*t.TeamManagerID, 10)
		}
	}
	v.Fields = chatForm{Form: d.Form, Errors: d.Errors, Kinds: webhooks.ChatKinds, Events: webhooks.ChatEvents, Chosen: chosen,
		Managers: ms, Editing: true}
	d.Nav, d.Data = "chat", v
	s.renderStatus(c, status, "chat_target", d)
}

func (s adminPages) editChatTargetSubmit(c *gin.Context) {
	id, err := chatTargetID(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	form := formValues(c, chatFields...)
	_, err = s.Webhooks.UpdateChatTarget(c.Request.Context(), httpkit.CurrentUser(c), id, chatInput(c, form, true))
	if err != nil {
		form["secret"] = ""
		d, status, ok := formFailure(c, form, err)
		if !ok {
			s.pageError(c, err)
			return
		}
		s.showChatTarget(c, status, d, chosenKinds(c.PostFormArray("events")), nil)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/chat-targets/%d?saved=1", id))
}

// testChatTargetSubmit sends a test message now and shows what the robot said.
func (s adminPages) testChatTargetSubmit(c *gin.Context) {
	id, err := chatTargetID(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	t, err := s.Webhooks.ChatTarget(c.Request.Context(), httpkit.CurrentUser(c), id)
	if err != nil {
		s.pageError(c, err)
		return
	}
	r := s.TestChat(c.Request.Context(), t)
	res := &chatTestResult{OK: r.OK(), StatusCode: r.StatusCode, Detail: r.Error}
	if res.Detail == "" {
		res.Detail = r.Response
	}
	s.showChatTarget(c, http.StatusOK, pageData{}, nil, res)
}

func (s adminPages) deleteChatTargetSubmit(c *gin.Context) {
	id, err := chatTargetID(c)
	if err == nil {
		err = s.Webhooks.DeleteChatTarget(c.Request.Context(), httpkit.CurrentUser(c), id)
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/chat-targets?deleted=1")
}
