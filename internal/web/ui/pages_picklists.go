package ui

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
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
	Unlisted []accounts.ValueCount // values accounts hold that the list lacks
}

type picklistRow struct {
	picklists.Entry
	N        int // its place in the form, from 1
	Accounts int64
	Errors   map[string]string // by field: code, en, zh (English; the template translates)
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
				lv.Unlisted = append(lv.Unlisted, u)
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
	var rows []picklistRow         // what is shown again on a failure, entry by entry
	entries := []picklists.Entry{} // every row removed empties the list
	for i := range codes {
		e := picklists.Entry{Code: codes[i], En: at(ens, i), Zh: at(zhs, i)}
		if strings.TrimSpace(e.Code+e.En+e.Zh) == "" || remove[strconv.Itoa(i)] {
			continue
		}
		rows = append(rows, picklistRow{Entry: e})
		entries = append(entries, e)
	}
	_, err := s.Picklists.Replace(c.Request.Context(), httpkit.CurrentUser(c), list, entries)
	if err != nil {
		e, ok := fault.As(err)
		if !ok || e.Kind != fault.KindInvalid {
			s.pageError(c, err)
			return
		}
		for field, msg := range e.Fields { // "data[2].code": the third entry's code
			pos, name, _ := strings.Cut(strings.TrimPrefix(field, "data["), "].")
			if n, err := strconv.Atoi(pos); err == nil && n < len(rows) {
				if rows[n].Errors == nil {
					rows[n].Errors = map[string]string{}
				}
				rows[n].Errors[name] = msg
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
