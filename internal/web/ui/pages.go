package ui

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/fault"
	"keyhold/internal/i18n"
	"keyhold/internal/money"
	"keyhold/internal/picklists"
	"keyhold/internal/staff"
	"keyhold/internal/web/httpkit"
	"keyhold/templates"
)

// pageData is what every page template receives.
type pageData struct {
	Nav     string
	User    *staff.User
	CSRF    string
	Path    string            // the current page, for coming back after switching language
	Message string            // a notice or error for the whole page, already translated
	Notice  bool              // Message is good news rather than an error
	At      string            // the id of the section Message belongs to; "" for the top of the page
	Form    map[string]string // what the user typed, to show again
	Errors  fault.Fields      // problems per form field (English; templates translate)
	Data    any               // the page's own data
	Lists   picklists.Set     // the industries, regions and channels, for their labels
}

// funcsFor returns the template functions in one language.
func funcsFor(l i18n.Lang) template.FuncMap {
	return template.FuncMap{
		"lang": func() i18n.Lang { return l },
		"t":    l.T,
		// label translates a code such as a tier or a role: label "tier" "key".
		"label": func(group string, code any) string { return l.T(group + "." + fmt.Sprint(code)) },
		"msg":   l.Text,
		// days is a number of days kept as a pointer (null: none), for the messages.
		"days": func(p *int) int {
			if p == nil {
				return 0
			}
			return *p
		},
		// pctOf is a rate kept as a pointer (null: nothing to count) as a percentage.
		"pctOf": func(v *float64) string {
			if v == nil {
				return "—"
			}
			return pct(*v)
		},
		"sub": func(a, b int) int { return a - b },
		// sep separates the items of a list in a sentence: ", " or "、".
		"sep": func() string { return l.T("punct.sep") },
		// tel is a phone number as a tel: link dials it: its digits and a leading +.
		"tel": func(phone string) string {
			var b strings.Builder
			for i, r := range phone {
				if r >= '0' && r <= '9' || r == '+' && i == 0 {
					b.WriteRune(r)
				}
			}
			return b.String()
		},
		// same compares two values as text: an id with a form's string, a typed code
		// with a plain one.
		"same": same,
		// selected marks an option chosen when its value is the chosen one:
		// <option value="{{.}}" {{selected . $.Form.tier}}>.
		"selected": func(value, chosen any) template.HTMLAttr {
			if same(value, chosen) {
				return "selected"
			}
			return ""
		},
		// currency names a currency code for the reader: "USD", or "美元" in Chinese.
		"currency": l.Currency,
		"rate":     money.FormatRate,
		"date": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return l.Date(*t)
		},
		"datetime": func(t any) string {
			switch v := t.(type) {
			case *time.Time:
				if v != nil {
					return l.DateTime(*v)
				}
			case time.Time:
				return l.DateTime(v)
			}
			return ""
		},
		"datestr": func(s any) string {
			switch v := s.(type) {
			case string:
				return l.DateString(v)
			case *string:
				if v != nil {
					return l.DateString(*v)
				}
			}
			return ""
		},
		"rfc3339": func(t any) string {
			switch v := t.(type) {
			case *time.Time:
				if v != nil {
					return v.UTC().Format(time.RFC3339)
				}
			case time.Time:
				return v.UTC().Format(time.RFC3339)
			}
			return ""
		},
		"money": l.Money,
		"num":   i18n.Number,
		// pick is the label of a code of a list (industry, region, channel) in l: the code
		// as recorded when it is not on the list.
		"pick": func(set picklists.Set, list, code string) string {
			return set.Label(picklists.List(list), code, l == i18n.Chinese)
		},
		// pickOptions are a list's entries as a select's options, code chosen (kept as an
		// option of its own when it is not on the list); "" for an empty list, which the
		// form then takes as free text.
		"pickOptions": func(set picklists.Set, list, code string) template.HTML {
			return pickOptions(l, set[picklists.List(list)], code)
		},
		// The rows of the busiest tables, written in Go (rows.go).
		"accountRows": func(list []accounts.Account) template.HTML { return accountRows(l, list) },
		"flagRows":    func(t flagTable) template.HTML { return flagRowsHTML(l, t) },
	}
}

