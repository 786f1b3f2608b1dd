package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"keyhold/internal/opt"
	"keyhold/internal/outbox"
	"keyhold/internal/staff"
	"keyhold/internal/store"
	"keyhold/internal/web/httpkit"
	"keyhold/internal/webhooks"
)

func (s *server) apiWebhooks(c *gin.Context) {
	list, err := s.Webhooks.Webhooks(c.Request.Context(), httpkit.CurrentUser(c))
	httpkit.Respond(c, http.StatusOK, httpkit.ListBody{Data: list, Page: 1, PerPage: len(list), Total: int64(len(list))}, err)
}

// webhookEvents lists the events an endpoint may ask for.
func (s *server) apiWebhookEvents(c *gin.Context) {
	httpkit.Respond(c, http.StatusOK, gin.H{"data": outbox.Kinds}, nil)
}

// createWebhookIn is the body of apiCreateWebhook.
type createWebhookIn struct {
	URL         string   `json:"url"`
	Description string   `json:"description"`
	Events      []string `json:"events"`
	Active      *bool    `json:"active"`
}

func (s *server) apiCreateWebhook(c *gin.Context) {
	var in createWebhookIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	w, err := s.Webhooks.CreateWebhook(c.Request.Context(), httpkit.CurrentUser(c), webhooks.NewWebhook(in))
	httpkit.Respond(c, http.StatusCreated, w, err)
}

func (s *server) apiWebhook(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	w, err := s.Webhooks.Webhook(c.Request.Context(), httpkit.CurrentUser(c), id)
	httpkit.Respond(c, http.StatusOK, w, err)
}

// updateWebhookIn is the body of apiUpdateWebhook.
type updateWebhookIn struct {
	URL         opt.Field[string]   `json:"url"`
	Description opt.Field[string]   `json:"description"`
	Events      opt.Field[[]string] `json:"events"`
	Active      opt.Field[bool]     `json:"active"`
}

func (s *server) apiUpdateWebhook(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	var in updateWebhookIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	w, err := s.Webhooks.UpdateWebhook(c.Request.Context(), httpkit.CurrentUser(c), id, webhooks.WebhookPatch(in))
	httpkit.Respond(c, http.StatusOK, w, err)
}

func (s *server) apiDeleteWebhook(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	httpkit.Respond(c, http.StatusNoContent, nil, s.Webhooks.DeleteWebhook(c.Request.Context(), httpkit.CurrentUser(c), id))
}

func (s *server) apiDeliveries(c *gin.Context) { s.deliveryLog(c, s.Webhooks.Deliveries) }

// deliveryLog answers a receiver's deliveries, read by list: a webhook endpoint's or a
// chat target's.
func (s *server) deliveryLog(c *gin.Context, list func(context.Context, staff.User, int64, string, store.Page) ([]webhooks.Delivery, int64, error)) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	q := httpkit.NewQuery(c)
	status, page := q.Str("status"), q.Page()
	if !q.OK() {
		return
	}
	out, total, err := list(c.Request.Context(), httpkit.CurrentUser(c), id, status, page)
	httpkit.RespondList(c, page, out, total, err)
}

func (s *server) apiRedeliver(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	did, ok := httpkit.PathID(c, "delivery_id")
	if !ok {
		return
	}
	d, err := s.Webhooks.Redeliver(c.Request.Context(), httpkit.CurrentUser(c), id, did)
	httpkit.Respond(c, http.StatusAccepted, d, err)
}

// chatTargetIn is the body of apiCreateChatTarget and apiUpdateChatTarget.
type chatTargetIn struct {
	Kind          opt.Field[string]   `json:"kind"`
	Name          opt.Field[string]   `json:"name"`
	URL           opt.Field[string]   `json:"url"`
	Secret        opt.Field[string]   `json:"secret"`
	Language      opt.Field[string]   `json:"language"`
	TeamManagerID opt.Field[int64]    `json:"team_manager_id"`
	Events        opt.Field[[]string] `json:"events"`
	Active        opt.Field[bool]     `json:"active"`
}

// chatTest is what a test message came to.
type chatTest struct {
	OK         bool   `json:"ok"`
	StatusCode int    `json:"status_code"`
	Error      string `json:"error"`
	Response   string `json:"response"`
	DurationMS int64  `json:"duration_ms"`
}

func (s *server) apiChatTargets(c *gin.Context) {
	list, err := s.Webhooks.ChatTargets(c.Request.Context(), httpkit.CurrentUser(c))
	httpkit.Respond(c, http.StatusOK, httpkit.ListBody{Data: list, Page: 1, PerPage: len(list), Total: int64(len(list))}, err)
}

func (s *server) apiCreateChatTarget(c *gin.Context) {
	var in chatTargetIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	t, err := s.Webhooks.CreateChatTarget(c.Request.Context(), httpkit.CurrentUser(c), webhooks.ChatInput(in))
	httpkit.Respond(c, http.StatusCreated, t, err)
}

func (s *server) apiChatTarget(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	t, err := s.Webhooks.ChatTarget(c.Request.Context(), httpkit.CurrentUser(c), id)
	httpkit.Respond(c, http.StatusOK, t, err)
}

func (s *server) apiUpdateChatTarget(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	var in chatTargetIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	t, err := s.Webhooks.UpdateChatTarget(c.Request.Context(), httpkit.CurrentUser(c), id, webhooks.ChatInput(in))
	httpkit.Respond(c, http.StatusOK, t, err)
}

func (s *server) apiDeleteChatTarget(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	httpkit.Respond(c, http.StatusNoContent, nil, s.Webhooks.DeleteChatTarget(c.Request.Context(), httpkit.CurrentUser(c), id))
}

// apiTestChatTarget sends a test message now and answers what the robot said.
func (s *server) apiTestChatTarget(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	t, err := s.Webhooks.ChatTarget(c.Request.Context(), httpkit.CurrentUser(c), id)
	if err != nil {
		httpkit.AbortJSON(c, err)
		return
	}
	r := s.TestChat(c.Request.Context(), t)
	httpkit.WriteJSON(c, http.StatusOK, chatTest{OK: r.OK(), StatusCode: r.StatusCode, Error: r.Error, Response: r.Response,
		DurationMS: r.Duration.Milliseconds()})
}

func (s *server) apiChatDeliveries(c *gin.Context) { s.deliveryLog(c, s.Webhooks.ChatDeliveries) }
