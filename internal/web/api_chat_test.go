package web_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"keyhold/internal/demo"
	"keyhold/internal/store/storetest"
)

// robot is a chat platform's group robot for the tests: it checks each message as its
// platform would — the format, and for DingTalk and Feishu the signature, computed here
// independently — and answers as the platform does.
type robot struct {
	t       *testing.T
	refusal bool // a refusal is expected: not a test failure
	kind    string
	secret  string
	srv     *httptest.Server
	mu      sync.Mutex
	got     []robotMessage
}

type robotMessage struct {
	title, text string // the message's title and all its text, links included
	raw         map[string]any
}

func newRobot(t *testing.T, kind, secret string) *robot {
	r := &robot{t: t, kind: kind, secret: secret}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func hmacBase64(key, msg string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func (r *robot) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		r.t.Errorf("%s: not JSON: %s", r.kind, body)
		return
	}
	var msg robotMessage
	msg.raw = m
	str := func(v any) string { s, _ := v.(string); return s }
	refuse := func(format string, args ...any) {
		if !r.refusal {
			r.t.Errorf(r.kind+": "+format, args...)
		}
		io.WriteString(w, `{"errcode":310000,"errmsg":"refused","code":19021}`)
	}
	switch r.kind {
	case "wecom":
		md, _ := m["markdown"].(map[string]any)
		msg.text = str(md["content"])
		if m["msgtype"] != "markdown" || msg.text == "" || len(msg.text) > 4096 {
			refuse("bad message (%d bytes): %s", len(msg.text), body)
			return
		}
		msg.title = strings.SplitN(msg.text, "\n", 2)[0]
		io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	case "dingtalk":
		ts := req.URL.Query().Get("timestamp")
		ms, _ := strconv.ParseInt(ts, 10, 64)
		if req.URL.Query().Get("access_token") != "tok" || req.URL.Query().Get("sign") != hmacBase64(r.secret, ts+"\n"+r.secret) ||
			time.Since(time.UnixMilli(ms)).Abs() > time.Hour {
			refuse("bad signature: %s", req.URL.RawQuery)
			return
		}
		md, _ := m["markdown"].(map[string]any)
		msg.title, msg.text = str(md["title"]), str(md["text"])
		if m["msgtype"] != "markdown" || msg.title == "" || msg.text == "" {
			refuse("bad message: %s", body)
			return
		}
		io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	case "feishu":
		ts := str(m["timestamp"])
		sec, _ := strconv.ParseInt(ts, 10, 64)
		if str(m["sign"]) != hmacBase64(ts+"\n"+r.secret, "") || time.Since(time.Unix(sec, 0)).Abs() > time.Hour {
			refuse("bad signature: %s", body)
			return
		}
		card, _ := m["card"].(map[string]any)
		header, _ := card["header"].(map[string]any)
		title, _ := header["title"].(map[string]any)
		msg.title = str(title["content"])
		elems, _ := json.Marshal(card["elements"])
		msg.text = string(elems)
		if m["msg_type"] != "interactive" || msg.title == "" {
			refuse("bad card: %s", body)
			return
		}
		io.WriteString(w, `{"code":0,"msg":"success","data":{}}`)
	case "slack":
		msg.title = str(m["text"])
		blocks, _ := json.Marshal(m["blocks"])
		msg.text = string(blocks)
		if msg.title == "" || len(m["blocks"].([]any)) == 0 {
			http.Error(w, "invalid_payload", 400)
			return
		}
		io.WriteString(w, "ok")
	}
	r.mu.Lock()
	r.got = append(r.got, msg)
	r.mu.Unlock()
}

func (r *robot) messages() []robotMessage {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]robotMessage(nil), r.got...)
}

