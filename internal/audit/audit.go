// Package audit writes the append-only audit log: who did what to which record, when,
// from which address and within which request. The table refuses updates and deletes.
package audit

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Entry is one audit record. AccountID, FromUserID, ToUserID, Role, Reason and HandoverID
// are set for ownership and team changes, which an account's history shows.
type Entry struct {
	ID         int64
	At         time.Time
	ActorID    *int64
	Action     string
	Entity     string
	EntityID   int64
	AccountID  *int64
	FromUserID *int64
	ToUserID   *int64
	Role       string
	Reason     string
	HandoverID *int64
	BeforeJSON string
	AfterJSON  string
	ClientAddr string
	RequestID  string
}

// TableName is the audit table.
func (Entry) TableName() string { return "audit_entries" }

type requestKey struct{}

type request struct{ addr, id string }

// WithRequest remembers the client address and request id for the entries written
// while serving ctx.
func WithRequest(ctx context.Context, clientAddr, requestID string) context.Context {
	return context.WithValue(ctx, requestKey{}, request{clientAddr, requestID})
}

// Record appends e inside tx (the caller's transaction, so the entry lands with the
// change or not at all). Before and after are marshalled to JSON when not nil.
func Record(ctx context.Context, tx *gorm.DB, e Entry, before, after any) error {
	e, err := prepare(ctx, e, before, after)
	if err != nil {
		return err
	}
	if err := tx.WithContext(ctx).Create(&e).Error; err != nil {
		return fmt.Errorf("audit %s %s %d: %w", e.Action, e.Entity, e.EntityID, err)
	}
	return nil
}

// Batch gathers entries to append in a few statements: a workflow that changes thousands
// of records (a handover's completion) audits each change without a statement per change.
type Batch struct{ entries []Entry }

// Add prepares e as Record would, for Write to append.
func (b *Batch) Add(ctx context.Context, e Entry, before, after any) error {
	e, err := prepare(ctx, e, before, after)
	if err != nil {
		return err
	}
	b.entries = append(b.entries, e)
	return nil
}

// Len is the number of entries gathered and not yet written.
func (b *Batch) Len() int { return len(b.entries) }

// prepare fills what every entry carries: the request it was made in, its time (now if
// unset) and the states before and after as JSON.
func prepare(ctx context.Context, e Entry, before, after any) (Entry, error) {
	if r, ok := ctx.Value(requestKey{}).(request); ok {
		e.ClientAddr, e.RequestID = r.addr, r.id
	}
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	var err error
	if e.BeforeJSON, err = marshal(before); err != nil {
		return Entry{}, err
	}
	if e.AfterJSON, err = marshal(after); err != nil {
		return Entry{}, err
	}
	return e, nil
}

// Write appends the gathered entries inside tx, each account's in the order they were
// added: a few hundred rows per statement, bound straight to the transaction's connection (through
// GORM, reflecting over every field of every entry took 45 µs an entry, 0.2 s of a
// handover's completion).
func (b *Batch) Write(ctx context.Context, tx *gorm.DB) error {
	if len(b.entries) == 0 {
		return nil
	}
	conn := tx.Statement.ConnPool
	// One account's entries stay in the order they were added; the accounts come in order
	// of their ids, so that the index by account fills page after page instead of at
	// random (a handover's 5,000 entries: 140 ms → 70 ms).
	slices.SortStableFunc(b.entries, func(x, y Entry) int { return cmp.Compare(deref(x.AccountID), deref(y.AccountID)) })
	for chunk := range slices.Chunk(b.entries, rowsPerInsert) {
		var q strings.Builder
		q.WriteString(insertSQL)
		args := make([]any, 0, len(chunk)*columns)
		for i, e := range chunk {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString(rowSQL)
			args = append(args, e.At, e.ActorID, e.Action, e.Entity, e.EntityID, e.AccountID, e.FromUserID,
				e.ToUserID, e.Role, e.Reason, e.HandoverID, e.BeforeJSON, e.AfterJSON, e.ClientAddr, e.RequestID)
		}
		if _, err := conn.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("audit %d entries: %w", len(b.entries), err)
		}
	}
	b.entries = nil
	return nil
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

const (
	insertSQL = `INSERT INTO audit_entries (at, actor_id, action, entity, entity_id, account_id, from_user_id,
		to_user_id, role, reason, handover_id, before_json, after_json, client_addr, request_id) VALUES `
	rowSQL        = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
	columns       = 15
	rowsPerInsert = 200 // 3,000 bound values, well under SQLite's limit
)

func marshal(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("audit: %w", err)
	}
	return string(b), nil
}

// Ptr returns a pointer to id, or nil for zero (no such user or account).
func Ptr(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
