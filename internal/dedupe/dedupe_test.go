package dedupe

import "testing"

func TestNameKey(t *testing.T) {
	same := [][]string{
		{"杭州中瑞国际货代有限公司", "杭州中瑞国际货代", "杭州中瑞国际货代股份有限公司", " 杭州中瑞国际货代集团有限公司 "},
		{"ACME Co., Ltd.", "Acme", "ACME Inc.", "acme company limited", "ＡＣＭＥ　Ｃｏ．，Ｌｔｄ．"},
		{"Horizonkey Biotech Pte. Ltd.", "HORIZONKEY BIOTECH", "Horizonkey  Biotech"},
		{"华信科技（中国）有限公司", "华信科技(中国)"},
		{"ABC科技有限公司", "abc 科技"},
	}
	for _, group := range same {
		want := NameKey(group[0])
		for _, n := range group[1:] {
			if got := NameKey(n); got != want {
				t.Errorf("NameKey(%q) = %q, NameKey(%q) = %q: want the same", n, got, group[0], want)
			}
		}
	}
	differ := [][2]string{
		{"Costco", "Cost"},                  // a name ending in "co" is not a legal form
		{"上海分公司", "上海"},                     // a branch is a customer of its own
		{"Acme Steel", "Acme"},              //
		{"杭州中瑞国际货代", "杭州中瑞国际"},              //
		{"Group 4 Security", "4 Security"},  // only at the end
		{"New Co", "New Company Logistics"}, //
		{"Apple", "Applecoltd"},             // words, not letters
		{"有限公司", ""},                        // a name that is only a legal form keeps it
	}
	for _, d := range differ {
		if a, b := NameKey(d[0]), NameKey(d[1]); a == b {
			t.Errorf("NameKey(%q) = NameKey(%q) = %q: want them apart", d[0], d[1], a)
		}
	}
	if k := NameKey("——"); k != "" {
		t.Errorf("a name without letters: %q", k)
	}
	if k := NameKey("有限公司"); k != "有限公司" {
		t.Errorf("a name that is only a legal form: %q", k)
	}
	if k := NameKey("Ltd"); k != "ltd" {
		t.Errorf("a name that is only a legal form: %q", k)
	}
}

func TestEmailAndPhoneKeys(t *testing.T) {
	if a, b := EmailKey(" Li.Na@Example.com "), EmailKey("li.na@example.com"); a != b || a == "" {
		t.Errorf("e-mails %q and %q", a, b)
	}
	if EmailKey("not an address") != "" {
		t.Error("a non-address has a key")
	}
	for _, p := range []string{"+86 138-0013-8000", "13800138000", "(0086) 138 0013 8000", "１３８００１３８０００"} {
		if k := PhoneKey(p); k != "13800138000" {
			t.Errorf("PhoneKey(%q) = %q", p, k)
		}
	}
	if PhoneKey("ext. 123") != "" {
		t.Error("an extension has a key")
	}
}
