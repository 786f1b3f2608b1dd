package httpkit

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"keyhold/internal/sheets"
)

// WriteCSV answers a CSV download: UTF-8 with a byte-order mark so that Excel shows
// Chinese names correctly, every cell made safe.
func WriteCSV(c *gin.Context, filename string, header []string, rows [][]string) {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	_ = w.Write(header)
	for _, r := range rows {
		safe := make([]string, len(r))
		for i, v := range r {
			safe[i] = sheets.Safe(v)
		}
		_ = w.Write(safe)
	}
	w.Flush()
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, filename))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// CodeHeaders reports whether a download was asked for with ?headers=codes: headers and
// coded values as the API names them, for another system, instead of in the reader's
// language, for a person.
func CodeHeaders(c *gin.Context) bool { return c.Query("headers") == "codes" }
