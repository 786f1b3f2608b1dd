// Package campaigns runs leader touch campaigns: a manager asks the leaders of a set of
// key accounts — each account's executive sponsor, else its owner's manager — to greet
// or visit them within a window (领导亲自问候, 上门征求意见), and follows who has.
package campaigns

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/accounts"
	"keyhold/internal/audit"
	"keyhold/internal/check"
	"keyhold/internal/fault"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

const dateLayout = check.DateLayout

// Kind is what a campaign asks of the leaders.
type Kind string

// The kinds of campaign.
const (
	KindHolidayGreeting Kind = "holiday_greeting"
	KindAnnualReview    Kind = "annual_review" // the yearly visit to ask how we are doing
	KindCustom          Kind = "custom"
)

// Kinds are the campaign kinds.
var Kinds = []Kind{KindHolidayGreeting, KindAnnualReview, KindCustom}

// Touches are the interactions that do a campaign's task.
var Touches = []accounts.Kind{"holiday_greeting", "executive_visit"}

// Limits.
const (
	MaxName       = 200
	MaxWindowDays = 366
	MaxPicked     = 1000 // accounts in a hand-picked list
)

// ActionCreated and ActionDeleted are the audit actions of campaigns.
const (
	ActionCreated = "campaign.create"
	ActionDeleted = "campaign.delete"
)

// Campaign is a leader touch campaign and the choice of accounts it was made with.
type Campaign struct {
	ID        int64     `json:"id"`
	Kind      Kind      `json:"kind"`
	Name      string    `json:"name"`
	Holiday   string    `json:"holiday,omitempty"`
	From      string    `json:"from" gorm:"column:from_date"`
	To        string    `json:"to" gorm:"column:to_date"`
	Tier      string    `json:"tier,omitempty"`
	Region    string    `json:"region,omitempty"`
	Industry  string    `json:"industry,omitempty"`
	OwnerID   *int64    `json:"owner_id,omitempty"`
	Picked    bool      `json:"picked"` // the accounts were listed one by one
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// TableName is the campaigns table.
func (Campaign) TableName() string { return "campaigns" }

// task is a stored task: whose it is.
type task struct {
	CampaignID int64
	AccountID  int64
	LeaderID   int64
}

func (task) TableName() string { return "campaign_tasks" }

// New is what a manager asks for. The accounts are the active ones matching every filter
// given (none: all), or exactly the hand-picked ones: AccountIDs and AccountNames (each
// name one active account's, in any case).
type New struct {
	Kind         Kind
	Name         string
	Holiday      string
	From, To     string
	Tier         string
	Region       string
	Industry     string
	OwnerID      *int64
	AccountIDs   []int64
	AccountNames []string
}

// picked reports whether the campaign's accounts are hand-picked.
func (n New) picked() bool { return len(n.AccountIDs)+len(n.AccountNames) > 0 }

// Service runs campaigns.
type Service struct {
	db   *store.DB
	now  func() time.Time
	zone *time.Location // where a window's days begin and end
}

// NewService returns a Service; windows are days in zone.
func NewService(db *store.DB, now func() time.Time, zone *time.Location) *Service {
	if zone == nil {
		zone = time.UTC
	}
	return &Service{db: db, now: now, zone: zone}
}

// canRun: managers and admins run campaigns.
func canRun(actor staff.User) error {
	if !actor.CanManage() {
		return fault.Forbidden("only managers and admins run campaigns")
	}
	return nil
}

func (n *New) validate() error {
	bad := fault.Collect{}
	if !slices.Contains(Kinds, n.Kind) {
		bad.Add("kind", "must be holiday_greeting, annual_review or custom")
	}
	check.Line(bad, "name", &n.Name, MaxName, true)
	from, okFrom := check.Date(bad, "from", n.From)
	to, okTo := check.Date(bad, "to", n.To)
	switch {
	case okFrom && okTo && to.Before(from):
		bad.Add("to", "must not be before from")
	case okFrom && okTo && to.Sub(from) > MaxWindowDays*24*time.Hour:
		bad.Add("to", "must be within a year of from")
	}
	if n.Holiday != "" && !slices.Contains(Holidays, Holiday(n.Holiday)) {
		bad.Add("holiday", "must be spring_festival, dragon_boat, mid_autumn, new_year or christmas")
	}
	if n.Tier != "" && !accounts.Tier(n.Tier).Valid() {
		bad.Add("tier", "must be key, growth or standard")
	}
	check.Line(bad, "region", &n.Region, 100, false)
	check.Line(bad, "industry", &n.Industry, 100, false)
	if n.picked() && (n.Tier != "" || n.Region != "" || n.Industry != "" || n.OwnerID != nil) {
		bad.Add("account_ids", "choose accounts either by tier, region, industry and owner or by a list, not both")
	}
	if len(n.AccountIDs)+len(n.AccountNames) > MaxPicked {
		bad.Add("account_ids", "may list at most 1000 accounts")
	}
	for _, id := range n.AccountIDs {
		if id <= 0 {
			bad.Add("account_ids", "must list positive ids")
			break
		}
	}
	return bad.Err()
}

// Create starts a campaign: a task for each chosen active account, for its leader —
// the executive sponsor on its team, else its owner's manager, else (an owner nobody
// manages) the manager who started the campaign. One transaction: all tasks or none.
func (s *Service) Create(ctx context.Context, actor staff.User, n New) (Campaign, error) {
	var c Campaign
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		c, err = CreateIn(ctx, tx, actor, n, s.now())
		return err
	})
	return c, err
}

