package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"keyhold/internal/auth"
	"keyhold/internal/web/httpkit"
)

// keyAnswer is a new key: what the list shows, and the secret, this once.
type keyAnswer struct {
	auth.Key
	Secret string `json:"secret"`
}

func (s *server) apiKeys(c *gin.Context) {
	keys, err := s.Auth.Keys(c.Request.Context(), httpkit.CurrentUser(c))
	httpkit.Respond(c, http.StatusOK, httpkit.ListBody{Data: keys, Page: 1, PerPage: len(keys), Total: int64(len(keys))}, err)
}

// createKeyIn is the body of apiCreateKey.
type createKeyIn struct {
	Name      string     `json:"name"`
	Scopes    []string   `json:"scopes"`
	ExpiresAt *time.Time `json:"expires_at"`
}

func (s *server) apiCreateKey(c *gin.Context) {
	var in createKeyIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	k, secret, err := s.Auth.CreateKey(c.Request.Context(), httpkit.CurrentUser(c), auth.NewKey(in))
	httpkit.Respond(c, http.StatusCreated, keyAnswer{Key: k, Secret: secret}, err)
}

func (s *server) apiRevokeKey(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	httpkit.Respond(c, http.StatusNoContent, nil, s.Auth.RevokeKey(c.Request.Context(), httpkit.CurrentUser(c), id))
}
