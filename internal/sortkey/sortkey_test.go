package sortkey

import (
	"slices"
	"testing"
)

func TestPinyinOrder(t *testing.T) {
	names := []string{"张伟", "Zeta Co", "王丽", "阿里巴巴", "alpha Ltd", "北京恒信", "李娜", "Beta", "陈静", "Émile", "刘洋"}
	Sort(names, func(s string) string { return s })
	want := []string{"alpha Ltd", "阿里巴巴", "Beta", "北京恒信", "陈静", "Émile", "李娜", "刘洋", "王丽", "Zeta Co", "张伟"}
	if !slices.Equal(names, want) {
		t.Errorf("order:\n got %q\nwant %q", names, want)
	}
	if Compare("ALPHA", "alpha") != 0 || Compare("王丽", "张伟") >= 0 {
		t.Error("Compare")
	}
}

// Chinese names file under the first letter of their pinyin: common surnames and cities.
func TestLetters(t *testing.T) {
	for want, names := range map[byte]string{'A': "阿艾安爱", 'B': "白北巴", 'C': "陈蔡曹成", 'D': "邓丁段东", 'E': "鄂恩",
		'F': "范方冯佛", 'G': "高葛郭贵广", 'H': "黄韩何杭合", 'J': "金姜蒋济", 'K': "孔康柯昆", 'L': "李刘罗林梁",
		'M': "马毛孟", 'N': "宁倪聂南", 'O': "欧", 'P': "潘彭庞", 'Q': "钱秦齐邱青", 'R': "任荣阮", 'S': "孙宋苏深石",
		'T': "唐汤陶田天太", 'W': "王吴万魏无", 'X': "徐谢夏许", 'Y': "杨叶严袁银", 'Z': "张赵周朱邹郑珠"} {
		for _, r := range names {
			if got := Of(string(r) + "某")[0]; got != want {
				t.Errorf("%c files under %c, want %c", r, got, want)
			}
		}
	}
	for name, want := range map[string]byte{"Émile": 'E', "zeta": 'Z', "3M China": '#', " Alpha": 'A', "Ωmega": '~'} {
		if got := Of(name)[0]; got != want {
			t.Errorf("%q files under %c, want %c", name, got, want)
		}
	}
}

func BenchmarkOf(b *testing.B) {
	for b.Loop() {
		Of("杭州中瑞国际货代有限公司")
	}
}
