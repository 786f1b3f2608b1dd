// Package staff holds Keyhold's users: their roles, their status lifecycle
// (active → leaving → departed), passwords, and the rules on who may manage whom.
package staff

import (
	"context"
	"time"
)

// Role is what a user may do.
type Role string

const (
	RoleAdmin   Role = "admin"
	RoleManager Role = "manager"
	RoleSales   Role = "sales"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleManager || r == RoleSales }

// Status is where a user is in the lifecycle.
type Status string

const (
	StatusActive   Status = "active"
	StatusLeaving  Status = "leaving"
	StatusDeparted Status = "departed"
)

// Departed says whether the user has left: no sign-in, no accounts.
func (s Status) Departed() bool { return s == StatusDeparted }

// User is a member of staff.
type User struct {
	ID            int64     `json:"id"`
	Name          string    `json:"name"`
	Email         string    `json:"email"`
	Role          Role      `json:"role"`
	Status        Status    `json:"status"`
	ManagerID     *int64    `json:"manager_id"`
	LastDay       *string   `json:"last_day"`
	Language      string    `json:"language"`
	PasswordHash  string    `json:"-"`
	TokenVersion  int       `json:"-"`
	CalendarToken *string   `json:"-"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// CanManage reports whether u runs teams: transfers, deletes, handovers.
func (u User) CanManage() bool { return u.Role == RoleManager || u.Role == RoleAdmin }

// IsAdmin reports whether u administers users and settings.
func (u User) IsAdmin() bool { return u.Role == RoleAdmin }

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool { return s == StatusActive || s == StatusLeaving || s == StatusDeparted }

// Active reports whether u can take on responsibility (own or join accounts).
func (u User) Active() bool { return u.Status == StatusActive }

type actorKey struct{}

// WithActor stores the signed-in user in ctx.
func WithActor(ctx context.Context, u User) context.Context {
	return context.WithValue(ctx, actorKey{}, u)
}

// ActorFrom returns the signed-in user stored in ctx.
func ActorFrom(ctx context.Context) (User, bool) {
	u, ok := ctx.Value(actorKey{}).(User)
	return u, ok
}
