package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// chartDrawn is an expression: the chart of the box data-chart=id has been drawn by
// Chart.js on a canvas of non-zero size, with the labels want (comma-joined) if set.
func chartDrawn(id, want string) string {
	return fmt.Sprintf(`(() => {
		const canvas = document.querySelector('[data-chart=%[1]s] canvas');
		const chart = canvas && window.Chart && Chart.getChart(canvas);
		return !!chart && canvas.width > 0 && canvas.height > 0 &&
			(%[2]s === "" || chart.data.labels.join(",") === %[2]s);
	})()`, jsString(id), jsString(want))
}

// TestBrowserManagerReadsReports: a manager opens the Reports from the navigation, picks
// last quarter, sees each report as a chart and a table, answers "which reason cost us
// the most key-account value, and who holds the most key value alone?", regroups by
// owner, and downloads a report as CSV, both by clicking its link and by fetching it.
func TestBrowserManagerReadsReports(t *testing.T) {
	ts := newTestServer(t)
	c := newChrome(t, ts) // first: without a browser the test skips before any setup
	o := newOrg(t, ts)
	lossFixture(t, ts, o)

	c.signIn(o.mgr.Email, testPassword)
	c.load("open the reports from the navigation", chromedp.Click(chromedp.CSS(`header nav a[href="/reports"]`)))
	if got := c.location(); got != ts.URL+"/reports" {
		t.Fatalf("the navigation led to %s", got)
	}
	c.load("pick last quarter", chromedp.Click(chromedp.CSS(`.quick-periods a:first-of-type`)))
	if got := c.location(); !strings.Contains(got, "from=2025-10-01") || !strings.Contains(got, "to=2025-12-31") {
		t.Fatalf("last quarter is %s", got)
	}
	if v := c.value("#from"); v != "2025-10-01" {
		t.Errorf("the from picker reads %q", v)
	}

	// Every report has its chart, drawn from the page's data with translated labels.
	c.waitFor("the retention chart is drawn", chartDrawn("chart-retention", "Growth,Key"))
	c.waitFor("the churn reasons chart is drawn", chartDrawn("chart-reasons", "Quality,Competitor,Price,Service"))
	c.waitFor("the concentration chart is drawn", chartDrawn("chart-concentration", "Zhang Wei,Amy Chen"))
	c.waitFor("the compliance chart is drawn", chartDrawn("chart-compliance", ""))
	if !c.eval(`Chart.getChart(document.querySelector('[data-chart="chart-retention"] canvas')).data.datasets[0].data[1] === 50`) {
		t.Errorf("the retention chart does not show the key accounts' churn rate of 50%%")
	}
	if got := c.text(`#retention-table tfoot`); !strings.Contains(got, "57.1%") || !strings.Contains(got, "CNY 6,800") {
		t.Errorf("retention total row: %q", got)
	}
	if got := c.text(`#churn-reasons .answer`); got != "Costliest reason in key-account value: Quality, CNY 4,000 lost." {
		t.Errorf("which reason cost the most key-account value: %q", got)
	}
	if got := c.text(`#concentration .answer`); !strings.HasPrefix(got, "Zhang Wei holds the most key value alone: CNY 901,000") {
		t.Errorf("who holds the most key value alone: %q", got)
	}

	// Regroup by owner with the picker: the table and the chart follow.
	c.step("group by owner", chromedp.SetValue(chromedp.ID("group_by"), "owner"))
	c.load("show the report", chromedp.Click(chromedp.CSS(`#report-filters button[type="submit"]`)))
	if got := c.location(); !strings.Contains(got, "group_by=owner") || !strings.Contains(got, "from=2025-10-01") {
		t.Fatalf("after regrouping the browser is at %s", got)
	}
	c.waitFor("the retention chart is drawn by owner", chartDrawn("chart-retention", "Amy Chen,Zhang Wei"))
	if got := c.text(`#retention-table thead th`); got != "Owner at the start" {
		t.Errorf("first column after regrouping: %q", got)
	}

	// Fetch the download as the page links it: a CSV with a byte-order mark, the period
	// and grouping carried along.
	var got struct {
		Status      int
		Type        string
		Disposition string
		BOM         []int
		Text        string
	}
	res := browserRun(c, "fetch the retention CSV", chromedp.Evaluate[string](`(async () => {
		const r = await fetch(document.querySelector('#retention a.csv').href);
		const bytes = new Uint8Array(await r.arrayBuffer());
		return JSON.stringify({status: r.status, type: r.headers.get("content-type"),
			disposition: r.headers.get("content-disposition"), bom: Array.from(bytes.slice(0, 3)),
			text: new TextDecoder().decode(bytes)});
	})()`, chromedp.EvalAwaitPromise))
	if err := json.Unmarshal([]byte(res), &got); err != nil {
		t.Fatalf("fetch result %q: %v", res, err)
	}
	if got.Status != 200 || !strings.HasPrefix(got.Type, "text/csv") || fmt.Sprint(got.BOM) != "[239 187 191]" ||
		got.Disposition != `attachment; filename="retention-owner-2025-10-01-2025-12-31.csv"` ||
		!strings.HasPrefix(got.Text, "Owner at the start,Accounts at start,Churned,Retained,Churn rate,") ||
		!strings.Contains(got.Text, "\nZhang Wei,4,") {
		t.Errorf("the downloaded CSV: %+v", got)
	}

	// And click a download link, as a person would: the file lands in the download folder.
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(c.ctx, browserStepTimeout)
	defer cancel()
	begins := chromedp.Events(ctx, cdpbrowser.DownloadWillBegin)
	progress := chromedp.Events(ctx, cdpbrowser.DownloadProgress)
	if err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
				Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: ptrTo(true)})
			return err
		}),
		chromedp.Click(chromedp.CSS(`#churn-reasons a.csv`)),
	); err != nil {
		t.Fatalf("click the churn reasons download: %v", err)
	}
	var name string
	for ev, err := range begins {
		if err != nil {
			t.Fatalf("the download never began: %v", err)
		}
		name = ev.SuggestedFilename
		break
	}
	if name != "churn-reasons-2025-10-01-2025-12-31.csv" {
		t.Errorf("downloaded file name %q", name)
	}
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("the download never completed: %v", err)
		}
		if ev.State == cdpbrowser.DownloadProgressStateCanceled {
			t.Fatalf("the download was cancelled")
		}
		if ev.State != cdpbrowser.DownloadProgressStateCompleted {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, ev.GUID))
		if err != nil {
			t.Fatal(err)
		}
		if s := string(b); !strings.HasPrefix(s, "\uFEFFReason,Churned,Voluntary,Involuntary,Value lost (CNY),") ||
			!strings.Contains(s, "\nQuality,1,1,0,4000,1,4000,\n") {
			t.Errorf("downloaded churn reasons:\n%s", s)
		}
		break
	}

	var exports int64
	ts.App.DB.Read.Raw("SELECT COUNT(*) FROM audit_entries WHERE action = 'export' AND actor_id = ?", o.mgr.ID).Scan(&exports)
	if exports != 2 {
		t.Errorf("downloads audited: %d, want 2", exports)
	}
}

func ptrTo[T any](v T) *T { return &v }
