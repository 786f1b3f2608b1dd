package app_test

import (
	"os/exec"
	"strings"
	"testing"
)

// Dependencies point one way: web → domain packages → store. Domain packages never know
// about HTTP; the web layer never writes SQL.
func TestLayering(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "keyhold/internal/web").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	if !strings.Contains(string(out), "keyhold/internal/accounts") {
		t.Fatalf("go list gave no useful answer: %s", out)
	}
	domain := []string{"fault", "staff", "auth", "accounts", "audit", "store", "opt", "config", "money"}
	for _, pkg := range domain {
		deps := listDeps(t, "keyhold/internal/"+pkg)
		for _, banned := range []string{"github.com/gin-gonic/gin", "net/http", "keyhold/internal/web"} {
			if deps[banned] {
				t.Errorf("domain package %s imports %s", pkg, banned)
			}
		}
	}
	web := listImports(t, "keyhold/internal/web")
	for _, banned := range []string{"gorm.io/gorm", "database/sql", "keyhold/internal/store/sql"} {
		if web[banned] {
			t.Errorf("web imports %s: SQL belongs in the domain packages", banned)
		}
	}
}

func listDeps(t *testing.T, pkg string) map[string]bool {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", pkg).Output()
	if err != nil {
		t.Fatalf("go list %s: %v", pkg, err)
	}
	m := map[string]bool{}
	for _, l := range strings.Fields(string(out)) {
		m[l] = true
	}
	return m
}

func listImports(t *testing.T, pkg string) map[string]bool {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, pkg).Output()
	if err != nil {
		t.Fatalf("go list %s: %v", pkg, err)
	}
	m := map[string]bool{}
	for _, l := range strings.Fields(string(out)) {
		m[l] = true
	}
	return m
}
