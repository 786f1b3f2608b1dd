package web_test

import (
	"encoding/json"
	"html"
	"io"
	"keyhold/internal/store/storetest"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// receiver is a webhook endpoint for the tests: it verifies every delivery with the
// Standard Webhooks reference library, and answers each with the next of its statuses
// (200 once they run out).
type receiver struct {
	t        *testing.T
	srv      *httptest.Server
	secret   string
	clock    *clock
	mu       sync.Mutex
	statuses []int
	headers  map[string]string // extra answer headers
	got      []delivery
}

type delivery struct {
	id, timestamp string
	status        int
	body          map[string]any
}

func newReceiver(t *testing.T, c *clock, statuses ...int) *receiver {
	r := &receiver{t: t, clock: c, statuses: statuses}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	wh, err := standardwebhooks.NewWebhook(r.secret)
	if err != nil {
		r.t.Errorf("secret %q: %v", r.secret, err)
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	// The library checks the signature; the timestamp is checked here against the
	// tests' clock, which the library cannot see.
	if err := wh.VerifyIgnoringTimestamp(body, req.Header); err != nil {
		r.t.Errorf("delivery does not verify: %v (%s)", err, req.Header.Get("webhook-signature"))
	}
	if ts := req.Header.Get("webhook-timestamp"); ts != strconv.FormatInt(r.clock.Now().Unix(), 10) {
		r.t.Errorf("webhook-timestamp %s, want the time of sending %d", ts, r.clock.Now().Unix())
	}
	status := http.StatusOK
	if len(r.statuses) > 0 {
		status, r.statuses = r.statuses[0], r.statuses[1:]
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		r.t.Errorf("payload is not JSON: %s", body)
	}
	r.got = append(r.got, delivery{id: req.Header.Get("webhook-id"), timestamp: req.Header.Get("webhook-timestamp"),
		status: status, body: m})
	for k, v := range r.headers {
		w.Header().Set(k, v)
	}
	w.WriteHeader(status)
	io.WriteString(w, "answer "+strconv.Itoa(status))
}

func (r *receiver) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// register makes an endpoint for the receiver as the admin.
func (r *receiver) register(ts *testServer, admin string, events ...string) int64 {
	w := ts.must(201, "POST", "/api/v1/webhooks", admin, map[string]any{"url": r.srv.URL + "/hook", "events": events})
	r.secret = w["secret"].(string)
	return id(w)
}

// round runs one round of the sender.
func (ts *testServer) round() int {
	ts.t.Helper()
	n, err := ts.App.Sender.Round(ts.t.Context())
	if err != nil {
		ts.t.Fatal(err)
	}
	return n
}

// A receiver that fails twice then succeeds gets the delivery three times, signed the
// same way with the same id, and the log shows three attempts and one success.
func TestWebhookRetriesUntilDelivered(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	rec := newReceiver(t, ts.Clock, 500, 503)
	hook := rec.register(ts, admin, "account.created")
	if len(rec.secret) < 40 || rec.secret[:6] != "whsec_" {
		t.Fatalf("secret %q", rec.secret)
	}
	acc := ts.mustCreateAccount(admin, map[string]any{"name": "Signed Co", "tier": "key"})
	ts.round()
	ts.Clock.Advance(7 * time.Second) // the first retry waits 5 s ± 20%
	ts.round()
	ts.round() // not due yet: the second retry waits 5 min
	if n := len(rec.deliveries()); n != 2 {
		t.Fatalf("%d tries before the second retry was due, want 2", n)
	}
	ts.Clock.Advance(7 * time.Minute)
	ts.round()
	ts.Clock.Advance(48 * time.Hour)
	ts.round()
	admin = ts.adminToken() // the clock outran the session

	got := rec.deliveries()
	if len(got) != 3 {
		t.Fatalf("%d deliveries, want 3", len(got))
	}
	for _, d := range got {
		if d.id != got[0].id {
			t.Errorf("webhook-id changed between tries: %s, %s", got[0].id, d.id)
		}
		if d.body["type"] != "account.created" {
			t.Errorf("type %v", d.body["type"])
		}
		a := d.body["data"].(map[string]any)["account"].(map[string]any)
		if a["name"] != "Signed Co" || int64(a["id"].(float64)) != acc {
			t.Errorf("data.account %v", a)
		}
	}
	if got[0].status != 500 || got[1].status != 503 || got[2].status != 200 {
		t.Errorf("statuses %d %d %d", got[0].status, got[1].status, got[2].status)
	}
	log := ts.must(200, "GET", path("/api/v1/webhooks/%d/deliveries", hook), admin, nil)
	list := log["data"].([]any)
	if len(list) != 1 {
		t.Fatalf("%d deliveries logged, want 1: %v", len(list), list)
	}
	d := list[0].(map[string]any)
	if d["status"] != "delivered" || d["attempts"].(float64) != 3 || d["next_at"] != nil || d["event"] != "account.created" {
		t.Errorf("delivery %v", d)
	}
	attempts := d["attempt_log"].([]any)
	var codes []float64
	for _, a := range attempts {
		codes = append(codes, a.(map[string]any)["status_code"].(float64))
	}
	if !slices.Equal(codes, []float64{500, 503, 200}) || attempts[2].(map[string]any)["response"] != "answer 200" {
		t.Errorf("attempt log %v", attempts)
	}

	// Redelivered on demand: the same id once more, and a fourth attempt in the log.
	ts.must(202, "POST", path("/api/v1/webhooks/%d/deliveries/%d/redeliver", hook, id(d)), admin, nil)
	ts.round()
	if got := rec.deliveries(); len(got) != 4 || got[3].id != got[0].id {
		t.Fatalf("after redelivery: %d deliveries", len(got))
	}
	d = ts.must(200, "GET", path("/api/v1/webhooks/%d/deliveries", hook), admin, nil)["data"].([]any)[0].(map[string]any)
	if d["attempts"].(float64) != 4 || d["status"] != "delivered" {
		t.Errorf("after redelivery: %v", d)
	}
}

// The schedule is spent after eight tries; 410 Gone turns the endpoint off at once; a
// Retry-After longer than the schedule's wait is honoured.
func TestWebhookGivesUp(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	failing := newReceiver(t, ts.Clock, 500, 500, 500, 500, 500, 500, 500, 500, 500)
	hook := failing.register(ts, admin, "account.created")
	ts.mustCreateAccount(admin, map[string]any{"name": "Unlucky Co", "tier": "standard"})
	for range 12 {
		ts.round()
		ts.Clock.Advance(13 * time.Hour)
	}
	if n := len(failing.deliveries()); n != 8 {
		t.Errorf("%d tries, want 8", n)
	}
	admin = ts.adminToken()
	d := ts.must(200, "GET", path("/api/v1/webhooks/%d/deliveries?status=failed", hook), admin, nil)["data"].([]any)
	if len(d) != 1 || d[0].(map[string]any)["attempts"].(float64) != 8 {
		t.Errorf("failed deliveries: %v", d)
	}

	gone := newReceiver(t, ts.Clock, 410)
	goneHook := gone.register(ts, admin, "account.updated", "account.created")
	ts.mustCreateAccount(admin, map[string]any{"name": "Gone Co", "tier": "standard"})
	ts.round()
	w := ts.must(200, "GET", path("/api/v1/webhooks/%d", goneHook), admin, nil)
	if w["active"] != false || w["disabled_reason"] == "" {
		t.Errorf("after 410: %v", w)
	}
	ts.mustCreateAccount(admin, map[string]any{"name": "Unheard Co", "tier": "standard"})
	ts.round()
	ts.Clock.Advance(time.Minute)
	ts.round()
	if n := len(gone.deliveries()); n != 1 {
		t.Errorf("a disabled endpoint got %d deliveries, want 1", n)
	}

	slow := newReceiver(t, ts.Clock, 429)
	slow.headers = map[string]string{"Retry-After": "3600"}
	slow.register(ts, admin, "account.created")
	ts.mustCreateAccount(admin, map[string]any{"name": "Patient Co", "tier": "standard"})
	ts.round()
	ts.Clock.Advance(30 * time.Minute) // past the schedule's 5 s, short of the hour asked for
	ts.round()
	if n := len(slow.deliveries()); n != 1 {
		t.Errorf("Retry-After: %d tries within the hour, want 1", n)
	}
	ts.Clock.Advance(31 * time.Minute)
	ts.round()
	if n := len(slow.deliveries()); n != 2 {
		t.Errorf("Retry-After: %d tries after the hour, want 2", n)
	}

	// Turned off, an endpoint hears of nothing that happens meanwhile, and its deliveries
	// still to retry wait out of the queue; turned on again, they go.
	paused := newReceiver(t, ts.Clock, 500)
	pausedHook := paused.register(ts, admin, "account.created")
	ts.mustCreateAccount(admin, map[string]any{"name": "Queued Co", "tier": "standard"})
	ts.round() // 500: to be tried again
	ts.must(200, "PATCH", path("/api/v1/webhooks/%d", pausedHook), admin, map[string]any{"active": false})
	ts.mustCreateAccount(admin, map[string]any{"name": "Unheard While Off Co", "tier": "standard"})
	ts.Clock.Advance(time.Hour)
	ts.round()
	if n := len(paused.deliveries()); n != 1 {
		t.Errorf("an endpoint turned off got %d tries, want the 1 before", n)
	}
	ts.must(200, "PATCH", path("/api/v1/webhooks/%d", pausedHook), admin, map[string]any{"active": true})
	ts.round()
	got := paused.deliveries()
	if len(got) != 2 || got[1].status != 200 || got[1].body["data"].(map[string]any)["account"].(map[string]any)["name"] != "Queued Co" {
		t.Errorf("turned on again: %v", got)
	}
}

// An event is written with its change: one recorded before the process stops is sent by
// the next process; a change that fails sends nothing.
func TestWebhookEventSurvivesRestart(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	rec := newReceiver(t, ts.Clock)
	rec.register(ts, admin, "account.created", "account.updated")
	ts.mustCreateAccount(admin, map[string]any{"name": "Durable Co", "tier": "key"})
	bad := ts.call("POST", "/api/v1/accounts", admin, map[string]any{"name": "", "tier": "key"})
	if bad.Status != 422 {
		t.Fatalf("bad account: %d", bad.Status)
	}
	// The process stops between the commit and the send.
	ts = ts.restart()
	ts.round()
	got := rec.deliveries()
	if len(got) != 1 || got[0].body["type"] != "account.created" {
		t.Fatalf("after restart: %v", got)
	}
}

// Endpoints must be public addresses unless KEYHOLD_WEBHOOK_ALLOW_PRIVATE=1; only admins
// manage them; bad input changes nothing.
func TestWebhookEndpointRules(t *testing.T) {
	ts := startServer(t, storetest.DSN(t), &clock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)},
		"KEYHOLD_WEBHOOK_ALLOW_PRIVATE", "0")
	admin := ts.adminToken()
	for _, u := range []string{"http://127.0.0.1/hook", "http://10.1.2.3/x", "https://192.168.0.10/x", "http://[::1]:8080/",
		"http://169.254.169.254/latest/meta-data", "http://localhost:9000/", "http://100.64.0.1/", "http://[fd00::1]/"} {
		r := ts.call("POST", "/api/v1/webhooks", admin, map[string]any{"url": u, "events": []string{"account.created"}})
		if r.Status != 422 || r.field(t, "url") == "" {
			t.Errorf("%s: %d %s", u, r.Status, r.Body)
		}
	}
	for body, field := range map[string]string{
		`{"url":"ftp://example.com/","events":["account.created"]}`:                "url",
		`{"url":"http://user:pw@8.8.8.8/","events":["account.created"]}`:           "url",
		`{"url":"http://8.8.8.8/","events":["account.exploded"]}`:                  "events",
		`{"url":"http://8.8.8.8/","events":[]}`:                                    "events",
		`{"url":"http://8.8.8.8/","events":["user.leaving"],"description":"a\nb"}`: "description",
	} {
		r := ts.call("POST", "/api/v1/webhooks", admin, body)
		if r.Status != 422 || r.field(t, field) == "" {
			t.Errorf("%s: %d %s", body, r.Status, r.Body)
		}
	}
	// A public address literal needs no name lookup (the tests have no DNS).
	w := ts.must(201, "POST", "/api/v1/webhooks", admin, map[string]any{"url": "https://8.8.8.8/keyhold", "events": []string{"user.leaving", "user.leaving"}})
	if ev := w["events"].([]any); len(ev) != 1 {
		t.Errorf("events %v", ev)
	}
	r := ts.call("PATCH", path("/api/v1/webhooks/%d", id(w)), admin, map[string]any{"url": "http://127.0.0.1:1/"})
	if r.Status != 422 {
		t.Errorf("patch to loopback: %d", r.Status)
	}
	list := ts.must(200, "GET", "/api/v1/webhooks", admin, nil)["data"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["url"] != "https://8.8.8.8/keyhold" || list[0].(map[string]any)["secret"] != nil {
		t.Errorf("list (no secrets): %v", list)
	}
	mgr := ts.mustCreateUser(admin, "Mia Manager", "manager", 0)
	if r := ts.call("GET", "/api/v1/webhooks", mgr.Token, nil); r.Status != 403 {
		t.Errorf("manager lists webhooks: %d", r.Status)
	}
	// An admin's key needs webhooks:manage.
	key := ts.must(201, "POST", "/api/v1/api-keys", admin, map[string]any{"name": "ro", "scopes": []string{"accounts:read"}})["secret"].(string)
	if r := ts.call("GET", "/api/v1/webhooks", key, nil); r.Status != 403 {
		t.Errorf("key without webhooks:manage: %d", r.Status)
	}
	key = ts.must(201, "POST", "/api/v1/api-keys", admin, map[string]any{"name": "hooks", "scopes": []string{"webhooks:manage"}})["secret"].(string)
	ts.must(200, "GET", "/api/v1/webhooks", key, nil)
	ts.must(204, "DELETE", path("/api/v1/webhooks/%d", id(w)), key, nil)
}

// Every kind of event comes from the change it names, once.
func TestWebhookEventsFromEveryChange(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	rec := newReceiver(t, ts.Clock)
	var all []string
	for _, k := range ts.must(200, "GET", "/api/v1/webhook-events", tm.admin, nil)["data"].([]any) {
		all = append(all, k.(string))
	}
	rec.register(ts, tm.admin, all...)

	key := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Key One", "tier": "key", "annual_value": 1000})
	std := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Standard One", "tier": "standard"})
	ts.must(200, "PATCH", path("/api/v1/accounts/%d", std), tm.leaver.Token, map[string]any{"industry": "Retail"})
	ts.must(200, "POST", path("/api/v1/accounts/%d/transfer", std), tm.mgr.Token, map[string]any{"to_user_id": tm.backup.ID, "reason": "territory"})
	ts.must(201, "POST", path("/api/v1/accounts/%d/complaints", key), tm.leaver.Token, map[string]any{"severity": "high", "summary": "late delivery"})
	ts.must(201, "POST", path("/api/v1/accounts/%d/churn", std), tm.mgr.Token, map[string]any{"reason": "price", "voluntary": true})
	// Nobody calls the key account for two months: the scan flags it; a call clears it.
	// Its owner marked leaving flags it again, until the handover gives it a new owner.
	ts.Clock.Advance(60 * 24 * time.Hour)
	tm.mgr.Token, tm.leaver.Token = ts.login(tm.mgr.Email, testPassword), ts.login(tm.leaver.Email, testPassword)
	if _, err := ts.App.Health.Scan(t.Context()); err != nil {
		t.Fatal(err)
	}
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", key), tm.leaver.Token, map[string]any{"kind": "visit", "summary": "Back in touch"})
	h := ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-06-30"})
	ts.must(200, "POST", path("/api/v1/handovers/%d/assign", id(h)), tm.mgr.Token, map[string]any{
		"item_ids": []int64{num(itemFor(h, key)["id"])}, "to_user_id": tm.r3.ID})
	ts.must(200, "POST", path("/api/v1/handovers/%d/start", id(h)), tm.mgr.Token, nil)
	ts.must(200, "POST", path("/api/v1/handovers/%d/complete", id(h)), tm.mgr.Token, map[string]any{"force": true, "reason": "test"})
	ts.must(200, "POST", path("/api/v1/users/%d/depart", tm.leaver.ID), tm.mgr.Token, nil)
	for ts.round() > 0 {
	}

	// Each payload is as the OpenAPI document's webhooks describe it.
	doc, _, err := apiDocument(ts)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	var flagged map[string]any
	for _, d := range rec.deliveries() {
		typ := d.body["type"].(string)
		count[typ]++
		if hook := doc.Webhooks[typ]; hook == nil || hook.Post == nil {
			t.Errorf("%s: not in the document's webhooks", typ)
		} else if err := hook.Post.RequestBody.Value.Content.Get("application/json").Schema.Value.VisitJSON(d.body,
			openapi3.EnableJSONSchema2020()); err != nil {
			t.Errorf("%s payload not as documented: %v", typ, err)
		}
		if typ == "account.flagged" && flagged == nil {
			flagged = d.body["data"].(map[string]any)
		}
	}
	wrong := map[string]any{"type": "user.leaving", "timestamp": "2026-03-10T09:00:00Z", "data": map[string]any{"user_id": "seven"}}
	if doc.Webhooks["user.leaving"].Post.RequestBody.Value.Content.Get("application/json").Schema.Value.VisitJSON(wrong,
		openapi3.EnableJSONSchema2020()) == nil {
		t.Error("a payload unlike the document passes its check")
	}
	want := map[string]int{"account.created": 2, "account.updated": 1, "account.transferred": 2, "account.churned": 1,
		"account.flagged": 2, "account.unflagged": 2, "interaction.created": 1, "complaint.opened": 1,
		"handover.started": 1, "handover.completed": 1, "user.leaving": 1, "user.departed": 1}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%s: %d events, want %d", k, count[k], n)
		}
	}
	if len(count) != len(want) || len(want) != len(all) {
		t.Errorf("events %v, kinds %v", count, all)
	}
	if flagged == nil || int64(flagged["account_id"].(float64)) != key || flagged["neglected"] != true ||
		flagged["account_name"] != "Key One" || flagged["tier"] != "key" || int64(flagged["owner_id"].(float64)) != tm.leaver.ID {
		t.Errorf("account.flagged data %v", flagged)
	}
}

