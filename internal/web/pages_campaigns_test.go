package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestCampaignPages: a manager launches the calendar's 春节 greeting for the key accounts
// from the proposal's button; starts a March campaign from the form; sees his tasks on
// his home page and ticks one by logging a greeting. A rep sees none of it.
func TestCampaignPages(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	ts.must(200, "PATCH", "/api/v1/me", o.mgr.Token, map[string]any{"language": "zh-CN"})
	b := ts.browser()
	b.signIn(o.mgr.Email, testPassword)

	page := string(b.get("/campaigns").Body)
	for _, want := range []string{`<input type="hidden" name="name" value="春节问候 2027">`, `name="holiday" value="spring_festival"`,
		`<input type="hidden" name="from" value="2027-01-16">`, `为全部重点客户发起“春节问候 2027”`, "还没有活动", "lunar-go"} {
		if !strings.Contains(page, want) {
			t.Errorf("the campaigns page lacks %s", want)
		}
	}
	tok := csrfFrom([]byte(page))
	r := b.post("/campaigns", map[string][]string{"csrf_token": {tok}, "kind": {"holiday_greeting"}, "name": {"春节问候 2027"},
		"holiday": {"spring_festival"}, "from": {"2027-01-16"}, "to": {"2027-02-20"}, "tier": {"key"}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/campaigns/") {
		t.Fatalf("launch: %d %s", r.Status, r.Header.Get("Location"))
	}
	shown := string(b.get(r.Header.Get("Location")).Body)
	for _, want := range []string{"活动已发起：共 1 项任务，分派给 1 位领导。", "Northwind Logistics", "未开始", "0 / 1"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the new campaign's page lacks %s", want)
		}
	}
	if page := string(b.get("/campaigns").Body); !strings.Contains(page, "已发起：完成 0 / 1") || strings.Contains(page, `为全部重点客户发起“春节问候 2027”`) {
		t.Errorf("the launched proposal is offered again")
	}

	// The form: a bad window shows the form again with its problem, nothing written.
	r = b.post("/campaigns", map[string][]string{"csrf_token": {tok}, "kind": {"custom"}, "name": {"三月回访"},
		"from": {"2026-03-31"}, "to": {"2026-03-01"}, "tier": {"key"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "不得早于开始日期") || !strings.Contains(string(r.Body), `value="三月回访"`) {
		t.Fatalf("bad window: %d", r.Status)
	}
	r = b.post("/campaigns", map[string][]string{"csrf_token": {tok}, "kind": {"custom"}, "name": {"三月回访"},
		"from": {"2026-03-01"}, "to": {"2026-03-31"}, "picked": {"Northwind Logistics\n不存在的客户"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "以下名称没有对应的在管客户：不存在的客户") {
		t.Fatalf("an unknown name: %d", r.Status)
	}
	r = b.post("/campaigns", map[string][]string{"csrf_token": {tok}, "kind": {"custom"}, "name": {"三月回访"},
		"from": {"2026-03-01"}, "to": {"2026-03-31"}, "picked": {path("Northwind Logistics\n#%d", o.account)}, "owner_id": {""}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("start: %d %s", r.Status, r.Body)
	}
	march := r.Header.Get("Location")
	home := string(b.get("/").Body)
	if !strings.Contains(home, "三月回访") || !strings.Contains(home, "已问候或拜访 0 / 1") ||
		!strings.Contains(home, "?kind=executive_visit#log-interaction\">Northwind Logistics</a>") {
		t.Fatalf("the leader's home page lacks the task: %s", home)
	}
	r = b.post(path("/accounts/%d/interactions", o.account), map[string][]string{"csrf_token": {tok}, "kind": {"holiday_greeting"},
		"summary": {"王总亲自致电问候"}, "occurred_at": {"2026-03-10T08:30"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("log: %d %s", r.Status, r.Body)
	}
	if home := string(b.get("/").Body); !strings.Contains(home, "已问候或拜访 1 / 1") {
		t.Errorf("the greeting did not tick the task on the home page")
	}
	if page := string(b.get(march).Body); !strings.Contains(page, "已于 2026年3月10日 完成") {
		t.Errorf("the campaign page does not show the task done")
	}

	rep := ts.browser()
	rep.signIn(o.rep.Email, testPassword)
	if r := rep.get("/campaigns"); r.Status != http.StatusForbidden {
		t.Errorf("a rep opens the campaigns: %d", r.Status)
	}
	if r := rep.get(march); r.Status != http.StatusForbidden {
		t.Errorf("a rep opens a campaign: %d", r.Status)
	}
	if strings.Contains(string(rep.get("/").Body), `href="/campaigns"`) {
		t.Errorf("a rep's navigation links to the campaigns")
	}
}
