package httpkit

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"

	"keyhold/internal/accounts"
	"keyhold/internal/auth"
	"keyhold/internal/campaigns"
	"keyhold/internal/handover"
	"keyhold/internal/health"
	"keyhold/internal/imports"
	"keyhold/internal/money"
	"keyhold/internal/picklists"
	"keyhold/internal/retention"
	"keyhold/internal/scorecard"
	"keyhold/internal/staff"
	"keyhold/internal/webhooks"

	"github.com/gin-gonic/gin"
)

// Deps are what the web layer serves.
type Deps struct {
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
	// Observe counts an answered request for the metrics (nil: none kept); Metrics serves
	// them at /metrics to a bearer of MetricsToken, when there is one.
	Observe      func(route, method string, status int, took time.Duration)
	Metrics      http.Handler
	MetricsToken string
	// TestChat sends a test message to a chat target now (the sender's).
	TestChat func(context.Context, webhooks.ChatTarget) webhooks.Result
	Ping     func(context.Context) error // answers whether the database is reachable
	Readers  int                         // reads the database serves at once (0: no limit)
	Now      func() time.Time
	BaseURL  string // absolute links (calendar feeds)
	// Proxies are the trusted proxies' networks (KEYHOLD_TRUSTED_PROXIES); SecureCookies
	// says the site is served over HTTPS (KEYHOLD_BASE_URL).
	Proxies       []*net.IPNet
	SecureCookies bool
}

// HTTPS reports whether the request reached the site over HTTPS: directly, or by the word
// (X-Forwarded-Proto) of a trusted proxy, or because the site is only served so.
func (d Deps) HTTPS(c *gin.Context) bool {
	if d.SecureCookies || c.Request.TLS != nil {
		return true
	}
	return d.fromProxy(c) && strings.EqualFold(c.GetHeader("X-Forwarded-Proto"), "https")
}

// fromProxy reports whether the request came straight from a trusted proxy.
func (d Deps) fromProxy(c *gin.Context) bool {
	ip := net.ParseIP(c.RemoteIP())
	for _, n := range d.Proxies {
		if ip != nil && n.Contains(ip) {
			return true
		}
	}
	return false
}

// ProxyList gives the trusted proxies in the form gin's SetTrustedProxies reads.
func (d Deps) ProxyList() []string {
	if len(d.Proxies) == 0 {
		return nil // none trusted
	}
	out := make([]string, len(d.Proxies))
	for i, n := range d.Proxies {
		out[i] = n.String()
	}
	return out
}
