// Package imports brings accounts and contacts in from sheets: the columns recognised
// by their headers (Chinese or English) or as the user maps them, a dry run that gives
// every row its outcome and every likely duplicate, a commit of the previewed plan in one
// transaction, and an undo within a day while nothing else has changed what it wrote.
package imports

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"keyhold/internal/accounts"
)

// Kind is what an import brings in.
type Kind string

const (
	Accounts Kind = "accounts"
	Contacts Kind = "contacts"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == Accounts || k == Contacts }

// Field is what a column holds; "" is a column left out.
type Field string

// The fields of an account row; a row may carry one contact of the account too.
const (
	FieldID            Field = "id"
	FieldName          Field = "name"
	FieldOwner         Field = "owner"
	FieldTier          Field = "tier"
	FieldAnnualValue   Field = "annual_value"
	FieldCurrency      Field = "currency"
	FieldIndustry      Field = "industry"
	FieldRegion        Field = "region"
	FieldChannel       Field = "channel"
	FieldCustomerSince Field = "customer_since"
	FieldRenewalDate   Field = "renewal_date"
	FieldCadenceDays   Field = "cadence_days"
	FieldSize          Field = "size"
	FieldContactName   Field = "contact_name"
	FieldContactTitle  Field = "contact_title"
	FieldContactPhone  Field = "contact_phone"
	FieldContactEmail  Field = "contact_email"
)

// The fields of a contact row.
const (
	FieldAccount       Field = "account" // the account's name
	FieldAccountID     Field = "account_id"
	FieldTitle         Field = "title"
	FieldPhone         Field = "phone"
	FieldEmail         Field = "email"
	FieldDecisionMaker Field = "decision_maker"
)

// Fields lists what columns of an import of kind k may hold, in the order a form offers
// them.
func Fields(k Kind) []Field {
	if k == Contacts {
		return []Field{FieldAccount, FieldAccountID, FieldName, FieldTitle, FieldPhone, FieldEmail, FieldDecisionMaker}
	}
	return []Field{FieldName, FieldID, FieldOwner, FieldTier, FieldAnnualValue, FieldCurrency, FieldIndustry, FieldRegion,
		FieldChannel, FieldSize, FieldCustomerSince, FieldRenewalDate, FieldCadenceDays, FieldContactName, FieldContactTitle,
		FieldContactPhone, FieldContactEmail}
}

// headers are the names a column goes by, per kind, as folded by fold: Chinese and
// English, and the headers Keyhold's own exports write.
var headers = map[Kind]map[string]Field{
	Accounts: words(map[Field][]string{
		FieldID:            {"id", "编号", "客户编号", "客户id", "account id"},
		FieldName:          {"name", "客户名称", "客户", "客户名", "公司名称", "公司", "企业名称", "单位名称", "account", "account name", "company", "customer", "customer name"},
		FieldOwner:         {"owner", "负责人", "客户经理", "销售", "销售负责人", "业务员", "owner email", "负责人邮箱", "account manager", "sales rep"},
		FieldTier:          {"tier", "等级", "客户等级", "级别", "客户级别", "level"},
		FieldAnnualValue:   {"annual value", "年度金额", "年金额", "年度合同额", "年合同额", "年度价值", "年营收", "金额", "value", "annual revenue", "arr"},
		FieldCurrency:      {"currency", "币种", "货币"},
		FieldIndustry:      {"industry", "行业", "所属行业"},
		FieldRegion:        {"region", "区域", "地区", "省份", "城市"},
		FieldChannel:       {"channel", "渠道", "来源", "客户来源", "source"},
		FieldCustomerSince: {"customer since", "成为客户日期", "合作开始日期", "签约日期", "首次合作日期", "since", "start date"},
		FieldRenewalDate:   {"renewal date", "续约日期", "续签日期", "合同到期日", "到期日期", "renewal"},
		FieldCadenceDays:   {"cadence days", "联系周期", "联系周期天", "回访周期", "cadence"},
		FieldSize:          {"size", "company size", "customer size", "规模", "客户规模", "企业规模", "公司规模"},
		FieldContactName:   {"contact", "contact name", "联系人", "联系人姓名", "姓名"},
		FieldContactTitle:  {"contact title", "职位", "联系人职位", "title", "job title"},
		FieldContactPhone:  {"phone", "电话", "手机", "联系电话", "手机号", "联系人电话", "mobile", "contact phone"},
		FieldContactEmail:  {"email", "e-mail", "邮箱", "电子邮件", "联系人邮箱", "contact email"},
	}),
	Contacts: words(map[Field][]string{
		FieldAccount:       {"account", "account name", "客户名称", "客户", "公司名称", "公司", "企业名称", "单位名称", "company", "customer"},
		FieldAccountID:     {"account id", "客户编号", "客户id"},
		FieldName:          {"name", "姓名", "联系人", "联系人姓名", "contact", "contact name"},
		FieldTitle:         {"title", "职位", "职务", "job title", "position"},
		FieldPhone:         {"phone", "电话", "手机", "联系电话", "手机号", "mobile"},
		FieldEmail:         {"email", "e-mail", "邮箱", "电子邮件", "mail"},
		FieldDecisionMaker: {"decision maker", "决策人", "是否决策人", "关键决策人", "decision_maker"},
	}),
}

