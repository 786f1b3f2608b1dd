// Package handover runs the offboarding of departing staff: a handover proposes a
// successor for every account the person owns or helps with, tracks a checklist per
// account, moves everything in one transaction, and follows the accounts for 90 days.
// It also handles departure itself and the record of the notice period.
package handover

import (
	"cmp"
	"time"

	"keyhold/internal/accounts"
	"keyhold/internal/money"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

// Status is where a handover is.
type Status string

const (
	Draft      Status = "draft"
	InProgress Status = "in_progress"
	Completed  Status = "completed"
	Cancelled  Status = "cancelled"
)

// Open says whether a handover in this status can still change: a draft or one in
// progress.
func (s Status) Open() bool { return s == Draft || s == InProgress }

// Handover is the offboarding of one departing user.
type Handover struct {
	ID              int64      `json:"id"`
	DepartingUserID int64      `json:"departing_user_id"`
	CreatedBy       int64      `json:"created_by"`
	Status          Status     `json:"status"`
	LastDay         string     `json:"last_day"`
	Forced          bool       `json:"forced"`
	ForceReason     string     `json:"force_reason"`
	CreatedAt       time.Time  `json:"created_at"`
	StartedAt       *time.Time `json:"started_at"`
	CompletedAt     *time.Time `json:"completed_at"`
	CompletedBy     *int64     `json:"completed_by"`
	CancelledAt     *time.Time `json:"cancelled_at"`

	Departing *accounts.UserRef `json:"departing_user" gorm:"-"`
	Items     []Item            `json:"items" gorm:"-"`
	Progress  Progress          `json:"progress" gorm:"-"`
}

// Open reports whether the handover can still change.
func (h Handover) Open() bool { return h.Status.Open() }

// CanStart says whether h can start: only a draft can.
func (h Handover) CanStart() bool { return h.Status == Draft }

// CanComplete says whether h can complete: only one in progress can.
func (h Handover) CanComplete() bool { return h.Status == InProgress }

// Editable says whether an item of h can still change: its note, successor and
// introduction. A closed handover's items, and items already done, ended or skipped,
// cannot.
func (h Handover) Editable(it Item) bool { return h.Open() && it.Open() }

// Open says whether the item still waits for the handover's completion.
func (it Item) Open() bool { return it.Status == "open" }

// Skipped says whether completion left the item's account with whoever held it then (it
// had changed hands meanwhile): its successor never took it.
func (it Item) Skipped() bool { return it.Status == "skipped" }

// Item is one account in a handover.
type Item struct {
	ID               int64             `json:"id"`
	HandoverID       int64             `json:"handover_id"`
	AccountID        int64             `json:"account_id"`
	Role             accounts.TeamRole `json:"role"`
	ProposedToUserID *int64            `json:"proposed_to_user_id"`
	ToUserID         *int64            `json:"to_user_id"`
	JoinedTeam       bool              `json:"-"`
	Note
	CustomerNotified bool   `json:"customer_notified"`
	Forced           bool   `json:"forced"`
	Status           string `json:"status"`      // open, done (moved), ended (the role ended: nobody took it), skipped
	SkipReason       string `json:"skip_reason"` // why a skipped item was not carried out (see stale)

	FromUserID  int64             `json:"from_user_id" gorm:"-"`
	Account     *ItemAccount      `json:"account" gorm:"-"`
	Successor   *accounts.UserRef `json:"successor" gorm:"-"`
	IntroLogged bool              `json:"intro_logged" gorm:"-"`
	Gaps        []string          `json:"gaps" gorm:"-"` // what a key-account item still lacks
	RoleEnds    bool              `json:"role_ends" gorm:"-"`
	FollowThrough
}

// ItemAccount is the short form of an item's account.
type ItemAccount struct {
	ID          int64         `json:"id"`
	Name        string        `json:"name"`
	Tier        accounts.Tier `json:"tier"`
	Status      string        `json:"status"`
	AnnualValue int64         `json:"annual_value"`
	Currency    string        `json:"currency"`
	BaseValue   *int64        `json:"base_value"` // annual value in the base currency; null without a rate
	OwnerID     int64         `json:"owner_id"`
}

func (a *ItemAccount) baseValue() int64 {
	if a == nil || a.BaseValue == nil {
		return 0
	}
	return *a.BaseValue
}

// FollowThrough is what happened after completion.
type FollowThrough struct {
	SuccessorFirstContactAt *time.Time `json:"successor_first_contact_at" gorm:"-"`
	DaysToFirstContact      *int       `json:"days_to_first_contact" gorm:"-"`
	Outcome30               string     `json:"outcome_30" gorm:"-"`
	Outcome60               string     `json:"outcome_60" gorm:"-"`
	Outcome90               string     `json:"outcome_90" gorm:"-"`
}

// successor is the chosen successor, else the proposed one.
func (it Item) successor() *int64 {
	if it.ToUserID != nil {
		return it.ToUserID
	}
	return it.ProposedToUserID
}

// Why an item was skipped at completion: the account changed hands while the handover
// was open, and carrying the item out would move it away from whoever holds it now.
const (
	SkipOwnerChanged   = "owner_changed"   // someone else owns the account now
	SkipRoleChanged    = "role_changed"    // the departing person holds another role now
	SkipLeftTeam       = "left_team"       // the departing person is no longer on the team
	SkipAccountDeleted = "account_deleted" // the account was deleted
)

// SkipReasons lists the reasons an item can be skipped.
var SkipReasons = []string{SkipOwnerChanged, SkipRoleChanged, SkipLeftTeam, SkipAccountDeleted}

// stale says why the item can no longer be carried out as written, given what the
// departing person holds on its account now ("" when it can).
func (it Item) stale(now accounts.Holding, exists bool) string {
	switch {
	case !exists:
		return SkipAccountDeleted
	case now.Role == "":
		return SkipLeftTeam
	case it.Role == accounts.RoleOwner && now.Role != accounts.RoleOwner:
		return SkipOwnerChanged
	case it.Role == accounts.RoleOwner && now.Deleted:
		return SkipAccountDeleted
	case now.Role != it.Role:
		return SkipRoleChanged
	}
	return ""
}

// key reports whether the item's account is a key account.
func (it Item) key() bool { return it.Account != nil && it.Account.Tier == accounts.TierKey }

// Progress counts the checklist across items.
type Progress struct {
	Items          int  `json:"items"`
	WithSuccessor  int  `json:"with_successor"`
	TransferNotes  int  `json:"transfer_notes"`
	IntrosLogged   int  `json:"intros_logged"`
	Notified       int  `json:"customers_notified"`
	KeyItems       int  `json:"key_items"`
	KeyItemsOpen   int  `json:"key_items_with_gaps"`
	ReadyToFinish  bool `json:"ready_to_complete"`
	PercentChecked int  `json:"percent_checked"` // checklist boxes ticked, of all boxes
}

// Gap names.
const (
	GapSuccessor    = "successor"
	GapTransferNote = "transfer_note"
	GapIntro        = "intro"
)

// Service runs handovers and departures.
type Service struct {
	db       *store.DB
	now      func() time.Time
	accounts *accounts.Service
	money    *money.Service
	// successors are the people any handover item names, under Versions.Handovers.
	successors store.Memo[map[int64]bool]
}

// New returns a Service.
func New(db *store.DB, now func() time.Time, acc *accounts.Service, m *money.Service) *Service {
	return &Service{db: db, now: now, accounts: acc, money: m}
}

func (Handover) TableName() string { return "handovers" }
func (Item) TableName() string     { return "handover_items" }

// ByImportance orders items as every view of a handover lists them (Get gives them in
// this order): key accounts first, then the most valuable first, in the base currency
// (the accounts a manager worries about lead).
func ByImportance(a, b Item) int {
	if a.key() != b.key() {
		if a.key() {
			return -1
		}
		return 1
	}
	return cmp.Compare(b.Account.baseValue(), a.Account.baseValue())
}

// Departable lists, of the active users, those actor may start a handover for: everyone
// but themselves (Create refuses one's own handover).
func Departable(actor staff.User, active []staff.User) []staff.User {
	out := make([]staff.User, 0, len(active))
	for _, u := range active {
		if u.ID != actor.ID {
			out = append(out, u)
		}
	}
	return out
}
