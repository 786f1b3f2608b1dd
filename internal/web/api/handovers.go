package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/handover"
	"keyhold/internal/opt"
	"keyhold/internal/web/httpkit"
)

// createHandoverIn is the body of apiCreateHandover.
type createHandoverIn struct {
	DepartingUserID int64  `json:"departing_user_id"`
	LastDay         string `json:"last_day"`
}

func (s *server) apiCreateHandover(c *gin.Context) {
	var in createHandoverIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	h, err := s.Handover.Create(c.Request.Context(), httpkit.CurrentUser(c), in.DepartingUserID, in.LastDay)
	respondHandover(c, http.StatusCreated, h, err)
}

func (s *server) apiListHandovers(c *gin.Context) {
	q := httpkit.NewQuery(c)
	f := handover.Filter{Status: handover.Status(q.Str("status")), Page: q.Page()}
	if !q.OK() {
		return
	}
	list, total, err := s.Handover.List(c.Request.Context(), httpkit.CurrentUser(c), f)
	httpkit.RespondList(c, f.Page, list, total, err)
}

func (s *server) apiGetHandover(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	h, err := s.Handover.Get(c.Request.Context(), httpkit.CurrentUser(c), id)
	respondHandover(c, http.StatusOK, h, err)
}

// apiMyHandover answers the open handover of the person leaving, who writes its notes.
func (s *server) apiMyHandover(c *gin.Context) {
	h, err := s.Handover.Mine(c.Request.Context(), httpkit.CurrentUser(c))
	respondHandover(c, http.StatusOK, h, err)
}

// apiInherited answers the accounts handed to the caller: under way, or received in the
// last 90 days, with their transfer notes and first contacts, a page at a time like every
// list (the most urgent first).
func (s *server) apiInherited(c *gin.Context) {
	q := httpkit.NewQuery(c)
	p := q.Page().Normalized()
	if !q.OK() {
		return
	}
	list, err := s.Handover.Inbox(c.Request.Context(), httpkit.CurrentUser(c))
	total := int64(len(list))
	from := min(p.Offset(), len(list))
	httpkit.RespondList(c, p, list[from:min(from+p.Size, len(list))], total, err)
}

func (s *server) apiHandoverCandidates(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	h, err := s.Handover.Get(c.Request.Context(), httpkit.CurrentUser(c), id)
	if err != nil {
		httpkit.AbortJSON(c, err)
		return
	}
	loads, err := s.Handover.Loads(c.Request.Context(), httpkit.CurrentUser(c), h)
	httpkit.Respond(c, http.StatusOK, gin.H{"data": loads}, err)
}

// updateHandoverItemIn is the body of apiUpdateHandoverItem.
type updateHandoverItemIn struct {
	ToUserID         opt.Field[int64]   `json:"to_user_id"`
	TransferNote     opt.Field[string]  `json:"transfer_note"`
	KeyContactIDs    opt.Field[[]int64] `json:"key_contact_ids"`
	OpenIssues       opt.Field[string]  `json:"open_issues"`
	Agreements       opt.Field[string]  `json:"agreements"`
	CustomerNotified opt.Field[bool]    `json:"customer_notified"`
}

func (s *server) apiUpdateHandoverItem(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	itemID, ok := httpkit.PathID(c, "item_id")
	if !ok {
		return
	}
	var in updateHandoverItemIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	h, err := s.Handover.UpdateItem(c.Request.Context(), httpkit.CurrentUser(c), id, itemID, handover.ItemPatch{
		ToUserID: in.ToUserID, CustomerNotified: in.CustomerNotified,
		NotePatch: handover.NotePatch{TransferNote: in.TransferNote, KeyContactIDs: in.KeyContactIDs,
			OpenIssues: in.OpenIssues, Agreements: in.Agreements}})
	respondHandover(c, http.StatusOK, h, err)
}

// assignHandoverItemsIn is the body of apiAssignHandoverItems.
type assignHandoverItemsIn struct {
	ItemIDs  []int64 `json:"item_ids"`
	ToUserID int64   `json:"to_user_id"`
}

func (s *server) apiAssignHandoverItems(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	var in assignHandoverItemsIn
	if !httpkit.BindJSON(c, &in) {
		return
	}
	h, _, err := s.Handover.Assign(c.Request.Context(), httpkit.CurrentUser(c), id, in.ItemIDs, in.ToUserID)
	respondHandover(c, http.StatusOK, h, err)
}

func (s *server) apiStartHandover(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	h, err := s.Handover.Start(c.Request.Context(), httpkit.CurrentUser(c), id)
	respondHandover(c, http.StatusOK, h, err)
}

func (s *server) apiCompleteHandover(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	in, ok := bindForce(c)
	if !ok {
		return
	}
	h, err := s.Handover.Complete(c.Request.Context(), httpkit.CurrentUser(c), id, in.Force, in.Reason)
	respondHandover(c, http.StatusOK, h, err)
}

func (s *server) apiCancelHandover(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	h, err := s.Handover.Cancel(c.Request.Context(), httpkit.CurrentUser(c), id)
	respondHandover(c, http.StatusOK, h, err)
}

func (s *server) apiDepart(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	in, ok := bindForce(c)
	if !ok {
		return
	}
	u, err := s.Handover.Depart(c.Request.Context(), httpkit.CurrentUser(c), id, in.Force, in.Reason)
	httpkit.Respond(c, http.StatusOK, u, err)
}

