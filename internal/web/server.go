// Package web is Keyhold's HTTP face: the Gin router, the JSON API under /api/v1 and
// the server-rendered pages. Handlers are thin: they read the request, call the domain
// packages, and render the answer. What the API and the pages share about HTTP (the
// request's context, the error mapping, JSON answers, parameters) is in web/httpkit.
package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"keyhold/internal/fault"
	"keyhold/internal/web/api"
	"keyhold/internal/web/httpkit"
)

// Deps are what the web layer serves.
type Deps = httpkit.Deps

type server struct {
	Deps
	api     *api.API // the JSON API, whose report downloads the pages offer too
	pages   pageSets
	pickers pickers
}

// New returns the HTTP handler for the whole application.
func New(d Deps) (http.Handler, error) {
	gin.SetMode(gin.ReleaseMode)
	pages, err := loadPages()
	if err != nil {
		return nil, err
	}
	jsonAPI := api.New(d)
	s := &server{Deps: d, api: jsonAPI, pages: pages}
	r := gin.New()
	// Only the socket's address counts: X-Forwarded-For is not trusted, so the login rate
	// limit cannot be dodged by inventing addresses.
	if err := r.SetTrustedProxies(nil); err != nil {
		return nil, err
	}
	r.HandleMethodNotAllowed = false
	r.Use(gin.CustomRecovery(func(c *gin.Context, rec any) {
		httpkit.AbortJSON(c, panicError{rec})
	}))
	r.Use(httpkit.RequestContext(), httpkit.SecurityHeaders(), httpkit.LimitBody(), httpkit.ReadQueue(d.Readers))
	r.NoRoute(s.notFound)

	r.GET("/healthz", s.healthz)
	r.GET("/calendar/:file", jsonAPI.CalendarFeed)
	jsonAPI.Routes(r.Group("/api/v1"))
	s.pageRoutes(r)

	// Browsers say where a request came from; refuse cross-origin state changes outright,
	// on top of the CSRF token.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(s.crossOriginDenied))
	return cop.Handler(r), nil
}

// crossOriginDenied answers a state change that came from another site: JSON for the
// API, the Forbidden page, in the reader's language, for the browser.
func (s *server) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		_ = json.NewEncoder(w).Encode(gin.H{"error": httpkit.APIError{Code: "forbidden", Message: crossOriginMessage}})
		return
	}
	c, _ := gin.CreateTestContext(w) // a context to reuse the page rendering; nothing else
	c.Request = r
	s.pageError(c, fault.Forbidden(crossOriginMessage))
}

const crossOriginMessage = "the request came from another site and was refused"

type panicError struct{ v any }

func (p panicError) Error() string { return "panic" }

func (s *server) healthz(c *gin.Context) {
	if err := s.Ping(c.Request.Context()); err != nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

func (s *server) notFound(c *gin.Context) {
	if isAPI(c) {
		c.AbortWithStatusJSON(http.StatusNotFound, gin.H{"error": httpkit.APIError{Code: "not_found", Message: "no such route"}})
		return
	}
	s.renderStatus(c, http.StatusNotFound, "notfound", pageData{})
}

func isAPI(c *gin.Context) bool {
	p := c.Request.URL.Path
	return len(p) >= 7 && p[:7] == "/api/v1"
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
