package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
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
		chromedp.WindowSize(1280, 900),
	)
	// The first Do starts the browser and binds it to tab, which has no deadline, so a
	// journey that runs out of time still leaves a browser to take the screenshot. On a
	// busy machine Chromium now and then dies while starting: it gets three tries.
	var tab context.Context
	for try := 1; ; try++ {
		profile := append(opts[:len(opts):len(opts)], chromedp.UserDataDir(t.TempDir())) // a fresh profile per try
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), profile...)
		t.Cleanup(cancelAlloc) // kills the browser and waits for it, before the temp dir goes
		var cancelTab context.CancelFunc
		tab, cancelTab = chromedp.NewContext(allocCtx)
		t.Cleanup(cancelTab)
		err := chromedp.Do(tab)
		if err == nil {
			break
		}
		cancelTab()
		cancelAlloc()
		if try == 3 {
			t.Fatalf("start %s: %v", execPath, err)
		}
		t.Logf("start %s (try %d): %v", execPath, try, err)
		time.Sleep(time.Second)
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

// count is how many elements match a CSS selector.
func (c *chrome) count(sel string) int {
	c.t.Helper()
	return browserRun(c, "count "+sel, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`))
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
