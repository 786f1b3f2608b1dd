// Package web is Keyhold's HTTP face: the Gin router, which mounts the JSON API
// (web/api) under /api/v1 and the server-rendered pages (web/ui), behind the middleware
// they share (web/httpkit). Handlers are thin: they read the request, call the domain
// packages, and render the answer.
package web

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"keyhold/internal/fault"
	"keyhold/internal/web/api"
	"keyhold/internal/web/httpkit"
	"keyhold/internal/web/ui"
	"keyhold/static"
)

// Deps are what the web layer serves.
type Deps = httpkit.Deps

// Handler is the whole application over HTTP, and the list of its routes.
type Handler struct {
	http.Handler
	routes []string
}

// Routes lists every route the router serves, as "METHOD /path" (what the route × role
// test walks, so that a route added without a row fails it).
func (h *Handler) Routes() []string { return h.routes }

// New returns the HTTP handler for the whole application.
func New(d Deps) (*Handler, error) {
	gin.SetMode(gin.ReleaseMode)
	jsonAPI, err := api.New(d)
	if err != nil {
		return nil, err
	}
	pages, err := ui.New(d, jsonAPI)
	if err != nil {
		return nil, err
	}
	r := gin.New()
	r.MaxMultipartMemory = 1 << 20 // an uploaded sheet goes to a temporary file, not memory
	// Only the socket's address counts, unless it is a trusted proxy's
	// (KEYHOLD_TRUSTED_PROXIES): then its X-Forwarded-For names the client, so the login
	// limits count clients, not the proxy, and nobody else can invent an address.
	if err := r.SetTrustedProxies(d.ProxyList()); err != nil {
		return nil, err
	}
	r.HandleMethodNotAllowed = false
	r.Use(gin.CustomRecovery(func(c *gin.Context, rec any) {
		httpkit.AbortJSON(c, panicError{rec})
	}))
	r.Use(httpkit.RequestContext(d.Observe), httpkit.SecurityHeaders(), httpkit.LimitBody(), httpkit.ReadQueue(d.Readers))
	r.NoRoute(func(c *gin.Context) {
		if isAPI(c) {
			c.AbortWithStatusJSON(http.StatusNotFound, gin.H{"error": httpkit.APIError{Code: "not_found", Message: "no such route"}})
			return
		}
		pages.NotFound(c)
	})

	r.GET("/healthz", healthz(d))
	r.GET("/calendar/:file", jsonAPI.CalendarFeed)
	jsonAPI.Routes(r.Group(api.Base))
	r.GET("/api/docs", apiDocs)
	if d.Metrics != nil && d.MetricsToken != "" {
		r.GET("/metrics", metricsFor(d.Metrics, d.MetricsToken))
	}
	pages.Routes(r)

	// Browsers say where a request came from; refuse cross-origin state changes outright,
	// on top of the CSRF token: JSON for the API, the Forbidden page, in the reader's
	// language, for the browser.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusForbidden)
			_ = json.NewEncoder(w).Encode(gin.H{"error": httpkit.APIError{Code: "forbidden", Message: crossOriginMessage}})
			return
		}
		c, _ := gin.CreateTestContext(w) // a context to reuse the page rendering; nothing else
		c.Request = r
		pages.Refuse(c, fault.Forbidden(crossOriginMessage))
	}))
	h := &Handler{Handler: cop.Handler(r)}
	for _, rt := range r.Routes() {
		h.routes = append(h.routes, rt.Method+" "+rt.Path)
	}
	return h, nil
}

const crossOriginMessage = "the request came from another site and was refused"

type panicError struct{ v any }

func (p panicError) Error() string { return "panic" }

// healthz answers whether the database is reachable.
func healthz(d Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := d.Ping(c.Request.Context()); err != nil {
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable"})
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	}
}

func isAPI(c *gin.Context) bool {
	p := c.Request.URL.Path
	return len(p) >= 7 && p[:7] == "/api/v1"
}

// apiDocs serves the API reference: Swagger UI, vendored under /static, over the OpenAPI
// document.
func apiDocs(c *gin.Context) {
	c.FileFromFS("apidocs.html", http.FS(static.FS))
}

// metricsFor serves the metrics on the main address to a bearer of the token.
func metricsFor(h http.Handler, token string) gin.HandlerFunc {
	want := []byte("Bearer " + token)
	return func(c *gin.Context) {
		if subtle.ConstantTimeCompare([]byte(c.GetHeader("Authorization")), want) != 1 {
			c.Header("WWW-Authenticate", `Bearer realm="metrics"`)
			c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"error": httpkit.APIError{Code: "unauthorized",
				Message: "the metrics need their token"}})
			return
		}
		h.ServeHTTP(c.Writer, c.Request)
	}
}
