package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/fault"
	"keyhold/internal/handover"
	"keyhold/internal/opt"
	"keyhold/internal/retention"
	"keyhold/internal/store"
)

// The person leaving writes down, account by account, what their successors need to
// know: the page /me/handover. The manager chooses successors on the handover's own page.

type myHandoverView struct {
	H     handover.Handover
	Items []handover.Item // key accounts first, then by value
	Saved int64           // the item whose note was just saved
}

// myHandover loads the actor's open handover, nil when they have none.
func (s *server) myHandover(c *gin.Context) (*handover.Handover, error) {
	h, err := s.Handover.Mine(c.Request.Context(), currentUser(c))
	if fault.Is(err, fault.KindNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &h, nil
}

// mustMyHandover is myHandover, not found when there is none.
func (s *server) mustMyHandover(c *gin.Context) (handover.Handover, error) {
	h, err := s.myHandover(c)
	if err == nil && h == nil {
		err = fault.NotFound("open handover of user", currentUser(c).ID)
	}
	if err != nil {
		return handover.Handover{}, err
	}
	return *h, nil
}

func (s *server) myHandoverPage(c *gin.Context) {
	saved, _ := strconv.ParseInt(c.Query("saved"), 10, 64)
	d := pageData{}
	if draft, _ := strconv.ParseInt(c.Query("draft"), 10, 64); draft != 0 {
		text, err := s.draftNote(c, draft)
		if err != nil {
			s.pageError(c, err)
			return
		}
		d.Form = map[string]string{"item_id": strconv.FormatInt(draft, 10), "what": "note", "transfer_note": text, "drafted": "1"}
	}
	s.showMyHandover(c, http.StatusOK, d, saved)
}

// draftNote drafts an item's transfer note from its account's record, for the person
// leaving to correct and complete: who the contacts are, the next steps still open, the
// open complaints, the renewal, and the latest contacts. Nothing is saved.
func (s *server) draftNote(c *gin.Context, itemID int64) (string, error) {
	h, err := s.mustMyHandover(c)
	if err != nil {
		return "", err
	}
	i := slices.IndexFunc(h.Items, func(it handover.Item) bool { return it.ID == itemID })
	if i < 0 {
		return "", fault.NotFound("handover item", itemID)
	}
	ctx, acc, l := c.Request.Context(), h.Items[i].AccountID, langOf(c)
	a, err := s.Accounts.Get(ctx, acc)
	if err != nil {
		return "", err
	}
	contacts, err := s.Accounts.Contacts(ctx, acc)
	if err != nil {
		return "", err
	}
	recent, _, err := s.Accounts.Interactions(ctx, acc, store.Page{Number: 1, Size: 20})
	if err != nil {
		return "", err
	}
	complaints, err := s.Retention.Complaints(ctx, acc)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	line := func(label string, parts []string) {
		if len(parts) > 0 {
			b.WriteString(l.T(label) + "\n")
			for _, p := range parts {
				b.WriteString("- " + p + "\n")
			}
		}
	}
	var people, steps, open, latest []string
	for _, ct := range contacts[:min(len(contacts), 6)] {
		p := ct.Name
		if ct.Title != "" {
			p += ", " + ct.Title
		}
		if ct.DecisionMaker {
			p += " (" + l.T("draft.decision_maker") + ")"
		}
		people = append(people, p)
	}
	today := s.Now().UTC().Format("2006-01-02")
	for _, it := range recent {
		if it.NextStep != "" && (it.NextStepDue == nil || *it.NextStepDue >= today) {
			due := ""
			if it.NextStepDue != nil {
				due = l.DateString(*it.NextStepDue) + ": "
			}
			steps = append(steps, due+it.NextStep)
		}
		if it.Kind != accounts.KindNote && len(latest) < 5 {
			latest = append(latest, l.Date(it.OccurredAt)+" · "+l.T("kind."+string(it.Kind))+": "+it.Summary)
		}
	}
	for _, cp := range complaints {
		if cp.Status == retention.ComplaintOpen {
			open = append(open, l.T("severity."+cp.Severity)+": "+cp.Summary)
		}
	}
	line("draft.contacts", people)
	line("draft.next_steps", steps)
	line("draft.complaints", open)
	if a.RenewalDate != nil {
		b.WriteString(l.T("draft.renewal", l.DateString(*a.RenewalDate)) + "\n")
	}
	line("draft.latest", latest)
	b.WriteString(l.T("draft.agreements") + "\n- \n")
	return strings.TrimSpace(b.String()), nil
}

func (s *server) showMyHandover(c *gin.Context, status int, d pageData, saved int64) {
	h, err := s.mustMyHandover(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	// Every item on one page: the person writes them all. Key accounts first, the most
	// valuable first.
	all := slices.Clone(h.Items)
	slices.SortStableFunc(all, handover.ByImportance)
	d.Nav = "home"
	d.Data = myHandoverView{H: h, Items: all, Saved: saved}
	s.renderStatus(c, status, "my_handover", d)
}

// myNoteSubmit saves the transfer note of one item of the actor's handover.
func (s *server) myNoteSubmit(c *gin.Context) {
	s.myItemForm(c, "note", []string{"transfer_note"}, func(h handover.Handover, itemID int64, form map[string]string) error {
		_, err := s.Handover.UpdateItem(c.Request.Context(), currentUser(c), h.ID, itemID,
			handover.ItemPatch{TransferNote: opt.Of(form["transfer_note"])})
		return err
	})
}

// myIntroSubmit logs the joint introduction of one item of the actor's handover.
func (s *server) myIntroSubmit(c *gin.Context) {
	s.myItemForm(c, "intro", []string{"summary", "occurred_at", "tz_offset"}, func(h handover.Handover, itemID int64, form map[string]string) error {
		at, err := introTime(form)
		if err == nil {
			_, err = s.Handover.LogIntro(c.Request.Context(), currentUser(c), h.ID, itemID, form["summary"], at)
		}
		return err
	})
}

// myItemForm runs one of the forms of an item of the actor's handover: back to the item
// when it succeeds, or the page again with the form's errors on that item (what says
// which of its forms).
func (s *server) myItemForm(c *gin.Context, what string, fields []string, do func(h handover.Handover, itemID int64, form map[string]string) error) {
	itemID, err := strconv.ParseInt(c.Param("item_id"), 10, 64)
	if err != nil {
		s.pageError(c, fault.NotFound("handover item", 0))
		return
	}
	h, err := s.mustMyHandover(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	form := formValues(c, fields...)
	if err := do(h, itemID, form); err != nil {
		d, status, ok := formFailure(c, form, err)
		if !ok {
			s.pageError(c, err)
			return
		}
		d.Form["item_id"], d.Form["what"] = strconv.FormatInt(itemID, 10), what
		s.showMyHandover(c, status, d, 0)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/me/handover?saved=%d#item-%d", itemID, itemID))
}
