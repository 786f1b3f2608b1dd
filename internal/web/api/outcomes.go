package api

import (
	"keyhold/internal/web/httpkit"
	"net/http"

	"github.com/gin-gonic/gin"
)

// apiHandoverOutcomes: across all handovers, how the accounts each successor took over
// fared (JSON, or CSV with ?format=csv).
func (s *server) apiHandoverOutcomes(c *gin.Context) {
	csv, ok := s.csvRequested(c, "handover outcomes report")
	if !ok {
		return
	}
	list, err := s.Handover.Outcomes(c.Request.Context(), httpkit.CurrentUser(c))
	if err != nil || !csv {
		httpkit.Respond(c, http.StatusOK, gin.H{"data": list}, err)
		return
	}
	var rows [][]string
	for _, x := range list {
		rows = append(rows, []string{i64(x.UserID), x.Name, itoa(x.Accounts), itoa(x.Churned90), itoa(x.Churned180),
			itoa(x.Pending180), frac(x.ChurnRate)})
	}
	s.sendCSV(c, "handover outcomes report", "handover-outcomes.csv",
		[]string{"user_id", "successor", "accounts", "churned_90", "churned_180", "pending_180", "churn_rate_180"}, rows)
}