// pageSets holds, per language, one template set with every page. A page's "title" and
// "content" are its own — renamed "title:PAGE" and "content:PAGE" as the set is parsed —
// and each page has its own copy of the layout, "layout:PAGE", that calls them. The
// partials and the pages are parsed once per language rather than once per page: a set
// per page (as it was) held 17 MB of parse trees, a third of the heap under load.
type pageSets map[i18n.Lang]pageSet

// pageSet is one language's templates and the pages among them.
type pageSet struct {
	t     *template.Template
	pages map[string]bool
}

// has reports whether page is one of the set's pages.
func (p pageSet) has(page string) bool { return p.pages[page] }

// defines finds the names of a template file's {{define}} blocks.
var defines = regexp.MustCompile(`\{\{-?\s*define\s+"([^"]+)"`)

func loadPages() (pageSets, error) {
	files, err := fs.Glob(templates.FS, "pages/*.html")
	if err != nil {
		return nil, err
	}
	layout, err := fs.ReadFile(templates.FS, "layout.html")
	if err != nil {
		return nil, err
	}
	partials, err := fs.Glob(templates.FS, "partials/*.html")
	if err != nil {
		return nil, err
	}
	// The sources, each page's blocks renamed; a name defined twice would silently
	// replace the other, so it is refused.
	var sources []string
	owner := map[string]string{}
	add := func(file, src string) error {
		for _, m := range defines.FindAllStringSubmatch(src, -1) {
			if other, ok := owner[m[1]]; ok {
				return fmt.Errorf("template %q is defined in %s and in %s", m[1], other, file)
			}
			owner[m[1]] = file
		}
		sources = append(sources, src)
		return nil
	}
	for _, f := range partials {
		b, err := fs.ReadFile(templates.FS, f)
		if err != nil {
			return nil, err
		}
		if err := add(f, string(b)); err != nil {
			return nil, err
		}
	}
	pages := map[string]bool{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		b, err := fs.ReadFile(templates.FS, f)
		if err != nil {
			return nil, err
		}
		page := string(b)
		for _, block := range []string{"title", "content"} {
			if strings.Count(page, `{{define "`+block+`"}}`) != 1 {
				return nil, fmt.Errorf("page %s must define %q once", name, block)
			}
			page = strings.Replace(page, `{{define "`+block+`"}}`, `{{define "`+block+":"+name+`"}}`, 1)
		}
		own := strings.NewReplacer(`{{define "layout"}}`, `{{define "layout:`+name+`"}}`,
			`{{template "title" .}}`, `{{template "title:`+name+`" .}}`,
			`{{template "content" .}}`, `{{template "content:`+name+`" .}}`).Replace(string(layout))
		if err := add(f, page); err != nil {
			return nil, err
		}
		if err := add("layout.html for "+name, own); err != nil {
			return nil, err
		}
		pages[name] = true
	}
	sets := pageSets{}
	for _, l := range i18n.Supported {
		t := template.New("pages").Funcs(funcsFor(l))
		for _, src := range sources {
			if t, err = t.Parse(src); err != nil {
				return nil, fmt.Errorf("parse the pages: %w", err)
			}
		}
		sets[l] = pageSet{t: t, pages: pages}
	}
	return sets, nil
}

// renderStatus writes a page (or, with block set, one named template of it) through a
// buffer, so that a template error never leaves half a page on the wire.
func (s *server) renderStatus(c *gin.Context, status int, page string, d pageData) {
	s.renderBlock(c, status, page, "layout", d)
}

func (s *server) render(c *gin.Context, page string, d pageData) {
	s.renderStatus(c, http.StatusOK, page, d)
}

