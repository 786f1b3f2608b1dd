package web

import "github.com/gin-gonic/gin"

func (s *server) apiRoutes(api *gin.RouterGroup) {
	api.POST("/auth/login", s.apiLogin)

	a := api.Group("", s.apiAuth())
	a.GET("/me", s.apiMe)
	a.PATCH("/me", s.apiUpdateMe)
	a.POST("/me/password", s.apiChangePassword)
	a.GET("/users", s.apiListUsers)
	a.POST("/users", s.apiCreateUser)
	a.GET("/users/:id", s.apiGetUser)
	a.PATCH("/users/:id", s.apiUpdateUser)
	a.POST("/users/:id/depart", s.apiDepart)

	a.POST("/handovers", s.apiCreateHandover)
	a.GET("/handovers", s.apiListHandovers)
	a.GET("/handovers/:id", s.apiGetHandover)
	a.GET("/handovers/:id/candidates", s.apiHandoverCandidates)
	a.PATCH("/handovers/:id/items/:item_id", s.apiUpdateHandoverItem)
	a.POST("/handovers/:id/assign", s.apiAssignHandoverItems)
	a.POST("/handovers/:id/start", s.apiStartHandover)
	a.POST("/handovers/:id/complete", s.apiCompleteHandover)
	a.POST("/handovers/:id/cancel", s.apiCancelHandover)
	a.GET("/handovers/:id/report", s.apiHandoverReport)

	a.GET("/accounts", s.apiListAccounts)
	a.POST("/accounts", s.apiCreateAccount)
	a.GET("/accounts/:id", s.apiGetAccount)
	a.PATCH("/accounts/:id", s.apiUpdateAccount)
	a.DELETE("/accounts/:id", s.apiDeleteAccount)
	a.POST("/accounts/:id/transfer", s.apiTransferAccount)
	a.GET("/accounts/:id/history", s.apiAccountHistory)
	a.GET("/accounts/:id/team", s.apiTeam)
	a.PUT("/accounts/:id/team/:user_id", s.apiSetTeamMember)
	a.DELETE("/accounts/:id/team/:user_id", s.apiRemoveTeamMember)
	a.GET("/accounts/:id/contacts", s.apiListContacts)
	a.POST("/accounts/:id/contacts", s.apiCreateContact)
	a.PATCH("/contacts/:id", s.apiUpdateContact)
	a.DELETE("/contacts/:id", s.apiDeleteContact)
	a.GET("/accounts/:id/interactions", s.apiListInteractions)
	a.GET("/accounts/:id/health", s.apiAccountHealth)

	a.GET("/cadence-policies", s.apiPolicies)
	a.PUT("/cadence-policies/:tier", s.apiSetPolicy)
	a.GET("/flags", s.apiFlags)
	a.GET("/me/agenda", s.apiAgenda)
	a.GET("/me/calendar", s.apiCalendar)
	a.POST("/me/calendar/rotate", s.apiRotateCalendar)
	a.POST("/accounts/:id/interactions", s.apiLogInteraction)
}
