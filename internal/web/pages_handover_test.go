package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The handover pages through the real HTTP stack: who may open them, the first step's
// form, the wizard's forms (bulk assignment, an item's checklist, the joint introduction,
// start, complete with gaps and forced, departure), the report and its CSV, and CSRF.

// handoverLocation is the handover id a 303 after creating one points to.
func handoverLocation(t *testing.T, r response) string {
	t.Helper()
	loc := r.Header.Get("Location")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/handovers/") {
		t.Fatalf("create handover: %d to %q: %s", r.Status, loc, r.Body)
	}
	return loc
}

// wantPage fails unless r has the status and every text.
func wantPage(t *testing.T, what string, r response, status int, texts ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, r.Status, status, r.Body)
	}
	for _, s := range texts {
		if !strings.Contains(string(r.Body), s) {
			t.Errorf("%s: the page lacks %q", what, s)
		}
	}
}

func TestHandoverPagesAreForManagers(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	h, _, _ := handoverReady(t, ts, tm)
	rep := pageSignedIn(ts, tm.r3.Email, testPassword)
	for _, p := range []string{"/handovers", "/handovers/new", path("/handovers/%d", id(h)),
		path("/handovers/%d/report", id(h)), path("/handovers/%d/report.csv", id(h))} {
		if r := rep.get(p); r.Status != http.StatusForbidden || !strings.Contains(string(r.Body), "Not allowed") {
			t.Errorf("a rep opens %s: %d", p, r.Status)
		}
	}
	if strings.Contains(string(rep.get("/").Body), `href="/handovers"`) {
		t.Error("a rep's navigation links to the handovers")
	}
	tok := csrfFrom(rep.get("/").Body)
	for _, p := range []string{"/handovers", path("/handovers/%d/start", id(h)), path("/handovers/%d/cancel", id(h)),
		path("/users/%d/depart", tm.leaver.ID)} {
		if r := rep.post(p, map[string][]string{"csrf_token": {tok}, "departing_user_id": {path("%d", tm.r4.ID)},
			"last_day": {"2026-04-30"}}); r.Status != http.StatusForbidden {
			t.Errorf("a rep posts to %s: %d", p, r.Status)
		}
	}
	if got := ts.must(200, "GET", path("/api/v1/handovers/%d", id(h)), tm.mgr.Token, nil)["status"]; got != "in_progress" {
		t.Errorf("after a rep's posts the handover is %v", got)
	}
	mgr := pageSignedIn(ts, tm.mgr.Email, testPassword)
	if r := mgr.get("/handovers/999999"); r.Status != http.StatusNotFound {
		t.Errorf("no such handover: %d", r.Status)
	}
	if r := mgr.get("/handovers?status=purple"); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad status filter: %d", r.Status)
	}
}

