package api

import (
	"github.com/gin-gonic/gin"

	"keyhold/internal/auth"
)

// apiRoutes mounts the API. Every route says what an API key needs to call it (its
// scope), or that it takes a signed-in session only (keys refused): changing one's own
// account, users, settings and the keys themselves. A session may call every route its
// role allows.
func (s *server) apiRoutes(api *gin.RouterGroup) {
	api.POST("/auth/login", s.apiLogin)

	a := api.Group("", s.apiAuth())
	accR, accW := s.need(auth.ScopeAccountsRead), s.need(auth.ScopeAccountsWrite)
	hoR, hoW := s.need(auth.ScopeHandoversRead), s.need(auth.ScopeHandoversWrite)
	repR, usrR, session := s.need(auth.ScopeReportsRead), s.need(auth.ScopeUsersRead), s.sessionOnly()
	hooks := s.need(auth.ScopeWebhooksManage)
	viewed := s.viewed() // the reads of one account, recorded during a notice period

	a.GET("/me", s.apiMe) // any key: who it acts as
	a.PATCH("/me", session, s.apiUpdateMe)
	a.POST("/me/password", session, s.apiChangePassword)
	a.GET("/me/agenda", accR, s.apiAgenda)
	a.GET("/me/handover", hoR, s.apiMyHandover)
	a.GET("/me/inherited", accR, s.apiInherited)
	a.GET("/me/calendar", session, s.apiCalendar)
	a.POST("/me/calendar/rotate", session, s.apiRotateCalendar)
	a.GET("/api-keys", session, s.apiKeys)
	a.POST("/api-keys", session, s.apiCreateKey)
	a.DELETE("/api-keys/:id", session, s.apiRevokeKey)

	a.GET("/users", usrR, s.apiListUsers)
	a.POST("/users", session, s.apiCreateUser)
	a.GET("/users/:id", usrR, s.apiGetUser)
	a.PATCH("/users/:id", session, s.apiUpdateUser)
	a.POST("/users/:id/depart", hoW, s.apiDepart)

	a.POST("/handovers", hoW, s.apiCreateHandover)
	a.GET("/handovers", hoR, s.apiListHandovers)
	a.GET("/handovers/:id", hoR, s.apiGetHandover)
	a.GET("/handovers/:id/candidates", hoR, s.apiHandoverCandidates)
	a.PATCH("/handovers/:id/items/:item_id", hoW, s.apiUpdateHandoverItem)
	a.POST("/handovers/:id/assign", hoW, s.apiAssignHandoverItems)
	a.POST("/handovers/:id/start", hoW, s.apiStartHandover)
	a.POST("/handovers/:id/complete", hoW, s.apiCompleteHandover)
	a.POST("/handovers/:id/cancel", hoW, s.apiCancelHandover)
	a.GET("/handovers/:id/report", hoR, s.apiHandoverReport)

	a.GET("/accounts", accR, s.apiListAccounts)
	a.POST("/accounts", accW, s.apiCreateAccount)
	a.GET("/accounts/:id", accR, viewed, s.apiGetAccount)
	a.PATCH("/accounts/:id", accW, s.apiUpdateAccount)
	a.DELETE("/accounts/:id", accW, s.apiDeleteAccount)
	a.POST("/accounts/:id/transfer", accW, s.apiTransferAccount)
	a.GET("/accounts/:id/history", accR, viewed, s.apiAccountHistory)
	a.GET("/accounts/:id/team", accR, viewed, s.apiTeam)
	a.PUT("/accounts/:id/team/:user_id", accW, s.apiSetTeamMember)
	a.DELETE("/accounts/:id/team/:user_id", accW, s.apiRemoveTeamMember)
	a.GET("/accounts/:id/contacts", accR, viewed, s.apiListContacts)
	a.POST("/accounts/:id/contacts", accW, s.apiCreateContact)
	a.PATCH("/contacts/:id", accW, s.apiUpdateContact)
	a.DELETE("/contacts/:id", accW, s.apiDeleteContact)
	a.GET("/accounts/:id/interactions", accR, viewed, s.apiListInteractions)
	a.POST("/accounts/:id/interactions", accW, s.apiLogInteraction)
	a.GET("/accounts/:id/health", accR, viewed, s.apiAccountHealth)
	a.POST("/accounts/:id/churn", accW, s.apiChurn)
	a.GET("/accounts/:id/churn", accR, viewed, s.apiChurnRecords)
	a.POST("/accounts/:id/reactivate", accW, s.apiReactivate)
	a.GET("/accounts/:id/complaints", accR, viewed, s.apiComplaints)
	a.POST("/accounts/:id/complaints", accW, s.apiOpenComplaint)
	a.PATCH("/complaints/:id", accW, s.apiUpdateComplaint)
	a.GET("/flags", accR, s.apiFlags)

	a.GET("/reports/retention", repR, s.apiRetentionReport)
	a.GET("/reports/churn-reasons", repR, s.apiChurnReasonsReport)
	a.GET("/reports/concentration", repR, s.apiConcentrationReport)
	a.GET("/reports/cadence-compliance", repR, s.apiComplianceReport)
	a.GET("/reports/handovers", repR, s.apiHandoverOutcomes)

	a.GET("/cadence-policies", accR, s.apiPolicies)
	a.PUT("/cadence-policies/:tier", session, s.apiSetPolicy)
	a.GET("/currencies", accR, s.apiCurrencies)
	a.GET("/currencies/:code", accR, s.apiCurrency)
	a.PUT("/currencies/:code", session, s.apiSetCurrency)
	a.DELETE("/currencies/:code", session, s.apiDeleteCurrency)

	a.GET("/webhook-events", hooks, s.apiWebhookEvents)
	a.GET("/webhooks", hooks, s.apiWebhooks)
	a.POST("/webhooks", hooks, s.apiCreateWebhook)
	a.GET("/webhooks/:id", hooks, s.apiWebhook)
	a.PATCH("/webhooks/:id", hooks, s.apiUpdateWebhook)
	a.DELETE("/webhooks/:id", hooks, s.apiDeleteWebhook)
	a.GET("/webhooks/:id/deliveries", hooks, s.apiDeliveries)
	a.POST("/webhooks/:id/deliveries/:delivery_id/redeliver", hooks, s.apiRedeliver)
}
