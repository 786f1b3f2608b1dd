package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
)

// stmtPool is the writer's connection pool with a cache of prepared statements that
// transactions reuse. GORM's own cache does not help inside a transaction: it prepares
// each statement on the transaction, and database/sql prepares a transaction's statement
// again on every use — every statement of every write was compiled afresh (a tenth of
// the writer's time at 500 writes a second). A statement prepared on the database, by
// contrast, is kept per connection, and Tx.StmtContext reuses it on the transaction's
// connection; the writer has exactly one.
//
// A statement met first inside a transaction cannot be prepared on the database then
// (the one connection is the transaction's): it runs unprepared, and is prepared once
// the transaction ends.
type stmtPool struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// maxStmts bounds the cache: statements whose text varies (IN lists of literal values,
// multi-row inserts) would otherwise grow it without end; at the bound it starts again.
const maxStmts = 512

func newStmtPool(db *sql.DB) *stmtPool { return &stmtPool{db: db, stmts: map[string]*sql.Stmt{}} }

func (p *stmtPool) cached(query string) *sql.Stmt {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stmts[query]
}

// prepare prepares query on the database (outside any transaction) and keeps it.
func (p *stmtPool) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	if st := p.cached(query); st != nil {
		return st, nil
	}
	st, err := p.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.stmts[query]; ok { // prepared meanwhile by another caller
		go st.Close()
		return old, nil
	}
	if len(p.stmts) >= maxStmts {
		// Start again; the old statements close later, outside the lock: Close waits for
		// their uses to end, and a use may be waiting for the connection that a
		// transaction holds while it waits for this lock. A minute lets every use end.
		old := p.stmts
		p.stmts = map[string]*sql.Stmt{}
		time.AfterFunc(time.Minute, func() {
			for _, s := range old {
				s.Close()
			}
		})
	}
	p.stmts[query] = st
	return st, nil
}

// cacheable says whether a statement is worth keeping prepared: not a long one, nor one
// whose text changes with its data (a multi-row insert, a list of literal values), nor a
// PRAGMA, which SQLite may compile with the setting's value of the moment it is prepared
// ("PRAGMA cache_size" kept answering the size before a change).
func cacheable(query string) bool {
	q := strings.TrimSpace(query)
	return len(q) <= maxStmtText && !strings.Contains(q, "?,?") && !strings.Contains(q, "),(") &&
		!(len(q) >= 6 && strings.EqualFold(q[:6], "pragma"))
}

func (p *stmtPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for q, s := range p.stmts {
		s.Close()
		delete(p.stmts, q)
	}
}

func (p *stmtPool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.db.PrepareContext(ctx, query)
}

func (p *stmtPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if !cacheable(query) {
		return p.db.ExecContext(ctx, query, args...)
	}
	st, err := p.prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (p *stmtPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if !cacheable(query) {
		return p.db.QueryContext(ctx, query, args...)
	}
	st, err := p.prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (p *stmtPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if !cacheable(query) {
		return p.db.QueryRowContext(ctx, query, args...)
	}
	st, err := p.prepare(ctx, query)
	if err != nil {
		return p.db.QueryRowContext(ctx, query, args...) // carries the error
	}
	return st.QueryRowContext(ctx, args...)
}

// BeginTx starts a transaction whose statements come from the cache.
func (p *stmtPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	tx, err := p.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &stmtTx{pool: p, tx: tx}, nil
}

// GetDBConn lets GORM reach the database (gorm.DB.DB).
func (p *stmtPool) GetDBConn() (*sql.DB, error) { return p.db, nil }

// stmtTx is a transaction of the writer.
type stmtTx struct {
	pool  *stmtPool
	tx    *sql.Tx
	fresh map[string]bool // statements to prepare once the transaction ends
}

func (t *stmtTx) stmt(ctx context.Context, query string) *sql.Stmt {
	if st := t.pool.cached(query); st != nil {
		return t.tx.StmtContext(ctx, st)
	}
	if cacheable(query) {
		if t.fresh == nil {
			t.fresh = map[string]bool{}
		}
		t.fresh[query] = true
	}
	return nil
}

func (t *stmtTx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return t.tx.PrepareContext(ctx, query)
}

func (t *stmtTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

func (t *stmtTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t *stmtTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

func (t *stmtTx) Commit() error {
	err := t.tx.Commit()
	t.prepareFresh()
	return err
}

func (t *stmtTx) Rollback() error {
	err := t.tx.Rollback()
	t.prepareFresh()
	return err
}

// prepareFresh prepares the statements the transaction met first, in the background:
// the connection is free now, but the writes just committed must not wait for it again.
func (t *stmtTx) prepareFresh() {
	if len(t.fresh) == 0 {
		return
	}
	fresh := t.fresh
	t.fresh = nil
	go func() {
		for q := range fresh {
			t.pool.prepare(context.Background(), q) // a failure only means it runs unprepared again
		}
	}()
}

// maxStmtText is the longest statement worth keeping prepared.
const maxStmtText = 4096
