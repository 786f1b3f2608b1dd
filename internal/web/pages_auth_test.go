package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

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
		pageWantRedirect(t, r, path("/accounts/%d?done=interaction_logged#interaction-panel", accID))
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
		pageWantRedirect(t, r, path("/accounts/%d?done=interaction_logged#interaction-panel", accID))
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

func TestPageExpiredSessionDuringHTMX(t *testing.T) {
	f := pageNewFixture(t)
	b := pageSignedIn(f.ts, f.rep.Email, testPassword)
	tok := pageToken(t, b)
	f.ts.Clock.Advance(13 * time.Hour) // the session has expired
	req, _ := http.NewRequest("POST", f.ts.URL+"/accounts/1/interactions", strings.NewReader("kind=call&summary=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Current-URL", f.ts.URL+"/accounts/1?tab=x")
	req.Header.Set("X-CSRF-Token", tok)
	r := b.do(req)
	if r.Status != http.StatusUnauthorized || r.Header.Get("HX-Redirect") != "/login?next=%2Faccounts%2F1%3Ftab%3Dx" || len(r.Body) != 0 {
		t.Fatalf("htmx with an expired session: %d %q %q", r.Status, r.Header.Get("HX-Redirect"), r.Body)
	}
}
