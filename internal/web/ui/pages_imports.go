package ui

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"keyhold/internal/fault"
	"keyhold/internal/imports"
	"keyhold/internal/store"
	"keyhold/internal/web/api"
	"keyhold/internal/web/httpkit"
)

// importPages: bringing accounts and contacts in from sheets (the list and the upload,
// the preview with its mapping and choices, the commit and the undo), and the list
// downloads. Managers and admins; the domain refuses everyone else.
type importPages struct{ *server }

func (s importPages) importRoutes(p gin.IRoutes) {
	p.GET("/imports", s.importsPage)
	p.POST("/imports", s.uploadSubmit)
	p.GET("/imports/:id", s.importPage)
	p.POST("/imports/:id/mapping", s.mappingSubmit)
	p.POST("/imports/:id/commit", s.commitSubmit)
	p.POST("/imports/:id/undo", s.undoSubmit)
	p.GET("/imports/:id/errors", s.errorsDownload)
	p.GET("/accounts/export", s.exportDownload)
}

// importsView is the imports page: the latest imports and the upload form.
type importsView struct {
	Imports []imports.Import
	Kinds   []imports.Kind
}

func (s importPages) importsPage(c *gin.Context) {
	s.showImports(c, http.StatusOK, pageData{})
}

func (s importPages) showImports(c *gin.Context, status int, pd pageData) {
	list, err := s.Imports.List(c.Request.Context(), httpkit.CurrentUser(c), 50)
	if err != nil {
		s.pageError(c, err)
		return
	}
	pd.Nav, pd.Data = "accounts", importsView{Imports: list, Kinds: []imports.Kind{imports.Accounts, imports.Contacts}}
	s.renderStatus(c, status, "imports", pd)
}

// uploadSubmit: POST /imports (multipart: file, kind) makes the dry run and shows it.
func (s importPages) uploadSubmit(c *gin.Context) {
	actor := httpkit.CurrentUser(c)
	if !actor.CanManage() {
		s.pageError(c, imports.ErrForbidden)
		return
	}
	form := map[string]string{"kind": c.PostForm("kind")}
	name, data, err := api.ReadUpload(c)
	if err == nil {
		var imp imports.Import
		imp, err = s.Imports.Preview(c.Request.Context(), actor, imports.Kind(form["kind"]), name, api.SheetRows(data), nil)
		if err == nil {
			c.Redirect(http.StatusSeeOther, "/imports/"+strconv.FormatInt(imp.ID, 10))
			return
		}
	}
	fields, msg, ok := formErrors(c, err)
	if !ok {
		s.pageError(c, err)
		return
	}
	s.showImports(c, http.StatusUnprocessableEntity, pageData{Form: form, Errors: fields, Message: msg})
}

// importView is one import's page.
type importView struct {
	Import   imports.Import
	Columns  []importColumn
	Fields   []imports.Field
	Show     string // errors, duplicates or all
	Tabs     []importTab
	Headers  []string // the table's columns: the sheet's header, as wide as its widest row
	Rows     []importRowView
	Undoable bool
	// MappingOpen shows the columns' mapping at once: a column left out, or a field the
	// import needs that no column holds.
	MappingOpen bool
	Names       map[int64]string // the accounts the page's rows name, by id
	paging
}

// importColumn is a column of the sheet and the field it is mapped to.
type importColumn struct {
	N      int // from 1
	Header string
	Field  imports.Field
}

// importRowView is a row as the page shows it.
type importRowView struct {
	imports.Row
	Cells   []string
	Reasons []importReason
	Choices []imports.Outcome
}

type importReason struct{ Column, Message string }

// importTab is a choice of rows to show.
type importTab struct {
	Name    string
	Count   int
	Current bool
}

const importPageSize = 100

func (s importPages) importPage(c *gin.Context) {
	s.showImport(c, http.StatusOK, pageData{})
}

