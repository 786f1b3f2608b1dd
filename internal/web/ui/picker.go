package ui

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"keyhold/internal/store"
)

// picker is the <option>s of a staff picker: every active user, two hundred in a large
// organisation, on the accounts, flags and account pages. Escaping each name through the
// template on every view was a third of the accounts page's time; here the options are
// escaped once per change of the staff, and a view only marks its selection.
type picker struct {
	options []pickerOption
}

type pickerOption struct {
	id    int64
	value string // the id as the form sends it
	head  string // `<option value="ID"`
	tail  string // `>escaped name</option>`
}

// pickers keeps the picker of the current staff.
type pickers struct{ memo store.Memo[picker] }

// staffPicker returns the picker of the active staff.
func (s *server) staffPicker(c *gin.Context) (picker, error) {
	r, err := s.Staff.Active(c.Request.Context())
	if err != nil {
		return picker{}, err
	}
	return s.pickers.memo.Get(r.Version, func() (picker, error) {
		p := picker{options: make([]pickerOption, len(r.Users))}
		for i, u := range r.Users {
			id := strconv.FormatInt(u.ID, 10)
			p.options[i] = pickerOption{id: u.ID, value: id, head: `<option value="` + id + `"`,
				tail: ">" + template.HTMLEscapeString(u.Name) + "</option>"}
		}
		return p, nil
	})
}

// Options renders the options with selected (an id, as a number or as a form's value)
// marked, leaving out the user except (0: nobody), for {{.Staff.Options $sel $except}}.
func (p picker) Options(selected any, except int64) template.HTML {
	want := fmt.Sprint(selected)
	var b strings.Builder
	b.Grow(len(p.options) * 48)
	for _, o := range p.options {
		if o.id == except {
			continue
		}
		b.WriteString(o.head)
		if o.value == want {
			b.WriteString(" selected")
		}
		b.WriteString(o.tail)
	}
	return template.HTML(b.String()) // only escaped names and numbers
}
