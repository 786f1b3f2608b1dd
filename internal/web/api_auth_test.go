package web_test

import (
	"encoding/base64"
	"encoding/json"
	"keyhold/internal/store/storetest"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestLogin(t *testing.T) {
	ts := newTestServer(t)
	cases := []struct {
		name     string
		body     any
		status   int
		code     string
		hasToken bool
	}{
		{"the bootstrap admin signs in", map[string]string{"email": adminEmail, "password": adminPassword}, 200, "", true},
		{"e-mail is not case-sensitive", map[string]string{"email": "ADMIN@Example.com", "password": adminPassword}, 200, "", true},
		{"wrong password", map[string]string{"email": adminEmail, "password": "nope-nope-nope"}, 401, "unauthorized", false},
		{"unknown e-mail", map[string]string{"email": "who@example.com", "password": adminPassword}, 401, "unauthorized", false},
		{"malformed JSON", `{"email":`, 400, "invalid_json", false},
		{"wrong types", `{"email":1,"password":2}`, 400, "invalid_json", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ts.call("POST", "/api/v1/auth/login", "", c.body)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Body)
			}
			if c.code != "" && r.errorCode(t) != c.code {
				t.Fatalf("code %q, want %q", r.errorCode(t), c.code)
			}
			if c.hasToken {
				m := r.json(t)
				if m["token"] == "" || m["expires_at"] == nil || m["user"].(map[string]any)["email"] != adminEmail {
					t.Fatalf("login answer: %s", r.Body)
				}
				if strings.Contains(string(r.Body), "password") {
					t.Fatalf("login answer leaks a password field: %s", r.Body)
				}
			}
		})
	}
}

func TestLoginRateLimit(t *testing.T) {
	ts := newTestServer(t)
	bad := map[string]string{"email": adminEmail, "password": "wrong-password"}
	for i := 0; i < 10; i++ {
		if r := ts.call("POST", "/api/v1/auth/login", "", bad); r.Status != 401 {
			t.Fatalf("attempt %d: status %d", i+1, r.Status)
		}
	}
	r := ts.call("POST", "/api/v1/auth/login", "", bad)
	if r.Status != 429 || r.errorCode(t) != "rate_limited" {
		t.Fatalf("11th failure: %d %s", r.Status, r.Body)
	}
	// Even the right password is refused while limited: guessing stays closed.
	r = ts.call("POST", "/api/v1/auth/login", "", map[string]string{"email": adminEmail, "password": adminPassword})
	if r.Status != 429 {
		t.Fatalf("right password while limited: %d", r.Status)
	}
	// The window refills with time.
	ts.Clock.Advance(15 * time.Minute)
	ts.must(200, "POST", "/api/v1/auth/login", "", map[string]string{"email": adminEmail, "password": adminPassword})
}

func TestTokensRefused(t *testing.T) {
	ts := newTestServer(t)
	good := ts.adminToken()
	ts.must(200, "GET", "/api/v1/me", good, nil)

	parts := strings.Split(good, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	// Claim to be user 2 with the original signature.
	tampered := claims
	tampered["sub"] = "2"
	tamperedTok := parts[0] + "." + enc(tampered) + "." + parts[2]
	none := enc(map[string]string{"alg": "none", "typ": "JWT"}) + "." + parts[1] + "."
	otherKey, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": "1", "iss": "keyhold", "jti": "x", "tv": 1, "exp": time.Now().Add(time.Hour).Unix(),
	}).SignedString([]byte("some-other-secret-that-is-long-enough"))

	cases := map[string]string{
		"no token":               "",
		"garbage":                "not-a-token",
		"tampered payload":       tamperedTok,
		"alg none":               none,
		"signed with other key":  otherKey,
		"absurdly long":          strings.Repeat("a", 5000),
		"signature stripped":     parts[0] + "." + parts[1] + ".",
		"header swapped to none": enc(map[string]string{"alg": "none"}) + "." + parts[1] + "." + parts[2],
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			r := ts.call("GET", "/api/v1/me", tok, nil)
			if r.Status != 401 || r.errorCode(t) != "unauthorized" {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
		})
	}

	t.Run("expired", func(t *testing.T) {
		// Known good first (its signature checked once and kept), then past its expiry.
		ts.must(200, "GET", "/api/v1/me", good, nil)
		ts.Clock.Advance(12*time.Hour + time.Minute)
		if r := ts.call("GET", "/api/v1/me", good, nil); r.Status != 401 {
			t.Fatalf("expired token: %d", r.Status)
		}
	})
}

