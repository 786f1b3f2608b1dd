package ui

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/fault"
	"keyhold/internal/opt"
	"keyhold/internal/web/httpkit"
)

type contactFormView struct {
	Editing     bool
	Action      string
	AccountID   int64
	AccountName string
	ContactID   int64
	CanDelete   bool
}

var contactFields = []string{"name", "title", "email", "phone", "decision_maker"}

func contactInput(form map[string]string) accounts.ContactInput {
	return accounts.ContactInput{Name: form["name"], Title: form["title"], Email: form["email"],
		Phone: form["phone"], DecisionMaker: form["decision_maker"] == "true"}
}

func (s accountPages) newContactPage(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	a, err := s.Accounts.Get(c.Request.Context(), id)
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.render(c, "contact_form", pageData{Nav: "accounts", Data: contactFormView{
		Action: fmt.Sprintf("/accounts/%d/contacts", id), AccountID: id, AccountName: a.Name}})
}

func (s accountPages) createContactSubmit(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	form := formValues(c, contactFields...)
	_, err := s.Accounts.AddContact(c.Request.Context(), httpkit.CurrentUser(c), id, contactInput(form))
	if err != nil {
		a, aerr := s.Accounts.Get(c.Request.Context(), id)
		if aerr != nil {
			s.pageError(c, aerr)
			return
		}
		s.contactFormError(c, contactFormView{Action: fmt.Sprintf("/accounts/%d/contacts", id), AccountID: id,
			AccountName: a.Name}, form, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/accounts/%d?done=contact_added#contacts-heading", id))
}

func (s accountPages) contactFormError(c *gin.Context, v contactFormView, form map[string]string, err error) {
	fields, msg, ok := formErrors(c, err)
	if !ok {
		s.pageError(c, err)
		return
	}
	s.renderStatus(c, http.StatusUnprocessableEntity, "contact_form", pageData{Nav: "accounts", Data: v,
		Form: form, Errors: fields, Message: msg})
}

// editContactView loads the contact and its account for the edit form.
func (s accountPages) editContactView(c *gin.Context) (contactFormView, accounts.Contact, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return contactFormView{}, accounts.Contact{}, fault.NotFound("contact", c.Param("id"))
	}
	ct, err := s.Accounts.ContactFor(c.Request.Context(), httpkit.CurrentUser(c), id)
	if err != nil {
		return contactFormView{}, ct, err
	}
	a, err := s.Accounts.Get(c.Request.Context(), ct.AccountID)
	return contactFormView{Editing: true, Action: fmt.Sprintf("/contacts/%d", id), AccountID: a.ID, AccountName: a.Name,
		ContactID: id, CanDelete: accounts.CanDeleteContact(httpkit.CurrentUser(c))}, ct, err
}

func (s accountPages) editContactPage(c *gin.Context) {
	v, ct, err := s.editContactView(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	form := map[string]string{"name": ct.Name, "title": ct.Title, "email": ct.Email, "phone": ct.Phone,
		"decision_maker": strconv.FormatBool(ct.DecisionMaker)}
	s.render(c, "contact_form", pageData{Nav: "accounts", Data: v, Form: form})
}

func (s accountPages) editContactSubmit(c *gin.Context) {
	v, _, err := s.editContactView(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	form := formValues(c, contactFields...)
	in := contactInput(form)
	_, err = s.Accounts.UpdateContact(c.Request.Context(), httpkit.CurrentUser(c), v.ContactID, accounts.ContactPatch{
		Name: opt.Of(in.Name), Title: opt.Of(in.Title), Email: opt.Of(in.Email), Phone: opt.Of(in.Phone),
		DecisionMaker: opt.Of(in.DecisionMaker)})
	if err != nil {
		s.contactFormError(c, v, form, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/accounts/%d?done=contact_saved#contacts-heading", v.AccountID))
}

func (s accountPages) deleteContactSubmit(c *gin.Context) {
	v, _, err := s.editContactView(c)
	if err == nil {
		err = s.Accounts.DeleteContact(c.Request.Context(), httpkit.CurrentUser(c), v.ContactID)
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/accounts/%d?done=contact_deleted#contacts-heading", v.AccountID))
}
