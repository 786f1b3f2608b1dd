package web_test

import (
	"net/http"
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
	a := ts.must(200, "GET", path("/api/v1/accounts/%d", o.account), o.rep.Token, nil)
	if a["cadence_days"].(float64) != 7 {
		t.Fatalf("cadence after the form: %v", a["cadence_days"])
	}
}
