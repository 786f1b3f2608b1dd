package ui

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/campaigns"
	"keyhold/internal/fault"
	"keyhold/internal/i18n"
	"keyhold/internal/web/httpkit"
)

// Leader touch campaigns: the list with the calendar's proposals (a holiday greeting for
// the key accounts launched in one click), the form for any other campaign, and each
// campaign's progress by leader and by account.

type campaignPages struct{ *server }

func (s campaignPages) campaignRoutes(p gin.IRoutes) {
	p.GET("/campaigns", s.campaignsPage)
	p.POST("/campaigns", s.createCampaignSubmit)
	p.GET("/campaigns/:id", s.campaignPage)
	p.POST("/campaigns/:id/delete", s.deleteCampaignSubmit)
}

// proposal is a holiday the calendar proposes a greeting campaign for, ready to launch
// for the key accounts — or the campaign already launched for it.
type proposal struct {
	campaigns.Occasion
	Name        string // the campaign's name in the reader's language: "春节问候 2027"
	HolidayName string
	Launched    *campaigns.Summary
}

type campaignsView struct {
	Campaigns []campaigns.Summary
	Proposals []proposal
	Kinds     []campaigns.Kind
	Tiers     []accounts.Tier
	Owners    picker
	Source    string
}

// greetingName is a holiday greeting campaign's name: "春节问候 2027", "Spring Festival
// greetings 2027".
func greetingName(l i18n.Lang, o campaigns.Occasion) string {
	return l.T("campaigns.greeting_name", l.T("holiday."+string(o.Holiday)), o.Year)
}

func (s campaignPages) campaignsPage(c *gin.Context) {
	d := pageData{Form: map[string]string{"kind": string(campaigns.KindAnnualReview), "tier": "key"}}
	if c.Query("done") == "deleted" {
		d.Message, d.Notice = httpkit.Lang(c).T("campaigns.deleted"), true
	}
	s.showCampaigns(c, http.StatusOK, d)
}

func (s campaignPages) showCampaigns(c *gin.Context, status int, d pageData) {
	ctx, actor, l := c.Request.Context(), httpkit.CurrentUser(c), httpkit.Lang(c)
	list, err := s.Campaigns.List(ctx, actor)
	if err != nil {
		s.pageError(c, err)
		return
	}
	owners, err := s.staffPicker(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	lists, err := s.Picklists.All(ctx)
	if err != nil {
		s.pageError(c, err)
		return
	}
	v := campaignsView{Campaigns: list, Kinds: campaigns.Kinds, Tiers: accounts.Tiers, Owners: owners, Source: campaigns.CalendarSource}
	for _, o := range s.Campaigns.Upcoming() {
		p := proposal{Occasion: o, Name: greetingName(l, o), HolidayName: l.T("holiday." + string(o.Holiday))}
		for i, cp := range list {
			if cp.Holiday == string(o.Holiday) && cp.From == o.From {
				p.Launched = &list[i]
				break
			}
		}
		v.Proposals = append(v.Proposals, p)
	}
	d.Nav, d.Data, d.Lists = "campaigns", v, lists
	s.renderStatus(c, status, "campaigns", d)
}

// createCampaignSubmit starts a campaign from the form or from a proposal's button, and
// shows it; a refusal shows the list again with the form's problems.
func (s campaignPages) createCampaignSubmit(c *gin.Context) {
	form := formValues(c, "kind", "name", "holiday", "from", "to", "tier", "region", "industry", "owner_id", "picked")
	n := campaigns.New{Kind: campaigns.Kind(form["kind"]), Name: form["name"], Holiday: form["holiday"], From: form["from"],
		To: form["to"], Tier: form["tier"], Region: form["region"], Industry: form["industry"]}
	// Hand-picked: a line of digits (or #digits) is an account's number, any other its name.
	for _, line := range strings.Split(form["picked"], "\n") {
		line = strings.TrimSpace(line)
		if id, err := strconv.ParseInt(strings.TrimPrefix(line, "#"), 10, 64); err == nil && id > 0 {
			n.AccountIDs = append(n.AccountIDs, id)
		} else if line != "" {
			n.AccountNames = append(n.AccountNames, line)
		}
	}
	if v := strings.TrimSpace(form["owner_id"]); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.showCampaigns(c, http.StatusUnprocessableEntity, pageData{Form: form, Errors: fault.Fields{"owner_id": "no such user"},
				Message: httpkit.Lang(c).T("form.has_errors")})
			return
		}
		n.OwnerID = &id
	}
	made, err := s.Campaigns.Create(c.Request.Context(), httpkit.CurrentUser(c), n)
	if err != nil {
		d, status, ok := formFailure(c, form, err)
		if !ok {
			s.pageError(c, err)
			return
		}
		d.At = "new-campaign"
		s.showCampaigns(c, status, d)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/campaigns/%d?done=created", made.ID))
}