// register makes a chat target for the robot as the admin.
func (r *robot) register(ts *testServer, admin, language string, team int64, events ...string) int64 {
	u := r.srv.URL + "/robot"
	if r.kind == "dingtalk" {
		u += "?access_token=tok"
	}
	body := map[string]any{"kind": r.kind, "url": u, "secret": r.secret, "language": language, "events": events, "name": r.kind + " group"}
	if team != 0 {
		body["team_manager_id"] = team
	}
	return id(ts.must(201, "POST", "/api/v1/chat-targets", admin, body))
}

// Each platform gets its own format, signed where it signs, in the group's language,
// with links back into Keyhold; a team's group hears only of its team; accounts other
// than key accounts stay out of chat.
func TestChatAlerts(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	other := ts.mustCreateUser(tm.admin, "Otto Other", "manager", 0)
	wecom, ding, feishu, slack := newRobot(t, "wecom", ""), newRobot(t, "dingtalk", "SECdingtalk"), newRobot(t, "feishu", "feishu-secret"),
		newRobot(t, "slack", "")
	all := []string{"account.flagged", "handover.started", "handover.completed", "complaint.opened"}
	wecom.register(ts, tm.admin, "zh-CN", 0, all...)
	ding.register(ts, tm.admin, "zh-CN", tm.mgr.ID, all...)
	feishu.register(ts, tm.admin, "zh-CN", 0, all...)
	slack.register(ts, tm.admin, "en", 0, all...)
	elsewhere := newRobot(t, "slack", "")
	elsewhere.register(ts, tm.admin, "en", other.ID, all...)

	// A key account (flagged at once: one person on its team, no contacts), a complaint on
	// it; a standard account with a complaint stays out.
	key := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "杭州云帆软件", "tier": "key", "annual_value": 800000})
	std := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Small Shop", "tier": "standard"})
	ts.must(201, "POST", path("/api/v1/accounts/%d/complaints", key), tm.leaver.Token, map[string]any{"severity": "high", "summary": "发货延迟"})
	ts.must(201, "POST", path("/api/v1/accounts/%d/complaints", std), tm.leaver.Token, map[string]any{"severity": "high", "summary": "late"})
	h := ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.leaver.ID, "last_day": "2026-03-31"})
	ts.must(200, "POST", path("/api/v1/handovers/%d/assign", id(h)), tm.mgr.Token, map[string]any{
		"item_ids": []int64{num(itemFor(h, key)["id"]), num(itemFor(h, std)["id"])}, "to_user_id": tm.r3.ID})
	ts.must(200, "POST", path("/api/v1/handovers/%d/start", id(h)), tm.mgr.Token, nil)
	ts.must(200, "POST", path("/api/v1/handovers/%d/complete", id(h)), tm.mgr.Token, map[string]any{"force": true, "reason": "test"})
	for range 10 { // Slack takes one message a second
		ts.round()
		ts.Clock.Advance(1500 * time.Millisecond)
	}

	for _, r := range []*robot{wecom, ding, feishu} {
		got := r.messages()
		var titles []string
		for _, m := range got {
			titles = append(titles, m.title)
		}
		joined := strings.Join(titles, " | ")
		for _, want := range []string{"重点客户需要关注：杭州云帆软件", "重点客户投诉：杭州云帆软件", "交接开始：Zhang Wei 即将离职", "交接完成：Zhang Wei 的客户已有新负责人"} {
			if !strings.Contains(joined, want) {
				t.Errorf("%s: no message %q in %s", r.kind, want, joined)
			}
		}
		if strings.Contains(joined, "Small Shop") {
			t.Errorf("%s: a standard account's complaint reached chat: %s", r.kind, joined)
		}
		var text string
		for _, m := range got {
			text += m.text
		}
		if !strings.Contains(text, fmt.Sprintf("/accounts/%d", key)) || !strings.Contains(text, fmt.Sprintf("/handovers/%d/report", id(h))) ||
			!strings.Contains(text, "http://") {
			t.Errorf("%s: no links back into Keyhold: %s", r.kind, text)
		}
	}
	sl := slack.messages()
	var titles []string
	for _, m := range sl {
		titles = append(titles, m.title)
	}
	if joined := strings.Join(titles, " | "); !strings.Contains(joined, "Key account needs attention: 杭州云帆软件") ||
		!strings.Contains(joined, "Handover completed: Zhang Wei's accounts have new owners") {
		t.Errorf("slack (English): %s", joined)
	}
	if n := len(elsewhere.messages()); n != 0 {
		t.Errorf("another team's group heard %d messages", n)
	}

	// The test button: a message now, and what the robot said.
	r := ts.must(200, "POST", "/api/v1/chat-targets/2/test", tm.admin, nil)
	if r["ok"] != true || !strings.Contains(ding.messages()[len(ding.messages())-1].title, "Keyhold 测试消息") {
		t.Errorf("test message: %v", r)
	}
	// A robot that refuses (a wrong secret) is a failed try, logged, even with HTTP 200.
	ts.must(200, "PATCH", "/api/v1/chat-targets/2", tm.admin, map[string]any{"secret": "wrong"})
	ding.refusal = true
	r = ts.must(200, "POST", "/api/v1/chat-targets/2/test", tm.admin, nil)
	if r["ok"] != false || r["status_code"].(float64) != 200 || !strings.Contains(r["response"].(string), "310000") {
		t.Errorf("refused test message: %v", r)
	}
	// The secret is never shown; targets are admins' business; bad input is 422.
	got := ts.must(200, "GET", "/api/v1/chat-targets/2", tm.admin, nil)
	if _, ok := got["secret"]; ok || got["has_secret"] != true {
		t.Errorf("target shows: %v", got)
	}
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"kind": "wechat", "url": "http://127.0.0.1:1/", "events": all}, "kind"},
		{map[string]any{"kind": "dingtalk", "url": "http://127.0.0.1:1/", "events": all}, "secret"},
		{map[string]any{"kind": "slack", "url": "http://127.0.0.1:1/", "events": []string{"account.created"}}, "events"},
		{map[string]any{"kind": "slack", "url": "http://127.0.0.1:1/", "events": all, "language": "fr"}, "language"},
		{map[string]any{"kind": "slack", "url": "http://127.0.0.1:1/", "events": all, "team_manager_id": tm.r3.ID}, "team_manager_id"},
		{map[string]any{"kind": "slack", "url": "ftp://x", "events": all}, "url"},
	} {
		if r := ts.call("POST", "/api/v1/chat-targets", tm.admin, c.body); r.Status != 422 || r.field(t, c.field) == "" {
			t.Errorf("%v: %d %s", c.body, r.Status, r.Body)
		}
	}
	if r := ts.call("GET", "/api/v1/chat-targets", tm.mgr.Token, nil); r.Status != 403 {
		t.Errorf("a manager lists chat targets: %d", r.Status)
	}
}

