package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestFlagsPage(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	big := ts.mustCreateAccount(o.rep2.Token, map[string]any{"name": "Big Key Co", "tier": "key", "annual_value": 9000000})
	b := ts.browser()
	b.signIn(o.mgr.Email, testPassword)

	page := string(b.get("/flags").Body)
	i, j := strings.Index(page, "Big Key Co"), strings.Index(page, "Northwind Logistics")
	if i < 0 || j < 0 || i > j {
		t.Fatalf("worst first (risk × value): Big Key Co before Northwind: %d %d", i, j)
	}
	for _, want := range []string{"Never contacted; the cadence is 14 days.", "neglected", "Blue Harbor Foods"} {
		if want == "Blue Harbor Foods" {
			if strings.Contains(page, want) {
				t.Errorf("a standard account is on the key-account flag page")
			}
			continue
		}
		if !strings.Contains(page, want) {
			t.Errorf("flag page lacks %q", want)
		}
	}
	mine := string(b.get(path("/flags?owner_id=%d", o.rep.ID)).Body)
	if strings.Contains(mine, "Big Key Co") || !strings.Contains(mine, "Northwind Logistics") {
		t.Errorf("owner filter")
	}
	watch := string(b.get("/flags?tier=all&level=watch").Body)
	if !strings.Contains(watch, "Blue Harbor Foods") || strings.Contains(watch, "Big Key Co") {
		t.Errorf("level filter")
	}
	acc := string(b.get(path("/accounts/%d", big)).Body)
	if !strings.Contains(acc, `id="health"`) || !strings.Contains(acc, "30 of 100") || !strings.Contains(acc, "At risk") {
		t.Errorf("account page health: %s", acc)
	}
	if r := b.get("/flags?level=purple"); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad level: %d", r.Status)
	}
}

