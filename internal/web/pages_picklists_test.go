package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestPicklists: the admin keeps the lists of industries, regions and channels; pages
// show an entry's label in the reader's language and offer the list in the account form;
// the API and the accounts keep the codes.
func TestPicklists(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	ts.must(200, "PUT", "/api/v1/picklists/industry", o.admin, map[string]any{"data": []any{
		map[string]any{"code": "Logistics", "en": "Logistics", "zh": "物流"}, map[string]any{"code": "Retail", "en": "Retail", "zh": "零售"}}})
	if r := ts.call("PUT", "/api/v1/picklists/industry", o.mgr.Token, map[string]any{"data": []any{}}); r.Status != http.StatusForbidden {
		t.Fatalf("a manager replaces a list: %d", r.Status)
	}
	if r := ts.call("PUT", "/api/v1/picklists/colour", o.admin, map[string]any{"data": []any{}}); r.Status != http.StatusNotFound {
		t.Errorf("an unknown list: %d", r.Status)
	}
	bad := ts.call("PUT", "/api/v1/picklists/industry", o.admin, map[string]any{"data": []any{map[string]any{"code": "A", "en": "a"}, map[string]any{"code": "a", "en": "b"}}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.Body), "data[1].code") {
		t.Errorf("a repeated code: %d %s", bad.Status, bad.Body)
	}
	lists := ts.must(200, "GET", "/api/v1/picklists", o.rep.Token, nil)
	if ind := lists["industry"].([]any); len(ind) != 2 || ind[0].(map[string]any)["zh"] != "物流" || len(lists["region"].([]any)) != 0 {
		t.Fatalf("lists: %v", lists)
	}
	ts.must(200, "PATCH", path("/api/v1/accounts/%d", o.account), o.rep.Token, map[string]any{"industry": "Logistics"})
	ts.must(200, "PATCH", path("/api/v1/accounts/%d", o.other), o.rep2.Token, map[string]any{"industry": "Mining"})
	if got := ts.must(200, "GET", path("/api/v1/accounts/%d", o.account), o.rep.Token, nil)["industry"]; got != "Logistics" {
		t.Errorf("the API keeps the code: %v", got)
	}

	rep := ts.browser()
	rep.signIn(o.rep.Email, testPassword)
	form := string(rep.get(path("/accounts/%d/edit", o.account)).Body)
	if !strings.Contains(form, `<select id="industry" name="industry"><option value="">—</option><option value="Logistics" selected>Logistics</option><option value="Retail">Retail</option></select>`) {
		t.Errorf("the account form offers the list: %s", pageSnippet(form, `id="industry"`))
	}
	if !strings.Contains(form, `<input id="region" name="region"`) {
		t.Error("an empty list leaves the field free")
	}
	mgr := ts.browser()
	mgr.signIn(o.mgr.Email, testPassword)
	other := string(mgr.get(path("/accounts/%d/edit", o.other)).Body)
	if !strings.Contains(other, `<option value="Mining" selected>Mining</option>`) {
		t.Errorf("a value off the list stays chosen: %s", pageSnippet(other, `id="industry"`))
	}
	tok := pageToken(t, rep)
	rep.post("/language", map[string][]string{"lang": {"zh-CN"}, "next": {"/"}, "csrf_token": {tok}})
	page := string(rep.get(path("/accounts/%d", o.account)).Body)
	if !strings.Contains(page, "<dd>物流</dd>") {
		t.Errorf("the account page in Chinese shows the label: %s", pageSnippet(page, "account-facts"))
	}
	if list := string(rep.get("/accounts?scope=all").Body); !strings.Contains(list, `<option value="Logistics" >物流</option>`) && !strings.Contains(list, `<option value="Logistics">物流</option>`) {
		t.Errorf("the industry filter shows labels: %s", pageSnippet(list, `id="industry"`))
	}
	if r := rep.get("/admin/lists"); r.Status != http.StatusForbidden {
		t.Errorf("a rep opens the lists: %d", r.Status)
	}

	// The admin's page: counts, the values in use off the list, errors by row, removal.
	admin := ts.browser()
	admin.signIn(adminEmail, adminPassword)
	lp := string(admin.get("/admin/lists").Body)
	ind := section(lp, `id="list-industry"`)
	if !strings.Contains(ind, `value="物流"`) || !strings.Contains(ind, "Mining (1)") {
		t.Errorf("the industry list and what is in use off it: %s", ind)
	}
	atok := pageToken(t, admin)
	r := admin.post("/admin/lists/industry", map[string][]string{"code": {"Logistics", "Retail", "retail"}, "en": {"Logistics", "Retail", "Shops"},
		"zh": {"物流", "零售", ""}, "csrf_token": {atok}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(section(string(r.Body), `id="list-industry"`), "repeats an earlier code") ||
		!strings.Contains(string(r.Body), `value="Shops"`) {
		t.Fatalf("a repeated code is refused on its row, the input kept: %d", r.Status)
	}
	r = admin.post("/admin/lists/industry", map[string][]string{"code": {"Logistics", "Retail", "Mining", ""}, "en": {"Logistics", "Retail", "Mining", ""},
		"zh": {"物流", "零售", "矿业", ""}, "remove": {"1"}, "csrf_token": {atok}})
	pageWantRedirect(t, r, "/admin/lists?done=list_saved#list-industry")
	got := ts.must(200, "GET", "/api/v1/picklists", o.admin, nil)["industry"].([]any)
	if len(got) != 2 || got[0].(map[string]any)["code"] != "Logistics" || got[1].(map[string]any)["zh"] != "矿业" {
		t.Errorf("saved: removal and addition in order: %v", got)
	}
}

// pageSnippet is a little of page around the first occurrence of s, for a message.
func pageSnippet(page, s string) string {
	i := strings.Index(page, s)
	if i < 0 {
		return "(" + s + " not found)"
	}
	return page[max(0, i-200):min(len(page), i+400)]
}