func TestHandoverWizardForms(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	key1 := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Key One", "tier": "key", "annual_value": 1000})
	ts.must(200, "PUT", "/api/v1/currencies/USD", tm.admin, map[string]any{"rate_to_base": 7})
	key2 := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Key Two", "tier": "key", "annual_value": 500, "currency": "USD"})
	std := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Standard One", "tier": "standard", "annual_value": 10})
	other := ts.mustCreateAccount(tm.r4.Token, map[string]any{"name": "Someone Else's", "tier": "growth"})
	mgr := pageSignedIn(ts, tm.mgr.Email, testPassword)

	list := mgr.get("/handovers")
	wantPage(t, "empty list", list, 200, `href="/handovers/new"`, "No handovers.", `<a href="/handovers" aria-current="page">Handovers</a>`)
	form := mgr.get("/handovers/new")
	wantPage(t, "first step", form, 200, path(`<option value="%d" >Zhang Wei · Sales</option>`, tm.leaver.ID), `type="date"`)
	if strings.Contains(string(form.Body), path(`<option value="%d"`, tm.mgr.ID)) {
		t.Error("the manager can pick themselves")
	}
	tok := csrfFrom(form.Body)
	post := func(target string, fields url.Values) response {
		t.Helper()
		fields.Set("csrf_token", tok)
		return mgr.post(target, fields)
	}
	leaver := path("%d", tm.leaver.ID)

	t.Run("the first step keeps the input on errors", func(t *testing.T) {
		for _, c := range []struct{ day, msg string }{
			{"2026-03-01", "may not be in the past"},
			{"2026-02-30", "must be a date as YYYY-MM-DD"},
		} {
			r := post("/handovers", url.Values{"departing_user_id": {leaver}, "last_day": {c.day}})
			wantPage(t, c.day, r, http.StatusUnprocessableEntity, c.msg, `value="`+c.day+`"`,
				path(`<option value="%d" selected>Zhang Wei`, tm.leaver.ID), "Please correct the fields marked below.")
		}
		r := post("/handovers", url.Values{"departing_user_id": {""}, "last_day": {"2026-03-31"}})
		wantPage(t, "nobody", r, http.StatusUnprocessableEntity, "is required", `value="2026-03-31"`)
		if u := ts.must(200, "GET", path("/api/v1/users/%d", tm.leaver.ID), tm.mgr.Token, nil); u["status"] != "active" {
			t.Fatalf("a refused form changed the person: %v", u["status"])
		}
	})

	loc := handoverLocation(t, post("/handovers", url.Values{"departing_user_id": {leaver}, "last_day": {"2026-03-31"}}))
	hid := strings.TrimPrefix(loc, "/handovers/")
	api := func() map[string]any {
		t.Helper()
		return ts.must(200, "GET", "/api/v1"+loc, tm.mgr.Token, nil)
	}
	h := api()
	itemID := func(acc int64) string { return path("%d", num(itemFor(h, acc)["id"])) }

	t.Run("the wizard shows proposals with each candidate's load", func(t *testing.T) {
		r := mgr.get(loc)
		wantPage(t, "draft", r, 200, "Handover: Zhang Wei", "Draft", "Key One", "Key Two", "Standard One",
			`<optgroup label="Same team">`, "Amy Chen (accounts: 0, key: 0, value: CNY 0)", "Liu Yang (accounts: 0, key: 0, value: CNY 0)",
			"Sarah Lim (accounts: 1, key: 0, value: CNY 0)", `id="bulk-assign"`, `form="bulk-assign"`, `id="start-form"`,
			"0% of the checklist done", "<details")
		// The proposal is preselected: the first owned key account goes to a rep with nothing.
		prop := num(itemFor(h, key1)["proposed_to_user_id"])
		if prop == 0 || !strings.Contains(string(r.Body), path(`<option value="%d" selected>`, prop)) {
			t.Errorf("the proposal (%d) is not preselected", prop)
		}
		lr := mgr.get("/handovers")
		wantPage(t, "list", lr, 200, loc, "Zhang Wei", "31 Mar 2026", "Draft", "(key: 2)")
		wantPage(t, "filtered", mgr.get("/handovers?status=completed"), 200, "No handovers.")
	})

	t.Run("bulk assignment", func(t *testing.T) {
		r := post(loc+"/assign", url.Values{"item_ids": {itemID(key1)}, "to_user_id": {""}})
		wantPage(t, "no successor", r, http.StatusUnprocessableEntity, "is required",
			path(`value="%s" form="bulk-assign" id="pick-%s" checked`, itemID(key1), itemID(key1)))
		r = post(loc+"/assign", url.Values{"item_ids": {itemID(key1), itemID(key2), itemID(std)}, "to_user_id": {path("%d", tm.r3.ID)}})
		done := path("%s?assigned=2&already=1&to=%d#items", loc, tm.r3.ID) // one was proposed to him
		pageWantRedirect(t, r, done)
		wantPage(t, "after the bulk assignment", mgr.get(done), 200, "2 accounts now go to Liu Yang. 1 of those chosen had them already.")
		h = api()
		for _, acc := range []int64{key1, key2, std} {
			if num(itemFor(h, acc)["to_user_id"]) != tm.r3.ID {
				t.Errorf("account %d: successor %v", acc, itemFor(h, acc)["to_user_id"])
			}
		}
		// "Every account they own" in one click.
		pageWantRedirect(t, post(loc+"/assign", url.Values{"all": {"1"}, "to_user_id": {path("%d", tm.r4.ID)}}), path("%s?assigned=3&already=0&to=%d#items", loc, tm.r4.ID))
		h = api()
		if num(itemFor(h, std)["to_user_id"]) != tm.r4.ID || num(itemFor(h, key1)["to_user_id"]) != tm.r4.ID {
			t.Fatalf("assign all: %v", h["items"])
		}
		pageWantRedirect(t, post(loc+"/assign", url.Values{"item_ids": {itemID(key1), itemID(key2), itemID(std)}, "to_user_id": {path("%d", tm.r3.ID)}}),
			path("%s?assigned=3&already=0&to=%d#items", loc, tm.r3.ID))
		pageWantRedirect(t, post(loc+"/assign", url.Values{"item_ids": {itemID(key1), itemID(std)}, "to_user_id": {path("%d", tm.r3.ID)}}),
			path("%s?assigned=0&already=2&to=%d#items", loc, tm.r3.ID))
	})

	t.Run("start", func(t *testing.T) {
		pageWantRedirect(t, post(loc+"/start", url.Values{}), loc)
		r := mgr.get(loc)
		wantPage(t, "in progress", r, 200, "In progress", `id="complete-form"`, "Key accounts that still have gaps: 2", "no transfer note", "no joint introduction")
		r = post(loc+"/start", url.Values{})
		wantPage(t, "start twice", r, http.StatusConflict, "only a draft handover can start")
	})

	// The leaver, still signing in while leaving, opens someone else's account and tries to
	// export the report: both are recorded for the report, and the export is refused.
	leaving := pageSignedIn(ts, tm.leaver.Email, testPassword)
	wantPage(t, "the leaver opens an account", leaving.get(path("/accounts/%d", other)), 200, "Someone Else&#39;s")
	if r := leaving.get(loc + "/report.csv"); r.Status != http.StatusForbidden || strings.Contains(string(r.Body), "account_id,") {
		t.Fatalf("a leaving person downloads the report: %d", r.Status)
	}

	t.Run("an item's checklist", func(t *testing.T) {
		it := itemID(key1)
		note := "Key contacts: Chen Jing (procurement). Open issue: invoice dispute."
		r := post(loc+"/items/"+it, url.Values{"transfer_note": {note}, "customer_notified": {"false", "true"}})
		pageWantRedirect(t, r, loc+"#item-"+it)
		got := itemFor(api(), key1)
		if got["transfer_note"] != note || got["customer_notified"] != true || num(got["to_user_id"]) != tm.r3.ID {
			t.Fatalf("saved item: %v", got)
		}
		// htmx: the item comes back in place, with the progress out of band.
		r = pagePost(mgr, loc+"/items/"+it, url.Values{"csrf_token": {tok}, "transfer_note": {note}, "customer_notified": {"false"}},
			map[string]string{"HX-Request": "true"})
		wantPage(t, "htmx save", r, 200, `<tbody id="item-`+it+`"`, "Saved.", `id="progress"`, `id="actions"`, "<details open>")
		if strings.Contains(string(r.Body), "<html") {
			t.Error("htmx got the whole page")
		}
		if itemFor(api(), key1)["customer_notified"] != false {
			t.Error("unticking 'customer notified' did not save")
		}
		r = post(loc+"/items/"+it, url.Values{"transfer_note": {strings.Repeat("x", 10001)}, "customer_notified": {"false", "true"}})
		wantPage(t, "note too long", r, http.StatusUnprocessableEntity, "is too long", "<details open>", strings.Repeat("x", 10001))
		post(loc+"/items/"+it, url.Values{"customer_notified": {"false", "true"}})

		// The joint introduction: logged by the manager, with both people taking part.
		r = post(loc+"/items/"+it+"/intro", url.Values{"summary": {""}})
		wantPage(t, "intro without a summary", r, http.StatusUnprocessableEntity, "is required", "<details open>")
		r = post(loc+"/items/"+it+"/intro", url.Values{"summary": {"Zhang Wei introduced Liu Yang to Mr Chen"}})
		pageWantRedirect(t, r, loc+"#item-"+it)
		got = itemFor(api(), key1)
		if got["intro_logged"] != true || len(got["gaps"].([]any)) != 0 {
			t.Fatalf("after the intro: %v", got)
		}
		page := mgr.get(loc)
		wantPage(t, "intro ticked", page, 200, "Joint introduction: 1 of 3", "Customer notified: 1 of 3", "Key accounts that still have gaps: 1")
		row := string(page.Body)
		row = row[strings.Index(row, `<tbody id="item-`+it+`"`):]
		row = row[:strings.Index(row, "</tr>")]
		if strings.Count(row, `class="tick yes"`) != 3 {
			t.Errorf("the row of Key One does not show its three ticks: %s", row)
		}
		ints := ts.must(200, "GET", path("/api/v1/accounts/%d/interactions", key1), tm.mgr.Token, nil)["data"].([]any)
		intro := ints[0].(map[string]any)
		if intro["kind"] != "handover_intro" || num(intro["author_id"]) != tm.mgr.ID || len(intro["participants"].([]any)) != 2 {
			t.Errorf("the intro interaction: %v", intro)
		}
	})

	t.Run("complete: gaps refuse it, a reason forces it", func(t *testing.T) {
		r := post(loc+"/complete", url.Values{"force": {"true"}, "reason": {"Customer on holiday until May"}})
		wantPage(t, "not confirmed", r, http.StatusUnprocessableEntity, "must be ticked to confirm")
		if api()["status"] != "in_progress" {
			t.Fatal("completed without the confirmation")
		}
		r = post(loc+"/complete", url.Values{"confirm": {"yes"}})
		wantPage(t, "gaps", r, http.StatusConflict, "some key accounts have gaps; close them or force completion with a reason",
			"Key Two</a>: no transfer note, no joint introduction", `id="force"`)
		r = post(loc+"/complete", url.Values{"force": {"true"}, "reason": {""}, "confirm": {"yes"}})
		wantPage(t, "force without a reason", r, http.StatusUnprocessableEntity, "is required to force a handover with gaps",
			`id="force" name="force" value="true" checked`)
		pageWantRedirect(t, post(loc+"/complete", url.Values{"force": {"true"}, "reason": {"Customer on holiday until May"}, "confirm": {"yes"}}), loc)
		h = api()
		if h["status"] != "completed" || h["force_reason"] != "Customer on holiday until May" {
			t.Fatalf("completed: %v", h)
		}
		wantPage(t, "completed", mgr.get(loc), 200, "Completed", "Customer on holiday until May", `id="depart-form"`)
		if r := post(loc+"/items/"+itemID(std), url.Values{"transfer_note": {"late"}}); r.Status != http.StatusConflict ||
			!strings.Contains(string(r.Body), "this handover is closed and can no longer change") {
			t.Errorf("saving an item of a closed handover: %d", r.Status)
		}
	})

	t.Run("report", func(t *testing.T) {
		r := mgr.get(loc + "/report")
		wantPage(t, "report", r, 200, "Handover report: Zhang Wei", "31 Mar 2026", "CNY 4,510", "(CNY 1,010 + USD 500)",
			"Completed with gaps", "Customer on holiday until May", "Key Two", "Liu Yang", "Pending",
			"Accounts opened outside their own book", "Someone Else&#39;s", "Handover report "+hid, "refused",
			`href="/handovers/`+hid+`/report.csv"`, `href="/api/v1/handovers/`+hid+`/report"`)
		csv := mgr.get(loc + "/report.csv")
		if csv.Status != 200 || !strings.HasPrefix(string(csv.Body), "\uFEFFAccount ID,Account,Tier,") || !strings.Contains(string(csv.Body), "Key Two,Key,500,USD,Owner,") ||
			!strings.Contains(csv.Header.Get("Content-Disposition"), "handover-"+hid+".csv") {
			t.Fatalf("csv: %d %s", csv.Status, csv.Body)
		}
		if codes := string(mgr.get(loc + "/report.csv?headers=codes").Body); !strings.HasPrefix(codes, "\uFEFFaccount_id,account,tier,") || !strings.Contains(codes, "Key Two,key,500,USD,owner,") {
			t.Errorf("csv in codes: %s", codes)
		}
		var exports int64
		ts.App.DB.Read.Raw("SELECT COUNT(*) FROM audit_entries WHERE action = 'export' AND actor_id = ?", tm.mgr.ID).Scan(&exports)
		if exports != 2 { // in words and in codes
			t.Errorf("%d exports audited", exports)
		}
	})

	t.Run("mark departed", func(t *testing.T) {
		pageWantRedirect(t, post(path("/users/%d/depart", tm.leaver.ID), url.Values{"handover_id": {hid}}), loc)
		if u := ts.must(200, "GET", path("/api/v1/users/%d", tm.leaver.ID), tm.mgr.Token, nil); u["status"] != "departed" {
			t.Fatalf("after the form: %v", u["status"])
		}
		if r := leaving.get("/"); r.Status != http.StatusSeeOther {
			t.Errorf("a departed person's session still works: %d", r.Status)
		}
		page := mgr.get(loc)
		if strings.Contains(string(page.Body), `id="depart-form"`) {
			t.Error("the departure form is still offered")
		}
		r := post(path("/users/%d/depart", tm.leaver.ID), url.Values{"handover_id": {hid}})
		wantPage(t, "depart twice", r, http.StatusConflict, "this user has already departed")
	})
}

