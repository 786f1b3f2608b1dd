package demo

import (
	"encoding/json"

	"keyhold/internal/picklists"
)

// The demo organisation's lists of industries, regions and channels, with the labels its
// Chinese and English readers see: the codes are what its accounts hold.
var (
	industryZh = map[string]string{"Manufacturing": "制造业", "Retail": "零售", "Logistics": "物流", "Healthcare": "医疗健康",
		"Software": "软件", "Energy": "能源", "Education": "教育", "Finance": "金融"}
	regionZh = map[string]string{"East China": "华东", "North China": "华北", "South China": "华南", "West China": "西部",
		"Hong Kong": "香港", "Singapore": "新加坡"}
	channelLabels = map[string][2]string{"referral": {"Referral", "客户转介绍"}, "trade_show": {"Trade show", "展会"},
		"inbound": {"Inbound enquiry", "主动咨询"}, "outbound": {"Outbound prospecting", "主动开发"}, "partner": {"Partner", "合作伙伴"}}
)

// picklists stores the three lists, as an admin would have on the lists page.
func (g *gen) picklists() error {
	lists := map[picklists.List][]picklists.Entry{}
	for _, in := range industries {
		lists[picklists.Industry] = append(lists[picklists.Industry], picklists.Entry{Code: in.name, En: in.name, Zh: industryZh[in.name]})
	}
	for _, r := range regions {
		lists[picklists.Region] = append(lists[picklists.Region], picklists.Entry{Code: r.name, En: r.name, Zh: regionZh[r.name]})
	}
	for _, c := range channels {
		l := channelLabels[c]
		lists[picklists.Channel] = append(lists[picklists.Channel], picklists.Entry{Code: c, En: l[0], Zh: l[1]})
	}
	for name, entries := range lists {
		raw, err := json.Marshal(entries)
		if err != nil {
			return err
		}
		if err := g.w.exec(`INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, []any{"picklist." + string(name), string(raw)}); err != nil {
			return err
		}
	}
	return nil
}
