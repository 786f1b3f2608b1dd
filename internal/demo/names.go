package demo

import (
	"math/rand/v2"
	"strings"
)

// hz is a piece of Chinese text with its pinyin, for names and e-mail addresses.
type hz struct{ zh, py string }

var zhSurnames = []hz{
	{"王", "wang"}, {"李", "li"}, {"张", "zhang"}, {"刘", "liu"}, {"陈", "chen"}, {"杨", "yang"},
	{"赵", "zhao"}, {"黄", "huang"}, {"周", "zhou"}, {"吴", "wu"}, {"徐", "xu"}, {"孙", "sun"},
	{"胡", "hu"}, {"朱", "zhu"}, {"高", "gao"}, {"林", "lin"}, {"何", "he"}, {"郭", "guo"},
	{"马", "ma"}, {"罗", "luo"}, {"梁", "liang"}, {"宋", "song"}, {"郑", "zheng"}, {"谢", "xie"},
	{"韩", "han"}, {"唐", "tang"}, {"冯", "feng"}, {"于", "yu"}, {"董", "dong"}, {"萧", "xiao"},
	{"程", "cheng"}, {"曹", "cao"}, {"袁", "yuan"}, {"邓", "deng"}, {"许", "xu"}, {"傅", "fu"},
	{"沈", "shen"}, {"曾", "zeng"}, {"彭", "peng"}, {"吕", "lv"},
}

var zhGiven = []hz{
	{"伟", "wei"}, {"芳", "fang"}, {"娜", "na"}, {"敏", "min"}, {"静", "jing"}, {"丽", "li"},
	{"强", "qiang"}, {"磊", "lei"}, {"军", "jun"}, {"洋", "yang"}, {"勇", "yong"}, {"艳", "yan"},
	{"杰", "jie"}, {"娟", "juan"}, {"涛", "tao"}, {"明", "ming"}, {"超", "chao"}, {"秀英", "xiuying"},
	{"霞", "xia"}, {"平", "ping"}, {"刚", "gang"}, {"桂英", "guiying"}, {"建华", "jianhua"},
	{"志强", "zhiqiang"}, {"海燕", "haiyan"}, {"晓明", "xiaoming"}, {"文博", "wenbo"},
	{"思远", "siyuan"}, {"雨婷", "yuting"}, {"子涵", "zihan"}, {"浩然", "haoran"}, {"佳怡", "jiayi"},
	{"俊杰", "junjie"}, {"欣怡", "xinyi"}, {"宇航", "yuhang"}, {"梦瑶", "mengyao"}, {"天宇", "tianyu"},
	{"志明", "zhiming"}, {"国庆", "guoqing"}, {"晓燕", "xiaoyan"}, {"立新", "lixin"}, {"慧敏", "huimin"},
}

var enFirst = []string{
	"James", "Emily", "Michael", "Sarah", "David", "Laura", "Daniel", "Jessica", "Robert", "Olivia",
	"Thomas", "Sophie", "Andrew", "Rachel", "Mark", "Hannah", "Peter", "Grace", "Kevin", "Claire",
	"Brian", "Natalie", "Ryan", "Megan", "Jason", "Chloe", "Eric", "Amanda", "Steven", "Victoria",
	"Kelvin", "Vivian", "Tony", "Irene", "Alan", "Cindy", "Samuel", "Fiona", "Patrick", "Helen",
}

var enLast = []string{
	"Smith", "Johnson", "Brown", "Taylor", "Wilson", "Clark", "Walker", "Hall", "Young", "King",
	"Wright", "Green", "Baker", "Adams", "Nelson", "Carter", "Mitchell", "Turner", "Parker", "Collins",
	"Edwards", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Bell", "Cooper", "Reed",
	"Bailey", "Hughes", "Foster", "Russell", "Hayes", "Fisher", "Brooks", "Palmer", "Grant", "Shaw",
}

// Surnames for people at Hong Kong and Singapore companies, who usually go by an English
// given name and a romanised Chinese surname.
var hkLast = []string{"Chan", "Wong", "Leung", "Cheung", "Lau", "Ho", "Lam", "Ng", "Tsang", "Yeung", "Chow", "Kwok"}
var sgLast = []string{"Tan", "Lim", "Lee", "Ng", "Ong", "Wong", "Goh", "Chua", "Koh", "Teo", "Low", "Sim"}

// person is a generated name and the local part of an e-mail address for it.
type person struct{ name, local string }

