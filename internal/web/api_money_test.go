package web_test

import (
	"math"
	"net/http"
	"strings"
	"testing"
)

func currency(t *testing.T, ts *testServer, token, code string) map[string]any {
	t.Helper()
	return ts.must(200, "GET", "/api/v1/currencies/"+code, token, nil)
}

func TestCurrenciesAndRates(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)

	list := ts.must(200, "GET", "/api/v1/currencies", o.rep.Token, nil)
	if list["base"] != "CNY" || len(list["data"].([]any)) != 1 {
		t.Fatalf("a new organisation counts in CNY only: %v", list)
	}
	if cny := currency(t, ts, o.rep.Token, "cny"); cny["rate_to_base"].(float64) != 1 || cny["base"] != true || cny["accounts"].(float64) != 2 {
		t.Fatalf("CNY: %v", cny)
	}

	// Only admins maintain rates; bad rates change nothing.
	if r := ts.call("PUT", "/api/v1/currencies/USD", o.mgr.Token, map[string]any{"rate_to_base": 7.1}); r.Status != http.StatusForbidden {
		t.Fatalf("manager sets a rate: %d", r.Status)
	}
	for _, body := range []map[string]any{{"rate_to_base": 0}, {"rate_to_base": -2}, {"rate_to_base": 2e6}, {"rate_to_base": 1e-7}, {}, {"base": false}} {
		r := ts.call("PUT", "/api/v1/currencies/USD", o.admin, body)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d %s", body, r.Status, r.Body)
		}
	}
	if r := ts.call("PUT", "/api/v1/currencies/US1", o.admin, map[string]any{"rate_to_base": 7}); r.Status != 422 || r.field(t, "code") == "" {
		t.Errorf("bad code: %d %s", r.Status, r.Body)
	}
	if r := ts.call("PUT", "/api/v1/currencies/CNY", o.admin, map[string]any{"rate_to_base": 2}); r.Status != 422 {
		t.Errorf("the base's rate changed: %d", r.Status)
	}
	if r := ts.call("GET", "/api/v1/currencies/USD", o.rep.Token, nil); r.Status != http.StatusNotFound {
		t.Fatalf("a refused rate was stored: %d", r.Status)
	}

	// A base whose rates would fall out of range is refused: USD at 10^6 and a coin at
	// 10^-6 cannot both stay within bounds with the coin as the base.
	ts.must(200, "PUT", "/api/v1/currencies/XAU", o.admin, map[string]any{"rate_to_base": 1e6})
	ts.must(200, "PUT", "/api/v1/currencies/XTS", o.admin, map[string]any{"rate_to_base": 1e-6})
	if r := ts.call("PUT", "/api/v1/currencies/XTS", o.admin, map[string]any{"base": true}); r.Status != 422 || r.field(t, "base") == "" {
		t.Errorf("a rebase out of range: %d %s", r.Status, r.Body)
	}
	if b := ts.must(200, "GET", "/api/v1/currencies", o.rep.Token, nil)["base"]; b != "CNY" {
		t.Errorf("the refused rebase changed the base to %v", b)
	}
	ts.must(204, "DELETE", "/api/v1/currencies/XAU", o.admin, nil)
	ts.must(204, "DELETE", "/api/v1/currencies/XTS", o.admin, nil)

	// An amount in a currency without a rate is refused at entry, and nothing is written.
	r := ts.call("POST", "/api/v1/accounts", o.rep.Token, map[string]any{"name": "Pacific Rim Trading", "tier": "key", "annual_value": 1000, "currency": "USD"})
	if r.Status != 422 || !strings.Contains(r.field(t, "currency"), "no exchange rate") {
		t.Fatalf("USD account without a rate: %d %s", r.Status, r.Body)
	}
	if n := ts.must(200, "GET", "/api/v1/accounts?q=Pacific", o.rep.Token, nil)["total"].(float64); n != 0 {
		t.Fatalf("refused account written: %v", n)
	}
	if r := ts.call("PATCH", path("/api/v1/accounts/%d", o.account), o.rep.Token, map[string]any{"currency": "EUR"}); r.Status != 422 {
		t.Fatalf("moved to a currency without a rate: %d", r.Status)
	}

	usd := ts.must(200, "PUT", "/api/v1/currencies/usd", o.admin, map[string]any{"rate_to_base": 7})
	if usd["code"] != "USD" || usd["rate_to_base"].(float64) != 7 || usd["base"] != false {
		t.Fatalf("USD: %v", usd)
	}
	pacific := ts.mustCreateAccount(o.rep.Token, map[string]any{"name": "Pacific Rim Trading", "tier": "key", "annual_value": 200000, "currency": "USD"})

	// The flag list weighs each account in the base currency: US$200,000 (¥1,400,000)
	// before Northwind's ¥900,000, and the order follows a change of rate at once.
	flags := ts.must(200, "GET", "/api/v1/flags", o.mgr.Token, nil)["data"].([]any)
	first := flags[0].(map[string]any)
	if first["account"].(map[string]any)["id"].(float64) != float64(pacific) || first["base_value"].(float64) != 1400000 ||
		first["value_at_risk"].(float64) != 1400000*(100-first["score"].(float64))/100 {
		t.Fatalf("worst first in the base currency: %v", first)
	}
	ts.must(200, "PUT", "/api/v1/currencies/USD", o.admin, map[string]any{"rate_to_base": 4})
	flags = ts.must(200, "GET", "/api/v1/flags", o.mgr.Token, nil)["data"].([]any)
	if first := flags[0].(map[string]any); first["account"].(map[string]any)["id"].(float64) != float64(o.account) ||
		flags[1].(map[string]any)["base_value"].(float64) != 800000 {
		t.Fatalf("after the rate fell, Northwind leads: %v", flags)
	}
	ts.must(200, "PUT", "/api/v1/currencies/USD", o.admin, map[string]any{"rate_to_base": 7})

	// Reports convert into the base currency, or into the one asked for.
	conc := ts.must(200, "GET", "/api/v1/reports/concentration", o.mgr.Token, nil)
	if conc["currency"] != "CNY" || conc["total_key_value"].(float64) != 2300000 {
		t.Fatalf("concentration in CNY: %v", conc)
	}
	conc = ts.must(200, "GET", "/api/v1/reports/concentration?currency=usd", o.mgr.Token, nil)
	if conc["currency"] != "USD" || conc["total_key_value"].(float64) != 200000+128571 {
		t.Fatalf("concentration in USD: %v", conc)
	}
	if r := ts.call("GET", "/api/v1/reports/concentration?currency=JPY", o.mgr.Token, nil); r.Status != 422 {
		t.Fatalf("a report in a currency without a rate: %d", r.Status)
	}

	// Making USD the base rebases every rate: the same money, counted in dollars.
	ts.must(200, "PUT", "/api/v1/currencies/USD", o.admin, map[string]any{"base": true})
	list = ts.must(200, "GET", "/api/v1/currencies", o.rep.Token, nil)
	cny := currency(t, ts, o.rep.Token, "CNY")
	if list["base"] != "USD" || cny["base"] != false || math.Abs(cny["rate_to_base"].(float64)-1.0/7) > 1e-12 {
		t.Fatalf("after rebasing on USD: %v / %v", list, cny)
	}
	if v := ts.must(200, "GET", "/api/v1/flags", o.mgr.Token, nil)["data"].([]any)[0].(map[string]any)["base_value"].(float64); v != 200000 {
		t.Fatalf("Pacific in the new base: %v", v)
	}
	if r := ts.call("PUT", "/api/v1/currencies/USD", o.admin, map[string]any{"rate_to_base": 7}); r.Status != 422 {
		t.Fatalf("the new base's rate changed: %d", r.Status)
	}
	ts.must(200, "PUT", "/api/v1/currencies/CNY", o.admin, map[string]any{"base": true})
	if usd := currency(t, ts, o.rep.Token, "USD"); math.Abs(usd["rate_to_base"].(float64)-7) > 1e-9 {
		t.Fatalf("back on CNY: %v", usd)
	}

	// A currency in use, or the base, stays; an unused one goes.
	if r := ts.call("DELETE", "/api/v1/currencies/USD", o.admin, nil); r.Status != http.StatusConflict {
		t.Fatalf("delete USD in use: %d", r.Status)
	}
	if r := ts.call("DELETE", "/api/v1/currencies/CNY", o.admin, nil); r.Status != http.StatusConflict {
		t.Fatalf("delete the base: %d", r.Status)
	}
	ts.must(200, "PUT", "/api/v1/currencies/JPY", o.admin, map[string]any{"rate_to_base": 0.048})
	if r := ts.call("DELETE", "/api/v1/currencies/JPY", o.rep.Token, nil); r.Status != http.StatusForbidden {
		t.Fatalf("rep deletes: %d", r.Status)
	}
	if r := ts.call("DELETE", "/api/v1/currencies/JPY", o.admin, nil); r.Status != http.StatusNoContent {
		t.Fatalf("delete JPY: %d", r.Status)
	}
	if r := ts.call("GET", "/api/v1/currencies/JPY", o.rep.Token, nil); r.Status != http.StatusNotFound {
		t.Fatalf("JPY still there: %d", r.Status)
	}
}

