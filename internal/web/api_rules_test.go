package web_test

import (
	"sync"
	"testing"
)

// org is a small organisation: an admin, a manager, two reps on the manager's team and
// one key account owned by the first rep.
type org struct {
	admin    string
	mgr      user
	rep      user
	rep2     user
	account  int64
	other    int64 // a standard account owned by rep2
	accounts string
}

func newOrg(t *testing.T, ts *testServer) org {
	t.Helper()
	o := org{admin: ts.adminToken()}
	o.mgr = ts.mustCreateUser(o.admin, "Wang Li", "manager", 0)
	o.rep = ts.mustCreateUser(o.admin, "Zhang Wei", "sales", o.mgr.ID)
	o.rep2 = ts.mustCreateUser(o.admin, "Amy Chen", "sales", o.mgr.ID)
	o.account = ts.mustCreateAccount(o.rep.Token, map[string]any{"name": "Northwind Logistics", "tier": "key", "annual_value": 900000})
	o.other = ts.mustCreateAccount(o.rep2.Token, map[string]any{"name": "Blue Harbor Foods", "tier": "standard"})
	return o
}

func TestRoleRules(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	acc := path("/api/v1/accounts/%d", o.account)
	cases := []struct {
		name   string
		token  string
		method string
		path   string
		body   any
		status int
	}{
		{"rep cannot transfer", o.rep.Token, "POST", acc + "/transfer", map[string]any{"to_user_id": o.rep2.ID, "reason": "mine now"}, 403},
		{"rep cannot delete an account", o.rep.Token, "DELETE", acc, nil, 403},
		{"rep cannot create users", o.rep.Token, "POST", "/api/v1/users", map[string]any{"name": "N", "email": "n@example.com", "password": testPassword, "role": "sales"}, 403},
		{"manager cannot create users", o.mgr.Token, "POST", "/api/v1/users", map[string]any{"name": "N", "email": "n@example.com", "password": testPassword, "role": "sales"}, 403},
		{"rep off the team cannot edit the account", o.rep2.Token, "PATCH", acc, map[string]any{"annual_value": 1}, 403},
		{"rep off the team cannot change the team", o.rep2.Token, "PUT", path("%s/team/%d", acc, o.rep2.ID), map[string]any{"role": "backup"}, 403},
		{"rep can still read any account", o.rep2.Token, "GET", acc, nil, 200},
		{"rep can read any timeline", o.rep2.Token, "GET", acc + "/interactions", nil, 200},
		{"rep can log on any account", o.rep2.Token, "POST", acc + "/interactions", map[string]any{"kind": "email", "summary": "Sent brochure"}, 201},
		{"owner edits the account", o.rep.Token, "PATCH", acc, map[string]any{"region": "East China"}, 200},
		{"manager edits any account", o.mgr.Token, "PATCH", acc, map[string]any{"industry": "Logistics"}, 200},
		{"rep cannot delete a contact", o.rep.Token, "DELETE", "/api/v1/contacts/1", nil, 403},
		{"no token, no data", "", "GET", "/api/v1/accounts", nil, 401},
	}
	ts.must(201, "POST", acc+"/contacts", o.rep.Token, map[string]any{"name": "陈静"})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ts.call(c.method, c.path, c.token, c.body)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Body)
			}
		})
	}
	// A forbidden transfer changed nothing.
	if a := ts.must(200, "GET", acc, o.rep.Token, nil); id(map[string]any{"id": a["owner_id"]}) != o.rep.ID {
		t.Fatalf("owner changed: %v", a["owner_id"])
	}
}

