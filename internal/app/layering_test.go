package app_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// Dependencies point one way: web → web/ui → web/api → web/httpkit → domain packages →
// store, and sender → domain packages.
// Domain packages never know about HTTP or the web layer; the web layer never writes SQL.
func TestLayering(t *testing.T) {
	all := goList(t, "-f", "{{.ImportPath}}", "keyhold/...")
	var domain []string
	for _, pkg := range all {
		rest, ok := strings.CutPrefix(pkg, "keyhold/internal/")
		// The sender is the edge that calls out over HTTP, as web is the one that answers;
		// metrics serves the operators' scrape; sheets is the edge of file formats (its
		// excelize imports net/http to sniff images' types), used by web only.
		if !ok || rest == "app" || rest == "sender" || rest == "metrics" || rest == "sheets" || rest == "web" || strings.HasPrefix(rest, "web/") {
			continue
		}
		domain = append(domain, pkg)
	}
	// The packages the domain must have: a package moved or renamed must be moved here too.
	for _, want := range []string{"accounts", "audit", "auth", "chat", "check", "config", "demo", "fault", "handover", "health",
		"i18n", "money", "opt", "outbox", "retention", "staff", "store", "webhooks"} {
		if !slices.Contains(domain, "keyhold/internal/"+want) {
			t.Errorf("no domain package keyhold/internal/%s", want)
		}
	}
	// Every banned package must exist, or banning it proves nothing.
	deps := map[string]bool{}
	for _, p := range goList(t, "-deps", "-f", "{{.ImportPath}}", "keyhold/...") {
		deps[p] = true
	}
	webBans := []string{"gorm.io/gorm", "database/sql", "github.com/mattn/go-sqlite3"}
	domainBans := []string{"github.com/gin-gonic/gin", "net/http", "keyhold/internal/web", "keyhold/internal/app"}
	for _, banned := range slices.Concat(webBans, domainBans) {
		if !deps[banned] {
			t.Errorf("%s is banned somewhere but the module does not use it", banned)
		}
	}
	for _, pkg := range domain {
		imported := map[string]bool{}
		for _, p := range goList(t, "-deps", "-f", "{{.ImportPath}}", pkg) {
			imported[p] = true
		}
		for _, banned := range domainBans {
			if imported[banned] {
				t.Errorf("domain package %s imports %s", pkg, banned)
			}
		}
	}
	// Inside the web layer: the router (web) mounts the pages (ui) and the API; the pages
	// use the API's report downloads and the shared kit; the API uses the kit only; the
	// kit neither.
	for pkg, banned := range map[string][]string{
		"keyhold/internal/web/ui":      {"keyhold/internal/web"},
		"keyhold/internal/web/api":     {"keyhold/internal/web", "keyhold/internal/web/ui"},
		"keyhold/internal/web/httpkit": {"keyhold/internal/web", "keyhold/internal/web/api", "keyhold/internal/web/ui"},
	} {
		imported := map[string]bool{}
		for _, p := range goList(t, "-deps", "-f", "{{.ImportPath}}", pkg) {
			imported[p] = true
		}
		for _, b := range banned {
			if imported[b] {
				t.Errorf("%s imports %s", pkg, b)
			}
		}
	}
	for _, pkg := range all {
		if pkg != "keyhold/internal/web" && !strings.HasPrefix(pkg, "keyhold/internal/web/") {
			continue
		}
		imports := goList(t, "-f", `{{join .Imports "\n"}}`, pkg)
		for _, banned := range webBans {
			if slices.Contains(imports, banned) {
				t.Errorf("%s imports %s: SQL belongs in the domain packages", pkg, banned)
			}
		}
	}
}

// goList runs go list with args and returns its output's lines; the test fails if it
// cannot run, rather than passing without having looked.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		t.Fatalf("go list %s: %v", strings.Join(args, " "), err)
	}
	return strings.Fields(string(out))
}
