package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"keyhold/internal/fault"
	"keyhold/internal/opt"
	"keyhold/internal/outbox"
	"keyhold/internal/store"
	"keyhold/internal/web/httpkit"
	"keyhold/internal/webhooks"
)

// The admin's webhook pages: the endpoints with a form to add one; one endpoint with its
// settings, its signing secret and its delivery log, where a delivery can be sent again.

type webhooksView struct {
	Hooks    []webhooks.Webhook
	Fields   webhookForm
	Schedule string   // the retry waits, for the explanation
	Headers  []string // the headers a delivery carries
}

// webhookForm is what an endpoint's form shows: what was typed, its errors, the events
// to choose from and those ticked.
type webhookForm struct {
	Form   map[string]string
	Errors fault.Fields
	Kinds  []outbox.Kind
	Chosen map[outbox.Kind]bool
}

type webhookView struct {
	Hook       webhooks.Webhook
	Fields     webhookForm
	Deliveries []deliveryRow
	Statuses   []string
	Status     string // the log's filter
	Paging     paging
}

// deliveryRow is a delivery in the log, with its latest attempt and what its event was
// about.
type deliveryRow struct {
	webhooks.Delivery
	Last    *webhooks.Attempt
	Subject string
}

// deliveryRows shows deliveries in a log.
func deliveryRows(list []webhooks.Delivery) []deliveryRow {
	rows := make([]deliveryRow, len(list))
	for i, dl := range list {
		rows[i] = deliveryRow{Delivery: dl, Subject: subjectOf(dl.Data)}
		if n := len(dl.Log); n > 0 {
			rows[i].Last = &dl.Log[n-1]
		}
	}
	return rows
}

// subjectOf names what an event's data is about: the account's or the person's name.
func subjectOf(data []byte) string {
	var d struct {
		Account     struct{ Name string }
		AccountName string `json:"account_name"`
		Complaint   struct {
			AccountName string `json:"account_name"`
		}
		LeavingName string `json:"leaving_name"`
		Name        string
		AccountID   int64 `json:"account_id"`
		Interaction struct {
			AccountID int64 `json:"account_id"`
		}
	}
	if json.Unmarshal(data, &d) != nil {
		return ""
	}
	for _, s := range []string{d.Account.Name, d.AccountName, d.Complaint.AccountName, d.LeavingName, d.Name} {
		if s != "" {
			return s
		}
	}
	for _, id := range []int64{d.AccountID, d.Interaction.AccountID} {
		if id != 0 {
			return fmt.Sprintf("#%d", id)
		}
	}
	return ""
}

// scheduleText writes the retry waits as "5s, 5m, 30m, 2h…".
func scheduleText() string {
	out := make([]string, len(webhooks.Schedule))
	for i, d := range webhooks.Schedule {
		out[i] = shortDuration(d.Seconds())
	}
	return strings.Join(out, ", ")
}

func shortDuration(sec float64) string {
	switch {
	case sec < 60:
		return fmt.Sprintf("%gs", sec)
	case sec < 3600:
		return fmt.Sprintf("%gm", sec/60)
	}
	return fmt.Sprintf("%gh", sec/3600)
}

func chosenKinds(names []string) map[outbox.Kind]bool {
	m := map[outbox.Kind]bool{}
	for _, n := range names {
		m[outbox.Kind(n)] = true
	}
	return m
}

func (s adminPages) webhooksPage(c *gin.Context) {
	d := pageData{}
	if c.Query("deleted") != "" {
		d.Message, d.Notice = httpkit.Lang(c).T("webhooks.deleted"), true
	}
	s.showWebhooks(c, http.StatusOK, d, chosenKinds(nil))
}

func (s adminPages) showWebhooks(c *gin.Context, status int, d pageData, chosen map[outbox.Kind]bool) {
	hooks, err := s.Webhooks.Webhooks(c.Request.Context(), httpkit.CurrentUser(c))
	if err != nil {
		s.pageError(c, err)
		return
	}
	d.Nav, d.Data = "webhooks", webhooksView{Hooks: hooks, Schedule: scheduleText(),
		Headers: []string{"webhook-id", "webhook-timestamp", "webhook-signature"},
		Fields:  webhookForm{Form: d.Form, Errors: d.Errors, Kinds: outbox.Kinds, Chosen: chosen}}
	s.renderStatus(c, status, "webhooks", d)
}

