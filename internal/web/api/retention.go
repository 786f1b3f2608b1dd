package api

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"keyhold/internal/fault"
	"keyhold/internal/opt"
	"keyhold/internal/retention"
	"keyhold/internal/scorecard"
	"keyhold/internal/web/httpkit"
)

// churnIn is the body of apiChurn.
type churnIn struct {
	ChurnedAt  string `json:"churned_at"`
	Reason     string `json:"reason"`
	Voluntary  *bool  `json:"voluntary"`
	Competitor string `json:"competitor"`
	Notes      string `json:"notes"`
}

func (s *server) apiChurn(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	var in churnIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	rec, err := s.Retention.Churn(c.Request.Context(), httpkit.CurrentUser(c), id, retention.NewChurn(in))
	httpkit.Respond(c, http.StatusCreated, rec, err)
}

func (s *server) apiChurnRecords(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	if _, err := s.Accounts.Get(c.Request.Context(), id); err != nil {
		httpkit.AbortJSON(c, err)
		return
	}
	list, err := s.Retention.ChurnRecords(c.Request.Context(), id)
	httpkit.Respond(c, http.StatusOK, gin.H{"data": list}, err)
}

// reactivateIn is the body of apiReactivate.
type reactivateIn struct {
	ReactivatedAt string `json:"reactivated_at"`
	Note          string `json:"note"`
}

func (s *server) apiReactivate(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	var in reactivateIn
	if c.Request.ContentLength != 0 && !httpkit.BindJSON(c, &in) {
		return
	}
	rec, err := s.Retention.Reactivate(c.Request.Context(), httpkit.CurrentUser(c), id, in.ReactivatedAt, in.Note)
	httpkit.Respond(c, http.StatusOK, rec, err)
}

func (s *server) apiComplaints(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	list, err := s.Retention.Complaints(c.Request.Context(), id)
	httpkit.Respond(c, http.StatusOK, httpkit.ListBody{Data: list, Page: 1, PerPage: len(list), Total: int64(len(list))}, err)
}

// openComplaintIn is the body of apiOpenComplaint.
type openComplaintIn struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	OpenedAt string `json:"opened_at"`
}

func (s *server) apiOpenComplaint(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	var in openComplaintIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	at, err := parseTime(in.OpenedAt)
	if err != nil {
		httpkit.AbortJSON(c, fault.Invalid(fault.Fields{"opened_at": "must be a time in RFC 3339 form, e.g. 2026-03-01T09:30:00Z"}))
		return
	}
	cp, err := s.Retention.OpenComplaint(c.Request.Context(), httpkit.CurrentUser(c), id, retention.NewComplaint{
		Severity: in.Severity, Summary: in.Summary, OpenedAt: at})
	httpkit.Respond(c, http.StatusCreated, cp, err)
}

// updateComplaintIn is the body of apiUpdateComplaint.
type updateComplaintIn struct {
	Severity   opt.Field[string] `json:"severity"`
	Summary    opt.Field[string] `json:"summary"`
	Status     opt.Field[string] `json:"status"`
	Resolution opt.Field[string] `json:"resolution"`
}

func (s *server) apiUpdateComplaint(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	var in updateComplaintIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	cp, err := s.Retention.UpdateComplaint(c.Request.Context(), httpkit.CurrentUser(c), id, retention.ComplaintPatch(in))
	httpkit.Respond(c, http.StatusOK, cp, err)
}

// ReportPeriod reads from, to and currency.
func ReportPeriod(c *gin.Context) retention.Period {
	return retention.Period{From: c.Query("from"), To: c.Query("to"), Currency: c.Query("currency")}
}

// csvRequested handles ?format: false with nothing written for JSON, true for CSV; a
// leaving user's attempt, in either format, is refused and recorded first; an unknown
// format is a 422.
func (s *server) csvRequested(c *gin.Context, what string) (bool, bool) {
	format := c.Query("format")
	if format != "" && format != "json" && format != "csv" {
		httpkit.AbortJSON(c, fault.Invalid(fault.Fields{"format": "must be json or csv"}))
		return false, false
	}
	if err := s.Handover.GuardExport(c.Request.Context(), httpkit.CurrentUser(c), what); err != nil {
		httpkit.AbortJSON(c, err)
		return false, false
	}
	return format == "csv", true
}

// sendCSV audits an export and writes it.
func (s *server) sendCSV(c *gin.Context, what, filename string, header []string, rows [][]string) {
	if err := s.Handover.Export(c.Request.Context(), httpkit.CurrentUser(c), what, len(rows)); err != nil {
		httpkit.AbortJSON(c, err)
		return
	}
	httpkit.WriteCSV(c, filename, header, rows)
}

func i64(v int64) string    { return strconv.FormatInt(v, 10) }
func itoa(v int) string     { return strconv.Itoa(v) }
func frac(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }

// csvTable is a report as a spreadsheet: the file name, the header and the rows.
type csvTable struct {
	Filename string
	Header   []string
	Rows     [][]string
}

