package chat

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"keyhold/internal/i18n"
)

// A digest naming many long-named accounts still fits WeCom's 4,096 bytes: the list is
// cut, the counts and the link stay.
func TestWeComDigestFits(t *testing.T) {
	d := Digest{Since: "2026-03-02", Currency: "CNY", NeglectedCount: 40, ValueAtRisk: 123456789}
	for i := range 40 {
		d.NewlyNeglected = append(d.NewlyNeglected, DigestAccount{AccountID: int64(i), Name: strings.Repeat("深圳睿桥连锁超市集团有限公司", 8),
			OwnerName: "陈静", ValueAtRisk: 1000000})
	}
	data, _ := json.Marshal(d)
	m, err := Render("digest.weekly", data, i18n.Chinese, "https://keyhold.example.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Items) != digestItems {
		t.Errorf("%d items, want %d", len(m.Items), digestItems)
	}
	r, err := Build("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "", m, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Markdown struct{ Content string }
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	c := body.Markdown.Content
	if len(c) > 4096 || !strings.Contains(c, "共 40 个重点客户需要关注") || !strings.HasSuffix(c, "(https://keyhold.example.com/flags)") {
		t.Errorf("%d bytes:\n%s", len(c), c)
	}
}

// DingTalk's signature goes in the query beside the robot's token, URL-encoded.
func TestDingTalkSignedURL(t *testing.T) {
	now := time.UnixMilli(1700000000000)
	r, err := Build("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=abc", "SECxyz", Message{Title: "t"}, now)
	if err != nil {
		t.Fatal(err)
	}
	want := "access_token=abc&sign=" + strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D").Replace(DingTalkSign("1700000000000", "SECxyz")) +
		"&timestamp=1700000000000"
	if !strings.HasSuffix(r.URL, want) {
		t.Errorf("URL %s, want …%s", r.URL, want)
	}
}
