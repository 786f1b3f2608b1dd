package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

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
		pageWantRedirect(t, r, path("/accounts/%d?done=interaction_logged#interaction-panel", accID))
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
		m := regexp.MustCompile(`^/accounts/(\d+)\?done=account_created$`).FindStringSubmatch(loc)
		if m == nil {
			t.Fatalf("redirect to %q", loc)
		}
		if count() != 1 {
			t.Fatalf("accounts: %d", count())
		}
		got := ts.must(200, "GET", "/api/v1/accounts/"+m[1], f.rep.Token, nil)
		if got["name"] != "杭州云帆科技" || got["tier"] != "key" || got["annual_value"].(float64) != 1200000 ||
			got["owner_id"].(float64) != float64(f.rep.ID) || got["renewal_date"] != "2026-12-31" || got["region"] != "East China" {
			t.Fatalf("created: %v", got)
		}
		page := b.get(loc)
		if page.Status != 200 || !strings.Contains(string(page.Body), "<h1>杭州云帆科技</h1>") ||
			!strings.Contains(string(page.Body), "CNY 1,200,000") || !strings.Contains(string(page.Body), `role="status">Account created.`) {
			t.Fatalf("account page (%d): %s", page.Status, page.Body)
		}
	})
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

// A form shown again after a failed POST keeps the reader's place: switching language
// from it comes back to the page the form was on.
func TestPageLanguageSwitchAfterAFailedPost(t *testing.T) {
	f := pageNewFixture(t)
	acc := f.ts.mustCreateAccount(f.rep.Token, map[string]any{"name": "Wuxi Cables", "tier": "key"})
	b := pageSignedIn(f.ts, f.rep.Email, testPassword)
	page := path("/accounts/%d", acc)
	req, _ := http.NewRequest("POST", f.ts.URL+page+"/interactions", strings.NewReader(url.Values{
		"kind": {"call"}, "summary": {""}, "csrf_token": {csrfFrom(b.get(page).Body)}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", f.ts.URL+page)
	r := b.do(req)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `name="next" value="`+page+`"`) {
		t.Fatalf("the language switch on the re-shown form goes elsewhere: %d", r.Status)
	}
}
