package accounts

import (
	"keyhold/internal/store/storetest"
	"testing"
)

// The first migration stores the default cadence in SQL; it must be DefaultCadence, the
// one the rest of the code falls back on.
func TestMigrationsStoreTheDefaultCadence(t *testing.T) {
	db := storetest.Open(t)
	stored, err := loadCadence(db.Read)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(DefaultCadence) {
		t.Errorf("a new database has %d cadence policies, want %d", len(stored), len(DefaultCadence))
	}
	for tier, days := range DefaultCadence {
		if stored[tier] != days {
			t.Errorf("a new database's cadence for %s is %d days, want DefaultCadence's %d", tier, stored[tier], days)
		}
	}
}