func TestHandoverFormsNeedTheCSRFToken(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	h, key, _ := handoverReady(t, ts, tm)
	mgr := pageSignedIn(ts, tm.mgr.Email, testPassword)
	it := num(itemFor(h, key)["id"])
	for _, p := range []string{"/handovers", path("/handovers/%d/assign", id(h)), path("/handovers/%d/items/%d", id(h), it),
		path("/handovers/%d/items/%d/intro", id(h), it), path("/handovers/%d/start", id(h)), path("/handovers/%d/complete", id(h)),
		path("/handovers/%d/cancel", id(h)), path("/users/%d/depart", tm.leaver.ID)} {
		for _, tok := range []string{"", "0123456789abcdef0123456789abcdef"} {
			r := mgr.post(p, map[string][]string{"csrf_token": {tok}, "transfer_note": {"forged"}, "force": {"true"}, "reason": {"forged"},
				"departing_user_id": {path("%d", tm.r4.ID)}, "last_day": {"2026-04-30"}, "summary": {"forged"},
				"item_ids": {path("%d", it)}, "to_user_id": {path("%d", tm.r4.ID)}})
			if r.Status != http.StatusForbidden {
				t.Errorf("%s with token %q: %d", p, tok, r.Status)
			}
		}
	}
	got := ts.must(200, "GET", path("/api/v1/handovers/%d", id(h)), tm.mgr.Token, nil)
	if got["status"] != "in_progress" || itemFor(got, key)["transfer_note"] != "" || num(itemFor(got, key)["to_user_id"]) != tm.r3.ID {
		t.Fatalf("forged posts changed the handover: %v", got)
	}
	if r := ts.call("GET", path("/api/v1/users/%d", tm.r4.ID), tm.mgr.Token, nil); !strings.Contains(string(r.Body), `"status":"active"`) {
		t.Fatalf("a forged post started a handover: %s", r.Body)
	}
}

