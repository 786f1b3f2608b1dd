package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/fault"
	"keyhold/internal/opt"
	"keyhold/internal/web/httpkit"
)

func (s *server) apiListContacts(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	// An account has a handful of contacts: one page holds them all.
	list, err := s.Accounts.ContactsSeenBy(c.Request.Context(), httpkit.CurrentUser(c), id)
	httpkit.Respond(c, http.StatusOK, httpkit.ListBody{Data: list, Page: 1, PerPage: len(list), Total: int64(len(list))}, err)
}

// createContactIn is the body of apiCreateContact.
type createContactIn struct {
	Name          string `json:"name"`
	Title         string `json:"title"`
	Email         string `json:"email"`
	Phone         string `json:"phone"`
	DecisionMaker bool   `json:"decision_maker"`
}

func (s *server) apiCreateContact(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	var in createContactIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	ct, err := s.Accounts.AddContact(c.Request.Context(), httpkit.CurrentUser(c), id, accounts.ContactInput(in))
	httpkit.Respond(c, http.StatusCreated, ct, err)
}

// updateContactIn is the body of apiUpdateContact.
type updateContactIn struct {
	Name          opt.Field[string] `json:"name"`
	Title         opt.Field[string] `json:"title"`
	Email         opt.Field[string] `json:"email"`
	Phone         opt.Field[string] `json:"phone"`
	DecisionMaker opt.Field[bool]   `json:"decision_maker"`
}

func (s *server) apiUpdateContact(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	var in updateContactIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	ct, err := s.Accounts.UpdateContact(c.Request.Context(), httpkit.CurrentUser(c), id, accounts.ContactPatch(in))
	httpkit.Respond(c, http.StatusOK, ct, err)
}

func (s *server) apiDeleteContact(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	httpkit.Respond(c, http.StatusNoContent, nil, s.Accounts.DeleteContact(c.Request.Context(), httpkit.CurrentUser(c), id))
}

func (s *server) apiListInteractions(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	q := httpkit.NewQuery(c)
	p := q.Page()
	if !q.OK() {
		return
	}
	list, total, err := s.Accounts.Interactions(c.Request.Context(), id, p)
	httpkit.RespondList(c, p, list, total, err)
}

// logInteractionIn is the body of apiLogInteraction.
type logInteractionIn struct {
	Kind           accounts.Kind `json:"kind"`
	OccurredAt     string        `json:"occurred_at"`
	Summary        string        `json:"summary"`
	ContactIDs     []int64       `json:"contact_ids"`
	ParticipantIDs []int64       `json:"participant_ids"`
	NextStep       string        `json:"next_step"`
	NextStepDue    string        `json:"next_step_due"`
}

func (s *server) apiLogInteraction(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	var in logInteractionIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	at, err := parseTime(in.OccurredAt)
	if err != nil {
		httpkit.AbortJSON(c, fault.Invalid(fault.Fields{"occurred_at": "must be a time in RFC 3339 form, e.g. 2026-03-01T09:30:00Z"}))
		return
	}
	it, err := s.Accounts.LogInteraction(c.Request.Context(), httpkit.CurrentUser(c), id, accounts.NewInteraction{
		Kind: in.Kind, OccurredAt: at, Summary: in.Summary, ContactIDs: in.ContactIDs,
		ParticipantIDs: in.ParticipantIDs, NextStep: in.NextStep, NextStepDue: in.NextStepDue})
	httpkit.Respond(c, http.StatusCreated, it, err)
}

// parseTime reads an optional RFC 3339 time; empty means "not given".
func parseTime(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, err
	}
	return &t, nil
}