// Amounts recorded before rates existed, in a currency nobody has priced yet, are left out
// of every sum, and the sums say so.
func TestSumsNameTheCurrenciesTheyCouldNotConvert(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	if err := ts.App.DB.Write.Exec(`INSERT INTO currencies (code, updated_at) VALUES ('HKD', CURRENT_TIMESTAMP)`).Error; err != nil {
		t.Fatal(err)
	}
	if err := ts.App.DB.Write.Exec(`UPDATE accounts SET currency = 'HKD', annual_value = 50 WHERE id = ?`, o.account).Error; err != nil {
		t.Fatal(err)
	}
	conc := ts.must(200, "GET", "/api/v1/reports/concentration", o.mgr.Token, nil)
	if conc["total_key_value"].(float64) != 0 || len(conc["unconverted"].([]any)) != 1 || conc["unconverted"].([]any)[0] != "HKD" {
		t.Fatalf("HKD summed without a rate: %v", conc)
	}
	// Editing the account without touching its currency still works.
	ts.must(200, "PATCH", path("/api/v1/accounts/%d", o.account), o.rep.Token, map[string]any{"region": "华南", "currency": "HKD"})
	ts.must(200, "PUT", "/api/v1/currencies/HKD", o.admin, map[string]any{"rate_to_base": 0.9})
	conc = ts.must(200, "GET", "/api/v1/reports/concentration", o.mgr.Token, nil)
	if conc["total_key_value"].(float64) != 45 || conc["unconverted"] != nil {
		t.Fatalf("after HKD got its rate: %v", conc)
	}
}

