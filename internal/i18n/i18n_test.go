package i18n_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"keyhold/internal/accounts"
	"keyhold/internal/campaigns"
	"keyhold/internal/handover"
	"keyhold/internal/health"
	"keyhold/internal/i18n"
	"keyhold/internal/imports"
	"keyhold/internal/picklists"
	"keyhold/internal/retention"
	"keyhold/internal/staff"
	"keyhold/internal/web/api"
)

var verbs = regexp.MustCompile(`%[dsvq]`)

func TestCatalogsHaveTheSameKeysAndPlaceholders(t *testing.T) {
	en, zh := i18n.English, i18n.Chinese
	for _, pair := range [][2]i18n.Lang{{en, zh}, {zh, en}} {
		for _, k := range pair[0].Keys() {
			if !pair[1].Has(k) {
				t.Errorf("%s has %q but %s does not", pair[0], k, pair[1])
			}
		}
	}
	for _, k := range en.Keys() {
		a, b := verbs.FindAllString(en.T(k), -1), verbs.FindAllString(zh.T(k), -1)
		if strings.Join(a, "") != strings.Join(b, "") {
			t.Errorf("%q: placeholders %v in English, %v in Chinese", k, a, b)
		}
		if strings.TrimSpace(zh.T(k)) == "" {
			t.Errorf("%q is empty in Chinese", k)
		}
	}
}

// root is the module root, two folders up from this package.
func root(t *testing.T) string {
	t.Helper()
	r, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func readAll(t *testing.T, pattern string) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root(t), pattern))
	if err != nil || len(files) == 0 {
		t.Fatalf("no files for %s", pattern)
	}
	out := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = string(b)
	}
	return out
}

func templates(t *testing.T) map[string]string {
	all := readAll(t, "templates/*.html")
	for k, v := range readAll(t, "templates/*/*.html") {
		all[k] = v
	}
	return all
}

var (
	action     = regexp.MustCompile(`(?s){{.*?}}`)
	tag        = regexp.MustCompile(`(?s)<[^>]*>`)
	visibleAtt = regexp.MustCompile(`(?i)\b(placeholder|title|aria-label|alt)="([^"]*)"`)
	letters    = regexp.MustCompile(`[\p{L}]`)
)

// Every word a reader sees comes from the catalog: once template actions are removed,
// what is left between tags, and in attributes a reader sees, holds no letters — but the
// product's name.
func TestTemplatesHoldNoTextOutsideTheCatalog(t *testing.T) {
	for file, src := range templates(t) {
		plain := action.ReplaceAllString(src, "")
		for _, m := range visibleAtt.FindAllStringSubmatch(plain, -1) {
			if letters.MatchString(m[2]) {
				t.Errorf("%s: attribute %s=%q is not from the catalog", filepath.Base(file), m[1], m[2])
			}
		}
		text := tag.ReplaceAllString(plain, "\n")
		for _, line := range strings.Split(text, "\n") {
			line = strings.TrimSpace(strings.ReplaceAll(line, "Keyhold", ""))
			if letters.MatchString(line) {
				t.Errorf("%s: text %q is not from the catalog", filepath.Base(file), line)
			}
		}
	}
}

var (
	tKey     = regexp.MustCompile(`\bt "([^"]+)"`)
	labelUse = regexp.MustCompile(`\blabel "([^"]+)"`)
	goTKey   = regexp.MustCompile(`\.T\("([^"]+)"`)
)

