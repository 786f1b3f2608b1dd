package web_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestRetentionForms(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	accPath := path("/accounts/%d", o.account)
	rep := ts.browser()
	rep.signIn(o.rep.Email, testPassword)
	tok := csrfFrom(rep.get(accPath).Body)

	// A complaint through the form, then resolved.
	r := rep.post(accPath+"/complaints", map[string][]string{"severity": {"high"}, "summary": {""}, "csrf_token": {tok}})
	if r.Status != http.StatusUnprocessableEntity || pageFieldError(string(r.Body), "summary") == "" {
		t.Fatalf("empty complaint: %d", r.Status)
	}
	pageWantRedirect(t, rep.post(accPath+"/complaints", map[string][]string{"severity": {"high"}, "summary": {"Late deliveries"}, "csrf_token": {tok}}), accPath+"?done=complaint_opened#complaints")
	list := ts.must(200, "GET", path("/api/v1/accounts/%d/complaints", o.account), o.rep.Token, nil)["data"].([]any)
	cid := id(list[0].(map[string]any))
	home := string(rep.get("/").Body)
	if !strings.Contains(home, "Open complaints on my accounts") || !strings.Contains(home, "Late deliveries") {
		t.Errorf("the rep's home does not show the open complaint")
	}
	r = rep.post(path("%s/complaints/%d/resolve", accPath, cid), map[string][]string{"resolution": {""}, "csrf_token": {tok}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "is required to resolve a complaint") {
		t.Fatalf("resolve without a resolution: %d", r.Status)
	}
	pageWantRedirect(t, rep.post(path("%s/complaints/%d/resolve", accPath, cid), map[string][]string{"resolution": {"New carrier"}, "csrf_token": {tok}}), accPath+"?done=complaint_resolved#complaints")

	// A loss through the form: errors first, then the record; the page turns read-only.
	r = rep.post(accPath+"/churn", map[string][]string{"reason": {"competitor"}, "csrf_token": {tok}})
	if r.Status != http.StatusUnprocessableEntity || pageFieldError(string(r.Body), "competitor") == "" {
		t.Fatalf("incomplete loss: %d", r.Status)
	}
	pageWantRedirect(t, rep.post(accPath+"/churn", map[string][]string{"reason": {"competitor"}, "voluntary": {"true"},
		"competitor": {"Acme Freight"}, "notes": {"Cheaper"}, "csrf_token": {tok}}), accPath+"?done=churned#retention")
	page := string(rep.get(accPath).Body)
	if strings.Contains(page, `id="log-interaction"`) || !strings.Contains(page, "Lost on") || strings.Contains(page, `id="reactivate-form"`) {
		t.Fatalf("a churned account page for a rep: read-only, loss shown, no win-back")
	}
	mgr := ts.browser()
	mgr.signIn(o.mgr.Email, testPassword)
	mtok := csrfFrom(mgr.get(accPath).Body)
	pageWantRedirect(t, mgr.post(accPath+"/reactivate", map[string][]string{"note": {"Matched their price"}, "csrf_token": {mtok}}), accPath+"?done=reactivated#retention")
	page = string(mgr.get(accPath).Body)
	if !strings.Contains(page, `id="log-interaction"`) || !strings.Contains(page, "Won back on") || !strings.Contains(page, "Matched their price") {
		t.Fatalf("won back: the page is writable again and shows the win-back")
	}
}
