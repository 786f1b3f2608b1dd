package picklists

import (
	"testing"

	"keyhold/internal/fault"
)

func TestCheckTrimsAndRefusesByPosition(t *testing.T) {
	got, err := check([]Entry{{Code: " Logistics ", En: "Logistics", Zh: " 物流"}, {Code: "retail", Zh: "零售"}})
	if err != nil || got[0] != (Entry{Code: "Logistics", En: "Logistics", Zh: "物流"}) || got[1].En != "" {
		t.Fatalf("clean entries: %+v %v", got, err)
	}
	long := string(make([]rune, 101))
	_, err = check([]Entry{{Code: "A", En: "a"}, {Code: "a", En: "again"}, {Code: "", Zh: "无"}, {Code: "B"}, {Code: "C", Zh: long}, {Code: "x\ny", En: "two lines"}})
	e, ok := fault.As(err)
	if !ok {
		t.Fatalf("want a field error, got %v", err)
	}
	want := map[string]string{"data[1].code": "repeats an earlier code", "data[2].code": "is required",
		"data[3].en": "needs an English or a Chinese label", "data[4].zh": "must be at most 100 characters",
		"data[5].code": "must be one line"}
	for k, v := range want {
		if e.Fields[k] != v {
			t.Errorf("%s: %q, want %q (all: %v)", k, e.Fields[k], v, e.Fields)
		}
	}
	if len(e.Fields) != len(want) {
		t.Errorf("unexpected problems: %v", e.Fields)
	}
	if _, err := check(make([]Entry, MaxEntries+1)); err == nil {
		t.Error("a list longer than the limit")
	}
}

func TestLabelsAndResolve(t *testing.T) {
	s := Set{Industry: {{Code: "Logistics", En: "Logistics", Zh: "物流"}, {Code: "retail", Zh: "零售"}}}
	cases := []struct {
		code string
		zh   bool
		want string
	}{
		{"Logistics", true, "物流"}, {"logistics", false, "Logistics"}, {"retail", false, "零售"}, {"Mining", true, "Mining"}, {"", true, ""},
	}
	for _, c := range cases {
		if got := s.Label(Industry, c.code, c.zh); got != c.want {
			t.Errorf("Label(%q, zh=%v) = %q, want %q", c.code, c.zh, got, c.want)
		}
	}
	for in, want := range map[string]string{"物流": "Logistics", " LOGISTICS ": "Logistics", "零售": "retail", "Retail": "retail"} {
		if got, ok := s.Resolve(Industry, in); !ok || got != want {
			t.Errorf("Resolve(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	if got, ok := s.Resolve(Industry, "Mining"); ok || got != "Mining" {
		t.Errorf("a value off the list is kept: %q %v", got, ok)
	}
	if got, ok := s.Resolve(Region, "物流"); ok || got != "物流" {
		t.Errorf("another list does not match: %q %v", got, ok)
	}
}
