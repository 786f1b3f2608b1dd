package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"

	"gorm.io/gorm"
)

// maxBatch bounds the writes committed together, so that a batch holds the write
// connection for milliseconds, not for as long as writers keep coming.
const maxBatch = 64

// Batcher commits writes in groups (group commit). SQLite has one writer: rather than
// each request taking the write lock, running its statements and committing in turn,
// the writes that queue up while one batch runs go into the next batch, one transaction
// for all of them. Each write runs in its own savepoint, so one that fails is rolled back
// alone and gets its own error; the others commit. Writes run in the order they arrive,
// so two writes to one account keep their order.
//
// Work derived from the writes (an account's health) can be deferred to the end of the
// batch with Defer, and is then done once for all the batch's writes, in the same
// transaction as the writes.
type Batcher struct {
	db    *gorm.DB
	queue chan *job
	stop  chan struct{}
	done  sync.WaitGroup
	once  sync.Once

	closing sync.RWMutex // held by Do while it queues; close takes it to set closed
	closed  bool

	mu     sync.Mutex
	derive func(ctx context.Context, tx *gorm.DB, ids ...int64) error
}

type job struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *gorm.DB) error
	err  chan error
	errV error // fn's own error
}

// pending collects the ids that a batch's writes deferred.
type pending struct{ ids []int64 }

type pendingKey struct{}

func newBatcher(db *gorm.DB) *Batcher {
	b := &Batcher{db: db, queue: make(chan *job, 1024), stop: make(chan struct{})}
	b.done.Add(1)
	go b.loop()
	return b
}

// OnDerive sets the work done at the end of each batch for the ids its writes deferred
// (set once, while wiring the application).
func (b *Batcher) OnDerive(fn func(ctx context.Context, tx *gorm.DB, ids ...int64) error) {
	b.mu.Lock()
	b.derive = fn
	b.mu.Unlock()
}

// Do runs fn as one write of a batch and returns once the batch has committed (nil) or
// fn or the commit failed. fn gets the batch's transaction (inside its own savepoint) and
// must not keep it, and a context to use with it: ctx's values without its cancellation,
// since a caller leaving must not interrupt the connection that the whole batch shares.
// A write whose caller has gone away before it ran is not run.
func (b *Batcher) Do(ctx context.Context, fn func(ctx context.Context, tx *gorm.DB) error) error {
	j := &job{ctx: ctx, fn: fn, err: make(chan error, 1)}
	// Held while queueing, so that close never stops the loop with a write still arriving.
	b.closing.RLock()
	if b.closed {
		b.closing.RUnlock()
		return errors.New("database is closing")
	}
	select {
	case b.queue <- j:
	case <-ctx.Done():
		b.closing.RUnlock()
		return ctx.Err()
	}
	b.closing.RUnlock()
	// Once queued, the write runs even if the caller leaves: wait for its result so
	// that an acknowledged write is never in doubt.
	return <-j.err
}

// Defer records, inside a batch's write, ids whose derived data the batch's end must
// update; it reports false outside a batch, where the caller does the work itself.
func Defer(tx *gorm.DB, ids ...int64) bool {
	p, ok := tx.Statement.Context.Value(pendingKey{}).(*pending)
	if !ok {
		return false
	}
	p.ids = append(p.ids, ids...)
	return true
}

func (b *Batcher) loop() {
	defer b.done.Done()
	for {
		var first *job
		select {
		case first = <-b.queue:
		case <-b.stop:
			// Writes queued before the stop are still answered.
			for {
				select {
				case j := <-b.queue:
					b.run([]*job{j})
				default:
					return
				}
			}
		}
		jobs := []*job{first}
	more:
		for len(jobs) < maxBatch {
			select {
			case j := <-b.queue:
				jobs = append(jobs, j)
			default:
				break more
			}
		}
		b.run(jobs)
	}
}

