package webhooks

import (
	"context"
	"errors"
	"fmt"
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
)

// Chat targets: a group robot of WeCom (企业微信), DingTalk (钉钉), Feishu (飞书) or Slack
// that hears, in its group's language, what needs a person: a key account becoming
// neglected, a handover started or completed, a complaint on a key account, and the
// Monday digest — of one manager's team, or of everyone.

// The kinds of chat target.
const (
	WeCom    = "wecom"
	DingTalk = "dingtalk"
	Feishu   = "feishu"
	Slack    = "slack"
)

// ChatKinds lists them.
var ChatKinds = []string{WeCom, DingTalk, Feishu, Slack}

// Digest is the Monday digest, an event only chat targets hear of.
const Digest outbox.Kind = "digest.weekly"

// ChatEvents are the events a chat target may hear of. Account and complaint events go
// to chat only for key accounts.
var ChatEvents = []outbox.Kind{outbox.AccountFlagged, outbox.HandoverStarted, outbox.HandoverCompleted,
	outbox.ComplaintOpened, Digest}

// ChatTarget is a chat group's robot.
type ChatTarget struct {
	ID             int64         `json:"id"`
	Kind           string        `json:"kind"`
	Name           string        `json:"name"`
	URL            string        `json:"url"`
	Secret         string        `json:"-"`
	HasSecret      bool          `json:"has_secret" gorm:"-"`
	Language       string        `json:"language"`
	TeamManagerID  *int64        `json:"team_manager_id"`
	Events         []outbox.Kind `json:"events" gorm:"serializer:json"`
	Active         bool          `json:"active"`
	DisabledReason string        `json:"disabled_reason"`
	CreatedBy      *int64        `json:"created_by"`
	CreatedAt      time.Time     `json:"created_at"`
	UpdatedAt      time.Time     `json:"updated_at"`
}

func (ChatTarget) TableName() string { return "chat_targets" }

// audited is what the audit log keeps of a target: not its secret, and of its address
// only the host — the rest holds the robot's token (WeCom's and DingTalk's query, Feishu's
// and Slack's path).
func (t ChatTarget) audited() map[string]any {
	return map[string]any{"kind": t.Kind, "name": t.Name, "host": hostOf(t.URL), "language": t.Language,
		"team_manager_id": t.TeamManagerID, "events": t.Events, "active": t.Active}
}

// Wants reports whether the target hears of events of kind.
func (t ChatTarget) Wants(kind outbox.Kind) bool { return slices.Contains(t.Events, kind) }

// NeedsSecret reports whether a target of kind signs its messages: DingTalk's and
// Feishu's robots check a signature made with the secret they show.
func NeedsSecret(kind string) bool { return kind == DingTalk || kind == Feishu }

// ChatInput is a target as an admin registers or changes it; fields not set stay.
type ChatInput struct {
	Kind          opt.Field[string]
	Name          opt.Field[string]
	URL           opt.Field[string]
	Secret        opt.Field[string]
	Language      opt.Field[string]
	TeamManagerID opt.Field[int64]
	Events        opt.Field[[]string]
	Active        opt.Field[bool]
}

// apply checks in and puts it on t.
func (s *Service) apply(ctx context.Context, tx *gorm.DB, t *ChatTarget, in ChatInput) error {
	bad := fault.Collect{}
	if in.Kind.Set {
		t.Kind = in.Kind.Value
	}
	if !slices.Contains(ChatKinds, t.Kind) {
		bad.Add("kind", "must be wecom, dingtalk, feishu or slack")
	}
	if in.Name.Set {
		t.Name = in.Name.Value
		check.Line(bad, "name", &t.Name, 100, false)
	}
	if in.Secret.Set {
		t.Secret = strings.TrimSpace(in.Secret.Value)
		check.Line(bad, "secret", &t.Secret, 200, false)
	}
	if NeedsSecret(t.Kind) && t.Secret == "" {
		bad.Add("secret", "is required: DingTalk and Feishu robots sign their messages with it")
	}
	if in.Language.Set {
		t.Language = in.Language.Value
	}
	if t.Language != "zh-CN" && t.Language != "en" {
		bad.Add("language", "must be zh-CN or en")
	}
	if in.Events.Set {
		t.Events = nil
		for _, k := range in.Events.Value {
			switch {
			case !slices.Contains(ChatEvents, outbox.Kind(k)):
				bad.Add("events", "must name events chat targets hear of: account.flagged, handover.started, handover.completed, complaint.opened, digest.weekly")
			case !slices.Contains(t.Events, outbox.Kind(k)):
				t.Events = append(t.Events, outbox.Kind(k))
			}
		}
	}
	if len(t.Events) == 0 {
		bad.Add("events", "must list at least one event")
	}
	if in.Active.Set {
		if in.Active.Value && !t.Active {
			t.DisabledReason = ""
		}
		t.Active = in.Active.Value
	}
	if in.TeamManagerID.Set {
		t.TeamManagerID = nil
		if !in.TeamManagerID.Null && in.TeamManagerID.Value != 0 {
			id := in.TeamManagerID.Value
			t.TeamManagerID = &id
			u, err := staff.LockTx(tx, id)
			switch {
			case fault.Is(err, fault.KindNotFound):
				bad.Add("team_manager_id", "must be a manager")
			case err != nil:
				return err
			case !u.CanManage() || !u.Active():
				bad.Add("team_manager_id", "must be an active manager")
			}
		}
	}
	if err := bad.Err(); err != nil {
		return err
	}
	if in.URL.Set {
		t.URL = strings.TrimSpace(in.URL.Value)
	}
	return CheckURL(ctx, "url", t.URL, s.allowPrivate)
}

