// Package outbox records the events other systems and chat groups hear of, in the
// transaction of the change that caused them: an event is delivered if and only if its
// change commits, even when the process dies right after. The domain packages only call
// Record; internal/webhooks fans events out to endpoints and internal/sender delivers.
package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Kind names an event, as webhooks' "type" carries it.
type Kind string

const (
	AccountCreated     Kind = "account.created"
	AccountUpdated     Kind = "account.updated"
	AccountTransferred Kind = "account.transferred"
	AccountChurned     Kind = "account.churned"
	AccountFlagged     Kind = "account.flagged"
	AccountUnflagged   Kind = "account.unflagged"
	InteractionCreated Kind = "interaction.created"
	ComplaintOpened    Kind = "complaint.opened"
	HandoverStarted    Kind = "handover.started"
	HandoverCompleted  Kind = "handover.completed"
	UserLeaving        Kind = "user.leaving"
	UserDeparted       Kind = "user.departed"
)

// Kinds lists every event kind, in the order the docs and the forms show them.
var Kinds = []Kind{AccountCreated, AccountUpdated, AccountTransferred, AccountChurned, AccountFlagged,
	AccountUnflagged, InteractionCreated, ComplaintOpened, HandoverStarted, HandoverCompleted, UserLeaving, UserDeparted}

// Event is one recorded event.
type Event struct {
	ID     int64
	Kind   Kind
	At     time.Time
	Data   string // JSON object
	Fanned bool
}

func (Event) TableName() string { return "events" }

// Record appends an event inside tx, the transaction of the change it tells of: it is
// delivered if and only if the change commits. data is marshalled to a JSON object.
func Record(ctx context.Context, tx *gorm.DB, kind Kind, at time.Time, data any) error {
	return RecordAll(ctx, tx, kind, at, []any{data})
}

// RecordAll appends one event of kind per element of data, a few hundred per statement
// (a handover's completion moves thousands of accounts).
func RecordAll[T any](ctx context.Context, tx *gorm.DB, kind Kind, at time.Time, data []T) error {
	for chunk := range slices.Chunk(data, 300) {
		var q strings.Builder
		q.WriteString("INSERT INTO events (kind, at, data) VALUES ")
		args := make([]any, 0, 3*len(chunk))
		for i, d := range chunk {
			body, err := json.Marshal(d)
			if err != nil {
				return fmt.Errorf("record %s: %w", kind, err)
			}
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?)")
			args = append(args, string(kind), at.UTC(), string(body))
		}
		// Straight to the transaction's connection: this rides along every write, and
		// GORM's statement machinery was most of its cost.
		if _, err := tx.Statement.ConnPool.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("record %s: %w", kind, err)
		}
	}
	return nil
}