func zhPerson(r *rand.Rand) person {
	s, g := zhSurnames[r.IntN(len(zhSurnames))], zhGiven[r.IntN(len(zhGiven))]
	return person{s.zh + g.zh, s.py + "." + g.py}
}

func enPerson(r *rand.Rand, last []string) person {
	f, l := enFirst[r.IntN(len(enFirst))], last[r.IntN(len(last))]
	return person{f + " " + l, strings.ToLower(f + "." + l)}
}

// region is a sales region with the cities its companies are in.
type region struct {
	name    string
	weight  int
	english bool // companies here are named in English and billed in USD
	cities  []hz
	phone   string // country code
	tld     string
}

var regions = []region{
	{"East China", 34, false, []hz{{"上海", "Shanghai"}, {"杭州", "Hangzhou"}, {"苏州", "Suzhou"}, {"南京", "Nanjing"},
		{"宁波", "Ningbo"}, {"无锡", "Wuxi"}, {"合肥", "Hefei"}, {"青岛", "Qingdao"}, {"厦门", "Xiamen"}}, "+86", ".cn"},
	{"North China", 20, false, []hz{{"北京", "Beijing"}, {"天津", "Tianjin"}, {"石家庄", "Shijiazhuang"},
		{"太原", "Taiyuan"}, {"唐山", "Tangshan"}}, "+86", ".cn"},
	{"South China", 20, false, []hz{{"深圳", "Shenzhen"}, {"广州", "Guangzhou"}, {"东莞", "Dongguan"},
		{"佛山", "Foshan"}, {"珠海", "Zhuhai"}, {"南宁", "Nanning"}}, "+86", ".cn"},
	{"West China", 10, false, []hz{{"成都", "Chengdu"}, {"重庆", "Chongqing"}, {"西安", "Xi'an"},
		{"昆明", "Kunming"}, {"贵阳", "Guiyang"}}, "+86", ".cn"},
	{"Hong Kong", 8, true, []hz{{"香港", "Hong Kong"}}, "+852", ".com.hk"},
	{"Singapore", 8, true, []hz{{"新加坡", "Singapore"}}, "+65", ".com.sg"},
}

// industry is an industry with the words its company names are made of.
type industry struct {
	name   string
	weight int
	zh, en []string
}

var industries = []industry{
	{"Manufacturing", 20, []string{"精密机械", "机电", "模具", "电子", "汽车零部件", "自动化设备"},
		[]string{"Precision", "Machinery", "Components", "Industries", "Tooling", "Automation"}},
	{"Retail", 15, []string{"商贸", "食品", "百货", "连锁超市", "家居", "服饰"},
		[]string{"Foods", "Markets", "Stores", "Trading", "Home", "Apparel"}},
	{"Logistics", 12, []string{"物流", "供应链", "货运", "速运", "仓储", "国际货代"},
		[]string{"Logistics", "Freight", "Shipping", "Supply Chain", "Transport", "Cargo"}},
	{"Healthcare", 10, []string{"医疗器械", "生物医药", "健康科技", "医药", "诊断技术", "康复医疗"},
		[]string{"Medical", "Health", "Diagnostics", "Pharma", "Clinics", "Biotech"}},
	{"Software", 14, []string{"软件", "信息技术", "网络科技", "数据科技", "云计算", "智能科技"},
		[]string{"Software", "Systems", "Data", "Labs", "Cloud", "Analytics"}},
	{"Energy", 9, []string{"新能源", "电力", "光伏科技", "能源", "储能技术", "燃气"},
		[]string{"Energy", "Power", "Solar", "Renewables", "Grid", "Fuels"}},
	{"Education", 8, []string{"教育科技", "培训", "文化教育", "职业培训", "教育咨询", "图书"},
		[]string{"Learning", "Education", "Academy", "Training", "Schools", "Publishing"}},
	{"Finance", 12, []string{"融资租赁", "投资", "资产管理", "金融服务", "支付科技", "保险代理"},
		[]string{"Capital", "Finance", "Payments", "Partners", "Leasing", "Insurance"}},
}

