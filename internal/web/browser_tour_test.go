package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"

	"keyhold/internal/demo"
	"keyhold/internal/health"
	"keyhold/internal/sortkey"
	"keyhold/internal/store"
	"keyhold/internal/store/storetest"
)

// TestBrowserTour walks the demo organisation as its rep, its manager and its admin, in
// English and in Chinese, and checks on each page what issue 16 asks of it: health you
// can act on (each deduction with its points, one status, the action that lifts it
// most), a call that updates every part of the page in place, reports whose axes fit
// their data and say what they count, lists and people in the reader's language and
// order, a notice after a change, a 404 that keeps the way back, tap-to-call. With
// KEYHOLD_SCREENSHOTS=DIR (make screenshots) it saves each page, at desktop and at phone
// width, as DIR/LANG-WHO-PAGE-WIDTH.png: the README's screenshots.
func TestBrowserTour(t *testing.T) {
	chromiumPath(t) // skips (or, under CI, fails) before the dataset is made when there is no browser
	ts := demoServer(t)
	shots := os.Getenv("KEYHOLD_SCREENSHOTS")
	if shots != "" {
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	rep := ts.login("zhang.wei@keyhold.demo", demo.Password)
	repID := int64(ts.must(200, "GET", "/api/v1/me", rep, nil)["id"].(float64))
	// The rep's most urgent key accounts: one gets a call in English, the other in Chinese.
	worst := ts.must(200, "GET", path("/api/v1/accounts?owner_id=%d&tier=key&overdue=true&sort=health&per_page=2", repID), rep, nil)["data"].([]any)
	if len(worst) < 2 {
		t.Fatalf("the demo rep has %d overdue key accounts, want 2", len(worst))
	}

	for i, lang := range []string{"en", "zh-CN"} {
		w := tourWords[lang]
		acc := int64(worst[i].(map[string]any)["id"].(float64))
		t.Run(lang+"/rep", func(t *testing.T) {
			c := tourStart(t, ts, "zhang.wei@keyhold.demo", lang)
			c.tourPage(shots, lang, "rep", "home", "/")
			c.open(path("/accounts/%d", acc))
			tourHealth(t, c, w)
			c.tourShot(shots, lang, "rep", "account")
			tourCall(t, c, w)
			if got := browserRun(c, "the roles", chromedp.Evaluate[string](`document.querySelector('#team_role option[value="backup"]').textContent`)); got != w.backup {
				t.Errorf("the backup role reads %q, want %q", got, w.backup)
			}
			if c.count(`#contacts-heading ~ ul a[href^="tel:"]`) == 0 || c.count(`#contacts-heading ~ ul a[href^="mailto:"]`) == 0 {
				t.Error("no phone number to tap or address to write to")
			}
			if !c.eval(`/[\u4e00-\u9fff]/.test(document.querySelector("#account-facts dd:nth-of-type(3)").textContent) === ` + fmt.Sprint(lang == "zh-CN")) {
				t.Errorf("the industry reads %q", c.text("#account-facts dd:nth-of-type(3)"))
			}

			// My accounts by default; everyone's by name, Chinese names in pinyin order.
			c.tourPage(shots, lang, "rep", "accounts", "/accounts")
			if got := c.text(`nav.tabs a[aria-current="page"]`); got != w.mine {
				t.Errorf("the rep's list opens on %q, want %q", got, w.mine)
			}
			c.open("/accounts?scope=all&sort=name&per_page=200")
			names := browserRun(c, "names", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("table.list tbody tr td:first-child a")).map(a => a.textContent)`))
			want := slices.Clone(names)
			sortkey.Sort(want, func(s string) string { return s })
			if len(names) < 100 || !slices.Equal(names, want) {
				t.Errorf("accounts by name are not in pinyin order: %q…", names[:min(len(names), 12)])
			}

			// A change says it happened.
			c.open("/accounts/new")
			c.step("name a new account", chromedp.SendKeys(chromedp.ID("name"), "Tour "+lang+" 测试客户"))
			c.load("create it", chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
			if got := c.text(`main .notice[role="status"]`); got != w.created {
				t.Errorf("after creating: %q, want %q", got, w.created)
			}

			// A page that does not exist keeps the navigation and a way back.
			c.step("open a missing page", chromedp.Navigate(ts.URL+"/accounts/999999"), chromedp.WaitReady(chromedp.CSS("body")))
			if c.count(`header nav a[href="/accounts"]`) != 1 || c.count(`main a[href]`) == 0 {
				t.Error("the 404 page lost the navigation or the way back")
			}
			c.tourShot(shots, lang, "rep", "not-found")
		})

		t.Run(lang+"/manager", func(t *testing.T) {
			c := tourStart(t, ts, "wang.li@keyhold.demo", lang)
			c.tourPage(shots, lang, "manager", "home", "/")
			c.tourPage(shots, lang, "manager", "flags", "/flags")
			if !c.eval(`Array.from(document.querySelectorAll("table.flags tbody tr")).every(tr => tr.querySelectorAll(".level").length === 1)`) {
				t.Error("a flagged row shows more than one status")
			}
			if c.count(`table.flags a.button[data-action]`) == 0 || c.count(`table.flags .breakdown .points`) == 0 {
				t.Error("the flags show no points or no action")
			}
			// The demo's key accounts nobody has called say so, where days overdue would be.
			if !c.eval(textIn(`table.flags td[data-label] .badge.overdue`, w.neverBadge)) {
				t.Error("no flagged account says it was never contacted")
			}
			c.tourPage(shots, lang, "manager", "reports", "/reports?group_by=owner")
			c.waitFor("the retention chart is drawn", `(() => { const cv = document.querySelector('[data-chart="chart-retention"] canvas'); return !!(cv && Chart.getChart(cv)); })()`)
			top := browserRun(c, "the axis", chromedp.Evaluate[float64](`Chart.getChart(document.querySelector('[data-chart="chart-retention"] canvas')).scales.y.max`))
			highest := browserRun(c, "the data", chromedp.Evaluate[float64](`Math.max(...Chart.getChart(document.querySelector('[data-chart="chart-retention"] canvas')).data.datasets.flatMap(d => d.data))`))
			if top >= 100 && highest < 60 || top < highest {
				t.Errorf("the retention axis ends at %v%% for data up to %v%%", top, highest)
			}
			if n := c.count(`section.report > p.muted`); n < 5 { // four definitions and what "owner" means
				t.Errorf("%d definitions beside the charts", n)
			}
			// The churn trend: each segment's line over its shaded band; the large customers
			// above theirs (the demo's story).
			c.waitFor("the trend charts are drawn", `(() => { const cv = document.querySelector('[data-chart="chart-trend-0"] canvas'); return !!(cv && Chart.getChart(cv)); })()`)
			if n := browserRun(c, "the band", chromedp.Evaluate[int](`Chart.getChart(document.querySelector('[data-chart="chart-trend-0"] canvas')).data.datasets.length`)); n != 4 {
				t.Errorf("the first trend chart has %d datasets, want the band's two edges and two lines", n)
			}
			if !c.eval(textIn(`#churn-trend p.answer`, w.large)) {
				t.Errorf("the trend does not say the large customers are above normal: %q", c.text("#churn-trend p.answer"))
			}
			c.step("scroll to the trend", chromedp.Evaluate[chromedp.Void](`document.getElementById("churn-trend").scrollIntoView()`))
			c.tourShot(shots, lang, "manager", "trend")
			c.tourPage(shots, lang, "manager", "handovers", "/handovers")

			// The scorecard ranks the reps, each figure a link to the accounts behind it; the
			// demo's sloppy rep comes last.
			c.tourPage(shots, lang, "manager", "scorecard", "/reports/scorecard")
			if got := c.text(`#scorecard-table tbody tr:last-child th`); got != "Michael Tan" {
				t.Errorf("last on the scorecard: %q", got)
			}
			if n := c.count(`#scorecard-table tbody a[href^="/reports/scorecard/"]`); n < 60 {
				t.Errorf("%d figures link to their accounts", n)
			}
			c.load("open the accounts behind a figure", chromedp.Click(chromedp.CSS(`#scorecard-table tbody tr:last-child a[href*="contacts_complete"]`)))
			if c.count(`#behind-table tbody a[href^="/accounts/"]`) == 0 {
				t.Error("no accounts behind the figure")
			}

			// Campaigns: 春节问候 for the key accounts in two clicks — Campaigns, then the
			// proposal's button (once: the English walk finds it launched).
			c.open("/")
			c.load("open the campaigns", chromedp.Click(chromedp.CSS(`header nav a[href="/campaigns"]`)))
			if lang == "zh-CN" {
				c.load("launch 春节问候", chromedp.Click(chromedp.Search(`//li[contains(@class, "proposal")][contains(., "春节问候 2027")]//button`)))
				if !c.eval(textIn(`main .notice[role="status"]`, "活动已发起")) || c.count(`#by-account tbody tr`) < 10 {
					t.Errorf("after launching: %q, %d tasks", c.text("main .notice"), c.count(`#by-account tbody tr`))
				}
				c.tourShot(shots, lang, "manager", "campaign")
				c.open("/campaigns")
			}
			c.tourShot(shots, lang, "manager", "campaigns")
			// The leader's tasks on the home page; a greeting ticks one off.
			c.open("/")
			before := c.text(`.home-campaign h2 .count`)
			c.load("open the first account to greet", chromedp.Click(chromedp.CSS(`.home-campaign ul.campaign-open a`)))
			c.step("greet it", chromedp.SetValue(chromedp.ID("kind"), "holiday_greeting"),
				chromedp.SendKeys(chromedp.ID("summary"), "Tour: 王总亲自致电，感谢一年的合作"),
				chromedp.Click(chromedp.CSS(`#log-interaction button[type="submit"]`)))
			c.waitFor("the notice", textIn("#interaction-panel .notice", w.logged))
			c.open("/")
			if after := c.text(`.home-campaign h2 .count`); after == before {
				t.Errorf("the greeting did not tick the task: %s left before and after", after)
			}
		})

		t.Run(lang+"/admin", func(t *testing.T) {
			c := tourStart(t, ts, "admin@keyhold.demo", lang)
			c.tourPage(shots, lang, "admin", "lists", "/admin/lists")
			if got := c.value(`#list-industry tbody tr:first-child input[name="zh"]`); got != "制造业" {
				t.Errorf("the first industry's Chinese label is %q", got)
			}
			c.tourPage(shots, lang, "admin", "users", "/admin/users")
		})
	}
}

