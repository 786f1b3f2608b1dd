package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestBrowserHandoverJourney: a manager takes a departing rep with three accounts (one
// key) through the wizard — the person and the last day, the proposals with each
// candidate's load, a bulk reassignment, one successor changed in place, the key
// account's transfer note, customer notified and joint introduction, start, complete —
// and opens the report, which prints without the page's navigation and forms.
func TestBrowserHandoverJourney(t *testing.T) {
	ts := newTestServer(t)
	c := newChrome(t, ts) // first: without a browser the test skips before any setup
	tm := newTeam(t, ts)
	key := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Huaxin Logistics", "tier": "key", "annual_value": 1200000})
	growth := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Jinling Pharma", "tier": "growth", "annual_value": 300000})
	std := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Blue Harbor Foods", "tier": "standard", "annual_value": 50000})

	c.signIn(tm.mgr.Email, testPassword)
	c.load("open the handovers from the navigation", chromedp.Click(chromedp.CSS(`header nav a[href="/handovers"]`)))
	c.load("start a new handover", chromedp.Click(chromedp.CSS(`main a[href="/handovers/new"]`)))

	// Step 1: who leaves, and when.
	c.step("pick the person and the last day",
		chromedp.WaitVisible(chromedp.ID("new-handover")),
		chromedp.SetValue(chromedp.ID("departing_user_id"), fmt.Sprint(tm.leaver.ID)),
		chromedp.SetValue(chromedp.ID("last_day"), "2026-03-31"))
	c.load("create the handover", chromedp.Click(chromedp.CSS(`#new-handover button[type="submit"]`)))
	loc := strings.TrimPrefix(c.location(), ts.URL)
	if !strings.HasPrefix(loc, "/handovers/") {
		t.Fatalf("after creating the handover the browser is at %s", loc)
	}
	h := ts.must(200, "GET", "/api/v1"+loc, tm.mgr.Token, nil)
	item := func(acc int64) int64 { return num(itemFor(h, acc)["id"]) }
	if got := c.text("main h1"); got != "Handover: Zhang Wei" {
		t.Errorf("heading %q", got)
	}

	// The proposals are preselected, and each candidate shows their current load.
	for _, acc := range []int64{key, growth, std} {
		want := fmt.Sprint(num(itemFor(h, acc)["proposed_to_user_id"]))
		if got := c.value(fmt.Sprintf("#to-%d", item(acc))); got != want || want == "0" {
			t.Errorf("account %d: the select shows %q, the proposal is %s", acc, got, want)
		}
	}
	if !c.eval(textIn(fmt.Sprintf("#to-%d optgroup option", item(key)), "Liu Yang (accounts: 0, key: 0, value: CNY 0)")) || !c.eval(textIn("#candidates", "Who can take over")) {
		t.Error("the candidates do not show their load")
	}

	// Bulk: the growth and standard accounts go to Amy Chen.
	c.step("tick two accounts and choose Amy Chen",
		chromedp.Click(chromedp.ID(fmt.Sprintf("pick-%d", item(growth)))),
		chromedp.Click(chromedp.ID(fmt.Sprintf("pick-%d", item(std)))),
		chromedp.SetValue(chromedp.ID("bulk_to_user_id"), fmt.Sprint(tm.backup.ID)))
	c.load("assign them", chromedp.Click(chromedp.ID("assign-selected")))
	h = ts.must(200, "GET", "/api/v1"+loc, tm.mgr.Token, nil)
	for _, acc := range []int64{growth, std} {
		if num(itemFor(h, acc)["to_user_id"]) != tm.backup.ID {
			t.Errorf("account %d went to %v", acc, itemFor(h, acc)["to_user_id"])
		}
	}

	// One by one: the key account goes to Liu Yang, saved in place as the select changes.
	row := fmt.Sprintf("#item-%d", item(key))
	c.step("choose Liu Yang for the key account",
		chromedp.Evaluate[chromedp.Void](`window.__noReload = 1`),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const s = document.getElementById("to-%d");
			s.value = "%d"; s.dispatchEvent(new Event("change", {bubbles: true})); })()`, item(key), tm.r3.ID)))
	c.waitFor("the key account is saved in place", textIn(row+" .notice", "Saved."))
	c.waitFor("the new item is ready", htmxSettled(fmt.Sprintf("item-form-%d", item(key))))
	if num(itemFor(ts.must(200, "GET", "/api/v1"+loc, tm.mgr.Token, nil), key)["to_user_id"]) != tm.r3.ID {
		t.Fatal("the successor chosen in the select was not saved")
	}

	c.load("start the handover", chromedp.Click(chromedp.CSS(`#start-form button[type="submit"]`)))
	c.step("the handover is in progress, the key account has gaps",
		chromedp.WaitVisible(chromedp.ID("complete-form")), chromedp.WaitVisible(chromedp.ID("gaps")))
	if s := c.text(".heading .hstatus"); s != "In progress" {
		t.Errorf("status reads %q", s)
	}

	// The key account's checklist: transfer note and customer notified, then the joint
	// introduction — each saved in place, without a reload.
	c.step("write the transfer note",
		chromedp.Evaluate[chromedp.Void](`window.__noReload = 1`),
		chromedp.Click(chromedp.CSS(row+" details summary")),
		chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("note-%d", item(key)))),
		chromedp.SendKeys(chromedp.ID(fmt.Sprintf("note-%d", item(key))), "Key contacts: Mr Chen (procurement). Open issue: invoice dispute. Pricing: 5% volume discount."),
		chromedp.Click(chromedp.ID(fmt.Sprintf("notified-%d", item(key)))),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#item-form-%d button[type="submit"]`, item(key)))))
	c.waitFor("the note is saved", textIn("#progress", "Transfer note: 1 of 3"))
	c.waitFor("the customer is marked notified", textIn("#progress", "Customer notified: 1 of 3"))
	c.waitFor("the new item is ready", htmxSettled(fmt.Sprintf("intro-form-%d", item(key))))
	c.step("log the joint introduction",
		chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("intro-summary-%d", item(key)))),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#intro-form-%d button[type="submit"]`, item(key)))))
	c.waitFor("the introduction is ticked", textIn("#progress", "Joint introduction: 1 of 3"))
	c.waitFor("no gaps are left", `document.getElementById("gaps") === null`)
	if !c.eval(`window.__noReload === 1`) {
		t.Error("the page was reloaded: the checklist should update in place")
	}
	if n := c.eval(fmt.Sprintf(`document.querySelectorAll("%s tr:first-child .tick.yes").length === 3`, row)); !n {
		t.Errorf("the key account's row does not show three ticks: %s", c.text(row))
	}

	if !c.eval(textIn("#complete-summary", "3 accounts, 1 of them key, move to their successors at once; 0 key accounts still have gaps.")) {
		t.Errorf("the completion asks without its summary: %s", c.text("#complete-form"))
	}
	c.step("submit without confirming: the browser asks for the tick",
		chromedp.Click(chromedp.CSS(`#complete-form button[type="submit"]`)))
	if c.eval(`document.getElementById("confirm").validity.valid`) || !strings.Contains(c.location(), loc) {
		t.Error("the completion went ahead without the confirmation")
	}
	c.step("confirm", chromedp.Click(chromedp.ID("confirm")))
	c.load("complete the handover", chromedp.Click(chromedp.CSS(`#complete-form button[type="submit"]`)))
	if s := c.text(".heading .hstatus"); s != "Completed" {
		t.Fatalf("after completing, the status reads %q", s)
	}
	a := ts.must(200, "GET", fmt.Sprintf("/api/v1/accounts/%d", key), tm.mgr.Token, nil)
	if num(a["owner_id"]) != tm.r3.ID {
		t.Errorf("the key account's owner is %v", a["owner_id"])
	}

	// The report, and how it prints.
	c.load("open the report", chromedp.Click(chromedp.CSS(`main a[href$="/report"]`)))
	if got := c.text("main h1"); got != "Handover report: Zhang Wei" {
		t.Errorf("report heading %q", got)
	}
	for _, want := range []string{"Huaxin Logistics", "Jinling Pharma", "Blue Harbor Foods", "Liu Yang", "Amy Chen"} {
		if !c.eval(textIn("#report-items", want)) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if !c.eval(textIn("#checklist", "Joint introduction: 1 of 3")) || !c.eval(textIn(".handover-report dl", "CNY 1,550,000")) {
		t.Errorf("the report's figures: %s", c.text(".handover-report"))
	}
	c.step("print it",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
			return err
		}))
	for _, sel := range []string{"header.top", ".report-links"} {
		if !c.eval(fmt.Sprintf(`getComputedStyle(document.querySelector(%s)).display === "none"`, jsString(sel))) {
			t.Errorf("%s is printed", sel)
		}
	}
	if !c.eval(`getComputedStyle(document.querySelector("#report-items")).display !== "none"`) {
		t.Error("the report's items are not printed")
	}
}