// campaignView is a campaign's page.
type campaignView struct {
	campaigns.Detail
	CanDelete bool
	Me        int64
	LogKind   string // what a leader logs to do a task
}

func campaignID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fault.NotFound("campaign", c.Param("id"))
	}
	return id, nil
}

func (s campaignPages) campaignPage(c *gin.Context) {
	id, err := campaignID(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	actor := httpkit.CurrentUser(c)
	d, err := s.Campaigns.Get(c.Request.Context(), actor, id)
	if err != nil {
		s.pageError(c, err)
		return
	}
	v := campaignView{Detail: d, Me: actor.ID, CanDelete: actor.IsAdmin() || actor.CanManage() && d.CreatedBy == actor.ID,
		LogKind: logKind(d.Kind)}
	pd := pageData{Nav: "campaigns", Data: v}
	if !actor.CanManage() { // a leader come from the home page's tasks
		pd.Nav = "home"
	}
	if c.Query("done") == "created" {
		pd.Message, pd.Notice = httpkit.Lang(c).T("campaigns.created", d.Progress.Tasks, len(d.Leaders)), true
	}
	s.render(c, "campaign", pd)
}

// logKind is what a leader logs for a campaign's task: a greeting for a holiday, a visit
// for a review (either counts).
func logKind(k campaigns.Kind) string {
	if k == campaigns.KindHolidayGreeting {
		return "holiday_greeting"
	}
	return "executive_visit"
}

func (s campaignPages) deleteCampaignSubmit(c *gin.Context) {
	id, err := campaignID(c)
	if err == nil {
		err = s.Campaigns.Delete(c.Request.Context(), httpkit.CurrentUser(c), id)
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/campaigns?done=deleted")
}

// homeCampaignSize is how many accounts still to greet or visit a campaign lists on its
// leader's home page; the campaign's page has them all.
const homeCampaignSize = 8

// leaderCampaign is a campaign on its leader's home page: how far they are, and the
// accounts still to greet or visit (the first homeCampaignSize).
type leaderCampaign struct {
	ID         int64
	Name       string
	From, To   string
	Running    bool
	LogKind    string
	Done, Left int
	Open       []campaigns.MyTask
}

// Total is how many tasks the leader has in the campaign.
func (c leaderCampaign) Total() int { return c.Done + c.Left }

// leaderCampaigns groups a leader's tasks by campaign, the soonest to end first.
func leaderCampaigns(today string, tasks []campaigns.MyTask) []leaderCampaign {
	var out []leaderCampaign
	at := map[int64]int{}
	for _, t := range tasks {
		i, ok := at[t.CampaignID]
		if !ok {
			i = len(out)
			at[t.CampaignID] = i
			out = append(out, leaderCampaign{ID: t.CampaignID, Name: t.CampaignName, From: t.From, To: t.To,
				Running: t.From <= today, LogKind: logKind(t.CampaignKind)})
		}
		c := &out[i]
		if t.Done {
			c.Done++
			continue
		}
		c.Left++
		if len(c.Open) < homeCampaignSize {
			c.Open = append(c.Open, t)
		}
	}
	slices.SortStableFunc(out, func(a, b leaderCampaign) int { return strings.Compare(a.To, b.To) })
	return out
}
