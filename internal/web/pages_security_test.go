package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

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

// A page that does not exist, or may not be seen, keeps the navigation and the sign-out of
// the reader signed in, and offers the way back to the page they came from.
func TestErrorPagesKeepTheWayBack(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	b := pageSignedIn(ts, tm.leaver.Email, testPassword)
	for path, status := range map[string]int{"/no-such-page": 404, "/accounts/999999": 404, "/admin/users": 403} {
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		req.Header.Set("Referer", ts.URL+"/accounts?tier=key")
		r := b.do(req)
		page := string(r.Body)
		if r.Status != status || !strings.Contains(page, `<nav aria-label=`) || !strings.Contains(page, `action="/logout"`) ||
			!strings.Contains(page, `href="/accounts?tier=key"`) || csrfFrom(r.Body) == "" {
			t.Errorf("%s: %d, navigation, sign-out, way back and token: %v %v %v %v", path, r.Status, strings.Contains(page, `<nav aria-label=`),
				strings.Contains(page, `action="/logout"`), strings.Contains(page, `href="/accounts?tier=key"`), csrfFrom(r.Body) != "")
		}
	}
	// From another site, no way back to it.
	req, _ := http.NewRequest("GET", ts.URL+"/no-such-page", nil)
	req.Header.Set("Referer", "https://elsewhere.example/x")
	if page := string(b.do(req).Body); strings.Contains(page, "elsewhere") {
		t.Error("a link back to another site")
	}
}
