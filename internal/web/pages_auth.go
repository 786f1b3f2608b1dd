package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"keyhold/internal/auth"
	"keyhold/internal/fault"
	"keyhold/static"
)

func (s *server) pageRoutes(r *gin.Engine) {
	r.StaticFS("/static", http.FS(static.FS))

	open := r.Group("", s.csrf())
	open.GET("/login", s.loginPage)
	open.POST("/login", s.loginSubmit)

	p := r.Group("", s.csrf(), s.pageAuth())
	p.POST("/logout", s.logout)
	p.GET("/", s.homePage)
	p.GET("/accounts", s.accountsPage)
	p.GET("/accounts/new", s.newAccountPage)
	p.POST("/accounts", s.createAccountSubmit)
	p.GET("/accounts/:id", s.accountPage)
	p.POST("/accounts/:id/interactions", s.logInteractionSubmit)
}

// safeNext keeps a post-login redirect on this site: a local path, never "//host".
// Control characters are refused too: browsers drop tabs and newlines from a URL, so
// "/\t/host" would become "//host".
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
	s.render(c, "login", pageData{Title: "Sign in", Form: map[string]string{"next": safeNext(c.Query("next"))}})
}

func (s *server) loginSubmit(c *gin.Context) {
	email, next := c.PostForm("email"), safeNext(c.PostForm("next"))
	sess, err := s.Auth.Login(c.Request.Context(), email, c.PostForm("password"), c.ClientIP())
	if err != nil {
		status, body := errorStatus(c, err)
		if status == http.StatusInternalServerError {
			s.pageError(c, err)
			return
		}
		if fault.Is(err, fault.KindUnauthorized) {
			status = http.StatusUnprocessableEntity
		}
		s.renderStatus(c, status, "login", pageData{Title: "Sign in", Message: body.Message,
			Form: map[string]string{"email": email, "next": next}})
		return
	}
	s.setCookie(c, sessionCookie, sess.Token, int(auth.TokenTTL.Seconds()))
	// A new session gets a new CSRF token.
	s.setCookie(c, csrfCookie, randomToken(), 0)
	c.Redirect(http.StatusSeeOther, next)
}

func (s *server) logout(c *gin.Context) {
	if claims, ok := c.Get(claimsKey); ok {
		if err := s.Auth.Revoke(c.Request.Context(), claims.(auth.Claims)); err != nil {
			s.pageError(c, err)
			return
		}
	}
	s.setCookie(c, sessionCookie, "", -1)
	s.setCookie(c, csrfCookie, randomToken(), 0)
	c.Redirect(http.StatusSeeOther, "/login")
}
