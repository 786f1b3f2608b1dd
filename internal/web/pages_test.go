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

func TestPageSignedOutRedirectsToLoginAndBack(t *testing.T) {
	ts := newTestServer(t)
	pages := []string{"/", "/accounts", "/accounts/1", "/accounts/new", "/accounts?tier=key&overdue=true"}
	for _, p := range pages {
		t.Run("signed out "+p, func(t *testing.T) {
			r := ts.browser().get(p)
			pageWantRedirect(t, r, "/login?next="+url.QueryEscape(p))
		})
		t.Run("back to "+p+" after signing in", func(t *testing.T) {
			b := ts.browser()
			login := b.get("/login?next=" + url.QueryEscape(p))
			if login.Status != 200 || !strings.Contains(string(login.Body), `name="next" value="`+strings.ReplaceAll(p, "&", "&amp;")+`"`) {
				t.Fatalf("login form does not carry next=%s (%d): %s", p, login.Status, login.Body)
			}
			r := b.post("/login", map[string][]string{"email": {adminEmail}, "password": {adminPassword},
				"next": {p}, "csrf_token": {csrfFrom(login.Body)}})
			pageWantRedirect(t, r, p)
		})
	}

	offSite := []string{"//evil.example", "https://evil.example", "http://evil.example/accounts", `/\evil.example`, "javascript:alert(1)", "",
		// Browsers drop tabs and newlines from a URL: "/\t/evil.example" would become "//evil.example".
		"/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/\t\\evil.example"}
	for _, next := range offSite {
		t.Run("off-site next "+next+" goes home", func(t *testing.T) {
			b := ts.browser()
			login := b.get("/login?next=" + url.QueryEscape(next))
			r := b.post("/login", map[string][]string{"email": {adminEmail}, "password": {adminPassword},
				"next": {next}, "csrf_token": {csrfFrom(login.Body)}})
			pageWantRedirect(t, r, "/")
		})
	}

	t.Run("signed-in visit to login goes on to next, but never off-site", func(t *testing.T) {
		b := pageSignedIn(ts, adminEmail, adminPassword)
		pageWantRedirect(t, b.get("/login?next=%2Faccounts"), "/accounts")
		pageWantRedirect(t, b.get("/login?next=%2F%2Fevil.example"), "/")
		pageWantRedirect(t, b.get("/login?next=%2F%09%2Fevil.example"), "/")
	})
}

func TestPageLoginForm(t *testing.T) {
	f := pageNewFixture(t)
	ts := f.ts

	t.Run("wrong password shows the form again with the e-mail kept", func(t *testing.T) {
		b := ts.browser()
		login := b.get("/login?next=%2Faccounts")
		r := b.post("/login", map[string][]string{"email": {f.rep.Email}, "password": {"not-the-password"},
			"next": {"/accounts"}, "csrf_token": {csrfFrom(login.Body)}})
		body := string(r.Body)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422: %s", r.Status, body)
		}
		if !strings.Contains(body, `name="email" type="email" autocomplete="username" required value="`+f.rep.Email+`"`) {
			t.Errorf("typed e-mail not kept: %s", body)
		}
		if !strings.Contains(body, `class="error" role="alert">Wrong e-mail or password.<`) {
			t.Errorf("no error shown: %s", body)
		}
		if !strings.Contains(body, `name="next" value="/accounts"`) {
			t.Errorf("next not kept: %s", body)
		}
		if strings.Contains(body, "not-the-password") {
			t.Errorf("the typed password is echoed back")
		}
		if c := pageSetCookie(t, r, "keyhold_session"); c != nil && c.Value != "" {
			t.Errorf("a failed sign-in set a session cookie: %v", c)
		}
		pageWantRedirect(t, b.get("/"), "/login?next=%2F")
	})

	t.Run("unknown e-mail is the same answer, typed input escaped", func(t *testing.T) {
		b := ts.browser()
		login := b.get("/login")
		typed := `x"><script>alert(1)</script>@example.com`
		r := b.post("/login", map[string][]string{"email": {typed}, "password": {"whatever-123"},
			"csrf_token": {csrfFrom(login.Body)}})
		body := string(r.Body)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(body, "Wrong e-mail or password.") {
			t.Fatalf("status %d: %s", r.Status, body)
		}
		if strings.Contains(body, "<script>alert(1)</script>") || !strings.Contains(body, "&lt;script&gt;") {
			t.Errorf("typed e-mail not escaped: %s", body)
		}
	})

	t.Run("session cookie is HttpOnly, SameSite=Lax, Path=/, not Secure over HTTP", func(t *testing.T) {
		b := ts.browser()
		login := b.get("/login")
		r := b.post("/login", map[string][]string{"email": {f.rep.Email}, "password": {testPassword},
			"csrf_token": {csrfFrom(login.Body)}})
		pageWantRedirect(t, r, "/")
		c := pageSetCookie(t, r, "keyhold_session")
		if c == nil || c.Value == "" {
			t.Fatalf("no session cookie set: %v", r.Header.Values("Set-Cookie"))
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
			t.Errorf("session cookie attributes: HttpOnly=%v SameSite=%v Path=%q Secure=%v",
				c.HttpOnly, c.SameSite, c.Path, c.Secure)
		}
		if c.MaxAge <= 0 {
			t.Errorf("session cookie Max-Age %d", c.MaxAge)
		}
		// Signing in gives a fresh CSRF token, with the same cookie attributes.
		cs := pageSetCookie(t, r, "keyhold_csrf")
		if cs == nil || cs.Value == "" || cs.Value == csrfFrom(login.Body) {
			t.Errorf("CSRF token not renewed at sign-in: %v", cs)
		} else if cs.SameSite != http.SameSiteLaxMode || cs.Path != "/" || cs.Secure {
			t.Errorf("CSRF cookie attributes: %v", cs)
		}
		home := b.get("/")
		if home.Status != 200 || !strings.Contains(string(home.Body), "Zhang Wei") {
			t.Fatalf("home after sign-in (%d): %s", home.Status, home.Body)
		}
	})
}