func TestEveryKeyUsedIsInBothCatalogs(t *testing.T) {
	used := map[string]bool{}
	for _, src := range templates(t) {
		for _, m := range tKey.FindAllStringSubmatch(src, -1) {
			used[m[1]] = true
		}
	}
	web := readAll(t, "internal/web/*.go")
	maps.Copy(web, readAll(t, "internal/web/*/*.go"))
	for _, src := range web {
		for _, m := range goTKey.FindAllStringSubmatch(src, -1) {
			if !strings.HasSuffix(m[1], ".") { // a prefix completed at run time: listed below
				used[m[1]] = true
			}
		}
	}
	// Codes shown through `label "group" code`, and keys built from values.
	codes := map[string][]string{
		"tier": names(accounts.Tiers), "kind": names(accounts.Kinds), "sort": accounts.Sorts,
		"role":                  {string(staff.RoleAdmin), string(staff.RoleManager), string(staff.RoleSales)},
		"status":                {string(staff.StatusActive), string(staff.StatusLeaving), string(staff.StatusDeparted)},
		"account_status":        {accounts.StatusActive, accounts.StatusChurned},
		"team_role":             names([]accounts.TeamRole{accounts.RoleOwner, accounts.RoleBackup, accounts.RoleExecutiveSponsor, accounts.RoleSupport}),
		"lang":                  names(i18n.Supported),
		"level":                 {"healthy", "watch", "at_risk"},
		"state":                 names(health.Statuses),
		"remedy":                names(health.Actions),
		"list":                  names(picklists.Lists),
		"item_status":           {"open", "done", "ended", "skipped"},
		"size":                  names(accounts.Sizes),
		"band_position":         {"above", "inside", "below"},
		"campaign_kind":         names(campaigns.Kinds),
		"campaign_status":       {"upcoming", "running", "ended"},
		"holiday":               names(campaigns.Holidays),
		"csv":                   api.CSVColumns(),
		"severity":              retention.Severities,
		"complaint_status":      {retention.ComplaintOpen, retention.ComplaintResolved},
		"churn_reason":          retention.Reasons,
		"grouping":              retention.Groupings,
		"reason.owner_inactive": {"none", "leaving", "departed"},
		"reason":                slices.DeleteFunc(health.Codes(), func(c string) bool { return c == health.CodeOwnerInactive }),
		"status.4xx":            nil,
		"handover_status":       names([]handover.Status{handover.Draft, handover.InProgress, handover.Completed, handover.Cancelled}),
		"outcome":               {handover.OutcomePending, handover.OutcomeRetained, handover.OutcomeChurned},
		"gap":                   {handover.GapSuccessor, handover.GapTransferNote, handover.GapIntro},
		"skip":                  handover.SkipReasons,
		"export":                {api.ExportAccounts, api.ExportContacts},
		"export.col":            append(slices.Clone(api.AccountColumns), api.ContactColumns...),
		"import_kind":           {string(imports.Accounts), string(imports.Contacts)},
		"import_status":         {imports.StatusPreview, imports.StatusCommitted, imports.StatusUndone},
		"outcome_import":        names([]imports.Outcome{imports.Create, imports.Update, imports.Skip, imports.Error}),
		"import_show":           {"errors", "duplicates", "all"},
		"import_dup":            {"name", "email", "phone"},
		"import_field":          append(names(imports.Fields(imports.Accounts)), names(imports.Fields(imports.Contacts))...),
	}
	for _, src := range templates(t) {
		for _, m := range labelUse.FindAllStringSubmatch(src, -1) {
			if _, ok := codes[m[1]]; !ok {
				t.Errorf("label group %q has no list of codes in this test", m[1])
			}
		}
	}
	for group, list := range codes {
		for _, c := range list {
			used[group+"."+c] = true
		}
	}
	for _, code := range []int{400, 401, 403, 409, 413, 422, 429, 500, 503} {
		used[fmt.Sprintf("status.%d", code)] = true
	}
	keys := make([]string, 0, len(used))
	for k := range used {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, l := range i18n.Supported {
			if !l.Has(k) {
				t.Errorf("%s catalog lacks %q", l, k)
			}
		}
	}
}

var domainMessage = regexp.MustCompile(`(\.Add\([a-z"_]+, |fault\.Fields\{[a-z"_]+: |fault\.(Forbidden|Conflict|Unauthorized|RateLimited)\()"([^"]+)"`)

