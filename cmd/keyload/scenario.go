package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"
)

// handoverAccounts is how many accounts the departing rep receives on top of their book.
const handoverAccounts = 2000

// scenario is what the harness prepared in run.db and learned from it before the server
// started: the departing rep of the handover phase and real values for the filters.
type scenario struct {
	RepID     int64 `json:"rep_id"`     // the rep who leaves in the handover phase
	ManagerID int64 `json:"manager_id"` // their manager, who runs the handover
	Moved     int   `json:"moved"`      // accounts given to the rep for it
	Book      int   `json:"-"`          // accounts the rep is on the team of, in all

	industries, regions []string
	names               []string // a sample of account names, for q=
	activeIDs           []int64  // active, non-deleted accounts, for writes
	maxID               int64
}

func openRW(path string) (*sql.DB, error) {
	return sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000&_txlock=immediate")
}

// openRO opens the database (KEYHOLD_DB's value) to read what the servers wrote: run.db
// read-only (the server may be writing it; WAL allows that), or the PostgreSQL database.
// Its statements number their parameters ($1), which both read.
func openRO(db string) (*sql.DB, error) {
	if strings.HasPrefix(db, "postgres://") {
		return sql.Open("pgx", db)
	}
	return sql.Open("sqlite3", "file:"+db+"?mode=ro&_busy_timeout=10000")
}

// prepareScenario gives one active rep who has a manager 2,000 more accounts, directly in
// SQL, and reads the filter values. With reuse, a rep prepared by an earlier run who is
// still active is kept as they are.
func prepareScenario(ctx context.Context, p paths, reuse bool) (*scenario, error) {
	db, err := openRW(p.run)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	sc := &scenario{}
	if b, err := os.ReadFile(p.scenario); reuse && err == nil && json.Unmarshal(b, sc) == nil {
		var status string
		err := db.QueryRowContext(ctx, "SELECT status FROM users WHERE id = ?", sc.RepID).Scan(&status)
		if err != nil || status != "active" {
			*sc = scenario{}
		}
	}
	start := time.Now()
	if sc.RepID == 0 {
		if err := giveAccounts(ctx, db, sc); err != nil {
			return nil, err
		}
		b, _ := json.Marshal(sc)
		if err := os.WriteFile(p.scenario, b, 0o644); err != nil {
			return nil, err
		}
		fmt.Printf("scenario: gave rep %d (manager %d) %d more accounts in %s\n", sc.RepID, sc.ManagerID, sc.Moved,
			time.Since(start).Round(time.Millisecond))
	} else {
		fmt.Printf("scenario: rep %d (manager %d) already prepared by an earlier run\n", sc.RepID, sc.ManagerID)
	}
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM account_team WHERE user_id = ?", sc.RepID).Scan(&sc.Book); err != nil {
		return nil, err
	}
	return sc, readFacts(ctx, db, sc)
}

func giveAccounts(ctx context.Context, db *sql.DB, sc *scenario) error {
	err := db.QueryRowContext(ctx, `SELECT id, manager_id FROM users
		WHERE role = 'sales' AND status = 'active' AND manager_id IS NOT NULL ORDER BY id LIMIT 1`).Scan(&sc.RepID, &sc.ManagerID)
	if err != nil {
		return fmt.Errorf("scenario: no active sales rep with a manager: %w", err)
	}
	// A spread of accounts over the whole id range (and so over owners and tiers).
	rows, err := db.QueryContext(ctx, `SELECT a.id FROM accounts a
		WHERE a.status = 'active' AND a.deleted_at IS NULL
		  AND NOT EXISTS (SELECT 1 FROM account_team t WHERE t.account_id = a.id AND t.user_id = ?)
		ORDER BY (a.id * 7919) % 10007, a.id LIMIT ?`, sc.RepID, handoverAccounts)
	if err != nil {
		return err
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return err
	}
	if len(ids) < handoverAccounts {
		return fmt.Errorf("scenario: only %d accounts are available for rep %d", len(ids), sc.RepID)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, "UPDATE accounts SET owner_id = ? WHERE id = ?", sc.RepID, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "UPDATE account_team SET user_id = ? WHERE account_id = ? AND role = 'owner'", sc.RepID, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("scenario: account %d has %d owner rows in account_team", id, n)
		}
	}
	sc.Moved = len(ids)
	return tx.Commit()
}

// readFacts reads the values the read phases filter and write on.
func readFacts(ctx context.Context, db *sql.DB, sc *scenario) error {
	var err error
	if sc.industries, err = queryStrings(ctx, db, "SELECT DISTINCT industry FROM accounts WHERE industry <> ''"); err != nil {
		return err
	}
	if sc.regions, err = queryStrings(ctx, db, "SELECT DISTINCT region FROM accounts WHERE region <> ''"); err != nil {
		return err
	}
	if sc.names, err = queryStrings(ctx, db, "SELECT name FROM accounts WHERE deleted_at IS NULL ORDER BY random() LIMIT 500"); err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, "SELECT id FROM accounts WHERE status = 'active' AND deleted_at IS NULL")
	if err != nil {
		return err
	}
	if sc.activeIDs, err = scanIDs(rows); err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, "SELECT COALESCE(max(id), 0) FROM accounts").Scan(&sc.maxID); err != nil {
		return err
	}
	if len(sc.industries) == 0 || len(sc.regions) == 0 || len(sc.names) == 0 || len(sc.activeIDs) == 0 {
		return fmt.Errorf("run.db has no accounts to load-test with")
	}
	return nil
}

func queryStrings(ctx context.Context, db *sql.DB, query string) ([]string, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func scanIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// writeCheck is what run.db holds of one write phase's interactions.
type writeCheck struct {
	rows, missingAudit int64
	err                error
}

// checkWrites counts the interactions a write phase logged (their summaries start with
// "load <runid> ") and those of them without an audit entry.
func checkWrites(ctx context.Context, path, runID string) writeCheck {
	db, err := openRO(path)
	if err != nil {
		return writeCheck{err: err}
	}
	defer db.Close()
	like := "load " + runID + " %"
	var c writeCheck
	c.err = db.QueryRowContext(ctx, "SELECT count(*) FROM interactions WHERE summary LIKE $1", like).Scan(&c.rows)
	if c.err == nil {
		c.err = db.QueryRowContext(ctx, `SELECT count(*) FROM interactions i WHERE i.summary LIKE $1
			AND NOT EXISTS (SELECT 1 FROM audit_entries e WHERE e.account_id = i.account_id
				AND e.action = 'interaction.create' AND e.entity = 'interaction' AND e.entity_id = i.id)`,
			like).Scan(&c.missingAudit)
	}
	return c
}