func (s *server) apiHandoverReport(c *gin.Context) {
	id, ok := httpkit.PathID(c, "id")
	if !ok {
		return
	}
	ctx, actor := c.Request.Context(), httpkit.CurrentUser(c)
	format := c.Query("format")
	// A leaving person's attempt, in any format, is refused and recorded before anything
	// else.
	if err := s.Handover.GuardExport(ctx, actor, fmt.Sprintf("handover report %d", id)); err != nil {
		httpkit.AbortJSON(c, err)
		return
	}
	r, err := s.Handover.Report(ctx, actor, id)
	if err != nil {
		httpkit.AbortJSON(c, err)
		return
	}
	switch format {
	case "", "json":
		httpkit.WriteJSON(c, http.StatusOK, r)
	case "csv":
		header, rows := HandoverCSV(r)
		if err := s.Handover.Export(ctx, actor, fmt.Sprintf("handover report %d", id), len(rows)); err != nil {
			httpkit.AbortJSON(c, err)
			return
		}
		httpkit.WriteCSV(c, fmt.Sprintf("handover-%d.csv", id), header, rows)
	default:
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, gin.H{"error": httpkit.APIError{Code: "validation_failed",
			Message: "some fields are invalid", Fields: map[string]string{"format": "must be json or csv"}}})
	}
}

// HandoverCSV is one row per account handed over.
func HandoverCSV(r handover.Report) ([]string, [][]string) {
	header := []string{"account_id", "account", "tier", "annual_value", "currency", "role", "from_user", "successor_id",
		"successor", "transfer_note", "key_contacts", "open_issues", "agreements", "intro_logged", "customer_notified", "status", "forced", "gaps", "health_score",
		"health_level", "successor_first_contact_at", "days_to_first_contact", "outcome_30", "outcome_60", "outcome_90"}
	from := ""
	if r.Departing != nil {
		from = r.Departing.Name
	}
	var rows [][]string
	for _, it := range r.Items {
		row := []string{strconv.FormatInt(it.AccountID, 10), "", "", "", "", string(it.Role), from, "", "",
			it.TransferNote, contactNames(it.KeyContacts), it.OpenIssues, it.Agreements, strconv.FormatBool(it.IntroLogged), strconv.FormatBool(it.CustomerNotified), it.Status,
			strconv.FormatBool(it.Forced), strings.Join(it.Gaps, " "), "", it.Level, "", "", it.Outcome30, it.Outcome60, it.Outcome90}
		if a := it.Account; a != nil {
			row[1], row[2], row[3], row[4] = a.Name, string(a.Tier), strconv.FormatInt(a.AnnualValue, 10), a.Currency
		}
		if it.Successor != nil {
			row[7], row[8] = strconv.FormatInt(it.Successor.ID, 10), it.Successor.Name
		}
		if it.Score != nil {
			row[18] = strconv.Itoa(*it.Score)
		}
		if it.SuccessorFirstContactAt != nil {
			row[20] = it.SuccessorFirstContactAt.UTC().Format("2006-01-02T15:04:05Z")
			row[21] = strconv.Itoa(*it.DaysToFirstContact)
		}
		rows = append(rows, row)
	}
	return header, rows
}

// handoverItemsPerPage is how many items a handover's JSON carries: a handover of
// thousands of accounts would otherwise answer every call with megabytes.
const handoverItemsPerPage = 100

// handoverBody is a handover as the API shows it: its items paged (?items_page=N), its
// progress over all of them.
type handoverBody struct {
	handover.Handover
	Items        []handover.Item `json:"items"`
	ItemsTotal   int             `json:"items_total"`
	ItemsPage    int             `json:"items_page"`
	ItemsPerPage int             `json:"items_per_page"`
}

func respondHandover(c *gin.Context, status int, h handover.Handover, err error) {
	if err != nil {
		httpkit.AbortJSON(c, err)
		return
	}
	q := httpkit.NewQuery(c)
	page := max(int(q.Int64("items_page")), 1)
	if !q.OK() {
		return
	}
	from := min((page-1)*handoverItemsPerPage, len(h.Items))
	to := min(from+handoverItemsPerPage, len(h.Items))
	httpkit.WriteJSON(c, status, handoverBody{Handover: h, Items: h.Items[from:to], ItemsTotal: len(h.Items), ItemsPage: page,
		ItemsPerPage: handoverItemsPerPage})
}

// contactNames lists contacts as "name (title)" separated by semicolons, for a CSV cell.
func contactNames(cs []accounts.Contact) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Name
		if c.Title != "" {
			parts[i] += " (" + c.Title + ")"
		}
	}
	return strings.Join(parts, "; ")
}

// forcing is the optional body of the steps a manager may force past what blocks them
// (completing with gaps, departing someone who still owns accounts): a written reason.
type forcing struct {
	Force  bool   `json:"force"`
	Reason string `json:"reason"`
}

// bindForce reads a forcing body; none at all means not forced.
func bindForce(c *gin.Context) (forcing, bool) {
	var in forcing
	if c.Request.ContentLength != 0 && !httpkit.BindJSON(c, &in) {
		return in, false
	}
	return in, true
}
