package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// copyTables are the tables keyhold copy moves, parents before children. The cache
// counters (data_versions), the change log the in-memory lists catch up from
// (account_changes) and goose's own table are the target's: its triggers keep them.
// Copy refuses a schema with a table not named here, so a new table cannot be left
// behind unnoticed.
var copyTables = []string{
	"users", "settings", "currencies", "cadence_policies", "revoked_tokens", "api_keys", "login_failures",
	"accounts", "account_team", "contacts", "interactions", "interaction_participants", "interaction_contacts",
	"account_health", "health_events", "complaints", "churn_records", "imports", "import_rows",
	"handovers", "handover_items", "campaigns", "campaign_tasks", "notice_events", "audit_entries",
	"events", "webhooks", "chat_targets", "deliveries", "delivery_attempts",
}

// notCopied are the target's own tables.
var notCopied = []string{"goose_db_version", "data_versions", "account_changes"}

// CopyReport says what keyhold copy moved and checked.
type CopyReport struct {
	Version int64            // the schema version of both
	Rows    map[string]int64 // per table, the same on both sides
	Audit   string           // SHA-256 chained over every audit entry in order, the same on both sides
	Took    time.Duration
}

// Copy copies the organisation in the SQLite database src into the PostgreSQL database
// at the URL to, which must hold no organisation yet (it is migrated first). The source
// is read as one snapshot (a serving process may go on writing it); the target is
// written in one transaction, ids kept, and read back inside it before the commit: every
// table's rows, as a digest of the set of them, and the audit log, entry by entry in
// order, must match the source's. A failed copy leaves the target as it was.
func Copy(ctx context.Context, src *DB, to string) (CopyReport, error) {
	start := time.Now()
	r := CopyReport{Rows: map[string]int64{}}
	if src.dialect != SQLite || !IsPostgres(to) {
		return r, errors.New("copy: from a SQLite file (KEYHOLD_DB) to a postgres:// URL (--to)")
	}
	dst, err := Open(to)
	if err != nil {
		return r, err
	}
	defer dst.Close()
	if err := dst.Migrate(ctx); err != nil {
		return r, err
	}
	// One read transaction: SQLite (WAL) shows it the database as of its first read.
	stx, err := src.readSQL.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return r, err
	}
	defer stx.Rollback()
	sv, err := schemaVersion(ctx, stx)
	if err != nil {
		return r, err
	}
	if r.Version, err = schemaVersion(ctx, dst.readSQL); err != nil {
		return r, err
	}
	if sv != r.Version {
		return r, fmt.Errorf("copy: the source's schema is version %d, the target's %d; run keyhold migrate on the source first", sv, r.Version)
	}
	cols, err := targetColumns(ctx, dst.readSQL)
	if err != nil {
		return r, err
	}
	conn, err := dst.writeSQL.Conn(ctx)
	if err != nil {
		return r, err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		tx, err := dc.(*stdlib.Conn).Conn().Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, $2)", lockClass, lockWrites); err != nil {
			return err
		}
		var users int64
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM users").Scan(&users); err != nil {
			return err
		}
		if users > 0 {
			return fmt.Errorf("copy: %s already holds an organisation (%d users); copy into an empty database", Redacted(to), users)
		}
		// The migrations' starting rows (the cadence defaults, the base currency) give way
		// to the source's.
		for _, q := range []string{"DELETE FROM cadence_policies", "DELETE FROM currencies"} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		for _, table := range copyTables {
			n, err := copyTable(ctx, stx, tx, table, cols[table])
			if err != nil {
				return fmt.Errorf("copy %s: %w", table, err)
			}
			r.Rows[table] = n
		}
		// The users' managers, left out while the users went in (a manager may have a
		// higher id than the people reporting to them).
		if err := copyManagers(ctx, stx, tx); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, syncIDsSQL); err != nil {
			return fmt.Errorf("identities: %w", err)
		}
		if err := r.verify(ctx, stx, tx, cols); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		return r, err
	}
	// Statistics for the planner now, not when autovacuum comes round to the new rows.
	if _, err := dst.writeSQL.ExecContext(ctx, "ANALYZE"); err != nil {
		return r, err
	}
	r.Took = time.Since(start)
	return r, nil
}