// reportExport is one report, read the same way by the API and the browser's download
// links: load reads the request's parameters and computes the report (the domain refuses
// non-managers); table turns it into a spreadsheet.
type reportExport struct {
	What  string
	load  func(s *server, c *gin.Context) (any, error)
	table func(report any) csvTable
}

// reportExports are the reports that can be downloaded, by name (the API's path and the
// browser's /reports/NAME.csv).
var reportExports = map[string]reportExport{
	"retention": {What: "retention report",
		load: func(s *server, c *gin.Context) (any, error) {
			return s.Retention.Retention(c.Request.Context(), httpkit.CurrentUser(c), ReportPeriod(c), c.Query("group_by"))
		},
		table: func(v any) csvTable { return retentionCSV(v.(retention.RetentionReport)) }},
	"churn-reasons": {What: "churn reasons report",
		load: func(s *server, c *gin.Context) (any, error) {
			return s.Retention.ChurnReasons(c.Request.Context(), httpkit.CurrentUser(c), ReportPeriod(c))
		},
		table: func(v any) csvTable { return reasonsCSV(v.(retention.ReasonsReport)) }},
	"concentration": {What: "concentration report",
		load: func(s *server, c *gin.Context) (any, error) {
			return s.Retention.Concentration(c.Request.Context(), httpkit.CurrentUser(c), c.Query("currency"))
		},
		table: func(v any) csvTable { return concentrationCSV(v.(retention.ConcentrationReport)) }},
	"cadence-compliance": {What: "cadence compliance report",
		load: func(s *server, c *gin.Context) (any, error) {
			return s.Retention.CadenceCompliance(c.Request.Context(), httpkit.CurrentUser(c))
		},
		table: func(v any) csvTable { return complianceCSV(v.(retention.ComplianceReport)) }},
	"churn-trend": {What: "churn trend report",
		load: func(s *server, c *gin.Context) (any, error) {
			return s.Retention.ChurnTrend(c.Request.Context(), httpkit.CurrentUser(c), c.Query("months"), c.Query("group_by"), c.Query("currency"))
		},
		table: func(v any) csvTable { return trendCSV(v.(retention.TrendReport)) }},
	"scorecard": {What: "rep scorecard",
		load: func(s *server, c *gin.Context) (any, error) {
			return s.Scorecard.Scorecards(c.Request.Context(), httpkit.CurrentUser(c), c.Query("from"), c.Query("to"))
		},
		table: func(v any) csvTable { return scorecardCSV(v.(scorecard.Report)) }},
}

// apiReport answers GET /api/v1/reports/NAME: JSON, or with ?format=csv the download.
func (s *server) apiReport(c *gin.Context, name string) {
	x := reportExports[name]
	csv, ok := s.csvRequested(c, x.What)
	if !ok {
		return
	}
	r, err := x.load(s, c)
	if err != nil || !csv {
		httpkit.Respond(c, http.StatusOK, r, err)
		return
	}
	t := x.table(r)
	s.sendCSV(c, x.What, t.Filename, t.Header, t.Rows)
}

// downloadReport writes a report as CSV for the browser's download links, as the API's
// ?format=csv does: refused to a leaving user (the attempt recorded) before anything is
// computed, then computed (the domain refuses non-managers), audited (who, what, how many
// rows) and written — for a person, in the reader's language (LocalCSV) unless the link
// asks for ?headers=codes. An error is left to the caller to answer.
func (s *server) downloadReport(c *gin.Context, x reportExport) error {
	ctx, actor := c.Request.Context(), httpkit.CurrentUser(c)
	if err := s.Handover.GuardExport(ctx, actor, x.What); err != nil {
		return err
	}
	r, err := x.load(s, c)
	if err != nil {
		return err
	}
	t := x.table(r)
	if err := s.Handover.Export(ctx, actor, x.What, len(t.Rows)); err != nil {
		return err
	}
	if !httpkit.CodeHeaders(c) {
		lists, err := s.Picklists.All(ctx)
		if err != nil {
			return err
		}
		t.Header = LocalCSV(httpkit.Lang(c), lists, t.Header, t.Rows)
	}
	httpkit.WriteCSV(c, t.Filename, t.Header, t.Rows)
	return nil
}

func (s *server) apiRetentionReport(c *gin.Context)     { s.apiReport(c, "retention") }
func (s *server) apiChurnReasonsReport(c *gin.Context)  { s.apiReport(c, "churn-reasons") }
func (s *server) apiConcentrationReport(c *gin.Context) { s.apiReport(c, "concentration") }
func (s *server) apiComplianceReport(c *gin.Context)    { s.apiReport(c, "cadence-compliance") }
func (s *server) apiChurnTrendReport(c *gin.Context)    { s.apiReport(c, "churn-trend") }
func (s *server) apiScorecardReport(c *gin.Context)     { s.apiReport(c, "scorecard") }

// apiScorecardAccounts answers the accounts behind one rep's figure.
func (s *server) apiScorecardAccounts(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Query("user_id"), 10, 64) // 0 when missing: the domain says so, after the caller's role
	b, err := s.Scorecard.Accounts(c.Request.Context(), httpkit.CurrentUser(c), id, c.Query("figure"), c.Query("from"), c.Query("to"))
	httpkit.Respond(c, http.StatusOK, b, err)
}