func TestPageCSRFAndCrossOrigin(t *testing.T) {
	f := pageNewFixture(t)
	ts := f.ts
	accID := ts.mustCreateAccount(f.rep.Token, map[string]any{"name": "Suzhou Textile", "tier": "key"})
	b := pageSignedIn(ts, f.rep.Email, testPassword)
	tok := pageToken(t, b)
	other := pageSignedIn(ts, f.mgr.Email, testPassword)
	otherTok := pageToken(t, other)
	if otherTok == tok {
		t.Fatal("two browsers got the same CSRF token")
	}

	interactions := func() int { return pageTotal(ts, f.rep.Token, path("/api/v1/accounts/%d/interactions", accID)) }
	accountCount := func() int { return pageTotal(ts, f.admin, "/api/v1/accounts") }
	signedIn := func() bool { return b.get("/").Status == http.StatusOK }

	forms := []struct {
		name      string
		target    string
		form      url.Values
		unchanged func() bool
	}{
		{"log an interaction", path("/accounts/%d/interactions", accID),
			url.Values{"kind": {"call"}, "summary": {"Forged call"}},
			func() bool { return interactions() == 0 }},
		{"create an account", "/accounts",
			url.Values{"name": {"Forged Ltd"}, "tier": {"key"}},
			func() bool { return accountCount() == 1 }},
		{"sign out", "/logout", url.Values{},
			signedIn},
	}
	refusals := []struct {
		name    string
		token   string
		headers map[string]string
	}{
		{"without a token", "", nil},
		{"with a wrong token", "0123456789abcdef0123456789abcdef", nil},
		{"with another browser's token", otherTok, nil},
		{"with a wrong token in the header", "", map[string]string{"X-CSRF-Token": "0123456789abcdef0123456789abcdef"}},
		{"cross-site, valid token", tok, map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{"from another origin, valid token", tok, map[string]string{"Origin": "https://evil.example"}},
		{"from another origin, valid header token", "", map[string]string{"Origin": "https://evil.example", "X-CSRF-Token": tok}},
	}
	for _, fm := range forms {
		for _, rf := range refusals {
			t.Run(fm.name+" "+rf.name+" is refused", func(t *testing.T) {
				form := url.Values{}
				for k, v := range fm.form {
					form[k] = v
				}
				if rf.token != "" {
					form.Set("csrf_token", rf.token)
				}
				r := pagePost(b, fm.target, form, rf.headers)
				if r.Status != http.StatusForbidden {
					t.Fatalf("status %d, want 403: %s", r.Status, r.Body)
				}
				if !fm.unchanged() {
					t.Fatalf("a refused request changed something")
				}
			})
		}
	}

	t.Run("a replayed session cookie without the CSRF cookie is refused", func(t *testing.T) {
		req, _ := http.NewRequest("POST", ts.URL+path("/accounts/%d/interactions", accID),
			strings.NewReader(url.Values{"kind": {"call"}, "summary": {"Forged"}, "csrf_token": {tok}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "keyhold_session", Value: pageSessionCookie(t, b)})
		r := ts.browser().do(req)
		if r.Status != http.StatusForbidden || interactions() != 0 {
			t.Fatalf("status %d, interactions %d", r.Status, interactions())
		}
	})

	t.Run("with the right token the interaction is logged and shows on the timeline", func(t *testing.T) {
		r := b.post(path("/accounts/%d/interactions", accID), map[string][]string{"kind": {"call"},
			"summary": {"Discussed renewal terms"}, "csrf_token": {tok}})
		pageWantRedirect(t, r, path("/accounts/%d#timeline", accID))
		if interactions() != 1 {
			t.Fatalf("interactions: %d", interactions())
		}
		page := string(b.get(path("/accounts/%d", accID)).Body)
		i := strings.Index(page, `id="timeline"`)
		if i < 0 || !strings.Contains(page[i:], `<p class="summary">Discussed renewal terms</p>`) {
			t.Fatalf("not on the timeline: %s", page)
		}
		got := ts.must(200, "GET", path("/api/v1/accounts/%d/interactions", accID), f.rep.Token, nil)["data"].([]any)[0].(map[string]any)
		if got["kind"] != "call" || got["author_id"].(float64) != float64(f.rep.ID) {
			t.Fatalf("logged: %v", got)
		}
	})

	t.Run("the token is also accepted in the X-CSRF-Token header", func(t *testing.T) {
		r := pagePost(b, path("/accounts/%d/interactions", accID),
			url.Values{"kind": {"email"}, "summary": {"Sent the quote"}}, map[string]string{"X-CSRF-Token": tok})
		pageWantRedirect(t, r, path("/accounts/%d#timeline", accID))
		if interactions() != 2 {
			t.Fatalf("interactions: %d", interactions())
		}
	})

	t.Run("same-origin request with the right token is accepted", func(t *testing.T) {
		r := pagePost(b, "/accounts", url.Values{"name": {"Ningbo Ports"}, "tier": {"growth"}, "csrf_token": {tok}},
			map[string]string{"Origin": ts.URL, "Sec-Fetch-Site": "same-origin"})
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/accounts/") {
			t.Fatalf("status %d %q: %s", r.Status, r.Header.Get("Location"), r.Body)
		}
		if accountCount() != 2 {
			t.Fatalf("accounts: %d", accountCount())
		}
	})

	t.Run("sign out with the right token", func(t *testing.T) {
		pageWantRedirect(t, b.post("/logout", map[string][]string{"csrf_token": {tok}}), "/login")
		if signedIn() {
			t.Fatal("still signed in")
		}
	})
}

func TestPageEscaping(t *testing.T) {
	f := pageNewFixture(t)
	ts := f.ts
	const evilName = `<script>alert(1)</script>`
	const evilSummary = `<img src=x onerror=alert(2)> & "quoted"`
	accID := ts.mustCreateAccount(f.rep.Token, map[string]any{"name": evilName, "tier": "key",
		"industry": `<b>Manufacturing</b>`})
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", accID), f.rep.Token, map[string]any{
		"kind": "note", "summary": evilSummary, "next_step": `<a href="javascript:alert(3)">x</a>`})
	ts.must(201, "POST", path("/api/v1/accounts/%d/contacts", accID), f.rep.Token, map[string]any{
		"name": `<svg onload=alert(4)>`, "title": "CEO"})
	b := pageSignedIn(ts, f.rep.Email, testPassword)

	for _, p := range []string{"/", "/accounts", "/accounts?q=" + url.QueryEscape("<script>"), path("/accounts/%d", accID)} {
		t.Run(p, func(t *testing.T) {
			r := b.get(p)
			body := string(r.Body)
			if r.Status != 200 {
				t.Fatalf("status %d: %s", r.Status, body)
			}
			if strings.Contains(body, evilName) || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Errorf("account name not escaped: %s", body)
			}
		})
	}
	t.Run("interaction, next step, contact and industry on the account page", func(t *testing.T) {
		body := string(b.get(path("/accounts/%d", accID)).Body)
		for _, raw := range []string{"<img src=x", `<a href="javascript`, "<svg", "<b>Manufacturing"} {
			if strings.Contains(body, raw) {
				t.Errorf("raw %q on the page", raw)
			}
		}
		for _, esc := range []string{"&lt;img src=x onerror=alert(2)&gt; &amp; &#34;quoted&#34;", "&lt;svg onload=alert(4)&gt;",
			"&lt;b&gt;Manufacturing&lt;/b&gt;", "&lt;a href=&#34;javascript:alert(3)&#34;&gt;"} {
			if !strings.Contains(body, esc) {
				t.Errorf("escaped %q not on the page: %s", esc, body)
			}
		}
	})
	t.Run("a search term is escaped in the search box", func(t *testing.T) {
		body := string(b.get("/accounts?q=" + url.QueryEscape(`"><script>alert(5)</script>`)).Body)
		if strings.Contains(body, "<script>alert(5)") || !strings.Contains(body, `value="&#34;&gt;&lt;script&gt;alert(5)&lt;/script&gt;"`) {
			t.Errorf("search term not escaped: %s", body)
		}
	})
}

