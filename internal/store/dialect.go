package store

// The SQL that differs between SQLite and PostgreSQL, for the domain packages: each
// helper writes what its dialect reads (postgres.go numbers the ? placeholders).

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// InIDs is the condition "col is one of ids", with the list bound as one parameter: a
// JSON array on SQLite (col IN (SELECT value FROM json_each(?))), an array on PostgreSQL
// (col = ANY(?)). A list of any length is one parameter, and the statement's text is the
// same for every list, so it is prepared once instead of once per length (inside the
// batched writes, preparing fresh statements cost a tenth of the writer's time). Use it
// in Where, or as an argument of Raw for a ? in its text.
func InIDs(col string, ids []int64) clause.Expression { return inIDs{col, ids} }

type inIDs struct {
	col string
	ids []int64
}

func (e inIDs) Build(b clause.Builder) {
	if st, ok := b.(*gorm.Statement); ok && st.Dialector.Name() == "postgres" {
		b.WriteString(e.col + " = ANY(CAST(")
		b.AddVar(b, list(e.ids, '{', '}'))
		b.WriteString(" AS BIGINT[]))")
		return
	}
	b.WriteString(e.col + " IN (SELECT value FROM json_each(")
	b.AddVar(b, list(e.ids, '[', ']'))
	b.WriteString("))")
}

// list writes ids between open and close, separated by commas: a JSON array, or the
// text of a PostgreSQL array.
func list(ids []int64, open, close byte) string {
	b := make([]byte, 0, 8*len(ids)+2)
	b = append(b, open)
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, close))
}

// AggTime scans a time that an aggregate (MIN, MAX) returns: PostgreSQL gives the time,
// SQLite the text it stored (the column's type does not survive the aggregate). NULL
// leaves Valid false.
type AggTime struct {
	Time  time.Time
	Valid bool
}

// storedLayouts are the forms of a time as SQLite stores it.
var storedLayouts = []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05Z07:00"}

func (t *AggTime) Scan(v any) error {
	*t = AggTime{}
	switch v := v.(type) {
	case nil:
		return nil
	case time.Time:
		t.Time, t.Valid = v.UTC(), true
		return nil
	case []byte:
		return t.Scan(string(v))
	case string:
		for _, layout := range storedLayouts {
			if p, err := time.Parse(layout, v); err == nil {
				t.Time, t.Valid = p.UTC(), true
				return nil
			}
		}
		return fmt.Errorf("not a stored time: %q", v)
	}
	return fmt.Errorf("cannot scan %T as a time", v)
}

// Value lets GORM see AggTime as a column's value, not a relation.
func (t AggTime) Value() (driver.Value, error) {
	if !t.Valid {
		return nil, nil
	}
	return t.Time, nil
}

// Hint is a planner hint for SQLite — INDEXED BY, the CROSS of a CROSS JOIN that fixes
// the join order — where a statement needs one: the text on SQLite, nothing on
// PostgreSQL, which plans from the statistics it keeps.
func Hint(db *gorm.DB, sqlite string) string {
	if db.Dialector.Name() == "sqlite" {
		return sqlite
	}
	return ""
}

// DateOf is an SQL expression for the UTC calendar date ('YYYY-MM-DD', as dates are
// stored) of the timestamp column col.
func DateOf(db *gorm.DB, col string) string {
	if db.Dialector.Name() == "postgres" {
		return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	}
	return "substr(" + col + ", 1, 10)"
}

// Octets is an SQL expression for the length in bytes of the text column col (its
// length() counts characters on both).
func Octets(db *gorm.DB, col string) string {
	if db.Dialector.Name() == "postgres" {
		return "octet_length(" + col + ")"
	}
	return "length(CAST(" + col + " AS BLOB))"
}
