package ui

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"keyhold/internal/auth"
	"keyhold/internal/fault"
	"keyhold/internal/i18n"
	"keyhold/internal/web/httpkit"
)

// settingsView is the page of one's own settings: language, password, and API keys (an
// admin sees everyone's keys there, with their owners).
type settingsView struct {
	Languages []i18n.Lang
	Keys      []keyRow
	Scopes    []auth.Scope
	Chosen    map[auth.Scope]bool // the scopes ticked on a form shown again
	Secret    string              // a key just made: shown this once
	CanCreate bool                // staff serving notice make no keys
	Admin     bool
}

func (s sessionPages) showSettings(c *gin.Context, status int, d pageData, v settingsView) {
	u := httpkit.CurrentUser(c)
	keys, err := s.Auth.Keys(c.Request.Context(), u)
	if err != nil {
		s.pageError(c, err)
		return
	}
	v.Languages, v.Keys, v.Scopes, v.CanCreate, v.Admin = i18n.Supported, keyRows(keys, s.Now()), auth.Scopes, u.Active(), u.IsAdmin()
	d.Nav, d.Data = "settings", v
	s.renderStatus(c, status, "settings", d)
}

func (s sessionPages) settingsPage(c *gin.Context) {
	d := pageData{}
	switch c.Query("changed") {
	case "password":
		d.Message, d.Notice = httpkit.Lang(c).T("settings.password_changed"), true
	case "key":
		d.Message, d.Notice = httpkit.Lang(c).T("apikey.revoked"), true
	}
	s.showSettings(c, http.StatusOK, d, settingsView{})
}

// passwordSubmit changes the user's own password; every other session of theirs ends,
// and this browser continues with a fresh token.
func (s sessionPages) passwordSubmit(c *gin.Context) {
	u, err := s.Staff.ChangePassword(c.Request.Context(), httpkit.CurrentUser(c), c.PostForm("current_password"), c.PostForm("new_password"))
	if err != nil {
		fields, msg, ok := formErrors(c, err)
		if !ok {
			s.pageError(c, err)
			return
		}
		s.showSettings(c, http.StatusUnprocessableEntity, pageData{Errors: fields, Message: msg}, settingsView{})
		return
	}
	sess, err := s.Auth.Issue(u)
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.startSession(c, sess)
	c.Redirect(http.StatusSeeOther, "/settings?changed=password")
}

// keySubmit makes an API key and shows its secret on the page this once (never in an
// address, never again).
func (s sessionPages) keySubmit(c *gin.Context) {
	form := formValues(c, "name", "expires_on")
	in := auth.NewKey{Name: form["name"], Scopes: c.PostFormArray("scopes")}
	p := parsed{}
	if form["expires_on"] != "" {
		// Valid through the day chosen.
		if day, err := time.Parse(time.DateOnly, form["expires_on"]); err != nil {
			fault.Collect(p).Add("expires_at", "must be a date as YYYY-MM-DD")
		} else {
			end := day.AddDate(0, 0, 1)
			in.ExpiresAt = &end
		}
	}
	chosen := map[auth.Scope]bool{}
	for _, sc := range in.Scopes {
		chosen[auth.Scope(sc)] = true
	}
	err := p.merge(nil)
	var secret string
	if err == nil {
		_, secret, err = s.Auth.CreateKey(c.Request.Context(), httpkit.CurrentUser(c), in)
	}
	if err != nil {
		d, status, ok := formFailure(c, form, err)
		if !ok {
			s.pageError(c, err)
			return
		}
		s.showSettings(c, status, d, settingsView{Chosen: chosen})
		return
	}
	s.showSettings(c, http.StatusCreated, pageData{Message: httpkit.Lang(c).T("apikey.created"), Notice: true},
		settingsView{Secret: secret})
}

// keyRevokeSubmit ends a key at once.
func (s sessionPages) keyRevokeSubmit(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.pageError(c, fault.NotFound("API key", c.Param("id")))
		return
	}
	if err := s.Auth.RevokeKey(c.Request.Context(), httpkit.CurrentUser(c), id); err != nil {
		s.pageError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/settings?changed=key#api-keys")
}

// keyRow is a key as the page lists it: whether it still works.
type keyRow struct {
	auth.Key
	Live bool
}

// keyRows marks which keys still work at now.
func keyRows(keys []auth.Key, now time.Time) []keyRow {
	rows := make([]keyRow, len(keys))
	for i, k := range keys {
		rows[i] = keyRow{Key: k, Live: k.RevokedAt == nil && (k.ExpiresAt == nil || now.Before(*k.ExpiresAt))}
	}
	return rows
}
