package store

import (
	"context"
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
	select {
	case b.queue <- j:
	case <-ctx.Done():
		return ctx.Err()
	case <-b.stop:
		return errors.New("database is closing")
	}
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

// run commits one batch and answers each of its writes.
func (b *Batcher) run(jobs []*job) {
	p := &pending{}
	ctx := context.WithValue(context.Background(), pendingKey{}, p)
	derive := b.deriveFunc()
	err := b.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, j := range jobs {
			if err := j.ctx.Err(); err != nil {
				j.errV = err
				continue
			}
			jctx := context.WithValue(context.WithoutCancel(j.ctx), pendingKey{}, p)
			j.errV = tx.WithContext(jctx).Transaction(func(tx *gorm.DB) error { return safely(jctx, tx, j.fn) })
		}
		if derive == nil || len(p.ids) == 0 {
			return nil
		}
		slices.Sort(p.ids)
		return derive(ctx, tx, slices.Compact(p.ids)...)
	})
	if err != nil {
		err = fmt.Errorf("commit batch of %d writes: %w", len(jobs), err)
		slog.Error("write batch failed", "writes", len(jobs), "err", err)
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

// Bulk runs fn in one write transaction (not batched with others) in which the derived
// work of every change that fn defers is done once, at the end, for all of them: for
// workflows that change many accounts at once (a handover moves thousands). fn must use
// the ctx it is given with tx, or its changes are derived one by one.
func (db *DB) Bulk(ctx context.Context, fn func(ctx context.Context, tx *gorm.DB) error) error {
	p := &pending{}
	ctx = context.WithValue(ctx, pendingKey{}, p)
	derive := db.Batch.deriveFunc()
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
}

func (b *Batcher) deriveFunc() func(ctx context.Context, tx *gorm.DB, ids ...int64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.derive
}

// close stops taking writes once the queued ones are done.
func (b *Batcher) close() {
	b.once.Do(func() { close(b.stop) })
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