// Proposals compare candidates' books in the base currency: a book of US$100 (¥700)
// outweighs one of ¥500, though 100 < 500 as plain numbers.
func TestProposalsCompareBooksInTheBaseCurrency(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	ts.must(200, "PUT", "/api/v1/currencies/USD", tm.admin, map[string]any{"rate_to_base": 7})
	ts.mustCreateAccount(tm.backup.Token, map[string]any{"name": "Amy's key", "tier": "key", "annual_value": 1000})
	ts.mustCreateAccount(tm.r3.Token, map[string]any{"name": "Liu's key", "tier": "key", "annual_value": 100, "currency": "USD"})
	ts.mustCreateAccount(tm.r4.Token, map[string]any{"name": "Sarah's key", "tier": "key", "annual_value": 500})
	acc := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Leaving key", "tier": "key", "annual_value": 300})
	h := ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-31"})
	if got := itemFor(h, acc)["proposed_to_user_id"]; got == nil || int64(got.(float64)) != tm.r4.ID {
		t.Fatalf("proposed to %v, want Sarah Lim (%d), the lightest book in CNY", got, tm.r4.ID)
	}
	page := pageSignedIn(ts, tm.mgr.Email, testPassword).get(path("/handovers/%d", id(h)))
	wantPage(t, "candidates", page, 200, "Who can take over", "Liu Yang", "CNY 700", "CNY 1,000", "CNY 500")
}

// The name search reads names kept in memory: a new name, a rename and a deletion show
// at once, in the rows and in the total.
func TestNameSearchFollowsEveryChange(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	search := func(q string) (int, []any) {
		r := ts.must(200, "GET", "/api/v1/accounts?q="+q, o.mgr.Token, nil)
		return int(r["total"].(float64)), r["data"].([]any)
	}
	if n, _ := search("northwind"); n != 1 {
		t.Fatalf("case-insensitive search: %d", n)
	}
	ts.must(200, "PATCH", path("/api/v1/accounts/%d", o.account), o.rep.Token, map[string]any{"name": "华东物流 Northwind"})
	if n, rows := search("%E5%8D%8E%E4%B8%9C"); n != 1 || rows[0].(map[string]any)["name"] != "华东物流 Northwind" {
		t.Fatalf("after the rename: %d %v", n, rows)
	}
	extra := ts.mustCreateAccount(o.rep.Token, map[string]any{"name": "Northwind Two", "tier": "growth"})
	if n, _ := search("northwind"); n != 2 {
		t.Fatalf("a new account is not found: %d", n)
	}
	ts.must(204, "DELETE", path("/api/v1/accounts/%d", extra), o.mgr.Token, nil)
	if n, _ := search("northwind"); n != 1 {
		t.Fatalf("a deleted account is still found: %d", n)
	}
	if n, _ := search("northwind&tier=growth"); n != 0 {
		t.Fatalf("with another filter: %d", n)
	}
}
