package web_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"
)

// API keys (issue 13, item 1): shown once, kept as a hash, scoped, never beyond the
// owner's role, ended by revocation, expiry, a change of role or the owner leaving.
func TestAPIKeys(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	mk := func(token string, body map[string]any) (int64, string) {
		t.Helper()
		m := ts.must(201, "POST", "/api/v1/api-keys", token, body)
		return id(m), m["secret"].(string)
	}
	keyID, secret := mk(o.rep.Token, map[string]any{"name": "ERP sync", "scopes": []string{"accounts:read", "accounts:read"}})

	t.Run("shown once, stored as a hash", func(t *testing.T) {
		if !strings.HasPrefix(secret, "khk_") || len(secret) < 4+64 {
			t.Fatalf("secret %q", secret)
		}
		sum := sha256.Sum256([]byte(secret))
		var hash, lastFour string
		ts.App.DB.Read.Raw("SELECT hash, last_four FROM api_keys WHERE id = ?", keyID).Row().Scan(&hash, &lastFour)
		if hash != hex.EncodeToString(sum[:]) || lastFour != secret[len(secret)-4:] {
			t.Errorf("stored %q / %q", hash, lastFour)
		}
		var leaks int64
		ts.App.DB.Read.Raw("SELECT (SELECT COUNT(*) FROM api_keys WHERE hash = ? OR name = ? OR scopes LIKE ?) + "+
			"(SELECT COUNT(*) FROM audit_entries WHERE COALESCE(before, '') LIKE ? OR COALESCE(after, '') LIKE ?)",
			secret, secret, "%"+secret+"%", "%"+secret+"%", "%"+secret+"%").Scan(&leaks)
		if leaks != 0 {
			t.Errorf("the secret is stored somewhere: %d rows", leaks)
		}
		list := string(ts.call("GET", "/api/v1/api-keys", o.rep.Token, nil).Body)
		if strings.Contains(list, secret) || strings.Contains(list, "hash") || !strings.Contains(list, `"scopes":["accounts:read"]`) {
			t.Errorf("the list: %s", list)
		}
	})

	t.Run("scopes and the owner's role", func(t *testing.T) {
		for _, c := range []struct {
			method, path string
			body         any
			want         int
		}{
			{"GET", "/api/v1/accounts", nil, 200},
			{"GET", "/api/v1/me", nil, 200},
			{"POST", "/api/v1/accounts", map[string]any{"name": "Via key", "tier": "key"}, 403}, // no accounts:write
			{"GET", "/api/v1/handovers", nil, 403},
			{"PATCH", "/api/v1/me", map[string]any{"language": "en"}, 403}, // sessions only
			{"GET", "/api/v1/api-keys", nil, 403},                          // a key makes no keys
		} {
			if r := ts.call(c.method, c.path, secret, c.body); r.Status != c.want {
				t.Errorf("%s %s with the key: %d, want %d: %s", c.method, c.path, r.Status, c.want, r.Body)
			}
		}
		_, repReports := mk(o.rep.Token, map[string]any{"name": "BI", "scopes": []string{"reports:read"}})
		if r := ts.call("GET", "/api/v1/reports/concentration", repReports, nil); r.Status != 403 {
			t.Errorf("a rep's key read a report: %d", r.Status)
		}
		_, mgrReports := mk(o.mgr.Token, map[string]any{"name": "BI", "scopes": []string{"reports:read"}})
		if r := ts.call("GET", "/api/v1/reports/concentration", mgrReports, nil); r.Status != 200 {
			t.Errorf("a manager's key with reports:read: %d", r.Status)
		}
		var used *time.Time
		ts.App.DB.Read.Raw("SELECT last_used_at FROM api_keys WHERE id = ?", keyID).Scan(&used)
		if used == nil {
			t.Errorf("last use not recorded")
		}
		page := ts.browser()
		req, _ := http.NewRequest("GET", ts.URL+"/accounts", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		if r := page.do(req); r.Status != http.StatusSeeOther {
			t.Errorf("a key opened a browser page: %d", r.Status)
		}
	})

	t.Run("bad requests", func(t *testing.T) {
		for _, body := range []map[string]any{{"name": "x", "scopes": []string{"everything"}}, {"name": "x"},
			{"name": "", "scopes": []string{"accounts:read"}}, {"name": "x", "scopes": []string{"accounts:read"}, "expires_at": "2020-01-01T00:00:00Z"}} {
			if r := ts.call("POST", "/api/v1/api-keys", o.rep.Token, body); r.Status != 422 {
				t.Errorf("%v: %d", body, r.Status)
			}
		}
	})

	t.Run("revoked, expired, role changed, leaving, departed", func(t *testing.T) {
		if r := ts.call("DELETE", path("/api/v1/api-keys/%d", keyID), o.rep2.Token, nil); r.Status != 404 {
			t.Errorf("another rep revoked the key: %d", r.Status)
		}
		ts.must(200, "GET", "/api/v1/accounts", secret, nil)
		ts.must(204, "DELETE", path("/api/v1/api-keys/%d", keyID), o.rep.Token, nil)
		if r := ts.call("GET", "/api/v1/accounts", secret, nil); r.Status != 401 {
			t.Errorf("a revoked key: %d", r.Status)
		}

		_, soon := mk(o.rep.Token, map[string]any{"name": "Short", "scopes": []string{"accounts:read"},
			"expires_at": ts.Clock.Now().Add(time.Hour).Format(time.RFC3339)})
		ts.must(200, "GET", "/api/v1/accounts", soon, nil)
		ts.Clock.Advance(2 * time.Hour)
		if r := ts.call("GET", "/api/v1/accounts", soon, nil); r.Status != 401 {
			t.Errorf("an expired key: %d", r.Status)
		}

		admin := ts.adminToken()
		rep2 := ts.login(o.rep2.Email, testPassword)
		_, promoted := mk(rep2, map[string]any{"name": "P", "scopes": []string{"accounts:read"}})
		ts.must(200, "PATCH", path("/api/v1/users/%d", o.rep2.ID), admin, map[string]any{"role": "manager"})
		ts.must(200, "PATCH", path("/api/v1/users/%d", o.rep2.ID), admin, map[string]any{"role": "sales"})
		if r := ts.call("GET", "/api/v1/accounts", promoted, nil); r.Status != 401 {
			t.Errorf("a key after its owner's role changed (and back): %d", r.Status)
		}

		rep := ts.login(o.rep.Email, testPassword)
		_, leaving := mk(rep, map[string]any{"name": "L", "scopes": []string{"accounts:read"}})
		mgr := ts.login(o.mgr.Email, testPassword)
		h := ts.must(201, "POST", "/api/v1/handovers", mgr, map[string]any{"departing_user_id": o.rep.ID, "last_day": "2026-03-31"})
		if r := ts.call("GET", "/api/v1/accounts", leaving, nil); r.Status != 401 {
			t.Errorf("a key of someone leaving: %d", r.Status)
		}
		ts.must(200, "POST", path("/api/v1/handovers/%d/cancel", id(h)), mgr, nil)
		if r := ts.call("GET", "/api/v1/accounts", leaving, nil); r.Status != 401 {
			t.Errorf("the key came back when the handover was cancelled: %d", r.Status)
		}
		if r := ts.call("POST", "/api/v1/api-keys", ts.login(o.rep.Email, testPassword), map[string]any{"name": "x", "scopes": []string{"accounts:read"}}); r.Status != 201 {
			t.Errorf("active again, a new key: %d", r.Status)
		}

		rep2 = ts.login(o.rep2.Email, testPassword)
		_, reset := mk(rep2, map[string]any{"name": "R", "scopes": []string{"accounts:read"}})
		ts.must(200, "PATCH", path("/api/v1/users/%d", o.rep2.ID), admin, map[string]any{"password": "a-brand-new-password"})
		if r := ts.call("GET", "/api/v1/accounts", reset, nil); r.Status != 401 {
			t.Errorf("a key after an admin reset its owner's password: %d", r.Status)
		}

		all := ts.must(200, "GET", "/api/v1/api-keys", admin, nil)["data"].([]any)
		if len(all) < 5 || all[0].(map[string]any)["owner_name"] == "" {
			t.Errorf("an admin sees every key with its owner: %v", all)
		}
	})

	t.Run("the settings page", func(t *testing.T) {
		b := pageSignedIn(ts, o.rep2.Email, "a-brand-new-password")
		tok := csrfFrom(b.get("/settings").Body)
		r := b.post("/settings/api-keys", map[string][]string{"csrf_token": {tok}, "name": {"Power BI"},
			"scopes": {"accounts:read", "reports:read"}, "expires_on": {"2026-12-31"}})
		page := string(r.Body)
		i := strings.Index(page, "khk_")
		if r.Status != http.StatusCreated || i < 0 || !strings.Contains(page, "Power BI") {
			t.Fatalf("create: %d", r.Status)
		}
		secret := page[i : i+4+64]
		ts.must(200, "GET", "/api/v1/accounts", secret, nil)
		again := string(b.get("/settings").Body)
		if strings.Contains(again, secret) || !strings.Contains(again, "…"+secret[len(secret)-4:]) {
			t.Errorf("the secret shows again, or the key is not listed")
		}
		if r := b.post("/settings/api-keys", map[string][]string{"csrf_token": {tok}, "name": {""}}); r.Status != 422 ||
			!strings.Contains(string(r.Body), "is required") {
			t.Errorf("an empty form: %d", r.Status)
		}
		var keyID int64
		ts.App.DB.Read.Raw("SELECT id FROM api_keys WHERE name = 'Power BI'").Scan(&keyID)
		if r := b.post(path("/settings/api-keys/%d/revoke", keyID), map[string][]string{"csrf_token": {tok}}); r.Status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", r.Status)
		}
		if r := ts.call("GET", "/api/v1/accounts", secret, nil); r.Status != 401 {
			t.Errorf("the revoked key: %d", r.Status)
		}
	})
}
