package httpkit

import (
	"context"
	"time"

	"keyhold/internal/accounts"
	"keyhold/internal/auth"
	"keyhold/internal/handover"
	"keyhold/internal/health"
	"keyhold/internal/money"
	"keyhold/internal/retention"
	"keyhold/internal/staff"
)

// Deps are what the web layer serves.
type Deps struct {
	Staff     *staff.Service
	Auth      *auth.Service
	Accounts  *accounts.Service
	Health    *health.Service
	Handover  *handover.Service
	Retention *retention.Service
	Money     *money.Service
	Ping      func(context.Context) error // answers whether the database is reachable
	Readers   int                         // reads the database serves at once (0: no limit)
	Now       func() time.Time
	BaseURL   string // absolute links (calendar feeds)
}
