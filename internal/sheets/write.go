package sheets

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"keyhold/internal/check"
)

// Format is a download's file format.
type Format string

const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// ContentType is the format's media type.
func (f Format) ContentType() string {
	if f == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// Writer writes one sheet row by row: Row for each row (the first is the header), then
// Close. Cells are made safe: control characters dropped, and a cell that would start a
// formula (=, +, -, @) gets an apostrophe in front, so that it is shown, never run.
type Writer interface {
	Row(cells []string) error
	Close() error
}

// NewWriter writes format f to w.
func NewWriter(w io.Writer, f Format, sheet string) (Writer, error) {
	if f == XLSX {
		return newXLSX(w, sheet)
	}
	// A byte order mark, so that Excel reads Chinese names as UTF-8.
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return nil, err
	}
	return &csvWriter{w: csv.NewWriter(w)}, nil
}

// Safe is a cell as a download holds it.
func Safe(v string) string {
	v = check.Printable(v, true)
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

type csvWriter struct {
	w   *csv.Writer
	buf []string
}

func (c *csvWriter) Row(cells []string) error {
	c.buf = c.buf[:0]
	for _, v := range cells {
		c.buf = append(c.buf, Safe(v))
	}
	return c.w.Write(c.buf)
}

func (c *csvWriter) Close() error {
	c.w.Flush()
	return c.w.Error()
}

type xlsxWriter struct {
	f    *excelize.File
	sw   *excelize.StreamWriter
	w    io.Writer
	line int
	buf  []any
}

func newXLSX(w io.Writer, sheet string) (*xlsxWriter, error) {
	f := excelize.NewFile()
	if sheet != "" && sheet != "Sheet1" {
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			return nil, err
		}
	} else {
		sheet = "Sheet1"
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	return &xlsxWriter{f: f, sw: sw, w: w}, nil
}

func (x *xlsxWriter) Row(cells []string) error {
	x.line++
	x.buf = x.buf[:0]
	for _, v := range cells {
		// Text cells: excelize writes a string as an inline string, which Excel never
		// evaluates, so only the control characters need leaving out.
		x.buf = append(x.buf, check.Printable(v, true))
	}
	cell, err := excelize.CoordinatesToCellName(1, x.line)
	if err != nil {
		return fmt.Errorf("row %d: %w", x.line, err)
	}
	return x.sw.SetRow(cell, x.buf)
}

func (x *xlsxWriter) Close() error {
	if err := x.sw.Flush(); err != nil {
		return err
	}
	if _, err := x.f.WriteTo(x.w); err != nil {
		return err
	}
	return x.f.Close()
}