func TestPageSecurityHeaders(t *testing.T) {
	f := pageNewFixture(t)
	accID := f.ts.mustCreateAccount(f.rep.Token, map[string]any{"name": "Hefei Motors", "tier": "key"})
	b := pageSignedIn(f.ts, f.rep.Email, testPassword)
	pages := []struct {
		path      string
		status    int
		signedIn  bool
		anonymous bool
	}{
		{"/login", 200, false, true},
		{"/", 200, true, false},
		{"/accounts", 200, true, false},
		{"/accounts/new", 200, true, false},
		{path("/accounts/%d", accID), 200, true, false},
		{"/no-such-page", 404, true, false},
	}
	for _, p := range pages {
		t.Run(p.path, func(t *testing.T) {
			var r response
			if p.anonymous {
				r = f.ts.browser().get(p.path)
			} else {
				r = b.get(p.path)
			}
			if r.Status != p.status {
				t.Fatalf("status %d, want %d", r.Status, p.status)
			}
			csp := r.Header.Get("Content-Security-Policy")
			directives := map[string]string{}
			for _, d := range strings.Split(csp, ";") {
				d = strings.TrimSpace(d)
				name, value, _ := strings.Cut(d, " ")
				directives[name] = value
			}
			if directives["frame-ancestors"] != "'none'" {
				t.Errorf("CSP frame-ancestors: %q", csp)
			}
			script, ok := directives["script-src"]
			if !ok {
				script, ok = directives["default-src"]
			}
			if !ok || strings.Contains(script, "unsafe-inline") || strings.Contains(script, "unsafe-eval") || strings.Contains(script, "*") {
				t.Errorf("CSP script-src: %q", csp)
			}
			if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options: %q", got)
			}
			if got := r.Header.Get("Referrer-Policy"); got == "" || got == "unsafe-url" {
				t.Errorf("Referrer-Policy: %q", got)
			}
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("Content-Type: %q", ct)
			}
			if p.signedIn && !strings.Contains(r.Header.Get("Cache-Control"), "no-store") {
				t.Errorf("a signed-in page may be cached: Cache-Control %q", r.Header.Get("Cache-Control"))
			}
			// The CSP forbids inline script: every script must come from a file.
			for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(string(r.Body), -1) {
				if !strings.Contains(tag, ` src="/static/`) {
					t.Errorf("inline or foreign script %q", tag)
				}
			}
			if strings.Contains(strings.ToLower(string(r.Body)), " onclick=") || strings.Contains(string(r.Body), "style=\"") {
				t.Errorf("inline handler or style on the page")
			}
		})
	}
}

