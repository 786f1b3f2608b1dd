package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var (
	i18nScript  = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>`)
	i18nTag     = regexp.MustCompile(`(?s)<[^>]*>`)
	i18nVisible = regexp.MustCompile(`(?i)\b(placeholder|title|aria-label|alt)="([^"]*)"`)
	i18nWord    = regexp.MustCompile(`[A-Za-z]{2,}`)
	i18nEmail   = regexp.MustCompile(`\S+@\S+`)
)

// i18nLatinWords returns the Latin-script words a reader sees on a page, leaving out the
// product's name, the English language switch and e-mail addresses.
// i18nCode is code the page shows as code: identifiers, the same in every language.
var i18nCode = regexp.MustCompile(`(?s)<code[^>]*>.*?</code>`)

func i18nLatinWords(page string) []string {
	page = i18nScript.ReplaceAllString(page, "")
	page = i18nCode.ReplaceAllString(page, "") // identifiers such as the scope accounts:read
	var seen []string
	for _, m := range i18nVisible.FindAllStringSubmatch(page, -1) {
		seen = append(seen, m[2])
	}
	seen = append(seen, i18nTag.ReplaceAllString(page, " "))
	var words []string
	for _, s := range seen {
		s = i18nEmail.ReplaceAllString(s, "")
		for _, w := range i18nWord.FindAllString(s, -1) {
			switch w {
			case "Keyhold", "English", "API", "ERP", "BI", "Webhook", "Slack", "Excel", "XLSX", "CSV", "UTF", "GB": // names Chinese uses as they are
				continue
			}
			words = append(words, w)
		}
	}
	return words
}

// i18nASCIIPunct is a comma, semicolon, colon, exclamation or question mark, or a
// parenthesis, written in ASCII against a Chinese character: Chinese sentences take
// their full-width forms (，；：！？（）) and lists take 、.
var i18nASCIIPunct = regexp.MustCompile(`\p{Han}\s*[,;:!?()]|[,;:!?()]\s*\p{Han}`)

