// Package config reads Keyhold's configuration from the environment, once, and validates it.
package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
	_ "time/tzdata" // the zones, whatever the machine has
)

// Config is the validated configuration of one Keyhold process.
type Config struct {
	Addr          string // listen address
	DB            string // SQLite file path or postgres:// URL
	Secret        string // JWT signing key; empty means generated and stored in the database
	AdminEmail    string // bootstrap admin, created when the database has no users
	AdminPassword string
	BaseURL       string        // absolute links
	ScanInterval  time.Duration // how often serve rescores every account
	// TrustedProxies are the networks whose X-Forwarded-For and X-Forwarded-Proto count
	// (a TLS-terminating proxy in front); none by default, so a client cannot invent its
	// address or claim HTTPS.
	TrustedProxies []*net.IPNet
	// WebhookAllowPrivate lets webhook and chat endpoints be loopback, link-local or
	// private addresses (KEYHOLD_WEBHOOK_ALLOW_PRIVATE=1): for tests and receivers inside
	// the same network. Off, such an address is refused when registered and when sent to.
	WebhookAllowPrivate bool
	// Zone is the organisation's time zone (KEYHOLD_TIMEZONE, an IANA name; default
	// Asia/Shanghai): the Monday digest goes out at 08:00 there.
	Zone *time.Location
	// MetricsAddr is where /metrics is served on its own (KEYHOLD_METRICS_ADDR, such as
	// 127.0.0.1:9100); MetricsToken (KEYHOLD_METRICS_TOKEN, at least 32 characters) serves
	// it on the main address to a bearer of the token. Neither: no /metrics.
	MetricsAddr, MetricsToken string
}

// SecureCookies reports whether cookies are always Secure: the site is served over HTTPS.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// FromEnv reads the KEYHOLD_* variables through getenv, applying the documented defaults.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:          getenv("KEYHOLD_ADDR"),
		DB:            getenv("KEYHOLD_DB"),
		Secret:        getenv("KEYHOLD_SECRET"),
		AdminEmail:    strings.TrimSpace(getenv("KEYHOLD_ADMIN_EMAIL")),
		AdminPassword: getenv("KEYHOLD_ADMIN_PASSWORD"),
		BaseURL:       strings.TrimRight(getenv("KEYHOLD_BASE_URL"), "/"),
	}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if c.DB == "" {
		c.DB = "data/keyhold.db"
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	c.ScanInterval = 15 * time.Minute
	if v := getenv("KEYHOLD_SCAN_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute {
			return c, fmt.Errorf("KEYHOLD_SCAN_INTERVAL %q: a duration of at least 1m, such as 15m", v)
		}
		c.ScanInterval = d
	}
	switch v := getenv("KEYHOLD_WEBHOOK_ALLOW_PRIVATE"); v {
	case "", "0":
	case "1":
		c.WebhookAllowPrivate = true
	default:
		return c, fmt.Errorf("KEYHOLD_WEBHOOK_ALLOW_PRIVATE %q: 1 to allow private addresses, 0 or unset to refuse them", v)
	}
	zone := getenv("KEYHOLD_TIMEZONE")
	if zone == "" {
		zone = "Asia/Shanghai"
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return c, fmt.Errorf("KEYHOLD_TIMEZONE %q: an IANA time zone such as Asia/Shanghai or Europe/Berlin", zone)
	}
	c.Zone = loc
	c.MetricsAddr, c.MetricsToken = getenv("KEYHOLD_METRICS_ADDR"), getenv("KEYHOLD_METRICS_TOKEN")
	if c.TrustedProxies, err = parseNets(getenv("KEYHOLD_TRUSTED_PROXIES")); err != nil {
		return c, fmt.Errorf("KEYHOLD_TRUSTED_PROXIES: %w", err)
	}
	return c, c.validate()
}

// parseNets reads a comma-separated list of CIDRs or single addresses.
func parseNets(list string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, part := range strings.Split(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			ip := net.ParseIP(part)
			if ip == nil {
				return nil, fmt.Errorf("%q is neither an address nor a CIDR such as 10.0.0.0/8", part)
			}
			bits := 128
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR such as 10.0.0.0/8", part)
		}
		out = append(out, n)
	}
	return out, nil
}

func (c Config) validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("KEYHOLD_ADDR %q: %w", c.Addr, err)
	}
	if strings.HasPrefix(c.DB, "postgres://") || strings.HasPrefix(c.DB, "postgresql://") {
		if u, err := url.Parse(c.DB); err != nil || u.Host == "" {
			return fmt.Errorf("KEYHOLD_DB: not a PostgreSQL URL (postgres://user:password@host:5432/database)")
		}
	}
	if c.Secret != "" && len(c.Secret) < 32 {
		return fmt.Errorf("KEYHOLD_SECRET must be at least 32 characters")
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return fmt.Errorf("KEYHOLD_METRICS_ADDR %q: %w", c.MetricsAddr, err)
		}
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 32 {
		return fmt.Errorf("KEYHOLD_METRICS_TOKEN must be at least 32 characters")
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		return fmt.Errorf("set both KEYHOLD_ADMIN_EMAIL and KEYHOLD_ADMIN_PASSWORD, or neither")
	}
	if c.AdminPassword != "" && len([]rune(c.AdminPassword)) < 10 {
		return fmt.Errorf("KEYHOLD_ADMIN_PASSWORD must be at least 10 characters")
	}
	return nil
}