func TestAccountErrors(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	acc := path("/api/v1/accounts/%d", o.account)
	cases := []struct {
		name   string
		method string
		path   string
		body   any
		status int
		code   string
		field  string
	}{
		{"malformed JSON", "POST", "/api/v1/accounts", `{"name": "x", `, 400, "invalid_json", ""},
		{"wrong type", "POST", "/api/v1/accounts", `{"name": 12, "tier": "key"}`, 400, "invalid_json", ""},
		{"two JSON values", "POST", "/api/v1/accounts", `{"name":"a","tier":"key"}{}`, 400, "invalid_json", ""},
		{"name required", "POST", "/api/v1/accounts", map[string]any{"tier": "key"}, 422, "validation_failed", "name"},
		{"tier required", "POST", "/api/v1/accounts", map[string]any{"name": "Acme"}, 422, "validation_failed", "tier"},
		{"negative value", "POST", "/api/v1/accounts", map[string]any{"name": "Acme", "tier": "key", "annual_value": -5}, 422, "validation_failed", "annual_value"},
		{"customer since in the future", "POST", "/api/v1/accounts", map[string]any{"name": "Acme", "tier": "key", "customer_since": "2027-01-01"}, 422, "validation_failed", "customer_since"},
		{"bad renewal date", "POST", "/api/v1/accounts", map[string]any{"name": "Acme", "tier": "key", "renewal_date": "31/12/2026"}, 422, "validation_failed", "renewal_date"},
		{"cadence out of range", "POST", "/api/v1/accounts", map[string]any{"name": "Acme", "tier": "key", "cadence_days": 400}, 422, "validation_failed", "cadence_days"},
		{"unknown owner", "POST", "/api/v1/accounts", map[string]any{"name": "Acme", "tier": "key", "owner_id": 999}, 422, "validation_failed", "owner_id"},
		{"unknown account", "GET", "/api/v1/accounts/999", nil, 404, "not_found", ""},
		{"non-numeric id", "GET", "/api/v1/accounts/abc", nil, 404, "not_found", ""},
		{"unknown route", "GET", "/api/v1/nothing", nil, 404, "not_found", ""},
		{"bad filter", "GET", "/api/v1/accounts?tier=gold", nil, 422, "validation_failed", "tier"},
		{"bad sort", "GET", "/api/v1/accounts?sort=owner", nil, 422, "validation_failed", "sort"},
		{"owner is not patched", "PATCH", acc, map[string]any{"owner_id": 1}, 422, "validation_failed", "owner_id"},
		{"transfer needs a reason", "POST", acc + "/transfer", map[string]any{"to_user_id": 3}, 422, "validation_failed", "reason"},
		{"transfer to unknown user", "POST", acc + "/transfer", map[string]any{"to_user_id": 999, "reason": "x"}, 422, "validation_failed", "to_user_id"},
		{"transfer to the owner", "POST", acc + "/transfer", map[string]any{"to_user_id": o.rep.ID, "reason": "x"}, 422, "validation_failed", "to_user_id"},
		{"transfer unknown account", "POST", "/api/v1/accounts/999/transfer", map[string]any{"to_user_id": o.rep2.ID, "reason": "x"}, 404, "not_found", ""},
		{"owner role not by team", "PUT", path("%s/team/%d", acc, o.rep2.ID), map[string]any{"role": "owner"}, 422, "validation_failed", "role"},
		{"owner's role only by transfer", "PUT", path("%s/team/%d", acc, o.rep.ID), map[string]any{"role": "backup"}, 409, "conflict", ""},
		{"owner cannot be removed", "DELETE", path("%s/team/%d", acc, o.rep.ID), nil, 409, "conflict", ""},
		{"remove a non-member", "DELETE", path("%s/team/%d", acc, o.rep2.ID), nil, 404, "not_found", ""},
		{"team member must exist", "PUT", path("%s/team/999", acc), map[string]any{"role": "backup"}, 404, "not_found", ""},
		{"contact name required", "POST", acc + "/contacts", map[string]any{"title": "CEO"}, 422, "validation_failed", "name"},
		{"contact e-mail checked", "POST", acc + "/contacts", map[string]any{"name": "A", "email": "not-mail"}, 422, "validation_failed", "email"},
		{"interaction kind checked", "POST", acc + "/interactions", map[string]any{"kind": "lunch", "summary": "x"}, 422, "validation_failed", "kind"},
		{"interaction not in the future", "POST", acc + "/interactions", map[string]any{"kind": "call", "summary": "x", "occurred_at": "2026-03-11T09:00:00Z"}, 422, "validation_failed", "occurred_at"},
		{"interaction time format", "POST", acc + "/interactions", map[string]any{"kind": "call", "summary": "x", "occurred_at": "yesterday"}, 422, "validation_failed", "occurred_at"},
		{"interaction summary required", "POST", acc + "/interactions", map[string]any{"kind": "call"}, 422, "validation_failed", "summary"},
		{"contact of another account", "POST", acc + "/interactions", map[string]any{"kind": "call", "summary": "x", "contact_ids": []int{999}}, 422, "validation_failed", "contact_ids"},
		{"unknown participant", "POST", acc + "/interactions", map[string]any{"kind": "call", "summary": "x", "participant_ids": []int{999}}, 422, "validation_failed", "participant_ids"},
		{"interaction on unknown account", "POST", "/api/v1/accounts/999/interactions", map[string]any{"kind": "call", "summary": "x"}, 404, "not_found", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ts.call(c.method, c.path, o.mgr.Token, c.body)
			if r.Status != c.status || r.errorCode(t) != c.code {
				t.Fatalf("status %d code %q, want %d %q: %s", r.Status, r.errorCode(t), c.status, c.code, r.Body)
			}
			if c.field != "" && r.field(t, c.field) == "" {
				t.Fatalf("no field error for %s: %s", c.field, r.Body)
			}
		})
	}
	// None of it changed anything.
	list := ts.must(200, "GET", "/api/v1/accounts", o.rep.Token, nil)
	if list["total"].(float64) != 2 {
		t.Fatalf("accounts after bad input: %v", list["total"])
	}
	timeline := ts.must(200, "GET", acc+"/interactions", o.rep.Token, nil)
	if timeline["total"].(float64) != 0 {
		t.Fatalf("interactions after bad input: %v", timeline["total"])
	}
	hist := ts.must(200, "GET", acc+"/history", o.rep.Token, nil)
	if n := len(hist["data"].([]any)); n != 1 {
		t.Fatalf("history after bad input has %d entries", n)
	}
}