// In the browser: the person leaving finds her handover on her home page and writes her
// notes on /me/handover; once the handover is under way, the successor finds the
// account, and the note, on his home page — in English and in Chinese.
func TestLeavingPersonWritesNotesAndSuccessorReadsThem(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	acc := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Harbour Freight", "tier": "key", "annual_value": 500})
	h := ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-31"})
	itemID := num(itemFor(h, acc)["id"])
	ts.must(200, "PATCH", path("/api/v1/handovers/%d/items/%d", id(h), itemID), tm.mgr.Token, map[string]any{"to_user_id": tm.r3.ID})

	her := ts.browser()
	her.signIn(tm.leaver.Email, testPassword)
	home := string(her.get("/").Body)
	if !strings.Contains(home, `href="/me/handover"`) || !strings.Contains(home, "Accounts: 1 · transfer notes written: 0") {
		t.Fatalf("her home page does not lead to her handover:\n%s", home)
	}
	page := her.get("/me/handover")
	if page.Status != 200 || !strings.Contains(string(page.Body), "Harbour Freight") || !strings.Contains(string(page.Body), "Liu Yang") {
		t.Fatalf("her handover page: %d\n%s", page.Status, page.Body)
	}
	note := "Talk to Ms Zhao <buyer>; the May renewal is open."
	r := her.post(path("/me/handover/items/%d/note", itemID), map[string][]string{"transfer_note": {note}, "csrf_token": {csrfFrom(page.Body)}})
	if r.Status != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), path("saved=%d", itemID)) {
		t.Fatalf("saving the note: %d %s", r.Status, r.Body)
	}
	if page := string(her.get(path("/me/handover?saved=%d", itemID)).Body); !strings.Contains(page, "Ms Zhao &lt;buyer&gt;") {
		t.Fatalf("the saved note is not shown, escaped:\n%s", page)
	}
	long := strings.Repeat("x", 10001)
	if r := her.post(path("/me/handover/items/%d/note", itemID), map[string][]string{"transfer_note": {long}, "csrf_token": {csrfFrom(page.Body)}}); r.Status != 422 || !strings.Contains(string(r.Body), long) {
		t.Fatalf("a note too long: %d (the text must come back to be shortened)", r.Status)
	}
	if r := her.get(path("/handovers/%d", id(h))); r.Status != 403 {
		t.Errorf("the manager's handover page, for her: %d", r.Status)
	}

	ts.must(200, "PATCH", path("/api/v1/handovers/%d/items/%d", id(h), itemID), tm.mgr.Token, map[string]any{"customer_notified": true})
	ts.must(200, "POST", path("/api/v1/handovers/%d/start", id(h)), tm.mgr.Token, nil)
	him := ts.browser()
	him.signIn(tm.r3.Email, testPassword)
	home = string(him.get("/").Body)
	if !strings.Contains(home, "Handed to you") || !strings.Contains(home, "Ms Zhao &lt;buyer&gt;") || !strings.Contains(home, "Zhang Wei") {
		t.Fatalf("the successor's home page:\n%s", home)
	}
	ts.must(200, "PATCH", "/api/v1/me", ts.login(tm.r3.Email, testPassword), map[string]any{"language": "zh-CN"})
	if home := string(him.get("/").Body); !strings.Contains(home, "交给您的客户") || !strings.Contains(home, "交接进行中") {
		t.Fatalf("in Chinese:\n%s", home)
	}
}

