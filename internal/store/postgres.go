package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"keyhold/migrations"
)

// IsPostgres says whether a KEYHOLD_DB value names a PostgreSQL database (a URL) rather
// than a SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Redacted is a KEYHOLD_DB value fit for logs and messages: a URL without its password.
func Redacted(dsn string) string {
	if !IsPostgres(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// Advisory lock keys, in Keyhold's class (4242) of PostgreSQL's two-key advisory locks.
const (
	lockClass  = 4242
	lockWrites = 1 // every write transaction, for its duration (see pgWriter)
)

// pgWriters is the size of an instance's write pool. Writers take turns at the lock
// anyway; a second connection lets one transaction's commit overlap the next one's start.
const pgWriters = 2

// openPostgres opens the database at the URL dsn: a read pool whose sessions cannot write
// (default_transaction_read_only), and a write pool whose every transaction first takes
// the writers' advisory lock.
func openPostgres(dsn string) (*DB, error) {
	base, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("KEYHOLD_DB: %w", err)
	}
	open := func(readOnly bool, conns int) (*gorm.DB, *sql.DB, error) {
		c := base.Copy()
		c.RuntimeParams["application_name"] = "keyhold"
		// The writers' lock (pgWriter) relies on each statement seeing what committed
		// before it: READ COMMITTED, whatever the server's default.
		c.RuntimeParams["default_transaction_isolation"] = "read committed"
		if readOnly {
			c.RuntimeParams["default_transaction_read_only"] = "on"
		} else {
			// A writer that stalls inside a transaction holds every instance's writes up.
			c.RuntimeParams["idle_in_transaction_session_timeout"] = "60s"
		}
		// Times are scanned as UTC, as SQLite gives them back.
		utc := stdlib.OptionAfterConnect(func(ctx context.Context, conn *pgx.Conn) error {
			conn.TypeMap().RegisterType(&pgtype.Type{Name: "timestamptz", OID: pgtype.TimestamptzOID,
				Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC}})
			return nil
		})
		s := stdlib.OpenDB(*c, utc)
		s.SetMaxOpenConns(conns)
		s.SetMaxIdleConns(conns)
		s.SetConnMaxIdleTime(5 * time.Minute)
		var pool gorm.ConnPool = pgPool{s}
		cfg := gormConfig()
		if !readOnly {
			pool = &pgWriter{db: s}
			// GORM's inserts, updates and deletes outside a transaction get one, and so the
			// writers' lock: an insert returns its id through QueryContext.
			cfg.SkipDefaultTransaction = false
		}
		g, err := gorm.Open(postgres.New(postgres.Config{Conn: pool}), cfg)
		if err != nil {
			s.Close()
			return nil, nil, err
		}
		return g, s, nil
	}
	w, wsql, err := open(false, pgWriters)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", Redacted(dsn), err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := wsql.PingContext(ctx); err != nil {
		wsql.Close()
		return nil, fmt.Errorf("open %s: %w", Redacted(dsn), err)
	}
	r, rsql, err := open(true, readers())
	if err != nil {
		wsql.Close()
		return nil, fmt.Errorf("open %s for reading: %w", Redacted(dsn), err)
	}
	// The jobs' locks (jobs.go), a connection each while held, closed when let go.
	lsql := stdlib.OpenDB(*base.Copy())
	lsql.SetMaxIdleConns(0)
	db := &DB{Write: w, Read: r, path: dsn, dialect: Postgres, readSQL: rsql, writeSQL: wsql, lockSQL: lsql,
		Batch: newBatcher(w), settings: NewCache[string, string](64)}
	return db, nil
}

func migratePostgres(ctx context.Context, s *sql.DB) error {
	// Two instances starting at once: the second waits on the session lock, then finds
	// nothing left to apply.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, s, migrations.Postgres(), goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// pgPool is a PostgreSQL pool for GORM whose statements may use ? placeholders: GORM
// numbers its own, but the few statements that go to the connection directly (the audit
// log's and the outbox's multi-row inserts, the health writes) are written once for both
// dialects. pgx keeps each connection's prepared statements itself.
type pgPool struct{ db *sql.DB }

func (p pgPool) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return p.db.PrepareContext(ctx, rebind(q))
}
func (p pgPool) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return p.db.ExecContext(ctx, rebind(q), args...)
}
func (p pgPool) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return p.db.QueryContext(ctx, rebind(q), args...)
}
func (p pgPool) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return p.db.QueryRowContext(ctx, rebind(q), args...)
}
func (p pgPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	tx, err := p.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &pgTx{tx}, nil
}
func (p pgPool) GetDBConn() (*sql.DB, error) { return p.db, nil }

