package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/audit"
	"keyhold/internal/fault"
	"keyhold/internal/outbox"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

// Schedule is how long a failed delivery waits before each retry: the first try is at
// once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 14 h (Standard Webhooks' suggested
// schedule, its last wait longer), each ±20% so that retries after an outage do not
// arrive together: eight tries over about 32 hours — never under 25, so a receiver down
// for a whole day still gets it — then the delivery has failed.
var Schedule = []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour,
	10 * time.Hour, 14 * time.Hour}

// GoneReason is why an endpoint that answered 410 Gone was turned off.
const GoneReason = "the endpoint answered 410 Gone"

// MaxRetryAfter caps how long a receiver's Retry-After may hold a delivery back.
const MaxRetryAfter = 24 * time.Hour

// Status of a delivery.
const (
	Pending   = "pending"
	Delivered = "delivered"
	Failed    = "failed"
)

// Delivery is one event sent to one endpoint, with its attempts.
type Delivery struct {
	ID           int64      `json:"id"`
	EventID      int64      `json:"event_id"`
	WebhookID    *int64     `json:"webhook_id"`
	ChatTargetID *int64     `json:"chat_target_id"`
	EventKind    string     `json:"event" gorm:"->;column:event_kind"`
	EventData    string     `json:"-" gorm:"->;column:event_data"` // the event's data object, JSON
	Status       string     `json:"status"`
	Attempts     int        `json:"attempts"`
	Tries        int        `json:"-"`
	NextAt       *time.Time `json:"next_at"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Log          []Attempt  `json:"attempt_log" gorm:"-"`
	// Data is the event's data, as its payload carried it.
	Data json.RawMessage `json:"data" gorm:"-"`
}

func (Delivery) TableName() string { return "deliveries" }

// Attempt is one try at a delivery.
type Attempt struct {
	ID         int64     `json:"-"`
	DeliveryID int64     `json:"-"`
	At         time.Time `json:"at"`
	StatusCode int       `json:"status_code"` // 0 when no answer came
	Error      string    `json:"error"`
	Response   string    `json:"response"` // the start of the answer's body
	DurationMS int64     `json:"duration_ms" gorm:"column:duration_ms"`
}

func (Attempt) TableName() string { return "delivery_attempts" }

// FanOut makes the deliveries of recorded events that have none yet, one for each
// active webhook endpoint and chat target that wants the event, up to limit events per
// call; it answers how many events it took. Events nobody wants are only marked.
func (s *Service) FanOut(ctx context.Context, limit int) (int, error) {
	// Most rounds find nothing: a look on the read pool spares them the write lock.
	if waiting, err := s.any(ctx, "SELECT 1 FROM events WHERE fanned = FALSE LIMIT 1"); err != nil || !waiting {
		return 0, err
	}
	var n int
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var hooks []Webhook
		if err := tx.Where("active = TRUE").Find(&hooks).Error; err != nil {
			return err
		}
		var chats []ChatTarget
		if err := tx.Where("active = TRUE").Find(&chats).Error; err != nil {
			return err
		}
		if len(hooks) == 0 && len(chats) == 0 {
			// Nobody listens (the usual case without integrations): one statement marks
			// many at a time, bounded so that a backlog is not one long transaction.
			res := tx.Exec("UPDATE events SET fanned = TRUE WHERE id IN (SELECT id FROM events WHERE fanned = FALSE ORDER BY id LIMIT ?)",
				10*limit)
			n = int(res.RowsAffected)
			return res.Error
		}
		var events []outbox.Event
		if err := tx.Select("id, kind, data").Where("fanned = FALSE").Order("id").Limit(limit).Find(&events).Error; err != nil {
			return err
		}
		n = len(events)
		if n == 0 {
			return nil
		}
		now := s.now().UTC()
		teams := teamsOf(tx)
		var rows []Delivery
		ids := make([]int64, len(events))
		for i, e := range events {
			ids[i] = e.ID
			for _, w := range hooks {
				if w.Wants(e.Kind) {
					rows = append(rows, Delivery{EventID: e.ID, WebhookID: &w.ID, Status: Pending, NextAt: &now,
						CreatedAt: now, UpdatedAt: now})
				}
			}
			for _, c := range chats {
				hears, err := hearsOf(c, e, teams)
				if err != nil {
					return err
				}
				if hears {
					rows = append(rows, Delivery{EventID: e.ID, ChatTargetID: &c.ID, Status: Pending, NextAt: &now,
						CreatedAt: now, UpdatedAt: now})
				}
			}
		}
		if len(rows) > 0 {
			if err := tx.Omit("EventKind", "EventData").CreateInBatches(rows, 200).Error; err != nil {
				return err
			}
		}
		return tx.Model(&outbox.Event{}).Where(store.InIDs("id", ids)).Update("fanned", true).Error
	})
	if err != nil {
		return 0, fmt.Errorf("fan out events: %w", err)
	}
	return n, nil
}

// Depth is the outbox's backlog: events not yet fanned out, and deliveries waiting to be
// sent or tried again (both counted on their partial indexes).
func (s *Service) Depth(ctx context.Context) (events, deliveries int64, err error) {
	db := s.db.Read.WithContext(ctx)
	if err := db.Raw("SELECT COUNT(*) FROM events WHERE fanned = FALSE").Scan(&events).Error; err != nil {
		return 0, 0, err
	}
	err = db.Raw("SELECT COUNT(*) FROM deliveries WHERE next_at IS NOT NULL").Scan(&deliveries).Error
	return events, deliveries, err
}

// any reports whether query, on the read pool, finds a row.
func (s *Service) any(ctx context.Context, query string, args ...any) (bool, error) {
	var found []int
	if err := s.db.Read.WithContext(ctx).Raw(query, args...).Scan(&found).Error; err != nil {
		return false, err
	}
	return len(found) > 0, nil
}

// chatFacts are what decides whether a chat target hears of an event: the tier of the
// account it is about, the person whose team it concerns, and a digest's team.
type chatFacts struct {
	Tier          string `json:"tier"`
	OwnerID       int64  `json:"owner_id"`
	LeavingUserID int64  `json:"leaving_user_id"`
	TeamManagerID *int64 `json:"team_manager_id"`
}

// teamsOf answers, for a person, the manager whose team they are on (remembered per
// fan-out: an event names one person).
func teamsOf(tx *gorm.DB) func(userID int64) (int64, error) {
	known := map[int64]int64{}
	return func(userID int64) (int64, error) {
		if m, ok := known[userID]; ok {
			return m, nil
		}
		var u struct{ ManagerID *int64 }
		if err := tx.Table("users").Select("manager_id").Where("id = ?", userID).Scan(&u).Error; err != nil {
			return 0, err
		}
		known[userID] = 0
		if u.ManagerID != nil {
			known[userID] = *u.ManagerID
		}
		return known[userID], nil
	}
}

// hearsOf decides whether chat target c hears of event e: an event it chose; for
// accounts, a key account; for a team's target, an event of that team (the manager or
// someone reporting to them), or that team's digest.
func hearsOf(c ChatTarget, e outbox.Event, teamOf func(int64) (int64, error)) (bool, error) {
	if !c.Wants(e.Kind) {
		return false, nil
	}
	var f chatFacts
	if err := json.Unmarshal([]byte(e.Data), &f); err != nil {
		return false, fmt.Errorf("event %d: %w", e.ID, err)
	}
	if (e.Kind == outbox.AccountFlagged || e.Kind == outbox.ComplaintOpened) && f.Tier != "key" {
		return false, nil
	}
	if e.Kind == Digest {
		return (c.TeamManagerID == nil && f.TeamManagerID == nil) ||
			(c.TeamManagerID != nil && f.TeamManagerID != nil && *c.TeamManagerID == *f.TeamManagerID), nil
	}
	if c.TeamManagerID == nil {
		return true, nil
	}
	person := f.OwnerID
	if e.Kind == outbox.HandoverStarted || e.Kind == outbox.HandoverCompleted {
		person = f.LeavingUserID
	}
	if person == *c.TeamManagerID {
		return true, nil
	}
	m, err := teamOf(person)
	return m == *c.TeamManagerID, err
}

// Job is a delivery claimed for sending, with what sending needs.
type Job struct {
	DeliveryID   int64
	WebhookID    *int64
	ChatTargetID *int64
	ChatKind     string // the chat target's kind; "" for a webhook
	Language     string // the chat target's language
	URL          string
	Secret       string
	EventID      int64
	Kind         outbox.Kind
	At           time.Time
	Data         string
	Tries        int // before this one
}

// MessageID is the webhook-id of the job's event: the same on every try and every
// endpoint, so that receivers can drop what they have already had.
func (j Job) MessageID() string { return fmt.Sprintf("msg_%d", j.EventID) }

// Claim takes up to n due deliveries of active endpoints for sending, holding each for
// lease: a sender that dies while sending leaves it to be claimed again after that.
func (s *Service) Claim(ctx context.Context, n int, lease time.Duration) ([]Job, error) {
	now := s.now().UTC()
	if due, err := s.any(ctx, "SELECT 1 FROM deliveries WHERE next_at IS NOT NULL AND next_at <= ? LIMIT 1", now); err != nil || !due {
		return nil, err
	}
	var jobs []Job
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Raw(`SELECT d.id AS delivery_id, d.webhook_id, d.chat_target_id, COALESCE(c.kind, '') AS chat_kind,
				COALESCE(c.language, '') AS language, COALESCE(w.url, c.url) AS url, COALESCE(w.secret, c.secret) AS secret,
				e.id AS event_id, e.kind, e.at, e.data, d.tries
			FROM deliveries d JOIN events e ON e.id = d.event_id
			LEFT JOIN webhooks w ON w.id = d.webhook_id LEFT JOIN chat_targets c ON c.id = d.chat_target_id
			WHERE d.next_at IS NOT NULL AND d.next_at <= ? AND (d.lease_until IS NULL OR d.lease_until <= ?)
				AND (w.active OR c.active)
			ORDER BY d.next_at LIMIT ?`, now, now, n).Scan(&jobs).Error; err != nil {
			return err
		}
		if len(jobs) == 0 {
			return nil
		}
		ids := make([]int64, len(jobs))
		for i, j := range jobs {
			ids[i] = j.DeliveryID
		}
		return tx.Model(&Delivery{}).Where(store.InIDs("id", ids)).Update("lease_until", now.Add(lease)).Error
	})
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	return jobs, nil
}

// Result is what one try of a job came to.
type Result struct {
	StatusCode int // 0 when no answer came
	Error      string
	Response   string
	Duration   time.Duration
	RetryAfter time.Duration // the receiver's Retry-After, when it sent one
	// Refused means the receiver answered 2xx but said no (a chat robot's error code).
	Refused bool
	// Deferred means nothing was sent: the target's rate limit holds the job back for
	// RetryAfter, which is not a try.
	Deferred bool
}

// OK reports whether the receiver took the delivery (any 2xx).
func (r Result) OK() bool { return !r.Refused && r.StatusCode >= 200 && r.StatusCode < 300 }

// Finish logs a try and decides what follows: done on a 2xx; the endpoint turned off on
// 410 Gone; otherwise the next try by the schedule, no sooner than Retry-After, or failed
// when the schedule is spent.
func (s *Service) Finish(ctx context.Context, j Job, r Result) error {
	now := s.now().UTC()
	if r.Deferred {
		err := s.db.Write.WithContext(ctx).Model(&Delivery{}).Where("id = ?", j.DeliveryID).
			Updates(map[string]any{"next_at": now.Add(r.RetryAfter), "lease_until": nil}).Error
		if err != nil {
			return fmt.Errorf("defer delivery %d: %w", j.DeliveryID, err)
		}
		return nil
	}
	tries := j.Tries + 1
	cols := map[string]any{"attempts": gorm.Expr("attempts + 1"), "tries": tries, "lease_until": nil, "updated_at": now}
	switch {
	case r.OK():
		cols["status"], cols["next_at"] = Delivered, nil
	case r.StatusCode == 410 || tries > len(Schedule):
		cols["status"], cols["next_at"] = Failed, nil
	default:
		wait := jitter(Schedule[tries-1])
		if r.RetryAfter > wait {
			wait = min(r.RetryAfter, MaxRetryAfter)
		}
		cols["status"], cols["next_at"] = Pending, now.Add(wait)
	}
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a := Attempt{DeliveryID: j.DeliveryID, At: now, StatusCode: r.StatusCode, Error: clip(r.Error, 500),
			Response: clip(r.Response, 1000), DurationMS: r.Duration.Milliseconds()}
		if err := tx.Create(&a).Error; err != nil {
			return err
		}
		if err := tx.Model(&Delivery{}).Where("id = ?", j.DeliveryID).Updates(cols).Error; err != nil {
			return err
		}
		if r.StatusCode != 410 {
			return nil
		}
		off := map[string]any{"active": false, "disabled_reason": GoneReason, "updated_at": now}
		if j.ChatTargetID != nil {
			if err := tx.Model(&ChatTarget{}).Where("id = ?", *j.ChatTargetID).Updates(off).Error; err != nil {
				return err
			}
			return hold(tx, "chat_target_id", *j.ChatTargetID, false, now)
		}
		if err := tx.Model(&Webhook{}).Where("id = ?", *j.WebhookID).Updates(off).Error; err != nil {
			return err
		}
		return hold(tx, "webhook_id", *j.WebhookID, false, now)
	})
	if err != nil {
		return fmt.Errorf("finish delivery %d: %w", j.DeliveryID, err)
	}
	return nil
}

// hold takes the pending deliveries of a receiver turned off out of the queue (they keep
// their status, without a time: the sender's claim never walks past them), or puts them
// back, due now, when it is turned on again.
func hold(tx *gorm.DB, col string, id int64, on bool, now time.Time) error {
	q := tx.Model(&Delivery{}).Where(col+" = ? AND status = ?", id, Pending)
	if on {
		return q.Where("next_at IS NULL").Update("next_at", now).Error
	}
	return q.Updates(map[string]any{"next_at": nil, "lease_until": nil}).Error
}

func jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// clip cuts s to at most n bytes of valid UTF-8 on a character boundary.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// Deliveries lists an endpoint's deliveries, newest first, each with its attempts
// (admins).
func (s *Service) Deliveries(ctx context.Context, actor staff.User, webhookID int64, status string, p store.Page) ([]Delivery, int64, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, 0, err
	}
	if _, err := loadWebhook(s.db.Read.WithContext(ctx), webhookID); err != nil {
		return nil, 0, err
	}
	return s.deliveries(ctx, "webhook_id", webhookID, status, p)
}

// ChatDeliveries lists a chat target's deliveries as Deliveries does an endpoint's.
func (s *Service) ChatDeliveries(ctx context.Context, actor staff.User, targetID int64, status string, p store.Page) ([]Delivery, int64, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, 0, err
	}
	if _, err := loadChatTarget(s.db.Read.WithContext(ctx), targetID); err != nil {
		return nil, 0, err
	}
	return s.deliveries(ctx, "chat_target_id", targetID, status, p)
}

// deliveries lists the deliveries whose column col (webhook_id or chat_target_id) is id.
func (s *Service) deliveries(ctx context.Context, col string, id int64, status string, p store.Page) ([]Delivery, int64, error) {
	if status != "" && status != Pending && status != Delivered && status != Failed {
		return nil, 0, fault.Invalid(fault.Fields{"status": "must be pending, delivered or failed"})
	}
	db := s.db.Read.WithContext(ctx)
	p = p.Normalized()
	q := db.Table("deliveries d").Where("d."+col+" = ?", id)
	if status != "" {
		q = q.Where("d.status = ?", status)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	out := []Delivery{}
	if err := q.Select("d.*, e.kind AS event_kind, e.data AS event_data").Joins("JOIN events e ON e.id = d.event_id").
		Order("d.id DESC").Limit(p.Size).Offset(p.Offset()).Find(&out).Error; err != nil {
		return nil, 0, err
	}
	if len(out) == 0 {
		return out, total, nil
	}
	ids := make([]int64, len(out))
	at := make(map[int64]int, len(out))
	for i, d := range out {
		ids[i], at[d.ID] = d.ID, i
		out[i].Log, out[i].Data = []Attempt{}, json.RawMessage(d.EventData)
	}
	var log []Attempt
	if err := db.Where(store.InIDs("delivery_id", ids)).Order("id").Find(&log).Error; err != nil {
		return nil, 0, err
	}
	for _, a := range log {
		i := at[a.DeliveryID]
		out[i].Log = append(out[i].Log, a)
	}
	return out, total, nil
}

// Redeliver queues a delivery to go out again now, whatever came of it, with a fresh
// schedule (admins). The receiver gets the same webhook-id.
func (s *Service) Redeliver(ctx context.Context, actor staff.User, webhookID, deliveryID int64) (Delivery, error) {
	if err := requireAdmin(actor); err != nil {
		return Delivery{}, err
	}
	now := s.now().UTC()
	var d Delivery
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Where("id = ? AND webhook_id = ?", deliveryID, webhookID).Omit("EventKind", "EventData").Take(&d).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fault.NotFound("delivery", deliveryID)
		}
		if err != nil {
			return err
		}
		d.Status, d.Tries, d.NextAt, d.UpdatedAt = Pending, 0, &now, now
		if err := tx.Model(&Delivery{}).Where("id = ?", d.ID).Updates(map[string]any{"status": Pending, "tries": 0,
			"next_at": now, "lease_until": nil, "updated_at": now}).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "webhook.redeliver", Entity: "delivery",
			EntityID: d.ID}, nil, nil)
	})
	if err != nil {
		return Delivery{}, fmt.Errorf("redeliver %d: %w", deliveryID, err)
	}
	return d, nil
}

// Keep is how long events and their delivery logs are kept.
const Keep = 30 * 24 * time.Hour

// pruneBatch is how many events (with their deliveries and logs) one pruning
// transaction deletes: short enough that writers barely wait for it.
const pruneBatch = 1000

// Prune deletes events older than Keep whose deliveries are all settled, with their
// deliveries and logs, a batch per transaction until none is left; it answers how many
// went.
func (s *Service) Prune(ctx context.Context) (int64, error) {
	cut := s.now().UTC().Add(-Keep)
	var total int64
	for {
		res := s.db.Write.WithContext(ctx).Exec(`DELETE FROM events WHERE id IN (SELECT e.id FROM events e
			WHERE e.at < ? AND e.fanned = TRUE AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.next_at IS NOT NULL)
			ORDER BY e.id LIMIT ?)`, cut, pruneBatch)
		if res.Error != nil {
			return total, fmt.Errorf("prune events: %w", res.Error)
		}
		total += res.RowsAffected
		if res.RowsAffected < pruneBatch || ctx.Err() != nil {
			return total, nil
		}
	}
}

// emptyLog deletes a receiver's deliveries (col: webhook_id or chat_target_id) and their
// tries, a batch per transaction: a month's log of a busy endpoint, deleted in one, would
// hold the write lock for as long as it took.
func (s *Service) emptyLog(ctx context.Context, col string, id int64) error {
	for {
		res := s.db.Write.WithContext(ctx).Exec(`DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries
			WHERE `+col+` = ? LIMIT ?)`, id, pruneBatch)
		if res.Error != nil {
			return fmt.Errorf("empty the delivery log: %w", res.Error)
		}
		if res.RowsAffected < pruneBatch {
			return nil
		}
	}
}
