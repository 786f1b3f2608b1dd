package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A manager brings a Chinese sheet in through the browser: the upload, the preview with a
// misread column and the rows with errors, the column mapped anew, a duplicate's choice,
// the commit, the undo, and the same sheet brought in again.
func TestBrowserManagerImportsASheet(t *testing.T) {
	ts := newTestServer(t)
	c := newChrome(t, ts)
	tm := newTeam(t, ts)
	ts.must(200, "PATCH", path("/api/v1/users/%d", tm.leaver.ID), tm.admin, map[string]any{"name": "张伟"})
	existing := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "杭州盛泽电子集团有限公司", "tier": "standard"})
	// 级别（必选） is not a header Keyhold knows: the tier column must be mapped by hand.
	sheet := gb18030CSV(t, [][]string{
		{"客户名称", "负责人", "客户分级", "年度金额"},
		{"苏州恒达精密机械有限公司", "张伟", "重点", "120万"},
		{"杭州盛泽电子", "张伟", "重点", "300万"},
		{"南昌瑞丰食品有限公司", "赵六", "成长", "80万"},
		{"苏州恒达精密机械", "张伟", "重点", "120万"},
	})
	file := filepath.Join(t.TempDir(), "客户.csv")
	if err := os.WriteFile(file, sheet, 0o644); err != nil {
		t.Fatal(err)
	}

	c.signIn(tm.mgr.Email, testPassword)
	c.open("/accounts")
	c.load("open the imports from the accounts list", chromedp.Click(chromedp.CSS(`a[href="/imports"]`)))
	c.step("choose the sheet", chromedp.SetValue(chromedp.ID("kind"), "accounts"),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}))
	c.load("upload it for a preview", chromedp.Click(chromedp.CSS(`form.upload button[type="submit"]`)))
	if loc := c.location(); !strings.HasPrefix(loc, ts.URL+"/imports/") {
		t.Fatalf("after the upload: %s", loc)
	}
	if s := c.text("p.summary"); !strings.Contains(s, "4 rows: 1 to create, 1 to update, 1 to skip, 1 with errors") {
		t.Errorf("summary: %q", s)
	}
	if !c.eval(`document.querySelector('details.mapping').open`) {
		t.Error("a column left out should open the mapping")
	}
	if n := c.text("table.import-rows tbody"); !strings.Contains(n, "负责人: no active staff member") {
		t.Errorf("the error row: %q", n)
	}

	// The tier column, mapped by hand.
	c.step("map 客户分级 to the tier", chromedp.SetValue(chromedp.ID("col_3"), "tier"))
	c.load("preview again", chromedp.Click(chromedp.CSS(`form.mapping-form button[type="submit"]`)))
	if got := c.value("#col_3"); got != "tier" {
		var n int64
		ts.App.DB.Read.Raw("SELECT COUNT(*) FROM imports").Scan(&n)
		t.Errorf("column 3 is now mapped to %q (%d imports, at %s)", got, n, c.location())
	}

	// Row 5 repeats row 2: create it anyway, on the Duplicates tab.
	c.load("open the duplicates", chromedp.Click(chromedp.CSS(`nav.tabs a[href$="show=duplicates"]`)))
	c.step("choose to create row 5", chromedp.SetValue(chromedp.CSS(`select[name="choice_5"]`), "create"))
	c.load("commit", chromedp.Click(chromedp.CSS(`#commit-form button[type="submit"]`)))
	if b := c.text("h1 .badge"); b != "Committed" {
		t.Fatalf("after the commit the import is %q", b)
	}
	if n := len(ts.must(200, "GET", "/api/v1/accounts?q=苏州恒达", tm.mgr.Token, nil)["data"].([]any)); n != 2 {
		t.Errorf("accounts created: %d", n)
	}
	if a := ts.must(200, "GET", path("/api/v1/accounts/%d", existing), tm.mgr.Token, nil); a["tier"] != "key" {
		t.Errorf("the existing account was not brought up to date: %v", a["tier"])
	}

	c.load("undo", chromedp.Click(chromedp.CSS(`form.undo button[type="submit"]`)))
	if b := c.text("h1 .badge"); b != "Undone" {
		t.Fatalf("after the undo the import is %q", b)
	}
	if n := len(ts.must(200, "GET", "/api/v1/accounts?q=苏州恒达", tm.mgr.Token, nil)["data"].([]any)); n != 0 {
		t.Errorf("accounts left after the undo: %d", n)
	}

	// And again, from the start.
	c.open("/imports")
	c.step("choose the sheet again", chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}))
	c.load("upload it again", chromedp.Click(chromedp.CSS(`form.upload button[type="submit"]`)))
	if s := c.text("p.summary"); !strings.Contains(s, "4 rows") {
		t.Errorf("the second preview: %q", s)
	}
}
