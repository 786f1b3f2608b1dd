package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"keyhold/internal/fault"
	"keyhold/internal/staff"
	"keyhold/templates"
)

// pageData is what every page template receives.
type pageData struct {
	Title   string
	Nav     string
	User    *staff.User
	CSRF    string
	Message string            // a notice or error for the whole page
	Form    map[string]string // what the user typed, to show again
	Errors  fault.Fields      // problems per form field
	Data    any               // the page's own data
}

var funcs = template.FuncMap{
	"date": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format("2006-01-02")
	},
	"datetime": func(t any) string {
		switch v := t.(type) {
		case *time.Time:
			if v == nil {
				return ""
			}
			return v.UTC().Format("2006-01-02 15:04")
		case time.Time:
			return v.UTC().Format("2006-01-02 15:04")
		}
		return ""
	},
	"rfc3339": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"money":   money,
}

// money formats a whole amount with thousands separators: 1234567 CNY → "1,234,567 CNY".
func money(v int64, currency string) string {
	s := strconv.FormatInt(v, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if neg {
		out = "-" + out
	}
	return out + " " + currency
}

// loadPages parses, for each page, the layout and partials together with that page into a
// set of its own, so that every page's "content" stays its own.
func loadPages() (map[string]*template.Template, error) {
	files, err := fs.Glob(templates.FS, "pages/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		t, err := template.New(name).Funcs(funcs).ParseFS(templates.FS, "layout.html", "partials/*.html", f)
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render writes a page with status, through a buffer so that a template error never
// leaves half a page on the wire.
func (s *server) renderStatus(c *gin.Context, status int, page string, d pageData) {
	t, ok := s.pages[page]
	if !ok {
		s.pageError(c, fmt.Errorf("no page %q", page))
		return
	}
	if u, ok := staff.ActorFrom(c.Request.Context()); ok {
		d.User = &u
	}
	d.CSRF = c.GetString(csrfKey)
	if d.Form == nil {
		d.Form = map[string]string{}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", d); err != nil {
		s.pageError(c, fmt.Errorf("render %s: %w", page, err))
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

func (s *server) render(c *gin.Context, page string, d pageData) {
	s.renderStatus(c, http.StatusOK, page, d)
}

// pageError shows an error as a page: domain errors with their status and message,
// anything else as a plain "internal error" (logged with the request id).
func (s *server) pageError(c *gin.Context, err error) {
	status, body := errorStatus(c, err)
	if status == http.StatusNotFound {
		s.renderStatus(c, status, "notfound", pageData{Title: "Not found"})
		c.Abort()
		return
	}
	title := http.StatusText(status)
	t := s.pages["error"]
	var buf bytes.Buffer
	d := pageData{Title: title, Message: body.Message, CSRF: c.GetString(csrfKey), Form: map[string]string{}}
	if u, ok := staff.ActorFrom(c.Request.Context()); ok {
		d.User = &u
	}
	if t == nil || t.ExecuteTemplate(&buf, "layout", d) != nil {
		c.Data(status, "text/plain; charset=utf-8", []byte(title))
	} else {
		c.Data(status, "text/html; charset=utf-8", buf.Bytes())
	}
	c.Abort()
}

// formErrors turns a validation error into field errors for a form re-rendered with 422;
// other errors are not form errors.
func formErrors(err error) (fault.Fields, string, bool) {
	e, ok := fault.As(err)
	if !ok || e.Kind != fault.KindInvalid {
		return nil, "", false
	}
	return e.Fields, "Please correct the fields marked below.", true
}