// pgWriter is the write pool: writers take turns, across every instance, as SQLite's one
// writer does. Each transaction takes the writers' advisory lock first (released at its
// end, or when its connection dies), and a statement run outside a transaction runs in
// one of its own. The code's transactions that read, then write what they read, stay
// correct without each finding its own locks, and the order in which account_changes
// numbers its rows is the order they commit in.
type pgWriter struct{ db *sql.DB }

func (w *pgWriter) begin(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	tx, err := w.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1, $2)", lockClass, lockWrites); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("wait for the writers' lock: %w", err)
	}
	return tx, nil
}

func (w *pgWriter) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return w.db.PrepareContext(ctx, rebind(q))
}

// ExecContext runs a write outside any transaction in a transaction of its own, behind
// the lock.
func (w *pgWriter) ExecContext(ctx context.Context, q string, args ...any) (res sql.Result, err error) {
	tx, err := w.begin(ctx, nil)
	if err != nil {
		return nil, err
	}
	if res, err = tx.ExecContext(ctx, rebind(q), args...); err != nil {
		tx.Rollback()
		return nil, err
	}
	return res, tx.Commit()
}

// QueryContext and QueryRowContext outside a transaction must be reads, which need no
// lock (GORM puts its inserts, which return their ids, in a transaction); a write that
// returns rows outside one (Raw with RETURNING) is refused, rather than let past the lock.
func (w *pgWriter) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if err := mustRead(q); err != nil {
		return nil, err
	}
	return w.db.QueryContext(ctx, rebind(q), args...)
}
func (w *pgWriter) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return w.db.QueryRowContext(ctx, rebind(q), args...) // GORM's Row(), which no write uses
}

// mustRead refuses a statement that writes (by its first word) outside a transaction.
func mustRead(q string) error {
	word, _, _ := strings.Cut(strings.TrimSpace(q), " ")
	switch strings.ToUpper(word) {
	case "INSERT", "UPDATE", "DELETE", "MERGE":
		return fmt.Errorf("store: a write returning rows outside a transaction would pass the writers' lock: %.60s", q)
	}
	return nil
}
func (w *pgWriter) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	tx, err := w.begin(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &pgTx{tx}, nil
}
func (w *pgWriter) GetDBConn() (*sql.DB, error) { return w.db, nil }

// pgTx is a transaction on either pool.
type pgTx struct{ tx *sql.Tx }

func (t *pgTx) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return t.tx.PrepareContext(ctx, rebind(q))
}
func (t *pgTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, rebind(q), args...)
}
func (t *pgTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, rebind(q), args...)
}
func (t *pgTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, rebind(q), args...)
}
func (t *pgTx) Commit() error   { return t.tx.Commit() }
func (t *pgTx) Rollback() error { return t.tx.Rollback() }

// rebind numbers the ? placeholders of q as PostgreSQL's $1, $2…, leaving string
// literals, quoted names and comments alone. A statement without ? is returned as it is.
func rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(q) && q[j] != c {
				j++
			}
			b.WriteString(q[i:min(j+1, len(q))])
			i = j
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				j = len(q) - i
			}
			b.WriteString(q[i : i+j])
			i += j - 1
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// errNoBackup is keyhold backup's answer on PostgreSQL.
var errNoBackup = errors.New("keyhold backup copies a SQLite file; back PostgreSQL up with pg_dump (see the README)")

// SyncIDs moves every identity column's next value past the largest id in its table,
// after rows were inserted with their ids given (the demo, keyhold copy): PostgreSQL's
// identities do not see those, and the next insert would take an id in use. Nothing to do
// on SQLite, whose AUTOINCREMENT follows the largest id itself.
func SyncIDs(tx *gorm.DB) error {
	if tx.Dialector.Name() != "postgres" {
		return nil
	}
	if err := tx.Exec(syncIDsSQL).Error; err != nil {
		return fmt.Errorf("identities: %w", err)
	}
	return nil
}

// syncIDsSQL is SyncIDs in one statement, for GORM and for keyhold copy's own transaction.
const syncIDsSQL = `DO $$
DECLARE c record;
BEGIN
    FOR c IN SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND is_identity = 'YES'
    LOOP
        EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), COALESCE(MAX(%I), 0) + 1, false) FROM %I',
            c.table_name, c.column_name, c.column_name, c.table_name);
    END LOOP;
END $$`