// CreateIn is Create inside the transaction tx, at now (the demo's seed uses it).
func CreateIn(ctx context.Context, tx *gorm.DB, actor staff.User, n New, now time.Time) (Campaign, error) {
	if err := canRun(actor); err != nil {
		return Campaign{}, err
	}
	if err := n.validate(); err != nil {
		return Campaign{}, err
	}
	c := Campaign{Kind: n.Kind, Name: n.Name, Holiday: n.Holiday, From: n.From, To: n.To, Tier: n.Tier, Region: n.Region,
		Industry: n.Industry, OwnerID: n.OwnerID, Picked: n.picked(), CreatedBy: actor.ID, CreatedAt: now.UTC()}
	if n.OwnerID != nil {
		var found int64
		if err := tx.Raw("SELECT COUNT(*) FROM users WHERE id = ?", *n.OwnerID).Scan(&found).Error; err != nil {
			return c, err
		}
		if found == 0 {
			return c, fault.Invalid(fault.Fields{"owner_id": "no such user"})
		}
	}
	targets, err := chosen(tx, n)
	if err != nil {
		return c, err
	}
	leaders, err := leadersOf(tx, targets, actor.ID)
	if err != nil {
		return c, err
	}
	if err := tx.Create(&c).Error; err != nil {
		return c, fmt.Errorf("create campaign: %w", err)
	}
	tasks := make([]task, len(targets))
	for i, t := range targets {
		tasks[i] = task{CampaignID: c.ID, AccountID: t.ID, LeaderID: leaders[t.ID]}
	}
	if err := tx.CreateInBatches(tasks, 500).Error; err != nil {
		return c, fmt.Errorf("create campaign tasks: %w", err)
	}
	return c, audit.Record(ctx, tx, audit.Entry{At: c.CreatedAt, ActorID: &actor.ID, Action: ActionCreated, Entity: "campaign",
		EntityID: c.ID, Reason: c.Name}, nil, map[string]any{"campaign": c, "tasks": len(tasks)})
}

// target is a chosen account and who owns it.
type target struct {
	ID      int64
	OwnerID int64
}

// chosen are the campaign's accounts: the hand-picked ones (every one must be an active
// account, every name one active account's), or the active accounts matching the filters;
// at least one.
func chosen(tx *gorm.DB, n New) ([]target, error) {
	q := tx.Table("accounts").Select("id, owner_id").Where("deleted_at IS NULL AND status = ?", accounts.StatusActive)
	ids := slices.Clone(n.AccountIDs)
	if len(n.AccountNames) > 0 {
		named, err := byNames(tx, n.AccountNames)
		if err != nil {
			return nil, err
		}
		ids = append(ids, named...)
	}
	if n.picked() {
		q = q.Where("id IN ?", ids)
	} else {
		for col, v := range map[string]string{"tier": n.Tier, "region": n.Region, "industry": n.Industry} {
			if v != "" {
				q = q.Where(col+" = ?", v)
			}
		}
		if n.OwnerID != nil {
			q = q.Where("owner_id = ?", *n.OwnerID)
		}
	}
	var out []target
	if err := q.Order("id").Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("campaign accounts: %w", err)
	}
	if n.picked() {
		slices.Sort(ids)
		if len(slices.Compact(ids)) != len(out) {
			return nil, fault.Invalid(fault.Fields{"account_ids": "must list active accounts only"})
		}
	}
	if len(out) == 0 {
		return nil, fault.Invalid(fault.Fields{"accounts": "no active account matches; widen the choice"})
	}
	return out, nil
}

