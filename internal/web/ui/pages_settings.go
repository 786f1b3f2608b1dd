package ui

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"keyhold/internal/i18n"
	"keyhold/internal/web/httpkit"
)

type settingsView struct{ Languages []i18n.Lang }

func (s sessionPages) settingsPage(c *gin.Context) {
	d := pageData{Nav: "settings", Data: settingsView{i18n.Supported}}
	if c.Query("changed") == "password" {
		d.Message, d.Notice = httpkit.Lang(c).T("settings.password_changed"), true
	}
	s.render(c, "settings", d)
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
		s.renderStatus(c, http.StatusUnprocessableEntity, "settings", pageData{Nav: "settings",
			Data: settingsView{i18n.Supported}, Errors: fields, Message: msg})
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