// querier is a pool or a transaction of database/sql.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func schemaVersion(ctx context.Context, db querier) (int64, error) {
	var v int64
	err := db.QueryRowContext(ctx, "SELECT MAX(version_id) FROM goose_db_version WHERE is_applied").Scan(&v)
	return v, err
}

// column is a target column: its name and PostgreSQL type.
type column struct{ name, typ string }

// targetColumns are the target's tables and their columns, checked against copyTables.
func targetColumns(ctx context.Context, db *sql.DB) (map[string][]column, error) {
	rows, err := db.QueryContext(ctx, `SELECT table_name, column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]column{}
	for rows.Next() {
		var t string
		var c column
		if err := rows.Scan(&t, &c.name, &c.typ); err != nil {
			return nil, err
		}
		out[t] = append(out[t], c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for t := range out {
		if !slices.Contains(copyTables, t) && !slices.Contains(notCopied, t) {
			return nil, fmt.Errorf("copy: the schema has a table copy does not know: %s", t)
		}
	}
	for _, t := range copyTables {
		if len(out[t]) == 0 {
			return nil, fmt.Errorf("copy: the target has no table %s", t)
		}
	}
	return out, nil
}

// copyTable streams table from src into tx with COPY, in id order, converting each value
// to the target column's type: SQLite's 0 and 1 to booleans, stored times to times.
func copyTable(ctx context.Context, src querier, tx pgx.Tx, table string, cols []column) (int64, error) {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
		if table == "users" && c.name == "manager_id" {
			names[i] = "NULL" // see copyManagers
		}
	}
	rows, err := src.QueryContext(ctx, "SELECT "+strings.Join(names, ", ")+" FROM "+table+" ORDER BY 1")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var rerr error
	next := func() ([]any, error) {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out := make([]any, len(vals))
		for i, v := range vals {
			if out[i], rerr = convert(v, cols[i].typ); rerr != nil {
				return nil, fmt.Errorf("column %s: %w", cols[i].name, rerr)
			}
		}
		return out, nil
	}
	ident := make([]string, len(cols))
	for i, c := range cols {
		ident[i] = c.name
	}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{table}, ident, &rowSource{rows: rows, next: next})
	if err != nil {
		return n, err
	}
	return n, rows.Err()
}

// rowSource feeds COPY from the source's rows.
type rowSource struct {
	rows *sql.Rows
	next func() ([]any, error)
	vals []any
	err  error
}

func (s *rowSource) Next() bool {
	if !s.rows.Next() {
		return false
	}
	s.vals, s.err = s.next()
	return s.err == nil
}
func (s *rowSource) Values() ([]any, error) { return s.vals, s.err }
func (s *rowSource) Err() error             { return s.err }

// convert turns a value read from SQLite into one for a PostgreSQL column of type typ.
func convert(v any, typ string) (any, error) {
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	switch {
	case v == nil:
		return nil, nil
	case typ == "boolean":
		switch b := v.(type) {
		case int64:
			return b != 0, nil
		case bool:
			return b, nil
		}
	case strings.HasPrefix(typ, "timestamp"):
		if s, ok := v.(string); ok {
			var t AggTime
			if err := t.Scan(s); err != nil {
				return nil, err
			}
			return t.Time, nil
		}
	}
	return v, nil
}

// copyManagers sets users.manager_id as the source has it.
func copyManagers(ctx context.Context, src querier, tx pgx.Tx) error {
	rows, err := src.QueryContext(ctx, "SELECT id, manager_id FROM users WHERE manager_id IS NOT NULL ORDER BY id")
	if err != nil {
		return err
	}
	defer rows.Close()
	var ids, managers []int64
	for rows.Next() {
		var id, m int64
		if err := rows.Scan(&id, &m); err != nil {
			return err
		}
		ids, managers = append(ids, id), append(managers, m)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE users SET manager_id = m.manager_id
		FROM unnest($1::bigint[], $2::bigint[]) AS m (id, manager_id) WHERE users.id = m.id`, ids, managers)
	return err
}

