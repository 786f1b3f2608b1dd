package ui

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"keyhold/internal/auth"
	"keyhold/internal/fault"
	"keyhold/internal/i18n"
	"keyhold/internal/web/httpkit"
	"keyhold/static"
)

func (s *server) pageRoutes(r *gin.Engine) {
	r.StaticFS("/static", http.FS(static.FS))

	open := r.Group("", s.csrf())
	open.GET("/login", s.loginPage)
	open.POST("/login", s.loginSubmit)
	open.POST("/language", s.languageSubmit)

	p := r.Group("", s.csrf(), s.pageAuth())
	p.POST("/logout", s.logout)
	p.GET("/", s.homePage)
	p.GET("/accounts", s.accountsPage)
	p.GET("/accounts/new", s.newAccountPage)
	p.POST("/accounts", s.createAccountSubmit)
	p.GET("/accounts/:id", s.accountPage)
	p.GET("/accounts/:id/edit", s.editAccountPage)
	p.POST("/accounts/:id", s.editAccountSubmit)
	p.POST("/accounts/:id/interactions", s.logInteractionSubmit)
	p.POST("/accounts/:id/transfer", s.transferSubmit)
	p.POST("/accounts/:id/team", s.teamAddSubmit)
	p.POST("/accounts/:id/team/:user_id/remove", s.teamRemoveSubmit)
	p.POST("/accounts/:id/churn", s.churnSubmit)
	p.POST("/accounts/:id/reactivate", s.reactivateSubmit)
	p.POST("/accounts/:id/complaints", s.complaintSubmit)
	p.POST("/accounts/:id/complaints/:complaint_id/resolve", s.resolveComplaintSubmit)
	p.GET("/accounts/:id/contacts/new", s.newContactPage)
	p.POST("/accounts/:id/contacts", s.createContactSubmit)
	p.GET("/contacts/:id/edit", s.editContactPage)
	p.POST("/contacts/:id", s.editContactSubmit)
	p.POST("/contacts/:id/delete", s.deleteContactSubmit)
	p.GET("/flags", s.flagsPage)
	s.reportRoutes(p)
	p.GET("/settings", s.settingsPage)
	p.POST("/settings/password", s.passwordSubmit)
	p.GET("/me/handover", s.myHandoverPage)
	p.POST("/me/handover/items/:item_id/note", s.myNoteSubmit)
	p.POST("/me/handover/items/:item_id/intro", s.myIntroSubmit)
	p.GET("/handovers", s.handoversPage)
	p.GET("/handovers/new", s.newHandoverPage)
	p.POST("/handovers", s.createHandoverSubmit)
	p.GET("/handovers/:id", s.handoverPage)
	p.POST("/handovers/:id/assign", s.handoverAssignSubmit)
	p.POST("/handovers/:id/items/:item_id", s.handoverItemSubmit)
	p.POST("/handovers/:id/items/:item_id/intro", s.handoverIntroSubmit)
	p.POST("/handovers/:id/start", s.handoverStartSubmit)
	p.POST("/handovers/:id/complete", s.handoverCompleteSubmit)
	p.POST("/handovers/:id/cancel", s.handoverCancelSubmit)
	p.GET("/handovers/:id/report", s.handoverReportPage)
	p.GET("/handovers/:id/report.csv", s.handoverReportCSV)
	p.POST("/users/:id/depart", s.departSubmit)

	admin := p.Group("/admin", s.requireAdmin())
	admin.GET("/users", s.usersPage)
	admin.GET("/users/new", s.newUserPage)
	admin.POST("/users", s.createUserSubmit)
	admin.GET("/users/:id/edit", s.editUserPage)
	admin.POST("/users/:id", s.editUserSubmit)
	admin.GET("/cadence", s.cadencePage)
	admin.POST("/cadence/:tier", s.cadenceSubmit)
	admin.GET("/currencies", s.currenciesPage)
	admin.POST("/currencies", s.currencySubmit)
	admin.POST("/currencies/:code/base", s.baseCurrencySubmit)
	admin.POST("/currencies/:code/delete", s.deleteCurrencySubmit)
}

// requireAdmin keeps the admin pages to admins.
func (s *server) requireAdmin() gin.HandlerFunc {
	return func(c *gin.Context) {
		if !httpkit.CurrentUser(c).IsAdmin() {
			s.pageError(c, fault.Forbidden("only admins may open the admin pages"))
			return
		}
		c.Next()
	}
}

// safeNext keeps a post-login redirect on this site: a local path, never "//host", and
// nothing a browser would strip into one (tabs, newlines).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "/"
	}
	return next
}

func (s *server) loginPage(c *gin.Context) {
	if cookie, err := c.Cookie(sessionCookie); err == nil {
		if _, _, err := s.Auth.Authenticate(c.Request.Context(), cookie); err == nil {
			c.Redirect(http.StatusSeeOther, safeNext(c.Query("next")))
			return
		}
	}
	s.render(c, "login", pageData{Form: map[string]string{"next": safeNext(c.Query("next"))}})
}

func (s *server) loginSubmit(c *gin.Context) {
	email, next := c.PostForm("email"), safeNext(c.PostForm("next"))
	sess, err := s.Auth.Login(c.Request.Context(), email, c.PostForm("password"), c.ClientIP())
	if err != nil {
		status, _ := httpkit.ErrorStatus(c, err)
		if status == http.StatusInternalServerError {
			s.pageError(c, err)
			return
		}
		msg := httpkit.Lang(c).T("login.failed")
		if fault.Is(err, fault.KindRateLimited) {
			msg = httpkit.Lang(c).T("login.limited")
		} else {
			status = http.StatusUnprocessableEntity
		}
		s.renderStatus(c, status, "login", pageData{Message: msg, Form: map[string]string{"email": email, "next": next}})
		return
	}
	s.startSession(c, sess)
	c.Redirect(http.StatusSeeOther, next)
}

// startSession puts a session token in the browser, with a fresh CSRF token.
func (s *server) startSession(c *gin.Context, sess auth.Session) {
	s.setCookie(c, sessionCookie, sess.Token, int(auth.TokenTTL.Seconds()))
	s.setCookie(c, csrfCookie, httpkit.RandomToken(), 0)
}

func (s *server) logout(c *gin.Context) {
	if claims, ok := c.Get(httpkit.ClaimsKey); ok {
		if err := s.Auth.Revoke(c.Request.Context(), claims.(auth.Claims)); err != nil {
			s.pageError(c, err)
			return
		}
	}
	s.setCookie(c, sessionCookie, "", -1)
	s.setCookie(c, csrfCookie, httpkit.RandomToken(), 0)
	c.Redirect(http.StatusSeeOther, "/login")
}

// languageSubmit switches the language: saved on the user when signed in, and in a cookie
// so the sign-in page follows too.
func (s *server) languageSubmit(c *gin.Context) {
	l, ok := i18n.Parse(c.PostForm("lang"))
	if !ok {
		s.pageError(c, fault.Invalid(fault.Fields{"lang": "must be en or zh-CN"}))
		return
	}
	if cookie, err := c.Cookie(sessionCookie); err == nil {
		if u, _, err := s.Auth.Authenticate(c.Request.Context(), cookie); err == nil {
			if _, err := s.Staff.SetLanguage(c.Request.Context(), u, string(l)); err != nil {
				s.pageError(c, err)
				return
			}
		}
	}
	s.setCookie(c, httpkit.LangCookie, string(l), 365*24*3600)
	c.Redirect(http.StatusSeeOther, safeNext(c.PostForm("next")))
}