func TestMassAssignmentIgnored(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	a := ts.must(201, "POST", "/api/v1/accounts", o.rep.Token, map[string]any{
		"name": "Sneaky", "tier": "growth", "id": 4242, "status": "churned", "created_at": "2001-01-01T00:00:00Z",
		"last_contacted_at": "2026-03-01T00:00:00Z", "next_contact_due": "2030-01-01T00:00:00Z", "deleted_at": "2026-01-01T00:00:00Z"})
	if id(a) == 4242 || a["status"] != "active" || a["last_contacted_at"] != nil || a["created_at"] == "2001-01-01T00:00:00Z" {
		t.Fatalf("read-only fields were set: %v", a)
	}
	p := ts.must(200, "PATCH", path("/api/v1/accounts/%d", id(a)), o.rep.Token, map[string]any{
		"id": 1, "status": "churned", "last_contacted_at": "2026-03-01T00:00:00Z", "name": "Renamed"})
	if id(p) != id(a) || p["status"] != "active" || p["last_contacted_at"] != nil || p["name"] != "Renamed" {
		t.Fatalf("patch set read-only fields: %v", p)
	}
	u := ts.must(201, "POST", "/api/v1/users", o.admin, map[string]any{"name": "New", "email": "new@example.com",
		"password": testPassword, "role": "sales", "status": "departed", "token_version": 99, "id": 1})
	if u["status"] != "active" || id(u) == 1 {
		t.Fatalf("user read-only fields were set: %v", u)
	}
}

