package retention

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/accounts"
	"keyhold/internal/audit"
	"keyhold/internal/check"
	"keyhold/internal/fault"
	"keyhold/internal/opt"
	"keyhold/internal/outbox"
	"keyhold/internal/staff"
)

// Complaint is a customer's complaint; open for more than a week, it costs health.
type Complaint struct {
	ID         int64      `json:"id"`
	AccountID  int64      `json:"account_id"`
	Severity   string     `json:"severity"`
	Summary    string     `json:"summary"`
	Status     string     `json:"status"`
	Resolution string     `json:"resolution"`
	OpenedAt   time.Time  `json:"opened_at"`
	ResolvedAt *time.Time `json:"resolved_at"`
	AuthorID   int64      `json:"author_id"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`

	AccountName string `json:"account_name,omitempty" gorm:"->;-:migration"`
	DaysOpen    int    `json:"days_open" gorm:"-"`
}

// Complaint statuses and severities.
const (
	ComplaintOpen     = "open"
	ComplaintResolved = "resolved"
)

// Severities lists the severities, worst first.
var Severities = []string{"high", "medium", "low"}

func checkSeverity(bad fault.Collect, s string) {
	if s != "low" && s != "medium" && s != "high" {
		bad.Add("severity", "must be low, medium or high")
	}
}

func (c *Complaint) finish(now time.Time) {
	end := now
	if c.ResolvedAt != nil {
		end = *c.ResolvedAt
	}
	c.DaysOpen = int(end.Sub(c.OpenedAt).Hours() / 24)
}

// NewComplaint is what a user records.
type NewComplaint struct {
	Severity string
	Summary  string
	OpenedAt *time.Time // now when nil; never in the future
}

// OpenComplaint records a complaint on an account. Anyone may: the records are shared.
func (s *Service) OpenComplaint(ctx context.Context, actor staff.User, accountID int64, in NewComplaint) (Complaint, error) {
	now := s.now().UTC()
	bad := fault.Collect{}
	checkSeverity(bad, in.Severity)
	check.Text(bad, "summary", &in.Summary, 5000, true)
	opened := now
	if in.OpenedAt != nil {
		opened = in.OpenedAt.UTC()
		if check.Time(bad, "opened_at", opened) && opened.After(now.Add(time.Minute)) {
			bad.Add("opened_at", "may not be in the future")
		}
	}
	if err := bad.Err(); err != nil {
		return Complaint{}, err
	}
	c := Complaint{AccountID: accountID, Severity: in.Severity, Summary: in.Summary, Status: ComplaintOpen,
		OpenedAt: opened, AuthorID: actor.ID, CreatedAt: now, UpdatedAt: now}
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := accounts.LoadTx(tx, accountID)
		if err != nil {
			return err
		}
		if err := accounts.Writable(a); err != nil {
			return err
		}
		if err := tx.Omit("AccountName").Create(&c).Error; err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "complaint.open",
			Entity: "complaint", EntityID: c.ID, AccountID: &accountID}, nil, c); err != nil {
			return err
		}
		c.AccountName = a.Name
		if err := outbox.Record(ctx, tx, outbox.ComplaintOpened, now, outbox.Complaint{Complaint: c, Tier: string(a.Tier), OwnerID: a.OwnerID}); err != nil {
			return err
		}
		return s.accounts.Changed(ctx, tx, accountID)
	})
	if err != nil {
		return Complaint{}, fmt.Errorf("open complaint on account %d: %w", accountID, err)
	}
	c.finish(now)
	return c, nil
}

// ComplaintPatch changes a complaint; resolving it needs a resolution.
type ComplaintPatch struct {
	Severity   opt.Field[string]
	Summary    opt.Field[string]
	Status     opt.Field[string]
	Resolution opt.Field[string]
}

// UpdateComplaint changes or resolves a complaint. Anyone may.
func (s *Service) UpdateComplaint(ctx context.Context, actor staff.User, id int64, p ComplaintPatch) (Complaint, error) {
	now := s.now().UTC()
	var c Complaint
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Take(&c, id).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fault.NotFound("complaint", id)
		}
		if err != nil {
			return err
		}
		before := c
		bad := fault.Collect{}
		if p.Severity.Set {
			c.Severity = p.Severity.Value
			checkSeverity(bad, c.Severity)
		}
		if p.Summary.Set {
			c.Summary = p.Summary.Value
			check.Text(bad, "summary", &c.Summary, 5000, true)
		}
		if p.Resolution.Set {
			c.Resolution = p.Resolution.Value
			check.Text(bad, "resolution", &c.Resolution, 5000, false)
		}
		if p.Status.Set {
			switch p.Status.Value {
			case ComplaintResolved:
				if c.Status != ComplaintResolved {
					c.Status, c.ResolvedAt = ComplaintResolved, &now
				}
			case ComplaintOpen:
				c.Status, c.ResolvedAt = ComplaintOpen, nil
			default:
				bad.Add("status", "must be open or resolved")
			}
		}
		if c.Status == ComplaintResolved && c.Resolution == "" {
			bad.Add("resolution", "is required to resolve a complaint")
		}
		if err := bad.Err(); err != nil {
			return err
		}
		c.UpdatedAt = now
		if err := tx.Model(&c).Select("severity", "summary", "status", "resolution", "resolved_at", "updated_at").
			Updates(&c).Error; err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{At: now, ActorID: &actor.ID, Action: "complaint.update",
			Entity: "complaint", EntityID: c.ID, AccountID: &c.AccountID}, before, c); err != nil {
			return err
		}
		return s.accounts.Changed(ctx, tx, c.AccountID)
	})
	if err != nil {
		return Complaint{}, fmt.Errorf("update complaint %d: %w", id, err)
	}
	c.finish(now)
	return c, nil
}

// Complaints lists an account's complaints, open ones first, newest first.
func (s *Service) Complaints(ctx context.Context, accountID int64) ([]Complaint, error) {
	db := s.db.Read.WithContext(ctx)
	if _, err := accounts.LoadTx(db, accountID); err != nil {
		return nil, err
	}
	out := []Complaint{}
	if err := db.Where("account_id = ?", accountID).Order("status = 'resolved', opened_at DESC, id DESC").Find(&out).Error; err != nil {
		return nil, err
	}
	now := s.now().UTC()
	for i := range out {
		out[i].finish(now)
	}
	return out, nil
}

// OpenComplaintsOf lists the open complaints on the accounts a user owns, oldest first.
func (s *Service) OpenComplaintsOf(ctx context.Context, ownerID int64) ([]Complaint, error) {
	out := []Complaint{}
	err := s.db.Read.WithContext(ctx).Table("complaints c").Select("c.*, a.name AS account_name").
		Joins("JOIN accounts a ON a.id = c.account_id AND a.deleted_at IS NULL").
		Where("a.owner_id = ? AND c.status = ?", ownerID, ComplaintOpen).Order("c.opened_at, c.id").Find(&out).Error
	now := s.now().UTC()
	for i := range out {
		out[i].finish(now)
	}
	return out, err
}
