package accounts

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/audit"
	"keyhold/internal/check"
	"keyhold/internal/fault"
	"keyhold/internal/outbox"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

// Kind is the kind of an interaction.
type Kind string

// Kinds lists every interaction kind. All but KindNote count as contact with the customer.
var Kinds = []Kind{"call", "visit", "meeting", "email", "message", "holiday_greeting",
	"executive_visit", "handover_intro", KindNote}

// KindNote is an internal note: it records something but is not contact with the customer.
const KindNote Kind = "note"

// KindHandoverIntro is the joint introduction of a successor to the customer.
const KindHandoverIntro Kind = "handover_intro"

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// IsContact reports whether an interaction of kind k counts as contact with the customer.
func (k Kind) IsContact() bool { return k.Valid() && k != KindNote }

// VisitKinds are the kinds that count as a visit for the visit cadence: face to face,
// at the customer's (migration 0030 says the same in SQL).
var VisitKinds = []Kind{"visit", "meeting", "executive_visit"}

// IsVisit reports whether an interaction of kind k counts as a visit.
func (k Kind) IsVisit() bool { return slices.Contains(VisitKinds, k) }

// futureSlack tolerates small clock differences between a client and the server.
const futureSlack = time.Minute

// Interaction is one touchpoint with a customer.
type Interaction struct {
	ID          int64     `json:"id"`
	AccountID   int64     `json:"account_id"`
	AuthorID    int64     `json:"author_id"`
	Kind        Kind      `json:"kind"`
	OccurredAt  time.Time `json:"occurred_at"`
	Summary     string    `json:"summary"`
	NextStep    string    `json:"next_step"`
	NextStepDue *string   `json:"next_step_due"`
	CreatedAt   time.Time `json:"created_at"`

	Author         *UserRef     `json:"author" gorm:"-"`
	ParticipantIDs []int64      `json:"participant_ids" gorm:"-"`
	Participants   []UserRef    `json:"participants" gorm:"-"`
	ContactIDs     []int64      `json:"contact_ids" gorm:"-"`
	Contacts       []ContactRef `json:"contacts" gorm:"-"`
}

// ContactRef is the short form of a contact inside an interaction.
type ContactRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// NewInteraction is what a user logs.
type NewInteraction struct {
	Kind           Kind
	OccurredAt     *time.Time
	Summary        string
	ContactIDs     []int64
	ParticipantIDs []int64
	NextStep       string
	NextStepDue    string
}

// Validate checks what a user logs; LogInteraction calls it, and forms call it to show
// every problem at once.
func (in *NewInteraction) Validate(now time.Time) error {
	bad := fault.Collect{}
	if !in.Kind.Valid() {
		bad.Add("kind", "must be one of call, visit, meeting, email, message, holiday_greeting, executive_visit, handover_intro, note")
	}
	if in.OccurredAt != nil && check.Time(bad, "occurred_at", *in.OccurredAt) && in.OccurredAt.After(now.Add(futureSlack)) {
		bad.Add("occurred_at", "may not be in the future")
	}
	check.IDs(bad, "contact_ids", in.ContactIDs)
	check.IDs(bad, "participant_ids", in.ParticipantIDs)
	check.Text(bad, "summary", &in.Summary, 5000, true)
	check.Line(bad, "next_step", &in.NextStep, 1000, false)
	if in.NextStepDue != "" {
		checkDate(bad, "next_step_due", in.NextStepDue, nil)
		if in.NextStep == "" {
			bad.Add("next_step", "is required when it has a due date")
		}
	}
	return bad.Err()
}

// LogInteraction records a touchpoint on an account. Any staff member may: the records
// are shared. A contact interaction moves the account's last contact and next due date.
func (s *Service) LogInteraction(ctx context.Context, actor staff.User, accountID int64, in NewInteraction) (Interaction, error) {
	now := s.now().UTC()
	if err := in.Validate(now); err != nil {
		return Interaction{}, err
	}
	at := now
	if in.OccurredAt != nil {
		at = in.OccurredAt.UTC()
	}
	participants := uniqueIDs(in.ParticipantIDs, actor.ID)
	contacts := uniqueIDs(in.ContactIDs, 0)
	it := Interaction{AccountID: accountID, AuthorID: actor.ID, Kind: in.Kind, OccurredAt: at,
		Summary: in.Summary, NextStep: in.NextStep, CreatedAt: now}
	if in.NextStepDue != "" {
		it.NextStepDue = &in.NextStepDue
	}
	// Logging calls is the hottest write: batched with the others that arrive meanwhile.
	err := s.db.Batch.Do(ctx, func(ctx context.Context, tx *gorm.DB) error {
		a, err := loadWritable(tx, accountID)
		if err != nil {
			return err
		}
		if err := checkContactsOf(tx, accountID, contacts); err != nil {
			return err
		}
		if err := checkParticipants(tx, participants); err != nil {
			return err
		}
		if in.Kind == KindHandoverIntro && s.intro != nil {
			if err := s.intro(ctx, tx, accountID, actor.ID, participants, at); err != nil {
				return err
			}
		}
		if err := tx.Create(&it).Error; err != nil {
			return err
		}
		for _, uid := range participants {
			if err := tx.Exec("INSERT INTO interaction_participants (interaction_id, user_id) VALUES (?, ?)", it.ID, uid).Error; err != nil {
				return err
			}
		}
		for _, cid := range contacts {
			if err := tx.Exec("INSERT INTO interaction_contacts (interaction_id, contact_id) VALUES (?, ?)", it.ID, cid).Error; err != nil {
				return err
			}
		}
		if in.Kind.IsContact() && (a.LastContactedAt == nil || at.After(*a.LastContactedAt)) {
			v, err := s.db.Versions(ctx)
			if err != nil {
				return err
			}
			c, err := s.cadence(ctx, v)
			if err != nil {
				return err
			}
			due := DueAfter(&at, a.effectiveCadence(c))
			if err := tx.Model(&Account{}).Where("id = ?", a.ID).
				Updates(map[string]any{"last_contacted_at": at, "next_contact_due": *due}).Error; err != nil {
				return err
			}
		}
		if in.Kind.IsVisit() && (a.LastVisitedAt == nil || at.After(*a.LastVisitedAt)) {
			if err := tx.Model(&Account{}).Where("id = ?", a.ID).Update("last_visited_at", at).Error; err != nil {
				return err
			}
		}
		if err := audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "interaction.create",
			Entity: "interaction", EntityID: it.ID, AccountID: &accountID}, nil, nil); err != nil {
			return err
		}
		if err := outbox.Record(ctx, tx, outbox.InteractionCreated, now, outbox.Interaction{Interaction: it}); err != nil {
			return err
		}
		return s.changed(ctx, tx, accountID)
	})
	if err != nil {
		return Interaction{}, fmt.Errorf("log interaction on account %d: %w", accountID, err)
	}
	list := []Interaction{it}
	if err := s.completeInteractions(ctx, list); err != nil {
		return Interaction{}, err
	}
	return list[0], nil
}

