package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

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
	var first *sql.Stmt
	for i := 0; i < 200 && first == nil; i++ { // prepared in the background after the commit
		time.Sleep(10 * time.Millisecond)
		first = db.writeStmts.cached(ins)
	}
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

// A full cache starts again without waiting on statements in use, while transactions and
// single statements run side by side; statements whose text varies are not kept.
func TestWriterStatementCacheUnderLoad(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	done := make(chan error, 4)
	for w := 0; w < 4; w++ {
		go func() {
			for i := 0; i < maxStmts/2+50; i++ {
				q := fmt.Sprintf("SELECT %d + ?", w*10000+i) // a new text each time: fills the cache
				var n int
				if err := db.Write.WithContext(ctx).Raw(q, 1).Scan(&n).Error; err != nil {
					done <- err
					return
				}
				if err := db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
					return tx.Raw(q, 2).Scan(&n).Error
				}); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for w := 0; w < 4; w++ {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(60 * time.Second):
			t.Fatal("the writer's statements deadlocked")
		}
	}
	if cacheable("INSERT INTO t (a) VALUES (?),(?)") || cacheable("SELECT 1 WHERE id IN (?,?,?)") || !cacheable("SELECT ?") {
		t.Error("cacheable")
	}
}

// A PRAGMA that reads a setting compiles the setting's value into the statement, so a
// kept statement would answer the value of the moment it was prepared (the demo seed's
// larger page cache seemed never put back). PRAGMAs are never kept.
func TestWriterReadsPragmasAfresh(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	read := func() (n int64) {
		err := db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			return tx.Raw("PRAGMA cache_size").Scan(&n).Error
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := read()
	time.Sleep(100 * time.Millisecond) // a kept statement would be prepared by now
	if err := db.Write.WithContext(ctx).Exec(fmt.Sprintf("PRAGMA cache_size = %d", before-1000)).Error; err != nil {
		t.Fatal(err)
	}
	if got := read(); got != before-1000 {
		t.Errorf("cache_size read after setting it to %d: %d", before-1000, got)
	}
}
