// Package webhooks keeps the endpoints other systems register to hear of events, and
// their deliveries: the fan-out of recorded events (internal/outbox), the schedule of
// retries and the delivery log. internal/sender sends them.
package webhooks

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/audit"
	"keyhold/internal/check"
	"keyhold/internal/fault"
	"keyhold/internal/opt"
	"keyhold/internal/outbox"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

// SecretPrefix starts every webhook signing secret, as Standard Webhooks writes them:
// the rest is the key, base64.
const SecretPrefix = "whsec_"

// Service keeps the webhook endpoints and their deliveries.
type Service struct {
	db           *store.DB
	now          func() time.Time
	allowPrivate bool
}

// New returns the service; allowPrivate lets endpoints be private addresses (tests).
func New(db *store.DB, now func() time.Time, allowPrivate bool) *Service {
	return &Service{db: db, now: now, allowPrivate: allowPrivate}
}

// AllowPrivate says whether endpoints may be private addresses.
func (s *Service) AllowPrivate() bool { return s.allowPrivate }

// Webhook is an endpoint that receives events.
type Webhook struct {
	ID             int64         `json:"id"`
	URL            string        `json:"url"`
	Description    string        `json:"description"`
	Events         []outbox.Kind `json:"events" gorm:"serializer:json"`
	Active         bool          `json:"active"`
	Secret         string        `json:"secret,omitempty"`
	DisabledReason string        `json:"disabled_reason"`
	CreatedBy      *int64        `json:"created_by"`
	CreatedAt      time.Time     `json:"created_at"`
	UpdatedAt      time.Time     `json:"updated_at"`
}

func (Webhook) TableName() string { return "webhooks" }

// audited is what the audit log keeps of an endpoint: of its address only the host (the
// rest may hold a token), never its secret.
func (w Webhook) audited() map[string]any {
	return map[string]any{"host": hostOf(w.URL), "events": w.Events, "active": w.Active}
}

// hostOf is the host of an address ("" if it is none).
func hostOf(address string) string {
	if u, err := url.Parse(address); err == nil {
		return u.Host
	}
	return ""
}

// Wants reports whether the endpoint receives events of kind.
func (w Webhook) Wants(kind outbox.Kind) bool { return slices.Contains(w.Events, kind) }

// NewWebhook is what an admin registers.
type NewWebhook struct {
	URL         string
	Description string
	Events      []string
	Active      *bool // true when nil
}

// WebhookPatch changes an endpoint; fields not set stay.
type WebhookPatch struct {
	URL         opt.Field[string]
	Description opt.Field[string]
	Events      opt.Field[[]string]
	Active      opt.Field[bool]
}

func requireAdmin(actor staff.User) error {
	if !actor.IsAdmin() {
		return fault.Forbidden("only admins manage webhooks")
	}
	return nil
}

// kinds checks a list of event kinds, dropping repeats.
func kinds(bad fault.Collect, in []string) []outbox.Kind {
	var out []outbox.Kind
	for _, k := range in {
		switch {
		case !slices.Contains(outbox.Kinds, outbox.Kind(k)):
			bad.Add("events", "must name events Keyhold sends (GET /api/v1/webhook-events lists them)")
		case !slices.Contains(out, outbox.Kind(k)):
			out = append(out, outbox.Kind(k))
		}
	}
	if len(in) == 0 {
		bad.Add("events", "must list at least one event")
	}
	return out
}

func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(b), nil
}

// CreateWebhook registers an endpoint with a new signing secret (admins).
func (s *Service) CreateWebhook(ctx context.Context, actor staff.User, in NewWebhook) (Webhook, error) {
	if err := requireAdmin(actor); err != nil {
		return Webhook{}, err
	}
	bad := fault.Collect{}
	check.Line(bad, "description", &in.Description, 200, false)
	events := kinds(bad, in.Events)
	if err := bad.Err(); err != nil {
		return Webhook{}, err
	}
	in.URL = strings.TrimSpace(in.URL)
	if err := CheckURL(ctx, "url", in.URL, s.allowPrivate); err != nil {
		return Webhook{}, err
	}
	secret, err := newSecret()
	if err != nil {
		return Webhook{}, err
	}
	now := s.now().UTC()
	w := Webhook{URL: in.URL, Description: in.Description, Events: events, Active: in.Active == nil || *in.Active,
		Secret: secret, CreatedBy: &actor.ID, CreatedAt: now, UpdatedAt: now}
	err = s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&w).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "webhook.create", Entity: "webhook",
			EntityID: w.ID}, nil, w.audited())
	})
	if err != nil {
		return Webhook{}, fmt.Errorf("create webhook: %w", err)
	}
	return w, nil
}