// byNames finds the active account each name is, in any case; a name that is no active
// account's, or more than one's, is refused with the names in question.
func byNames(tx *gorm.DB, names []string) ([]int64, error) {
	folded := make([]string, len(names))
	for i, name := range names {
		folded[i] = strings.ToLower(strings.TrimSpace(name))
	}
	var found []struct {
		ID   int64
		Name string
	}
	if err := tx.Raw(`SELECT id, LOWER(name) AS name FROM accounts WHERE deleted_at IS NULL AND status = ? AND LOWER(name) IN ?`,
		accounts.StatusActive, folded).Scan(&found).Error; err != nil {
		return nil, fmt.Errorf("campaign accounts by name: %w", err)
	}
	byName := map[string][]int64{}
	for _, f := range found {
		byName[f.Name] = append(byName[f.Name], f.ID)
	}
	var ids []int64
	var unknown, ambiguous []string
	for i, name := range folded {
		switch len(byName[name]) {
		case 0:
			unknown = append(unknown, strings.TrimSpace(names[i]))
		case 1:
			ids = append(ids, byName[name][0])
		default:
			ambiguous = append(ambiguous, strings.TrimSpace(names[i]))
		}
	}
	switch {
	case len(unknown) > 0:
		return nil, fault.Invalid(fault.Fields{"account_names": "no active account has these names: " + strings.Join(unknown, ", ")})
	case len(ambiguous) > 0:
		return nil, fault.Invalid(fault.Fields{"account_names": "more than one active account has these names; give their numbers: " + strings.Join(ambiguous, ", ")})
	}
	return ids, nil
}

// leadersOf is each target's leader: its executive sponsor (the longest-serving if
// several, and not departed), else its owner's manager (not departed), else fallback.
func leadersOf(tx *gorm.DB, targets []target, fallback int64) (map[int64]int64, error) {
	var sponsors []struct{ AccountID, UserID int64 }
	if err := tx.Raw(`SELECT t.account_id, t.user_id FROM account_team t JOIN users u ON u.id = t.user_id
		WHERE t.role = ? AND u.status <> ? ORDER BY t.since DESC, t.user_id DESC`,
		accounts.RoleExecutiveSponsor, staff.StatusDeparted).Scan(&sponsors).Error; err != nil {
		return nil, fmt.Errorf("campaign sponsors: %w", err)
	}
	sponsor := make(map[int64]int64, len(sponsors))
	for _, sp := range sponsors { // the longest-serving last, so it stays
		sponsor[sp.AccountID] = sp.UserID
	}
	org, err := loadOrg(tx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]int64, len(targets))
	for _, t := range targets {
		switch m := org.manager[t.OwnerID]; {
		case sponsor[t.ID] != 0:
			out[t.ID] = sponsor[t.ID]
		case m != 0 && !org.departed[m]:
			out[t.ID] = m
		default:
			out[t.ID] = fallback
		}
	}
	return out, nil
}

// org is who manages whom.
type org struct {
	manager  map[int64]int64
	departed map[int64]bool
}

func loadOrg(tx *gorm.DB) (org, error) {
	var users []struct {
		ID        int64
		ManagerID *int64
		Status    string
	}
	if err := tx.Raw("SELECT id, manager_id, status FROM users").Scan(&users).Error; err != nil {
		return org{}, fmt.Errorf("campaign org: %w", err)
	}
	o := org{manager: make(map[int64]int64, len(users)), departed: map[int64]bool{}}
	for _, u := range users {
		if u.ManagerID != nil {
			o.manager[u.ID] = *u.ManagerID
		}
		if u.Status == string(staff.StatusDeparted) {
			o.departed[u.ID] = true
		}
	}
	return o, nil
}

// above reports whether user is above owner: the owner's manager, their manager, and so
// on (a cycle, which the staff rules forbid, ends the walk).
func (o org) above(user, owner int64) bool {
	seen := map[int64]bool{owner: true}
	for m := o.manager[owner]; m != 0 && !seen[m]; m = o.manager[m] {
		if m == user {
			return true
		}
		seen[m] = true
	}
	return false
}

// Delete removes a campaign and its tasks: its creator or an admin.
func (s *Service) Delete(ctx context.Context, actor staff.User, id int64) error {
	if err := canRun(actor); err != nil {
		return err
	}
	return s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var c Campaign
		if err := tx.Take(&c, id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return fault.NotFound("campaign", id)
		} else if err != nil {
			return err
		}
		if c.CreatedBy != actor.ID && !actor.IsAdmin() {
			return fault.Forbidden("only the manager who started a campaign, or an admin, may delete it")
		}
		if err := tx.Exec("DELETE FROM campaign_tasks WHERE campaign_id = ?", id).Error; err != nil {
			return err
		}
		if err := tx.Delete(&Campaign{}, id).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.now().UTC(), ActorID: &actor.ID, Action: ActionDeleted, Entity: "campaign",
			EntityID: id, Reason: c.Name}, c, nil)
	})
}
