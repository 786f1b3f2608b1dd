// Package sender delivers what the outbox recorded: it fans events out to the webhook
// endpoints (internal/webhooks), claims the deliveries that are due and sends them, signed
// as Standard Webhooks 1.0 asks, with timeouts, and reports each try back for the
// schedule and the delivery log; chat targets get their platform's message (internal/chat)
// within its rate limits. It is the one place Keyhold calls out over HTTP.
package sender

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"keyhold/internal/webhooks"
)

// Timeout bounds one try, from connecting to the end of the answer's body.
const Timeout = 10 * time.Second

// lease is how long a claimed delivery is held: a sender that dies while sending leaves
// it to be sent again after that.
const lease = 2 * Timeout

// batch is how many deliveries one round claims; workers send them in parallel.
const (
	batch   = 32
	workers = 8
)

// Sender sends deliveries.
type Sender struct {
	hooks   *webhooks.Service
	client  *http.Client
	now     func() time.Time
	baseURL string // Keyhold's address, for the links in chat messages
	pace    pacer
}

// New returns a sender for the endpoints' deliveries. Unless the service allows private
// addresses, every connection is checked as it is made (a name that resolved to a public
// address when registered may not any more).
func New(hooks *webhooks.Service, now func() time.Time, baseURL string) *Sender {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	if !hooks.AllowPrivate() {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !webhooks.Public(ap.Addr()) {
				return fmt.Errorf("refused to connect to %s: not a public address", address)
			}
			return nil
		}
	}
	transport := &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: 5 * time.Second,
		ResponseHeaderTimeout: Timeout, MaxIdleConnsPerHost: 4, IdleConnTimeout: 90 * time.Second, ForceAttemptHTTP2: true}
	client := &http.Client{Transport: transport, Timeout: Timeout,
		// A redirect is the receiver's answer, logged as such, not somewhere else to send
		// the signed payload.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &Sender{hooks: hooks, client: client, now: now, baseURL: baseURL}
}

// Run sends until ctx ends: a round at once, then again every interval, or straight away
// while rounds find work. Failures are logged and the next round tries again.
func (s *Sender) Run(ctx context.Context, interval time.Duration) {
	pruned := time.Time{}
	for {
		n, err := s.Round(ctx)
		if err != nil && ctx.Err() == nil {
			slog.Error("webhook sender", "err", err)
		}
		if time.Since(pruned) > time.Hour {
			if gone, err := s.hooks.Prune(ctx); err != nil && ctx.Err() == nil {
				slog.Error("webhook sender: prune", "err", err)
			} else if gone > 0 {
				slog.Info("webhook sender: pruned old events", "events", gone)
			}
			pruned = time.Now()
		}
		// Straight on only while a round found more than it could take; otherwise a
		// steady trickle of events would keep the sender taking the write lock.
		wait := interval
		if n >= batch && err == nil {
			wait = 0
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// fanLimit is how many events one round fans out.
const fanLimit = 500

// Round fans out the recorded events, then claims the due deliveries and sends them; it
// answers batch or more when there may be more to do at once (a full fan-out or a full
// claim), else how many deliveries it sent.
func (s *Sender) Round(ctx context.Context) (int, error) {
	fanned, err := s.hooks.FanOut(ctx, fanLimit)
	if err != nil {
		return 0, err
	}
	more := 0
	if fanned >= fanLimit {
		more = batch
	}
	jobs, err := s.hooks.Claim(ctx, batch, lease)
	if err != nil {
		return more, err
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	next := make(chan webhooks.Job)
	for range min(workers, len(jobs)) {
		wg.Go(func() {
			for j := range next {
				if err := s.hooks.Finish(ctx, j, s.Send(ctx, j)); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	return max(more, len(jobs)), errors.Join(errs...)
}

// Payload is a delivery's body, as Standard Webhooks lays it out.
func Payload(j webhooks.Job) ([]byte, error) {
	return json.Marshal(struct {
		Type      string          `json:"type"`
		Timestamp string          `json:"timestamp"`
		Data      json.RawMessage `json:"data"`
	}{string(j.Kind), j.At.UTC().Format(time.RFC3339Nano), json.RawMessage(j.Data)})
}

// Sign is the webhook-signature of a message: "v1," and the base64 HMAC-SHA256, keyed
// by the secret's base64 key, of "id.timestamp.body".
func Sign(secret, id string, timestamp int64, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, webhooks.SecretPrefix))
	if err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%d.", id, timestamp)
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// Send makes one try at a job and says what came of it: a webhook's signed delivery, or
// a chat target's message.
func (s *Sender) Send(ctx context.Context, j webhooks.Job) webhooks.Result {
	start := time.Now()
	if j.ChatTargetID != nil {
		return s.sendChat(ctx, j, start)
	}
	res := func(r webhooks.Result) webhooks.Result {
		r.Duration = time.Since(start)
		return r
	}
	body, err := Payload(j)
	if err != nil {
		return res(webhooks.Result{Error: err.Error()})
	}
	ts := s.now().Unix()
	sig, err := Sign(j.Secret, j.MessageID(), ts, body)
	if err != nil {
		return res(webhooks.Result{Error: err.Error()})
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.URL, bytes.NewReader(body))
	if err != nil {
		return res(webhooks.Result{Error: err.Error()})
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Keyhold-Webhooks/1")
	req.Header.Set("webhook-id", j.MessageID())
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	resp, err := s.client.Do(req)
	if err != nil {
		return res(webhooks.Result{Error: withoutURL(err)})
	}
	defer resp.Body.Close()
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, 1000))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	return res(webhooks.Result{StatusCode: resp.StatusCode, Response: string(excerpt),
		RetryAfter: retryAfter(resp.Header.Get("Retry-After"), s.now())})
}

// withoutURL says what went wrong with a request without its address: a chat robot's
// address carries its token, and the log shows the error.
func withoutURL(err error) string {
	var u *url.Error
	if errors.As(err, &u) {
		return u.Op + ": " + u.Err.Error()
	}
	return err.Error()
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