// The printed report is a real handover form: each item's transfer note in full, who
// receives what, and a signature block for the person leaving, each successor and the
// manager — a Chinese 交接单 in Chinese. It stays the manager's.
func TestHandoverReportCarriesNotesAndSignatures(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	acc := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Harbour Freight", "tier": "key", "annual_value": 500})
	other := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Quay Traders", "tier": "growth", "annual_value": 70})
	h := ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-31"})
	ts.must(200, "PATCH", path("/api/v1/handovers/%d/items/%d", id(h), num(itemFor(h, acc)["id"])), tm.mgr.Token, map[string]any{"to_user_id": tm.r3.ID})
	ts.must(200, "PATCH", path("/api/v1/handovers/%d/items/%d", id(h), num(itemFor(h, other)["id"])), tm.mgr.Token, map[string]any{"to_user_id": tm.r4.ID})
	leaver := ts.login(tm.leaver.Email, testPassword)
	zhao := id(ts.must(201, "POST", path("/api/v1/accounts/%d/contacts", acc), leaver,
		map[string]any{"name": "Zhao Min", "title": "Procurement Director", "phone": "+86 20 5555 0101", "decision_maker": true}))
	ts.must(200, "PATCH", path("/api/v1/handovers/%d/items/%d", id(h), num(itemFor(h, acc)["id"])), leaver,
		map[string]any{"transfer_note": "Ms Zhao decides.\nRenewal in May; 5% discount agreed.", "key_contact_ids": []int64{zhao},
			"open_issues": "Two late deliveries in March", "agreements": "Framework contract to 2027"})
	if r := ts.call("GET", path("/api/v1/handovers/%d/report", id(h)), leaver, nil); r.Status != 403 {
		t.Errorf("the report, for the person leaving: %d", r.Status)
	}
	rep := ts.must(200, "GET", path("/api/v1/handovers/%d/report", id(h)), tm.mgr.Token, nil)
	if s := rep["successors"].([]any); len(s) != 2 || rep["manager"].(map[string]any)["name"] != "Wang Li" {
		t.Fatalf("successors %v, manager %v", s, rep["manager"])
	}
	b := ts.browser()
	b.signIn(tm.mgr.Email, testPassword)
	page := string(b.get(path("/handovers/%d/report", id(h))).Body)
	for _, want := range []string{"Ms Zhao decides.\nRenewal in May; 5% discount agreed.", "Who receives what", "Signatures",
		"<strong>Zhao Min</strong> · Procurement Director", "&#43;86 20 5555 0101", "Open issues", "Two late deliveries in March",
		"Agreements and pricing", "Framework contract to 2027",
		"<td>Handing over</td><td>Zhang Wei</td>", "<td>Taking over</td><td>Liu Yang</td>", "<td>Taking over</td><td>Sarah Lim</td>",
		"<td>Manager</td><td>Wang Li</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	ts.must(200, "PATCH", "/api/v1/me", tm.mgr.Token, map[string]any{"language": "zh-CN"})
	page = string(b.get(path("/handovers/%d/report", id(h))).Body)
	for _, want := range []string{"签字确认", "<td>交接人</td><td>Zhang Wei</td>", "<td>接任人</td><td>Liu Yang</td>", "<td>主管</td><td>Wang Li</td>", "交接说明",
		"关键联系人", "未决事项", "协议与价格"} {
		if !strings.Contains(page, want) {
			t.Errorf("the Chinese report lacks %q", want)
		}
	}
}

// A large handover's page stays small: past 40 open items the rows carry no candidate
// select and no checklist forms, the items come 50 to a page, key accounts first, and
// Change opens the one item to work on, on its page.
func TestLargeHandoverPageStaysSmall(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	const n = 120
	ts.mustOwnMany(tm.leaver.ID, n)
	h := ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-31"})
	mgr := pageSignedIn(ts, tm.mgr.Email, testPassword)
	page := string(mgr.get(path("/handovers/%d", id(h))).Body)
	rows := strings.Count(page, `<tbody id="item-`)
	if rows != 50 || strings.Count(page, `name="to_user_id" id="to-`) != 0 || !strings.Contains(page, `<span class="count">120</span>`) {
		t.Fatalf("first page: %d rows, %d item selects", rows, strings.Count(page, `name="to_user_id" id="to-`))
	}
	if first := page[strings.Index(page, `<tbody id="item-`):]; !strings.Contains(first[:strings.Index(first, "</tbody>")], "Bulk 120") {
		t.Errorf("the most valuable key account does not lead")
	}
	if !strings.Contains(page, path(`/handovers/%d?items_page=2#items`, id(h))) {
		t.Error("no link to the next page of items")
	}
	last := items(ts.must(200, "GET", path("/api/v1/handovers/%d?items_page=2", id(h)), tm.mgr.Token, nil))[0]
	edit := string(mgr.get(path("/handovers/%d?edit=%d", id(h), num(last["id"]))).Body)
	if strings.Count(edit, `name="to_user_id" id="to-`) != 1 || !strings.Contains(edit, path(`id="to-%d"`, num(last["id"]))) ||
		!strings.Contains(edit, path(`id="note-%d"`, num(last["id"]))) {
		t.Errorf("Change does not open the item's forms")
	}
	// Done, it still comes a page at a time.
	ts.must(200, "POST", path("/api/v1/handovers/%d/start", id(h)), tm.mgr.Token, nil)
	ts.must(200, "POST", path("/api/v1/handovers/%d/complete", id(h)), tm.mgr.Token, map[string]any{"force": true, "reason": "last day moved up"})
	done := string(mgr.get(path("/handovers/%d?items_page=3", id(h))).Body)
	if rows := strings.Count(done, `<tbody id="item-`); rows != 20 || !strings.Contains(done, "Page 3 of 3") {
		t.Errorf("the completed handover's last page: %d rows", rows)
	}
}

// "Draft from the account's record" fills one note with what the record knows — the
// decision-makers as key contacts, open next steps and complaints as open issues, the
// renewal and value under agreements, the latest contacts — for the person leaving to
// correct; nothing is saved until she saves.
func TestTransferNoteDraftedFromTheRecord(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	acc := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Harbour Freight", "tier": "key", "annual_value": 500, "renewal_date": "2026-06-30"})
	base := path("/api/v1/accounts/%d", acc)
	zhao := id(ts.must(201, "POST", base+"/contacts", tm.leaver.Token, map[string]any{"name": "Zhao Min", "title": "Procurement Director", "decision_maker": true}))
	ts.must(201, "POST", base+"/contacts", tm.leaver.Token, map[string]any{"name": "Li Qiang", "title": "Warehouse"})
	ts.must(201, "POST", base+"/interactions", tm.leaver.Token, map[string]any{"kind": "call", "summary": "Discussed Q2 volumes",
		"next_step": "Send the renewal quote", "next_step_due": "2026-03-20"})
	ts.must(201, "POST", base+"/complaints", tm.leaver.Token, map[string]any{"severity": "high", "summary": "Late deliveries"})
	ts.must(201, "POST", base+"/interactions", tm.leaver.Token, map[string]any{"kind": "email", "summary": "Sent the price list",
		"next_step": "Call back about the discount", "next_step_due": "2026-03-02"})
	ts.must(201, "POST", base+"/interactions", tm.leaver.Token, map[string]any{"kind": "note", "summary": "A competitor quoted 8% lower"})
	h := ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-31"})
	itemID := num(itemFor(h, acc)["id"])

	her := pageSignedIn(ts, tm.leaver.Email, testPassword)
	draft := her.get(path("/me/handover?draft=%d", itemID))
	page := string(draft.Body)
	for _, want := range []string{`value="` + path("%d", zhao) + `" checked> Zhao Min, Procurement Director`,
		"- 20 Mar 2026: Send the renewal quote", "- overdue since 2 Mar 2026: Call back about the discount", "- Complaint (High): Late deliveries",
		"Notes:\n- ", "A competitor quoted 8% lower", "- Renewal: 30 Jun 2026\n- Annual value: CNY 500\n- Pricing and discounts:",
		"Latest contacts:\n- ", "Discussed Q2 volumes", "not saved yet"} {
		if !strings.Contains(page, want) {
			t.Errorf("the draft lacks %q", want)
		}
	}
	if note := itemFor(ts.must(200, "GET", path("/api/v1/handovers/%d", id(h)), tm.mgr.Token, nil), acc)["transfer_note"]; note != "" {
		t.Errorf("drafting saved the note: %q", note)
	}
	if r := her.get(path("/me/handover?draft=%d", itemID+999)); r.Status != 404 {
		t.Errorf("a draft of an item not hers: %d", r.Status)
	}

	// She corrects the draft and saves it: every part is kept, and the manager reads it.
	r := her.post(path("/me/handover/items/%d/note", itemID), map[string][]string{"csrf_token": {csrfFrom(draft.Body)},
		"key_contacts_sent": {"1"}, "key_contact_ids": {path("%d", zhao)}, "open_issues": {"Late deliveries: credit note promised"},
		"agreements": {"5% discount until June"}, "transfer_note": {"Prefers WeChat to e-mail."}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("saving the drafted note: %d %s", r.Status, r.Body)
	}
	it := itemFor(ts.must(200, "GET", path("/api/v1/handovers/%d", id(h)), tm.mgr.Token, nil), acc)
	if it["open_issues"] != "Late deliveries: credit note promised" || it["agreements"] != "5% discount until June" ||
		it["transfer_note"] != "Prefers WeChat to e-mail." || it["key_contacts"].([]any)[0].(map[string]any)["name"] != "Zhao Min" {
		t.Fatalf("the saved note: %v", it)
	}
	// Drafting again keeps what she wrote; only parts still empty would be filled.
	again := string(her.get(path("/me/handover?draft=%d", itemID)).Body)
	if !strings.Contains(again, ">Late deliveries: credit note promised</textarea>") || !strings.Contains(again, ">Prefers WeChat to e-mail.</textarea>") {
		t.Errorf("a new draft replaced the saved note")
	}
	// Unticking every key contact clears them.
	r = her.post(path("/me/handover/items/%d/note", itemID), map[string][]string{"csrf_token": {csrfFrom(draft.Body)},
		"key_contacts_sent": {"1"}})
	if it := itemFor(ts.must(200, "GET", path("/api/v1/handovers/%d", id(h)), tm.mgr.Token, nil), acc); r.Status != http.StatusSeeOther ||
		len(it["key_contact_ids"].([]any)) != 0 || it["open_issues"] == "" {
		t.Fatalf("unticking the key contacts: %d %v", r.Status, it)
	}
}

// The handover page tells the truth: a cancel needs its box ticked, a forced completion is
// not "ready", and a successor from another team shows among those taking over.
func TestHandoverPageSaysWhatHappened(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	acc := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Harbour Freight", "tier": "key", "annual_value": 500})
	otherLead := ts.mustCreateUser(tm.admin, "Gao Feng", "manager", 0)
	outsider := ts.mustCreateUser(tm.admin, "Xu Ming", "sales", otherLead.ID)
	h := ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-31"})
	ts.must(200, "PATCH", path("/api/v1/handovers/%d/items/%d", id(h), num(itemFor(h, acc)["id"])), tm.mgr.Token, map[string]any{"to_user_id": outsider.ID})
	mgr := pageSignedIn(ts, tm.mgr.Email, testPassword)
	loc := path("/handovers/%d", id(h))
	wantPage(t, "draft", mgr.get(loc), 200, "Who can take over", "Xu Ming", "other team", "Give them every account Zhang Wei owns")

	page := mgr.get(loc)
	post := func(p string, v url.Values) response {
		v.Set("csrf_token", csrfFrom(page.Body))
		return mgr.post(p, v)
	}
	// The manager's form, loaded before the person leaving wrote an open issue, ticks
	// "customer notified": the note it showed unchanged is not written back over hers.
	item := path("%s/items/%d", loc, num(itemFor(h, acc)["id"]))
	ts.must(200, "PATCH", "/api/v1"+item, ts.login(tm.leaver.Email, testPassword), map[string]any{"open_issues": "Credit note promised"})
	post(item, url.Values{"orig_open_issues": {""}, "open_issues": {""}, "orig_transfer_note": {""}, "transfer_note": {""},
		"customer_notified": {"false", "true"}})
	if it := itemFor(ts.must(200, "GET", "/api/v1"+loc, tm.mgr.Token, nil), acc); it["open_issues"] != "Credit note promised" || it["customer_notified"] != true {
		t.Fatalf("a stale form overwrote the note: %v", it)
	}
	wantPage(t, "cancel unconfirmed", post(loc+"/cancel", url.Values{}), http.StatusUnprocessableEntity, "must be ticked to confirm")
	if got := ts.must(200, "GET", "/api/v1"+loc, tm.mgr.Token, nil)["status"]; got != "draft" {
		t.Fatalf("an unconfirmed cancel cancelled: %v", got)
	}
	ts.must(200, "POST", "/api/v1"+loc+"/start", tm.mgr.Token, nil)
	pageWantRedirect(t, post(loc+"/complete", url.Values{"confirm": {"yes"}, "force": {"true"}, "reason": {"Last day moved up"}}), loc)
	done := string(mgr.get(loc).Body)
	if !strings.Contains(done, "Completed with gaps (forced)") || strings.Contains(done, "Key accounts ready") || !strings.Contains(done, "<dt>Started</dt>") {
		t.Errorf("a forced completion reads as ready, or the start is missing")
	}
}
