package ui

import (
	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
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
	v := duplicatesView{Groups: groups, Total: total, paging: pagingOf(c.Request.URL, p, total)}
	s.render(c, "duplicates", pageData{Nav: "accounts", Data: v})
}
