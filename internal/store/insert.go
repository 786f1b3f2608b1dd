package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// maxParams keeps a statement under SQLite's limit on bound parameters (32,766; PostgreSQL
// allows 65,535).
const maxParams = 30_000

// InsertMany appends n rows to table inside tx, as many per statement as the parameter
// limit allows, bound straight to the transaction's connection (GORM's reflection over
// every field of every row was most of an import's time). fill appends row i's values,
// one per column, to args. With returning, it answers the new rows' ids in the order of
// the rows: ids grow in the order rows are inserted, on both dialects, so the ids a
// statement returns, sorted, are its rows' in order.
func InsertMany(ctx context.Context, tx *gorm.DB, table string, cols []string, n int, fill func(i int, args []any) []any,
	returning bool) ([]int64, error) {
	per := max(1, maxParams/len(cols))
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	var ids []int64
	if returning {
		ids = make([]int64, 0, n)
	}
	conn := tx.Statement.ConnPool
	args := make([]any, 0, per*len(cols))
	var q strings.Builder
	for start := 0; start < n; start += per {
		end := min(n, start+per)
		q.Reset()
		q.WriteString(head)
		args = args[:0]
		for i := start; i < end; i++ {
			if i > start {
				q.WriteString(", ")
			}
			q.WriteString(row)
			args = fill(i, args)
		}
		if len(args) != (end-start)*len(cols) {
			return nil, fmt.Errorf("insert into %s: %d values for %d rows of %d columns", table, len(args), end-start, len(cols))
		}
		if !returning {
			if _, err := conn.ExecContext(ctx, q.String(), args...); err != nil {
				return nil, fmt.Errorf("insert into %s: %w", table, err)
			}
			continue
		}
		q.WriteString(" RETURNING id")
		rows, err := conn.QueryContext(ctx, q.String(), args...)
		if err != nil {
			return nil, fmt.Errorf("insert into %s: %w", table, err)
		}
		first := len(ids)
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("insert into %s: %w", table, err)
			}
			ids = append(ids, id)
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("insert into %s: %w", table, err)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("insert into %s: %w", table, err)
		}
		if len(ids)-first != end-start {
			return nil, fmt.Errorf("insert into %s: %d ids for %d rows", table, len(ids)-first, end-start)
		}
		slices.Sort(ids[first:])
	}
	return ids, nil
}
