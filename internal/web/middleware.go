package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"keyhold/internal/audit"
	"keyhold/internal/auth"
	"keyhold/internal/fault"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

const (
	requestIDKey = "request_id"
	claimsKey    = "claims"
	csrfKey      = "csrf"

	sessionCookie = "keyhold_session"
	csrfCookie    = "keyhold_csrf"
	csrfField     = "csrf_token"
	csrfHeader    = "X-CSRF-Token"

	maxBodyBytes = 1 << 20
)

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// requestContext gives each request an id, remembers the client address for the audit
// log, and logs the request when it ends (never its headers: they carry tokens).
func requestContext() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := randomToken()
		c.Set(requestIDKey, id)
		c.Header("X-Request-Id", id)
		ctx := audit.WithRequest(c.Request.Context(), c.ClientIP(), id)
		if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
			ctx = store.ReadOnly(ctx)
		}
		c.Request = c.Request.WithContext(ctx)
		start := time.Now()
		c.Next()
		slog.Debug("request", "id", id, "method", c.Request.Method, "path", c.FullPath(),
			"status", c.Writer.Status(), "duration", time.Since(start))
	}
}

// readQueue lets at most n reading requests (GET and HEAD; static files and /healthz
// aside) work at a time and queues the others in order of arrival. The database's read
// pool has n connections, and database/sql hands a freed connection to a random waiter:
// with 32 requests in flight, each making a few queries, some requests lost that draw
// again and again and waited seconds while the median waited milliseconds. Queued here
// first come, first served, a request mostly finds a connection free for each of its
// queries (writes and the background scan use the pool too, outside the queue). A request
// gives its slot back as soon as it starts to answer, so a slow client holds none while
// its answer crawls out. Writes are not queued: they wait for the single writer, where
// the more of them wait, the more one commit carries (store.Batcher).
func readQueue(n int) gin.HandlerFunc {
	if n <= 0 {
		return func(c *gin.Context) { c.Next() }
	}
	slots := make(chan struct{}, n) // a blocked send on a channel is woken in FIFO order
	return func(c *gin.Context) {
		r := c.Request
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || strings.HasPrefix(r.URL.Path, "/static/") ||
			r.URL.Path == "/healthz" {
			c.Next()
			return
		}
		select {
		case slots <- struct{}{}:
		case <-r.Context().Done():
			c.AbortWithStatus(statusClientClosed)
			return
		}
		var once sync.Once
		release := func() { once.Do(func() { <-slots }) }
		defer release()
		c.Writer = &releasingWriter{ResponseWriter: c.Writer, release: release}
		c.Next()
	}
}

// releasingWriter gives a read slot back at the first byte of the answer.
type releasingWriter struct {
	gin.ResponseWriter
	release func()
}

func (w *releasingWriter) WriteHeader(code int) { w.release(); w.ResponseWriter.WriteHeader(code) }

func (w *releasingWriter) Write(b []byte) (int, error) { w.release(); return w.ResponseWriter.Write(b) }

func (w *releasingWriter) WriteString(s string) (int, error) {
	w.release()
	return w.ResponseWriter.WriteString(s)
}

// securityHeaders forbids inline script, framing and MIME sniffing on every answer.
func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "+
			"img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		c.Next()
	}
}

// limitBody caps request bodies; reading past the cap fails and is answered 413.
func limitBody() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > maxBodyBytes {
			c.AbortWithStatusJSON(http.StatusRequestEntityTooLarge,
				gin.H{"error": apiError{Code: "too_large", Message: "request body is too large"}})
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBodyBytes)
		c.Next()
	}
}

// signIn stores the user and the token's claims for the handlers and domain code.
func signIn(c *gin.Context, u staff.User, claims auth.Claims) {
	c.Set(claimsKey, claims)
	c.Request = c.Request.WithContext(staff.WithActor(c.Request.Context(), u))
}

// currentUser is the signed-in user; routes behind an auth middleware always have one.
func currentUser(c *gin.Context) staff.User {
	u, _ := staff.ActorFrom(c.Request.Context())
	return u
}

// apiAuth requires a valid bearer token.
func (s *server) apiAuth() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			abortJSON(c, fault.Unauthorized("send Authorization: Bearer TOKEN"))
			return
		}
		u, claims, err := s.Auth.Authenticate(c.Request.Context(), strings.TrimSpace(token))
		if err != nil {
			abortJSON(c, err)
			return
		}
		signIn(c, u, claims)
		c.Next()
	}
}

// pageAuth requires a valid session cookie; without one the browser goes to sign in and
// comes back to the page it asked for.
func (s *server) pageAuth() gin.HandlerFunc {
	return func(c *gin.Context) {
		cookie, err := c.Cookie(sessionCookie)
		if err == nil {
			u, claims, err := s.Auth.Authenticate(c.Request.Context(), cookie)
			if err == nil {
				signIn(c, u, claims)
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
			token = randomToken()
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
		HttpOnly: true, Secure: c.Request.TLS != nil, SameSite: http.SameSiteLaxMode,
	})
}
