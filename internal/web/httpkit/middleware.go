package httpkit

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"keyhold/internal/audit"
	"keyhold/internal/auth"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

// Keys of what a request carries in its gin context.
const (
	RequestIDKey = "request_id"
	ClaimsKey    = "claims" // the signed-in token's auth.Claims
)

// maxBodyBytes caps a request's body.
const maxBodyBytes = 1 << 20

// RandomToken is 128 random bits in hex: request ids, CSRF tokens.
func RandomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// requestContext gives each request an id, remembers the client address for the audit
// log, and logs the request when it ends (never its headers: they carry tokens).
func RequestContext(observe func(route, method string, status int, took time.Duration)) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := RandomToken()
		c.Set(RequestIDKey, id)
		c.Header("X-Request-Id", id)
		ctx := audit.WithRequest(c.Request.Context(), c.ClientIP(), id)
		if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
			ctx = store.ReadOnly(ctx)
		}
		c.Request = c.Request.WithContext(ctx)
		start := time.Now()
		c.Next()
		took := time.Since(start)
		if observe != nil {
			observe(c.FullPath(), c.Request.Method, c.Writer.Status(), took)
		}
		slog.Debug("request", "id", id, "method", c.Request.Method, "path", c.FullPath(),
			"status", c.Writer.Status(), "duration", took)
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
func ReadQueue(n int) gin.HandlerFunc {
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
			c.AbortWithStatus(StatusClientClosed)
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
func SecurityHeaders() gin.HandlerFunc {
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

// MaxUpload caps the body of a sheet's upload (a hundred thousand rows of XLSX take 5 MB,
// of CSV 12 MB).
const MaxUpload = 32 << 20

// uploads are the routes that take a file, and so MaxUpload.
var uploads = map[string]bool{"/api/v1/imports": true, "/imports": true}

// limitBody caps request bodies; reading past the cap fails and is answered 413.
func LimitBody() gin.HandlerFunc {
	return func(c *gin.Context) {
		limit := int64(maxBodyBytes)
		if c.Request.Method == http.MethodPost && uploads[c.Request.URL.Path] {
			limit = MaxUpload
		}
		if c.Request.ContentLength > limit {
			c.AbortWithStatusJSON(http.StatusRequestEntityTooLarge,
				gin.H{"error": APIError{Code: "too_large", Message: "request body is too large"}})
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		c.Next()
	}
}

// signIn stores the user and the token's claims for the handlers and domain code.
func SignIn(c *gin.Context, u staff.User, claims auth.Claims) {
	c.Set(ClaimsKey, claims)
	c.Request = c.Request.WithContext(staff.WithActor(c.Request.Context(), u))
}

// SignInKey stores the owner of an API key, and the key, for the handlers and domain code.
func SignInKey(c *gin.Context, u staff.User, k auth.Key) {
	c.Set(apiKeyKey, k)
	c.Request = c.Request.WithContext(staff.WithActor(c.Request.Context(), u))
}

const apiKeyKey = "keyhold.api_key"

// APIKey is the key the request came with, if it came with one rather than a session.
func APIKey(c *gin.Context) (auth.Key, bool) {
	v, ok := c.Get(apiKeyKey)
	if !ok {
		return auth.Key{}, false
	}
	k, ok := v.(auth.Key)
	return k, ok
}

// currentUser is the signed-in user; routes behind an auth middleware always have one.
func CurrentUser(c *gin.Context) staff.User {
	u, _ := staff.ActorFrom(c.Request.Context())
	return u
}