func TestPageInteractionFormErrors(t *testing.T) {
	f := pageNewFixture(t)
	ts := f.ts
	accID := ts.mustCreateAccount(f.rep.Token, map[string]any{"name": "Xiamen Shipping", "tier": "key"})
	b := pageSignedIn(ts, f.rep.Email, testPassword)
	tok := pageToken(t, b)
	target := path("/accounts/%d/interactions", accID)
	apiPath := path("/api/v1/accounts/%d/interactions", accID)

	cases := []struct {
		name    string
		form    map[string]string
		field   string
		wantErr string
		kept    map[string]string // control name → the typed value shown again
	}{
		{"empty summary", map[string]string{"kind": "visit", "summary": "  "}, "summary", "required", nil},
		{"kind not in the list", map[string]string{"kind": "telepathy", "summary": "Thought about them hard"},
			"kind", "must be one of", map[string]string{"summary": "Thought about them hard"}},
		{"occurred in the future", map[string]string{"kind": "call", "summary": "Call that has not happened",
			"occurred_at": "2026-03-11T09:00"}, "occurred_at", "future",
			map[string]string{"summary": "Call that has not happened", "occurred_at": "2026-03-11T09:00"}},
		{"occurred at is not a time", map[string]string{"kind": "call", "summary": "Some call", "occurred_at": "yesterday"},
			"occurred_at", "date and time", map[string]string{"summary": "Some call", "occurred_at": "yesterday"}},
		{"next step due without a next step", map[string]string{"kind": "call", "summary": "Talked <prices>",
			"next_step_due": "2026-03-20"}, "next_step", "required", map[string]string{"summary": "Talked <prices>", "next_step_due": "2026-03-20"}},
		{"local time that is in the future in UTC", map[string]string{"kind": "call", "summary": "Late call",
			"occurred_at": "2026-03-10T16:30", "tz_offset": "0"}, "occurred_at", "future", map[string]string{"summary": "Late call"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			form := map[string][]string{"csrf_token": {tok}}
			for k, v := range c.form {
				form[k] = []string{v}
			}
			r := b.post(target, form)
			body := string(r.Body)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422: %s", r.Status, body)
			}
			if got := pageFieldError(body, c.field); !strings.Contains(got, c.wantErr) {
				t.Errorf("error next to %s: %q, want %q: %s", c.field, got, c.wantErr, body)
			}
			if !strings.Contains(body, pageFormMessage) {
				t.Errorf("no message for the whole form")
			}
			for name, v := range c.kept {
				esc := html.EscapeString(v)
				if name == "summary" {
					if !strings.Contains(body, `name="summary" rows="3" required>`+esc+`</textarea>`) {
						t.Errorf("summary %q not kept: %s", v, body)
					}
					continue
				}
				if got, _ := pageInputValue(body, name); got != v {
					t.Errorf("%s %q not kept, shown %q", name, v, got)
				}
			}
			if c.form["kind"] == "visit" && !strings.Contains(body, `<option value="visit" selected>`) {
				t.Errorf("chosen kind not kept")
			}
			if n := pageTotal(ts, f.rep.Token, apiPath); n != 0 {
				t.Fatalf("an invalid form wrote %d interactions", n)
			}
			if !strings.Contains(body, "Xiamen Shipping") {
				t.Errorf("the account page is not shown again")
			}
		})
	}

	t.Run("a time typed in the browser's zone is stored in UTC", func(t *testing.T) {
		// 16:30 in UTC+8 (getTimezoneOffset -480) is 08:30 UTC: in the past.
		r := b.post(target, map[string][]string{"csrf_token": {tok}, "kind": {"call"}, "summary": {"Morning call"},
			"occurred_at": {"2026-03-10T16:30"}, "tz_offset": {"-480"}})
		pageWantRedirect(t, r, path("/accounts/%d#timeline", accID))
		got := ts.must(200, "GET", apiPath, f.rep.Token, nil)["data"].([]any)
		if len(got) != 1 || got[0].(map[string]any)["occurred_at"] != "2026-03-10T08:30:00Z" {
			t.Fatalf("stored: %v", got)
		}
	})

	t.Run("unknown account is 404", func(t *testing.T) {
		r := b.post("/accounts/999999/interactions", map[string][]string{"csrf_token": {tok}, "kind": {"call"}, "summary": {"x"}})
		if r.Status != http.StatusNotFound {
			t.Fatalf("status %d", r.Status)
		}
	})
}

