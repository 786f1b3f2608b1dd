package webhooks

import (
	"context"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"keyhold/internal/fault"
)

// Endpoints must be public: a webhook or chat URL that resolves to loopback, link-local
// or private addresses would let whoever registers it make Keyhold call into its own
// network. The sender checks again each address it connects to (Public), since a name
// may resolve elsewhere by the time a delivery goes out.

// Public reports whether ip is an address Keyhold may send to.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsValid() && !ip.IsLoopback() && !ip.IsPrivate() && !ip.IsLinkLocalUnicast() &&
		!ip.IsLinkLocalMulticast() && !ip.IsInterfaceLocalMulticast() && !ip.IsMulticast() && !ip.IsUnspecified() &&
		!sharedSpace.Contains(ip)
}

// sharedSpace is carrier-grade NAT space (RFC 6598), private in all but name.
var sharedSpace = netip.MustParsePrefix("100.64.0.0/10")

// CheckURL reports, as a field error on field, what is wrong with an endpoint URL:
// http(s), a host, at most 2,000 characters and, unless allowPrivate, only public
// addresses.
func CheckURL(ctx context.Context, field, raw string, allowPrivate bool) error {
	bad := func(problem string) error { return fault.Invalid(fault.Fields{field: problem}) }
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return bad("is required")
	}
	u, err := url.Parse(raw)
	if err != nil || len(raw) > 2000 || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil {
		return bad("must be an http or https URL with a host, without a user name, at most 2,000 characters")
	}
	if allowPrivate {
		return nil
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		if !Public(ip) {
			return bad("is a loopback, link-local or private address; Keyhold only sends to public addresses")
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return bad("has a host name that does not resolve")
	}
	for _, ip := range addrs {
		if !Public(ip) {
			return bad("resolves to a loopback, link-local or private address; Keyhold only sends to public addresses")
		}
	}
	return nil
}
