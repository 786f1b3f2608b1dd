package imports

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"

	"keyhold/internal/accounts"
	"keyhold/internal/fault"
	"keyhold/internal/picklists"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

// Import statuses.
const (
	StatusPreview   = "preview"
	StatusCommitted = "committed"
	StatusUndone    = "undone"
)

// UndoWindow is how long after its commit an import can be undone.
const UndoWindow = 24 * time.Hour

// Import is one sheet brought in: its plan while previewed, its counts once committed.
type Import struct {
	ID          int64      `json:"id"`
	Kind        Kind       `json:"kind"`
	Filename    string     `json:"filename"`
	Status      string     `json:"status"`
	Header      []string   `json:"header" gorm:"serializer:json"`
	Mapping     []Field    `json:"mapping" gorm:"serializer:json"` // per column; "" left out
	Summary     Summary    `json:"summary" gorm:"serializer:json"`
	CreatedBy   int64      `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
	CommittedAt *time.Time `json:"committed_at"`
	UndoneAt    *time.Time `json:"undone_at"`
}

// Summary counts an import's rows by outcome, and its rows with likely duplicates.
type Summary struct {
	Rows       int `json:"rows"`
	Create     int `json:"create"`
	Update     int `json:"update"`
	Skip       int `json:"skip"`
	Error      int `json:"error"`
	Duplicates int `json:"duplicates"`
}

func (s *Summary) count(r Row) {
	s.Rows++
	switch r.Outcome {
	case Create:
		s.Create++
	case Update:
		s.Update++
	case Skip:
		s.Skip++
	case Error:
		s.Error++
	}
	if len(r.DuplicateOf) > 0 {
		s.Duplicates++
	}
}

// Row is one data row of an import's sheet and its plan.
type Row struct {
	ImportID    int64      `json:"-"`
	Line        int        `json:"row" gorm:"column:line"`
	Cells       []string   `json:"cells" gorm:"serializer:json"`
	Outcome     Outcome    `json:"outcome"`
	Errors      []RowError `json:"errors" gorm:"serializer:json"`
	DuplicateOf []Dup      `json:"duplicate_of" gorm:"serializer:json"`
	TargetID    *int64     `json:"target_id,omitempty"`
	ResultID    *int64     `json:"result_id,omitempty"`
	Before      string     `json:"-"`
}

// TableName is the import rows' table.
func (Row) TableName() string { return "import_rows" }

// Service previews, commits and undoes imports.
type Service struct {
	db       *store.DB
	now      func() time.Time
	accounts *accounts.Service
	staff    *staff.Service
	lists    *picklists.Service
}

// New returns a Service.
func New(db *store.DB, now func() time.Time, acc *accounts.Service, st *staff.Service, lists *picklists.Service) *Service {
	return &Service{db: db, now: now, accounts: acc, staff: st, lists: lists}
}

// ErrForbidden refuses imports to anyone but managers and admins.
var ErrForbidden = accounts.ErrImportForbidden

// Source hands over a sheet's rows, the header first, each with its row number; a file
// that cannot be read is its error (a field error of "file", for the user).
type Source func(yield func(line int, cells []string) error) error

// Preview reads a sheet and keeps its plan: every row's outcome against the book as it
// is now. mapping corrects the recognised columns: a header's text or a column's number
// (from 1) → a field of kind, or "" to leave the column out. A file that cannot be read is
// refused with the reason, and nothing is kept.
func (s *Service) Preview(ctx context.Context, actor staff.User, kind Kind, filename string, read Source, mapping map[string]string) (Import, error) {
	if !actor.CanManage() {
		return Import{}, ErrForbidden
	}
	if !kind.Valid() {
		return Import{}, fault.Invalid(fault.Fields{"kind": "must be accounts or contacts"})
	}
	var imp *Import
	var p *planner
	var batch []Row // the rows planned and not yet written
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := s.db.Write.WithContext(ctx).CreateInBatches(batch, 500).Error
		batch = batch[:0]
		return err
	}
	// Row by row as the sheet is read: planned, and written a few thousand at a time (each
	// write its own short transaction), so that neither the sheet nor its plan is ever
	// held whole.
	err := read(func(line int, cells []string) error {
		if imp == nil {
			header := slices.Clone(cells)
			cols, err := remap(kind, header, Recognise(kind, header), mapping)
			if err != nil {
				return err
			}
			imp = &Import{Kind: kind, Filename: cut(filename, 200), Status: StatusPreview, Header: header, Mapping: cols,
				CreatedBy: actor.ID, CreatedAt: s.now().UTC()}
			if p, err = s.planner(ctx, actor, *imp, imp.CreatedAt); err != nil {
				return err
			}
			return s.db.Write.WithContext(ctx).Create(imp).Error
		}
		r := Row{ImportID: imp.ID, Line: line, Cells: slices.Clone(cells)}
		p.plan(&r)
		imp.Summary.count(r)
		batch = append(batch, r)
		if len(batch) == 5000 {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err == nil && (imp == nil || imp.Summary.Rows == 0) {
		err = fault.Invalid(fault.Fields{"file": "the sheet has no rows under its header"})
	}
	if err == nil {
		err = s.db.Write.WithContext(ctx).Model(imp).Select("summary").Updates(imp).Error
	}
	if err != nil {
		if imp != nil && imp.ID != 0 {
			s.drop(imp.ID)
		}
		return Import{}, err
	}
	return *imp, nil
}

// Remap plans a previewed import again with its columns mapped anew, and against the book
// as it is now.
func (s *Service) Remap(ctx context.Context, actor staff.User, id int64, mapping map[string]string) (Import, error) {
	imp, err := s.open(ctx, actor, id, StatusPreview)
	if err != nil {
		return Import{}, err
	}
	cols, err := remap(imp.Kind, imp.Header, imp.Mapping, mapping)
	if err != nil {
		return Import{}, err
	}
	imp.Mapping, imp.Summary = cols, Summary{}
	p, err := s.planner(ctx, actor, imp, s.now().UTC())
	if err != nil {
		return Import{}, err
	}
	err = s.chunks(ctx, s.db.Read.WithContext(ctx), id, func(rows []Row) error {
		for i := range rows {
			p.plan(&rows[i])
			imp.Summary.count(rows[i])
		}
		err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Where("import_id = ? AND line BETWEEN ? AND ?", id, rows[0].Line, rows[len(rows)-1].Line).
				Delete(&Row{}).Error; err != nil {
				return err
			}
			return tx.CreateInBatches(rows, 500).Error
		})
		return err
	})
	if err != nil {
		return Import{}, fmt.Errorf("remap import %d: %w", id, err)
	}
	res := s.db.Write.WithContext(ctx).Model(&imp).Where("status = ?", StatusPreview).Select("mapping", "summary").Updates(&imp)
	if res.Error != nil {
		return Import{}, res.Error
	}
	if res.RowsAffected != 1 {
		return Import{}, fault.Conflict("the import has been committed or undone; only a preview can change", nil)
	}
	return imp, nil
}

// chunkRows is how many rows of an import are read and handled at a time.
const chunkRows = 5000

// chunks calls fn with an import's rows in order, a few thousand at a time, read from db.
func (s *Service) chunks(ctx context.Context, db *gorm.DB, id int64, fn func([]Row) error) error {
	for after := 0; ; {
		var rows []Row
		if err := db.Where("import_id = ? AND line > ?", id, after).Order("line").Limit(chunkRows).Find(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		if err := fn(rows); err != nil {
			return err
		}
		after = rows[len(rows)-1].Line
	}
}

// remap applies a user's corrections to the columns' fields.
func remap(kind Kind, header []string, cols []Field, mapping map[string]string) ([]Field, error) {
	cols = slices.Clone(cols)
	known := map[Field]bool{}
	for _, f := range Fields(kind) {
		known[f] = true
	}
	bad := fault.Collect{}
	for key, field := range mapping {
		i := slices.Index(header, key)
		if n, err := strconv.Atoi(key); i < 0 && err == nil && n >= 1 && n <= len(header) {
			i = n - 1
		}
		if i < 0 {
			bad.Add("mapping."+key, "is not a column of the sheet")
			continue
		}
		f := Field(field)
		if f != "" && !known[f] {
			bad.Add("mapping."+key, "is not a field of this import")
			continue
		}
		for j := range cols { // a field goes to one column
			if f != "" && cols[j] == f {
				cols[j] = ""
			}
		}
		for len(cols) <= i {
			cols = append(cols, "")
		}
		cols[i] = f
	}
	return cols, bad.Err()
}

// planner reads what plans rows: the book's keys, the staff, the priced currencies, the
// lists of industries, regions and channels.
func (s *Service) planner(ctx context.Context, actor staff.User, imp Import, now time.Time) (*planner, error) {
	keys, err := s.accounts.Keys(ctx)
	if err != nil {
		return nil, err
	}
	everyone, err := s.staff.Directory(ctx)
	if err != nil {
		return nil, err
	}
	var codes []string
	if err := s.db.Read.WithContext(ctx).Table("currencies").Where("rate_to_base IS NOT NULL").Pluck("code", &codes).Error; err != nil {
		return nil, err
	}
	priced := map[string]bool{}
	for _, c := range codes {
		priced[c] = true
	}
	set, err := s.lists.All(ctx)
	if err != nil {
		return nil, err
	}
	p := newPlanner(imp.Kind, imp.Mapping, keys, newUserIndex(everyone), priced, actor, now)
	p.lists = set
	return p, nil
}

// drop removes an import that could not be saved whole.
func (s *Service) drop(id int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("import_id = ?", id).Delete(&Row{}).Error; err != nil {
			return err
		}
		return tx.Delete(&Import{}, id).Error
	})
}

// Get returns an import. Managers and admins.
func (s *Service) Get(ctx context.Context, actor staff.User, id int64) (Import, error) {
	return s.open(ctx, actor, id, "")
}

// open reads an import, refusing anyone but managers and admins, and one not in status
// (unless status is "").
func (s *Service) open(ctx context.Context, actor staff.User, id int64, status string) (Import, error) {
	if !actor.CanManage() {
		return Import{}, ErrForbidden
	}
	var imp Import
	err := s.db.Read.WithContext(ctx).Take(&imp, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Import{}, fault.NotFound("import", id)
	}
	if err != nil {
		return Import{}, fmt.Errorf("import %d: %w", id, err)
	}
	if status != "" && imp.Status != status {
		msg := "the import has been committed or undone; only a preview can change"
		if status == StatusCommitted {
			msg = "only a committed import can be undone"
		}
		return Import{}, fault.Conflict(msg, map[string]string{"status": imp.Status})
	}
	return imp, nil
}

// RowFilter picks an import's rows: by outcome, or only those with likely duplicates.
type RowFilter struct {
	Outcome    Outcome
	Duplicates bool
	Page       store.Page
}

// EachRow calls fn with every row of an import in order, without their cells, a few
// thousand read at a time: the dry run's answer.
func (s *Service) EachRow(ctx context.Context, actor staff.User, id int64, fn func(Row) error) error {
	if _, err := s.open(ctx, actor, id, ""); err != nil {
		return err
	}
	db := s.db.Read.WithContext(ctx).Select("import_id", "line", "outcome", "errors", "duplicate_of", "target_id", "result_id")
	return s.chunks(ctx, db, id, func(rows []Row) error {
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// Rows lists a page of an import's rows, with how many the filter picks.
func (s *Service) Rows(ctx context.Context, actor staff.User, id int64, f RowFilter) ([]Row, int64, error) {
	if _, err := s.open(ctx, actor, id, ""); err != nil {
		return nil, 0, err
	}
	q := s.db.Read.WithContext(ctx).Model(&Row{}).Where("import_id = ?", id)
	if f.Outcome != "" {
		q = q.Where("outcome = ?", f.Outcome)
	}
	if f.Duplicates {
		q = q.Where("duplicate_of <> '[]'")
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	p := f.Page.Normalized()
	rows := []Row{}
	if err := q.Order("line").Offset(p.Offset()).Limit(p.Size).Find(&rows).Error; err != nil {
		return nil, 0, err
	}
	return rows, total, nil
}

// List returns the latest imports, newest first. Managers and admins.
func (s *Service) List(ctx context.Context, actor staff.User, limit int) ([]Import, error) {
	if !actor.CanManage() {
		return nil, ErrForbidden
	}
	out := []Import{}
	err := s.db.Read.WithContext(ctx).Order("id DESC").Limit(limit).Find(&out).Error
	return out, err
}

func cut(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
