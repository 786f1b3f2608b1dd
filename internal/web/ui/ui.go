// Package ui is Keyhold's server-rendered pages: sign-in, accounts, flags, handovers,
// reports and settings in Chinese and English, each form with its CSRF token and field
// errors, view models built in Go (rows.go renders the busiest rows) and the templates of
// /templates. routes.go lists every page and names the area type that serves it.
package ui

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"keyhold/internal/web/api"
	"keyhold/internal/web/httpkit"
)

// UI serves the pages.
type UI struct{ s *server }

type server struct {
	httpkit.Deps
	api     *api.API // the JSON API, whose report downloads the pages offer too
	pages   pageSets
	pickers pickers
}

// New parses the templates and returns the pages over the domain services.
func New(d httpkit.Deps, a *api.API) (*UI, error) {
	pages, err := loadPages()
	if err != nil {
		return nil, err
	}
	return &UI{s: &server{Deps: d, api: a, pages: pages}}, nil
}

// Routes mounts the pages and their forms.
func (u *UI) Routes(r *gin.Engine) { u.s.pageRoutes(r) }

// NotFound answers a page that does not exist.
func (u *UI) NotFound(c *gin.Context) {
	u.s.recognise(c)
	u.s.renderStatus(c, http.StatusNotFound, "notfound", pageData{Data: backTo(c)})
}

// recognise, for an address no route serves, signs in the reader its session cookie names
// (if any) and takes its CSRF token, so that the page keeps the navigation and a working
// sign-out, instead of looking signed out.
func (s *server) recognise(c *gin.Context) {
	if token, err := c.Cookie(csrfCookie); err == nil && len(token) == 32 {
		c.Set(csrfKey, token)
	}
	if cookie, err := c.Cookie(sessionCookie); err == nil {
		if u, claims, err := s.Auth.Authenticate(c.Request.Context(), cookie); err == nil {
			httpkit.SignIn(c, u, claims)
		}
	}
}

// backTo is the page the reader came from on this site (its path and query), for an error
// page's way back; "" when the browser did not say or it was elsewhere.
func backTo(c *gin.Context) string {
	ref, err := url.Parse(c.GetHeader("Referer"))
	if err != nil || ref.Host != c.Request.Host || ref.Path == "" || ref.Path == c.Request.URL.Path {
		return ""
	}
	back := ref.Path
	if ref.RawQuery != "" {
		back += "?" + ref.RawQuery
	}
	return back
}

// Refuse answers err as a page (its status, in the reader's language).
func (u *UI) Refuse(c *gin.Context, err error) { u.s.pageError(c, err) }

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