// CreateChatTarget registers a chat group's robot (admins).
func (s *Service) CreateChatTarget(ctx context.Context, actor staff.User, in ChatInput) (ChatTarget, error) {
	if err := requireAdmin(actor); err != nil {
		return ChatTarget{}, err
	}
	now := s.now().UTC()
	t := ChatTarget{Language: "zh-CN", Active: true, CreatedBy: &actor.ID, CreatedAt: now, UpdatedAt: now}
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if !in.URL.Set {
			in.URL = opt.Of("")
		}
		if err := s.apply(ctx, tx, &t, in); err != nil {
			return err
		}
		if err := tx.Omit("HasSecret").Create(&t).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "chat_target.create", Entity: "chat_target",
			EntityID: t.ID}, nil, t.audited())
	})
	if err != nil {
		return ChatTarget{}, fmt.Errorf("create chat target: %w", err)
	}
	t.HasSecret = t.Secret != ""
	return t, nil
}

// ChatTargets lists the chat targets, oldest first (admins).
func (s *Service) ChatTargets(ctx context.Context, actor staff.User) ([]ChatTarget, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	out := []ChatTarget{}
	if err := s.db.Read.WithContext(ctx).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list chat targets: %w", err)
	}
	for i := range out {
		out[i].HasSecret = out[i].Secret != ""
	}
	return out, nil
}

// ChatTarget reads one target (admins). Its secret is never written out (json "-"): it
// is there for sending a test message.
func (s *Service) ChatTarget(ctx context.Context, actor staff.User, id int64) (ChatTarget, error) {
	if err := requireAdmin(actor); err != nil {
		return ChatTarget{}, err
	}
	return loadChatTarget(s.db.Read.WithContext(ctx), id)
}

func loadChatTarget(db *gorm.DB, id int64) (ChatTarget, error) {
	var t ChatTarget
	err := db.Take(&t, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ChatTarget{}, fault.NotFound("chat target", id)
	}
	t.HasSecret = t.Secret != ""
	return t, err
}

// UpdateChatTarget changes a target (admins).
func (s *Service) UpdateChatTarget(ctx context.Context, actor staff.User, id int64, in ChatInput) (ChatTarget, error) {
	if err := requireAdmin(actor); err != nil {
		return ChatTarget{}, err
	}
	now := s.now().UTC()
	var t ChatTarget
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if t, err = loadChatTarget(tx, id); err != nil {
			return err
		}
		before := t
		if err := s.apply(ctx, tx, &t, in); err != nil {
			return err
		}
		t.UpdatedAt = now
		if err := tx.Select("kind", "name", "url", "secret", "language", "team_manager_id", "events", "active",
			"disabled_reason", "updated_at").Updates(&t).Error; err != nil {
			return err
		}
		if t.Active != before.Active {
			if err := hold(tx, "chat_target_id", t.ID, t.Active, now); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "chat_target.update", Entity: "chat_target",
			EntityID: t.ID}, before.audited(), t.audited())
	})
	if err != nil {
		return ChatTarget{}, fmt.Errorf("update chat target %d: %w", id, err)
	}
	t.HasSecret = t.Secret != ""
	return t, nil
}

// DeleteChatTarget removes a target and what it had still to send (admins).
func (s *Service) DeleteChatTarget(ctx context.Context, actor staff.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	// Off first, so that nothing new is queued for it; then its log, in batches; then it.
	if _, err := loadChatTarget(s.db.Read.WithContext(ctx), id); err != nil {
		return err
	}
	if err := s.db.Write.WithContext(ctx).Model(&ChatTarget{}).Where("id = ?", id).Update("active", false).Error; err != nil {
		return err
	}
	if err := s.emptyLog(ctx, "chat_target_id", id); err != nil {
		return err
	}
	now := s.now().UTC()
	return s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		t, err := loadChatTarget(tx, id)
		if err != nil {
			return err
		}
		if err := tx.Delete(&ChatTarget{}, id).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "chat_target.delete", Entity: "chat_target",
			EntityID: id}, t.audited(), nil)
	})
}