// verify reads the copy back inside its transaction: every table's rows against the
// source's, as the digest of the set of them (each value as the target column holds it),
// and the audit log entry by entry, in order.
func (r *CopyReport) verify(ctx context.Context, src querier, tx pgx.Tx, cols map[string][]column) error {
	for _, table := range copyTables {
		names := make([]string, len(cols[table]))
		for i, c := range cols[table] {
			names[i] = c.name
		}
		q := "SELECT " + strings.Join(names, ", ") + " FROM " + table
		a, n, err := sourceDigest(ctx, src, q, cols[table])
		if err != nil {
			return fmt.Errorf("verify %s: %w", table, err)
		}
		b, m, err := targetDigest(ctx, tx, q, cols[table])
		if err != nil {
			return fmt.Errorf("verify %s: %w", table, err)
		}
		if n != m || n != r.Rows[table] {
			return fmt.Errorf("copy: %s has %d rows in the source and %d in the copy", table, n, m)
		}
		if a != b {
			return fmt.Errorf("copy: %s's rows differ between the source and the copy", table)
		}
	}
	const audit = `SELECT id, at, actor_id, action, entity, entity_id, account_id, from_user_id, to_user_id, role,
		reason, handover_id, before_json, after_json, client_addr, request_id FROM audit_entries ORDER BY id`
	a, err := auditChain(func(yield func(vals []any) error) error {
		rows, err := src.QueryContext(ctx, audit)
		if err != nil {
			return err
		}
		defer rows.Close()
		return eachRow(rows, 16, yield)
	})
	if err != nil {
		return err
	}
	b, err := auditChain(func(yield func(vals []any) error) error {
		rows, err := tx.Query(ctx, audit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				return err
			}
			if err := yield(vals); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	if a != b {
		return errors.New("copy: the audit log differs between the source and the copy")
	}
	r.Audit = a
	return nil
}

// eachRow hands each row of rows, n columns, to yield.
func eachRow(rows *sql.Rows, n int, yield func(vals []any) error) error {
	vals := make([]any, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if err := yield(vals); err != nil {
			return err
		}
	}
	return rows.Err()
}

// setDigest is a digest of a set of rows, whatever their order: the sum, modulo 2^256,
// of each row's SHA-256.
type setDigest [32]byte

func (d *setDigest) add(row [32]byte) {
	carry := 0
	for i := 31; i >= 0; i-- {
		v := int(d[i]) + int(row[i]) + carry
		d[i], carry = byte(v), v>>8
	}
}

// rowHash is the SHA-256 of a row's values, each in its canonical text, as the target
// column's type would hold it.
func rowHash(vals []any, cols []column) ([32]byte, error) {
	h := sha256.New()
	for i, v := range vals {
		c, err := convert(v, cols[i].typ)
		if err != nil {
			return [32]byte{}, fmt.Errorf("column %s: %w", cols[i].name, err)
		}
		s := canonical(c)
		fmt.Fprintf(h, "%d:%s", len(s), s)
	}
	return [32]byte(h.Sum(nil)), nil
}

// canonical is a value's text for the digests: times in UTC to the microsecond
// (PostgreSQL's precision), NULL apart from every string.
func canonical(v any) string {
	switch v := v.(type) {
	case nil:
		return "\x00NULL"
	case time.Time:
		return v.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case int32:
		return strconv.FormatInt(int64(v), 10)
	}
	return fmt.Sprint(v)
}

func sourceDigest(ctx context.Context, src querier, q string, cols []column) (setDigest, int64, error) {
	var d setDigest
	var n int64
	rows, err := src.QueryContext(ctx, q)
	if err != nil {
		return d, 0, err
	}
	defer rows.Close()
	err = eachRow(rows, len(cols), func(vals []any) error {
		h, err := rowHash(vals, cols)
		d.add(h)
		n++
		return err
	})
	return d, n, err
}

func targetDigest(ctx context.Context, tx pgx.Tx, q string, cols []column) (setDigest, int64, error) {
	var d setDigest
	var n int64
	rows, err := tx.Query(ctx, q)
	if err != nil {
		return d, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return d, n, err
		}
		h, err := rowHash(vals, cols)
		if err != nil {
			return d, n, err
		}
		d.add(h)
		n++
	}
	return d, n, rows.Err()
}

// auditChain is a SHA-256 chained over the audit entries each yields, in order: equal
// on both sides only when every entry is there, unchanged and in its place.
func auditChain(each func(yield func(vals []any) error) error) (string, error) {
	var sum [32]byte
	err := each(func(vals []any) error {
		h := sha256.New()
		h.Write(sum[:])
		for _, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			s := canonical(v)
			fmt.Fprintf(h, "%d:%s", len(s), s)
		}
		sum = [32]byte(h.Sum(nil))
		return nil
	})
	return hex.EncodeToString(sum[:]), err
}