func (s importPages) showImport(c *gin.Context, status int, pd pageData) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	ctx, actor := c.Request.Context(), httpkit.CurrentUser(c)
	imp, err := s.Imports.Get(ctx, actor, id)
	if err != nil {
		s.pageError(c, err)
		return
	}
	q := httpkit.NewQuery(c)
	p := q.Page()
	p.Size = importPageSize
	p = p.Normalized()
	v := importView{Import: imp, Fields: imports.Fields(imp.Kind), Show: c.Query("show"),
		Undoable: imp.Status == imports.StatusCommitted && imp.CommittedAt != nil && s.Now().Sub(*imp.CommittedAt) < imports.UndoWindow}
	if v.Show != "errors" && v.Show != "duplicates" && v.Show != "all" {
		switch { // the rows that need the reader first
		case imp.Summary.Error > 0:
			v.Show = "errors"
		case imp.Summary.Duplicates > 0:
			v.Show = "duplicates"
		default:
			v.Show = "all"
		}
	}
	v.Tabs = []importTab{{"errors", imp.Summary.Error, false}, {"duplicates", imp.Summary.Duplicates, false}, {"all", imp.Summary.Rows, false}}
	for i := range v.Tabs {
		v.Tabs[i].Current = v.Tabs[i].Name == v.Show
	}
	for i, h := range imp.Header {
		col := importColumn{N: i + 1, Header: h}
		if i < len(imp.Mapping) {
			col.Field = imp.Mapping[i]
		}
		v.MappingOpen = v.MappingOpen || col.Field == ""
		v.Columns = append(v.Columns, col)
	}
	v.MappingOpen = v.MappingOpen || len(imp.Missing()) > 0
	f := imports.RowFilter{Page: p}
	switch v.Show {
	case "errors":
		f.Outcome = imports.Error
	case "duplicates":
		f.Duplicates = true
	}
	rows, total, err := s.Imports.Rows(ctx, actor, id, f)
	if err != nil {
		s.pageError(c, err)
		return
	}
	width := len(imp.Header)
	l := httpkit.Lang(c)
	for _, r := range rows {
		rv := importRowView{Row: r, Cells: r.Cells, Choices: r.Choices()}
		if imp.Status != imports.StatusPreview {
			rv.Choices = nil
		}
		for _, e := range r.Errors {
			rv.Reasons = append(rv.Reasons, importReason{Column: imp.ColumnOf(e.Field), Message: l.Text(e.Message)})
		}
		width = max(width, len(r.Cells))
		v.Rows = append(v.Rows, rv)
	}
	var named []int64
	for _, r := range rows {
		for _, d := range r.DuplicateOf {
			if d.AccountID != 0 {
				named = append(named, d.AccountID)
			}
		}
	}
	found, err := s.Accounts.ByIDs(ctx, named)
	if err != nil {
		s.pageError(c, err)
		return
	}
	v.Names = make(map[int64]string, len(found))
	for _, a := range found {
		v.Names[a.ID] = a.Name
	}
	v.Headers = append(slices.Clone(imp.Header), make([]string, width-len(imp.Header))...)
	for i := range v.Rows { // every row as wide as the table
		for len(v.Rows[i].Cells) < width {
			v.Rows[i].Cells = append(v.Rows[i].Cells, "")
		}
	}
	v.paging = pagingOf(c.Request.URL, store.Page{Number: p.Number, Size: importPageSize}, total)
	pd.Nav, pd.Data = "accounts", v
	s.renderStatus(c, status, "import", pd)
}

// mappingSubmit: POST /imports/:id/mapping (col_N = field) plans the import again.
func (s importPages) mappingSubmit(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	mapping := map[string]string{}
	if err := c.Request.ParseForm(); err != nil {
		s.pageError(c, fault.Invalid(fault.Fields{"mapping": "is not a field of this import"}))
		return
	}
	for k, vs := range c.Request.PostForm {
		if n, ok := strings.CutPrefix(k, "col_"); ok && len(vs) > 0 {
			mapping[n] = vs[0]
		}
	}
	_, err := s.Imports.Remap(c.Request.Context(), httpkit.CurrentUser(c), id, mapping)
	s.importAction(c, id, err)
}

// commitSubmit: POST /imports/:id/commit (choice_ROW = update, skip or create).
func (s importPages) commitSubmit(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	choices := map[string]string{}
	_ = c.Request.ParseForm()
	for k, vs := range c.Request.PostForm {
		if row, ok := strings.CutPrefix(k, "choice_"); ok && len(vs) > 0 && vs[0] != "" {
			choices[row] = vs[0]
		}
	}
	_, err := s.Imports.Commit(c.Request.Context(), httpkit.CurrentUser(c), id, choices)
	s.importAction(c, id, err)
}

func (s importPages) undoSubmit(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	_, err := s.Imports.Undo(c.Request.Context(), httpkit.CurrentUser(c), id)
	s.importAction(c, id, err)
}

// importAction shows the import after a change, or the refusal on its page.
func (s importPages) importAction(c *gin.Context, id int64, err error) {
	if err == nil {
		c.Redirect(http.StatusSeeOther, "/imports/"+strconv.FormatInt(id, 10))
		return
	}
	e, ok := fault.As(err)
	if !ok || e.Kind == fault.KindForbidden || e.Kind == fault.KindNotFound {
		s.pageError(c, err)
		return
	}
	l := httpkit.Lang(c)
	msg := l.Text(e.Message)
	if e.Kind == fault.KindInvalid {
		msg = l.T("form.has_errors")
		for _, m := range e.Fields {
			msg += " " + l.Text(m)
		}
	}
	if d, ok := e.Details.(map[string]any); ok {
		if rows, ok := d["rows"].([]int); ok && len(rows) > 0 {
			msg += " " + l.T("imports.changed_rows", joinInts(rows, 20))
		}
		if row, ok := d["row"].(int); ok {
			msg += " " + l.T("imports.changed_rows", strconv.Itoa(row))
		}
	}
	s.showImport(c, httpkit.StatusOf[e.Kind], pageData{Message: msg})
}

func joinInts(v []int, most int) string {
	parts := make([]string, 0, min(len(v), most)+1)
	for i, n := range v {
		if i == most {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, strconv.Itoa(n))
	}
	return strings.Join(parts, ", ")
}

func (s importPages) errorsDownload(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	if err := s.api.DownloadImportErrors(c, id, c.Query("format")); err != nil {
		s.pageError(c, err)
	}
}

// exportDownload: GET /accounts/export?what=accounts|contacts&format=xlsx|csv and the
// list's filters.
func (s importPages) exportDownload(c *gin.Context) {
	what := api.ExportAccounts
	if c.Query("what") == api.ExportContacts {
		what = api.ExportContacts
	}
	if err := s.api.Export(c, what, c.Query("format")); err != nil {
		s.pageError(c, err)
	}
}