func words(m map[Field][]string) map[string]Field {
	out := map[string]Field{}
	for f, names := range m {
		for _, n := range names {
			out[fold(n)] = f
		}
		out[fold(string(f))] = f
	}
	return out
}

var notWord = regexp.MustCompile(`[\s_\-:：()（）*/]+`)

// fold reduces a header to compare it: full-width forms, case, spaces, underscores and
// brackets (客户名称（必填） and Name* read as 客户名称 and name) left aside.
func fold(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	if i := strings.IndexAny(s, "(（"); i > 0 {
		s = s[:i]
	}
	return notWord.ReplaceAllString(s, "")
}

// Recognise maps each header cell to a field of kind k; each field goes to its first
// column only.
func Recognise(k Kind, header []string) []Field {
	out := make([]Field, len(header))
	taken := map[Field]bool{}
	for i, h := range header {
		if f, ok := headers[k][fold(h)]; ok && !taken[f] {
			out[i], taken[f] = f, true
		}
	}
	return out
}

// tiers are the words a tier goes by, folded.
var tiers = map[string]accounts.Tier{}

// sizes are the words a size column may hold, Keyhold's own labels among them.
var sizes = map[string]accounts.Size{}

// parseSize reads a company size; empty is unknown.
func parseSize(s string) (accounts.Size, bool) {
	if s == "" {
		return "", true
	}
	z, ok := sizes[fold(s)]
	return z, ok
}

func init() {
	for t, names := range map[accounts.Tier][]string{
		accounts.TierKey:      {"key", "重点", "重点客户", "关键", "关键客户", "核心", "核心客户", "战略", "战略客户", "大客户", "a"},
		accounts.TierGrowth:   {"growth", "成长", "成长客户", "潜力", "潜力客户", "b"},
		accounts.TierStandard: {"standard", "普通", "普通客户", "一般", "一般客户", "标准", "c"},
	} {
		for _, n := range names {
			tiers[fold(n)] = t
		}
	}
	for z, names := range map[accounts.Size][]string{
		accounts.SizeLarge: {"large", "big", "enterprise", "大", "大型", "大型企业"},
		accounts.SizeMid:   {"mid", "mid-sized", "medium", "midsize", "mid-market", "中", "中型", "中等", "中型企业"},
		accounts.SizeSmall: {"small", "smb", "小", "小型", "小微", "小型企业", "小微企业"},
	} {
		for _, n := range names {
			sizes[fold(n)] = z
		}
	}
}

// parseTier reads a tier in either language; "" is standard.
func parseTier(s string) (accounts.Tier, bool) {
	if s == "" {
		return accounts.TierStandard, true
	}
	t, ok := tiers[fold(s)]
	return t, ok
}

// moneyNoise is what an amount may carry besides its digits.
var moneyNoise = strings.NewReplacer(",", "", " ", "", "¥", "", "￥", "", "$", "", "元", "", "RMB", "", "CNY", "")

// parseMoney reads an amount in whole units: 1,200,000 · ¥1,200,000 · 120万 · 1.2亿 ·
// 1200000.00; cents are rounded.
func parseMoney(s string) (int64, bool) {
	s = moneyNoise.Replace(norm.NFKC.String(s))
	unit := 1.0
	switch {
	case strings.HasSuffix(s, "万"):
		unit, s = 1e4, strings.TrimSuffix(s, "万")
	case strings.HasSuffix(s, "亿"):
		unit, s = 1e8, strings.TrimSuffix(s, "亿")
	}
	if s == "" {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v*unit > 9e15 || v*unit < -9e15 {
		return 0, false
	}
	return int64(math.Round(v * unit)), true
}

var dateForms = []string{"2006-01-02", "2006/1/2", "2006-1-2", "2006.1.2", "2006年1月2日", "2006/01/02",
	"2006-01-02 15:04:05", "2006/1/2 15:04", "2006/1/2 15:04:05", "2006-01-02T15:04:05Z07:00"}

// parseDate reads a day as YYYY-MM-DD: the usual written forms, or an Excel serial day
// number (a date cell read raw).
func parseDate(s string) (string, bool) {
	s = strings.TrimSpace(norm.NFKC.String(s))
	if t, err := time.Parse("20060102", s); err == nil {
		return t.Format(accounts.DateLayout), true
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		if n < 1 || n >= 2958466 {
			return "", false
		}
		// Day 1 is 1 January 1900, and Excel counts a 29 February 1900 that never was:
		// from 1 March 1900 on, counting from 30 December 1899 is right.
		return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n)).Format(accounts.DateLayout), true
	}
	for _, f := range dateForms {
		if t, err := time.Parse(f, s); err == nil {
			return t.Format(accounts.DateLayout), true
		}
	}
	return "", false
}

// parseBool reads yes or no in either language.
func parseBool(s string) (bool, bool) {
	switch fold(s) {
	case "", "no", "n", "false", "0", "否", "不是", "非", "×":
		return false, true
	case "yes", "y", "true", "1", "是", "是的", "√", "✓", "✔":
		return true, true
	}
	return false, false
}
