package api

import (
	"strings"

	"github.com/gin-gonic/gin"

	"keyhold/internal/fault"
	"keyhold/internal/web/httpkit"
)

// apiAuth requires a valid bearer token.
func (s *server) apiAuth() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			httpkit.AbortJSON(c, fault.Unauthorized("send Authorization: Bearer TOKEN"))
			return
		}
		u, claims, err := s.Auth.Authenticate(c.Request.Context(), strings.TrimSpace(token))
		if err != nil {
			httpkit.AbortJSON(c, err)
			return
		}
		httpkit.SignIn(c, u, claims)
		c.Next()
	}
}
