// Package dedupe says when two customers are likely the same: the keys their names,
// e-mail addresses and phone numbers compare by. Imports check new rows against the book
// with them, and the duplicates list checks the book against itself. Pure: no database.
package dedupe

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NameKey is the key a company name compares by: full-width and half-width forms alike
// (NFKC), letters in lower case, spaces and punctuation left out, and the legal form at
// the end left off — 有限公司, 股份有限公司, 集团, Co., Ltd., Inc. and their like — so
// that "杭州中瑞国际货代有限公司" meets "杭州中瑞国际货代", and "ACME Co., Ltd." meets
// "Acme". A name that is nothing but a legal form keeps it. "" for a name with no letters
// or digits.
func NameKey(name string) string {
	words := wordsOf(strings.ToLower(norm.NFKC.String(name)))
	for len(words) > 0 {
		if n := latinSuffix(words); n > 0 && n < len(words) {
			words = words[:len(words)-n]
			continue
		}
		last := words[len(words)-1]
		if len(words) > 1 && slices.Contains(cjkSuffixes, last) { // "华信科技（中国）有限公司"
			words = words[:len(words)-1]
			continue
		}
		if rest, ok := cutCJKSuffix(last); ok {
			words[len(words)-1] = rest
			continue
		}
		break
	}
	return strings.Join(words, "")
}

// wordsOf splits s into runs of letters and digits; Han characters run together with
// each other, apart from Latin ones ("ABC科技" is "abc" and "科技").
func wordsOf(s string) []string {
	var words []string
	var b strings.Builder
	han := false
	flush := func() {
		if b.Len() > 0 {
			words = append(words, b.String())
			b.Reset()
		}
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		h := unicode.Is(unicode.Han, r)
		if b.Len() > 0 && h != han {
			flush()
		}
		han = h
		b.WriteRune(r)
	}
	flush()
	return words
}

// latinSuffixes are legal forms in Latin letters, as words, longest first.
var latinSuffixes = [][]string{
	{"company", "limited"}, {"co", "limited"}, {"co", "ltd"}, {"pte", "ltd"}, {"pvt", "ltd"}, {"sdn", "bhd"},
	{"limited"}, {"ltd"}, {"incorporated"}, {"inc"}, {"corporation"}, {"corp"}, {"company"}, {"co"},
	{"llc"}, {"llp"}, {"plc"}, {"gmbh"}, {"ag"}, {"sa"}, {"sarl"}, {"bv"}, {"nv"}, {"kk"}, {"group"}, {"holdings"},
}

// latinSuffix is how many words at the end of words are a legal form (0: none).
func latinSuffix(words []string) int {
	for _, s := range latinSuffixes {
		if len(s) <= len(words) && equal(words[len(words)-len(s):], s) {
			return len(s)
		}
	}
	return 0
}

func equal(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// cjkSuffixes are legal forms in Chinese, longest first. 分公司 (a branch) is not one:
// a branch is a customer of its own.
var cjkSuffixes = []string{
	"集团股份有限公司", "集团有限责任公司", "集团有限公司", "股份有限公司", "有限责任公司", "有限公司",
	"集团公司", "集团", "公司",
}

// cutCJKSuffix cuts a legal form off the end of word, unless nothing would be left.
func cutCJKSuffix(word string) (string, bool) {
	if slices.Contains(cjkSuffixes, word) {
		return word, false
	}
	for _, s := range cjkSuffixes {
		if rest, ok := strings.CutSuffix(word, s); ok && rest != "" {
			return rest, true
		}
	}
	return word, false
}

// EmailKey is the key an e-mail address compares by: trimmed, in lower case; "" when it
// is not an address.
func EmailKey(email string) string {
	if !ascii(email) {
		email = norm.NFKC.String(email)
	}
	e := strings.ToLower(strings.TrimSpace(email))
	if !strings.Contains(e, "@") {
		return ""
	}
	return e
}

// PhoneKey is the key a phone number compares by: its digits (full-width ones too), the
// last 11 of them — a mainland mobile number whether written with +86 or not — or ""
// when there are fewer than 7 (an extension, a typo).
func PhoneKey(phone string) string {
	var b strings.Builder
	for _, r := range phone {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９': // full-width
			b.WriteRune('0' + r - '０')
		}
	}
	d := b.String()
	if len(d) < 7 {
		return ""
	}
	if len(d) > 11 {
		d = d[len(d)-11:]
	}
	return d
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
