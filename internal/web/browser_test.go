package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Real-browser journeys: headless Chromium, driven with chromedp, against the real
// server on loopback. Each test starts its own browser with a fresh profile. Besides what
// each journey checks, every test fails when one of Keyhold's pages breaks its Content
// Security Policy or throws a JavaScript exception; on failure the page is saved as a
// screenshot and the browser's console is printed.

const (
	browserTestTimeout = 60 * time.Second // a whole journey
	browserStepTimeout = 20 * time.Second // one step of it
)

// chromiumPath finds the browser. Without one the tests skip, except under CI=true, where
// .ci/run installs Debian's chromium first and a missing browser is a broken machine.
func chromiumPath(t *testing.T) string {
	t.Helper()
	names := []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("browser tests need Chromium and found none of %s on PATH; "+
		"install it with `apt-get install chromium` (CI=true makes this a failure)", strings.Join(names, ", "))
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// chrome is one tab of a headless Chromium started for one test.
type chrome struct {
	t   *testing.T
	ts  *testServer
	tab context.Context // the tab, without a deadline (for the screenshot on failure)
	ctx context.Context // the tab, with the journey's deadline

	mu   sync.Mutex
	logs []string // console calls, exceptions and browser log entries, in order
	bad  []string // CSP violations and exceptions on Keyhold's own pages
}

// newChrome starts Chromium for this test and opens a tab. The browser ends with the test.
func newChrome(t *testing.T, ts *testServer) *chrome {
	t.Helper()
	execPath := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "en-US"), // Accept-Language: the pages start in English
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc) // kills the browser and waits for it, before the temp dir goes
	tab, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelTab)
	// The first Do starts the browser and binds it to tab, which has no deadline, so a
	// journey that runs out of time still leaves a browser to take the screenshot.
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("start %s: %v", execPath, err)
	}
	c := &chrome{t: t, ts: ts, tab: tab}
	if err := chromedp.Listen(tab, c.record); err != nil {
		t.Fatalf("listen to the console: %v", err)
	}
	ctx, cancel := context.WithTimeout(tab, browserTestTimeout)
	t.Cleanup(cancel)
	c.ctx = ctx
	t.Cleanup(c.afterTest)
	return c
}

// record keeps what the page says on its console. It runs in the tab's event loop, in
// the order the browser sends events, so it must be quick and run no command.
func (c *chrome) record(ev any) {
	var line, where string
	bad := false
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		args := make([]string, 0, len(ev.Args))
		for _, a := range ev.Args {
			if len(a.Value) > 0 {
				args = append(args, strings.Trim(string(a.Value), `"`))
			} else {
				args = append(args, a.Description)
			}
		}
		if ev.StackTrace != nil && len(ev.StackTrace.CallFrames) > 0 {
			where = ev.StackTrace.CallFrames[0].URL
		}
		line = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " "))
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		where = d.URL
		line, bad = "exception: "+text, true
	case *log.EventEntryAdded:
		e := ev.Entry
		where = e.URL
		line = fmt.Sprintf("%s %s: %s", e.Source, e.Level, e.Text)
		bad = e.Source == log.EntrySourceSecurity || strings.Contains(e.Text, "Content Security Policy")
	default:
		return
	}
	if where != "" {
		line += " (" + where + ")"
	}
	ours := where == "" || strings.HasPrefix(where, c.ts.URL)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.logs = append(c.logs, line)
	if bad && ours && !slices.Contains(c.bad, line) {
		c.bad = append(c.bad, line)
	}
}

// afterTest fails the test for a CSP violation or an exception on our pages, and on any
// failure saves a screenshot and prints the console.
func (c *chrome) afterTest() {
	t := c.t
	c.mu.Lock()
	bad, logs := c.bad, c.logs
	c.mu.Unlock()
	for _, b := range bad {
		t.Errorf("the page broke its Content Security Policy or threw: %s", b)
	}
	if !t.Failed() {
		return
	}
	if len(logs) > 0 {
		t.Logf("browser console:\n  %s", strings.Join(logs, "\n  "))
	}
	ctx, cancel := context.WithTimeout(c.tab, 10*time.Second)
	defer cancel()
	// The failure may have come in the middle of a navigation: let the page settle.
	_ = chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS("body")))
	url, _ := chromedp.Run(ctx, chromedp.Location())
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG, not JPEG
	if err != nil {
		if png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot()); err != nil {
			t.Logf("no screenshot of %s: %v", url, err)
			return
		}
	}
	// t.TempDir is removed when the test ends, which would take the screenshot with it;
	// keep it in a directory of its own under the system's temp dir instead.
	name := regexp.MustCompile(`[^A-Za-z0-9_-]+`).ReplaceAllString(t.Name(), "_")
	dir, err := os.MkdirTemp("", "keyhold-"+name+"-")
	if err == nil {
		file := filepath.Join(dir, "failure.png")
		if err = os.WriteFile(file, png, 0o644); err == nil {
			t.Logf("screenshot of %s at the failure: %s", url, file)
			return
		}
	}
	t.Logf("cannot save the screenshot: %v", err)
}

