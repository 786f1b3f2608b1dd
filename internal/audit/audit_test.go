package audit_test

import (
	"context"
	"testing"
	"time"

	"keyhold/internal/audit"
	"keyhold/internal/store/storetest"
)

// A batch writes its entries straight to the connection; each row must be the one Record
// writes through GORM for the same entry, every column alike.
func TestBatchWritesWhatRecordWrites(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 4, 5, 6, 7, 890, time.UTC)
	entry := func(i int64) audit.Entry {
		return audit.Entry{At: at.Add(time.Duration(i) * time.Second), Action: "account.transfer", Entity: "account",
			EntityID: 10 + i, Role: "owner", Reason: "handover #1", HandoverID: audit.Ptr(1)}
	}
	before, after := map[string]int64{"owner_id": 2}, map[string]int64{"owner_id": 3}
	n := int64(450) // more than one statement's rows
	for i := range n {
		if err := audit.Record(ctx, db.Write, entry(i), before, after); err != nil {
			t.Fatal(err)
		}
	}
	var b audit.Batch
	for i := range n {
		if err := b.Add(ctx, entry(i), before, after); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Write(ctx, db.Write); err != nil {
		t.Fatal(err)
	}
	cols := `at, actor_id, action, entity, entity_id, account_id, from_user_id, to_user_id, role, reason,
		handover_id, before_json, after_json, client_addr, request_id`
	var differ int64
	if err := db.Read.Raw(`SELECT COUNT(*) FROM (SELECT `+cols+` FROM audit_entries WHERE id <= ?
		EXCEPT SELECT `+cols+` FROM audit_entries WHERE id > ?) AS d`, n, n).Scan(&differ).Error; err != nil {
		t.Fatal(err)
	}
	var total int64
	db.Read.Raw("SELECT COUNT(*) FROM audit_entries").Scan(&total)
	if differ != 0 || total != 2*n {
		t.Errorf("%d of %d recorded rows have no equal among the batch's (%d rows in all)", differ, n, total)
	}
}
