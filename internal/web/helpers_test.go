package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"keyhold/internal/app"
	"keyhold/internal/config"
	"keyhold/internal/store/storetest"
)

const (
	adminEmail    = "admin@example.com"
	adminPassword = "admin-password-1"
	testPassword  = "password-123"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// testServer is the real application on a real SQLite file, served over HTTP.
type testServer struct {
	t     testing.TB
	URL   string
	App   *app.App
	Clock *clock
	DB    string
	srv   *httptest.Server
}

// newTestServer starts Keyhold on a fresh database in a temp dir with an admin.
func newTestServer(t testing.TB) *testServer {
	t.Helper()
	return startServer(t, storetest.DSN(t),
		&clock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)})
}

// startServer starts Keyhold on dbPath; env adds or overrides KEYHOLD_* variables.
func startServer(t testing.TB, dbPath string, c *clock, env ...string) *testServer {
	t.Helper()
	vars := map[string]string{"KEYHOLD_DB": dbPath, "KEYHOLD_ADMIN_EMAIL": adminEmail, "KEYHOLD_ADMIN_PASSWORD": adminPassword,
		"KEYHOLD_WEBHOOK_ALLOW_PRIVATE": "1"} // the tests' receivers listen on loopback
	for i := 0; i+1 < len(env); i += 2 {
		vars[env[i]] = env[i+1]
	}
	cfg, err := config.FromEnv(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, app.Options{Now: c.Now, BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	ts := &testServer{t: t, URL: srv.URL, App: a, Clock: c, DB: dbPath, srv: srv}
	t.Cleanup(ts.stop)
	return ts
}

func (ts *testServer) stop() {
	if ts.srv != nil {
		ts.srv.Close()
		ts.App.Close()
		ts.srv = nil
	}
}

// restart stops the server and starts a new one on the same database file.
func (ts *testServer) restart() *testServer {
	ts.stop()
	return startServer(ts.t, ts.DB, ts.Clock)
}

// response is a decoded answer.
type response struct {
	Status int
	Body   []byte
	Header http.Header
}

func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("not a JSON object (%d): %s", r.Status, r.Body)
	}
	return m
}

// errorCode returns error.code of a JSON error body.
func (r response) errorCode(t testing.TB) string {
	t.Helper()
	e, _ := r.json(t)["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

// field returns error.fields[name].
func (r response) field(t testing.TB, name string) string {
	t.Helper()
	e, _ := r.json(t)["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	s, _ := f[name].(string)
	return s
}

// call sends a JSON request with a bearer token ("" for none). body may be a string (sent
// as is) or a value (marshalled).
func (ts *testServer) call(method, path, token string, body any) response {
	ts.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			ts.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		ts.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return ts.send(req)
}

// send makes a request and reads the answer, checking it against the OpenAPI document.
func (ts *testServer) send(req *http.Request) response {
	ts.t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	ts.checkAnswer(req, res.StatusCode, res.Header, b)
	return response{Status: res.StatusCode, Body: b, Header: res.Header}
}

// must sends a request and fails the test unless the status is want; it returns the body.
func (ts *testServer) must(want int, method, path, token string, body any) map[string]any {
	ts.t.Helper()
	r := ts.call(method, path, token, body)
	if r.Status != want {
		ts.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	if len(r.Body) == 0 {
		return nil
	}
	return r.json(ts.t)
}

func (ts *testServer) login(email, password string) string {
	ts.t.Helper()
	m := ts.must(200, "POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password})
	return m["token"].(string)
}

func (ts *testServer) adminToken() string { return ts.login(adminEmail, adminPassword) }

// user is a created user and a token for them.
type user struct {
	ID    int64
	Email string
	Token string
}

// mustCreateUser creates a user through the API as the admin and signs them in.
func (ts *testServer) mustCreateUser(admin, name, role string, managerID int64) user {
	ts.t.Helper()
	email := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.com"
	body := map[string]any{"name": name, "email": email, "password": testPassword, "role": role}
	if managerID != 0 {
		body["manager_id"] = managerID
	}
	m := ts.must(201, "POST", "/api/v1/users", admin, body)
	id := int64(m["id"].(float64))
	return user{ID: id, Email: email, Token: ts.login(email, testPassword)}
}

// mustCreateAccount creates an account as the holder of token.
func (ts *testServer) mustCreateAccount(token string, body map[string]any) int64 {
	ts.t.Helper()
	m := ts.must(201, "POST", "/api/v1/accounts", token, body)
	return int64(m["id"].(float64))
}

func id(m map[string]any) int64 { return int64(m["id"].(float64)) }

func path(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// browser is a cookie-keeping HTTP client that does not follow redirects.
type browser struct {
	ts     *testServer
	client *http.Client
}

func (ts *testServer) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{ts: ts, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) do(req *http.Request) response {
	b.ts.t.Helper()
	res, err := b.client.Do(req)
	if err != nil {
		b.ts.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return response{Status: res.StatusCode, Body: body, Header: res.Header}
}

func (b *browser) get(path string) response {
	b.ts.t.Helper()
	req, _ := http.NewRequest("GET", b.ts.URL+path, nil)
	return b.do(req)
}

// post submits a form as the browser would, with the given fields.
func (b *browser) post(path string, form map[string][]string) response {
	b.ts.t.Helper()
	vals := make([]string, 0, len(form))
	for k, vs := range form {
		for _, v := range vs {
			vals = append(vals, urlEscape(k)+"="+urlEscape(v))
		}
	}
	req, _ := http.NewRequest("POST", b.ts.URL+path, strings.NewReader(strings.Join(vals, "&")))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// csrf returns the token of the first form on a page.
func csrfFrom(page []byte) string {
	s := string(page)
	i := strings.Index(s, `name="csrf_token" value="`)
	if i < 0 {
		return ""
	}
	s = s[i+len(`name="csrf_token" value="`):]
	return s[:strings.Index(s, `"`)]
}

// signIn signs the browser in through the login form.
func (b *browser) signIn(email, password string) {
	b.ts.t.Helper()
	page := b.get("/login")
	r := b.post("/login", map[string][]string{"email": {email}, "password": {password}, "csrf_token": {csrfFrom(page.Body)}})
	if r.Status != http.StatusSeeOther {
		b.ts.t.Fatalf("sign in: status %d: %s", r.Status, r.Body)
	}
}

func urlEscape(s string) string { return url.QueryEscape(s) }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// mustOwnMany gives the user n accounts at once, straight into the database (thousands in
// a moment, where the API would take seconds): "Bulk 001" …, every 40th a key account,
// account i worth i.
func (ts *testServer) mustOwnMany(owner int64, n int) {
	ts.t.Helper()
	err := ts.App.DB.Write.Exec(`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?)
		INSERT INTO accounts (name, tier, annual_value, customer_since, owner_id, created_at, updated_at)
		SELECT 'Bulk ' || CASE WHEN i < 10 THEN '00' WHEN i < 100 THEN '0' ELSE '' END || CAST(i AS TEXT), CASE WHEN i % 40 = 0 THEN 'key' ELSE 'standard' END, i, '2024-01-01', ?,
			'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM k`, n, owner).Error
	if err == nil {
		err = ts.App.DB.Write.Exec(`INSERT INTO account_team (account_id, user_id, role, since)
			SELECT id, owner_id, 'owner', created_at FROM accounts WHERE owner_id = ?`, owner).Error
	}
	if err != nil {
		ts.t.Fatal(err)
	}
}
