package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/emersion/go-ical"

	"keyhold/internal/check"
	"keyhold/internal/store/storetest"
)

// Fuzz targets through the whole HTTP stack on a real database (issue 12, item 6): no
// input answers 500, what is stored is clean, what is written out stays valid. `make test`
// runs their seeds (below and in testdata/fuzz); `make fuzz` runs each for 30 s.

// fuzzWorld is one server per fuzzing process: a rep with an account of their own.
type fuzzWorld struct {
	ts      *testServer
	rep     user
	account int64
	page    *browser
	csrf    string
}

func newFuzzWorld(f *testing.F) *fuzzWorld {
	ts := newTestServer(f)
	admin := ts.adminToken()
	rep := ts.mustCreateUser(admin, "Fuzz Rep", "sales", 0)
	w := &fuzzWorld{ts: ts, rep: rep, account: ts.mustCreateAccount(rep.Token, map[string]any{"name": "Fuzz Co", "tier": "key"})}
	w.page = pageSignedIn(ts, rep.Email, testPassword)
	r := w.page.get("/accounts/new")
	w.csrf = csrfFrom(r.Body)
	return w
}

// in is the world as seen from one fuzz call: the server and the rep's browser reporting
// to t (the fuzzing F may not be called from inside the fuzz function).
func (w *fuzzWorld) in(t *testing.T) (*testServer, *browser) {
	ts := *w.ts
	ts.t = t
	return &ts, &browser{ts: &ts, client: w.page.client}
}

// answered fails on a status outside the ones allowed.
func answered(t *testing.T, what string, r response, allowed ...int) {
	t.Helper()
	if !slices.Contains(allowed, r.Status) {
		t.Fatalf("%s: %d, want one of %v: %.300s", what, r.Status, allowed, r.Body)
	}
}

func FuzzAccountJSON(f *testing.F) {
	for _, s := range []string{`{"name":"Acme","tier":"key"}`, `{"name":"a\r\nb","tier":"key","owner_id":4}`,
		`{"name":"x\u0000y","tier":"growth"}`, `{"name":"Big","tier":"key","annual_value":5000000000000000000}`,
		`{"name":"Old","tier":"key","customer_since":"0001-01-01"}`, `{"name":"` + strings.Repeat("长", 201) + `","tier":"key"}`,
		`{"name":"Z","tier":"standard","currency":"usd","renewal_date":"2100-12-31"}`, `[]`, `{"name":1}`, "{\"name\":\"caf\xe9\"}"} {
		f.Add(s)
	}
	w := newFuzzWorld(f)
	f.Fuzz(func(t *testing.T, body string) {
		ts, page := w.in(t)
		r := ts.call("POST", "/api/v1/accounts", w.rep.Token, body)
		answered(t, "create", r, 201, 400, 403, 413, 422)
		if r.Status != 201 {
			return
		}
		a := r.json(t)
		name, _ := a["name"].(string)
		if !check.Clean(name) || name == "" || utf8.RuneCountInString(name) > 200 {
			t.Fatalf("stored name %q", name)
		}
		answered(t, "its page", page.get(path("/accounts/%d", id(a))), 200)
	})
}

func FuzzContactJSON(f *testing.F) {
	for _, s := range []string{`{"name":"Ann","email":"ann@example.com","phone":"+86 138"}`, `{"name":"Bo","phone":"1\n2"}`,
		`{"name":"","email":"not an address"}`, `{"name":"C","email":"a@b.c\r\nBcc: x@y.z"}`, `{"decision_maker":"yes"}`} {
		f.Add(s)
	}
	w := newFuzzWorld(f)
	target := path("/api/v1/accounts/%d/contacts", w.account)
	f.Fuzz(func(t *testing.T, body string) {
		ts, _ := w.in(t)
		r := ts.call("POST", target, w.rep.Token, body)
		answered(t, "add a contact", r, 201, 400, 413, 422)
		if r.Status == 201 {
			c := r.json(t)
			for _, k := range []string{"name", "title", "email", "phone"} {
				if v, _ := c[k].(string); !check.Clean(v) {
					t.Fatalf("stored %s %q", k, v)
				}
			}
		}
	})
}

func FuzzInteractionJSON(f *testing.F) {
	for _, s := range []string{`{"kind":"call","summary":"Called"}`, `{"kind":"call","summary":"old","occurred_at":"0001-01-01T00:00:00Z"}`,
		`{"kind":"visit","summary":"x","contact_ids":[1,2,3]}`, `{"kind":"note","summary":"a\r\n\tb","next_step":"n","next_step_due":"2026-13-01"}`,
		`{"kind":"call","summary":"s","participant_ids":[-1]}`, `{"kind":"telepathy","summary":"x"}`} {
		f.Add(s)
	}
	w := newFuzzWorld(f)
	target := path("/api/v1/accounts/%d/interactions", w.account)
	f.Fuzz(func(t *testing.T, body string) {
		ts, _ := w.in(t)
		r := ts.call("POST", target, w.rep.Token, body)
		answered(t, "log", r, 201, 400, 413, 422)
	})
}

