package check

import (
	"strings"
	"testing"
	"time"

	"keyhold/internal/fault"
)

func TestLineAndText(t *testing.T) {
	for _, c := range []struct {
		in        string
		multiline bool
		max       int
		required  bool
		want      string // the value kept
		problem   string // part of the problem, "" for none
	}{
		{"  Acme  ", false, 10, true, "Acme", ""},
		{"   ", false, 10, true, "", "required"},
		{"", false, 10, false, "", ""},
		{"华为技术", false, 4, true, "华为技术", ""},
		{"华为技术有", false, 4, true, "华为技术有", "too long"},
		{"a\r\nb", false, 10, true, "a\r\nb", "line breaks"},
		{"a\tb", false, 10, true, "a\tb", "control"},
		{"x\x00y", false, 10, true, "x\x00y", "control"},
		{"x\u0085y", false, 10, true, "x\u0085y", "control"},
		{"x\u2028y", false, 10, true, "x\u2028y", "control"},
		{"caf\xe9", false, 10, true, "caf\xe9", "UTF-8"},
		{"one\r\ntwo\tthree", true, 20, true, "one\ntwo\tthree", ""},
		{"ding\x07", true, 20, true, "ding\x07", "control"},
		{"\x1b[31m", true, 20, true, "\x1b[31m", "control"},
	} {
		bad := fault.Collect{}
		s := c.in
		if c.multiline {
			Text(bad, "f", &s, c.max, c.required)
		} else {
			Line(bad, "f", &s, c.max, c.required)
		}
		if s != c.want || (c.problem == "") != (bad["f"] == "") || !strings.Contains(bad["f"], c.problem) {
			t.Errorf("%q (multiline %v): kept %q, problem %q; want %q, %q", c.in, c.multiline, s, bad["f"], c.want, c.problem)
		}
	}
}

func TestDatesAndTimes(t *testing.T) {
	for s, ok := range map[string]bool{"1900-01-01": true, "2100-12-31": true, "1899-12-31": false, "2101-01-01": false,
		"0001-01-01": false, "0000-01-01": false, "2026-02-30": false, "2026-2-3": false, "": false} {
		bad := fault.Collect{}
		if _, got := Date(bad, "d", s); got != ok || (bad["d"] == "") != ok {
			t.Errorf("Date(%q) = %v (%q), want %v", s, got, bad["d"], ok)
		}
	}
	for at, ok := range map[time.Time]bool{time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC): false, MaxDate: true,
		MaxDate.Add(time.Second): false, time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC): true} {
		if got := Time(fault.Collect{}, "t", at); got != ok {
			t.Errorf("Time(%v) = %v", at, got)
		}
	}
}

func TestIDsAndQuery(t *testing.T) {
	ids := make([]int64, MaxIDs)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	for _, c := range []struct {
		ids []int64
		ok  bool
	}{{nil, true}, {ids, true}, {append(ids, 101), false}, {[]int64{3, 0}, false}, {[]int64{-1}, false}} {
		bad := fault.Collect{}
		if IDs(bad, "ids", c.ids); (bad["ids"] == "") != c.ok {
			t.Errorf("%d ids: %q", len(c.ids), bad["ids"])
		}
	}
	q := strings.Repeat("云", MaxQuery)
	bad := fault.Collect{}
	if Query(bad, "q", &q); len(bad) != 0 {
		t.Errorf("a search of %d characters: %v", MaxQuery, bad)
	}
	q += "x"
	if Query(bad, "q", &q); bad["q"] == "" {
		t.Errorf("a search of %d characters passed", MaxQuery+1)
	}
}

func TestPrintable(t *testing.T) {
	for _, c := range []struct {
		in        string
		multiline bool
		want      string
	}{
		{"Acme 华为", false, "Acme 华为"},
		{"a\r\nb\x00", false, "a  b "},
		{"a\r\nb\tc", true, "a \nb\tc"},
		{"caf\xe9", false, "caf "},
	} {
		if got := Printable(c.in, c.multiline); got != c.want {
			t.Errorf("Printable(%q, %v) = %q, want %q", c.in, c.multiline, got, c.want)
		}
	}
}

// An e-mail address is one address as typed, with a domain that has a dot.
func TestEmail(t *testing.T) {
	for s, ok := range map[string]bool{
		"li.na@example.com": true, "zhou.min@hengda-precision.cn": true, "a@b.co": true,
		"sunxiaoming@jiasheng": false, "li.na@example..com": false, "li.na@.com": false, "li.na@example.": false,
		"Li Na <li.na@example.com>": false, "li.na": false, "li na@example.com": false,
	} {
		bad := fault.Collect{}
		Email(bad, "email", s)
		if got := len(bad) == 0; got != ok {
			t.Errorf("%q accepted: %v, want %v", s, got, ok)
		}
	}
}
