package imports

import (
	"context"
	"strings"

	"keyhold/internal/staff"
)

// RowWriter writes a sheet row by row (the header first), then Close.
type RowWriter interface {
	Row(cells []string) error
	Close() error
}

// ErrorSheet writes the rows of an import that have errors to w: the sheet's own header
// and cells, then a column reasonHeader saying what is wrong, each message put into the
// reader's language by text. The user fixes the rows there and imports the sheet again.
func (s *Service) ErrorSheet(ctx context.Context, actor staff.User, id int64, w RowWriter, reasonHeader string,
	text func(string) string) (int, error) {
	imp, err := s.open(ctx, actor, id, "")
	if err != nil {
		return 0, err
	}
	var rows []Row
	if err := s.db.Read.WithContext(ctx).Where("import_id = ? AND outcome = ?", id, Error).Order("line").Find(&rows).Error; err != nil {
		return 0, err
	}
	width := len(imp.Header)
	for _, r := range rows {
		width = max(width, len(r.Cells))
	}
	header := make([]string, width, width+1)
	copy(header, imp.Header)
	if err := w.Row(append(header, reasonHeader)); err != nil {
		return 0, err
	}
	for _, r := range rows {
		cells := make([]string, width, width+1)
		copy(cells, r.Cells)
		if err := w.Row(append(cells, Reasons(imp, r, text))); err != nil {
			return 0, err
		}
	}
	return len(rows), w.Close()
}

// Reasons says what is wrong with a row, one problem per line, each named by the
// sheet's header of its column (or the field's name when no column holds it).
func Reasons(imp Import, r Row, text func(string) string) string {
	parts := make([]string, 0, len(r.Errors))
	for _, e := range r.Errors {
		parts = append(parts, imp.ColumnOf(e.Field)+": "+text(e.Message))
	}
	return strings.Join(parts, "\n")
}

// ColumnOf is the header of the column mapped to f, or f's own name.
func (imp Import) ColumnOf(f Field) string {
	for i, m := range imp.Mapping {
		if m == f && i < len(imp.Header) && imp.Header[i] != "" {
			return imp.Header[i]
		}
	}
	return string(f)
}