// htmxSettled is an expression: htmx has finished swapping and settling, and the form
// with the id is wired up again (a click before that would post it as a plain form).
func htmxSettled(formID string) string {
	return fmt.Sprintf(`document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added") === null &&
		!!(document.getElementById(%s) || {})["htmx-internal-data"]?.initHash`, jsString(formID))
}

// The handover's other two people, in the browser: the person leaving follows her home
// page to her handover and writes a transfer note; once the handover is under way her
// successor signs in and reads it on his home page.
func TestBrowserLeavingPersonAndSuccessor(t *testing.T) {
	ts := newTestServer(t)
	c := newChrome(t, ts)
	tm := newTeam(t, ts)
	acc := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Huaxin Logistics", "tier": "key", "annual_value": 1200000})
	h := ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-31"})
	item := num(itemFor(h, acc)["id"])
	ts.must(200, "PATCH", path("/api/v1/handovers/%d/items/%d", id(h), item), tm.mgr.Token, map[string]any{"to_user_id": tm.r3.ID})

	chen := id(ts.must(201, "POST", path("/api/v1/accounts/%d/contacts", acc), tm.r3.Token,
		map[string]any{"name": "Chen Hao", "title": "Procurement", "decision_maker": true}))

	c.signIn(tm.leaver.Email, testPassword)
	c.load("follow the home page to her handover", chromedp.Click(chromedp.CSS(`main a[href="/me/handover"]`)))
	note, issues := fmt.Sprintf("note-%d", item), fmt.Sprintf("issues-%d", item)
	c.step("write the transfer note: a key contact, an open issue, the rest in free text",
		chromedp.WaitVisible(chromedp.ID(note)),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#item-%d input[name="key_contact_ids"][value="%d"]`, item, chen))),
		chromedp.SendKeys(chromedp.ID(issues), "Credit note for the March delay is promised."),
		chromedp.SendKeys(chromedp.ID(note), "Pricing: 5% volume discount."))
	c.load("save it", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#item-%d form.note-form button[type="submit"]`, item))))
	if !c.eval(textIn(fmt.Sprintf("#item-%d .badge.ok", item), "saved")) || c.value("#"+note) != "Pricing: 5% volume discount." ||
		!c.eval(fmt.Sprintf(`document.querySelector('#item-%d input[name="key_contact_ids"][value="%d"]').checked`, item, chen)) {
		t.Fatalf("after saving: %s", c.text(fmt.Sprintf("#item-%d", item)))
	}
	c.load("sign out", chromedp.Click(chromedp.CSS(`form.signout button[type="submit"]`)))

	// The manager sees the note written and starts the handover.
	ts.must(200, "PATCH", path("/api/v1/handovers/%d/items/%d", id(h), item), tm.mgr.Token, map[string]any{"customer_notified": true})
	c.signIn(tm.mgr.Email, testPassword)
	c.open(path("/handovers/%d", id(h)))
	if !c.eval(fmt.Sprintf(`document.querySelector('#item-%d .tick-cell .tick.yes') !== null`, item)) {
		t.Fatalf("the manager does not see the note written: %s", c.text(fmt.Sprintf("#item-%d", item)))
	}
	c.load("start the handover", chromedp.Click(chromedp.CSS(`#start-form button[type="submit"]`)))
	c.load("sign out", chromedp.Click(chromedp.CSS(`form.signout button[type="submit"]`)))

	c.signIn(tm.r3.Email, testPassword)
	c.step("open the note of the account handed to him", chromedp.Click(chromedp.CSS(`main details summary`)))
	for _, want := range []string{"Chen Hao", "Credit note for the March delay is promised.", "Pricing: 5% volume discount."} {
		if !c.eval(textIn("main details .note-view", want)) {
			t.Fatalf("the successor's note lacks %q: %s", want, c.text("main"))
		}
	}
	if !c.eval(textIn("main td", "Zhang Wei")) {
		t.Fatalf("the successor's home page: %s", c.text("main"))
	}
}
