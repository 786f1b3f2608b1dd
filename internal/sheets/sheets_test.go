package sheets_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"keyhold/internal/sheets"
)

func readAll(t testing.TB, data []byte) ([][]string, error) {
	t.Helper()
	var rows [][]string
	err := sheets.Read(data, func(r sheets.Row) error {
		rows = append(rows, append([]string{fmt.Sprint(r.Line)}, r.Cells...))
		return nil
	})
	return rows, err
}

func xlsx(t testing.TB, fill func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	fill(f)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The same rows read alike from every encoding Excel writes, with the row numbers a
// spreadsheet shows (empty rows skipped but counted, a cell's line break kept).
func TestReadEncodings(t *testing.T) {
	text := "客户名称,等级\r\n杭州盛泽电子,重点\r\n\r\n\"ACME, Inc.\",\"key\nA\"\r\n"
	tabs := "客户名称\t等级\r\n杭州盛泽电子\t重点\r\n\r\n\"ACME, Inc.\"\t\"key\nA\"\r\n"
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(tabs)
	gb, _ := simplifiedchinese.GB18030.NewEncoder().String(text)
	want := "[[1 客户名称 等级] [2 杭州盛泽电子 重点] [4 ACME, Inc. key\nA]]"
	for name, data := range map[string]string{
		"utf-8": text, "utf-8 with bom": "\uFEFF" + text, "gb18030": gb, "utf-16 tabs": utf16,
		"semicolons": strings.ReplaceAll(strings.ReplaceAll(text, ",", ";"), "ACME; Inc.", "ACME, Inc."),
	} {
		rows, err := readAll(t, []byte(data))
		if err != nil || fmt.Sprint(rows) != want {
			t.Errorf("%s: %q, %v", name, rows, err)
		}
	}
	book := xlsx(t, func(f *excelize.File) {
		_ = f.SetSheetRow("Sheet1", "A1", &[]any{"客户名称", "等级", "成为客户日期", "年度金额"})
		_ = f.SetSheetRow("Sheet1", "A2", &[]any{"杭州盛泽电子", "重点", 44562, 1200000.5})
		_ = f.SetCellFormula("Sheet1", "B3", "=1+1")
		_ = f.SetCellValue("Sheet1", "A3", "'=HYPERLINK(\"http://x\")")
		style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		_ = f.SetCellStyle("Sheet1", "C2", "C2", style)
	})
	rows, err := readAll(t, book)
	if err != nil || fmt.Sprint(rows) != `[[1 客户名称 等级 成为客户日期 年度金额] [2 杭州盛泽电子 重点 44562 1200000.5] [3 =HYPERLINK("http://x")]]` {
		t.Errorf("xlsx: %q, %v", rows, err)
	}
}

// Written cells come back as written, and a cell that would run as a formula does not.
func TestWriteAndReadBack(t *testing.T) {
	for _, f := range []sheets.Format{sheets.CSV, sheets.XLSX} {
		var buf bytes.Buffer
		w, err := sheets.NewWriter(&buf, f, "客户")
		if err != nil {
			t.Fatal(err)
		}
		_ = w.Row([]string{"名称", "备注"})
		_ = w.Row([]string{"杭州盛泽电子", "=cmd|' /C calc'!A0"})
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if f == sheets.CSV {
			r, _ := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF")))).ReadAll()
			if r[1][1] != "'=cmd|' /C calc'!A0" {
				t.Errorf("csv formula cell: %q", r[1][1])
			}
		}
		rows, err := readAll(t, buf.Bytes())
		if err != nil || fmt.Sprint(rows) != "[[1 名称 备注] [2 杭州盛泽电子 =cmd|' /C calc'!A0]]" {
			t.Errorf("%s read back: %q, %v", f, rows, err)
		}
	}
}

// Malformed and hostile files end in a clear error or a bounded read, never a hang.
func TestReadRefusesOrBounds(t *testing.T) {
	// A sheet formatted down to row 1,048,576: its data, then the reading stops.
	deep := xlsx(t, func(f *excelize.File) {
		_ = f.SetSheetRow("Sheet1", "A1", &[]any{"name"})
		_ = f.SetSheetRow("Sheet1", "A2", &[]any{"x"})
		_ = f.SetCellValue("Sheet1", "A1048576", "")
		_ = f.SetCellStyle("Sheet1", "A1048576", "A1048576", 0)
		_ = f.SetRowHeight("Sheet1", 1048576, 20)
	})
	start := time.Now()
	rows, err := readAll(t, deep)
	if err != nil || len(rows) != 2 || time.Since(start) > 30*time.Second {
		t.Errorf("a deep sheet: %d rows, %v, %s", len(rows), err, time.Since(start))
	}
	// A million empty lines.
	rows, err = readAll(t, []byte("name\nx\n"+strings.Repeat(",,\n", 1_000_000)+"late\n"))
	if err != nil || len(rows) != 2 {
		t.Errorf("a million empty rows: %d rows, %v", len(rows), err)
	}
	for name, data := range map[string][]byte{
		"too many rows":  []byte(strings.Repeat("x\n", sheets.MaxRows+2)),
		"a huge cell":    []byte("name\n" + strings.Repeat("长", sheets.MaxCell+1) + "\n"),
		"too wide":       []byte(strings.Repeat("a,", sheets.MaxColumns+1) + "a\n"),
		"not a workbook": []byte("PK\x03\x04 nothing here"),
		"bare quote":     []byte("a,\"b\n\"c\"d,e\n"),
	} {
		_, err := readAll(t, data)
		if name == "bare quote" { // read leniently, as spreadsheets do
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if !sheets.IsFileError(err) {
			t.Errorf("%s: %v, want a file error", name, err)
		}
	}
	stop := errors.New("stop")
	if err := sheets.Read([]byte("a\nb\n"), func(sheets.Row) error { return stop }); err != stop {
		t.Errorf("the callback's error: %v", err)
	}
}

// FuzzRead: whatever the bytes, Read returns (a file error or nil), never panics, and
// hands over no row wider or longer than the limits.
func FuzzRead(f *testing.F) {
	f.Add([]byte("客户名称,等级\n杭州,重点\n"))
	f.Add([]byte("\uFEFFa;b;c\n1;2;3\n"))
	f.Add([]byte("a,\"b\nc\",d\n\"unterminated"))
	f.Add([]byte{0xFF, 0xFE, 'a', 0, '\t', 0, 'b', 0})
	f.Add([]byte("=SUM(A1:A9),+1,-1,@x\n"))
	f.Add(xlsx(f, func(x *excelize.File) {
		_ = x.SetSheetRow("Sheet1", "A1", &[]any{"name", 1, 2.5, true})
		_ = x.SetCellFormula("Sheet1", "B2", "=A1&A1")
	}))
	f.Add([]byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		err := sheets.Read(data, func(r sheets.Row) error {
			if len(r.Cells) > sheets.MaxColumns {
				t.Fatalf("row %d has %d cells", r.Line, len(r.Cells))
			}
			return nil
		})
		if err != nil && !sheets.IsFileError(err) {
			t.Fatalf("not a file error: %v", err)
		}
	})
}