// run commits one batch and answers each of its writes. When the batch fails as a whole
// (its health refresh or its commit), the writes that had succeeded in it run again one
// by one, so that a failure stays with the write that caused it.
func (b *Batcher) run(jobs []*job) {
	err := b.commit(jobs)
	if err != nil && len(jobs) > 1 {
		slog.Warn("write batch failed; running its writes one by one", "writes", len(jobs), "err", err)
		for _, j := range jobs {
			if j.errV == nil {
				b.run([]*job{j})
			} else {
				j.err <- j.errV
			}
		}
		return
	}
	if err != nil {
		err = fmt.Errorf("commit write: %w", err)
		slog.Error("write failed", "err", err)
	}
	for _, j := range jobs {
		switch {
		case j.errV != nil:
			j.err <- j.errV
		case err != nil:
			j.err <- err
		default:
			j.err <- nil
		}
	}
}

// commit runs the jobs in one transaction, each in a savepoint, then the derived work of
// the ones that succeeded. Savepoints go straight to the transaction, with one name and
// their errors checked: GORM's nested transactions ignore savepoint errors and give each
// savepoint a new name, which would fill the prepared statement cache.
func (b *Batcher) commit(jobs []*job) error {
	derive := b.deriveFunc()
	ctx := context.Background()
	return b.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		raw, ok := tx.Statement.ConnPool.(interface {
			ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
		})
		if !ok {
			return errors.New("write batch: no transaction to run savepoints on")
		}
		if t, ok := raw.(*stmtTx); ok {
			raw = t.tx // past the statement cache: savepoints are a few fixed commands
		}
		exec := func(q string) error { _, err := raw.ExecContext(ctx, q); return err }
		var ids []int64
		for _, j := range jobs {
			j.errV = nil
			if err := j.ctx.Err(); err != nil {
				j.errV = err
				continue
			}
			if err := exec("SAVEPOINT batch_write"); err != nil {
				return err
			}
			p := &pending{}
			jctx := context.WithValue(context.WithoutCancel(j.ctx), pendingKey{}, p)
			if j.errV = safely(jctx, tx.WithContext(jctx), j.fn); j.errV != nil {
				if err := exec("ROLLBACK TO batch_write"); err != nil {
					return err
				}
			} else {
				ids = append(ids, p.ids...)
			}
			if err := exec("RELEASE batch_write"); err != nil {
				return err
			}
		}
		if derive == nil || len(ids) == 0 {
			return nil
		}
		slices.Sort(ids)
		return derive(ctx, tx, slices.Compact(ids)...)
	})
}

// Bulk runs fn in one write transaction (not batched with others) in which the derived
// work of every change that fn defers is done once, at the end, for all of them: for
// workflows that change many accounts at once (a handover moves thousands). fn must use
// the ctx it is given with tx, or its changes are derived one by one.
func (db *DB) Bulk(ctx context.Context, fn func(ctx context.Context, tx *gorm.DB) error) error {
	p := &pending{}
	ctx = context.WithValue(ctx, pendingKey{}, p)
	derive := db.Batch.deriveFunc()
	return db.withoutAutocheckpoint(ctx, func() error {
		return db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := fn(ctx, tx); err != nil {
				return err
			}
			if derive == nil || len(p.ids) == 0 {
				return nil
			}
			slices.Sort(p.ids)
			return derive(ctx, tx, slices.Compact(p.ids)...)
		})
	})
}

func (b *Batcher) deriveFunc() func(ctx context.Context, tx *gorm.DB, ids ...int64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.derive
}

// close stops taking writes once the queued ones are done.
func (b *Batcher) close() {
	b.once.Do(func() {
		b.closing.Lock()
		b.closed = true
		b.closing.Unlock()
		close(b.stop)
	})
	b.done.Wait()
}

// safely runs fn, turning a panic into its write's error: the batch goes on for the
// others, as a request's panic would end only that request.
func safely(ctx context.Context, tx *gorm.DB, fn func(ctx context.Context, tx *gorm.DB) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("write panicked: %v", r)
			slog.Error("write panicked", "panic", r, "stack", string(debug.Stack()))
		}
	}()
	return fn(ctx, tx)
}
