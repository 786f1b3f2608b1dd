package api

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/fault"
	"keyhold/internal/opt"
	"keyhold/internal/web/httpkit"
)

func (s *server) apiListAccounts(c *gin.Context) {
	if format := c.Query("format"); format != "" && format != "json" {
		if err := s.export(c, ExportAccounts, format); err != nil {
			httpkit.AbortJSON(c, err)
		}
		return
	}
	q := httpkit.NewQuery(c)
	f := accountFilter(q)
	if !q.OK() {
		return
	}
	list, total, err := s.Accounts.List(c.Request.Context(), f.For(httpkit.CurrentUser(c)))
	httpkit.RespondList(c, f.Page, list, total, err)
}

func (s *server) apiDuplicates(c *gin.Context) {
	q := httpkit.NewQuery(c)
	p := q.Page()
	if !q.OK() {
		return
	}
	groups, total, err := s.Accounts.Duplicates(c.Request.Context(), httpkit.CurrentUser(c), p)
	httpkit.RespondList(c, p, groups, total, err)
}

// createAccountIn is the body of apiCreateAccount.
type createAccountIn struct {
	Name          string        `json:"name"`
	Tier          accounts.Tier `json:"tier"`
	Industry      string        `json:"industry"`
	Region        string        `json:"region"`
	Channel       string        `json:"channel"`
	Size          accounts.Size `json:"size"`
	AnnualValue   int64         `json:"annual_value"`
	Currency      string        `json:"currency"`
	CustomerSince string        `json:"customer_since"`
	RenewalDate   string        `json:"renewal_date"`
	CadenceDays   *int          `json:"cadence_days"`
	VisitDays     *int          `json:"visit_days"` // its own visit cadence; absent: its tier's
	OwnerID       int64         `json:"owner_id"`
}

func (s *server) apiCreateAccount(c *gin.Context) {
	var in createAccountIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	a, err := s.Accounts.Create(c.Request.Context(), httpkit.CurrentUser(c), accounts.NewAccount(in))
	httpkit.Respond(c, http.StatusCreated, a, err)
}

func (s *server) apiGetAccount(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	a, err := s.Accounts.Get(c.Request.Context(), id)
	httpkit.Respond(c, http.StatusOK, a, err)
}

// updateAccountIn is the body of apiUpdateAccount.
type updateAccountIn struct {
	Name          opt.Field[string]        `json:"name"`
	Tier          opt.Field[accounts.Tier] `json:"tier"`
	Industry      opt.Field[string]        `json:"industry"`
	Region        opt.Field[string]        `json:"region"`
	Channel       opt.Field[string]        `json:"channel"`
	Size          opt.Field[accounts.Size] `json:"size"`
	AnnualValue   opt.Field[int64]         `json:"annual_value"`
	Currency      opt.Field[string]        `json:"currency"`
	CustomerSince opt.Field[string]        `json:"customer_since"`
	RenewalDate   opt.Field[string]        `json:"renewal_date"`
	CadenceDays   opt.Field[int]           `json:"cadence_days"`
	VisitDays     opt.Field[int]           `json:"visit_days"` // null: its tier's
	// Present only to refuse it clearly: the owner moves by transfer.
	OwnerID json.RawMessage `json:"owner_id"`
}

func (s *server) apiUpdateAccount(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	var in updateAccountIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	if in.OwnerID != nil {
		httpkit.AbortJSON(c, fault.Invalid(fault.Fields{"owner_id": "cannot be changed here; transfer the account instead"}))
		return
	}
	a, err := s.Accounts.Update(c.Request.Context(), httpkit.CurrentUser(c), id, accounts.Patch{
		Name: in.Name, Tier: in.Tier, Industry: in.Industry, Region: in.Region, Channel: in.Channel, Size: in.Size,
		AnnualValue: in.AnnualValue, Currency: in.Currency, CustomerSince: in.CustomerSince,
		RenewalDate: in.RenewalDate, CadenceDays: in.CadenceDays, VisitDays: in.VisitDays})
	httpkit.Respond(c, http.StatusOK, a, err)
}

func (s *server) apiDeleteAccount(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	err := s.Accounts.Delete(c.Request.Context(), httpkit.CurrentUser(c), id)
	httpkit.Respond(c, http.StatusNoContent, nil, err)
}

// transferAccountIn is the body of apiTransferAccount.
type transferAccountIn struct {
	ToUserID int64  `json:"to_user_id"`
	Reason   string `json:"reason"`
}

func (s *server) apiTransferAccount(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	var in transferAccountIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	a, err := s.Accounts.Transfer(c.Request.Context(), httpkit.CurrentUser(c), id, in.ToUserID, in.Reason)
	httpkit.Respond(c, http.StatusOK, a, err)
}

// mergeAccountIn is the body of apiMergeAccount.
type mergeAccountIn struct {
	FromID int64 `json:"from_id"`
}

func (s *server) apiMergeAccount(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	var in mergeAccountIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	m, err := s.Accounts.Merge(c.Request.Context(), httpkit.CurrentUser(c), id, in.FromID)
	httpkit.Respond(c, http.StatusOK, m, err)
}

func (s *server) apiAccountHistory(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	h, err := s.Accounts.History(c.Request.Context(), id)
	httpkit.Respond(c, http.StatusOK, gin.H{"data": h}, err)
}

func (s *server) apiTeam(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	team, err := s.Accounts.Team(c.Request.Context(), id)
	httpkit.Respond(c, http.StatusOK, team, err)
}

// setTeamMemberIn is the body of apiSetTeamMember.
type setTeamMemberIn struct {
	Role accounts.TeamRole `json:"role"`
}

func (s *server) apiSetTeamMember(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	userID, ok := httpkit.PathID(c, "user_id")
	if !ok {
		return
	}
	var in setTeamMemberIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	m, err := s.Accounts.SetMember(c.Request.Context(), httpkit.CurrentUser(c), id, userID, in.Role)
	httpkit.Respond(c, http.StatusOK, m, err)
}

func (s *server) apiRemoveTeamMember(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	userID, ok := httpkit.PathID(c, "user_id")
	if !ok {
		return
	}
	err := s.Accounts.RemoveMember(c.Request.Context(), httpkit.CurrentUser(c), id, userID)
	httpkit.Respond(c, http.StatusNoContent, nil, err)
}

// apiExportContacts answers GET /api/v1/contacts: the filtered accounts' contacts.
func (s *server) apiExportContacts(c *gin.Context) {
	if err := s.export(c, ExportContacts, c.Query("format")); err != nil {
		httpkit.AbortJSON(c, err)
	}
}
