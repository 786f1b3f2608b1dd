// Package storetest gives the domain packages' tests a database: a real SQLite file in
// the test's temporary folder, migrated, closed when the test ends — never a mock.
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"keyhold/internal/store"
)

// Open returns a freshly migrated database for tb.
func Open(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(filepath.Join(tb.TempDir(), "keyhold.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return db
}