// The admin's pages: add an endpoint with the form, see its secret and log, send a
// delivery again, turn it off; a bad address comes back with the form as typed.
func TestWebhookPages(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	rec := newReceiver(t, ts.Clock, 500)
	b := pageSignedIn(ts, adminEmail, adminPassword)
	tok := pageToken(t, b)
	r := b.post("/admin/webhooks", map[string][]string{"url": {"not a url"}, "description": {"ERP sync"},
		"events": {"account.created", "user.leaving"}, "csrf_token": {tok}})
	if r.Status != 422 || pageFieldError(string(r.Body), "url") == "" || !strings.Contains(string(r.Body), `value="ERP sync"`) ||
		!strings.Contains(string(r.Body), `value="user.leaving" checked`) {
		t.Fatalf("bad address: %d %s", r.Status, r.Body)
	}
	r = b.post("/admin/webhooks", map[string][]string{"url": {rec.srv.URL + "/hook"}, "description": {"ERP sync"},
		"events": {"account.created"}, "csrf_token": {tok}})
	pageWantRedirect(t, r, "/admin/webhooks/1?created=1")
	page := string(b.get("/admin/webhooks/1?created=1").Body)
	i := strings.Index(page, `<code class="secret">`)
	if i < 0 {
		t.Fatalf("no secret on the page: %s", page)
	}
	rec.secret = html.UnescapeString(page[i+len(`<code class="secret">`) : i+strings.Index(page[i:], "</code>")])

	ts.mustCreateAccount(admin, map[string]any{"name": "Paged Co", "tier": "standard"})
	ts.round()
	page = string(b.get("/admin/webhooks/1").Body)
	if !strings.Contains(page, "Paged Co") || !strings.Contains(page, "HTTP 500") || !strings.Contains(page, "Send now") {
		t.Fatalf("log after a failed try: %s", page)
	}
	r = b.post("/admin/webhooks/1/deliveries/1/redeliver", map[string][]string{"csrf_token": {tok}})
	pageWantRedirect(t, r, "/admin/webhooks/1?redelivered=1#delivery-1")
	ts.round()
	if got := rec.deliveries(); len(got) != 2 || got[1].status != 200 {
		t.Fatalf("redelivered from the page: %v", got)
	}
	r = b.post("/admin/webhooks/1", map[string][]string{"url": {rec.srv.URL + "/hook"}, "events": {"account.created"}, "csrf_token": {tok}})
	pageWantRedirect(t, r, "/admin/webhooks/1?saved=1")
	if w := ts.must(200, "GET", "/api/v1/webhooks/1", admin, nil); w["active"] != false || w["description"] != "" {
		t.Errorf("after saving unticked: %v", w)
	}
	pageWantRedirect(t, b.post("/admin/webhooks/1/delete", map[string][]string{"csrf_token": {tok}}), "/admin/webhooks?deleted=1")
	ts.must(404, "GET", "/api/v1/webhooks/1", admin, nil)
}