// step runs actions with a per-step deadline and fails the test, naming the step, if
// one of them fails.
func (c *chrome) step(what string, actions ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, browserStepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		c.t.Fatalf("%s: %v", what, err)
	}
}

// load runs actions that navigate (a link, a form post) and waits for the new page; it
// fails unless the page answered 200.
func (c *chrome) load(what string, actions ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, browserStepTimeout)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		c.t.Fatalf("%s: %v", what, err)
	}
	if res == nil || res.Status != http.StatusOK {
		status := int64(0)
		if res != nil {
			status = res.Status
		}
		c.t.Fatalf("%s: status %d", what, status)
	}
}

// open navigates to a path of the Keyhold server.
func (c *chrome) open(path string) {
	c.t.Helper()
	c.load("open "+path, chromedp.Navigate(c.ts.URL+path))
}

// text is the rendered text of the first element that matches a CSS selector.
func (c *chrome) text(sel string) string {
	c.t.Helper()
	return browserRun(c, "read "+sel, chromedp.Text(chromedp.CSS(sel)))
}

// value is the current value of a form field.
func (c *chrome) value(sel string) string {
	c.t.Helper()
	return browserRun(c, "value of "+sel, chromedp.Value(chromedp.CSS(sel)))
}

// eval evaluates a JavaScript expression that yields true or false.
func (c *chrome) eval(expr string) bool {
	c.t.Helper()
	return browserRun(c, "evaluate "+expr, chromedp.Evaluate[bool](expr))
}

// waitFor waits until a JavaScript expression is true in the current page (it does not
// survive a navigation: use load for those).
func (c *chrome) waitFor(what, expr string) {
	c.t.Helper()
	browserRun(c, what, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(browserStepTimeout)))
}

func (c *chrome) location() string {
	c.t.Helper()
	return browserRun(c, "location", chromedp.Location())
}

func browserRun[T any](c *chrome, what string, a chromedp.Action[T]) T {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, browserStepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		c.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// signIn signs in through the form at /login, as a person would: type, then submit.
func (c *chrome) signIn(email, password string) {
	c.t.Helper()
	c.open("/login")
	c.step("type the credentials",
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password))
	c.load("submit the sign-in form", chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`)))
	if got := c.location(); strings.HasPrefix(got, c.ts.URL+"/login") {
		c.t.Fatalf("still on the sign-in page after signing in as %s: %s", email, got)
	}
}

// browserInteractions counts an account's interactions through the API.
func browserInteractions(ts *testServer, token string, acc int64) int {
	ts.t.Helper()
	return int(ts.must(200, "GET", path("/api/v1/accounts/%d/interactions", acc), token, nil)["total"].(float64))
}

// jsString quotes s for a JavaScript expression.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// textIn is an expression: some element matching sel has text containing want.
func textIn(sel, want string) string {
	return fmt.Sprintf(`Array.from(document.querySelectorAll(%s)).some(e => e.textContent.includes(%s))`,
		jsString(sel), jsString(want))
}

// TestBrowserRepLogsACall: a rep signs in, finds an overdue key account on their home
// page, logs a call on it and sees it on the timeline without a reload, then switches the
// page to Chinese.
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
	if b := c.text("main section:first-of-type tr.overdue .badge.overdue"); b != "overdue" {
		t.Errorf("overdue badge reads %q", b)
	}

	c.load("open the account from the home page", chromedp.Click(chromedp.CSS(row)))
	if got := c.location(); got != ts.URL+path("/accounts/%d", acc) {
		t.Fatalf("clicked through to %s", got)
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
