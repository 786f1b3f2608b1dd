package sortkey

import (
	"slices"
	"testing"
)

func TestPinyinOrder(t *testing.T) {
	names := []string{"张伟", "Zeta Co", "王丽", "阿里巴巴", "alpha Ltd", "北京恒信", "李娜", "Beta", "陈静", "Émile", "刘洋"}
	Sort(names, func(s string) string { return s })
	want := []string{"alpha Ltd", "Beta", "Émile", "Zeta Co", "阿里巴巴", "北京恒信", "陈静", "李娜", "刘洋", "王丽", "张伟"}
	if !slices.Equal(names, want) {
		t.Errorf("order:\n got %q\nwant %q", names, want)
	}
	if Compare("ALPHA", "alpha") != 0 || Compare("王丽", "张伟") >= 0 {
		t.Error("Compare")
	}
}

func BenchmarkOf(b *testing.B) {
	for b.Loop() {
		Of("杭州中瑞国际货代有限公司")
	}
}