func TestPasswordChangeRevokesTokens(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	rep := ts.mustCreateUser(admin, "Li Na", "sales", 0)
	ts.must(200, "GET", "/api/v1/me", rep.Token, nil)
	ts.must(200, "PATCH", path("/api/v1/users/%d", rep.ID), admin, map[string]any{"password": "a-new-password-1"})
	if r := ts.call("GET", "/api/v1/me", rep.Token, nil); r.Status != 401 {
		t.Fatalf("old token after password change: %d", r.Status)
	}
	ts.login(rep.Email, "a-new-password-1")
}

func TestSecretPersistsAcrossRestart(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.adminToken()
	ts2 := ts.restart()
	ts2.must(200, "GET", "/api/v1/me", tok, nil)
}

func TestUsers(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	mgr := ts.mustCreateUser(admin, "Wang Li", "manager", 0)
	rep := ts.mustCreateUser(admin, "Zhang Wei", "sales", mgr.ID)

	t.Run("only an admin creates users", func(t *testing.T) {
		for _, tok := range []string{mgr.Token, rep.Token} {
			r := ts.call("POST", "/api/v1/users", tok, map[string]any{"name": "X", "email": "x@example.com", "password": testPassword, "role": "sales"})
			if r.Status != 403 || r.errorCode(t) != "forbidden" {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
		}
		ts.must(404, "GET", "/api/v1/users/999", admin, nil)
	})
	t.Run("validation", func(t *testing.T) {
		r := ts.call("POST", "/api/v1/users", admin, map[string]any{"name": "", "email": "nope", "password": "short", "role": "boss"})
		if r.Status != 422 || r.errorCode(t) != "validation_failed" {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		for _, f := range []string{"name", "email", "password", "role"} {
			if r.field(t, f) == "" {
				t.Errorf("no error for %s: %s", f, r.Body)
			}
		}
		r = ts.call("POST", "/api/v1/users", admin, map[string]any{"name": "Y", "email": "y@example.com", "password": testPassword, "role": "sales", "manager_id": rep.ID})
		if r.Status != 422 || r.field(t, "manager_id") == "" {
			t.Fatalf("a rep as manager: %d %s", r.Status, r.Body)
		}
	})
	t.Run("duplicate e-mail is a conflict", func(t *testing.T) {
		r := ts.call("POST", "/api/v1/users", admin, map[string]any{"name": "Other", "email": strings.ToUpper(rep.Email), "password": testPassword, "role": "sales"})
		if r.Status != 409 || r.errorCode(t) != "conflict" {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
	})
	t.Run("list and filter", func(t *testing.T) {
		m := ts.must(200, "GET", "/api/v1/users?role=sales", rep.Token, nil)
		if m["total"].(float64) != 1 || m["page"].(float64) != 1 || m["per_page"].(float64) != 50 {
			t.Fatalf("list: %v", m)
		}
		m = ts.must(200, "GET", path("/api/v1/users?manager_id=%d", mgr.ID), rep.Token, nil)
		if m["total"].(float64) != 1 {
			t.Fatalf("by manager: %v", m)
		}
		if r := ts.call("GET", "/api/v1/users?manager_id=abc", rep.Token, nil); r.Status != 422 {
			t.Fatalf("bad filter: %d", r.Status)
		}
	})
	t.Run("only an admin changes users", func(t *testing.T) {
		r := ts.call("PATCH", path("/api/v1/users/%d", rep.ID), mgr.Token, map[string]any{"role": "admin"})
		if r.Status != 403 {
			t.Fatalf("manager promotes: %d", r.Status)
		}
		m := ts.must(200, "PATCH", path("/api/v1/users/%d", rep.ID), admin, map[string]any{"name": "Zhang Wei 张伟"})
		if m["name"] != "Zhang Wei 张伟" || m["role"] != "sales" {
			t.Fatalf("patch: %v", m)
		}
	})
	t.Run("me", func(t *testing.T) {
		m := ts.must(200, "GET", "/api/v1/me", rep.Token, nil)
		if id(m) != rep.ID {
			t.Fatalf("me: %v", m)
		}
		for _, k := range []string{"id", "name", "email", "role", "status", "manager_id", "last_day"} {
			if _, ok := m[k]; !ok {
				t.Errorf("user object lacks %s", k)
			}
		}
		if _, ok := m["password_hash"]; ok {
			t.Error("user object shows the password hash")
		}
	})
}

func TestChangeOwnPassword(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	rep := ts.mustCreateUser(admin, "Li Na", "sales", 0)
	other := ts.login(rep.Email, testPassword) // a second session
	r := ts.call("POST", "/api/v1/me/password", rep.Token, map[string]string{"current_password": "wrong-password", "new_password": "brand-new-pass-1"})
	if r.Status != 422 || r.field(t, "current_password") == "" {
		t.Fatalf("wrong current password: %d %s", r.Status, r.Body)
	}
	r = ts.call("POST", "/api/v1/me/password", rep.Token, map[string]string{"current_password": testPassword, "new_password": "short"})
	if r.Status != 422 || r.field(t, "new_password") == "" {
		t.Fatalf("short new password: %d %s", r.Status, r.Body)
	}
	ts.must(200, "GET", "/api/v1/me", other, nil) // nothing changed so far
	m := ts.must(200, "POST", "/api/v1/me/password", rep.Token, map[string]string{"current_password": testPassword, "new_password": "brand-new-pass-1"})
	for _, old := range []string{rep.Token, other} {
		if r := ts.call("GET", "/api/v1/me", old, nil); r.Status != 401 {
			t.Fatalf("an old session still works: %d", r.Status)
		}
	}
	ts.must(200, "GET", "/api/v1/me", m["token"].(string), nil)
	ts.login(rep.Email, "brand-new-pass-1")

	lang := ts.must(200, "PATCH", "/api/v1/me", m["token"].(string), map[string]string{"language": "zh-CN"})
	if lang["language"] != "zh-CN" {
		t.Fatalf("language: %v", lang)
	}
	if r := ts.call("PATCH", "/api/v1/me", m["token"].(string), map[string]string{"language": "fr"}); r.Status != 422 {
		t.Fatalf("unknown language: %d", r.Status)
	}
}

// Behind a proxy (issue 12, item 4): only a trusted proxy's X-Forwarded-For and
// X-Forwarded-Proto count. Then the login limits count the real clients, so failures from
// one place do not lock the person out elsewhere, and cookies are Secure over HTTPS.
func TestBehindAProxy(t *testing.T) {
	signIn := func(ts *testServer, from, proto, password string) response {
		req, _ := http.NewRequest("POST", ts.URL+"/api/v1/auth/login",
			strings.NewReader(`{"email":"`+adminEmail+`","password":"`+password+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", from)
		req.Header.Set("X-Forwarded-Proto", proto)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		return response{Status: res.StatusCode, Header: res.Header}
	}
	loginPage := func(ts *testServer, proto string) *http.Cookie {
		req, _ := http.NewRequest("GET", ts.URL+"/login", nil)
		req.Header.Set("X-Forwarded-Proto", proto)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		for _, ck := range res.Cookies() {
			if ck.Name == "keyhold_csrf" {
				return ck
			}
		}
		t.Fatalf("no CSRF cookie: %v", res.Header)
		return nil
	}

	t.Run("trusted", func(t *testing.T) {
		ts := startServer(t, storetest.DSN(t), &clock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)},
			"KEYHOLD_TRUSTED_PROXIES", "127.0.0.0/8, ::1")
		for range 10 {
			signIn(ts, "203.0.113.9", "https", "wrong-password")
		}
		if r := signIn(ts, "203.0.113.9", "https", adminPassword); r.Status != 429 {
			t.Errorf("the guessing client: %d, want 429", r.Status)
		}
		if r := signIn(ts, "198.51.100.7", "https", adminPassword); r.Status != 200 {
			t.Errorf("the person at their own desk: %d, want 200", r.Status)
		}
		if ck := loginPage(ts, "https"); !ck.Secure {
			t.Errorf("the proxy says HTTPS but the cookie is not Secure")
		}
		if ck := loginPage(ts, "http"); ck.Secure {
			t.Errorf("plain HTTP but a Secure cookie")
		}
	})

	t.Run("not trusted", func(t *testing.T) {
		ts := newTestServer(t)
		for i := range 10 {
			signIn(ts, "203.0.113."+strconv.Itoa(i), "https", "wrong-password") // invented addresses
		}
		if r := signIn(ts, "198.51.100.7", "https", adminPassword); r.Status != 429 {
			t.Errorf("invented addresses dodged the limit: %d", r.Status)
		}
		if ck := loginPage(ts, "https"); ck.Secure {
			t.Errorf("an untrusted X-Forwarded-Proto made the cookie Secure")
		}
	})

	t.Run("an https base URL", func(t *testing.T) {
		ts := startServer(t, storetest.DSN(t), &clock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)},
			"KEYHOLD_BASE_URL", "https://crm.example.com")
		if ck := loginPage(ts, ""); !ck.Secure {
			t.Errorf("served over HTTPS but the cookie is not Secure")
		}
	})
}
