// Package api is Keyhold's JSON API under /api/v1 (API.md) and the calendar feeds:
// handlers that read the request, call the domain packages and answer JSON (or CSV and
// iCalendar where asked), through web/httpkit's one error mapping.
package api

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/gin-gonic/gin"

	"keyhold/internal/fault"
	"keyhold/internal/store"
	"keyhold/internal/web/httpkit"
)

// API serves the JSON API.
type API struct{ s *server }

type server struct {
	httpkit.Deps
	// flagParts holds encoded health parts of flags (flagJSON): the flagged accounts in
	// both languages, a few MB at most.
	flagParts *store.Cache[flagKey, []byte]
	openapi   []byte // the OpenAPI document, made once
}

// New returns the API over the domain services.
func New(d httpkit.Deps) (*API, error) {
	s := &server{Deps: d, flagParts: store.NewCache[flagKey, []byte](4096)}
	doc, err := s.document(Base)
	if err == nil {
		s.openapi, err = json.Marshal(doc)
	}
	if err != nil {
		return nil, fmt.Errorf("OpenAPI document: %w", err)
	}
	return &API{s: s}, nil
}

// Base is where the API is mounted.
const Base = "/api/v1"

// Routes mounts the API on g (/api/v1).
func (a *API) Routes(g *gin.RouterGroup) { a.s.apiRoutes(g) }

// CalendarFeed answers GET /calendar/:file, a signed-in user's iCalendar feed.
func (a *API) CalendarFeed(c *gin.Context) { a.s.calendarFeed(c) }

// Reports are the names of the reports that can be downloaded (GET /api/v1/reports/NAME,
// and the pages' /reports/NAME.csv), in order.
func Reports() []string {
	names := make([]string, 0, len(reportExports))
	for name := range reportExports {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// DownloadReport writes the named report as CSV for the pages' download links, as the
// API's ?format=csv does (downloadReport). An error is left to the caller to answer.
func (a *API) DownloadReport(c *gin.Context, name string) error {
	x, ok := reportExports[name]
	if !ok {
		return fault.NotFound("report", name)
	}
	return a.s.downloadReport(c, x)
}

// DownloadImportErrors writes the rows of an import that have errors as a sheet, for the
// pages' download link, as GET /api/v1/imports/:id/errors does.
func (a *API) DownloadImportErrors(c *gin.Context, id int64, format string) error {
	return a.s.downloadImportErrors(c, id, format)
}