// Chinese trade names are two characters, one from each list.
var zhBrand1 = []hz{
	{"恒", "heng"}, {"星", "xing"}, {"云", "yun"}, {"华", "hua"}, {"宏", "hong"}, {"金", "jin"},
	{"天", "tian"}, {"瑞", "rui"}, {"鼎", "ding"}, {"博", "bo"}, {"嘉", "jia"}, {"中", "zhong"},
	{"汇", "hui"}, {"永", "yong"}, {"新", "xin"}, {"同", "tong"}, {"佳", "jia"}, {"海", "hai"},
	{"润", "run"}, {"卓", "zhuo"}, {"远", "yuan"}, {"启", "qi"}, {"凯", "kai"}, {"盛", "sheng"},
	{"长", "chang"}, {"明", "ming"}, {"安", "an"}, {"九", "jiu"}, {"东", "dong"}, {"信", "xin"},
	{"泰", "tai"}, {"睿", "rui"}, {"锦", "jin"}, {"正", "zheng"}, {"德", "de"}, {"万", "wan"},
	{"百", "bai"}, {"康", "kang"}, {"隆", "long"}, {"兴", "xing"},
}

var zhBrand2 = []hz{
	{"瑞", "rui"}, {"河", "he"}, {"帆", "fan"}, {"信", "xin"}, {"达", "da"}, {"桥", "qiao"},
	{"成", "cheng"}, {"丰", "feng"}, {"盛", "sheng"}, {"远", "yuan"}, {"禾", "he"}, {"诚", "cheng"},
	{"通", "tong"}, {"泰", "tai"}, {"锐", "rui"}, {"创", "chuang"}, {"和", "he"}, {"纳", "na"},
	{"泽", "ze"}, {"越", "yue"}, {"景", "jing"}, {"明", "ming"}, {"世", "shi"}, {"青", "qing"},
	{"安", "an"}, {"方", "fang"}, {"源", "yuan"}, {"辉", "hui"}, {"腾", "teng"}, {"宇", "yu"},
	{"恒", "heng"}, {"科", "ke"}, {"邦", "bang"}, {"林", "lin"}, {"晟", "sheng"}, {"鑫", "xin"},
	{"力", "li"}, {"光", "guang"}, {"拓", "tuo"}, {"航", "hang"},
}

// realBrands are combinations of the word lists that are well-known real companies;
// the generator skips them so every demo company is invented.
var realBrands = map[string]bool{
	"万科": true, "中信": true, "海信": true, "长安": true, "中通": true, "德邦": true, "中航": true, "东航": true,
	"海航": true, "安邦": true, "信达": true, "华泰": true, "中泰": true, "天安": true, "恒瑞": true, "华宇": true,
	"Silver Lake": true, "Eagle Star": true, "Red Cross": true, "Blue Cross": true, "Sun Life": true,
}

var zhSuffixes = []string{"有限公司", "有限公司", "股份有限公司", "集团有限公司", "", ""}

// English trade names are one word from each list ("Blue Harbor", "Silver Ridge").
var enBrand1 = []string{
	"Blue", "Silver", "North", "Red", "Golden", "Iron", "Pacific", "Summit", "Evergreen", "Bright",
	"Clear", "Stone", "Maple", "Cedar", "Falcon", "Eagle", "Harbor", "River", "Lake", "Sun",
	"East", "West", "Jade", "Coral", "Oak", "Pine", "Crystal", "Lotus", "Orchid", "Dragon",
	"Phoenix", "Horizon", "Atlas", "Apex", "Crown", "Sterling", "Granite", "Willow", "Harvest", "Meridian",
}

var enBrand2 = []string{
	"Harbor", "Ridge", "Bridge", "Peak", "Field", "Point", "Gate", "Wave", "Line", "Crest",
	"Rock", "Leaf", "Star", "Path", "Way", "Wind", "Bay", "Valley", "Brook", "Stone",
	"Hill", "Light", "Port", "Grove", "Spring", "Shore", "Tree", "Vale", "Key", "Cross",
}

// Job titles; the senior ones go to the decision maker.
var (
	zhSeniorTitles = []string{"总经理", "董事长", "采购总监", "副总经理", "财务总监"}
	enSeniorTitles = []string{"CEO", "Managing Director", "Head of Procurement", "COO", "CFO"}
	zhTitles       = []string{"采购经理", "IT总监", "运营经理", "财务经理", "技术总监", "行政主管", "供应链经理", "质量经理", "项目经理"}
	enTitles       = []string{"Procurement Manager", "IT Director", "Operations Manager", "Finance Manager", "CTO",
		"Office Manager", "Supply Chain Manager", "Quality Manager", "Project Manager"}
)

// weighted picks an index from weights.
func weighted(r *rand.Rand, weights []int, total int) int {
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func sum(ws []int) int {
	t := 0
	for _, w := range ws {
		t += w
	}
	return t
}