// Interactions returns one page of an account's timeline, newest first, and the total.
func (s *Service) Interactions(ctx context.Context, accountID int64, page store.Page) ([]Interaction, int64, error) {
	db := s.db.Read.WithContext(ctx)
	if _, err := loadAccount(db, accountID); err != nil {
		return nil, 0, err
	}
	q := db.Model(&Interaction{}).Where("account_id = ?", accountID)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count interactions: %w", err)
	}
	p := page.Normalized()
	list := []Interaction{}
	if err := q.Order("occurred_at DESC, id DESC").Limit(p.Size).Offset(p.Offset()).Find(&list).Error; err != nil {
		return nil, 0, fmt.Errorf("list interactions: %w", err)
	}
	if err := s.completeInteractions(ctx, list); err != nil {
		return nil, 0, err
	}
	return list, total, nil
}

// completeInteractions loads participants and contacts for a page of interactions in
// two queries; authors and participants are named from the staff in memory.
func (s *Service) completeInteractions(ctx context.Context, list []Interaction) error {
	if len(list) == 0 {
		return nil
	}
	db := s.db.Read.WithContext(ctx)
	ids := make([]int64, len(list))
	for i, it := range list {
		ids[i] = it.ID
	}
	var parts []struct {
		InteractionID int64
		UserID        int64
	}
	if err := db.Table("interaction_participants").Where(store.InIDs("interaction_id", ids)).
		Order("interaction_id, user_id").Find(&parts).Error; err != nil {
		return fmt.Errorf("load participants: %w", err)
	}
	v, err := s.db.Versions(ctx)
	if err != nil {
		return err
	}
	byID, err := s.people(ctx, v)
	if err != nil {
		return err
	}
	var cons []struct {
		InteractionID int64
		ID            int64
		Name          string
	}
	if err := db.Table("interaction_contacts").
		Select("interaction_contacts.interaction_id, contacts.id, contacts.name").
		Joins("JOIN contacts ON contacts.id = interaction_contacts.contact_id").
		Where(store.InIDs("interaction_contacts.interaction_id", ids)).
		Order("interaction_contacts.interaction_id, contacts.name").Find(&cons).Error; err != nil {
		return fmt.Errorf("load interaction contacts: %w", err)
	}
	index := make(map[int64]*Interaction, len(list))
	for i := range list {
		it := &list[i]
		index[it.ID] = it
		if a, ok := byID[it.AuthorID]; ok {
			it.Author = &a
		}
		it.ParticipantIDs, it.Participants = []int64{}, []UserRef{}
		it.ContactIDs, it.Contacts = []int64{}, []ContactRef{}
	}
	for _, p := range parts {
		it := index[p.InteractionID]
		it.ParticipantIDs = append(it.ParticipantIDs, p.UserID)
		if u, ok := byID[p.UserID]; ok {
			it.Participants = append(it.Participants, u)
		}
	}
	for _, c := range cons {
		it := index[c.InteractionID]
		it.ContactIDs = append(it.ContactIDs, c.ID)
		it.Contacts = append(it.Contacts, ContactRef{ID: c.ID, Name: c.Name})
	}
	return nil
}

// checkContactsOf makes sure every id is a live contact of the account.
func checkContactsOf(tx *gorm.DB, accountID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	var n int64
	if err := tx.Model(&Contact{}).Where("account_id = ? AND id IN ?", accountID, ids).Count(&n).Error; err != nil {
		return err
	}
	if int(n) != len(ids) {
		return fault.Invalid(fault.Fields{"contact_ids": "every contact must belong to this account"})
	}
	return nil
}

// checkParticipants makes sure every id is a staff member who has not departed.
func checkParticipants(tx *gorm.DB, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	var n int64
	if err := tx.Model(&UserRef{}).Where("id IN ? AND status <> ?", ids, staff.StatusDeparted).Count(&n).Error; err != nil {
		return err
	}
	if int(n) != len(ids) {
		return fault.Invalid(fault.Fields{"participant_ids": "every participant must be a current staff member"})
	}
	return nil
}

// uniqueIDs drops duplicates, zeros and skip from ids, keeping their order.
func uniqueIDs(ids []int64, skip int64) []int64 {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id != 0 && id != skip && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
