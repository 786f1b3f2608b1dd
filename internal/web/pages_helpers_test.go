package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Browser pages, through the real HTTP stack: sign-in and sign-out, CSRF and
// cross-origin refusal, escaping, forms that are shown again with their errors, the
// account list and home pages, static assets and not-found answers.

// pageFixture is a server with a manager, a rep reporting to them and the admin token.
type pageFixture struct {
	ts    *testServer
	admin string
	mgr   user
	rep   user
}

func pageNewFixture(t *testing.T) pageFixture {
	t.Helper()
	ts := newTestServer(t)
	admin := ts.adminToken()
	mgr := ts.mustCreateUser(admin, "Wang Li", "manager", 0)
	rep := ts.mustCreateUser(admin, "Zhang Wei", "sales", mgr.ID)
	return pageFixture{ts: ts, admin: admin, mgr: mgr, rep: rep}
}

// pageSignedIn is a new browser signed in through the login form.
func pageSignedIn(ts *testServer, email, password string) *browser {
	b := ts.browser()
	b.signIn(email, password)
	return b
}

// pageToken is the CSRF token a signed-in browser finds in its forms.
func pageToken(t *testing.T, b *browser) string {
	t.Helper()
	r := b.get("/accounts/new")
	tok := csrfFrom(r.Body)
	if r.Status != http.StatusOK || tok == "" {
		t.Fatalf("no CSRF token on /accounts/new (%d): %s", r.Status, r.Body)
	}
	return tok
}

// pagePost submits a form with extra request headers.
func pagePost(b *browser, target string, form url.Values, headers map[string]string) response {
	b.ts.t.Helper()
	req, err := http.NewRequest("POST", b.ts.URL+target, strings.NewReader(form.Encode()))
	if err != nil {
		b.ts.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return b.do(req)
}

// pageGetWithSession fetches a page on a fresh client that sends only the given session
// cookie, as a replayed (stolen or left-over) cookie would be.
func pageGetWithSession(ts *testServer, target, session string) response {
	ts.t.Helper()
	req, _ := http.NewRequest("GET", ts.URL+target, nil)
	req.AddCookie(&http.Cookie{Name: "keyhold_session", Value: session})
	return ts.browser().do(req)
}

// pageSessionCookie is the value of the session cookie the browser holds ("" if none).
func pageSessionCookie(t *testing.T, b *browser) string {
	t.Helper()
	u, _ := url.Parse(b.ts.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "keyhold_session" {
			return c.Value
		}
	}
	return ""
}

// pageSetCookie returns the Set-Cookie of the named cookie in a response, or nil.
func pageSetCookie(t *testing.T, r response, name string) *http.Cookie {
	t.Helper()
	for _, line := range r.Header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			t.Fatalf("bad Set-Cookie %q: %v", line, err)
		}
		if c.Name == name {
			return c
		}
	}
	return nil
}

// pageWantRedirect fails unless r is a 303 to want (path and query compared as parsed).
func pageWantRedirect(t *testing.T, r response, want string) {
	t.Helper()
	if r.Status != http.StatusSeeOther {
		t.Fatalf("status %d, want 303 to %s: %s", r.Status, want, r.Body)
	}
	got, err := url.Parse(r.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	w, _ := url.Parse(want)
	if got.Host != "" || got.Path != w.Path || got.Query().Encode() != w.Query().Encode() || got.Fragment != w.Fragment {
		t.Fatalf("redirect to %q, want %q", r.Header.Get("Location"), want)
	}
}

// pageTotal is the total of a JSON list.
func pageTotal(ts *testServer, token, target string) int {
	ts.t.Helper()
	return int(ts.must(200, "GET", target, token, nil)["total"].(float64))
}

var pageListedRE = regexp.MustCompile(`<td><a href="/accounts/\d+">([^<]*)</a></td>`)

// pageListed returns the account names listed in the tables of a page, in order.
func pageListed(body string) []string {
	names := []string{}
	for _, m := range pageListedRE.FindAllStringSubmatch(body, -1) {
		names = append(names, html.UnescapeString(m[1]))
	}
	return names
}

// pageFieldError returns the error shown between the form control named field and the
// next label or button ("" when there is none).
func pageFieldError(body, field string) string {
	i := strings.Index(body, `name="`+field+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	for _, stop := range []string{"<label", "<button", "<fieldset"} {
		if j := strings.Index(rest, stop); j >= 0 {
			rest = rest[:j]
		}
	}
	const open = `class="field-error">`
	j := strings.Index(rest, open)
	if j < 0 {
		return ""
	}
	rest = rest[j+len(open):]
	return html.UnescapeString(rest[:strings.Index(rest, "</span>")])
}

var pageInputRE = regexp.MustCompile(`<input[^>]*>`)
var pageValueRE = regexp.MustCompile(`\svalue="([^"]*)"`)

// pageInputValue returns the value shown in the input named name, unescaped.
func pageInputValue(body, name string) (string, bool) {
	for _, tag := range pageInputRE.FindAllString(body, -1) {
		if !strings.Contains(tag, ` name="`+name+`"`) {
			continue
		}
		m := pageValueRE.FindStringSubmatch(tag)
		if m == nil {
			return "", true
		}
		return html.UnescapeString(m[1]), true
	}
	return "", false
}

// pageFormMessage is the notice above a form shown again with field errors.
const pageFormMessage = `<p class="error" role="alert">Please correct the fields marked below.</p>`

func pageSameNames(got, want []string) bool {
	return strings.Join(got, "|") == strings.Join(want, "|")
}