// tourText is what the tour reads on the pages in one language.
type tourText struct {
	neverContacted, neverBadge, logged, backup, mine, created, large string
}

var tourWords = map[string]tourText{
	"en":    {"Never contacted", "never contacted", "Logged.", "Backup", "My accounts", "Account created.", "Large"},
	"zh-CN": {"从未联系", "从未联系", "已记录，见下方时间线。", "后备", "我的客户", "客户已创建。", "大型"},
}

// tourHealth checks an account page's health: one status in the heading, each deduction
// with its points, and the action that lifts the score most.
func tourHealth(t *testing.T, c *chrome, w tourText) {
	t.Helper()
	if n := c.count("#account-heading .level, #account-heading .badge"); n != 1 {
		t.Errorf("%d statuses in the heading, want one", n)
	}
	if !c.eval(`Array.from(document.querySelectorAll("#health .breakdown .points")).every(p => /^−\d+$/.test(p.textContent))`) ||
		c.count("#health .breakdown .points") == 0 {
		t.Errorf("the breakdown: %q", c.text("#health .breakdown"))
	}
	if c.count(`#health a.button[data-action]`) != 1 {
		t.Error("no action proposed")
	}
}

// tourCall takes the proposed contact (a call, or a visit where one is due) and logs it:
// the heading, the facts, the health and the timeline change in place, without a reload.
func tourCall(t *testing.T, c *chrome, w tourText) {
	t.Helper()
	before := c.text("#account-facts")
	action := browserRun(c, "the action", chromedp.Evaluate[string](`document.querySelector('#health a.button[data-action]').dataset.action`))
	href := browserRun(c, "its link", chromedp.Evaluate[string](`document.querySelector('#health a.button[data-action]').getAttribute('href')`))
	if action != "log_call" && action != "log_visit" {
		t.Fatalf("the overdue account's action is %q", action)
	}
	if strings.HasPrefix(href, "/") { // the form set for another kind: the page again
		c.open(href)
		if got := c.value("#kind"); "log_"+got != action {
			t.Errorf("the form is set for %q, the action is %q", got, action)
		}
	} else {
		c.step("take the action", chromedp.Click(chromedp.CSS(`#health a.button[data-action]`)))
	}
	c.step("log it", chromedp.Evaluate[chromedp.Void](`window.__noReload = 1`),
		chromedp.SendKeys(chromedp.ID("summary"), "Tour: about the renewal"),
		chromedp.Click(chromedp.CSS(`#log-interaction button[type="submit"]`)))
	c.waitFor("the notice", textIn("#interaction-panel .notice", w.logged))
	if !c.eval(`window.__noReload === 1`) {
		t.Error("the page was reloaded")
	}
	if after := c.text("#account-facts"); after == before {
		t.Error("the last contact did not change in place")
	}
	if c.eval(textIn("#health .breakdown", w.neverContacted)) {
		t.Error("the health still says never contacted")
	}
}

