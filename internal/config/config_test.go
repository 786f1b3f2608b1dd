package config

import (
	"strings"
	"testing"
)

func TestTrustedProxiesAndSecureCookies(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	c, err := FromEnv(env(map[string]string{"KEYHOLD_TRUSTED_PROXIES": " 10.0.0.0/8, 192.168.1.5 ,::1,"}))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range c.TrustedProxies {
		got = append(got, n.String())
	}
	if strings.Join(got, " ") != "10.0.0.0/8 192.168.1.5/32 ::1/128" {
		t.Errorf("trusted proxies %v", got)
	}
	if c.SecureCookies() {
		t.Errorf("an http base URL makes Secure cookies")
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example.com", "10.0.0"} {
		if _, err := FromEnv(env(map[string]string{"KEYHOLD_TRUSTED_PROXIES": bad})); err == nil ||
			!strings.Contains(err.Error(), "KEYHOLD_TRUSTED_PROXIES") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	none, _ := FromEnv(env(map[string]string{}))
	if len(none.TrustedProxies) != 0 {
		t.Errorf("proxies trusted by default: %v", none.TrustedProxies)
	}
	if c, _ := FromEnv(env(map[string]string{"KEYHOLD_BASE_URL": "https://crm.example.com/"})); !c.SecureCookies() {
		t.Errorf("an https base URL without Secure cookies")
	}
}