// Field errors and refusals from the domain reach the reader; each has a Chinese text.
func TestDomainMessagesAreTranslated(t *testing.T) {
	found := 0
	for file, src := range readAll(t, "internal/*/*.go") {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		for _, m := range domainMessage.FindAllStringSubmatch(src, -1) {
			found++
			msg := strings.TrimSuffix(m[3], ": ") // "message: " + the names in question
			if !i18n.Chinese.Has("msg." + msg) {
				t.Errorf("%s: %q has no translation (add msg.%s to the catalogs)", filepath.Base(file), msg, msg)
			}
		}
	}
	if found < 20 {
		t.Fatalf("found only %d domain messages: is the pattern still right?", found)
	}
	if got := i18n.Chinese.Text("is required"); got != "必填" {
		t.Errorf("Text: %q", got)
	}
	if got := i18n.Chinese.Text("something new"); got != "something new" {
		t.Errorf("an unknown message should pass through: %q", got)
	}
}

func names[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

func TestNegotiate(t *testing.T) {
	cases := map[string]i18n.Lang{
		"":                           i18n.English,
		"zh-CN,zh;q=0.9,en;q=0.8":    i18n.Chinese,
		"en-GB,en;q=0.9,zh-CN;q=0.8": i18n.English,
		"fr-FR,zh-TW;q=0.5":          i18n.Chinese,
		"de":                         i18n.English,
		"en;q=0.3, zh-Hans-CN;q=0.7": i18n.Chinese,
	}
	for header, want := range cases {
		if got := i18n.Negotiate(header); got != want {
			t.Errorf("%q → %s, want %s", header, got, want)
		}
	}
}

func TestFormatting(t *testing.T) {
	d := time.Date(2026, 3, 9, 14, 5, 0, 0, time.UTC)
	cases := []struct{ got, want string }{
		{i18n.English.Date(d), "9 Mar 2026"},
		{i18n.Chinese.Date(d), "2026年3月9日"},
		{i18n.Chinese.DateTime(d), "2026年3月9日 14:05"},
		{i18n.English.DateString("2026-12-31"), "31 Dec 2026"},
		{i18n.English.DateString("garbage"), "garbage"},
		{i18n.English.Money(1234567, "CNY"), "CNY 1,234,567"},
		{i18n.Chinese.Money(1234567, "CNY"), "¥1,234,567"},
		{i18n.Chinese.Money(500, "XYZ"), "XYZ 500"},
		{i18n.Number(-1000), "-1,000"},
		{i18n.Number(999), "999"},
		{i18n.English.T("pager.page", 2, 5), "Page 2 of 5"},
		{i18n.Chinese.T("pager.page", 2, 5), "第 2 页，共 5 页"},
		{i18n.English.T("no.such.key"), "no.such.key"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if !slices.Contains(i18n.Supported, i18n.Chinese) {
		t.Error("Chinese is not supported")
	}
}

// Chinese sentences take full-width punctuation (，；：！？（）) and lists take 、: no
// ASCII comma, semicolon, colon, mark or parenthesis against a Chinese character in the
// Chinese catalog (the pages test checks what templates add around the messages).
func TestChineseCatalogUsesChinesePunctuation(t *testing.T) {
	ascii := regexp.MustCompile(`\p{Han}\s*[,;:!?()]|[,;:!?()]\s*\p{Han}`)
	raw, err := os.ReadFile(filepath.Join("catalog", "zh-CN.json"))
	if err != nil {
		t.Fatal(err)
	}
	var zh map[string]string
	if err := json.Unmarshal(raw, &zh); err != nil {
		t.Fatal(err)
	}
	for k, v := range zh {
		if m := ascii.FindString(v); m != "" {
			t.Errorf("%s: %q has %q", k, v, m)
		}
	}
}

// TestTextKeepsTheNamesAfterAColon: a message with the names in question after ": " is
// translated up to them.
func TestTextKeepsTheNamesAfterAColon(t *testing.T) {
	if got := i18n.Chinese.Text("no active account has these names: Nowhere Co, 某某公司"); got != "以下名称没有对应的在管客户：Nowhere Co, 某某公司" {
		t.Errorf("got %q", got)
	}
	if got := i18n.Chinese.Text("not a known message: x"); got != "not a known message: x" {
		t.Errorf("got %q", got)
	}
}
