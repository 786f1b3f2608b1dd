package httpkit

import (
	"github.com/gin-gonic/gin"

	"keyhold/internal/i18n"
	"keyhold/internal/staff"
)

// LangCookie keeps the language chosen before signing in.
const LangCookie = "keyhold_lang"

// Lang is the reader's language: the signed-in user's choice, else the language cookie
// (set by the switcher before signing in), else the browser's Accept-Language.
func Lang(c *gin.Context) i18n.Lang {
	if u, ok := staff.ActorFrom(c.Request.Context()); ok && u.Language != "" {
		if l, ok := i18n.Parse(u.Language); ok {
			return l
		}
	}
	if v, err := c.Cookie(LangCookie); err == nil {
		if l, ok := i18n.Parse(v); ok {
			return l
		}
	}
	return i18n.Negotiate(c.GetHeader("Accept-Language"))
}
