package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"keyhold/internal/fault"
	"keyhold/internal/i18n"
	"keyhold/internal/imports"
	"keyhold/internal/sheets"
	"keyhold/internal/web/httpkit"
)

// importRow is one row of an import's plan as the API shows it: its problems in the
// reader's language, each with the sheet's own header of its column.
type importRow struct {
	Row         int               `json:"row"`
	Outcome     imports.Outcome   `json:"outcome"`
	Errors      []importError     `json:"errors"`
	DuplicateOf []imports.Dup     `json:"duplicate_of"`
	Choices     []imports.Outcome `json:"choices,omitempty"`
	TargetID    *int64            `json:"target_id,omitempty"`
	ResultID    *int64            `json:"result_id,omitempty"`
	Cells       []string          `json:"cells,omitempty"`
}

// importError is one problem of a row.
type importError struct {
	Field   imports.Field `json:"field"`
	Column  string        `json:"column"`
	Message string        `json:"message"`
}

// importAnswer is an import with its rows (the dry run's answer).
type importAnswer struct {
	imports.Import
	Rows []importRow `json:"rows"`
}

func rowsOf(l i18n.Lang, imp imports.Import, rows []imports.Row, cells bool) []importRow {
	out := make([]importRow, len(rows))
	for i, r := range rows {
		out[i] = rowOf(l, imp, r, cells)
	}
	return out
}

// rowOf is a row as the API shows it.
func rowOf(l i18n.Lang, imp imports.Import, r imports.Row, cells bool) importRow {
	x := importRow{Row: r.Line, Outcome: r.Outcome, Errors: []importError{}, DuplicateOf: r.DuplicateOf,
		Choices: r.Choices(), TargetID: r.TargetID, ResultID: r.ResultID}
	if x.DuplicateOf == nil {
		x.DuplicateOf = []imports.Dup{}
	}
	for _, e := range r.Errors {
		x.Errors = append(x.Errors, importError{Field: e.Field, Column: imp.ColumnOf(e.Field), Message: l.Text(e.Message)})
	}
	if cells {
		x.Cells = r.Cells
	}
	return x
}

// ReadUpload reads the sheet of a multipart upload (field "file"), for the API and the
// pages; a missing or unreadable file is a field error.
func ReadUpload(c *gin.Context) (name string, data []byte, err error) {
	fh, err := c.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return "", nil, err
		}
		return "", nil, fault.Invalid(fault.Fields{"file": "choose an .xlsx or .csv file"})
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, httpkit.MaxUpload+1))
	if err != nil {
		return "", nil, err
	}
	return fh.Filename, data, nil
}

// SheetRows reads an uploaded sheet for an import; a file that cannot be read is a field
// error of "file" with the reason.
func SheetRows(data []byte) imports.Source {
	return func(yield func(line int, cells []string) error) error {
		err := sheets.Read(data, func(r sheets.Row) error { return yield(r.Line, r.Cells) })
		if sheets.IsFileError(err) {
			return fault.Invalid(fault.Fields{"file": err.Error()})
		}
		return err
	}
}

// ParseMapping reads a mapping given as a JSON object of strings.
func ParseMapping(v string) (map[string]string, error) {
	if v == "" {
		return nil, nil
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(v), &m); err != nil {
		return nil, fault.Invalid(fault.Fields{"mapping": `must be a JSON object such as {"客户名称": "name"}`})
	}
	return m, nil
}

// apiCreateImport answers POST /api/v1/imports: the dry run.
func (s *server) apiCreateImport(c *gin.Context) {
	if !httpkit.CurrentUser(c).CanManage() { // before the upload is read
		httpkit.AbortJSON(c, imports.ErrForbidden)
		return
	}
	name, data, err := ReadUpload(c)
	if err != nil {
		httpkit.AbortJSON(c, err)
		return
	}
	mapping, err := ParseMapping(c.PostForm("mapping"))
	if err != nil {
		httpkit.AbortJSON(c, err)
		return
	}
	imp, err := s.Imports.Preview(c.Request.Context(), httpkit.CurrentUser(c), imports.Kind(c.PostForm("kind")), name, SheetRows(data), mapping)
	if err != nil {
		httpkit.AbortJSON(c, err)
		return
	}
	s.writeImport(c, http.StatusCreated, imp)
}