func TestCadencePage(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	rep := ts.browser()
	rep.signIn(o.rep.Email, testPassword)
	if r := rep.get("/admin/cadence"); r.Status != http.StatusForbidden {
		t.Fatalf("a rep opens the cadence admin: %d", r.Status)
	}
	admin := ts.browser()
	admin.signIn(adminEmail, adminPassword)
	page := admin.get("/admin/cadence")
	if page.Status != 200 || !strings.Contains(string(page.Body), `value="14"`) {
		t.Fatalf("cadence page: %d %s", page.Status, page.Body)
	}
	tok := csrfFrom(page.Body)
	r := admin.post("/admin/cadence/key", map[string][]string{"interval_days": {"400"}, "csrf_token": {tok}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "must be between 1 and 365") ||
		!strings.Contains(string(r.Body), `value="400"`) {
		t.Fatalf("bad cadence: %d %s", r.Status, r.Body)
	}
	forged := rep.post("/admin/cadence/key", map[string][]string{"interval_days": {"7"}, "csrf_token": {csrfFrom(rep.get("/").Body)}})
	if forged.Status != http.StatusForbidden {
		t.Fatalf("a rep changes the cadence: %d", forged.Status)
	}
	r = admin.post("/admin/cadence/key", map[string][]string{"interval_days": {"7"}, "csrf_token": {tok}})
	if r.Status != 200 || !strings.Contains(string(r.Body), "Saved.") {
		t.Fatalf("save cadence: %d %s", r.Status, r.Body)
	}
	// The visit cadence: key accounts every 90 days to begin with; a bad one refused; empty
	// is none.
	visits := func() map[string]any {
		var list []map[string]any
		if err := json.Unmarshal(ts.call("GET", "/api/v1/cadence-policies", o.admin, nil).Body, &list); err != nil {
			t.Fatal(err)
		}
		out := map[string]any{}
		for _, p := range list {
			out[p["tier"].(string)] = p["visit_days"]
		}
		return out
	}
	if v := visits(); v["key"] != 90.0 || v["growth"] != nil {
		t.Errorf("visit cadence to begin with: %v", v)
	}
	if r := admin.post("/admin/cadence/growth", map[string][]string{"interval_days": {"30"}, "visit_days": {"0"}, "csrf_token": {tok}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(r.Body), "must be between 1 and 730") {
		t.Errorf("a visit cadence of 0 days: %d", r.Status)
	}
	admin.post("/admin/cadence/growth", map[string][]string{"interval_days": {"30"}, "visit_days": {"180"}, "csrf_token": {tok}})
	admin.post("/admin/cadence/key", map[string][]string{"interval_days": {"7"}, "visit_days": {""}, "csrf_token": {tok}})
	if v := visits(); v["key"] != nil || v["growth"] != 180.0 {
		t.Errorf("visit cadence after the changes: %v", v)
	}
	a := ts.must(200, "GET", path("/api/v1/accounts/%d", o.account), o.rep.Token, nil)
	if a["cadence_days"].(float64) != 7 {
		t.Fatalf("cadence after the form: %v", a["cadence_days"])
	}
}

// TestPageHealthYouCanActOn: the account page says each deduction with its points, shows
// one status, proposes the action that lifts the score most (set up on the form it links
// to), and a change made with htmx answers with the whole page so that every part it
// touched is replaced in place; a plain post lands on the same page, with the notice in
// the section the form is in.
func TestPageHealthYouCanActOn(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	acc := path("/accounts/%d", o.account)
	rep := ts.browser()
	rep.signIn(o.rep.Email, testPassword)
	tok := pageToken(t, rep)

	page := string(rep.get(acc).Body)
	heading := section(page, `id="account-heading"`)
	if strings.Count(heading, `class="level `) != 1 || !strings.Contains(heading, ">Neglected<") || strings.Contains(heading, "badge overdue") {
		t.Errorf("one status in the heading, the worst: %s", heading)
	}
	h := section(page, `id="health"`)
	for _, want := range []string{`<span class="points">−40</span> Never contacted; the cadence is 14 days.`,
		`<span class="points">−15</span> `, `href="#log-interaction" data-action="log_call">Log a call: &#43;40 points</a>`} {
		if !strings.Contains(h, want) {
			t.Errorf("the health card lacks %q: %s", want, h)
		}
	}
	if f := section(page, `id="account-facts"`); !strings.Contains(f, "Now: never contacted") {
		t.Errorf("never contacted is the most overdue: %s", f)
	}

	// The action's links set their forms.
	visit := string(rep.get(acc + "?kind=executive_visit").Body)
	if !strings.Contains(visit, `<option value="executive_visit" selected>`) || !strings.Contains(visit, `required autofocus>`) {
		t.Error("?kind=executive_visit does not set the form")
	}
	if !strings.Contains(string(rep.get(acc+"?role=backup").Body), `<option value="backup" selected>`) {
		t.Error("?role=backup does not set the team form")
	}
	if p := string(rep.get(acc + "?role=owner&kind=nonsense").Body); !strings.Contains(p, `<option value="call" selected>`) || strings.Contains(p, `value="owner" selected`) {
		t.Error("an unknown kind or the owner role is not offered")
	}

	// A backup through htmx: the team, the health and the history in one answer, the
	// notice in the team's section.
	r := pagePost(rep, acc+"/team", url.Values{"csrf_token": {tok}, "user_id": {fmt.Sprint(o.rep2.ID)}, "role": {"backup"}},
		map[string]string{"HX-Request": "true"})
	body := string(r.Body)
	team := section(body, `id="team-section"`)
	if r.Status != 200 || !strings.Contains(team, "Added to the team.") || !strings.Contains(team, "Amy Chen") {
		t.Fatalf("htmx team add: %d %s", r.Status, team)
	}
	if strings.Contains(section(body, `id="health"`), "−15") || !strings.Contains(section(body, `id="history-section"`), "Amy Chen joined the team") {
		t.Errorf("the health and the history are not the new ones")
	}

	// A call through htmx: heading, facts and health change with the timeline.
	r = pagePost(rep, acc+"/interactions", url.Values{"csrf_token": {tok}, "kind": {"call"}, "summary": {"Renewal call"}},
		map[string]string{"HX-Request": "true"})
	body = string(r.Body)
	if r.Status != 200 || !strings.Contains(section(body, `id="interaction-panel"`), "Logged.") {
		t.Fatalf("htmx call: %d", r.Status)
	}
	if strings.Contains(section(body, `id="account-heading"`), "Neglected") || strings.Contains(section(body, `id="account-facts"`), "never contacted") ||
		strings.Contains(section(body, `id="health"`), "Never contacted") {
		t.Errorf("the call left the old state on the page")
	}

	// Without JavaScript: the redirect names the change; the page says it in its section.
	r = rep.post(path("%s/team/%d/remove", acc, o.rep2.ID), map[string][]string{"csrf_token": {tok}})
	pageWantRedirect(t, r, acc+"?done=team_removed#team-section")
	body = string(rep.get(acc + "?done=team_removed").Body)
	if !strings.Contains(section(body, `id="team-section"`), "Removed from the team.") {
		t.Error("the notice is not in the team's section")
	}
	if n := strings.Count(body, "Removed from the team."); n != 1 {
		t.Errorf("the notice shows %d times", n)
	}
}

// section is the markup from the element with attr to the end of its section (the next
// element of the same tag at its level is not looked for: the tests' sections do not
// nest their own kind).
func section(page, attr string) string {
	i := strings.Index(page, attr)
	if i < 0 {
		return ""
	}
	open := strings.LastIndex(page[:i], "<")
	tag := page[open+1 : open+1+strings.IndexAny(page[open+1:], " >")]
	end := strings.Index(page[i:], "</"+tag+">")
	if end < 0 {
		return page[i:]
	}
	return page[open : i+end]
}
