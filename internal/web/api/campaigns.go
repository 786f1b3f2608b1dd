package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"keyhold/internal/campaigns"
	"keyhold/internal/web/httpkit"
)

// campaignIn is the body of apiCreateCampaign: the accounts are those matching every
// filter given, or exactly account_ids.
type campaignIn struct {
	Kind         string   `json:"kind"`
	Name         string   `json:"name"`
	Holiday      string   `json:"holiday"`
	From         string   `json:"from"`
	To           string   `json:"to"`
	Tier         string   `json:"tier"`
	Region       string   `json:"region"`
	Industry     string   `json:"industry"`
	OwnerID      *int64   `json:"owner_id"`
	AccountIDs   []int64  `json:"account_ids"`
	AccountNames []string `json:"account_names"`
}

func (s *server) apiCreateCampaign(c *gin.Context) {
	var in campaignIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	ctx, actor := c.Request.Context(), httpkit.CurrentUser(c)
	made, err := s.Campaigns.Create(ctx, actor, campaigns.New{Kind: campaigns.Kind(in.Kind), Name: in.Name, Holiday: in.Holiday,
		From: in.From, To: in.To, Tier: in.Tier, Region: in.Region, Industry: in.Industry, OwnerID: in.OwnerID, AccountIDs: in.AccountIDs,
		AccountNames: in.AccountNames})
	if err != nil {
		httpkit.AbortJSON(c, err)
		return
	}
	d, err := s.Campaigns.Get(ctx, actor, made.ID)
	httpkit.Respond(c, http.StatusCreated, d, err)
}

func (s *server) apiCampaigns(c *gin.Context) {
	list, err := s.Campaigns.List(c.Request.Context(), httpkit.CurrentUser(c))
	httpkit.Respond(c, http.StatusOK, dataOf[campaigns.Summary]{Data: nonNil(list)}, err)
}

func (s *server) apiCampaign(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	d, err := s.Campaigns.Get(c.Request.Context(), httpkit.CurrentUser(c), id)
	httpkit.Respond(c, http.StatusOK, d, err)
}

func (s *server) apiDeleteCampaign(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	httpkit.Respond(c, http.StatusNoContent, nil, s.Campaigns.Delete(c.Request.Context(), httpkit.CurrentUser(c), id))
}

func (s *server) apiMyCampaignTasks(c *gin.Context) {
	list, err := s.Campaigns.Mine(c.Request.Context(), httpkit.CurrentUser(c))
	httpkit.Respond(c, http.StatusOK, dataOf[campaigns.MyTask]{Data: nonNil(list)}, err)
}

// holidaysOut is the calendar's next occasions and where its dates come from.
type holidaysOut struct {
	Data   []campaigns.Occasion `json:"data"`
	Source string               `json:"source"`
}

func (s *server) apiHolidays(c *gin.Context) {
	httpkit.Respond(c, http.StatusOK, holidaysOut{Data: nonNil(s.Campaigns.Upcoming()), Source: campaigns.CalendarSource}, nil)
}