func TestPageCreateAccountForm(t *testing.T) {
	f := pageNewFixture(t)
	ts := f.ts
	b := pageSignedIn(ts, f.rep.Email, testPassword)
	tok := pageToken(t, b)
	count := func() int { return pageTotal(ts, f.admin, "/api/v1/accounts") }

	t.Run("the new-account form", func(t *testing.T) {
		body := string(b.get("/accounts/new").Body)
		for _, want := range []string{`action="/accounts"`, `name="name"`, `name="tier"`, `name="annual_value"`,
			`<option value="standard" selected>`, `name="currency" value="CNY"`} {
			if !strings.Contains(body, want) {
				t.Errorf("no %s on the form", want)
			}
		}
	})

	cases := []struct {
		name    string
		form    map[string]string
		field   string
		wantErr string
	}{
		{"empty name", map[string]string{"name": "", "tier": "key", "industry": "Retail", "annual_value": "5000"}, "name", "required"},
		{"annual value is not a number", map[string]string{"name": "Chengdu Foods", "tier": "growth", "industry": "Food",
			"annual_value": "abc"}, "annual_value", "whole number"},
		{"negative annual value", map[string]string{"name": "Chengdu Foods", "tier": "growth", "annual_value": "-5"},
			"annual_value", "negative"},
		{"unknown tier", map[string]string{"name": "Chengdu Foods", "tier": "platinum", "annual_value": "10"}, "tier", "must be"},
		{"bad renewal date", map[string]string{"name": "Chengdu Foods", "tier": "key", "renewal_date": "31/12/2026"},
			"renewal_date", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			form := map[string][]string{"csrf_token": {tok}}
			for k, v := range c.form {
				form[k] = []string{v}
			}
			r := b.post("/accounts", form)
			body := string(r.Body)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422: %s", r.Status, body)
			}
			if got := pageFieldError(body, c.field); got == "" || !strings.Contains(got, c.wantErr) {
				t.Errorf("error next to %s: %q, want %q: %s", c.field, got, c.wantErr, body)
			}
			if !strings.Contains(body, pageFormMessage) {
				t.Errorf("no message for the whole form")
			}
			for _, name := range []string{"name", "industry", "annual_value", "renewal_date"} {
				v, ok := c.form[name]
				if got, found := pageInputValue(body, name); ok && (!found || got != v) {
					t.Errorf("%s %q not kept: %s", name, v, body)
				}
			}
			if tier := c.form["tier"]; tier != "platinum" && !strings.Contains(body, `<option value="`+tier+`" selected>`) {
				t.Errorf("chosen tier %q not kept", tier)
			}
			if n := count(); n != 0 {
				t.Fatalf("an invalid form created %d accounts", n)
			}
		})
	}

	t.Run("a valid form creates the account and shows it", func(t *testing.T) {
		r := b.post("/accounts", map[string][]string{"csrf_token": {tok}, "name": {"杭州云帆科技"}, "tier": {"key"},
			"industry": {"Software"}, "region": {"East China"}, "annual_value": {"1,200,000"}, "currency": {"CNY"},
			"renewal_date": {"2026-12-31"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		loc := r.Header.Get("Location")
		m := regexp.MustCompile(`^/accounts/(\d+)$`).FindStringSubmatch(loc)
		if m == nil {
			t.Fatalf("redirect to %q", loc)
		}
		if count() != 1 {
			t.Fatalf("accounts: %d", count())
		}
		got := ts.must(200, "GET", "/api/v1"+loc, f.rep.Token, nil)
		if got["name"] != "杭州云帆科技" || got["tier"] != "key" || got["annual_value"].(float64) != 1200000 ||
			got["owner_id"].(float64) != float64(f.rep.ID) || got["renewal_date"] != "2026-12-31" || got["region"] != "East China" {
			t.Fatalf("created: %v", got)
		}
		page := b.get(loc)
		if page.Status != 200 || !strings.Contains(string(page.Body), "<h1>杭州云帆科技</h1>") ||
			!strings.Contains(string(page.Body), "CNY 1,200,000") {
			t.Fatalf("account page (%d): %s", page.Status, page.Body)
		}
	})
}

func TestPageSignOutRevokesTheSession(t *testing.T) {
	f := pageNewFixture(t)
	ts := f.ts
	b := pageSignedIn(ts, f.rep.Email, testPassword)
	session := pageSessionCookie(t, b)
	if session == "" {
		t.Fatal("no session cookie after signing in")
	}
	// The replay works while the session is live, so a refusal later means revocation.
	if r := pageGetWithSession(ts, "/accounts", session); r.Status != http.StatusOK {
		t.Fatalf("replayed live session: status %d", r.Status)
	}
	tok := pageToken(t, b)

	r := b.post("/logout", map[string][]string{"csrf_token": {tok}})
	pageWantRedirect(t, r, "/login")
	if c := pageSetCookie(t, r, "keyhold_session"); c == nil || c.MaxAge >= 0 || c.Value != "" {
		t.Errorf("session cookie not cleared: %v", r.Header.Values("Set-Cookie"))
	}
	pageWantRedirect(t, b.get("/"), "/login?next=%2F")

	for _, p := range []string{"/", "/accounts", "/accounts/new"} {
		pageWantRedirect(t, pageGetWithSession(ts, p, session), "/login?next="+url.QueryEscape(p))
	}
	// The login page does not take the revoked cookie for a session either.
	if r := pageGetWithSession(ts, "/login?next=%2Faccounts", session); r.Status != http.StatusOK {
		t.Errorf("login page with a revoked cookie: status %d", r.Status)
	}
	// The browser cookie carries the same token as the API: it is revoked there too.
	if r := ts.call("GET", "/api/v1/me", session, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("revoked session on the API: status %d", r.Status)
	}
	// A revoked session cannot post either.
	req, _ := http.NewRequest("POST", ts.URL+"/accounts", strings.NewReader(url.Values{"name": {"Ghost"}, "tier": {"key"},
		"csrf_token": {tok}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "keyhold_session", Value: session})
	req.AddCookie(&http.Cookie{Name: "keyhold_csrf", Value: tok})
	if r := ts.browser().do(req); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("post with revoked session: %d %q", r.Status, r.Header.Get("Location"))
	}
	if n := pageTotal(ts, f.admin, "/api/v1/accounts"); n != 0 {
		t.Errorf("revoked session created an account")
	}
	// The revocation survives a restart.
	ts2 := ts.restart()
	pageWantRedirect(t, pageGetWithSession(ts2, "/", session), "/login?next=%2F")

	// Signing in again works.
	b2 := pageSignedIn(ts2, f.rep.Email, testPassword)
	if r := b2.get("/"); r.Status != 200 {
		t.Fatalf("signed in again: %d", r.Status)
	}
}

func TestPageAccountsList(t *testing.T) {
	f := pageNewFixture(t)
	ts := f.ts
	ts.mustCreateAccount(f.rep.Token, map[string]any{"name": "Alpha Steel", "tier": "key"})
	beta := ts.mustCreateAccount(f.rep.Token, map[string]any{"name": "Beta Foods", "tier": "key"})
	ts.mustCreateAccount(f.rep.Token, map[string]any{"name": "Gamma Alpha Tools", "tier": "standard"})
	// Beta was called yesterday: not overdue. The others were never contacted: overdue.
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", beta), f.rep.Token, map[string]any{
		"kind": "call", "summary": "Check-in", "occurred_at": "2026-03-09T10:00:00Z"})
	b := pageSignedIn(ts, f.rep.Email, testPassword)

	cases := []struct {
		query string
		want  []string
		total int
	}{
		{"", []string{"Alpha Steel", "Beta Foods", "Gamma Alpha Tools"}, 3},
		{"?q=Alpha", []string{"Alpha Steel", "Gamma Alpha Tools"}, 2},
		{"?q=Beta+Foods", []string{"Beta Foods"}, 1},
		{"?q=%25", []string{}, 0},
		{"?q=nothing-like-it", []string{}, 0},
		{"?overdue=true", []string{"Alpha Steel", "Gamma Alpha Tools"}, 2},
		{"?tier=key", []string{"Alpha Steel", "Beta Foods"}, 2},
		{"?tier=key&overdue=true", []string{"Alpha Steel"}, 1},
		{"?tier=standard&q=Alpha", []string{"Gamma Alpha Tools"}, 1},
		{"?owner_id=" + path("%d", f.mgr.ID), []string{}, 0},
	}
	for _, c := range cases {
		t.Run("accounts"+c.query, func(t *testing.T) {
			r := b.get("/accounts" + c.query)
			body := string(r.Body)
			if r.Status != 200 {
				t.Fatalf("status %d: %s", r.Status, body)
			}
			if got := pageListed(body); !pageSameNames(got, c.want) {
				t.Errorf("listed %v, want %v", got, c.want)
			}
			if !strings.Contains(body, path(`<span class="count">%d</span>`, c.total)) {
				t.Errorf("total %d not shown", c.total)
			}
			if len(c.want) == 0 && !strings.Contains(body, "No accounts.") {
				t.Errorf("an empty list says nothing")
			}
		})
	}

	t.Run("the filter form shows the filter in use", func(t *testing.T) {
		body := string(b.get("/accounts?q=Alpha&tier=key&overdue=true").Body)
		for _, want := range []string{`name="q" type="search" value="Alpha"`, `<option value="key" selected>`,
			`name="overdue" value="true" checked`} {
			if !strings.Contains(body, want) {
				t.Errorf("no %s", want)
			}
		}
	})

	t.Run("a bad filter is an error page, not a crash", func(t *testing.T) {
		r := b.get("/accounts?tier=platinum")
		if r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusBadRequest {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
		}
	})

	linkRE := regexp.MustCompile(`<a href="([^"]*)" rel="(prev|next)">`)
	links := func(body string) map[string]string {
		m := map[string]string{}
		for _, l := range linkRE.FindAllStringSubmatch(body, -1) {
			m[l[2]] = html.UnescapeString(l[1])
		}
		return m
	}
	t.Run("pages of two", func(t *testing.T) {
		body := string(b.get("/accounts?per_page=2").Body)
		if got := pageListed(body); !pageSameNames(got, []string{"Alpha Steel", "Beta Foods"}) {
			t.Fatalf("page 1: %v", got)
		}
		l := links(body)
		if _, ok := l["prev"]; ok || l["next"] == "" || !strings.Contains(body, "Page 1 of 2") {
			t.Fatalf("page 1 links %v: %s", l, body)
		}
		next, _ := url.Parse(l["next"])
		if next.Path != "/accounts" || next.Query().Get("page") != "2" || next.Query().Get("per_page") != "2" {
			t.Fatalf("next link %q", l["next"])
		}
		body = string(b.get(l["next"]).Body)
		if got := pageListed(body); !pageSameNames(got, []string{"Gamma Alpha Tools"}) {
			t.Fatalf("page 2: %v", got)
		}
		l = links(body)
		if _, ok := l["next"]; ok || l["prev"] == "" || !strings.Contains(body, "Page 2 of 2") {
			t.Fatalf("page 2 links %v", l)
		}
		prev, _ := url.Parse(l["prev"])
		if prev.Query().Get("page") != "1" || prev.Query().Get("per_page") != "2" {
			t.Fatalf("prev link %q", l["prev"])
		}
	})
	t.Run("page links keep the filters", func(t *testing.T) {
		body := string(b.get("/accounts?tier=key&per_page=1&q=a").Body)
		l := links(body)
		next, err := url.Parse(l["next"])
		if err != nil || l["next"] == "" {
			t.Fatalf("no next link: %s", body)
		}
		q := next.Query()
		if q.Get("tier") != "key" || q.Get("q") != "a" || q.Get("per_page") != "1" || q.Get("page") != "2" {
			t.Fatalf("next link %q", l["next"])
		}
	})
	t.Run("no page links when everything fits", func(t *testing.T) {
		body := string(b.get("/accounts?per_page=3").Body)
		if l := links(body); len(l) != 0 || strings.Contains(body, `class="pager"`) {
			t.Fatalf("links %v", l)
		}
	})
}

