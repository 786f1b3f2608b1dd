package handover

import (
	"context"
	"fmt"
	"time"

	"keyhold/internal/accounts"
	"keyhold/internal/audit"
	"keyhold/internal/check"
	"keyhold/internal/fault"
	"keyhold/internal/staff"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The notice period: from the moment a person is marked leaving, what they open is
// recorded and exports are closed to them (and the attempt recorded), for the handover
// report.

// NoticeEvent is one recorded view or export attempt.
type NoticeEvent struct {
	ID         int64     `json:"-"`
	UserID     int64     `json:"user_id"`
	HandoverID *int64    `json:"handover_id"`
	Kind       string    `json:"kind"` // view, export
	AccountID  *int64    `json:"account_id"`
	Detail     string    `json:"detail"`
	At         time.Time `json:"at"`
	Day        string    `json:"-"` // of a view: YYYY-MM-DD, one per account and day

	AccountName string `json:"account_name" gorm:"->;-:migration"`
}

func (NoticeEvent) TableName() string { return "notice_events" }

// note records a notice-period event of actor, under their latest handover; a view is
// recorded once per account and day (a second one that day changes nothing). With
// refused set, the refusal also goes into the audit trail.
func (s *Service) note(ctx context.Context, actor staff.User, kind string, accountID *int64, detail string, refused bool) error {
	var h Handover
	err := s.db.Read.WithContext(ctx).Where("departing_user_id = ? AND status <> ?", actor.ID, Cancelled).
		Order("id DESC").Limit(1).Find(&h).Error
	if err != nil {
		return err
	}
	now := s.now().UTC()
	ev := NoticeEvent{UserID: actor.ID, Kind: kind, AccountID: accountID, Detail: detail, At: now}
	if kind == "view" {
		ev.Day = now.Format(check.DateLayout)
	}
	if h.ID != 0 {
		ev.HandoverID = &h.ID
	}
	err = s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Omit("AccountName").Clauses(clause.OnConflict{DoNothing: true}).Create(&ev).Error; err != nil {
			return err
		}
		if !refused {
			return nil
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "export.refused", Entity: "export",
			Reason: detail, HandoverID: ev.HandoverID}, nil, map[string]any{"what": detail, "why": "notice period"})
	})
	if err != nil {
		return fmt.Errorf("record notice-period %s: %w", kind, err)
	}
	return nil
}

// NoteView records that a leaving person opened an account outside their own book (its
// page, contacts, interactions or history), once per account and day; for anyone else,
// and for the accounts on their own teams, it does nothing.
func (s *Service) NoteView(ctx context.Context, actor staff.User, accountID int64) error {
	outside, err := s.accounts.OutsideBook(ctx, actor, accountID)
	if err != nil || !outside {
		return err
	}
	return s.note(ctx, actor, "view", &accountID, "", false)
}

// GuardExport refuses a report or an export to a leaving person, recording the attempt in
// the notice record and the audit trail; what names it ("handover report 3", "retention
// report").
func (s *Service) GuardExport(ctx context.Context, actor staff.User, what string) error {
	if !accounts.InNotice(actor) {
		return nil
	}
	if err := s.note(ctx, actor, "export", nil, what, true); err != nil {
		return err
	}
	return fault.Forbidden("reports and exports are closed to staff who are leaving")
}

// noticeEvents lists the recorded events of a handover, oldest first.
func (s *Service) noticeEvents(ctx context.Context, h Handover) ([]NoticeEvent, error) {
	out := []NoticeEvent{}
	err := s.db.Read.WithContext(ctx).Table("notice_events e").
		Select("e.*, COALESCE(a.name, '') AS account_name").
		Joins("LEFT JOIN accounts a ON a.id = e.account_id").
		Where("e.user_id = ? AND e.at >= ?", h.DepartingUserID, h.CreatedAt.Add(-time.Minute)).
		Order("e.at, e.id").Find(&out).Error
	return out, err
}

// Export lets an export through — refused to a leaving person, as GuardExport — and
// audits it: who exported what, and how many rows.
func (s *Service) Export(ctx context.Context, actor staff.User, what string, rows int) error {
	if err := s.GuardExport(ctx, actor, what); err != nil {
		return err
	}
	return audit.Record(ctx, s.db.Write, audit.Entry{At: s.now().UTC(), ActorID: &actor.ID, Action: "export",
		Entity: "export", EntityID: int64(rows), Reason: what}, nil, map[string]any{"what": what, "rows": rows})
}
