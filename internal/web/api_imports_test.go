package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"keyhold/internal/sheets"
)

// upload sends a sheet to POST /api/v1/imports as a multipart form.
// callIn calls the API as a reader of language lang (Accept-Language).
func (ts *testServer) callIn(method, p, token, lang string) response {
	ts.t.Helper()
	req, _ := http.NewRequest(method, ts.URL+p, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept-Language", lang)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return response{Status: res.StatusCode, Body: body, Header: res.Header}
}

func (ts *testServer) upload(token, kind, name string, data []byte, mapping, lang string) response {
	ts.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("kind", kind)
	if mapping != "" {
		_ = mw.WriteField("mapping", mapping)
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/imports", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	return ts.send(req)
}

// gb18030CSV writes rows as CSV in GB18030, as Excel on Chinese Windows saves it.
func gb18030CSV(t *testing.T, rows [][]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// xlsxOf writes rows into the first sheet of a workbook.
func xlsxOf(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// planOf reads a dry run's rows: row → outcome, and the errors and duplicates per row.
func planOf(t *testing.T, body map[string]any) (outcomes map[int]string, errs map[int]string, dups map[int]string) {
	t.Helper()
	outcomes, errs, dups = map[int]string{}, map[int]string{}, map[int]string{}
	for _, r := range body["rows"].([]any) {
		r := r.(map[string]any)
		n := int(r["row"].(float64))
		outcomes[n] = r["outcome"].(string)
		for _, e := range r["errors"].([]any) {
			e := e.(map[string]any)
			errs[n] += fmt.Sprintf("%s: %s;", e["column"], e["message"])
		}
		for _, d := range r["duplicate_of"].([]any) {
			d := d.(map[string]any)
			dups[n] += fmt.Sprintf("%s:%v/%v/%v;", d["reason"], num(d["account_id"]), num(d["contact_id"]), num(d["row"]))
		}
	}
	return outcomes, errs, dups
}

// A manager brings a Chinese sheet in (GB18030, as Excel writes it): the dry run gives
// every row its outcome and every duplicate, nothing changes until the commit; the commit
// writes the plan with the choices made, all at once; the undo takes it all back.
func TestImportAccountsFromAChineseSheet(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	ts.must(200, "PATCH", path("/api/v1/users/%d", tm.leaver.ID), tm.admin, map[string]any{"name": "张伟"})
	existing := ts.mustCreateAccount(tm.backup.Token, map[string]any{"name": "杭州盛泽电子集团有限公司", "tier": "standard", "annual_value": 26000})
	sheet := gb18030CSV(t, [][]string{
		{"客户名称", "负责人", "等级", "年度金额", "币种", "行业", "区域", "成为客户日期", "续约日期", "联系人", "职位", "电话", "邮箱"},
		{"苏州恒达精密机械有限公司", "张伟", "重点", "120万", "CNY", "机械制造", "华东", "2021/3/15", "2027-03-31", "周敏", "采购总监", "138 1234 5678", "zhou.min@hengda.cn"}, // 2
		{"无锡新瑞化工股份有限公司", tm.backup.Email, "成长", "860,000", "", "化工", "华东", "2022年6月1日", "", "", "", "", ""},                                       // 3
		{"杭州盛泽电子", "张伟", "重点", "300万", "", "电子", "", "", "", "", "", "", ""},                                                                      // 4: the existing account
		{"苏州恒达精密机械", "张伟", "重点", "", "", "", "", "", "", "周敏", "", "13812345678", ""},                                                             // 5: row 2 again
		{"合肥光启新能源科技有限公司", "赵六", "重点", "500万", "", "", "", "", "", "", "", "", ""},                                                                 // 6
		{"南昌瑞丰食品有限公司", "", "VIP", "80万", "", "", "", "", "", "", "", "", ""},                                                                      // 7
		{"厦门海辰贸易有限公司", "", "普通", "很多", "", "", "", "2026-13-01", "", "", "", "", ""},                                                              // 8
		{"", "", "", "", "", "", "", "", "", "", "", "", ""},                                                                                      // empty: not a row
		{"ＡＣＭＥ Trading Co., Ltd.", "", "", "", "", "", "", "", "", "", "", "", ""},                                                                // 10
	})
	if r := ts.upload(tm.leaver.Token, "accounts", "客户.csv", sheet, "", ""); r.Status != 403 {
		t.Fatalf("a rep's import: %d %s", r.Status, r.Body)
	}
	r := ts.upload(tm.mgr.Token, "accounts", "客户.csv", sheet, "", "zh-CN")
	if r.Status != 201 {
		t.Fatalf("dry run: %d %s", r.Status, r.Body)
	}
	plan := r.json(t)
	if s := fmt.Sprint(plan["summary"]); s != "map[create:3 duplicates:2 error:3 rows:8 skip:1 update:1]" {
		t.Errorf("summary: %s", s)
	}
	outcomes, errs, dups := planOf(t, plan)
	want := map[int]string{2: "create", 3: "create", 4: "update", 5: "skip", 6: "error", 7: "error", 8: "error", 10: "create"}
	if fmt.Sprint(outcomes) != fmt.Sprint(want) {
		t.Errorf("outcomes %v, want %v", outcomes, want)
	}
	if !strings.Contains(errs[6], "负责人: 没有在职员工") || !strings.Contains(errs[7], "等级: 须为") ||
		!strings.Contains(errs[8], "年度金额: 必须是金额") || !strings.Contains(errs[8], "成为客户日期: 必须是日期") {
		t.Errorf("errors in Chinese, named by the sheet's columns: %v", errs)
	}
	if dups[4] != fmt.Sprintf("name:%d/0/0;", existing) || dups[5] != "name:0/0/2;phone:0/0/2;" {
		t.Errorf("duplicates: %v", dups)
	}
	var n int64
	ts.App.DB.Read.Raw("SELECT COUNT(*) FROM accounts").Scan(&n)
	if n != 1 {
		t.Fatalf("the dry run wrote %d accounts", n)
	}

	imp := int64(plan["id"].(float64))
	base := path("/api/v1/imports/%d", imp)
	ts.must(403, "POST", base+"/commit", tm.leaver.Token, map[string]any{})
	if r := ts.call("POST", base+"/commit", tm.mgr.Token, map[string]any{"choices": map[string]string{"2": "skip", "5": "update"}}); r.Status != 422 ||
		r.field(t, "choices.2") == "" || r.field(t, "choices.5") == "" {
		t.Fatalf("choices a row does not offer: %d %s", r.Status, r.Body)
	}
	// The errors as a sheet, the original columns and the reason.
	res := ts.call("GET", base+"/errors?format=csv", tm.mgr.Token, nil)
	lines, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(res.Body, []byte("\uFEFF")))).ReadAll()
	if err != nil || res.Status != 200 || len(lines) != 4 || lines[0][13] != "Reason" || lines[1][1] != "赵六" ||
		lines[3][13] != "年度金额: must be an amount such as 1200000 or 120万\n成为客户日期: must be a date such as 2024-03-01" {
		t.Errorf("error sheet: %d %q %v", res.Status, lines, err)
	}

	got := ts.must(200, "POST", base+"/commit", tm.mgr.Token, map[string]any{"choices": map[string]string{"5": "create"}})
	if got["status"] != "committed" || fmt.Sprint(got["summary"]) != "map[create:4 duplicates:2 error:3 rows:8 skip:0 update:1]" {
		t.Errorf("committed: %v", got)
	}
	ts.must(409, "POST", base+"/commit", tm.mgr.Token, map[string]any{})
	list := ts.must(200, "GET", "/api/v1/accounts?q=苏州恒达", tm.mgr.Token, nil)["data"].([]any)
	if len(list) != 2 {
		t.Fatalf("row 5 chosen to create: %d accounts", len(list))
	}
	a := list[1].(map[string]any) // 苏州恒达精密机械有限公司, after 苏州恒达精密机械
	if num(a["owner_id"]) != tm.leaver.ID || a["tier"] != "key" || num(a["annual_value"]) != 1200000 || a["customer_since"] != "2021-03-15" ||
		*ptr(a["renewal_date"]) != "2027-03-31" || len(a["team"].([]any)) != 1 {
		t.Errorf("an imported account: %v", a)
	}
	contacts := ts.must(200, "GET", path("/api/v1/accounts/%d/contacts", num(a["id"])), tm.mgr.Token, nil)["data"].([]any)
	if len(contacts) != 1 || contacts[0].(map[string]any)["name"] != "周敏" {
		t.Errorf("its contact: %v", contacts)
	}
	up := ts.must(200, "GET", path("/api/v1/accounts/%d", existing), tm.mgr.Token, nil)
	if up["tier"] != "key" || num(up["annual_value"]) != 3000000 || up["industry"] != "电子" || up["name"] != "杭州盛泽电子集团有限公司" ||
		num(up["owner_id"]) != tm.backup.ID {
		t.Errorf("the existing account, brought up to date (its name and owner kept): %v", up)
	}
	var scored, events, audits int64
	ts.App.DB.Read.Raw("SELECT COUNT(*) FROM account_health").Scan(&scored)
	ts.App.DB.Read.Raw("SELECT COUNT(*) FROM events WHERE kind = 'account.created'").Scan(&events)
	ts.App.DB.Read.Raw("SELECT COUNT(*) FROM audit_entries WHERE action = 'import.commit' AND entity_id = ?", imp).Scan(&audits)
	if scored != 5 || events != 5 || audits != 1 {
		t.Errorf("scored %d, events %d, import audited %d times", scored, events, audits)
	}

	// Undo: what it created goes, what it updated comes back; once.
	ts.must(200, "POST", base+"/undo", tm.mgr.Token, nil)
	ts.must(409, "POST", base+"/undo", tm.mgr.Token, nil)
	if n := len(ts.must(200, "GET", "/api/v1/accounts?q=苏州恒达", tm.mgr.Token, nil)["data"].([]any)); n != 0 {
		t.Errorf("%d created accounts left after the undo", n)
	}
	back := ts.must(200, "GET", path("/api/v1/accounts/%d", existing), tm.mgr.Token, nil)
	if back["tier"] != "standard" || num(back["annual_value"]) != 26000 || back["industry"] != "" {
		t.Errorf("the updated account after the undo: %v", back)
	}
	// And again: the same sheet previews as before.
	again := ts.upload(tm.mgr.Token, "accounts", "客户.csv", sheet, "", "").json(t)
	if s := fmt.Sprint(again["summary"]); s != "map[create:3 duplicates:2 error:3 rows:8 skip:1 update:1]" {
		t.Errorf("re-imported: %s", s)
	}
}

func ptr(v any) *string {
	s, _ := v.(string)
	return &s
}

// An undo is refused, changing nothing, once something has happened to what the import
// wrote, and after a day.
func TestImportUndoRefusedAfterAChange(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	sheet := xlsxOf(t, [][]any{{"Name", "Tier", "Owner"}, {"Alpha Trading", "key", tm.leaver.Email}, {"Beta Foods", "growth", "Amy Chen"}})
	imp := int64(ts.upload(tm.mgr.Token, "accounts", "a.xlsx", sheet, "", "").json(t)["id"].(float64))
	ts.must(200, "POST", path("/api/v1/imports/%d/commit", imp), tm.mgr.Token, nil)
	beta := ts.must(200, "GET", "/api/v1/accounts?q=Beta", tm.mgr.Token, nil)["data"].([]any)[0].(map[string]any)
	if num(beta["owner_id"]) != tm.backup.ID {
		t.Errorf("owner by name: %v", beta["owner_id"])
	}
	ts.must(201, "POST", path("/api/v1/accounts/%d/interactions", num(beta["id"])), tm.backup.Token, map[string]any{"kind": "call", "summary": "hello"})
	r := ts.call("POST", path("/api/v1/imports/%d/undo", imp), tm.mgr.Token, nil)
	if r.Status != 409 || !strings.Contains(string(r.Body), `"rows":[3]`) {
		t.Fatalf("undo after an interaction: %d %s", r.Status, r.Body)
	}
	if n := ts.must(200, "GET", "/api/v1/accounts", tm.mgr.Token, nil)["total"].(float64); n != 2 {
		t.Errorf("the refused undo changed the book: %v accounts", n)
	}
	// A day later, no undo at all.
	imp2 := int64(ts.upload(tm.mgr.Token, "accounts", "b.xlsx", xlsxOf(t, [][]any{{"Name"}, {"Gamma Ltd"}}), "", "").json(t)["id"].(float64))
	ts.must(200, "POST", path("/api/v1/imports/%d/commit", imp2), tm.mgr.Token, nil)
	ts.Clock.Advance(25 * time.Hour)
	tok := ts.login(tm.mgr.Email, testPassword)
	if r := ts.call("POST", path("/api/v1/imports/%d/undo", imp2), tok, nil); r.Status != 409 || !strings.Contains(string(r.Body), "24 hours") {
		t.Errorf("an undo after a day: %d %s", r.Status, r.Body)
	}
}

// Contacts come in from XLSX against their accounts by name; a misread column is mapped
// anew; a contact the account already has (same e-mail) is updated, not added twice.
func TestImportContactsWithMapping(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	acc := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": "杭州盛泽电子集团有限公司", "tier": "key"})
	ts.must(201, "POST", path("/api/v1/accounts/%d/contacts", acc), tm.leaver.Token, map[string]any{"name": "林晓", "email": "lin.xiao@shengze.cn", "title": "经理"})
	sheet := xlsxOf(t, [][]any{
		{"公司", "姓名", "岗位", "手机", "邮箱", "决策人"},
		{"杭州盛泽电子", "林晓", "采购总监", "13700001111", "LIN.XIAO@shengze.cn", "是"},
		{"杭州盛泽电子集团", "黄磊", "财务总监", 13700002222, "", "否"},
		{"不存在的公司", "张三", "", "", "", ""},
		{"杭州盛泽电子", "马丽", "", "", "", "也许"},
	})
	r := ts.upload(tm.mgr.Token, "contacts", "联系人.xlsx", sheet, "", "").json(t)
	if m := fmt.Sprint(r["mapping"]); m != "[account name  phone email decision_maker]" {
		t.Errorf("recognised: %s", m)
	}
	imp := int64(r["id"].(float64))
	ts.call("POST", path("/api/v1/imports/%d/mapping", imp), tm.mgr.Token, map[string]any{"mapping": map[string]string{"岗位": "bogus"}}).
		field(t, "mapping.岗位")
	r = ts.must(200, "POST", path("/api/v1/imports/%d/mapping", imp), tm.mgr.Token, map[string]any{"mapping": map[string]string{"岗位": "title"}})
	outcomes, errs, _ := planOf(t, r)
	if fmt.Sprint(outcomes) != "map[2:update 3:create 4:error 5:error]" || !strings.Contains(errs[4], "no account has this name") ||
		!strings.Contains(errs[5], "决策人: must be yes or no") {
		t.Fatalf("contacts planned: %v %v", outcomes, errs)
	}
	ts.must(200, "POST", path("/api/v1/imports/%d/commit", imp), tm.mgr.Token, nil)
	cs := ts.must(200, "GET", path("/api/v1/accounts/%d/contacts", acc), tm.mgr.Token, nil)["data"].([]any)
	var got []string
	for _, c := range cs {
		c := c.(map[string]any)
		got = append(got, fmt.Sprint(c["name"], "/", c["title"], "/", c["phone"], "/", c["decision_maker"]))
	}
	slices.Sort(got)
	if fmt.Sprint(got) != "[林晓/采购总监/13700001111/true 黄磊/财务总监/13700002222/false]" {
		t.Errorf("contacts after the import: %v", got)
	}
	ts.must(200, "POST", path("/api/v1/imports/%d/undo", imp), tm.mgr.Token, nil)
	cs = ts.must(200, "GET", path("/api/v1/accounts/%d/contacts", acc), tm.mgr.Token, nil)["data"].([]any)
	if len(cs) != 1 || cs[0].(map[string]any)["title"] != "经理" {
		t.Errorf("contacts after the undo: %v", cs)
	}
}

// The accounts list downloads with its filters as XLSX or CSV, headers in the reader's
// language, in columns an import reads back: re-importing the download updates every
// account by its id and creates nothing.
func TestExportAndReimport(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	for i, tier := range []string{"key", "key", "growth"} {
		id := ts.mustCreateAccount(tm.leaver.Token, map[string]any{"name": fmt.Sprintf("客户%d有限公司", i), "tier": tier, "annual_value": 1000 * (i + 1)})
		ts.must(201, "POST", path("/api/v1/accounts/%d/contacts", id), tm.leaver.Token, map[string]any{"name": fmt.Sprintf("联系人%d", i), "decision_maker": i == 0})
	}
	res := ts.callIn("GET", "/api/v1/accounts?format=xlsx&tier=key", tm.mgr.Token, "zh-CN")
	body := res.Body
	if res.Status != 200 || res.Header.Get("Content-Type") != sheets.XLSX.ContentType() {
		t.Fatalf("export: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	var rows [][]string
	if err := sheets.Read(body, func(r sheets.Row) error { rows = append(rows, r.Cells); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "编号" || rows[0][1] != "客户名称" || rows[1][4] != "重点" || rows[1][3] != tm.leaver.Email {
		t.Fatalf("exported: %v", rows)
	}
	r := ts.upload(tm.mgr.Token, "accounts", "export.xlsx", body, "", "").json(t)
	if s := fmt.Sprint(r["summary"]); s != "map[create:0 duplicates:0 error:0 rows:2 skip:0 update:2]" {
		t.Errorf("the export imported back: %s %v", s, r["rows"])
	}
	// In codes, for another system: the API's names, and it imports back the same.
	codes := ts.call("GET", "/api/v1/accounts?format=csv&tier=key&headers=codes", tm.mgr.Token, nil)
	if lines := strings.Split(strings.TrimSpace(string(codes.Body)), "\n"); len(lines) != 3 ||
		!strings.HasPrefix(lines[0], "\uFEFFid,name,owner,owner_email,tier,annual_value,") || !strings.Contains(lines[1], ",key,") {
		t.Errorf("export in codes: %q", lines)
	}
	r = ts.upload(tm.mgr.Token, "accounts", "codes.csv", codes.Body, "", "").json(t)
	if s := fmt.Sprint(r["summary"]); s != "map[create:0 duplicates:0 error:0 rows:2 skip:0 update:2]" {
		t.Errorf("the export in codes imported back: %s %v", s, r["rows"])
	}
	var audits int64
	ts.App.DB.Read.Raw("SELECT COUNT(*) FROM audit_entries WHERE action = 'export' AND reason = 'accounts'").Scan(&audits)
	if audits != 2 {
		t.Errorf("exports audited: %d", audits)
	}
	// Contacts, as CSV; refused to someone serving notice.
	csvBody := ts.call("GET", "/api/v1/contacts?format=csv", tm.mgr.Token, nil).Body
	if lines := strings.Split(strings.TrimSpace(string(csvBody)), "\n"); len(lines) != 4 || !strings.Contains(lines[0], "Decision maker") {
		t.Errorf("contacts export: %q", lines)
	}
	ts.must(422, "GET", "/api/v1/contacts?format=pdf", tm.mgr.Token, nil)
	ts.must(201, "POST", "/api/v1/handovers", tm.mgr.Token, map[string]any{"departing_user_id": tm.r4.ID, "last_day": "2026-03-31"})
	leaving := ts.login(tm.r4.Email, testPassword)
	ts.must(403, "GET", "/api/v1/accounts?format=csv", leaving, nil)
}

// Files that are not sheets are refused with the reason, and nothing is kept.
func TestImportRefusesBadFiles(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	for name, data := range map[string][]byte{
		"empty.csv":   nil,
		"header.csv":  []byte("name,tier\n"),
		"broken.xlsx": append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0}, 100)...),
		"wide.csv":    []byte(strings.Repeat("a,", 150) + "\n" + strings.Repeat("b,", 150) + "b\n"),
		"huge.csv":    []byte("name\n" + strings.Repeat("x", 40000) + "\n"),
	} {
		r := ts.upload(tm.mgr.Token, "accounts", name, data, "", "")
		if r.Status != 422 || r.field(t, "file") == "" {
			t.Errorf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	if r := ts.upload(tm.mgr.Token, "people", "a.csv", []byte("name\nx\n"), "", ""); r.Status != 422 || r.field(t, "kind") == "" {
		t.Errorf("a bad kind: %d", r.Status)
	}
	if r := ts.upload(tm.mgr.Token, "accounts", "a.csv", []byte("name\nx\n"), "{", ""); r.Status != 422 || r.field(t, "mapping") == "" {
		t.Errorf("a bad mapping: %d", r.Status)
	}
	var n int64
	ts.App.DB.Read.Raw("SELECT COUNT(*) FROM imports").Scan(&n)
	if n != 0 {
		t.Errorf("refused files kept %d imports", n)
	}
}

// A sheet names industries, regions and channels by their Chinese or English labels; the
// accounts get the lists' codes (a value off the lists is kept as written).
func TestImportMapsListLabelsToCodes(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	admin := ts.adminToken()
	ts.must(200, "PUT", "/api/v1/picklists/industry", admin, map[string]any{"data": []any{map[string]any{"code": "Logistics", "en": "Logistics", "zh": "物流"}}})
	ts.must(200, "PUT", "/api/v1/picklists/channel", admin, map[string]any{"data": []any{map[string]any{"code": "trade_show", "en": "Trade show", "zh": "展会"}}})
	sheet := xlsxOf(t, [][]any{{"客户名称", "行业", "区域", "渠道"}, {"宁波海联物流", "物流", "华东", "展会"}, {"Delta Freight", "logistics", "East", "Trade show"}})
	imp := int64(ts.upload(tm.mgr.Token, "accounts", "a.xlsx", sheet, "", "").json(t)["id"].(float64))
	ts.must(200, "POST", path("/api/v1/imports/%d/commit", imp), tm.mgr.Token, nil)
	for name, want := range map[string][3]string{"宁波海联物流": {"Logistics", "华东", "trade_show"}, "Delta Freight": {"Logistics", "East", "trade_show"}} {
		a := ts.must(200, "GET", "/api/v1/accounts?q="+url.QueryEscape(name), tm.mgr.Token, nil)["data"].([]any)[0].(map[string]any)
		if got := [3]string{a["industry"].(string), a["region"].(string), a["channel"].(string)}; got != want {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
}

// TestImportAndExportSize: a size column in Chinese or English words, or Keyhold's own
// labels, reads as the size; a word it does not know is the row's error; the export
// writes the size in the reader's words and imports back the same.
func TestImportAndExportSize(t *testing.T) {
	ts := newTestServer(t)
	tm := newTeam(t, ts)
	sheet := xlsxOf(t, [][]any{{"客户名称", "客户规模"}, {"宁波海联物流", "中型"}, {"Delta Freight", "Large"}, {"Echo Foods", ""}, {"Foxtrot Ltd", "巨大"}})
	r := ts.upload(tm.mgr.Token, "accounts", "a.xlsx", sheet, "", "").json(t)
	if s := fmt.Sprint(r["summary"]); !strings.Contains(s, "error:1") || !strings.Contains(s, "create:3") {
		t.Fatalf("summary %s: %v", s, r["rows"])
	}
	ts.must(200, "POST", path("/api/v1/imports/%d/commit", id(r)), tm.mgr.Token, nil)
	for name, want := range map[string]string{"宁波海联物流": "mid", "Delta Freight": "large", "Echo Foods": ""} {
		a := ts.must(200, "GET", "/api/v1/accounts?q="+url.QueryEscape(name), tm.mgr.Token, nil)["data"].([]any)[0].(map[string]any)
		if a["size"] != want {
			t.Errorf("%s: size %q, want %q", name, a["size"], want)
		}
	}
	body := ts.callIn("GET", "/api/v1/accounts?format=csv&q=Delta", tm.mgr.Token, "zh-CN").Body
	if lines := strings.Split(strings.TrimSpace(string(body)), "\n"); len(lines) != 2 || !strings.Contains(lines[0], ",客户规模,") || !strings.Contains(lines[1], ",大型,") {
		t.Fatalf("export: %q", lines)
	}
	back := ts.upload(tm.mgr.Token, "accounts", "back.csv", body, "", "").json(t)
	if s := fmt.Sprint(back["summary"]); s != "map[create:0 duplicates:0 error:0 rows:1 skip:0 update:1]" {
		t.Errorf("the export imported back: %s %v", s, back["rows"])
	}
}
