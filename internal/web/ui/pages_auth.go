package ui

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"keyhold/internal/auth"
	"keyhold/internal/fault"
	"keyhold/internal/i18n"
	"keyhold/internal/web/httpkit"
)

// safeNext keeps a post-login redirect on this site: a local path, never "//host", and
// nothing a browser would strip into one (tabs, newlines).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "/"
	}
	return next
}

func (s sessionPages) loginPage(c *gin.Context) {
	if cookie, err := c.Cookie(sessionCookie); err == nil {
		if _, _, err := s.Auth.Authenticate(c.Request.Context(), cookie); err == nil {
			c.Redirect(http.StatusSeeOther, safeNext(c.Query("next")))
			return
		}
	}
	s.render(c, "login", pageData{Form: map[string]string{"next": safeNext(c.Query("next"))}})
}

func (s sessionPages) loginSubmit(c *gin.Context) {
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
func (s sessionPages) startSession(c *gin.Context, sess auth.Session) {
	s.setCookie(c, sessionCookie, sess.Token, int(auth.TokenTTL.Seconds()))
	s.setCookie(c, csrfCookie, httpkit.RandomToken(), 0)
}

func (s sessionPages) logout(c *gin.Context) {
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
func (s sessionPages) languageSubmit(c *gin.Context) {
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
