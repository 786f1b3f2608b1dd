package ui

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"keyhold/internal/fault"
	"keyhold/internal/picklists"
	"keyhold/internal/web/httpkit"
)

// The admin's lists page: the industries, regions and channels accounts are chosen from,
// each entry with its code, its labels and the accounts that use it, and the values
// accounts hold that are not on the list yet.

type picklistsView struct {
	Lists []picklistView
}

type picklistView struct {
	Name     picklists.List
	Rows     []picklistRow
	Unlisted []valueUse // values accounts hold that the list lacks
}

type picklistRow struct {
	picklists.Entry
	N        int // its place in the form, from 1
	Accounts int64
	Errors   map[string]string // by field: code, en, zh (English; the template translates)
}

type valueUse struct {
	Value    string
	Accounts int64
}

// blankRows are the empty rows each list's form offers for new entries.
const blankRows = 3

func (s adminPages) picklistsPage(c *gin.Context) {
	s.showPicklists(c, http.StatusOK, pageData{}, "", nil)
}

// showPicklists renders the page; posted, when set, replaces the rows of list with what
// was submitted (shown again with their errors).
func (s adminPages) showPicklists(c *gin.Context, status int, d pageData, list picklists.List, posted []picklistRow) {
	ctx := c.Request.Context()
	all, err := s.Picklists.All(ctx)
	if err != nil {
		s.pageError(c, err)
		return
	}
	var v picklistsView
	for _, l := range picklists.Lists {
		used, err := s.Accounts.ValuesInUse(ctx, string(l))
		if err != nil {
			s.pageError(c, err)
			return
		}
		counts := map[string]int64{}
		for _, u := range used {
			counts[strings.ToLower(u.Value)] += u.Accounts
		}
		lv := picklistView{Name: l}
		for _, e := range all[l] {
			lv.Rows = append(lv.Rows, picklistRow{Entry: e, Accounts: counts[strings.ToLower(e.Code)]})
		}
		for _, u := range used {
			if _, ok := all.Find(l, u.Value); !ok {
				lv.Unlisted = append(lv.Unlisted, valueUse{Value: u.Value, Accounts: u.Accounts})
			}
		}
		if l == list {
			lv.Rows = posted
		}
		for range blankRows {
			lv.Rows = append(lv.Rows, picklistRow{})
		}
		for i := range lv.Rows {
			lv.Rows[i].N = i + 1
		}
		v.Lists = append(v.Lists, lv)
	}
	d.Nav, d.Data, d.Lists = "lists", v, all
	s.renderStatus(c, status, "picklists", d)
}

// picklistSubmit replaces one list with the rows of its form: rows left blank are
// skipped, rows ticked for removal dropped, the rest kept in their order.
func (s adminPages) picklistSubmit(c *gin.Context) {
	list := picklists.List(c.Param("list"))
	if !slices.Contains(picklists.Lists, list) {
		s.pageError(c, fault.NotFound("list", string(list)))
		return
	}
	codes, ens, zhs := c.PostFormArray("code"), c.PostFormArray("en"), c.PostFormArray("zh")
	remove := map[string]bool{}
	for _, i := range c.PostFormArray("remove") {
		remove[i] = true
	}
	var rows []picklistRow
	entries := []picklists.Entry{} // every row removed empties the list
	var rowOf []int                // the row of each entry, for its errors
	for i := range codes {
		e := picklists.Entry{Code: codes[i], En: at(ens, i), Zh: at(zhs, i)}
		if strings.TrimSpace(e.Code+e.En+e.Zh) == "" || remove[strconv.Itoa(i)] {
			continue
		}
		rows = append(rows, picklistRow{Entry: e})
		entries = append(entries, e)
		rowOf = append(rowOf, len(rows)-1)
	}
	_, err := s.Picklists.Replace(c.Request.Context(), httpkit.CurrentUser(c), list, entries)
	if err != nil {
		e, ok := fault.As(err)
		if !ok || e.Kind != fault.KindInvalid {
			s.pageError(c, err)
			return
		}
		for field, msg := range e.Fields {
			var n int
			var name string
			if _, scanErr := fmt.Sscanf(strings.Replace(field, "].", "] ", 1), "data[%d] %s", &n, &name); scanErr == nil && n < len(rowOf) {
				r := &rows[rowOf[n]]
				if r.Errors == nil {
					r.Errors = map[string]string{}
				}
				r.Errors[name] = msg
			}
		}
		s.showPicklists(c, http.StatusUnprocessableEntity, pageData{Message: httpkit.Lang(c).T("lists.not_saved"), At: "list-" + string(list)}, list, rows)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/lists?done=list_saved#list-"+string(list))
}

// at is the i-th value of a posted array, "" past its end.
func at(vals []string, i int) string {
	if i < len(vals) {
		return vals[i]
	}
	return ""
}