// WeCom and DingTalk robots take 20 messages a minute: the 21st waits in the queue, not
// counted as a try, instead of being refused.
func TestChatRateLimit(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	wecom := newRobot(t, "wecom", "")
	target := wecom.register(ts, admin, "en", 0, "account.flagged")
	for i := range 25 {
		ts.mustCreateAccount(admin, map[string]any{"name": fmt.Sprintf("Key %02d", i), "tier": "key"})
	}
	ts.round()
	ts.round()
	if n := len(wecom.messages()); n != 20 {
		t.Fatalf("%d messages within the minute, want 20", n)
	}
	waiting := ts.must(200, "GET", path("/api/v1/chat-targets/%d/deliveries?status=pending", target), admin, nil)
	list := waiting["data"].([]any)
	if len(list) != 5 {
		t.Fatalf("%d waiting, want 5", len(list))
	}
	for _, d := range list {
		if d := d.(map[string]any); d["attempts"].(float64) != 0 || d["next_at"] == nil {
			t.Errorf("a held message was counted as a try: %v", d)
		}
	}
}

// The Monday digest on the demo organisation: at 08:00 on Monday in Asia/Shanghai, one
// per team a group asked it for, once; its figures are the database's.
func TestMondayDigestOnDemo(t *testing.T) {
	// Sunday 2026-03-01 09:00 in Shanghai: the demo's today.
	c := &clock{t: time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC)}
	ts := startServer(t, storetest.DSN(t), c, "KEYHOLD_ADMIN_EMAIL", "", "KEYHOLD_ADMIN_PASSWORD", "")
	hash, _ := bcrypt.GenerateFromPassword([]byte(demo.Password), bcrypt.MinCost)
	if _, err := demo.Seed(t.Context(), ts.App.DB, demo.Options{Now: c.Now(), Seed: 1, PasswordHash: string(hash)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.App.Health.Scan(t.Context()); err != nil {
		t.Fatal(err)
	}
	admin := ts.login("admin@keyhold.demo", demo.Password)
	mgr := ts.login("wang.li@keyhold.demo", demo.Password)
	me := ts.must(200, "GET", "/api/v1/me", mgr, nil)
	mgrID := id(me)
	// A rep of wang.li's leaves; the handover completes at once: their key accounts' first
	// contacts fall due a week later.
	rep := ts.must(200, "GET", path("/api/v1/users?manager_id=%d&role=sales", mgrID), mgr, nil)["data"].([]any)
	leaver := id(rep[0].(map[string]any))
	h := ts.must(201, "POST", "/api/v1/handovers", mgr, map[string]any{"departing_user_id": leaver, "last_day": "2026-03-31"})
	ts.must(200, "POST", path("/api/v1/handovers/%d/start", id(h)), mgr, nil) // the proposed successors take over
	ts.must(200, "POST", path("/api/v1/handovers/%d/complete", id(h)), mgr, map[string]any{"force": true, "reason": "demo"})

	everyone, team := newRobot(t, "dingtalk", "SECdigest"), newRobot(t, "wecom", "")
	everyone.register(ts, admin, "zh-CN", 0, "digest.weekly")
	team.register(ts, admin, "en", mgrID, "digest.weekly")

	// Not before Monday 08:00 in Shanghai (Monday 2026-03-09 00:00 UTC).
	c.Advance(7*24*time.Hour + 22*time.Hour) // Sunday 8 March 23:00 UTC, Monday 07:00 in Shanghai
	if n, err := ts.App.Digests.Run(t.Context()); err != nil || n != 0 {
		t.Fatalf("before 08:00 on Monday: %d digests, %v", n, err)
	}
	c.Advance(90 * time.Minute) // 08:30 in Shanghai
	if _, err := ts.App.Health.Scan(t.Context()); err != nil {
		t.Fatal(err)
	}
	n, err := ts.App.Digests.Run(t.Context())
	if err != nil || n != 2 {
		t.Fatalf("Monday 08:30: %d digests, %v", n, err)
	}
	if n, _ := ts.App.Digests.Run(t.Context()); n != 0 {
		t.Fatalf("a second digest the same week: %d", n)
	}
	for ts.round() > 0 {
	}

	// The figures, from the database.
	var flagged, risk, teamFlagged, overdueKey int64
	db := ts.App.DB.Read
	db.Raw(`SELECT COUNT(*), COALESCE(SUM((h.risk_value + 50) / 100), 0) FROM account_health h JOIN accounts a ON a.id = h.account_id
		WHERE h.flagged_since IS NOT NULL AND a.tier = 'key' AND a.status = 'active' AND a.deleted_at IS NULL`).Row().Scan(&flagged, &risk)
	db.Raw(`SELECT COUNT(*) FROM account_health h JOIN accounts a ON a.id = h.account_id JOIN users u ON u.id = a.owner_id
		WHERE h.flagged_since IS NOT NULL AND a.tier = 'key' AND a.status = 'active' AND a.deleted_at IS NULL
		AND (u.manager_id = ? OR u.id = ?)`, mgrID, mgrID).Row().Scan(&teamFlagged)
	db.Raw(`SELECT COUNT(*) FROM handover_items i JOIN accounts a ON a.id = i.account_id
		WHERE i.handover_id = ? AND i.role = 'owner' AND a.tier = 'key' AND a.owner_id = i.to_user_id`, id(h)).Row().Scan(&overdueKey)
	if flagged == 0 || teamFlagged == 0 || overdueKey == 0 {
		t.Fatalf("the demo has %d flagged key accounts, %d in the team, %d key accounts handed over", flagged, teamFlagged, overdueKey)
	}
	all := everyone.messages()
	if len(all) != 1 || all[0].title != "Keyhold 每周摘要：全部团队" {
		t.Fatalf("everyone's digest: %v", all)
	}
	text := all[0].text
	for _, want := range []string{fmt.Sprintf("目前共 %d 个重点客户需要关注，风险金额 ¥%s", flagged, groupDigits(risk)),
		fmt.Sprintf("%d 个交接后的客户仍在等待新负责人的首次联系", overdueKey), "/flags", "/accounts/"} {
		if !strings.Contains(text, want) {
			t.Errorf("everyone's digest lacks %q:\n%s", want, text)
		}
	}
	mine := team.messages()
	if len(mine) != 1 || !strings.Contains(mine[0].text, fmt.Sprintf("%d key accounts need attention in all", teamFlagged)) ||
		!strings.Contains(mine[0].title, me["name"].(string)+"'s team") {
		t.Fatalf("the team's digest: %v", mine)
	}
}

// groupDigits writes n with thousands separators, as the messages do.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	var out []string
	for len(s) > 3 {
		out = append([]string{s[len(s)-3:]}, out...)
		s = s[:len(s)-3]
	}
	return strings.Join(append([]string{s}, out...), ",")
}

