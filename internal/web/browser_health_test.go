package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// flagNames reads the account names of the flag list, in order.
const flagNames = `Array.from(document.querySelectorAll("table.flags tbody tr td:first-child a")).map(a => a.textContent)`

// TestBrowserNeglectedKeyAccounts: a manager opens "Neglected accounts", sees the key
// accounts that need attention worst first with their reasons, narrows the list to one
// rep, opens an account and reads its health; once the rep calls, it leaves the list.
func TestBrowserNeglectedKeyAccounts(t *testing.T) {
	ts := newTestServer(t)
	c := newChrome(t, ts)
	admin := ts.adminToken()
	mgr := ts.mustCreateUser(admin, "Wang Li", "manager", 0)
	rep := ts.mustCreateUser(admin, "Zhang Wei", "sales", mgr.ID)
	rep2 := ts.mustCreateUser(admin, "Amy Chen", "sales", mgr.ID)
	big := ts.mustCreateAccount(rep2.Token, map[string]any{"name": "Big Neglected Co", "tier": "key", "annual_value": 5000000})
	small := ts.mustCreateAccount(rep.Token, map[string]any{"name": "Small Neglected Co", "tier": "key", "annual_value": 100000})
	ts.mustCreateAccount(rep.Token, map[string]any{"name": "Standard Co", "tier": "standard"})

	c.signIn(mgr.Email, testPassword)
	c.load("open the neglected accounts from the menu", chromedp.Click(chromedp.CSS(`header nav a[href="/flags"]`)))
	rows := `table.flags tbody tr td:first-child a`
	c.step("see the flag list", chromedp.WaitVisible(chromedp.CSS(rows)))
	names := browserRun(c, "read the list", chromedp.Evaluate[[]string](flagNames))
	if strings.Join(names, "|") != "Big Neglected Co|Small Neglected Co" {
		t.Fatalf("worst first (risk × value), key accounts only: %v", names)
	}
	if r := c.text(`table.flags tbody tr:first-child ul.reasons`); !strings.Contains(r, "Never contacted; the cadence is 14 days.") {
		t.Errorf("reasons in numbers: %q", r)
	}

	c.load("narrow the list to one rep",
		chromedp.SetValue(chromedp.ID("owner_id"), fmt.Sprint(rep.ID)),
		chromedp.Click(chromedp.CSS(`form.filters button[type="submit"]`)))
	names = browserRun(c, "read the narrowed list", chromedp.Evaluate[[]string](flagNames))
	if strings.Join(names, "|") != "Small Neglected Co" {
		t.Fatalf("owner filter: %v", names)
	}

	c.load("open the account", chromedp.Click(chromedp.CSS(fmt.Sprintf(`table.flags a[href="/accounts/%d"]`, small))))
	c.step("see its health", chromedp.WaitVisible(chromedp.ID("health")))
	if h := c.text("#health"); !strings.Contains(h, "30 of 100") || !strings.Contains(h, "At risk") || !strings.Contains(h, "1 active person on the team") {
		t.Errorf("health card: %q", h)
	}

	// The rep calls the big account; it drops off the list.
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", big), rep2.Token, map[string]any{"kind": "call", "summary": "Checked in"})
	c.open("/flags")
	names = browserRun(c, "read the list again", chromedp.Evaluate[[]string](flagNames))
	if strings.Join(names, "|") != "Small Neglected Co" {
		t.Fatalf("after the call: %v", names)
	}
}