func TestPageHome(t *testing.T) {
	f := pageNewFixture(t)
	ts := f.ts
	rep2 := ts.mustCreateUser(f.admin, "Amy Chen", "sales", f.mgr.ID)
	ts.mustCreateAccount(f.rep.Token, map[string]any{"name": "Rep Key Overdue", "tier": "key"})
	ts.mustCreateAccount(f.rep.Token, map[string]any{"name": "Rep Standard Overdue", "tier": "standard"})
	soon := ts.mustCreateAccount(f.rep.Token, map[string]any{"name": "Rep Key Due Soon", "tier": "key"})
	// Called ten days ago on a 14-day cadence: due in four days.
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", soon), f.rep.Token, map[string]any{
		"kind": "call", "summary": "Quarterly review", "occurred_at": "2026-02-28T09:00:00Z"})
	ts.mustCreateAccount(rep2.Token, map[string]any{"name": "Amy Key Overdue", "tier": "key"})
	ts.mustCreateAccount(rep2.Token, map[string]any{"name": "Amy Growth Overdue", "tier": "growth"})

	sections := func(t *testing.T, body string) (overdue, dueSoon []string) {
		t.Helper()
		i := strings.Index(body, "Due in the next 7 days")
		j := strings.Index(body, "All my accounts")
		if i < 0 || j < i {
			t.Fatalf("no due-soon section: %s", body)
		}
		return pageListed(body[:i]), pageListed(body[i:j])
	}

	t.Run("a rep sees their own overdue and due-soon accounts", func(t *testing.T) {
		b := pageSignedIn(ts, f.rep.Email, testPassword)
		body := string(b.get("/").Body)
		if !strings.Contains(body, "<h1>My accounts</h1>") {
			t.Errorf("heading: %s", body)
		}
		overdue, dueSoon := sections(t, body)
		if !pageSameNames(overdue, []string{"Rep Key Overdue", "Rep Standard Overdue"}) {
			t.Errorf("overdue %v", overdue)
		}
		if !pageSameNames(dueSoon, []string{"Rep Key Due Soon"}) {
			t.Errorf("due soon %v", dueSoon)
		}
	})
	t.Run("another rep sees only theirs", func(t *testing.T) {
		b := pageSignedIn(ts, rep2.Email, testPassword)
		overdue, dueSoon := sections(t, string(b.get("/").Body))
		if !pageSameNames(overdue, []string{"Amy Growth Overdue", "Amy Key Overdue"}) && !pageSameNames(overdue, []string{"Amy Key Overdue", "Amy Growth Overdue"}) {
			t.Errorf("overdue %v", overdue)
		}
		if len(dueSoon) != 0 {
			t.Errorf("due soon %v", dueSoon)
		}
	})
	t.Run("a manager sees their team's load and the overdue key accounts", func(t *testing.T) {
		b := pageSignedIn(ts, f.mgr.Email, testPassword)
		body := string(b.get("/").Body)
		if !strings.Contains(body, "<h1>Team overview</h1>") {
			t.Errorf("heading: %s", body)
		}
		i := strings.Index(body, "Key accounts overdue for contact")
		if i < 0 {
			t.Fatalf("no overdue section: %s", body)
		}
		team, overdue := body[:i], pageListed(body[i:])
		for _, who := range []string{"Zhang Wei", "Amy Chen"} {
			if !strings.Contains(team, who) {
				t.Errorf("%s missing from the team table", who)
			}
		}
		got := strings.Join(overdue, "|")
		if len(overdue) != 2 || !strings.Contains(got, "Rep Key Overdue") || !strings.Contains(got, "Amy Key Overdue") {
			t.Errorf("overdue %v", overdue)
		}
	})
}

