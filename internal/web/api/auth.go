package api

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/auth"
	"keyhold/internal/fault"
	"keyhold/internal/web/httpkit"
)

// apiAuth requires a valid bearer credential: a session token, or an API key (khk_…).
func (s *server) apiAuth() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			httpkit.AbortJSON(c, fault.Unauthorized("send Authorization: Bearer TOKEN"))
			return
		}
		token = strings.TrimSpace(token)
		if auth.IsKey(token) {
			u, k, err := s.Auth.AuthenticateKey(c.Request.Context(), token)
			if err != nil {
				httpkit.AbortJSON(c, err)
				return
			}
			httpkit.SignInKey(c, u, k)
			c.Next()
			return
		}
		u, claims, err := s.Auth.Authenticate(c.Request.Context(), token)
		if err != nil {
			httpkit.AbortJSON(c, err)
			return
		}
		httpkit.SignIn(c, u, claims)
		c.Next()
	}
}

// need lets a request with an API key through only when the key carries scope; a session
// may call every route (its role decides, as everywhere).
func (s *server) need(scope auth.Scope) gin.HandlerFunc {
	return func(c *gin.Context) {
		if k, ok := httpkit.APIKey(c); ok && !k.Allows(scope) {
			httpkit.AbortJSON(c, errScope)
			return
		}
		c.Next()
	}
}

var (
	errScope   = fault.Forbidden("this API key lacks the scope this route needs")
	errSession = fault.Forbidden("this route takes a signed-in session, not an API key")
)

// sessionOnly refuses API keys: changing one's own account, users, settings and keys
// takes a person signed in.
func (s *server) sessionOnly() gin.HandlerFunc {
	return func(c *gin.Context) {
		if _, ok := httpkit.APIKey(c); ok {
			httpkit.AbortJSON(c, errSession)
			return
		}
		c.Next()
	}
}

// viewed records, during the reader's notice period, the opening of an account outside
// their own book (handover.NoteView) before any of its reads answers: the account, its
// contacts, interactions, history, team, health, losses or complaints. For everyone else
// it costs a status check.
func (s *server) viewed() gin.HandlerFunc {
	return func(c *gin.Context) {
		actor := httpkit.CurrentUser(c)
		if !accounts.InNotice(actor) {
			c.Next()
			return
		}
		id, err := strconv.ParseInt(c.Param("id"), 10, 64)
		if err == nil {
			err = s.Handover.NoteView(c.Request.Context(), actor, id)
		} else {
			err = nil // not an id: the handler answers 404
		}
		if err != nil {
			httpkit.AbortJSON(c, err)
			return
		}
		c.Next()
	}
}
