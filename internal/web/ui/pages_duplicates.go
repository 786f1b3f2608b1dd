package ui

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/fault"
	"keyhold/internal/web/httpkit"
)

// duplicatesView is the likely duplicates in the book, a page of groups.
type duplicatesView struct {
	Groups []accounts.DuplicateGroup
	Total  int64
	paging
}

// duplicatesPage: GET /accounts/duplicates — managers and admins; the domain refuses
// everyone else (403 page).
func (s accountPages) duplicatesPage(c *gin.Context) {
	s.showDuplicates(c, http.StatusOK, pageData{})
}

// showDuplicates renders the page with status and what pd carries (a refusal's message).
func (s accountPages) showDuplicates(c *gin.Context, status int, pd pageData) {
	q := httpkit.NewQuery(c)
	p := q.Page().Normalized()
	if err := q.Err(); err != nil {
		s.pageError(c, err)
		return
	}
	groups, total, err := s.Accounts.Duplicates(c.Request.Context(), httpkit.CurrentUser(c), p)
	if err != nil {
		s.pageError(c, err)
		return
	}
	pd.Nav, pd.Data = "accounts", duplicatesView{Groups: groups, Total: total, paging: pagingOf(c.Request.URL, p, total)}
	s.renderStatus(c, status, "duplicates", pd)
}

// mergeSubmit: POST /accounts/duplicates/merge (into, from) merges one account of a group
// into another and shows the survivor; a refusal comes back on the list.
func (s accountPages) mergeSubmit(c *gin.Context) {
	form := formValues(c, "into", "from", "confirm")
	into, _ := strconv.ParseInt(form["into"], 10, 64)
	from, _ := strconv.ParseInt(form["from"], 10, 64)
	var err error
	switch actor := httpkit.CurrentUser(c); {
	case !actor.CanManage(): // refused before the form is read, as the merge itself would
		err = accounts.ErrMergeForbidden
	case form["confirm"] != "yes":
		err = fault.Invalid(fault.Fields{"confirm": "confirm the merge"})
	default:
		_, err = s.Accounts.Merge(c.Request.Context(), actor, into, from)
	}
	if err != nil {
		e, ok := fault.As(err)
		if !ok || e.Kind == fault.KindForbidden {
			s.pageError(c, err)
			return
		}
		l := httpkit.Lang(c)
		msg := l.Text(e.Message)
		for _, m := range e.Fields {
			msg = l.Text(m) // from_id: no such account, or the same account twice
		}
		s.showDuplicates(c, httpkit.StatusOf[e.Kind], pageData{Message: msg})
		return
	}
	c.Redirect(http.StatusSeeOther, "/accounts/"+strconv.FormatInt(into, 10)+"?done=merged#history")
}
