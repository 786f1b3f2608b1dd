package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"keyhold/internal/opt"
	"keyhold/internal/outbox"
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

func (s *server) apiDeliveries(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	q := httpkit.NewQuery(c)
	status, page := q.Str("status"), q.Page()
	if !q.OK() {
		return
	}
	list, total, err := s.Webhooks.Deliveries(c.Request.Context(), httpkit.CurrentUser(c), id, status, page)
	httpkit.RespondList(c, page, list, total, err)
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