func TestTeamAndContacts(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	acc := path("/api/v1/accounts/%d", o.account)

	m := ts.must(200, "PUT", path("%s/team/%d", acc, o.rep2.ID), o.rep.Token, map[string]any{"role": "backup"})
	if m["role"] != "backup" || m["user_id"].(float64) != float64(o.rep2.ID) || m["since"] == nil {
		t.Fatalf("add member: %v", m)
	}
	ts.must(200, "PUT", path("%s/team/%d", acc, o.mgr.ID), o.rep.Token, map[string]any{"role": "executive_sponsor"})
	ts.must(200, "PUT", path("%s/team/%d", acc, o.rep2.ID), o.mgr.Token, map[string]any{"role": "support"})
	r := ts.call("GET", acc+"/team", o.rep2.Token, nil)
	var team []map[string]any
	if err := jsonUnmarshal(r.Body, &team); err != nil || len(team) != 3 || team[0]["role"] != "owner" {
		t.Fatalf("team: %s", r.Body)
	}
	// Members can edit; filter by member works.
	ts.must(200, "PATCH", acc, o.rep2.Token, map[string]any{"channel": "referral"})
	list := ts.must(200, "GET", path("/api/v1/accounts?member_id=%d", o.rep2.ID), o.rep2.Token, nil)
	if list["total"].(float64) != 2 {
		t.Fatalf("member filter: %v", list["total"])
	}
	ts.must(204, "DELETE", path("%s/team/%d", acc, o.rep2.ID), o.rep.Token, nil)
	hist := ts.must(200, "GET", acc+"/history", o.rep.Token, nil)["data"].([]any)
	actions := []string{}
	for _, h := range hist {
		actions = append(actions, h.(map[string]any)["action"].(string))
	}
	want := []string{"team.remove", "team.role", "team.add", "team.add", "account.create"}
	if len(actions) != len(want) {
		t.Fatalf("history %v, want %v", actions, want)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Fatalf("history %v, want %v", actions, want)
		}
	}

	c := ts.must(201, "POST", acc+"/contacts", o.rep2.Token, map[string]any{"name": "陈静", "title": "采购经理",
		"email": "chen.jing@example.cn", "phone": "+86 21 5555 0100", "decision_maker": true})
	cid := id(c)
	ts.must(201, "POST", acc+"/contacts", o.rep2.Token, map[string]any{"name": "Tom Baker"})
	p := ts.must(200, "PATCH", path("/api/v1/contacts/%d", cid), o.rep2.Token, map[string]any{"title": "Procurement Director"})
	if p["title"] != "Procurement Director" || p["name"] != "陈静" || p["decision_maker"] != true {
		t.Fatalf("patch contact: %v", p)
	}
	got := ts.must(200, "GET", acc+"/contacts", o.rep.Token, nil)
	if got["total"].(float64) != 2 || got["data"].([]any)[0].(map[string]any)["name"] != "陈静" {
		t.Fatalf("contacts, decision maker first: %v", got)
	}
	it := ts.must(201, "POST", acc+"/interactions", o.rep.Token, map[string]any{"kind": "visit", "summary": "Plant tour", "contact_ids": []int64{cid}})
	if len(it["contacts"].([]any)) != 1 {
		t.Fatalf("interaction contacts: %v", it)
	}
	ts.must(204, "DELETE", path("/api/v1/contacts/%d", cid), o.mgr.Token, nil)
	got = ts.must(200, "GET", acc+"/contacts", o.rep.Token, nil)
	if got["total"].(float64) != 1 {
		t.Fatalf("deleted contact still listed: %v", got)
	}
	ts.must(404, "PATCH", path("/api/v1/contacts/%d", cid), o.rep.Token, map[string]any{"title": "x"})
	// The timeline still names the deleted contact: nothing is lost.
	tl := ts.must(200, "GET", acc+"/interactions", o.rep.Token, nil)
	if len(tl["data"].([]any)[0].(map[string]any)["contacts"].([]any)) != 1 {
		t.Fatalf("timeline lost the contact: %v", tl)
	}
}