// scorecardCSV is the scorecard, a row per rep in rank order and the total: each
// figure as met, of and rate (empty when there was nothing to count).
func scorecardCSV(r scorecard.Report) csvTable {
	header := []string{"rank", "rep", "score"}
	for _, f := range r.Figures {
		header = append(header, f+"_met", f+"_of", f+"_rate")
	}
	var rows [][]string
	for _, x := range append(r.Data, r.Total) {
		row := []string{"", x.Name, ""}
		if x.Rank > 0 {
			row[0] = itoa(x.Rank)
		}
		if x.Score != nil {
			row[2] = frac(*x.Score)
		}
		for _, f := range r.Figures {
			fig := x.Figures[f]
			rate := ""
			if fig.Rate != nil {
				rate = frac(*fig.Rate)
			}
			row = append(row, itoa(fig.Met), itoa(fig.Of), rate)
		}
		rows = append(rows, row)
	}
	return csvTable{Filename: fmt.Sprintf("scorecard-%s-%s.csv", r.From, r.To), Header: header, Rows: rows}
}

// trendCSV is the churn trend, a row per group and month, the total's rows last.
func trendCSV(r retention.TrendReport) csvTable {
	var rows [][]string
	for _, s := range append(r.Series, r.Total) {
		for _, p := range s.Points {
			low, high := "", ""
			if p.Band != nil {
				low, high = frac(p.Band.Low), frac(p.Band.High)
			}
			rows = append(rows, []string{s.Group, p.Month, itoa(p.AccountsAtStart), itoa(p.Churned), frac(p.ChurnRate),
				i64(p.ValueAtStart), i64(p.ValueChurned), frac(p.RevenueChurnRate), low, high, p.Position})
		}
	}
	return csvTable{Filename: fmt.Sprintf("churn-trend-%s-%s-%s.csv", r.GroupBy, r.From, r.To),
		Header: []string{r.GroupBy, "month", "accounts_at_start", "churned", "churn_rate", "value_at_start_" + r.Currency,
			"value_churned_" + r.Currency, "revenue_churn_rate", "band_low", "band_high", "position"}, Rows: rows}
}

func retentionCSV(r retention.RetentionReport) csvTable {
	var rows [][]string
	for _, x := range append(r.Data, r.Total) {
		rows = append(rows, []string{x.Group, itoa(x.AccountsAtStart), itoa(x.Churned), itoa(x.Retained), frac(x.ChurnRate),
			frac(x.RetentionRate), i64(x.ValueAtStart), i64(x.ValueChurned), frac(x.RevenueChurnRate)})
	}
	return csvTable{Filename: fmt.Sprintf("retention-%s-%s-%s.csv", r.GroupBy, r.From, r.To),
		Header: []string{r.GroupBy, "accounts_at_start", "churned", "retained", "churn_rate", "retention_rate",
			"value_at_start_" + r.Currency, "value_churned_" + r.Currency, "revenue_churn_rate"}, Rows: rows}
}

func reasonsCSV(r retention.ReasonsReport) csvTable {
	var rows [][]string
	for _, x := range append(r.Data, r.Total) {
		rows = append(rows, []string{x.Reason, itoa(x.Churned), itoa(x.Voluntary), itoa(x.Involuntary), i64(x.Value),
			itoa(x.KeyAccounts), i64(x.KeyValue), x.Competitors})
	}
	return csvTable{Filename: fmt.Sprintf("churn-reasons-%s-%s.csv", r.From, r.To),
		Header: []string{"reason", "churned", "voluntary", "involuntary", "value_" + r.Currency, "key_accounts",
			"key_value_" + r.Currency, "competitors"}, Rows: rows}
}

func concentrationCSV(r retention.ConcentrationReport) csvTable {
	var rows [][]string
	for _, x := range r.Data {
		rows = append(rows, []string{i64(x.UserID), x.Name, x.Status, itoa(x.Accounts), itoa(x.KeyAccounts), i64(x.KeyValue),
			frac(x.Share), itoa(x.SingleThreaded), i64(x.SingleThreadedValue)})
	}
	return csvTable{Filename: "concentration.csv",
		Header: []string{"user_id", "name", "status", "accounts", "key_accounts", "key_value_" + r.Currency, "share",
			"single_threaded_key_accounts", "single_threaded_key_value_" + r.Currency}, Rows: rows}
}

func complianceCSV(r retention.ComplianceReport) csvTable {
	var rows [][]string
	for _, x := range append(r.Data, r.Total) {
		rows = append(rows, []string{i64(x.UserID), x.Name, itoa(x.KeyAccounts), itoa(x.KeyWithin), itoa(x.KeyOverdue),
			frac(x.ComplianceRate), itoa(x.Accounts), itoa(x.Overdue)})
	}
	return csvTable{Filename: "cadence-compliance.csv",
		Header: []string{"user_id", "name", "key_accounts", "key_within_cadence", "key_overdue", "compliance_rate", "accounts", "overdue"},
		Rows:   rows}
}
