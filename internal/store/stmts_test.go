package store

import (
	"context"
	"errors"
	"testing"

	"gorm.io/gorm"
)

// The writer's statements are prepared once and reused by every later transaction; a
// statement's errors and a rolled-back transaction behave as without the cache.
func TestWriterReusesPreparedStatements(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	const ins = "INSERT INTO settings (key, value) VALUES (?, ?)"
	write := func(key string) error {
		return db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			return tx.Exec(ins, key, "v").Error
		})
	}
	if err := write("a"); err != nil {
		t.Fatal(err)
	}
	first := db.writeStmts.cached(ins)
	if first == nil {
		t.Fatal("a statement met in a transaction is not prepared once the transaction ends")
	}
	if err := write("b"); err != nil {
		t.Fatal(err)
	}
	if db.writeStmts.cached(ins) != first {
		t.Error("the second transaction prepared the statement again")
	}
	if err := write("a"); err == nil {
		t.Error("a duplicate key went through the cached statement")
	}
	boom := errors.New("boom")
	err := db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(ins, "c", "v").Error; err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	var n int64
	db.Read.Table("settings").Where("key IN ?", []string{"a", "b", "c"}).Count(&n)
	if n != 2 {
		t.Errorf("rows after a rollback: %d, want 2", n)
	}
	if v, err := db.Setting(ctx, "b"); err != nil || v != "v" {
		t.Errorf("setting b: %q %v", v, err)
	}
}
