package demo

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// writer runs the INSERTs inside the Seed transaction. It prepares each distinct
// statement once on the transaction's connection: gorm's prepared-statement mode
// re-prepares a statement on every Exec inside a transaction and keeps each copy until
// commit, which on a large dataset costs seconds and a gigabyte of memory.
type writer struct {
	ctx   context.Context
	conn  gorm.ConnPool // the transaction's (store's, which numbers ? for PostgreSQL)
	stmts map[string]*sql.Stmt
}

func newWriter(ctx context.Context, gdb *gorm.DB) *writer {
	return &writer{ctx: ctx, conn: gdb.Statement.ConnPool, stmts: map[string]*sql.Stmt{}}
}

func (w *writer) exec(query string, args []any) error {
	st, ok := w.stmts[query]
	if !ok {
		var err error
		if st, err = w.conn.PrepareContext(w.ctx, query); err != nil {
			return err
		}
		w.stmts[query] = st
	}
	_, err := st.ExecContext(w.ctx, args...)
	return err
}

// close releases the prepared statements.
func (w *writer) close() {
	for _, st := range w.stmts {
		st.Close()
	}
	clear(w.stmts)
}

// maxVars stays under SQLite's limit of 32766 bound variables per statement.
const maxVars = 30000

// table buffers rows for one table and writes them with multi-row INSERTs. Statements
// hold a power-of-two number of rows (at most 512), so only a handful of distinct SQL
// strings are ever prepared, however the rows are split.
type table struct {
	w       *writer
	name    string
	head    string
	cols    int
	maxRows int
	args    []any
	sqls    map[int]string
	rows    int // rows written so far
}

func newTable(w *writer, name string, cols ...string) *table {
	t := &table{w: w, name: name, cols: len(cols), sqls: map[int]string{},
		head: "INSERT INTO " + name + " (" + strings.Join(cols, ", ") + ") VALUES "}
	t.maxRows = 512
	for t.maxRows*t.cols > maxVars {
		t.maxRows /= 2
	}
	return t
}

// add buffers one row; vals must match the columns.
func (t *table) add(vals ...any) {
	t.args = append(t.args, vals...)
}

func (t *table) sql(n int) string {
	if s, ok := t.sqls[n]; ok {
		return s
	}
	row := "(" + strings.Repeat("?, ", t.cols-1) + "?)"
	var b strings.Builder
	b.Grow(len(t.head) + n*(len(row)+2))
	b.WriteString(t.head)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	t.sqls[n] = b.String()
	return t.sqls[n]
}

// flush writes every buffered row.
func (t *table) flush() error {
	if len(t.args)%t.cols != 0 {
		return fmt.Errorf("demo: %s: %d values for %d columns", t.name, len(t.args), t.cols)
	}
	for off := 0; off < len(t.args); {
		n := (len(t.args) - off) / t.cols
		k := t.maxRows
		for k > n {
			k /= 2
		}
		end := off + k*t.cols
		if err := t.w.exec(t.sql(k), t.args[off:end]); err != nil {
			return fmt.Errorf("insert into %s: %w", t.name, err)
		}
		t.rows += k
		off = end
	}
	clear(t.args)
	t.args = t.args[:0]
	return nil
}