// Old events go in batches until none is left, and a deleted endpoint's long log goes
// with it, a batch per transaction.
func TestWebhookLogsAreTrimmed(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	rec := newReceiver(t, ts.Clock)
	hook := rec.register(ts, admin, "account.created")
	db := ts.App.DB.Write
	old := ts.Clock.Now().AddDate(0, 0, -40)
	if err := db.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
		INSERT INTO events (kind, at, data, fanned) SELECT 'account.created', ?, '{}', TRUE FROM n`, old).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(`INSERT INTO deliveries (event_id, webhook_id, status, attempts, created_at, updated_at)
		SELECT id, ?, 'delivered', 1, ?, ? FROM events WHERE id > 1250`, hook, old, old).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(`INSERT INTO delivery_attempts (delivery_id, at, status_code, duration_ms) SELECT id, ?, 200, 1 FROM deliveries`,
		old).Error; err != nil {
		t.Fatal(err)
	}
	count := func(table string) (n int64) {
		ts.App.DB.Read.Raw("SELECT COUNT(*) FROM " + table).Scan(&n)
		return n
	}
	ts.must(204, "DELETE", path("/api/v1/webhooks/%d", hook), admin, nil)
	if d, a := count("deliveries"), count("delivery_attempts"); d != 0 || a != 0 {
		t.Errorf("after deleting the endpoint: %d deliveries, %d tries left", d, a)
	}
	ts.mustCreateAccount(admin, map[string]any{"name": "Recent Co", "tier": "standard"})
	n, err := ts.App.Webhooks.Prune(t.Context())
	if err != nil || n != 2500 || count("events") != 1 {
		t.Errorf("pruned %d (%v), %d events left, want 2500 and the recent one", n, err, count("events"))
	}
}
