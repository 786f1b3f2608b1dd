package httpkit

import (
	"bytes"
	"encoding/csv"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// FuzzWriteCSV: whatever the cells hold, the download is valid UTF-8 that reads back as
// the same table, and no cell starts like a spreadsheet formula.
func FuzzWriteCSV(f *testing.F) {
	for _, seed := range [][2]string{{"Acme", "1000"}, {"=HYPERLINK(\"x\")", "+1"}, {"a\r\nb", "\"quoted\""},
		{"caf\xe9", "\x00"}, {"华为技术", "-5"}, {"@SUM(A1)", "\t"}, {"line\rbreak", ""}} {
		f.Add(seed[0], seed[1])
	}
	gin.SetMode(gin.ReleaseMode)
	f.Fuzz(func(t *testing.T, a, b string) {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		WriteCSV(c, "x.csv", []string{"first", "second"}, [][]string{{a, b}, {b, a}})
		body := w.Body.Bytes()
		if !utf8.Valid(body) {
			t.Fatalf("not UTF-8: %q", body)
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
		if err != nil || len(rows) != 3 || len(rows[1]) != 2 || len(rows[2]) != 2 {
			t.Fatalf("does not read back (%v): %q", err, body)
		}
		for _, r := range rows[1:] {
			for _, cell := range r {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Fatalf("a cell starts like a formula: %q", cell)
				}
			}
		}
	})
}