// writeImport answers an import with every row's plan, read and written a few thousand
// rows at a time: a hundred thousand rows make a 7 MB answer, never held whole.
func (s *server) writeImport(c *gin.Context, status int, imp imports.Import) {
	head, err := json.Marshal(imp)
	if err != nil {
		httpkit.AbortJSON(c, err)
		return
	}
	l := httpkit.Lang(c)
	c.Header("Content-Type", "application/json; charset=utf-8")
	c.Status(status)
	w := bufio.NewWriterSize(c.Writer, 64<<10)
	w.Write(head[:len(head)-1]) // the import's fields, then its rows
	w.WriteString(`,"rows":[`)
	n := 0
	err = s.Imports.EachRow(c.Request.Context(), httpkit.CurrentUser(c), imp.ID, func(r imports.Row) error {
		if n > 0 {
			w.WriteByte(',')
		}
		n++
		b, err := json.Marshal(rowOf(l, imp, r, false))
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err != nil { // the status is sent: an answer cut short is the only way left to say so
		_ = c.Error(err)
		return
	}
	w.WriteString("]}")
	_ = w.Flush() // a client gone away is nobody to answer
}

func (s *server) apiListImports(c *gin.Context) {
	list, err := s.Imports.List(c.Request.Context(), httpkit.CurrentUser(c), 100)
	httpkit.Respond(c, http.StatusOK, gin.H{"data": list}, err)
}

func (s *server) apiGetImport(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	imp, err := s.Imports.Get(c.Request.Context(), httpkit.CurrentUser(c), id)
	httpkit.Respond(c, http.StatusOK, imp, err)
}

// apiImportRows answers GET /api/v1/imports/:id/rows: a page of rows with their cells.
func (s *server) apiImportRows(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	q := httpkit.NewQuery(c)
	f := imports.RowFilter{Outcome: imports.Outcome(q.Str("outcome")), Duplicates: q.Bool("duplicates"), Page: q.Page()}
	if !q.OK() {
		return
	}
	ctx, actor := c.Request.Context(), httpkit.CurrentUser(c)
	imp, err := s.Imports.Get(ctx, actor, id)
	if err != nil {
		httpkit.AbortJSON(c, err)
		return
	}
	rows, total, err := s.Imports.Rows(ctx, actor, id, f)
	httpkit.RespondList(c, f.Page, rowsOf(httpkit.Lang(c), imp, rows, true), total, err)
}

// mappingIn is the body of apiRemapImport.
type mappingIn struct {
	Mapping map[string]string `json:"mapping"`
}

func (s *server) apiRemapImport(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	var in mappingIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	imp, err := s.Imports.Remap(c.Request.Context(), httpkit.CurrentUser(c), id, in.Mapping)
	if err != nil {
		httpkit.AbortJSON(c, err)
		return
	}
	s.writeImport(c, http.StatusOK, imp)
}

// commitIn is the body of apiCommitImport.
type commitIn struct {
	Choices map[string]string `json:"choices"`
}

func (s *server) apiCommitImport(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	var in commitIn
	if c.Request.ContentLength != 0 && !httpkit.BindJSON(c, &in) {
		return
	}
	imp, err := s.Imports.Commit(c.Request.Context(), httpkit.CurrentUser(c), id, in.Choices)
	httpkit.Respond(c, http.StatusOK, imp, err)
}

func (s *server) apiUndoImport(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	imp, err := s.Imports.Undo(c.Request.Context(), httpkit.CurrentUser(c), id)
	httpkit.Respond(c, http.StatusOK, imp, err)
}

// apiImportErrors answers GET /api/v1/imports/:id/errors?format=xlsx|csv.
func (s *server) apiImportErrors(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	if err := s.downloadImportErrors(c, id, c.Query("format")); err != nil {
		httpkit.AbortJSON(c, err)
	}
}

// downloadImportErrors writes the rows of an import that have errors as a sheet (format
// xlsx, the default, or csv), the reason beside each, in the reader's language.
func (s *server) downloadImportErrors(c *gin.Context, id int64, format string) error {
	f, err := sheetFormat(format, sheets.XLSX)
	if err != nil {
		return err
	}
	l := httpkit.Lang(c)
	var buf bytes.Buffer
	w, err := sheets.NewWriter(&buf, f, l.T("imports.errors_sheet"))
	if err != nil {
		return err
	}
	if _, err := s.Imports.ErrorSheet(c.Request.Context(), httpkit.CurrentUser(c), id, w, l.T("imports.reason"), l.Text); err != nil {
		return err
	}
	sendSheet(c, f, fmt.Sprintf("import-%d-errors.%s", id, f), buf.Bytes())
	return nil
}

// sheetFormat reads ?format= for a download: xlsx or csv, or def when empty.
func sheetFormat(v string, def sheets.Format) (sheets.Format, error) {
	switch sheets.Format(v) {
	case "":
		return def, nil
	case sheets.XLSX, sheets.CSV:
		return sheets.Format(v), nil
	}
	return "", fault.Invalid(fault.Fields{"format": "must be xlsx or csv"})
}

// sendSheet answers a download.
func sendSheet(c *gin.Context, f sheets.Format, filename string, body []byte) {
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, filename))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, f.ContentType(), body)
}
