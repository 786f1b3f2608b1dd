package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"keyhold/internal/picklists"
	"keyhold/internal/web/httpkit"
)

// picklistsBody is every list of industries, regions and channels.
type picklistsBody struct {
	Industry []picklists.Entry `json:"industry"`
	Region   []picklists.Entry `json:"region"`
	Channel  []picklists.Entry `json:"channel"`
}

func (s *server) apiPicklists(c *gin.Context) {
	all, err := s.Picklists.All(c.Request.Context())
	body := picklistsBody{Industry: nonNil(all[picklists.Industry]), Region: nonNil(all[picklists.Region]),
		Channel: nonNil(all[picklists.Channel])}
	httpkit.Respond(c, http.StatusOK, body, err)
}

// setPicklistIn is the body of apiSetPicklist: the whole list, in order.
type setPicklistIn struct {
	Data []picklists.Entry `json:"data"` // [] empties the list; missing is refused
}

func (s *server) apiSetPicklist(c *gin.Context) {
	var in setPicklistIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	list, err := s.Picklists.Replace(c.Request.Context(), httpkit.CurrentUser(c), picklists.List(c.Param("list")), in.Data)
	httpkit.Respond(c, http.StatusOK, dataOf[picklists.Entry]{Data: nonNil(list)}, err)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
