// Package sheets reads and writes the spreadsheets people bring and take away: XLSX (by
// excelize's row iterator and stream writer, so a large sheet never sits in memory whole)
// and CSV in UTF-8 (with or without a byte order mark), UTF-16 (Excel's "Unicode text")
// or GB18030 (what Excel on Chinese Windows writes).
package sheets

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Limits keep a hostile or mistaken file from taking the server's memory or time.
const (
	MaxRows    = 200_000 // data rows, empty ones not counted
	MaxColumns = 100
	MaxCell    = 32_767 // characters, as in Excel
	// MaxEmptyRun is how many empty rows in a row end the reading: a sheet formatted down
	// to row 1,048,576 holds nothing below its data.
	MaxEmptyRun = 10_000
)

// ErrFile is a file that cannot be read as a sheet; its message says why, for the user.
type ErrFile struct{ Reason string }

func (e *ErrFile) Error() string { return e.Reason }

// bad is a file error; its reason is one of a few fixed sentences, which the pages
// translate.
func bad(reason string) error { return &ErrFile{Reason: reason} }

// IsFileError reports whether err is about the file rather than the server.
func IsFileError(err error) bool {
	var e *ErrFile
	return errors.As(err, &e)
}

// Row is one row read: its number in the sheet (1 is the first) and its cells, trimmed.
type Row struct {
	Line  int
	Cells []string
}

// Read calls fn for the header and then every non-empty row of the first sheet of an XLSX
// file or of a CSV file, whichever data is (XLSX by its zip signature). Rows past the
// header are handed over in order; fn's error stops the reading and is returned.
func Read(data []byte, fn func(Row) error) error {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return readXLSX(data, fn)
	}
	return readCSV(data, fn)
}

// counter enforces the limits on the rows handed over.
type counter struct {
	rows, empty int
	fn          func(Row) error
}

var errStop = errors.New("stop")

func (c *counter) take(line int, cells []string) error {
	if len(cells) > MaxColumns {
		cells = trimEmptyTail(cells)
		if len(cells) > MaxColumns {
			return bad("a row has more than 100 columns")
		}
	}
	empty := true
	for i, v := range cells {
		if utf8.RuneCountInString(v) > MaxCell {
			return bad("a cell holds more than 32767 characters")
		}
		v = clean(v)
		cells[i] = v
		if v != "" {
			empty = false
		}
	}
	if empty {
		c.empty++
		if c.empty >= MaxEmptyRun && c.rows > 0 {
			return errStop
		}
		return nil
	}
	c.empty = 0
	c.rows++
	if c.rows > MaxRows+1 {
		return bad("the sheet has more than 200000 rows; split it into several files")
	}
	return c.fn(Row{Line: line, Cells: trimEmptyTail(cells)})
}

// clean trims a cell, drops control characters, and undoes the apostrophe that exports
// put before a cell that would read as a formula.
func clean(v string) string {
	v = strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\uFEFF' || (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f {
			return -1
		}
		return r
	}, v))
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@", rune(v[1])) {
		v = v[1:]
	}
	return v
}

func trimEmptyTail(cells []string) []string {
	n := len(cells)
	for n > 0 && strings.TrimSpace(cells[n-1]) == "" {
		n--
	}
	return cells[:n]
}

func readXLSX(data []byte, fn func(Row) error) error {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue:      true,      // numbers and dates as stored, not as some locale formats them
		UnzipSizeLimit:    300 << 20, // a zip bomb stops here (200,000 rows of 100 columns fit)
		UnzipXMLSizeLimit: 16 << 20,  // larger sheets are unpacked to a temporary file, not memory
	})
	if err != nil {
		return bad("the file is not a readable XLSX workbook")
	}
	defer f.Close()
	list := f.GetSheetList()
	if len(list) == 0 {
		return bad("the workbook has no sheet")
	}
	rows, err := f.Rows(list[0])
	if err != nil {
		return bad("the first sheet cannot be read")
	}
	defer rows.Close()
	c := counter{fn: fn}
	for line := 1; rows.Next(); line++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return bad("a row cannot be read")
		}
		if err := c.take(line, cells); err != nil {
			if err == errStop {
				return nil
			}
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return bad("the first sheet cannot be read to its end")
	}
	return nil
}

// decode turns CSV bytes into UTF-8: by their byte order mark, else as UTF-8 when they are
// valid UTF-8, else as GB18030.
func decode(data []byte) io.Reader {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return bytes.NewReader(data[3:])
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return transform.NewReader(bytes.NewReader(data), unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder())
	case utf8.Valid(data):
		return bytes.NewReader(data)
	default:
		return transform.NewReader(bytes.NewReader(data), simplifiedchinese.GB18030.NewDecoder())
	}
}

func readCSV(data []byte, fn func(Row) error) error {
	br := bufio.NewReaderSize(decode(data), 64<<10)
	// The delimiter is what the first line holds most of: a comma, a semicolon (Excel in
	// some locales) or a tab (Excel's "Unicode text").
	first, _ := br.Peek(8 << 10)
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	r := csv.NewReader(br)
	r.Comma = delimiter(first)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	c := counter{fn: fn}
	// A row's number is the one a spreadsheet opening the file shows: the record's first
	// line, less the line breaks inside the quoted cells before it (csv skips empty lines,
	// which a spreadsheet shows as empty rows).
	inside := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return bad("the file cannot be read as CSV")
			}
			return bad("the file cannot be read as text")
		}
		start, _ := r.FieldPos(0)
		line := start - inside
		cells := make([]string, len(rec))
		for i, v := range rec {
			cells[i] = v
			inside += strings.Count(v, "\n")
		}
		if err := c.take(line, cells); err != nil {
			if err == errStop {
				return nil
			}
			return err
		}
	}
}

func delimiter(line []byte) rune {
	best, n := ',', bytes.Count(line, []byte{','})
	for _, d := range []rune{';', '\t'} {
		if k := bytes.Count(line, []byte(string(d))); k > n {
			best, n = d, k
		}
	}
	return best
}
