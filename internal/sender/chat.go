package sender

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"time"

	"keyhold/internal/chat"
	"keyhold/internal/i18n"
	"keyhold/internal/webhooks"
)

// limits are how many messages each platform's robot takes: so many per window.
var limits = map[string][]window{
	webhooks.WeCom:    {{20, time.Minute}},
	webhooks.DingTalk: {{20, time.Minute}},
	webhooks.Feishu:   {{100, time.Minute}, {5, time.Second}},
	webhooks.Slack:    {{1, time.Second}},
}

type window struct {
	n   int
	per time.Duration
}

// pacer remembers when each chat target was last sent to, to keep within its platform's
// limits: a message the robot would refuse waits in the queue instead (a rolling window,
// which a token bucket would let a burst exceed).
type pacer struct {
	mu   sync.Mutex
	sent map[int64][]time.Time
}

// take reports how long the message to target must wait; zero means send now (and it
// is counted as sent).
func (p *pacer) take(target int64, kind string, now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sent == nil {
		p.sent = map[int64][]time.Time{}
	}
	past := p.sent[target]
	longest := time.Duration(0)
	for _, w := range limits[kind] {
		longest = max(longest, w.per)
	}
	for len(past) > 0 && now.Sub(past[0]) >= longest {
		past = past[1:]
	}
	var wait time.Duration
	for _, w := range limits[kind] {
		in := 0
		for _, t := range past {
			if now.Sub(t) < w.per {
				in++
			}
		}
		if in >= w.n {
			// The oldest send inside the window must leave it first.
			oldest := past[len(past)-in]
			wait = max(wait, oldest.Add(w.per).Sub(now))
		}
	}
	if wait == 0 {
		past = append(past, now)
	}
	p.sent[target] = past
	return wait
}

// sendChat makes one try at a chat job: the event's message in the target's language, in
// its platform's format, within its platform's limits.
func (s *Sender) sendChat(ctx context.Context, j webhooks.Job, start time.Time) webhooks.Result {
	res := func(r webhooks.Result) webhooks.Result {
		r.Duration = time.Since(start)
		return r
	}
	lang, ok := i18n.Parse(j.Language)
	if !ok {
		lang = i18n.Chinese
	}
	m, err := chat.Render(j.Kind, []byte(j.Data), lang, s.baseURL)
	if err != nil {
		return res(webhooks.Result{Error: err.Error()})
	}
	if wait := s.pace.take(*j.ChatTargetID, j.ChatKind, s.now()); wait > 0 {
		return webhooks.Result{Deferred: true, RetryAfter: wait}
	}
	return res(s.post(ctx, j.ChatKind, j.URL, j.Secret, m))
}

// post sends message m to a robot and reads its answer.
func (s *Sender) post(ctx context.Context, kind, address, secret string, m chat.Message) webhooks.Result {
	r, err := chat.Build(kind, address, secret, m, time.Now())
	if err != nil {
		return webhooks.Result{Error: err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return webhooks.Result{Error: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "Keyhold-Alerts/1")
	resp, err := s.client.Do(req)
	if err != nil {
		return webhooks.Result{Error: withoutURL(err)}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1000))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	out := webhooks.Result{StatusCode: resp.StatusCode, Response: string(body),
		RetryAfter: retryAfter(resp.Header.Get("Retry-After"), s.now())}
	ok, wait := chat.Accepted(kind, resp.StatusCode, body)
	if !ok {
		out.Refused, out.Error = true, "the robot did not take the message (see its answer)"
		out.RetryAfter = max(out.RetryAfter, wait)
	}
	return out
}

// TestChat sends a test message to a chat target now, outside the queue, and says what
// came of it.
func (s *Sender) TestChat(ctx context.Context, t webhooks.ChatTarget) webhooks.Result {
	start := time.Now()
	lang, ok := i18n.Parse(t.Language)
	if !ok {
		lang = i18n.Chinese
	}
	m, err := chat.Render("chat.test", nil, lang, s.baseURL)
	if err != nil {
		return webhooks.Result{Error: err.Error()}
	}
	r := s.post(ctx, t.Kind, t.URL, t.Secret, m)
	r.Duration = time.Since(start)
	return r
}
