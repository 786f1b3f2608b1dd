package chat

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The platforms' robots, as their documentation describes them:
//   - WeCom (企业微信群机器人): {"msgtype":"markdown","markdown":{"content"}}, content at most
//     4,096 bytes; answers {"errcode":0}; 20 messages a minute.
//   - DingTalk (钉钉自定义机器人): {"msgtype":"markdown","markdown":{"title","text"}}, signed by
//     timestamp (ms) and sign = base64 HMAC-SHA256 of "timestamp\nsecret" keyed by the
//     secret, URL-encoded, both in the query; answers {"errcode":0}; 20 a minute.
//   - Feishu (飞书自定义机器人): {"timestamp","sign","msg_type":"interactive","card"}, sign =
//     base64 HMAC-SHA256 keyed by "timestamp\nsecret" over nothing; answers {"code":0};
//     100 a minute and 5 a second.
//   - Slack (incoming webhook): {"text","blocks"}; answers "ok"; about one a second.

// wecomMax is the most bytes WeCom takes in a markdown message.
const wecomMax = 4096

// Request is what to post to a robot.
type Request struct {
	URL  string
	Body []byte
}

// Build makes the request for message m to a robot of kind at address, signed with
// secret where the platform signs, at time now.
func Build(kind, address, secret string, m Message, now time.Time) (Request, error) {
	var body any
	switch kind {
	case "wecom":
		body = map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": wecomText(m)}}
	case "dingtalk":
		ts := strconv.FormatInt(now.UnixMilli(), 10)
		u, err := url.Parse(address)
		if err != nil {
			return Request{}, err
		}
		q := u.Query()
		q.Set("timestamp", ts)
		q.Set("sign", DingTalkSign(ts, secret))
		u.RawQuery = q.Encode()
		address = u.String()
		body = map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": m.Title, "text": dingTalkText(m)}}
	case "feishu":
		ts := strconv.FormatInt(now.Unix(), 10)
		body = map[string]any{"timestamp": ts, "sign": FeishuSign(ts, secret), "msg_type": "interactive", "card": feishuCard(m)}
	case "slack":
		body = slackBody(m)
	default:
		return Request{}, fmt.Errorf("no chat platform %q", kind)
	}
	b, err := json.Marshal(body)
	return Request{URL: address, Body: b}, err
}

// DingTalkSign is DingTalk's sign: base64 HMAC-SHA256 of "timestamp\nsecret" keyed by the
// secret (URL-encoding is the query's).
func DingTalkSign(timestamp, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// FeishuSign is Feishu's sign: base64 HMAC-SHA256 keyed by "timestamp\nsecret" over an
// empty message.
func FeishuSign(timestamp, secret string) string {
	mac := hmac.New(sha256.New, []byte(timestamp+"\n"+secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Accepted reads a robot's answer: whether it took the message and, when the platform
// says to slow down, how long to wait. A 2xx answer can still be a refusal (WeCom,
// DingTalk and Feishu say so in the body).
func Accepted(kind string, status int, body []byte) (ok bool, wait time.Duration) {
	if status < 200 || status > 299 {
		return false, 0
	}
	var r struct {
		ErrCode    *int `json:"errcode"`
		Code       *int `json:"code"`
		StatusCode *int `json:"StatusCode"`
	}
	switch kind {
	case "wecom", "dingtalk":
		if json.Unmarshal(body, &r) != nil || r.ErrCode == nil {
			return false, 0
		}
		switch *r.ErrCode {
		case 0:
			return true, 0
		case 45009, 130101: // too many messages: WeCom, DingTalk
			return false, time.Minute
		}
		return false, 0
	case "feishu":
		if json.Unmarshal(body, &r) != nil {
			return false, 0
		}
		code := r.Code
		if code == nil {
			code = r.StatusCode
		}
		if code == nil {
			return false, 0
		}
		switch *code {
		case 0:
			return true, 0
		case 9499, 11232: // too many requests
			return false, time.Minute
		}
		return false, 0
	case "slack":
		return strings.TrimSpace(string(body)) == "ok", 0
	}
	return false, 0
}

func wecomText(m Message) string {
	head := "### " + m.Title + "\n"
	if m.Urgent {
		head = `### <font color="warning">` + m.Title + "</font>\n"
	}
	var lines []string
	for _, l := range m.Lines {
		lines = append(lines, "> "+l)
	}
	tail := "\n[" + m.Action.Text + "](" + m.Action.URL + ")"
	var items []string
	for _, it := range m.Items {
		items = append(items, "- ["+it.Text+"]("+it.URL+")")
	}
	// The items go as long as the message stays within WeCom's limit.
	for {
		text := head + strings.Join(lines, "\n") + "\n"
		if len(items) > 0 {
			text += "\n" + strings.Join(items, "\n") + "\n"
		}
		text += tail
		if len(text) <= wecomMax || len(items) == 0 {
			return clipBytes(text, wecomMax)
		}
		items = items[:len(items)-1]
	}
}

// clipBytes cuts s to at most n bytes on a character boundary.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

func dingTalkText(m Message) string {
	var b strings.Builder
	b.WriteString("### " + m.Title + "\n\n")
	for _, l := range m.Lines {
		b.WriteString(l + "\n\n")
	}
	for _, it := range m.Items {
		b.WriteString("- [" + it.Text + "](" + it.URL + ")\n")
	}
	if len(m.Items) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("[" + m.Action.Text + "](" + m.Action.URL + ")")
	return b.String()
}

func feishuCard(m Message) map[string]any {
	colour := "blue"
	if m.Urgent {
		colour = "red"
	}
	var b strings.Builder
	b.WriteString(strings.Join(m.Lines, "\n"))
	for _, it := range m.Items {
		b.WriteString("\n- [" + it.Text + "](" + it.URL + ")")
	}
	return map[string]any{
		"config": map[string]any{"wide_screen_mode": true},
		"header": map[string]any{"template": colour, "title": map[string]string{"tag": "plain_text", "content": m.Title}},
		"elements": []any{
			map[string]any{"tag": "markdown", "content": b.String()},
			map[string]any{"tag": "action", "actions": []any{map[string]any{"tag": "button", "type": "primary",
				"text": map[string]string{"tag": "plain_text", "content": m.Action.Text}, "url": m.Action.URL}}},
		},
	}
}

// slackEscape escapes what Slack's mrkdwn reads as markup.
var slackEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func slackBody(m Message) map[string]any {
	var b strings.Builder
	for _, l := range m.Lines {
		b.WriteString(slackEscape.Replace(l) + "\n")
	}
	for _, it := range m.Items {
		b.WriteString("• <" + it.URL + "|" + slackEscape.Replace(it.Text) + ">\n")
	}
	b.WriteString("<" + m.Action.URL + "|" + slackEscape.Replace(m.Action.Text) + ">")
	return map[string]any{
		"text": m.Title,
		"blocks": []any{
			map[string]any{"type": "header", "text": map[string]any{"type": "plain_text", "text": m.Title}},
			map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": b.String()}},
		},
	}
}