func TestPageStaticAssetsAndNoExternalURLs(t *testing.T) {
	f := pageNewFixture(t)
	accID := f.ts.mustCreateAccount(f.rep.Token, map[string]any{"name": "Wuxi Cables", "tier": "key"})
	anon := f.ts.browser()
	for _, a := range []struct{ path, ctype string }{
		{"/static/style.css", "text/css"},
		{"/static/app.js", "javascript"},
	} {
		t.Run(a.path, func(t *testing.T) {
			r := anon.get(a.path)
			if r.Status != 200 || len(r.Body) == 0 {
				t.Fatalf("status %d, %d bytes", r.Status, len(r.Body))
			}
			if ct := r.Header.Get("Content-Type"); !strings.Contains(ct, a.ctype) {
				t.Errorf("Content-Type %q", ct)
			}
			if r.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("no nosniff on a static file")
			}
		})
	}
	if r := anon.get("/static/no-such.js"); r.Status != http.StatusNotFound {
		t.Errorf("missing static file: status %d", r.Status)
	}

	b := pageSignedIn(f.ts, f.rep.Email, testPassword)
	attrRE := regexp.MustCompile(`(?i)\b(src|href|action)\s*=\s*"([^"]*)"`)
	for _, p := range []string{"/login", "/", "/accounts", "/accounts/new", path("/accounts/%d", accID), "/nope"} {
		t.Run("no external URL on "+p, func(t *testing.T) {
			client := b
			if p == "/login" {
				client = anon
			}
			body := string(client.get(p).Body)
			attrs := attrRE.FindAllStringSubmatch(body, -1)
			if len(attrs) == 0 {
				t.Fatalf("no links at all: %s", body)
			}
			for _, m := range attrs {
				v := strings.ToLower(html.UnescapeString(m[2]))
				if strings.HasPrefix(v, "http:") || strings.HasPrefix(v, "https:") || strings.HasPrefix(v, "//") {
					t.Errorf("external %s=%q", m[1], m[2])
				}
				if strings.HasPrefix(v, "/static/") {
					if r := anon.get(m[2]); r.Status != 200 {
						t.Errorf("%s is %d", m[2], r.Status)
					}
				}
			}
			for _, want := range []string{`href="/static/style.css"`, `src="/static/app.js"`} {
				if !strings.Contains(body, want) {
					t.Errorf("layout does not reference %s", want)
				}
			}
		})
	}
}