// A reader who switches to Chinese sees no English on any page: a test organisation with
// Chinese names, every page in Chinese, checked for Latin words.
func TestChinesePagesHaveNoEnglish(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.adminToken()
	ts.must(200, "PATCH", "/api/v1/users/1", admin, map[string]any{"name": "管理员"})
	mgr := ts.mustCreateUser(admin, "Wang Li", "manager", 0)
	rep := ts.mustCreateUser(admin, "Zhang Wei", "sales", mgr.ID)
	ts.must(200, "PATCH", path("/api/v1/users/%d", mgr.ID), admin, map[string]any{"name": "王丽"})
	ts.must(200, "PATCH", path("/api/v1/users/%d", rep.ID), admin, map[string]any{"name": "张伟"})
	// The lists hold codes (what the API and exports carry) with Chinese labels (what the
	// pages show): no code may reach a Chinese page.
	for list, e := range map[string]map[string]any{"industry": {"code": "Software", "en": "Software", "zh": "软件"},
		"region": {"code": "East China", "en": "East China", "zh": "华东"}, "channel": {"code": "referral", "en": "Referral", "zh": "客户转介绍"}} {
		ts.must(200, "PUT", "/api/v1/picklists/"+list, admin, map[string]any{"data": []any{e}})
	}
	acc := ts.mustCreateAccount(rep.Token, map[string]any{"name": "杭州云帆软件", "tier": "key", "industry": "Software",
		"region": "East China", "channel": "referral", "annual_value": 1200000, "renewal_date": "2026-04-01"})
	lost := ts.mustCreateAccount(rep.Token, map[string]any{"name": "深圳星河物流", "tier": "growth"})
	ts.must(201, "POST", path("/api/v1/accounts/%d/churn", lost), mgr.Token, map[string]any{"reason": "competitor",
		"voluntary": true, "competitor": "顺丰", "notes": "价格更低"})
	c := ts.must(201, "POST", path("/api/v1/accounts/%d/contacts", acc), rep.Token, map[string]any{"name": "陈静", "title": "采购经理", "decision_maker": true})
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", acc), rep.Token, map[string]any{"kind": "visit",
		"summary": "讨论续约", "contact_ids": []int64{id(c)}, "next_step": "发报价", "next_step_due": "2026-03-20"})
	ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", acc, mgr.ID), rep.Token, map[string]any{"role": "executive_sponsor"})
	ts.must(201, "POST", path("/api/v1/accounts/%d/complaints", acc), rep.Token, map[string]any{"severity": "high", "summary": "发货延迟"})
	ts.must(200, "PATCH", path("/api/v1/accounts/%d", acc), rep.Token, map[string]any{"renewal_date": "2026-04-01"})
	// A handover under way, with a view and a refused export in its notice period.
	leaver := ts.mustCreateUser(admin, "Li Na", "sales", mgr.ID)
	ts.must(200, "PATCH", path("/api/v1/users/%d", leaver.ID), admin, map[string]any{"name": "李娜"})
	ts.mustCreateAccount(leaver.Token, map[string]any{"name": "北京恒信制造", "tier": "key", "annual_value": 800000})
	ho := ts.must(201, "POST", "/api/v1/handovers", mgr.Token, map[string]any{"departing_user_id": leaver.ID, "last_day": "2026-03-31"})
	ts.must(200, "POST", path("/api/v1/handovers/%d/start", id(ho)), mgr.Token, nil)
	leaving := ts.login(leaver.Email, testPassword)
	ts.must(200, "GET", path("/api/v1/accounts/%d", acc), leaving, nil)
	ts.must(403, "GET", path("/api/v1/handovers/%d/report?format=csv", id(ho)), leaving, nil)
	// A webhook endpoint the receiver turned off (410), with its delivery log.
	gone := newReceiver(t, ts.Clock, 410)
	hook := gone.register(ts, admin, "account.created", "complaint.opened")
	ts.mustCreateAccount(rep.Token, map[string]any{"name": "南京青松贸易", "tier": "standard"})
	ts.mustCreateAccount(rep.Token, map[string]any{"name": "南京青松贸易有限公司", "tier": "standard"}) // a likely duplicate
	ts.round()
	ding := newRobot(t, "dingtalk", "SECx")
	chat := ding.register(ts, admin, "zh-CN", mgr.ID, "account.flagged", "digest.weekly")
	ts.must(200, "PATCH", path("/api/v1/chat-targets/%d", chat), admin, map[string]any{"name": "华东销售群"})

	// An import previewed: a duplicate of 杭州云帆软件, a bad tier, an owner by name.
	imp := id(ts.upload(mgr.Token, "accounts", "客户名单", []byte("客户名称,等级,负责人,年度金额\n杭州云帆软件有限公司,重点,张伟,120万\n"+
		"苏州新客户,超级,张伟,很多\n无锡新客户,成长,王丽,50万\n"), "", "").json(t))

	check := func(t *testing.T, what string, r response) {
		t.Helper()
		if words := i18nLatinWords(string(r.Body)); len(words) > 0 {
			t.Errorf("%s (%d) shows English: %v", what, r.Status, words)
		}
		// Developers' words, and a data backup where a sales team means its second person.
		text := i18nTag.ReplaceAllString(i18nScript.ReplaceAllString(string(r.Body), ""), " ")
		if m := i18nASCIIPunct.FindAllString(text, 5); len(m) > 0 {
			t.Errorf("%s (%d) puts ASCII punctuation in Chinese sentences: %q", what, r.Status, m)
		}
		for _, w := range []string{"令牌", "接口", "备份", "字符串", "服务器"} {
			if strings.Contains(text, w) {
				t.Errorf("%s (%d) says %q", what, r.Status, w)
			}
		}
		if !strings.Contains(string(r.Body), `<html lang="zh-CN">`) {
			t.Errorf("%s is not marked as Chinese", what)
		}
	}

	t.Run("signed out, from the browser's language", func(t *testing.T) {
		b := ts.browser()
		req, _ := http.NewRequest("GET", ts.URL+"/login", nil)
		req.Header.Set("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5")
		check(t, "/login", b.do(req))
	})

	for _, who := range []struct {
		name, email string
		pages       []string
	}{
		{"rep", rep.Email, []string{"/", "/accounts", "/accounts?tier=key&overdue=true", path("/accounts/%d", acc),
			path("/accounts/%d/edit", acc), "/accounts/new", path("/accounts/%d/contacts/new", acc),
			path("/contacts/%d/edit", id(c)), "/settings", "/no-such-page", "/admin/users", "/accounts/duplicates", "/flags", "/flags?tier=all&level=watch", "/reports"}},
		{"manager", mgr.Email, []string{"/", "/accounts", "/accounts/duplicates", path("/accounts/%d", acc), path("/contacts/%d/edit", id(c)), path("/accounts/%d", lost),
			"/handovers", "/handovers?status=in_progress", "/handovers/new", path("/handovers/%d", id(ho)), path("/handovers/%d/report", id(ho)),
			"/reports", "/reports?group_by=owner&from=2025-01-01", "/reports?from=2026-13-01&group_by=colour",
			"/reports?group_by=industry&from=2025-01-01", "/reports?group_by=region&from=2025-01-01", "/reports?group_by=channel&from=2025-01-01",
			"/imports", path("/imports/%d", imp), path("/imports/%d?show=all", imp), path("/imports/%d?show=duplicates", imp)}},
		{"admin", adminEmail, []string{"/", "/admin/users", "/admin/users/new", path("/admin/users/%d/edit", rep.ID), "/admin/cadence", "/admin/lists",
			"/admin/webhooks", path("/admin/webhooks/%d", hook), path("/admin/webhooks/%d?status=failed", hook),
			"/admin/chat-targets", path("/admin/chat-targets/%d", chat)}},
	} {
		t.Run(who.name, func(t *testing.T) {
			pw := testPassword
			if who.email == adminEmail {
				pw = adminPassword
			}
			b := ts.browser()
			b.signIn(who.email, pw)
			home := b.get("/")
			r := b.post("/language", map[string][]string{"lang": {"zh-CN"}, "next": {"/"}, "csrf_token": {csrfFrom(home.Body)}})
			if r.Status != http.StatusSeeOther {
				t.Fatalf("switch language: %d", r.Status)
			}
			for _, p := range who.pages {
				check(t, p, b.get(p))
			}
			// Forms shown again with errors are Chinese too.
			page := b.get(path("/accounts/%d", acc))
			tok := csrfFrom(page.Body)
			check(t, "interaction errors", b.post(path("/accounts/%d/interactions", acc), map[string][]string{
				"kind": {"lunch"}, "summary": {""}, "next_step_due": {"2026-13-01"}, "csrf_token": {tok}}))
			check(t, "new account errors", b.post("/accounts", map[string][]string{
				"name": {""}, "tier": {"gold"}, "annual_value": {"abc"}, "currency": {"x"}, "csrf_token": {tok}}))
			check(t, "settings errors", b.post("/settings/password", map[string][]string{
				"current_password": {"wrong-one-123"}, "new_password": {"short"}, "csrf_token": {tok}}))
			if who.name == "admin" {
				check(t, "webhook errors", b.post("/admin/webhooks", map[string][]string{"url": {"ftp://x"}, "csrf_token": {tok}}))
				check(t, "chat target errors", b.post("/admin/chat-targets", map[string][]string{"kind": {"dingtalk"}, "url": {"x"}, "csrf_token": {tok}}))
				check(t, "chat test", b.post(path("/admin/chat-targets/%d/test", chat), map[string][]string{"csrf_token": {tok}}))
				check(t, "list errors", b.post("/admin/lists/region", map[string][]string{"code": {"East China", "east china", ""},
					"en": {"East China", "Again", ""}, "zh": {"华东", "", "西部"}, "csrf_token": {tok}}))
			}
			if who.name == "manager" {
				check(t, "handover with gaps", b.post(path("/handovers/%d/complete", id(ho)), map[string][]string{"csrf_token": {tok}, "confirm": {"yes"}}))
				check(t, "new handover errors", b.post("/handovers", map[string][]string{
					"departing_user_id": {""}, "last_day": {"2026-02-30"}, "csrf_token": {tok}}))
				check(t, "handover item errors", b.post(path("/handovers/%d/items/%d/intro", id(ho), num(items(ho)[0]["id"])),
					map[string][]string{"summary": {""}, "csrf_token": {tok}}))
			}
		})
	}

	t.Run("the choice is remembered on the user", func(t *testing.T) {
		m := ts.must(200, "GET", "/api/v1/me", rep.Token, nil)
		if m["language"] != "zh-CN" {
			t.Fatalf("language: %v", m["language"])
		}
	})
}