func FuzzListQuery(f *testing.F) {
	for _, s := range []string{"tier=key&overdue=true&sort=next_contact_due", "q=" + strings.Repeat("%25_", 100), "page=-1&per_page=100000",
		"sort=bogus", "owner_id=abc", "q=%00%ff", "industry=a%0Ab", "level=at_risk&neglected=maybe", "tier=all", "q=" + strings.Repeat("x", 300)} {
		f.Add(s)
	}
	w := newFuzzWorld(f)
	f.Fuzz(func(t *testing.T, raw string) {
		ts, page := w.in(t)
		if _, err := url.Parse("/accounts?" + raw); err != nil || strings.ContainsAny(raw, "# ") {
			return // not a query an HTTP client sends as such
		}
		answered(t, "list", ts.call("GET", "/api/v1/accounts?"+raw, w.rep.Token, nil), 200, 400, 422)
		answered(t, "flags", ts.call("GET", "/api/v1/flags?"+raw, w.rep.Token, nil), 200, 400, 422)
		answered(t, "page", page.get("/accounts?"+raw), 200, 400, 422)
		answered(t, "flags page", page.get("/flags?"+raw), 200, 400, 422)
	})
}

// FuzzCalendarFeed stores any name straight in the database, as data from before the
// input rules or from elsewhere could be, and asks for the calendar: always a valid
// iCalendar file.
func FuzzCalendarFeed(f *testing.F) {
	for _, s := range []string{"Acme", "a\r\nb", "x\x00y", "Comma, Semicolon; Back\\slash", "caf\xe9", strings.Repeat("华", 80), "\u2028\x7f"} {
		f.Add(s)
	}
	w := newFuzzWorld(f)
	u := w.ts.must(200, "GET", "/api/v1/me/calendar", w.rep.Token, nil)["url"].(string)
	feed := w.ts.URL + u[strings.Index(u, "/calendar/"):]
	f.Fuzz(func(t *testing.T, name string) {
		ts, _ := w.in(t)
		if storetest.Postgres() && (!utf8.ValidString(name) || strings.ContainsRune(name, 0)) {
			t.Skip("PostgreSQL's text holds no such name") // and the API refuses one
		}
		if err := ts.App.DB.Write.Exec("UPDATE accounts SET name = ? WHERE id = ?", name, w.account).Error; err != nil {
			t.Fatal(err)
		}
		// A change through the API makes the lists read the row again.
		ts.must(200, "PATCH", path("/api/v1/accounts/%d", w.account), w.rep.Token, map[string]any{"cadence_days": 7})
		res, err := http.Get(feed)
		if err != nil {
			t.Fatal(err)
		}
		var body bytes.Buffer
		_, _ = body.ReadFrom(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !utf8.Valid(body.Bytes()) {
			t.Fatalf("feed: %d %q", res.StatusCode, body.String())
		}
		if _, err := ical.NewDecoder(bytes.NewReader(body.Bytes())).Decode(); err != nil {
			t.Fatalf("feed does not parse (%v): %q", err, body.String())
		}
		for _, line := range strings.Split(strings.TrimSuffix(body.String(), "\r\n"), "\r\n") {
			if strings.ContainsAny(line, "\r\n") || len(line) > 75 {
				t.Fatalf("bad line %q", line)
			}
		}
	})
}

// FuzzForms posts any form body to the new-account and interaction forms: a page, never
// a 500.
func FuzzForms(f *testing.F) {
	for _, s := range []string{"name=Acme&tier=key&annual_value=1%2C000", "name=a%0D%0Ab&tier=key", "annual_value=9e99&tier=key&name=x",
		"kind=call&summary=hi&contact_ids=abc", "kind=call&summary=x&occurred_at=0001-01-01T00%3A00&tz_offset=99999", "%zz", "name=%ff"} {
		f.Add(s)
	}
	w := newFuzzWorld(f)
	post := func(page *browser, target, raw string) response {
		req, _ := http.NewRequest("POST", w.ts.URL+target, strings.NewReader("csrf_token="+url.QueryEscape(w.csrf)+"&"+raw))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return page.do(req)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		_, page := w.in(t)
		answered(t, "new account", post(page, "/accounts", raw), 303, 400, 403, 413, 422)
		answered(t, "log", post(page, path("/accounts/%d/interactions", w.account), raw), 303, 400, 413, 422)
	})
}