func (s adminPages) createWebhookSubmit(c *gin.Context) {
	form := formValues(c, "url", "description")
	events := c.PostFormArray("events")
	w, err := s.Webhooks.CreateWebhook(c.Request.Context(), httpkit.CurrentUser(c),
		webhooks.NewWebhook{URL: form["url"], Description: form["description"], Events: events})
	if err != nil {
		d, status, ok := formFailure(c, form, err)
		if !ok {
			s.pageError(c, err)
			return
		}
		s.showWebhooks(c, status, d, chosenKinds(events))
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/webhooks/%d?created=1", w.ID))
}

func webhookID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return 0, fault.NotFound("webhook", c.Param("id"))
	}
	return id, nil
}

func (s adminPages) webhookPage(c *gin.Context) {
	d := pageData{}
	l := httpkit.Lang(c)
	switch {
	case c.Query("created") != "":
		d.Message, d.Notice = l.T("webhooks.created"), true
	case c.Query("saved") != "":
		d.Message, d.Notice = l.T("webhooks.saved"), true
	case c.Query("redelivered") != "":
		d.Message, d.Notice = l.T("webhooks.redelivered"), true
	}
	s.showWebhook(c, http.StatusOK, d, nil)
}

func (s adminPages) showWebhook(c *gin.Context, status int, d pageData, chosen map[outbox.Kind]bool) {
	id, err := webhookID(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	ctx, u := c.Request.Context(), httpkit.CurrentUser(c)
	w, err := s.Webhooks.Webhook(ctx, u, id)
	if err != nil {
		s.pageError(c, err)
		return
	}
	page := store.Page{Number: atoiOr(c.Query("page"), 1), Size: 20}
	filter := c.Query("status")
	list, total, err := s.Webhooks.Deliveries(ctx, u, id, filter, page)
	if err != nil {
		s.pageError(c, err)
		return
	}
	if chosen == nil { // the form as saved
		chosen = map[outbox.Kind]bool{}
		for _, k := range w.Events {
			chosen[k] = true
		}
		d.Form = map[string]string{"url": w.URL, "description": w.Description}
	}
	d.Nav, d.Data = "webhooks", webhookView{Hook: w, Deliveries: deliveryRows(list), Status: filter,
		Statuses: []string{webhooks.Pending, webhooks.Delivered, webhooks.Failed}, Paging: pagingOf(c.Request.URL, page, total),
		Fields: webhookForm{Form: d.Form, Errors: d.Errors, Kinds: outbox.Kinds, Chosen: chosen}}
	s.renderStatus(c, status, "webhook", d)
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return n
	}
	return def
}

func (s adminPages) editWebhookSubmit(c *gin.Context) {
	id, err := webhookID(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	form := formValues(c, "url", "description", "active")
	events := c.PostFormArray("events")
	_, err = s.Webhooks.UpdateWebhook(c.Request.Context(), httpkit.CurrentUser(c), id, webhooks.WebhookPatch{
		URL: opt.Of(form["url"]), Description: opt.Of(form["description"]), Events: opt.Of(events),
		Active: opt.Of(form["active"] == "1")})
	if err != nil {
		d, status, ok := formFailure(c, form, err)
		if !ok {
			s.pageError(c, err)
			return
		}
		s.showWebhook(c, status, d, chosenKinds(events))
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/webhooks/%d?saved=1", id))
}

func (s adminPages) deleteWebhookSubmit(c *gin.Context) {
	id, err := webhookID(c)
	if err == nil {
		err = s.Webhooks.DeleteWebhook(c.Request.Context(), httpkit.CurrentUser(c), id)
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/webhooks?deleted=1")
}

func (s adminPages) redeliverSubmit(c *gin.Context) {
	id, err := webhookID(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	did, err := strconv.ParseInt(c.Param("delivery_id"), 10, 64)
	if err != nil {
		s.pageError(c, fault.NotFound("delivery", c.Param("delivery_id")))
		return
	}
	if _, err := s.Webhooks.Redeliver(c.Request.Context(), httpkit.CurrentUser(c), id, did); err != nil {
		s.pageError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/webhooks/%d?redelivered=1#delivery-%d", id, did))
}