// Webhooks lists the endpoints, oldest first, without their secrets (admins).
func (s *Service) Webhooks(ctx context.Context, actor staff.User) ([]Webhook, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	out := []Webhook{}
	if err := s.db.Read.WithContext(ctx).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	for i := range out {
		out[i].Secret = ""
	}
	return out, nil
}

// Webhook reads one endpoint with its secret (admins).
func (s *Service) Webhook(ctx context.Context, actor staff.User, id int64) (Webhook, error) {
	if err := requireAdmin(actor); err != nil {
		return Webhook{}, err
	}
	return loadWebhook(s.db.Read.WithContext(ctx), id)
}

func loadWebhook(db *gorm.DB, id int64) (Webhook, error) {
	var w Webhook
	err := db.Take(&w, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Webhook{}, fault.NotFound("webhook", id)
	}
	return w, err
}

// UpdateWebhook changes an endpoint (admins). Turning it on again clears why it was
// turned off, and its deliveries still pending go out.
func (s *Service) UpdateWebhook(ctx context.Context, actor staff.User, id int64, p WebhookPatch) (Webhook, error) {
	if err := requireAdmin(actor); err != nil {
		return Webhook{}, err
	}
	bad := fault.Collect{}
	var events []outbox.Kind
	if p.Events.Set {
		events = kinds(bad, p.Events.Value)
	}
	if p.Description.Set {
		check.Line(bad, "description", &p.Description.Value, 200, false)
	}
	if p.Active.Null {
		bad.Add("active", "must be true or false")
	}
	if err := bad.Err(); err != nil {
		return Webhook{}, err
	}
	if p.URL.Set {
		p.URL.Value = strings.TrimSpace(p.URL.Value)
		if err := CheckURL(ctx, "url", p.URL.Value, s.allowPrivate); err != nil {
			return Webhook{}, err
		}
	}
	now := s.now().UTC()
	var w Webhook
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if w, err = loadWebhook(tx, id); err != nil {
			return err
		}
		before, wasActive := w.audited(), w.Active
		if p.URL.Set {
			w.URL = p.URL.Value
		}
		if p.Description.Set {
			w.Description = p.Description.Value
		}
		if p.Events.Set {
			w.Events = events
		}
		if p.Active.Set {
			if p.Active.Value && !w.Active {
				w.DisabledReason = ""
			}
			w.Active = p.Active.Value
		}
		w.UpdatedAt = now
		if err := tx.Select("url", "description", "events", "active", "disabled_reason", "updated_at").Updates(&w).Error; err != nil {
			return err
		}
		if w.Active != wasActive {
			if err := hold(tx, "webhook_id", w.ID, w.Active, now); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "webhook.update", Entity: "webhook",
			EntityID: w.ID}, before, w.audited())
	})
	if err != nil {
		return Webhook{}, fmt.Errorf("update webhook %d: %w", id, err)
	}
	return w, nil
}

// DeleteWebhook removes an endpoint and its delivery log (admins).
func (s *Service) DeleteWebhook(ctx context.Context, actor staff.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	// Off first, so that nothing new is queued for it; then its log, in batches; then it.
	if _, err := loadWebhook(s.db.Read.WithContext(ctx), id); err != nil {
		return err
	}
	if err := s.db.Write.WithContext(ctx).Model(&Webhook{}).Where("id = ?", id).Update("active", false).Error; err != nil {
		return err
	}
	if err := s.emptyLog(ctx, "webhook_id", id); err != nil {
		return err
	}
	now := s.now().UTC()
	return s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		w, err := loadWebhook(tx, id)
		if err != nil {
			return err
		}
		if err := tx.Delete(&Webhook{}, id).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "webhook.delete", Entity: "webhook",
			EntityID: id}, w.audited(), nil)
	})
}