// On a phone a contact's number dials and an address writes; in Chinese the second person
// on an account is 后备 (not 备份, a data backup) and a person has a 姓名.
func TestContactLinksAndTeamWords(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	acc := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "杭州云帆软件", "tier": "key"})
	ts.must(201, "POST", path("/api/v1/accounts/%d/contacts", acc), tm.leaver.Token,
		map[string]any{"name": "陈静", "phone": "+86 138-0013-8000", "email": "chen.jing@yunfan.cn"})
	ts.must(200, "PUT", path("/api/v1/accounts/%d/team/%d", acc, tm.backup.ID), tm.leaver.Token, map[string]any{"role": "backup"})
	ts.must(200, "PATCH", "/api/v1/me", tm.leaver.Token, map[string]string{"language": "zh-CN"})
	b := pageSignedIn(ts, tm.leaver.Email, testPassword)
	page := string(b.get(path("/accounts/%d", acc)).Body)
	for _, want := range []string{`href="tel:&#43;8613800138000"` /* + as html/template writes it */, `href="mailto:chen.jing@yunfan.cn"`, "后备"} {
		if !strings.Contains(page, want) {
			t.Errorf("the account page lacks %s", want)
		}
	}
	if form := string(b.get(path("/accounts/%d/contacts/new", acc)).Body); !strings.Contains(form, `<label for="name">姓名</label>`) {
		t.Error("a contact's name is not labelled 姓名")
	}
	if r := ts.call("POST", path("/api/v1/accounts/%d/contacts", acc), tm.leaver.Token,
		map[string]any{"name": "孙晓明", "email": "sunxiaoming@jiasheng"}); r.Status != 422 || r.field(t, "email") == "" {
		t.Errorf("an address without a dotted domain: %d", r.Status)
	}
}

// A rep's list starts with their own accounts, one click from everyone's; a manager's
// starts with everyone's; the download holds what the list shows.
func TestRepsListStartsWithTheirOwn(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "Mine Co", "tier": "key"})
	ts.mustCreateAccount(tm.backup.Token, map[string]any{"name": "Theirs Co", "tier": "key"})
	rep := pageSignedIn(ts, tm.leaver.Email, testPassword)
	mine := string(rep.get("/accounts").Body)
	if !strings.Contains(mine, "Mine Co") || strings.Contains(mine, "Theirs Co") ||
		!strings.Contains(mine, path("member_id=%d", tm.leaver.ID)) {
		t.Error("a rep's list should start with their own accounts, and download them")
	}
	if all := string(rep.get("/accounts?scope=all").Body); !strings.Contains(all, "Theirs Co") {
		t.Error("everyone's accounts, one click away")
	}
	if mgr := string(pageSignedIn(ts, tm.mgr.Email, testPassword).get("/accounts").Body); !strings.Contains(mgr, "Theirs Co") || !strings.Contains(mgr, "Mine Co") {
		t.Error("a manager's list should start with everyone's")
	}
}
