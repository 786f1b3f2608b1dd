package web_test

import (
	"io"
	"keyhold/internal/store/storetest"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// Bounded, clean input (issue 12): every field refused with 422 and its name, nothing
// stored, never a 500 — through the API and the forms alike.
func TestInputIsBoundedAndClean(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	mgr := ts.mustCreateUser(admin, "Max Manager", "manager", 0)
	rep := ts.mustCreateUser(admin, "Rita Rep", "sales", mgr.ID)
	other := ts.mustCreateUser(admin, "Otto Other", "sales", mgr.ID)
	acc := ts.mustCreateAccount(rep.Token, map[string]any{"name": "Clean Co", "tier": "key"})
	contact := id(ts.must(201, "POST", path("/api/v1/accounts/%d/contacts", acc), rep.Token, map[string]any{"name": "Ann"}))

	many := make([]int64, 101)
	for i := range many {
		many[i] = contact
	}
	for _, c := range []struct {
		name, method, path string
		body               any
		field              string
	}{
		{"a name with CR/LF", "POST", "/api/v1/accounts", map[string]any{"name": "a\r\nb", "tier": "key"}, "name"},
		{"a name with NUL", "POST", "/api/v1/accounts", map[string]any{"name": "x\u0000y", "tier": "key"}, "name"},
		{"a name with a C1 control", "POST", "/api/v1/accounts", map[string]any{"name": "x\u0085y", "tier": "key"}, "name"},
		{"customer since year 1", "POST", "/api/v1/accounts", map[string]any{"name": "Old", "tier": "key", "customer_since": "0001-01-01"}, "customer_since"},
		{"renewal in year 0", "POST", "/api/v1/accounts", map[string]any{"name": "Old", "tier": "key", "renewal_date": "0000-01-01"}, "renewal_date"},
		{"renewal after 2100", "PATCH", path("/api/v1/accounts/%d", acc), map[string]any{"renewal_date": "2101-01-01"}, "renewal_date"},
		{"a region with a tab", "PATCH", path("/api/v1/accounts/%d", acc), map[string]any{"region": "East\tWest"}, "region"},
		{"a contact's phone with a newline", "POST", path("/api/v1/accounts/%d/contacts", acc), map[string]any{"name": "Bo", "phone": "1\n2"}, "phone"},
		{"an interaction in year 1", "POST", path("/api/v1/accounts/%d/interactions", acc),
			map[string]any{"kind": "call", "summary": "old", "occurred_at": "0001-01-01T00:00:00Z"}, "occurred_at"},
		{"101 contacts on an interaction", "POST", path("/api/v1/accounts/%d/interactions", acc),
			map[string]any{"kind": "call", "summary": "crowd", "contact_ids": many}, "contact_ids"},
		{"101 participants", "POST", path("/api/v1/accounts/%d/interactions", acc),
			map[string]any{"kind": "call", "summary": "crowd", "participant_ids": many}, "participant_ids"},
		{"a summary with a bell", "POST", path("/api/v1/accounts/%d/interactions", acc),
			map[string]any{"kind": "call", "summary": "ding\u0007"}, "summary"},
		{"a complaint in 1850", "POST", path("/api/v1/accounts/%d/complaints", acc),
			map[string]any{"severity": "low", "summary": "late", "opened_at": "1850-01-01T00:00:00Z"}, "opened_at"},
		{"a user named with an escape", "POST", "/api/v1/users", map[string]any{"name": "\u001b[31mred", "email": "red@example.com",
			"password": "long enough pw", "role": "sales"}, "name"},
		{"a password of ten spaces", "POST", "/api/v1/users", map[string]any{"name": "Spacey", "email": "spacey@example.com",
			"password": "          ", "role": "sales"}, "password"},
	} {
		t.Run(c.name, func(t *testing.T) {
			token := rep.Token
			if strings.HasPrefix(c.path, "/api/v1/users") {
				token = admin
			}
			r := ts.call(c.method, c.path, token, c.body)
			if r.Status != 422 || r.field(t, c.field) == "" {
				t.Fatalf("%d, want 422 on %s: %s", r.Status, c.field, r.Body)
			}
		})
	}

	t.Run("lists and searches", func(t *testing.T) {
		for _, q := range []string{"/api/v1/accounts?q=" + strings.Repeat("x", 201), "/api/v1/accounts?q=" + urlEscape(strings.Repeat("%_", 25000)),
			"/api/v1/accounts?industry=" + urlEscape("a\nb"), "/api/v1/users?role=x", "/api/v1/users?status=gone",
			"/api/v1/accounts?tier=gold", "/api/v1/flags?level=awful", "/api/v1/handovers?status=x"} {
			token := mgr.Token
			if strings.HasPrefix(q, "/api/v1/users") {
				token = admin
			}
			if r := ts.call("GET", q, token, nil); r.Status != 422 {
				t.Errorf("GET %.80s: %d, want 422: %.200s", q, r.Status, r.Body)
			}
		}
		for _, q := range []string{strings.Repeat("云", 200), strings.Repeat("%_", 100), strings.Repeat(`\'"`, 66)} {
			if r := ts.call("GET", "/api/v1/accounts?q="+urlEscape(q), mgr.Token, nil); r.Status != 200 {
				t.Errorf("a search of 200 characters (%.10s…): %d %s", q, r.Status, r.Body)
			}
			if r := pageSignedIn(ts, mgr.Email, testPassword).get("/accounts?q=" + urlEscape(q)); r.Status != 200 {
				t.Errorf("the page's search of 200 characters (%.10s…): %d", q, r.Status)
			}
		}
	})

	t.Run("101 key contacts on a note", func(t *testing.T) {
		leaver := ts.mustCreateUser(admin, "Lea Leaver", "sales", mgr.ID)
		ts.mustCreateAccount(leaver.Token, map[string]any{"name": "Leaver Co", "tier": "key"})
		h := ts.must(201, "POST", "/api/v1/handovers", mgr.Token, map[string]any{"departing_user_id": leaver.ID, "last_day": "2026-03-31"})
		item := id(h["items"].([]any)[0].(map[string]any))
		ids := make([]int64, 101)
		for i := range ids {
			ids[i] = int64(i + 1)
		}
		r := ts.call("PATCH", path("/api/v1/handovers/%d/items/%d", id(h), item), mgr.Token, map[string]any{"key_contact_ids": ids})
		if r.Status != 422 || r.field(t, "key_contact_ids") == "" {
			t.Errorf("%d %s", r.Status, r.Body)
		}
	})

	t.Run("a stored value from before the rules does not block a change of another field", func(t *testing.T) {
		if err := ts.App.DB.Write.Exec("UPDATE contacts SET name = ? WHERE id = ?", "Ann\tLegacy", contact).Error; err != nil {
			t.Fatal(err)
		}
		ts.must(200, "PATCH", path("/api/v1/contacts/%d", contact), rep.Token, map[string]any{"decision_maker": true})
		if r := ts.call("PATCH", path("/api/v1/contacts/%d", contact), rep.Token, map[string]any{"name": "Ann\tAgain"}); r.Status != 422 {
			t.Errorf("a new bad name: %d", r.Status)
		}
	})

	t.Run("a body that is not UTF-8", func(t *testing.T) {
		r := ts.call("POST", "/api/v1/accounts", rep.Token, "{\"name\":\"caf\xe9\",\"tier\":\"key\"}")
		if r.Status != 422 || r.field(t, "body") == "" {
			t.Fatalf("%d: %s", r.Status, r.Body)
		}
	})

	t.Run("multi-line text keeps its lines, CRLF as LF", func(t *testing.T) {
		m := ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", acc), rep.Token,
			map[string]any{"kind": "note", "summary": "line one\r\n\tline two"})
		if m["summary"] != "line one\n\tline two" {
			t.Errorf("summary %q", m["summary"])
		}
	})

	t.Run("a rep cannot plant an account on someone else", func(t *testing.T) {
		r := ts.call("POST", "/api/v1/accounts", rep.Token, map[string]any{"name": "Planted", "tier": "key", "owner_id": other.ID})
		if r.Status != http.StatusForbidden {
			t.Fatalf("%d: %s", r.Status, r.Body)
		}
		ts.must(201, "POST", "/api/v1/accounts", mgr.Token, map[string]any{"name": "Given", "tier": "key", "owner_id": other.ID})
	})

	t.Run("a new password must differ and not be blank", func(t *testing.T) {
		for pw, field := range map[string]string{testPassword: "new_password", "            ": "new_password"} {
			r := ts.call("POST", "/api/v1/me/password", rep.Token, map[string]any{"current_password": testPassword, "new_password": pw})
			if r.Status != 422 || r.field(t, field) == "" {
				t.Errorf("new password %q: %d %s", pw, r.Status, r.Body)
			}
		}
	})

	t.Run("the interaction form refuses bad ids as the API does", func(t *testing.T) {
		b := pageSignedIn(ts, rep.Email, testPassword)
		tok := pageToken(t, b)
		r := b.post(path("/accounts/%d/interactions", acc), map[string][]string{"csrf_token": {tok}, "kind": {"call"},
			"summary": {"with a bad id"}, "contact_ids": {"abc"}})
		if r.Status != 422 {
			t.Fatalf("%d", r.Status)
		}
		got := ts.must(200, "GET", path("/api/v1/accounts/%d/interactions", acc), rep.Token, nil)["data"].([]any)
		for _, it := range got {
			if it.(map[string]any)["summary"] == "with a bad id" {
				t.Errorf("the interaction was stored")
			}
		}
	})

	t.Run("a name stored before these rules still makes a valid calendar", func(t *testing.T) {
		name := "Bad\r\nName\x00"
		if storetest.Postgres() {
			name = "Bad\r\nName" // PostgreSQL's text holds no NUL
		}
		if err := ts.App.DB.Write.Exec("UPDATE accounts SET name = ? WHERE id = ?", name, acc).Error; err != nil {
			t.Fatal(err)
		}
		// A change through the API makes the cached lists read the row again.
		ts.must(200, "PATCH", path("/api/v1/accounts/%d", acc), rep.Token, map[string]any{"region": "East"})
		u := ts.must(200, "GET", "/api/v1/me/calendar", rep.Token, nil)["url"].(string)
		res, err := http.Get(ts.URL + u[strings.Index(u, "/calendar/"):])
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		body := string(raw)
		if res.StatusCode != 200 || !utf8.ValidString(body) || !strings.Contains(body, "Bad  Name") {
			t.Fatalf("%d: %s", res.StatusCode, body)
		}
		for _, line := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
			if strings.ContainsAny(line, "\r\n\x00") {
				t.Errorf("a broken line: %q", line)
			}
		}
	})
}
