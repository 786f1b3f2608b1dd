// Package check holds the field rules every domain package applies to what people type
// and systems send: text that is valid UTF-8 and free of control characters, dates in a
// plausible range, bounded lists and searches. A stored value then never breaks an output
// (a calendar feed, a CSV download, a page) and no input reaches a 500.
package check

import (
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"keyhold/internal/fault"
)

// DateLayout is how calendar dates travel: YYYY-MM-DD.
const DateLayout = "2006-01-02"

// The dates Keyhold accepts: a customer since 0001-01-01 or an interaction in year 1 is a
// typing slip, and far dates overflow the arithmetic of cadences and reports.
var (
	MinDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxDate = time.Date(2100, 12, 31, 23, 59, 59, 0, time.UTC)
)

const (
	// MaxIDs bounds a list of ids in one request (contacts and participants of an
	// interaction, a note's key contacts, items assigned at once).
	MaxIDs = 100
	// MaxQuery bounds a search, in characters.
	MaxQuery = 200
)

// Line trims *s and checks it as single-line text (a name, a title, an e-mail, a phone):
// valid UTF-8, no control characters, at most max characters, not empty when required.
func Line(bad fault.Collect, field string, s *string, max int, required bool) {
	*s = strings.TrimSpace(*s)
	text(bad, field, *s, max, required, false)
}

// Text trims *s and checks it as multi-line text (a summary, a note): as Line, but
// newlines and tabs are allowed; a browser's CRLF line ends are kept as LF.
func Text(bad fault.Collect, field string, s *string, max int, required bool) {
	*s = strings.TrimSpace(strings.ReplaceAll(*s, "\r\n", "\n"))
	text(bad, field, *s, max, required, true)
}

func text(bad fault.Collect, field, s string, max int, required, multiline bool) {
	switch {
	case required && s == "":
		bad.Add(field, "is required")
	case !utf8.ValidString(s):
		bad.Add(field, "must be valid UTF-8 text")
	case utf8.RuneCountInString(s) > max:
		bad.Add(field, "is too long")
	case strings.ContainsFunc(s, func(r rune) bool { return !allowed(r, multiline) }):
		if multiline {
			bad.Add(field, "may not contain control characters other than newline and tab")
		} else {
			bad.Add(field, "may not contain line breaks or control characters")
		}
	}
}

// allowed reports whether r may stand in text: no control characters (C0, DEL, C1) nor
// the Unicode line and paragraph separators, except newline and tab in multi-line text.
func allowed(r rune, multiline bool) bool {
	if multiline && (r == '\n' || r == '\t') {
		return true
	}
	return !unicode.IsControl(r) && r != '\u2028' && r != '\u2029'
}

// Clean reports whether s would pass Line: what a query parameter or a code is checked
// against before it is used.
func Clean(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return !allowed(r, false) })
}

// Date checks s as a YYYY-MM-DD date within MinDate…MaxDate and returns it.
func Date(bad fault.Collect, field, s string) (time.Time, bool) {
	d, err := time.Parse(DateLayout, s)
	if err != nil || d.Format(DateLayout) != s {
		bad.Add(field, "must be a date as YYYY-MM-DD")
		return time.Time{}, false
	}
	if !InRange(d) {
		bad.Add(field, "must be between 1900-01-01 and 2100-12-31")
		return time.Time{}, false
	}
	return d, true
}

// Time checks that t lies within MinDate…MaxDate.
func Time(bad fault.Collect, field string, t time.Time) bool {
	if !InRange(t) {
		bad.Add(field, "must be between 1900-01-01 and 2100-12-31")
		return false
	}
	return true
}

// InRange reports whether t lies within MinDate…MaxDate.
func InRange(t time.Time) bool { return !t.Before(MinDate) && !t.After(MaxDate) }

// IDs checks that a list of ids is at most MaxIDs long and holds only positive ids.
func IDs(bad fault.Collect, field string, ids []int64) {
	if len(ids) > MaxIDs {
		bad.Add(field, "may list at most 100 ids")
		return
	}
	for _, id := range ids {
		if id <= 0 {
			bad.Add(field, "must list positive ids")
			return
		}
	}
}

// Query checks a search: clean single-line text of at most MaxQuery characters.
func Query(bad fault.Collect, field string, q *string) {
	Line(bad, field, q, MaxQuery, false)
}

// Printable makes stored text safe for an output that a control character would break
// (a calendar line, a CSV cell): invalid UTF-8 and control characters become spaces,
// except newline and tab when multiline. Text stored before these rules, or brought in by
// other means, can still hold them.
func Printable(s string, multiline bool) string {
	if Clean(s) {
		return s
	}
	s = strings.ToValidUTF8(s, " ")
	return strings.Map(func(r rune) rune {
		if allowed(r, multiline) {
			return r
		}
		return ' '
	}, s)
}

// Email records a problem unless s (already trimmed) is one e-mail address, as a person
// types it, whose domain has a dot: sunxiaoming@jiasheng is a slip, not an address mail
// reaches.
func Email(bad fault.Collect, field, s string) {
	a, err := mail.ParseAddress(s)
	_, domain, _ := strings.Cut(s, "@")
	labels := strings.Split(domain, ".")
	if err != nil || a.Address != s || len(s) > 254 || !Clean(s) || len(labels) < 2 || slices.Contains(labels, "") {
		bad.Add(field, "is not a valid e-mail address")
	}
}
