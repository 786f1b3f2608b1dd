package ui

import (
	"crypto/subtle"
	"net/http"

	"github.com/gin-gonic/gin"

	"keyhold/internal/fault"
	"keyhold/internal/web/httpkit"
)

const (
	csrfKey = "csrf"

	sessionCookie = "keyhold_session"
	csrfCookie    = "keyhold_csrf"
	csrfField     = "csrf_token"
	csrfHeader    = "X-CSRF-Token"
)

// pageAuth requires a valid session cookie; without one the browser goes to sign in and
// comes back to the page it asked for.
func (s *server) pageAuth() gin.HandlerFunc {
	return func(c *gin.Context) {
		cookie, err := c.Cookie(sessionCookie)
		if err == nil {
			u, claims, err := s.Auth.Authenticate(c.Request.Context(), cookie)
			if err == nil {
				httpkit.SignIn(c, u, claims)
				c.Next()
				return
			}
			if !fault.Is(err, fault.KindUnauthorized) {
				s.pageError(c, err)
				return
			}
		}
		next := "/"
		if c.Request.Method == http.MethodGet {
			next = c.Request.URL.RequestURI()
		}
		if isHTMX(c) {
			// An in-place update must not swap the sign-in page into part of a page: the
			// whole browser goes to sign in, and comes back to the page it was on.
			c.Header("HX-Redirect", "/login?next="+urlQueryEscape(pagePath(c)))
			c.AbortWithStatus(http.StatusUnauthorized)
			return
		}
		c.Redirect(http.StatusSeeOther, "/login?next="+urlQueryEscape(next))
		c.Abort()
	}
}

// csrf gives every browser a random token in a cookie and requires it back, in a form
// field or the X-CSRF-Token header (htmx), on every request that can change state.
func (s *server) csrf() gin.HandlerFunc {
	return func(c *gin.Context) {
		token, err := c.Cookie(csrfCookie)
		if err != nil || len(token) != 32 {
			token = httpkit.RandomToken()
			s.setCookie(c, csrfCookie, token, 0)
		}
		c.Set(csrfKey, token)
		switch c.Request.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			c.Next()
			return
		}
		sent := c.GetHeader(csrfHeader)
		if sent == "" {
			sent = c.PostForm(csrfField)
		}
		// Without the cookie the token was just made up: nothing sent can match it.
		if subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
			s.pageError(c, fault.Forbidden(csrfMessage))
			return
		}
		c.Next()
	}
}

const csrfMessage = "the form has expired or did not come from Keyhold; go back, reload the page and try again"

// setCookie sets an HttpOnly, SameSite=Lax cookie for the whole site, Secure under TLS.
// maxAge 0 makes a browser-session cookie; negative deletes it.
func (s *server) setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.HTTPS(c), SameSite: http.SameSiteLaxMode,
	})
}
