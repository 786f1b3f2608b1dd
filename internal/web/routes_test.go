package web_test

import (
	"fmt"
	"keyhold/internal/auth"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The route × role table (issue 12, item 6): every route the router serves, called by
// every kind of caller, answers the status its row says. The routes come from the router
// itself, so a route added without a row fails the test; a row without a route fails too.
//
// The callers, in the order of a row's statuses: no credentials, an expired session, a
// departed user's, a sales rep on the account's team, a sales rep off it, a rep serving
// notice (leaving), their manager, an admin. Requests that would change something are
// sent with input the domain refuses (422) once the caller is allowed, or at a resource
// made for that one call, so that every cell sees the same state.
var routeTable = map[string]string{
	// Open to everyone.
	"GET /healthz":                                                "200 200 200 200 200 200 200 200",
	"GET /calendar/:file":                                         "200 200 200 200 200 200 200 200", // the feed token is the credential
	"GET /static/*filepath":                                       "200 200 200 200 200 200 200 200",
	"HEAD /static/*filepath":                                      "200 200 200 200 200 200 200 200",
	"GET /api/docs":                                               "200 200 200 200 200 200 200 200",
	"GET /api/v1/openapi.json":                                    "200 200 200 200 200 200 200 200",
	"POST /api/v1/auth/login":                                     "401 401 401 401 401 401 401 401",
	"GET /login":                                                  "200 200 200 303 303 303 303 303", // signed in: on to the home page
	"POST /login":                                                 "422 422 422 422 422 422 422 422",
	"POST /language":                                              "422 422 422 422 422 422 422 422",
	"GET /api/v1/me":                                              "401 401 401 200 200 200 200 200",
	"PATCH /api/v1/me":                                            "401 401 401 422 422 422 422 422",
	"POST /api/v1/me/password":                                    "401 401 401 422 422 422 422 422",
	"GET /api/v1/me/agenda":                                       "401 401 401 200 200 200 200 200",
	"GET /api/v1/me/campaign-tasks":                               "401 401 401 200 200 200 200 200",
	"GET /api/v1/holidays":                                        "401 401 401 200 200 200 200 200",
	"GET /api/v1/campaigns":                                       "401 401 401 403 403 403 200 200",
	"POST /api/v1/campaigns":                                      "401 401 401 403 403 403 422 422",
	"GET /api/v1/campaigns/:id":                                   "401 401 401 403 403 403 200 200",
	"DELETE /api/v1/campaigns/:id":                                "401 401 401 403 403 403 204 204",
	"GET /api/v1/me/handover":                                     "401 401 401 404 404 200 404 404",
	"GET /api/v1/me/inherited":                                    "401 401 401 200 200 200 200 200",
	"GET /api/v1/api-keys":                                        "401 401 401 200 200 200 200 200",
	"POST /api/v1/api-keys":                                       "401 401 401 422 422 403 422 422", // none while leaving
	"DELETE /api/v1/api-keys/:id":                                 "401 401 401 204 404 404 404 204", // the owner's (sales on team), or an admin
	"GET /api/v1/me/calendar":                                     "401 401 401 200 200 200 200 200",
	"POST /api/v1/me/calendar/rotate":                             "401 401 401 200 200 200 200 200",
	"GET /api/v1/users":                                           "401 401 401 200 200 200 200 200", // colleagues, for the pickers
	"POST /api/v1/users":                                          "401 401 401 403 403 403 403 422",
	"GET /api/v1/users/:id":                                       "401 401 401 200 200 200 200 200",
	"PATCH /api/v1/users/:id":                                     "401 401 401 403 403 403 403 422",
	"POST /api/v1/users/:id/depart":                               "401 401 401 403 403 403 200 200",
	"POST /api/v1/handovers":                                      "401 401 401 403 403 403 422 422",
	"GET /api/v1/handovers":                                       "401 401 401 403 403 403 200 200",
	"GET /api/v1/handovers/:id":                                   "401 401 401 403 403 200 200 200",
	"GET /api/v1/handovers/:id/report":                            "401 401 401 403 403 403 200 200",
	"GET /api/v1/handovers/:id/candidates":                        "401 401 401 403 403 403 200 200",
	"PATCH /api/v1/handovers/:id/items/:item_id":                  "401 401 401 403 403 422 422 422",
	"POST /api/v1/handovers/:id/assign":                           "401 401 401 403 403 403 422 422",
	"POST /api/v1/handovers/:id/start":                            "401 401 401 403 403 403 200 200",
	"POST /api/v1/handovers/:id/complete":                         "401 401 401 403 403 403 409 409",
	"POST /api/v1/handovers/:id/cancel":                           "401 401 401 403 403 403 200 200",
	"GET /api/v1/accounts":                                        "401 401 401 200 200 200 200 200",
	"POST /api/v1/accounts":                                       "401 401 401 422 422 422 422 422",
	"GET /api/v1/accounts/duplicates":                             "401 401 401 403 403 403 200 200",
	"GET /api/v1/accounts/:id":                                    "401 401 401 200 200 200 200 200",
	"PATCH /api/v1/accounts/:id":                                  "401 401 401 422 403 403 422 422",
	"DELETE /api/v1/accounts/:id":                                 "401 401 401 403 403 403 204 204",
	"POST /api/v1/accounts/:id/merge":                             "401 401 401 403 403 403 422 422",
	"POST /api/v1/accounts/:id/transfer":                          "401 401 401 403 403 403 422 422",
	"GET /api/v1/accounts/:id/history":                            "401 401 401 200 200 200 200 200",
	"GET /api/v1/accounts/:id/team":                               "401 401 401 200 200 200 200 200",
	"PUT /api/v1/accounts/:id/team/:user_id":                      "401 401 401 200 403 403 200 200",
	"DELETE /api/v1/accounts/:id/team/:user_id":                   "401 401 401 204 403 403 204 204",
	"GET /api/v1/accounts/:id/contacts":                           "401 401 401 200 200 200 200 200",
	"POST /api/v1/accounts/:id/contacts":                          "401 401 401 422 422 422 422 422",
	"PATCH /api/v1/contacts/:id":                                  "401 401 401 422 422 403 422 422",
	"DELETE /api/v1/contacts/:id":                                 "401 401 401 403 403 403 204 204",
	"GET /api/v1/accounts/:id/interactions":                       "401 401 401 200 200 200 200 200",
	"POST /api/v1/accounts/:id/interactions":                      "401 401 401 422 422 422 422 422",
	"GET /api/v1/accounts/:id/health":                             "401 401 401 200 200 200 200 200",
	"POST /api/v1/accounts/:id/churn":                             "401 401 401 201 403 403 201 201",
	"GET /api/v1/accounts/:id/churn":                              "401 401 401 200 200 200 200 200",
	"POST /api/v1/accounts/:id/reactivate":                        "401 401 401 403 403 403 409 409",
	"GET /api/v1/accounts/:id/complaints":                         "401 401 401 200 200 200 200 200",
	"POST /api/v1/accounts/:id/complaints":                        "401 401 401 422 422 422 422 422",
	"PATCH /api/v1/complaints/:id":                                "401 401 401 422 422 422 422 422",
	"GET /api/v1/reports/retention":                               "401 401 401 403 403 403 200 200",
	"GET /api/v1/reports/churn-trend":                             "401 401 401 403 403 403 200 200",
	"GET /api/v1/reports/scorecard":                               "401 401 401 403 403 403 200 200",
	"GET /api/v1/reports/scorecard/accounts":                      "401 401 401 403 403 403 422 422",
	"GET /api/v1/reports/churn-reasons":                           "401 401 401 403 403 403 200 200",
	"GET /api/v1/reports/concentration":                           "401 401 401 403 403 403 200 200",
	"GET /api/v1/reports/cadence-compliance":                      "401 401 401 403 403 403 200 200",
	"GET /api/v1/reports/handovers":                               "401 401 401 403 403 403 200 200",
	"GET /api/v1/cadence-policies":                                "401 401 401 200 200 200 200 200",
	"PUT /api/v1/cadence-policies/:tier":                          "401 401 401 403 403 403 403 422",
	"GET /api/v1/currencies":                                      "401 401 401 200 200 200 200 200",
	"GET /api/v1/currencies/:code":                                "401 401 401 200 200 200 200 200",
	"PUT /api/v1/currencies/:code":                                "401 401 401 403 403 403 403 422",
	"DELETE /api/v1/currencies/:code":                             "401 401 401 403 403 403 403 204",
	"GET /api/v1/picklists":                                       "401 401 401 200 200 200 200 200",
	"PUT /api/v1/picklists/:list":                                 "401 401 401 403 403 403 403 422",
	"GET /api/v1/chat-targets":                                    "401 401 401 403 403 403 403 200",
	"POST /api/v1/chat-targets":                                   "401 401 401 403 403 403 403 422",
	"GET /api/v1/chat-targets/:id":                                "401 401 401 403 403 403 403 200",
	"PATCH /api/v1/chat-targets/:id":                              "401 401 401 403 403 403 403 422",
	"DELETE /api/v1/chat-targets/:id":                             "401 401 401 403 403 403 403 204",
	"POST /api/v1/chat-targets/:id/test":                          "401 401 401 403 403 403 403 200",
	"GET /api/v1/chat-targets/:id/deliveries":                     "401 401 401 403 403 403 403 200",
	"GET /api/v1/webhook-events":                                  "401 401 401 200 200 200 200 200",
	"GET /api/v1/webhooks":                                        "401 401 401 403 403 403 403 200",
	"POST /api/v1/webhooks":                                       "401 401 401 403 403 403 403 422",
	"GET /api/v1/webhooks/:id":                                    "401 401 401 403 403 403 403 200",
	"PATCH /api/v1/webhooks/:id":                                  "401 401 401 403 403 403 403 422",
	"DELETE /api/v1/webhooks/:id":                                 "401 401 401 403 403 403 403 204",
	"GET /api/v1/webhooks/:id/deliveries":                         "401 401 401 403 403 403 403 200",
	"POST /api/v1/webhooks/:id/deliveries/:delivery_id/redeliver": "401 401 401 403 403 403 403 202",
	"GET /api/v1/flags":                                           "401 401 401 200 200 200 200 200",
	"GET /":                                                       "303 303 303 200 200 200 200 200",
	"POST /logout":                                                "303 303 303 303 303 303 303 303",
	"GET /accounts":                                               "303 303 303 200 200 200 200 200",
	"GET /accounts/new":                                           "303 303 303 200 200 200 200 200",
	"GET /api/v1/contacts":                                        "401 401 401 200 200 403 200 200",
	"GET /api/v1/imports":                                         "401 401 401 403 403 403 200 200",
	"POST /api/v1/imports":                                        "401 401 401 403 403 403 422 422",
	"GET /api/v1/imports/:id":                                     "401 401 401 403 403 403 200 200",
	"GET /api/v1/imports/:id/rows":                                "401 401 401 403 403 403 200 200",
	"POST /api/v1/imports/:id/mapping":                            "401 401 401 403 403 403 422 422",
	"POST /api/v1/imports/:id/commit":                             "401 401 401 403 403 403 422 422",
	"POST /api/v1/imports/:id/undo":                               "401 401 401 403 403 403 409 409",
	"GET /api/v1/imports/:id/errors":                              "401 401 401 403 403 403 200 200",
	"GET /imports":                                                "303 303 303 403 403 403 200 200",
	"POST /imports":                                               "303 303 303 403 403 403 422 422",
	"GET /imports/:id":                                            "303 303 303 403 403 403 200 200",
	"POST /imports/:id/mapping":                                   "303 303 303 403 403 403 422 422",
	"POST /imports/:id/commit":                                    "303 303 303 403 403 403 422 422",
	"POST /imports/:id/undo":                                      "303 303 303 403 403 403 409 409",
	"GET /imports/:id/errors":                                     "303 303 303 403 403 403 200 200",
	"GET /accounts/export":                                        "303 303 303 200 200 403 200 200",
	"GET /accounts/duplicates":                                    "303 303 303 403 403 403 200 200",
	"POST /accounts/duplicates/merge":                             "303 303 303 403 403 403 422 422",
	"POST /accounts":                                              "303 303 303 422 422 422 422 422",
	"GET /accounts/:id":                                           "303 303 303 200 200 200 200 200",
	"GET /accounts/:id/edit":                                      "303 303 303 200 403 403 200 200",
	"POST /accounts/:id":                                          "303 303 303 422 403 403 422 422",
	"POST /accounts/:id/interactions":                             "303 303 303 422 422 422 422 422",
	"POST /accounts/:id/transfer":                                 "303 303 303 403 403 403 422 422",
	"POST /accounts/:id/team":                                     "303 303 303 303 403 403 303 303",
	"POST /accounts/:id/team/:user_id/remove":                     "303 303 303 303 403 403 303 303",
	"POST /accounts/:id/churn":                                    "303 303 303 303 403 403 303 303",
	"POST /accounts/:id/reactivate":                               "303 303 303 403 403 403 409 409",
	"POST /accounts/:id/complaints":                               "303 303 303 422 422 422 422 422",
	"POST /accounts/:id/complaints/:complaint_id/resolve":         "303 303 303 422 422 422 422 422",
	"GET /accounts/:id/contacts/new":                              "303 303 303 200 200 200 200 200",
	"POST /accounts/:id/contacts":                                 "303 303 303 422 422 422 422 422",
	"GET /contacts/:id/edit":                                      "303 303 303 200 200 403 200 200",
	"POST /contacts/:id":                                          "303 303 303 422 422 403 422 422",
	"POST /contacts/:id/delete":                                   "303 303 303 403 403 403 303 303",
	"GET /flags":                                                  "303 303 303 200 200 200 200 200",
	"GET /reports":                                                "303 303 303 403 403 403 200 200",
	"GET /reports/retention.csv":                                  "303 303 303 403 403 403 200 200",
	"GET /campaigns":                                              "303 303 303 403 403 403 200 200",
	"POST /campaigns":                                             "303 303 303 403 403 403 422 422",
	"GET /campaigns/:id":                                          "303 303 303 403 403 403 200 200",
	"POST /campaigns/:id/delete":                                  "303 303 303 403 403 403 303 303",
	"GET /reports/churn-trend.csv":                                "303 303 303 403 403 403 200 200",
	"GET /reports/scorecard.csv":                                  "303 303 303 403 403 403 200 200",
	"GET /reports/scorecard":                                      "303 303 303 403 403 403 200 200",
	"GET /reports/scorecard/:user_id/:figure":                     "303 303 303 403 403 403 200 200",
	"GET /reports/churn-reasons.csv":                              "303 303 303 403 403 403 200 200",
	"GET /reports/concentration.csv":                              "303 303 303 403 403 403 200 200",
	"GET /reports/cadence-compliance.csv":                         "303 303 303 403 403 403 200 200",
	"GET /settings":                                               "303 303 303 200 200 200 200 200",
	"POST /settings/password":                                     "303 303 303 422 422 422 422 422",
	"POST /settings/api-keys":                                     "303 303 303 422 422 403 422 422",
	"POST /settings/api-keys/:id/revoke":                          "303 303 303 303 404 404 404 303",
	"GET /me/handover":                                            "303 303 303 404 404 200 404 404",
	"POST /me/handover/items/:item_id/note":                       "303 303 303 404 404 422 404 404",
	"POST /me/handover/items/:item_id/intro":                      "303 303 303 404 404 422 404 404",
	"GET /handovers":                                              "303 303 303 403 403 403 200 200",
	"GET /handovers/new":                                          "303 303 303 403 403 403 200 200",
	"POST /handovers":                                             "303 303 303 403 403 403 422 422",
	"GET /handovers/:id":                                          "303 303 303 403 403 403 200 200", // the person leaving works in /me/handover
	"POST /handovers/:id/assign":                                  "303 303 303 403 403 403 422 422",
	"POST /handovers/:id/items/:item_id":                          "303 303 303 403 403 403 422 422",
	"POST /handovers/:id/items/:item_id/intro":                    "303 303 303 403 403 403 422 422",
	"POST /handovers/:id/start":                                   "303 303 303 403 403 403 303 303",
	"POST /handovers/:id/complete":                                "303 303 303 403 403 403 422 422",
	"POST /handovers/:id/cancel":                                  "303 303 303 403 403 403 303 303",
	"GET /handovers/:id/report":                                   "303 303 303 403 403 403 200 200",
	"GET /handovers/:id/report.csv":                               "303 303 303 403 403 403 200 200",
	"POST /users/:id/depart":                                      "303 303 303 403 403 403 303 303",
	"GET /admin/users":                                            "303 303 303 403 403 403 403 200",
	"GET /admin/users/new":                                        "303 303 303 403 403 403 403 200",
	"POST /admin/users":                                           "303 303 303 403 403 403 403 422",
	"GET /admin/users/:id/edit":                                   "303 303 303 403 403 403 403 200",
	"POST /admin/users/:id":                                       "303 303 303 403 403 403 403 422",
	"GET /admin/cadence":                                          "303 303 303 403 403 403 403 200",
	"POST /admin/cadence/:tier":                                   "303 303 303 403 403 403 403 422",
	"GET /admin/currencies":                                       "303 303 303 403 403 403 403 200",
	"POST /admin/currencies":                                      "303 303 303 403 403 403 403 422",
	"POST /admin/currencies/:code/base":                           "303 303 303 403 403 403 403 200",
	"POST /admin/currencies/:code/delete":                         "303 303 303 403 403 403 403 200",
	"GET /admin/lists":                                            "303 303 303 403 403 403 403 200",
	"POST /admin/lists/:list":                                     "303 303 303 403 403 403 403 422",
	"GET /admin/chat-targets":                                     "303 303 303 403 403 403 403 200",
	"POST /admin/chat-targets":                                    "303 303 303 403 403 403 403 422",
	"GET /admin/chat-targets/:id":                                 "303 303 303 403 403 403 403 200",
	"POST /admin/chat-targets/:id":                                "303 303 303 403 403 403 403 422",
	"POST /admin/chat-targets/:id/test":                           "303 303 303 403 403 403 403 200",
	"POST /admin/chat-targets/:id/delete":                         "303 303 303 403 403 403 403 303",
	"GET /admin/webhooks":                                         "303 303 303 403 403 403 403 200",
	"POST /admin/webhooks":                                        "303 303 303 403 403 403 403 422",
	"GET /admin/webhooks/:id":                                     "303 303 303 403 403 403 403 200",
	"POST /admin/webhooks/:id":                                    "303 303 303 403 403 403 403 422",
	"POST /admin/webhooks/:id/delete":                             "303 303 303 403 403 403 403 303",
	"POST /admin/webhooks/:id/deliveries/:delivery_id/redeliver":  "303 303 303 403 403 403 403 303",
}

var callerNames = []string{"none", "expired", "departed", "sales on team", "sales off team", "leaving", "manager", "admin"}

// rcaller is one kind of caller: a bearer token for the API and a browser for the pages.
type rcaller struct {
	name       string
	token      string
	b          *browser
	csrf       string
	keyOnPages bool // send the token to the pages too, as an Authorization header
}

// routeWorld is the state every cell starts from, and the means to make a resource for
// one call.
type routeWorld struct {
	ts                            *testServer
	admin, mgrToken, onToken      string
	mgrID, onID, offID, leavingID int64
	account, contact, complaint   int64
	handover, item, imp           int64
	webhook, delivery, chat       int64
	campaign                      int64
	n                             int
}

func TestRouteRoleTable(t *testing.T) {
	ts := newTestServer(t)
	w := &routeWorld{ts: ts, admin: ts.adminToken()}
	mgr := ts.mustCreateUser(w.admin, "Max Manager", "manager", 0)
	on := ts.mustCreateUser(w.admin, "Olga On", "sales", mgr.ID)
	off := ts.mustCreateUser(w.admin, "Otto Off", "sales", mgr.ID)
	leaving := ts.mustCreateUser(w.admin, "Lena Leaving", "sales", mgr.ID)
	departed := ts.mustCreateUser(w.admin, "Dora Departed", "sales", mgr.ID)
	expired := ts.mustCreateUser(w.admin, "Eddy Expired", "sales", mgr.ID)
	w.mgrToken, w.mgrID, w.onID, w.offID, w.leavingID = mgr.Token, mgr.ID, on.ID, off.ID, leaving.ID

	// The expired caller signs in first; the clock then moves past their sessions' life.
	expiredBrowser := pageSignedIn(ts, expired.Email, testPassword)
	expiredCSRF := pageToken(t, expiredBrowser)
	ts.Clock.Advance(13 * time.Hour)
	w.admin, w.mgrToken = ts.adminToken(), ts.login(mgr.Email, testPassword)
	on.Token, off.Token, departed.Token = ts.login(on.Email, testPassword), ts.login(off.Email, testPassword), ts.login(departed.Email, testPassword)
	w.onToken = on.Token

	w.account = ts.mustCreateAccount(on.Token, map[string]any{"name": "Route Table Co", "tier": "key"})
	w.contact = id(ts.must(201, "POST", path("/api/v1/accounts/%d/contacts", w.account), on.Token, map[string]any{"name": "Cora Contact", "email": "cora@example.com"}))
	w.complaint = id(ts.must(201, "POST", path("/api/v1/accounts/%d/complaints", w.account), on.Token, map[string]any{"severity": "low", "summary": "late"}))
	ts.must(200, "PUT", "/api/v1/currencies/USD", w.admin, map[string]any{"rate_to_base": 7})
	ts.mustCreateAccount(ts.login(leaving.Email, testPassword), map[string]any{"name": "Leaving's Co", "tier": "key"})
	h := ts.must(201, "POST", "/api/v1/handovers", w.mgrToken, map[string]any{"departing_user_id": leaving.ID, "last_day": "2026-03-31"})
	w.handover = id(h)
	w.item = id(h["items"].([]any)[0].(map[string]any))
	w.webhook = id(ts.must(201, "POST", "/api/v1/webhooks", w.admin, map[string]any{"url": "http://127.0.0.1:9/hook", "events": []string{"account.created"}}))
	ts.mustCreateAccount(on.Token, map[string]any{"name": "Heard Of Co", "tier": "standard"})
	if _, err := ts.App.Webhooks.FanOut(t.Context(), 100); err != nil {
		t.Fatal(err)
	}
	w.delivery = id(ts.must(200, "GET", path("/api/v1/webhooks/%d/deliveries", w.webhook), w.admin, nil)["data"].([]any)[0].(map[string]any))
	w.chat = w.fresh(t, "chat target")
	w.campaign = w.fresh(t, "campaign")
	w.imp = id(ts.upload(w.mgrToken, "accounts", "route.csv", []byte("name,tier\nRoute Import Co,key\n"), "", "").json(t))

	callers := []rcaller{{name: "none", b: ts.browser()}, {name: "expired", token: expired.Token, b: expiredBrowser, csrf: expiredCSRF}}
	departedBrowser := pageSignedIn(ts, departed.Email, testPassword)
	departedCSRF := pageToken(t, departedBrowser)
	ts.must(200, "POST", path("/api/v1/users/%d/depart", departed.ID), w.mgrToken, nil)
	callers = append(callers, rcaller{name: "departed", token: departed.Token, b: departedBrowser, csrf: departedCSRF})
	leaving.Token = ts.login(leaving.Email, testPassword) // marking them leaving ended their sessions
	for _, u := range []user{on, off, leaving, {Email: mgr.Email, Token: w.mgrToken}, {Email: adminEmail, Token: w.admin}} {
		pw := testPassword
		if u.Email == adminEmail {
			pw = adminPassword
		}
		b := pageSignedIn(ts, u.Email, pw)
		callers = append(callers, rcaller{token: u.Token, b: b, csrf: pageToken(t, b)})
	}
	for i := range callers {
		callers[i].name = callerNames[i]
	}
	none := &callers[0]
	none.csrf = csrfFrom(none.b.get("/login").Body)

	routes := ts.App.Handler.(interface{ Routes() []string }).Routes()
	// Signing out ends the session the later cells need: last.
	slices.SortStableFunc(routes, func(a, b string) int {
		return boolCmp(a == "POST /logout", b == "POST /logout")
	})
	var missing, wrong []string
	for _, rt := range routes {
		row, ok := routeTable[rt]
		if !ok {
			missing = append(missing, rt)
			continue
		}
		want := strings.Fields(row)
		if len(want) != len(callers) {
			t.Errorf("%s: row has %d statuses, want %d", rt, len(want), len(callers))
			continue
		}
		got := make([]string, len(callers))
		for i := range callers {
			got[i] = strconv.Itoa(w.call(t, rt, &callers[i]))
		}
		if !slices.Equal(got, want) {
			wrong = append(wrong, fmt.Sprintf("%q: %q, // want %s", rt, strings.Join(got, " "), row))
		}
	}
	for rt := range routeTable {
		if !slices.Contains(routes, rt) {
			t.Errorf("a row for a route the router does not serve: %s", rt)
		}
	}
	if len(missing) > 0 {
		t.Errorf("routes without a row in the table:\n%s", strings.Join(missing, "\n"))
	}
	if len(wrong) > 0 {
		t.Errorf("cells that differ (%s):\n%s", strings.Join(callerNames, ", "), strings.Join(wrong, "\n"))
	}

	// API keys of the rep on the team. With every scope, a key answers as that rep's
	// session does, but for the routes that take a session only (403); with a scope none of
	// these routes needs, it is refused everywhere but /me. Browser pages take no key: they
	// answer as to no credentials, whatever the Authorization header says.
	sessionOnly := []string{"PATCH /api/v1/me", "POST /api/v1/me/password", "GET /api/v1/me/calendar",
		"POST /api/v1/me/calendar/rotate", "GET /api/v1/api-keys", "POST /api/v1/api-keys", "DELETE /api/v1/api-keys/:id",
		"POST /api/v1/users", "PATCH /api/v1/users/:id", "PUT /api/v1/cadence-policies/:tier", "PUT /api/v1/currencies/:code",
		"DELETE /api/v1/currencies/:code", "PUT /api/v1/picklists/:list"}
	var every []string
	for _, sc := range auth.Scopes {
		every = append(every, string(sc))
	}
	all := rcaller{name: "key with every scope", b: ts.browser(), keyOnPages: true,
		token: ts.must(201, "POST", "/api/v1/api-keys", w.onToken, map[string]any{"name": "all", "scopes": every})["secret"].(string)}
	unrelated := rcaller{name: "key with an unrelated scope", b: ts.browser(), keyOnPages: true,
		token: ts.must(201, "POST", "/api/v1/api-keys", w.onToken, map[string]any{"name": "none", "scopes": []string{"webhooks:manage"}})["secret"].(string)}
	for _, rt := range routes {
		row := strings.Fields(routeTable[rt])
		if len(row) != len(callerNames) || rt == "POST /logout" {
			continue
		}
		method, pattern, _ := strings.Cut(rt, " ")
		wantAll, wantNone := row[3], "403"
		switch {
		case !strings.HasPrefix(pattern, "/api/v1/") && method == "POST":
			wantAll, wantNone = "403", "403" // a page's form without a session's CSRF token
		case !strings.HasPrefix(pattern, "/api/v1/") || rt == "POST /api/v1/auth/login" || rt == "GET /api/v1/openapi.json":
			wantAll, wantNone = row[0], row[0]
		case slices.Contains(sessionOnly, rt):
			wantAll = "403"
		case rt == "GET /api/v1/me", rt == "GET /api/v1/webhook-events": // the unrelated key's scope is webhooks:manage
			wantNone = "200"
		}
		if got := strconv.Itoa(w.call(t, rt, &all)); got != wantAll {
			t.Errorf("%s with a key of every scope: %s, want %s", rt, got, wantAll)
		}
		if got := strconv.Itoa(w.call(t, rt, &unrelated)); got != wantNone {
			t.Errorf("%s with a key of an unrelated scope: %s, want %s", rt, got, wantNone)
		}
	}
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// call sends one route's request as caller c and answers the status.
func (w *routeWorld) call(t *testing.T, route string, c *rcaller) int {
	method, pattern, _ := strings.Cut(route, " ")
	p, body := w.fill(t, method, pattern)
	if strings.HasPrefix(pattern, "/api/") {
		var b any
		if body != nil {
			b = body
		}
		return w.ts.call(method, p, c.token, b).Status
	}
	var req *http.Request
	if method == "POST" {
		form := url.Values{"csrf_token": {c.csrf}}
		for k, v := range body {
			form.Set(k, fmt.Sprint(v))
		}
		req, _ = http.NewRequest(method, w.ts.URL+p, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req, _ = http.NewRequest(method, w.ts.URL+p, nil)
	}
	if c.keyOnPages {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return c.b.do(req).Status
}

// fill puts the world's resources into a route's path and chooses its body: input the
// domain refuses, or a resource made for this one call where the call would change the
// shared state.
func (w *routeWorld) fill(t *testing.T, method, pattern string) (string, map[string]any) {
	w.n++
	params := map[string]string{"id": strconv.FormatInt(w.account, 10), "item_id": strconv.FormatInt(w.item, 10),
		"user_id": strconv.FormatInt(w.offID, 10), "complaint_id": strconv.FormatInt(w.complaint, 10),
		"tier": "key", "code": "USD", "filepath": "style.css", "list": "industry", "figure": "visits"}
	switch {
	case strings.HasPrefix(pattern, "/api/v1/contacts/"), strings.HasPrefix(pattern, "/contacts/"):
		params["id"] = strconv.FormatInt(w.contact, 10)
	case strings.HasPrefix(pattern, "/api/v1/imports/"), strings.HasPrefix(pattern, "/imports/"):
		params["id"] = strconv.FormatInt(w.imp, 10)
	case strings.HasPrefix(pattern, "/api/v1/complaints/"):
		params["id"] = strconv.FormatInt(w.complaint, 10)
	case strings.HasPrefix(pattern, "/api/v1/handovers/"), strings.HasPrefix(pattern, "/handovers/"):
		params["id"] = strconv.FormatInt(w.handover, 10)
	case strings.Contains(pattern, "/users/"):
		params["id"] = strconv.FormatInt(w.onID, 10)
	case strings.HasPrefix(pattern, "/api/v1/chat-targets/"), strings.HasPrefix(pattern, "/admin/chat-targets/"):
		params["id"] = strconv.FormatInt(w.chat, 10)
	case strings.HasPrefix(pattern, "/api/v1/webhooks/"), strings.HasPrefix(pattern, "/admin/webhooks/"):
		params["id"], params["delivery_id"] = strconv.FormatInt(w.webhook, 10), strconv.FormatInt(w.delivery, 10)
	case strings.HasPrefix(pattern, "/api/v1/campaigns/"), strings.HasPrefix(pattern, "/campaigns/"):
		params["id"] = strconv.FormatInt(w.campaign, 10)
	}
	var body map[string]any
	fresh := func(kind string) int64 { return w.fresh(t, kind) }
	switch method + " " + pattern {
	case "GET /calendar/:file":
		// The feed's current address: a rotation (another cell) moves it.
		u := w.ts.must(200, "GET", "/api/v1/me/calendar", w.onToken, nil)["url"].(string)
		params["file"] = u[strings.LastIndex(u, "/")+1:]
	case "DELETE /api/v1/accounts/:id":
		params["id"] = strconv.FormatInt(fresh("account"), 10)
	case "DELETE /api/v1/accounts/:id/team/:user_id", "POST /accounts/:id/team/:user_id/remove":
		params["id"] = strconv.FormatInt(fresh("account with backup"), 10)
	case "DELETE /api/v1/contacts/:id", "POST /contacts/:id/delete":
		params["id"] = strconv.FormatInt(fresh("contact"), 10)
	case "DELETE /api/v1/api-keys/:id", "POST /settings/api-keys/:id/revoke":
		params["id"] = strconv.FormatInt(fresh("key"), 10)
	case "DELETE /api/v1/campaigns/:id", "POST /campaigns/:id/delete":
		params["id"] = strconv.FormatInt(fresh("campaign"), 10)
	case "DELETE /api/v1/webhooks/:id", "POST /admin/webhooks/:id/delete":
		params["id"] = strconv.FormatInt(fresh("webhook"), 10)
	case "DELETE /api/v1/chat-targets/:id", "POST /admin/chat-targets/:id/delete":
		params["id"] = strconv.FormatInt(fresh("chat target"), 10)
	case "PATCH /api/v1/chat-targets/:id", "POST /admin/chat-targets/:id":
		body = map[string]any{"events": []string{}}
	case "PATCH /api/v1/webhooks/:id":
		body = map[string]any{"events": []string{}}
	case "DELETE /api/v1/currencies/:code", "POST /admin/currencies/:code/delete":
		params["code"] = w.freshCurrency(t)
	case "POST /api/v1/users/:id/depart", "POST /users/:id/depart":
		params["id"] = strconv.FormatInt(fresh("user"), 10)
		body = map[string]any{"confirm": "1"}
	case "POST /api/v1/handovers/:id/start", "POST /handovers/:id/start",
		"POST /api/v1/handovers/:id/cancel", "POST /handovers/:id/cancel":
		params["id"] = strconv.FormatInt(fresh("handover"), 10)
		body = map[string]any{"confirm": "yes", "confirm_cancel": "yes"}
	case "POST /api/v1/accounts/:id/churn", "POST /accounts/:id/churn":
		params["id"] = strconv.FormatInt(fresh("account"), 10)
		body = map[string]any{"reason": "price", "voluntary": true}
	case "PUT /api/v1/accounts/:id/team/:user_id", "POST /accounts/:id/team":
		params["id"] = strconv.FormatInt(fresh("account"), 10)
		body = map[string]any{"role": "backup", "user_id": w.offID}
	case "POST /admin/lists/:list":
		body = map[string]any{"code": "", "en": "Unnamed"} // a row without its code
	case "POST /admin/currencies/:code/base":
		params["code"] = "CNY" // already the base: the call changes nothing
	case "POST /api/v1/auth/login", "POST /login":
		// Another e-mail each time: the calls must not trip the sign-in limits.
		body = map[string]any{"email": fmt.Sprintf("nobody%d@example.com", w.n), "password": "wrong password"}
	case "POST /language":
		body = map[string]any{"lang": "xx"}
	case "PATCH /api/v1/me":
		body = map[string]any{"language": "xx"}
	case "POST /api/v1/me/password", "POST /settings/password":
		body = map[string]any{"current_password": "", "new_password": "short"}
	case "PATCH /api/v1/accounts/:id", "POST /accounts/:id":
		body = map[string]any{"name": "", "tier": "key", "annual_value": -1}
	case "PATCH /api/v1/contacts/:id", "POST /contacts/:id":
		body = map[string]any{"name": ""}
	case "POST /api/v1/imports/:id/mapping":
		body = map[string]any{"mapping": map[string]string{"no such column": "name"}}
	case "POST /imports/:id/mapping":
		body = map[string]any{"col_99": "name"}
	case "POST /api/v1/imports/:id/commit":
		body = map[string]any{"choices": map[string]string{"999": "create"}}
	case "POST /imports/:id/commit":
		body = map[string]any{"choice_999": "create"}
	case "PATCH /api/v1/complaints/:id":
		body = map[string]any{"severity": "bogus"}
	case "POST /accounts/:id/complaints/:complaint_id/resolve":
		body = map[string]any{"resolution": ""}
	case "PATCH /api/v1/handovers/:id/items/:item_id", "POST /handovers/:id/items/:item_id",
		"POST /me/handover/items/:item_id/note":
		body = map[string]any{"transfer_note": "bad\x00note"}
	case "POST /handovers/:id/items/:item_id/intro", "POST /me/handover/items/:item_id/intro":
		body = map[string]any{"summary": ""}
	case "PUT /api/v1/cadence-policies/:tier", "POST /admin/cadence/:tier":
		body = map[string]any{"interval_days": 0}
	case "PUT /api/v1/currencies/:code", "POST /admin/currencies":
		body = map[string]any{"rate_to_base": 0, "code": "USD"}
	case "PATCH /api/v1/users/:id", "POST /admin/users/:id":
		body = map[string]any{"name": "", "email": "on@example.com", "role": "sales"}
	case "POST /api/v1/handovers/:id/complete", "POST /handovers/:id/complete":
		body = map[string]any{}
	default:
		if method != "GET" && method != "HEAD" {
			body = map[string]any{}
		}
	}
	// Segment by segment: ":file" must not eat the start of "*filepath".
	segs := strings.Split(pattern, "/")
	for i, sg := range segs {
		if v, ok := params[strings.TrimLeft(sg, ":*")]; ok && sg != "" && (sg[0] == ':' || sg[0] == '*') {
			segs[i] = v
		}
	}
	return strings.Join(segs, "/"), body
}

// fresh makes a resource for one call and answers its id.
func (w *routeWorld) fresh(t *testing.T, kind string) int64 {
	ts := w.ts
	switch kind {
	case "account":
		return ts.mustCreateAccount(w.mgrToken, map[string]any{"name": "Throwaway", "tier": "standard", "owner_id": w.onID})
	case "account with backup":
		a := ts.mustCreateAccount(w.mgrToken, map[string]any{"name": "Throwaway", "tier": "standard", "owner_id": w.onID})
		ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", a, w.offID), w.mgrToken, map[string]any{"role": "backup"})
		return a
	case "contact":
		return id(ts.must(201, "POST", path("/api/v1/accounts/%d/contacts", w.account), w.mgrToken, map[string]any{"name": "Throwaway"}))
	case "user":
		u := ts.must(201, "POST", "/api/v1/users", w.admin, map[string]any{"name": "Throwaway", "email": fmt.Sprintf("throwaway%d@example.com", w.n),
			"password": testPassword, "role": "sales", "manager_id": w.mgrID})
		return id(u)
	case "key":
		return id(ts.must(201, "POST", "/api/v1/api-keys", w.onToken, map[string]any{"name": "Throwaway", "scopes": []string{"accounts:read"}}))
	case "chat target":
		return id(ts.must(201, "POST", "/api/v1/chat-targets", w.admin, map[string]any{"kind": "slack", "url": "http://127.0.0.1:9/slack",
			"events": []string{"handover.started"}, "language": "en"}))
	case "webhook":
		return id(ts.must(201, "POST", "/api/v1/webhooks", w.admin, map[string]any{"url": "http://127.0.0.1:9/throwaway", "events": []string{"user.leaving"}}))
	case "campaign":
		return id(ts.must(201, "POST", "/api/v1/campaigns", w.mgrToken, map[string]any{"kind": "custom", "name": "Throwaway",
			"from": "2026-03-01", "to": "2026-03-31", "account_ids": []int64{w.account}}))
	case "handover":
		u := w.fresh(t, "user")
		return id(ts.must(201, "POST", "/api/v1/handovers", w.mgrToken, map[string]any{"departing_user_id": u, "last_day": "2026-03-31"}))
	}
	t.Fatalf("no fresh %s", kind)
	return 0
}

func (w *routeWorld) freshCurrency(t *testing.T) string {
	code := fmt.Sprintf("X%c%c", 'A'+w.n/26%26, 'A'+w.n%26)
	w.ts.must(200, "PUT", "/api/v1/currencies/"+code, w.admin, map[string]any{"rate_to_base": 2})
	return code
}