func (s *server) renderBlock(c *gin.Context, status int, page, block string, d pageData) {
	set := s.pages[httpkit.Lang(c)]
	if !set.has(page) {
		s.pageError(c, fmt.Errorf("no page %q", page))
		return
	}
	if block == "layout" { // the page's own copy
		block = "layout:" + page
	}
	if u, ok := staff.ActorFrom(c.Request.Context()); ok {
		d.User = &u
	}
	d.CSRF = c.GetString(csrfKey)
	d.Path = pagePath(c)
	if d.Lists == nil && s.Picklists != nil {
		// Without the lists a page still shows, with codes for labels (and an error page
		// must not fail on them again).
		lists, err := s.Picklists.All(c.Request.Context())
		if err != nil {
			slog.WarnContext(c.Request.Context(), "picklists unavailable", "err", err)
		}
		d.Lists = lists
	}
	if d.Form == nil {
		d.Form = map[string]string{}
	}
	var buf bytes.Buffer
	if err := set.t.ExecuteTemplate(&buf, block, d); err != nil {
		s.pageError(c, fmt.Errorf("render %s: %w", page, err))
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// dones are the changes a form redirects after (?done=…), each with the id of the
// section its notice shows in ("" for the top of the page).
var dones = map[string]string{"account_created": "", "account_saved": "", "contact_added": "", "contact_saved": "",
	"contact_deleted": "", "user_created": "", "user_saved": "", "merged": "", "list_saved": "",
	"interaction_logged": "interaction-panel", "team_added": "team-section", "team_removed": "team-section",
	"transferred": "transfer-section", "churned": "retention", "reactivated": "retention",
	"complaint_opened": "complaints", "complaint_resolved": "complaints"}

// done gives pd the notice of the change the page was redirected after, if any: every
// create and update says it happened.
func done(c *gin.Context, pd pageData) pageData {
	d := c.Query("done")
	if at, ok := dones[d]; ok {
		pd.Message, pd.Notice, pd.At = httpkit.Lang(c).T("done."+d), true, at
	}
	return pd
}

// errorView is an error page: its status and the page the reader came from.
type errorView struct {
	Status int
	Back   string
}

// pageError shows an error as a page with its status: a domain error says what went
// wrong in the reader's language; anything else is a plain "internal error" (logged with
// the request id).
func (s *server) pageError(c *gin.Context, err error) {
	status, body := httpkit.ErrorStatus(c, err)
	if status == http.StatusNotFound {
		s.renderBlock(c, status, "notfound", "layout", pageData{Data: backTo(c)})
		c.Abort()
		return
	}
	l := httpkit.Lang(c)
	msg := ""
	if status != http.StatusInternalServerError {
		msg = l.Text(body.Message)
	}
	set := s.pages[l]
	d := pageData{Message: msg, CSRF: c.GetString(csrfKey), Path: "/", Form: map[string]string{},
		Data: errorView{Status: status, Back: backTo(c)}}
	if u, ok := staff.ActorFrom(c.Request.Context()); ok {
		d.User = &u
	}
	var buf bytes.Buffer
	if set.t == nil || set.t.ExecuteTemplate(&buf, "layout:error", d) != nil {
		c.Data(status, "text/plain; charset=utf-8", []byte(http.StatusText(status)))
	} else {
		c.Data(status, "text/html; charset=utf-8", buf.Bytes())
	}
	c.Abort()
}

// formErrors turns a validation error into field errors for a form shown again with 422;
// other errors are not form errors.
func formErrors(c *gin.Context, err error) (fault.Fields, string, bool) {
	e, ok := fault.As(err)
	if !ok || e.Kind != fault.KindInvalid {
		return nil, "", false
	}
	return e.Fields, httpkit.Lang(c).T("form.has_errors"), true
}

// formValues reads the named form fields, as typed, for the domain call and to show again.
func formValues(c *gin.Context, names ...string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[n] = c.PostForm(n)
	}
	return m
}

// isHTMX reports whether htmx sent the request (and wants a fragment back).
func isHTMX(c *gin.Context) bool { return c.GetHeader("HX-Request") == "true" }

// pagePath is the page the reader is on: the address asked for by a GET; for a form
// shown again after a POST, or an htmx update, the page the request came from (htmx's
// HX-Current-URL, else the Referer, when on this site); "/" when unknown.
func pagePath(c *gin.Context) string {
	if c.Request.Method == http.MethodGet && !isHTMX(c) {
		return c.Request.URL.RequestURI()
	}
	for _, from := range []string{c.GetHeader("HX-Current-URL"), c.Request.Referer()} {
		if u, err := url.Parse(from); err == nil && u.Path != "" && (u.Host == "" || u.Host == c.Request.Host) {
			return safeNext(u.RequestURI())
		}
	}
	return "/"
}

// same reports whether a and b print the same.
func same(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) }