// tourStart signs a person in, in a browser of their own, in lang.
func tourStart(t *testing.T, ts *testServer, email, lang string) *chrome {
	t.Helper()
	c := newChrome(t, ts)
	c.signIn(email, demo.Password)
	if lang != "en" {
		c.load("switch the language", chromedp.Click(chromedp.CSS(`header form.lang-switch button[type="submit"]`)))
	}
	c.step("the page is in "+lang, chromedp.WaitReady(chromedp.CSS(`html[lang="`+lang+`"]`)))
	return c
}

// tourPage opens a page and saves its screenshots.
func (c *chrome) tourPage(dir, lang, who, name, p string) {
	c.t.Helper()
	c.open(p)
	c.tourShot(dir, lang, who, name)
}

// tourShot saves the page as it is at desktop and phone width, when dir is set.
func (c *chrome) tourShot(dir, lang, who, name string) {
	c.t.Helper()
	if dir == "" {
		return
	}
	for _, v := range []struct {
		label string
		w, h  int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		c.step("resize", chromedp.EmulateViewport(v.w, v.h), chromedp.Sleep(300*time.Millisecond))
		png := browserRun(c, "screenshot", chromedp.Action[[]byte](func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
			r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng})
			if err != nil {
				return nil, err
			}
			return r.Data, nil
		}))
		file := filepath.Join(dir, fmt.Sprintf("%s-%s-%s-%s.png", strings.ToLower(strings.SplitN(lang, "-", 2)[0]), who, name, v.label))
		if err := os.WriteFile(file, png, 0o644); err != nil {
			c.t.Fatal(err)
		}
	}
	c.step("back to desktop", chromedp.EmulateViewport(1280, 900))
}

// demoServer is a server over the demo organisation, as `make run` seeds it, scored.
func demoServer(t *testing.T) *testServer {
	t.Helper()
	dsn := storetest.DSN(t)
	clk := &clock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	db, err := store.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(demo.Password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, db, demo.Options{Now: clk.Now(), Seed: 1, PasswordHash: string(hash)}); err != nil {
		t.Fatal(err)
	}
	if _, err := health.New(db, clk.Now).FullScan(ctx); err != nil {
		t.Fatal(err)
	}
	db.Close()
	return startServer(t, dsn, clk)
}
