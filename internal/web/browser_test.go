package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

func TestBrowserRepLogsACall(t *testing.T) {
	ts := newTestServer(t)
	c := newChrome(t, ts) // first: without a browser the test skips before any setup
	admin := ts.adminToken()
	mgr := ts.mustCreateUser(admin, "Wang Li", "manager", 0)
	rep := ts.mustCreateUser(admin, "Zhang Wei", "sales", mgr.ID)
	acc := ts.mustCreateAccount(rep.Token, map[string]any{"name": "Huaxin Logistics", "tier": "key",
		"industry": "Logistics", "region": "East", "annual_value": 1200000, "currency": "CNY"})

	c.signIn(rep.Email, testPassword)
	if got := c.location(); got != ts.URL+"/" {
		t.Fatalf("after signing in the rep is at %s, want the home page", got)
	}

	// Home: the account is in the first list, "Overdue for contact", marked overdue.
	row := fmt.Sprintf(`main section:first-of-type tr.overdue a[href="/accounts/%d"]`, acc)
	c.step("see the account among the overdue ones", chromedp.WaitVisible(chromedp.CSS(row)))
	if h := c.text("main section:first-of-type h2"); !strings.Contains(h, "Overdue") {
		t.Errorf("first section on the rep's home is %q, want the overdue list", h)
	}
	// Nobody has called it yet: the most overdue of all says so instead of a due date.
	if b := c.text("main section:first-of-type tr.overdue .badge.overdue"); b != "never contacted" {
		t.Errorf("overdue badge reads %q", b)
	}

	c.load("open the account from the home page", chromedp.Click(chromedp.CSS(row)))
	if got := c.location(); got != ts.URL+path("/accounts/%d", acc) {
		t.Fatalf("clicked through to %s", got)
	}

	// The health says what is wrong, point by point, with one status and one action.
	if b := c.text("#account-heading .level"); b != "Neglected" {
		t.Errorf("the heading's one status reads %q, want Neglected", b)
	}
	if !c.eval(textIn("#health .breakdown li", "−40 Never contacted")) {
		t.Errorf("the breakdown reads %q", c.text("#health .breakdown"))
	}
	if n := c.count("#account-heading .level, #account-heading .badge"); n != 1 {
		t.Errorf("%d status badges in the heading, want one", n)
	}
	c.step("take the proposed action", chromedp.Evaluate[chromedp.Void](`window.__noReload = 1`),
		chromedp.Click(chromedp.CSS(`#health a.button[data-action="log_call"]`)))
	if b := c.text(`#health a.button`); b != "Log a call: +40 points" {
		t.Errorf("the action reads %q", b)
	}

	// Log a call. "When" stays empty: the server's clock (not the browser's) says when.
	const summary = "Called Mr Chen about the Q2 renewal; he wants a quote by Friday."
	c.step("fill the log-an-interaction form",
		chromedp.WaitVisible(chromedp.ID("log-interaction")),
		chromedp.SetValue(chromedp.ID("kind"), "call"),
		chromedp.SendKeys(chromedp.ID("summary"), summary),
		chromedp.Evaluate[chromedp.Void](`window.__noReload = 1`),
		chromedp.Click(chromedp.CSS(`#log-interaction button[type="submit"]`)))
	c.waitFor("the call appears on the timeline", textIn("#timeline .summary", summary))
	if !c.eval(`window.__noReload === 1`) {
		t.Error("the page was reloaded: the timeline should update in place")
	}
	c.step("see the success notice", chromedp.WaitVisible(chromedp.CSS(`#interaction-panel .notice[role="status"]`)))
	if n := c.text(`#interaction-panel .notice`); !strings.Contains(n, "Logged") {
		t.Errorf("notice reads %q", n)
	}
	if k := c.text("#timeline li:first-child .kind"); k != "Call" {
		t.Errorf("newest timeline entry is of kind %q, want Call", k)
	}
	if v := c.value("#summary"); v != "" {
		t.Errorf("after logging, the summary field still holds %q", v)
	}
	// Every part of the page the call changed, in place: status, last contact, health.
	c.waitFor("the heading's status goes", `document.querySelector("#account-heading .level") === null || document.querySelector("#account-heading .level").textContent !== "Neglected"`)
	if f := c.text("#account-facts"); strings.Contains(f, "Never") || strings.Contains(f, "never contacted") {
		t.Errorf("the facts still say never contacted: %q", f)
	}
	if h := c.text("#health .breakdown"); strings.Contains(h, "Never contacted") {
		t.Errorf("the breakdown still holds the old reason: %q", h)
	}

	got := ts.must(200, "GET", path("/api/v1/accounts/%d", acc), rep.Token, nil)
	if last, _ := got["last_contacted_at"].(string); !strings.HasPrefix(last, "2026-03-10T09:00") {
		t.Errorf("last_contacted_at = %v, want the server's now (2026-03-10 09:00 UTC)", got["last_contacted_at"])
	}
	if got["overdue"] != false {
		t.Errorf("overdue = %v after the call", got["overdue"])
	}
	list := ts.must(200, "GET", path("/api/v1/accounts/%d/interactions", acc), rep.Token, nil)["data"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["kind"] != "call" || list[0].(map[string]any)["summary"] != summary {
		t.Errorf("interactions: %v", list)
	}

	// The language switch in the header turns the page Chinese.
	c.load("switch the language", chromedp.Click(chromedp.CSS(`header form.lang-switch button[type="submit"]`)))
	c.step("the page is Chinese", chromedp.WaitReady(chromedp.CSS(`html[lang="zh-CN"]`)))
	if got := c.location(); got != ts.URL+path("/accounts/%d", acc) {
		t.Errorf("after switching the language the browser is at %s, want the same account page", got)
	}
	if h := c.text("#timeline-heading"); !strings.Contains(h, "时间线") {
		t.Errorf("timeline heading reads %q, want 时间线", h)
	}
	if n := c.text(`header nav a[href="/accounts"]`); n != "客户" {
		t.Errorf("nav link to the accounts reads %q, want 客户", n)
	}
	c.waitFor("the call is still on the timeline", textIn("#timeline .summary", summary))
}

// TestBrowserManagerTransfers: a manager moves a key account from one rep to another with
// a reason, and the ownership history shows it.
func TestBrowserManagerTransfers(t *testing.T) {
	ts := newTestServer(t)
	c := newChrome(t, ts) // first: without a browser the test skips before any setup
	admin := ts.adminToken()
	mgr := ts.mustCreateUser(admin, "Wang Li", "manager", 0)
	from := ts.mustCreateUser(admin, "Zhang Wei", "sales", mgr.ID)
	to := ts.mustCreateUser(admin, "Liu Yang", "sales", mgr.ID)
	acc := ts.mustCreateAccount(from.Token, map[string]any{"name": "Jinling Pharma", "tier": "key"})

	c.signIn(mgr.Email, testPassword)
	c.open(path("/accounts/%d", acc))
	c.step("fill the transfer form",
		chromedp.WaitVisible(chromedp.ID("transfer-form")),
		chromedp.SetValue(chromedp.ID("to_user_id"), fmt.Sprint(to.ID)),
		chromedp.SendKeys(chromedp.ID("reason"), "Territory rebalancing"))
	c.load("submit the transfer", chromedp.Click(chromedp.CSS(`#transfer-form button[type="submit"]`)))

	c.step("see the ownership history", chromedp.WaitVisible(chromedp.ID("history")))
	entry := `Array.from(document.querySelectorAll("#history li")).some(li =>
		li.textContent.includes("Transferred from Zhang Wei to Liu Yang") &&
		li.textContent.includes("Territory rebalancing") && li.textContent.includes("Wang Li"))`
	if !c.eval(entry) {
		t.Errorf("history does not show the transfer with its reason and who did it:\n%s", c.text("#history"))
	}
	if o := c.text("dl.facts dd"); !strings.Contains(o, "Liu Yang") {
		t.Errorf("owner shown on the page: %q", o)
	}

	got := ts.must(200, "GET", path("/api/v1/accounts/%d", acc), mgr.Token, nil)
	if owner, _ := got["owner_id"].(float64); int64(owner) != to.ID {
		t.Errorf("owner_id = %v, want %d", got["owner_id"], to.ID)
	}
	backup := false
	for _, m := range got["team"].([]any) {
		m := m.(map[string]any)
		if int64(m["user_id"].(float64)) == from.ID && m["role"] == "backup" {
			backup = true
		}
	}
	if !backup {
		t.Errorf("the old owner is not a backup on the team: %v", got["team"])
	}
}

// TestBrowserForgedPostRefused: while a rep is signed in, a page on another origin posts a
// form to Keyhold. The post is refused and nothing is written.
func TestBrowserForgedPostRefused(t *testing.T) {
	ts := newTestServer(t)
	c := newChrome(t, ts) // first: without a browser the test skips before any setup
	admin := ts.adminToken()
	rep := ts.mustCreateUser(admin, "Zhang Wei", "sales", 0)
	acc := ts.mustCreateAccount(rep.Token, map[string]any{"name": "Huaxin Logistics", "tier": "key"})
	target := ts.URL + path("/accounts/%d/interactions", acc)

	// The attacker's page: it posts the moment it loads. Its inline script is fine: it is
	// not served by Keyhold and not under Keyhold's policy.
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := ""
		if r.URL.Query().Get("token") == "wrong" {
			token = `<input type="hidden" name="csrf_token" value="0123456789abcdef0123456789abcdef">`
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>You won</title></head><body>
<h1>Claim your prize</h1>
<form id="f" method="post" action="%s">
<input type="hidden" name="kind" value="call"><input type="hidden" name="summary" value="forged by another site">%s
</form>
<script>document.getElementById("f").submit()</script>
</body></html>`, target, token)
	}))
	t.Cleanup(evil.Close)

	c.signIn(rep.Email, testPassword)

	// 127.0.0.1 on another port is the same site (the session cookie goes along, SameSite
	// does not help), localhost is another site; both are another origin.
	port := evil.URL[strings.LastIndex(evil.URL, ":")+1:]
	for _, tc := range []struct{ name, url string }{
		{"same site, other origin, wrong token", evil.URL + "/?token=wrong"},
		{"same site, other origin, no token", evil.URL + "/"},
		{"other site, wrong token", "http://localhost:" + port + "/?token=wrong"},
	} {
		ctx, cancel := context.WithTimeout(c.ctx, browserStepTimeout)
		responses := chromedp.Events(ctx, network.ResponseReceived)
		loads := chromedp.Events(ctx, page.FrameNavigated)
		if err := chromedp.Do(ctx, chromedp.Navigate(tc.url)); err != nil {
			cancel()
			t.Fatalf("%s: open the other page: %v", tc.name, err)
		}
		// The first page Keyhold serves after the other page: the answer to the post (or,
		// were the post accepted, the page it redirects to).
		var answer *network.Response
		for ev, err := range responses {
			if err != nil {
				cancel()
				t.Fatalf("%s: the other page never reached Keyhold: %v", tc.name, err)
			}
			if ev.Type == network.ResourceTypeDocument && strings.HasPrefix(ev.Response.URL, ts.URL+"/") {
				answer = ev.Response
				break
			}
		}
		for ev, err := range loads {
			if err != nil {
				cancel()
				t.Fatalf("%s: no page after the post: %v", tc.name, err)
			}
			if ev.Frame.ParentID == "" && strings.HasPrefix(ev.Frame.URL, ts.URL+"/") {
				break
			}
		}
		cancel()
		t.Logf("%s: Keyhold answered %d at %s", tc.name, answer.Status, answer.URL)
		if answer.Status != http.StatusForbidden || answer.URL != target {
			t.Errorf("%s: Keyhold answered the forged post with %d at %s, want 403 at %s",
				tc.name, answer.Status, answer.URL, target)
		}
		c.step(tc.name+": the answer page", chromedp.WaitReady(chromedp.CSS("body")))
		t.Logf("%s: the browser shows %q", tc.name, c.text("body"))
		if c.eval(`document.getElementById("log-interaction") !== null`) {
			t.Errorf("%s: the browser shows an account page after the forged post", tc.name)
		}
	}

	if n := browserInteractions(ts, rep.Token, acc); n != 0 {
		t.Errorf("the forged posts created %d interactions", n)
	}
	// The rep is still signed in and the real form still works from Keyhold's own page.
	c.open(path("/accounts/%d", acc))
	c.step("the real form is there", chromedp.WaitVisible(chromedp.ID("log-interaction")))
}

// TestBrowserFieldErrorsKeepInput: an empty summary is refused in place, with the error
// beside the field and the rest of the form as it was.
func TestBrowserFieldErrorsKeepInput(t *testing.T) {
	ts := newTestServer(t)
	c := newChrome(t, ts) // first: without a browser the test skips before any setup
	admin := ts.adminToken()
	rep := ts.mustCreateUser(admin, "Zhang Wei", "sales", 0)
	acc := ts.mustCreateAccount(rep.Token, map[string]any{"name": "Huaxin Logistics", "tier": "key"})

	c.signIn(rep.Email, testPassword)
	c.open(path("/accounts/%d", acc))
	c.step("submit the form without a summary",
		chromedp.WaitVisible(chromedp.ID("log-interaction")),
		chromedp.SetValue(chromedp.ID("kind"), "visit"),
		chromedp.SendKeys(chromedp.ID("next_step"), "Send the quote"),
		chromedp.RemoveAttribute(chromedp.ID("summary"), "required"),
		chromedp.Evaluate[chromedp.Void](`window.__noReload = 1`),
		chromedp.Click(chromedp.CSS(`#log-interaction button[type="submit"]`)))
	c.step("see the error beside the summary", chromedp.WaitVisible(chromedp.CSS(`#summary + .field-error`)))
	if e := c.text(`#summary + .field-error`); e != "is required" {
		t.Errorf("summary error reads %q", e)
	}
	if !c.eval(`window.__noReload === 1`) {
		t.Error("the page was reloaded: the form should be answered in place")
	}
	if k := c.value("#kind"); k != "visit" {
		t.Errorf("kind after the error is %q, want visit (kept)", k)
	}
	if s := c.value("#next_step"); s != "Send the quote" {
		t.Errorf("next step after the error is %q, want it kept", s)
	}
	if n := browserInteractions(ts, rep.Token, acc); n != 0 {
		t.Errorf("an invalid form created %d interactions", n)
	}
}
