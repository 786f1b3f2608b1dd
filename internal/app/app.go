// Package app assembles Keyhold from its parts: it opens and migrates the database,
// builds the domain services around one clock, and hands them to the web layer.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"keyhold/internal/accounts"
	"keyhold/internal/auth"
	"keyhold/internal/campaigns"
	"keyhold/internal/config"
	"keyhold/internal/handover"
	"keyhold/internal/health"
	"keyhold/internal/imports"
	"keyhold/internal/metrics"
	"keyhold/internal/money"
	"keyhold/internal/picklists"
	"keyhold/internal/retention"
	"keyhold/internal/scorecard"
	"keyhold/internal/sender"
	"keyhold/internal/staff"
	"keyhold/internal/store"
	"keyhold/internal/web"
	"keyhold/internal/webhooks"
)

// Options are the knobs tests turn; production uses the zero value.
type Options struct {
	Now        func() time.Time // the clock; time.Now when nil
	BcryptCost int              // bcrypt.DefaultCost when 0
}

// App is one running Keyhold.
type App struct {
	DB        *store.DB
	Staff     *staff.Service
	Auth      *auth.Service
	Accounts  *accounts.Service
	Health    *health.Service
	Handover  *handover.Service
	Retention *retention.Service
	Campaigns *campaigns.Service
	Scorecard *scorecard.Service
	Imports   *imports.Service
	Money     *money.Service
	Picklists *picklists.Service
	Webhooks  *webhooks.Service
	Sender    *sender.Sender
	Digests   webhooks.Digests
	Metrics   *metrics.Metrics
	Handler   http.Handler
}

// Open opens the database named in cfg, applies pending migrations, creates the bootstrap
// admin if configured and the database has no users, and builds the services.
func Open(ctx context.Context, cfg config.Config, o Options) (*App, error) {
	if o.Now == nil {
		o.Now = func() time.Time { return time.Now().UTC() }
	}
	if o.BcryptCost == 0 {
		o.BcryptCost = bcrypt.DefaultCost
	}
	db, err := store.Open(cfg.DB)
	if err != nil {
		return nil, err
	}
	a, err := build(ctx, db, cfg, o)
	if err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

func build(ctx context.Context, db *store.DB, cfg config.Config, o Options) (*App, error) {
	if err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	st := staff.New(db, o.Now, o.BcryptCost)
	a := &App{DB: db, Staff: st, Accounts: accounts.New(db, o.Now, st), Health: health.New(db, o.Now),
		Money: money.New(db, o.Now), Picklists: picklists.New(db, o.Now)}
	// Every write to an account rescores it in the same transaction; so does a change of
	// rates, for the accounts it revalues.
	a.Accounts.OnChange(a.Health.Refresh)
	a.Money.OnRates(health.Revalue)
	a.Handover = handover.New(db, o.Now, a.Accounts, a.Money)
	a.Accounts.GuardTransfers(a.Handover.GuardTransfer)
	a.Accounts.CheckIntros(a.Handover.CheckIntro)
	a.Retention = retention.New(db, o.Now, a.Accounts, a.Money)
	a.Campaigns = campaigns.NewService(db, o.Now, cfg.Zone)
	a.Scorecard = scorecard.New(db, o.Now)
	a.Imports = imports.New(db, o.Now, a.Accounts, a.Staff, a.Picklists)
	a.Webhooks = webhooks.New(db, o.Now, cfg.WebhookAllowPrivate)
	a.Sender = sender.New(a.Webhooks, o.Now, cfg.BaseURL)
	a.Metrics = metrics.New(metrics.Sources{Pools: db.Pools(), OutboxDepth: a.Webhooks.Depth})
	a.Digests = webhooks.Digests{Hooks: a.Webhooks, Health: a.Health, Handover: a.Handover, Zone: cfg.Zone}
	if cfg.AdminEmail != "" {
		if _, err := a.Staff.Bootstrap(ctx, "Administrator", cfg.AdminEmail, cfg.AdminPassword); err != nil {
			return nil, err
		}
	}
	secret, err := auth.Secret(ctx, db, cfg.Secret)
	if err != nil {
		return nil, fmt.Errorf("signing secret: %w", err)
	}
	a.Auth = auth.New(db, a.Staff, secret, o.Now)
	a.Handler, err = web.New(web.Deps{Staff: a.Staff, Auth: a.Auth, Accounts: a.Accounts, Health: a.Health, Handover: a.Handover,
		Retention: a.Retention, Campaigns: a.Campaigns, Scorecard: a.Scorecard, Imports: a.Imports, Money: a.Money, Picklists: a.Picklists, Webhooks: a.Webhooks, TestChat: a.Sender.TestChat,
		Ping: db.Ping, Readers: db.Readers(), Now: o.Now, BaseURL: cfg.BaseURL,
		Proxies: cfg.TrustedProxies, SecureCookies: cfg.SecureCookies(),
		Observe: a.Metrics.Request, Metrics: a.Metrics.Handler(), MetricsToken: cfg.MetricsToken})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// RunScans rescores every account now and then every interval until ctx ends, so that
// what time alone changes (an account falling overdue) shows, on one instance at a time
// (store.Exclusively). Failures are logged and the next run tries again.
func (a *App) RunScans(ctx context.Context, interval time.Duration) {
	a.DB.Exclusively(ctx, store.JobScan, a.held(store.JobScan), func(ctx context.Context) { a.scanEvery(ctx, interval) })
}

// held tells the log and the metrics when this instance takes a job and lets it go.
func (a *App) held(job store.Job) func(bool) {
	gauge := a.Metrics.Held(job.String())
	return func(held bool) {
		gauge(held)
		if a.DB.Dialect() == store.Postgres {
			slog.Info("job", "job", job.String(), "held", held)
		}
	}
}

func (a *App) scanEvery(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		res, err := a.Health.Scan(ctx)
		if err != nil && ctx.Err() == nil {
			slog.Error("health scan failed", "err", err)
		} else if err == nil {
			a.Metrics.Scan(res.Took, res.Changed, res.Flagged)
			slog.Info("health scan", "accounts", res.Accounts, "flagged", res.Flagged, "changed", res.Changed,
				"full", res.Full, "recounted", res.Recounted, "took", res.Took)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SendInterval is how often serve's sender looks for events and due deliveries when it
// has none in hand.
const SendInterval = time.Second

// RunSender delivers the outbox's events until ctx ends, and records the Monday digests
// when they fall due (checked every minute), on one instance at a time.
func (a *App) RunSender(ctx context.Context) {
	a.DB.Exclusively(ctx, store.JobOutbox, a.held(store.JobOutbox), a.send)
}

func (a *App) send(ctx context.Context) {
	var digests sync.WaitGroup
	defer digests.Wait() // the job ends, and its lock goes, once both loops have stopped
	digests.Go(func() {
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			if n, err := a.Digests.Run(ctx); err != nil && ctx.Err() == nil {
				slog.Error("weekly digest", "err", err)
			} else if n > 0 {
				slog.Info("weekly digest recorded", "teams", n)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
	a.Sender.Run(ctx, SendInterval)
}
