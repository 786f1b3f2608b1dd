// Package i18n holds Keyhold's message catalogs (English and Simplified Chinese), picks a
// reader's language, and formats dates and amounts for it.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Lang is a supported language tag.
type Lang string

const (
	English Lang = "en"
	Chinese Lang = "zh-CN"
)

// Supported lists the languages, the default first.
var Supported = []Lang{English, Chinese}

//go:embed catalog/*.json
var files embed.FS

var catalogs = map[Lang]map[string]string{}

func init() {
	// The catalogs are embedded at build time; a broken one is a build defect, caught by
	// the package's tests, so failing loudly here is right.
	for _, l := range Supported {
		b, err := files.ReadFile("catalog/" + string(l) + ".json")
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("catalog %s: %v", l, err))
		}
		catalogs[l] = m
	}
}

// Parse returns the supported language named by tag, and whether it is one.
func Parse(tag string) (Lang, bool) {
	t := strings.ToLower(strings.TrimSpace(tag))
	switch {
	case t == "en" || strings.HasPrefix(t, "en-"):
		return English, true
	case t == "zh" || strings.HasPrefix(t, "zh-"):
		return Chinese, true
	}
	return English, false
}

// Negotiate picks the best supported language from an Accept-Language header, English
// when nothing matches.
func Negotiate(accept string) Lang {
	best, bestQ := English, -1.0
	for _, part := range strings.Split(accept, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if l, ok := Parse(tag); ok && q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// T returns the message for key with args formatted in; a missing key shows itself, so a
// gap is visible (and the catalog tests fail before it ships).
func (l Lang) T(key string, args ...any) string {
	msg, ok := catalogs[l][key]
	if !ok {
		if msg, ok = catalogs[English][key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Has reports whether the catalog of l has key.
func (l Lang) Has(key string) bool {
	_, ok := catalogs[l][key]
	return ok
}

// Keys returns every key of l's catalog.
func (l Lang) Keys() []string {
	out := make([]string, 0, len(catalogs[l]))
	for k := range catalogs[l] {
		out = append(out, k)
	}
	return out
}

// Text translates an English message from the domain (a field error, a refusal). The
// catalog keys such messages as "msg." plus the English text; one without a translation is
// shown as it is.
func (l Lang) Text(english string) string {
	if msg, ok := catalogs[l]["msg."+english]; ok {
		return msg
	}
	// "message: the names in question": the message translated, the names as they are.
	if head, tail, ok := strings.Cut(english, ": "); ok {
		if msg, ok := catalogs[l]["msg."+head]; ok {
			return msg + l.T("punct.colon") + tail
		}
	}
	return english
}

var monthsEn = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// Date formats a calendar date: "10 Mar 2026" or "2026年3月10日".
func (l Lang) Date(t time.Time) string {
	t = t.UTC()
	if l == Chinese {
		return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
	}
	return fmt.Sprintf("%d %s %d", t.Day(), monthsEn[t.Month()-1], t.Year())
}

// DateTime formats an instant in UTC; the browser shows it again in local time.
func (l Lang) DateTime(t time.Time) string {
	return l.Date(t) + " " + t.UTC().Format("15:04")
}

// DateString formats a YYYY-MM-DD date string; a malformed one is shown as it is.
func (l Lang) DateString(s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return l.Date(t)
}

var symbols = map[string]string{"CNY": "¥", "USD": "US$", "EUR": "€", "HKD": "HK$", "SGD": "S$", "GBP": "£", "JPY": "JP¥"}

var chineseNames = map[string]string{"CNY": "人民币", "USD": "美元", "EUR": "欧元", "HKD": "港元", "SGD": "新加坡元",
	"GBP": "英镑", "JPY": "日元", "TWD": "新台币", "MOP": "澳门元", "KRW": "韩元", "AUD": "澳元", "CAD": "加元"}

// Currency names a currency for the reader: its code in English ("CNY"), its name in
// Chinese when it has a common one ("人民币"), else the code.
func (l Lang) Currency(code string) string {
	if l == Chinese {
		if n, ok := chineseNames[code]; ok {
			return n
		}
	}
	return code
}

// Money formats a whole amount: "CNY 1,234,567" in English, "¥1,234,567" in Chinese.
func (l Lang) Money(v int64, currency string) string {
	n := Number(v)
	if l == Chinese {
		if sym, ok := symbols[currency]; ok {
			return sym + n
		}
	}
	return currency + " " + n
}

// Number formats an integer with thousands separators.
func Number(v int64) string {
	s := strconv.FormatInt(v, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