func TestDeleteIsSoft(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	ts.must(204, "DELETE", path("/api/v1/accounts/%d", o.other), o.mgr.Token, nil)
	ts.must(404, "GET", path("/api/v1/accounts/%d", o.other), o.mgr.Token, nil)
	if l := ts.must(200, "GET", "/api/v1/accounts", o.mgr.Token, nil); l["total"].(float64) != 1 {
		t.Fatalf("deleted account listed: %v", l["total"])
	}
	var n int64
	ts.App.DB.Read.Raw("SELECT COUNT(*) FROM accounts WHERE id = ? AND deleted_at IS NOT NULL", o.other).Scan(&n)
	if n != 1 {
		t.Fatal("the row is gone, not soft-deleted")
	}
}

func TestListFiltersAndSorts(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	ts.mustCreateAccount(o.rep.Token, map[string]any{"name": "杭州云帆软件", "tier": "growth", "annual_value": 300000, "industry": "Software", "region": "East China"})
	// Contact the key account so it is no longer overdue.
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", o.account), o.rep.Token, map[string]any{"kind": "call", "summary": "ok"})
	cases := []struct {
		query string
		names []string
	}{
		{"?q=云帆", []string{"杭州云帆软件"}},
		{"?q=harbor", []string{"Blue Harbor Foods"}},
		{"?q=%25", nil}, // a literal percent sign matches nothing
		{"?tier=key", []string{"Northwind Logistics"}},
		{path("?owner_id=%d&sort=-annual_value", o.rep.ID), []string{"Northwind Logistics", "杭州云帆软件"}},
		{"?industry=Software&region=East+China", []string{"杭州云帆软件"}},
		{"?overdue=true&sort=name", []string{"Blue Harbor Foods", "杭州云帆软件"}},
		{"?sort=next_contact_due", []string{"Blue Harbor Foods", "杭州云帆软件", "Northwind Logistics"}},
		{"?per_page=1&page=2", []string{"杭州云帆软件"}}, // by name: Blue (B), 杭州 (H, hang), Northwind (N)
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			m := ts.must(200, "GET", "/api/v1/accounts"+c.query, o.rep2.Token, nil)
			data := m["data"].([]any)
			got := []string{}
			for _, a := range data {
				got = append(got, a.(map[string]any)["name"].(string))
			}
			if len(got) != len(c.names) {
				t.Fatalf("got %v, want %v", got, c.names)
			}
			for i := range got {
				if got[i] != c.names[i] {
					t.Fatalf("got %v, want %v", got, c.names)
				}
			}
		})
	}
}

func TestConcurrentInteractionsAllLand(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			tok := o.rep.Token
			if i%2 == 1 {
				tok = o.rep2.Token
			}
			r := ts.call("POST", path("/api/v1/accounts/%d/interactions", o.account), tok,
				map[string]any{"kind": "call", "summary": path("call %d", i)})
			if r.Status != 201 {
				errs <- path("write %d: %d %s", i, r.Status, r.Body)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	m := ts.must(200, "GET", path("/api/v1/accounts/%d/interactions", o.account), o.rep.Token, nil)
	if m["total"].(float64) != n {
		t.Fatalf("%v interactions landed, want %d", m["total"], n)
	}
}

func TestDataSurvivesRestart(t *testing.T) {
	ts := newTestServer(t)
	o := newOrg(t, ts)
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", o.account), o.rep.Token, map[string]any{"kind": "visit", "summary": "Site visit"})
	ts2 := ts.restart()
	tok := ts2.login(o.rep.Email, testPassword)
	a := ts2.must(200, "GET", path("/api/v1/accounts/%d", o.account), tok, nil)
	if a["name"] != "Northwind Logistics" || a["last_contacted_at"] == nil {
		t.Fatalf("after restart: %v", a)
	}
	if m := ts2.must(200, "GET", path("/api/v1/accounts/%d/interactions", o.account), tok, nil); m["total"].(float64) != 1 {
		t.Fatalf("interactions after restart: %v", m["total"])
	}
}