func TestPageNotFound(t *testing.T) {
	f := pageNewFixture(t)
	b := pageSignedIn(f.ts, f.rep.Email, testPassword)
	for _, p := range []string{"/no-such-page", "/accounts/999999", "/accounts/not-a-number", "/accounts/1/nope"} {
		t.Run("page "+p, func(t *testing.T) {
			r := b.get(p)
			if r.Status != http.StatusNotFound {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("Content-Type %q", ct)
			}
			if body := string(r.Body); !strings.Contains(body, "<h1>Not found</h1>") || !strings.Contains(body, "<!doctype html>") {
				t.Errorf("not a not-found page: %s", body)
			}
		})
	}
	for _, p := range []string{"/api/v1/no-such-route", "/api/v1/accounts/1/nope"} {
		t.Run("api "+p, func(t *testing.T) {
			for _, token := range []string{"", f.rep.Token} {
				r := f.ts.call("GET", p, token, nil)
				if r.Status != http.StatusNotFound {
					t.Fatalf("status %d: %s", r.Status, r.Body)
				}
				if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("Content-Type %q", ct)
				}
				if code := r.errorCode(t); code != "not_found" {
					t.Errorf("error code %q: %s", code, r.Body)
				}
				if e, _ := r.json(t)["error"].(map[string]any); e["message"] == "" || e["message"] == nil {
					t.Errorf("no message: %s", r.Body)
				}
			}
		})
	}
	t.Run("api record that does not exist", func(t *testing.T) {
		r := f.ts.call("GET", "/api/v1/accounts/999999", f.rep.Token, nil)
		if r.Status != http.StatusNotFound || r.errorCode(t) != "not_found" {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
	})
}