// The admin's page: add a group with the form (the secret never comes back into the
// page), send a test message with the button, save without retyping the secret.
func TestChatTargetPages(t *testing.T) {
	ts := newTestServer(t)
	ding := newRobot(t, "dingtalk", "SECpage")
	b := pageSignedIn(ts, adminEmail, adminPassword)
	tok := pageToken(t, b)
	form := map[string][]string{"kind": {"dingtalk"}, "name": {"华东销售群"}, "url": {ding.srv.URL + "/robot?access_token=tok"},
		"language": {"zh-CN"}, "events": {"account.flagged", "digest.weekly"}, "csrf_token": {tok}}
	r := b.post("/admin/chat-targets", form)
	if r.Status != 422 || pageFieldError(string(r.Body), "secret") == "" {
		t.Fatalf("no secret for DingTalk: %d", r.Status)
	}
	form["secret"] = []string{"SECpage"}
	pageWantRedirect(t, b.post("/admin/chat-targets", form), "/admin/chat-targets/1?created=1")
	page := string(b.get("/admin/chat-targets/1").Body)
	if strings.Contains(page, "SECpage") || !strings.Contains(page, "华东销售群") {
		t.Fatalf("the page shows the secret, or not the group: %s", page)
	}
	r = b.post("/admin/chat-targets/1/test", map[string][]string{"csrf_token": {tok}})
	if !strings.Contains(string(r.Body), "The robot took the test message") || len(ding.messages()) != 1 {
		t.Fatalf("test button: %s", r.Body)
	}
	delete(form, "secret")
	form["name"] = []string{"East"}
	form["active"] = []string{"1"}
	pageWantRedirect(t, b.post("/admin/chat-targets/1", form), "/admin/chat-targets/1?saved=1")
	b.post("/admin/chat-targets/1/test", map[string][]string{"csrf_token": {tok}})
	if n := len(ding.messages()); n != 2 {
		t.Fatalf("after saving without the secret, the robot took %d messages, want 2 (the secret kept)", n)
	}
	pageWantRedirect(t, b.post("/admin/chat-targets/1/delete", map[string][]string{"csrf_token": {tok}}), "/admin/chat-targets?deleted=1")
}
