package ui

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"keyhold/internal/fault"
	"keyhold/internal/web/httpkit"
	"keyhold/static"
)

// The pages, by area: each area's handlers are methods of its own type over the shared
// server (rendering, errors, CSRF and the loaders more than one area uses).
type (
	sessionPages  struct{ *server } // sign-in, language, one's own settings
	accountPages  struct{ *server } // home, accounts, contacts, interactions, losses, complaints
	handoverPages struct{ *server } // handovers: the wizard, the departing rep's notes, reports
	reportPages   struct{ *server } // flags and the retention reports
	adminPages    struct{ *server } // users, cadence policies, currencies, lists, webhooks, chat alerts
)

func (s *server) pageRoutes(r *gin.Engine) {
	r.StaticFS("/static", http.FS(static.FS))

	se, ac, ho, re, ad := sessionPages{s}, accountPages{s}, handoverPages{s}, reportPages{s}, adminPages{s}

	open := r.Group("", s.csrf())
	open.GET("/login", se.loginPage)
	open.POST("/login", se.loginSubmit)
	open.POST("/language", se.languageSubmit)

	p := r.Group("", s.csrf(), s.pageAuth())
	p.POST("/logout", se.logout)
	p.GET("/", ac.homePage)
	p.GET("/accounts", ac.accountsPage)
	p.GET("/accounts/new", ac.newAccountPage)
	importPages{s}.importRoutes(p)
	p.GET("/accounts/duplicates", ac.duplicatesPage)
	p.POST("/accounts/duplicates/merge", ac.mergeSubmit)
	p.POST("/accounts", ac.createAccountSubmit)
	p.GET("/accounts/:id", ac.accountPage)
	p.GET("/accounts/:id/edit", ac.editAccountPage)
	p.POST("/accounts/:id", ac.editAccountSubmit)
	p.POST("/accounts/:id/interactions", ac.logInteractionSubmit)
	p.POST("/accounts/:id/transfer", ac.transferSubmit)
	p.POST("/accounts/:id/team", ac.teamAddSubmit)
	p.POST("/accounts/:id/team/:user_id/remove", ac.teamRemoveSubmit)
	p.POST("/accounts/:id/churn", ac.churnSubmit)
	p.POST("/accounts/:id/reactivate", ac.reactivateSubmit)
	p.POST("/accounts/:id/complaints", ac.complaintSubmit)
	p.POST("/accounts/:id/complaints/:complaint_id/resolve", ac.resolveComplaintSubmit)
	p.GET("/accounts/:id/contacts/new", ac.newContactPage)
	p.POST("/accounts/:id/contacts", ac.createContactSubmit)
	p.GET("/contacts/:id/edit", ac.editContactPage)
	p.POST("/contacts/:id", ac.editContactSubmit)
	p.POST("/contacts/:id/delete", ac.deleteContactSubmit)
	p.GET("/flags", re.flagsPage)
	re.reportRoutes(p)
	campaignPages{s}.campaignRoutes(p)
	p.GET("/settings", se.settingsPage)
	p.POST("/settings/password", se.passwordSubmit)
	p.POST("/settings/api-keys", se.keySubmit)
	p.POST("/settings/api-keys/:id/revoke", se.keyRevokeSubmit)
	p.GET("/me/handover", ho.myHandoverPage)
	p.POST("/me/handover/items/:item_id/note", ho.myNoteSubmit)
	p.POST("/me/handover/items/:item_id/intro", ho.myIntroSubmit)
	p.GET("/handovers", ho.handoversPage)
	p.GET("/handovers/new", ho.newHandoverPage)
	p.POST("/handovers", ho.createHandoverSubmit)
	p.GET("/handovers/:id", ho.handoverPage)
	p.POST("/handovers/:id/assign", ho.handoverAssignSubmit)
	p.POST("/handovers/:id/items/:item_id", ho.handoverItemSubmit)
	p.POST("/handovers/:id/items/:item_id/intro", ho.handoverIntroSubmit)
	p.POST("/handovers/:id/start", ho.handoverStartSubmit)
	p.POST("/handovers/:id/complete", ho.handoverCompleteSubmit)
	p.POST("/handovers/:id/cancel", ho.handoverCancelSubmit)
	p.GET("/handovers/:id/report", ho.handoverReportPage)
	p.GET("/handovers/:id/report.csv", ho.handoverReportCSV)
	p.POST("/users/:id/depart", ho.departSubmit)

	admin := p.Group("/admin", s.requireAdmin())
	admin.GET("/users", ad.usersPage)
	admin.GET("/users/new", ad.newUserPage)
	admin.POST("/users", ad.createUserSubmit)
	admin.GET("/users/:id/edit", ad.editUserPage)
	admin.POST("/users/:id", ad.editUserSubmit)
	admin.GET("/cadence", ad.cadencePage)
	admin.POST("/cadence/:tier", ad.cadenceSubmit)
	admin.GET("/currencies", ad.currenciesPage)
	admin.POST("/currencies", ad.currencySubmit)
	admin.POST("/currencies/:code/base", ad.baseCurrencySubmit)
	admin.POST("/currencies/:code/delete", ad.deleteCurrencySubmit)
	admin.GET("/lists", ad.picklistsPage)
	admin.POST("/lists/:list", ad.picklistSubmit)
	admin.GET("/webhooks", ad.webhooksPage)
	admin.POST("/webhooks", ad.createWebhookSubmit)
	admin.GET("/webhooks/:id", ad.webhookPage)
	admin.POST("/webhooks/:id", ad.editWebhookSubmit)
	admin.POST("/webhooks/:id/delete", ad.deleteWebhookSubmit)
	admin.POST("/webhooks/:id/deliveries/:delivery_id/redeliver", ad.redeliverSubmit)
	admin.GET("/chat-targets", ad.chatTargetsPage)
	admin.POST("/chat-targets", ad.createChatTargetSubmit)
	admin.GET("/chat-targets/:id", ad.chatTargetPage)
	admin.POST("/chat-targets/:id", ad.editChatTargetSubmit)
	admin.POST("/chat-targets/:id/test", ad.testChatTargetSubmit)
	admin.POST("/chat-targets/:id/delete", ad.deleteChatTargetSubmit)
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
