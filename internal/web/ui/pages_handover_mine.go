package ui

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/fault"
	"keyhold/internal/handover"
	"keyhold/internal/i18n"
	"keyhold/internal/retention"
	"keyhold/internal/store"
	"keyhold/internal/web/httpkit"
)

// The person leaving writes down, account by account, what their successors need to
// know: the page /me/handover. The manager chooses successors on the handover's own page.

type myHandoverView struct {
	H     handover.Handover
	Items []myItemRow // key accounts first, then by value
	Saved int64       // the item whose note was just saved
}

// myItemRow is one item with its note's form: the account's contacts to choose the key
// people from, and what the fields show (the note as saved, or as typed or drafted when
// the form comes back).
type myItemRow struct {
	handover.Item
	Contacts  []accounts.Contact
	Fields    map[string]string // what the note's fields show
	Keys      map[int64]bool    // the key contacts ticked
	SavedKeys string            // the key contacts as saved, for the form to say what it changed
	Mine      bool              // the form that came back is this item's
}

// myHandover loads the actor's open handover, nil when they have none.
func (s *server) myHandover(c *gin.Context) (*handover.Handover, error) {
	h, err := s.Handover.Mine(c.Request.Context(), httpkit.CurrentUser(c))
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
		err = fault.NotFound("open handover of user", httpkit.CurrentUser(c).ID)
	}
	if err != nil {
		return handover.Handover{}, err
	}
	return *h, nil
}

func (s handoverPages) myHandoverPage(c *gin.Context) {
	saved, _ := strconv.ParseInt(c.Query("saved"), 10, 64)
	d := pageData{}
	if draft, _ := strconv.ParseInt(c.Query("draft"), 10, 64); draft != 0 {
		form, err := s.draftNote(c, draft)
		if err != nil {
			s.pageError(c, err)
			return
		}
		form["item_id"], form["what"], form["drafted"] = strconv.FormatInt(draft, 10), "note", "1"
		d.Form = form
	}
	s.showMyHandover(c, http.StatusOK, d, saved)
}

// draftNote drafts an item's transfer note from its account's record, for the person
// leaving to correct and complete: the decision-makers as key contacts (else the first
// three contacts), the next steps written down (the overdue ones marked) and the open
// complaints as open issues, the renewal and the value under agreements, the latest
// contacts and notes as the free text. Parts already written are kept as they are.
// Nothing is saved.
func (s handoverPages) draftNote(c *gin.Context, itemID int64) (map[string]string, error) {
	h, err := s.mustMyHandover(c)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(h.Items, func(it handover.Item) bool { return it.ID == itemID })
	if i < 0 {
		return nil, fault.NotFound("handover item", itemID)
	}
	ctx, acc, l := c.Request.Context(), h.Items[i].AccountID, httpkit.Lang(c)
	a, err := s.Accounts.Get(ctx, acc)
	if err != nil {
		return nil, err
	}
	contacts, err := s.Accounts.Contacts(ctx, acc)
	if err != nil {
		return nil, err
	}
	recent, _, err := s.Accounts.Interactions(ctx, acc, store.Page{Number: 1, Size: 20})
	if err != nil {
		return nil, err
	}
	complaints, err := s.Retention.Complaints(ctx, acc)
	if err != nil {
		return nil, err
	}
	return noteDraft(l, s.Now().UTC(), a, contacts, recent, complaints, h.Items[i].Note), nil
}

// noteDraft drafts a transfer note from the account's record, in the reader's language:
// the decision makers (else the first three contacts) as key contacts; every next step
// still written down and every open complaint as open issues; the renewal and the value
// as agreements; the latest contacts and notes as the note. What the person already wrote
// (saved) stays: the draft fills only the parts still empty.
func noteDraft(l i18n.Lang, now time.Time, a accounts.Account, contacts []accounts.Contact, recent []accounts.Interaction,
	complaints []retention.Complaint, saved handover.Note) map[string]string {
	var keys []int64
	for _, ct := range contacts {
		if ct.DecisionMaker {
			keys = append(keys, ct.ID)
		}
	}
	if len(keys) == 0 {
		for _, ct := range contacts[:min(len(contacts), 3)] {
			keys = append(keys, ct.ID)
		}
	}
	var issues, agreements, latest, notes []string
	today := now.Format("2006-01-02")
	for _, it := range recent {
		// Every next step still written down, an overdue one most of all: a promise the
		// customer is waiting for.
		if it.NextStep != "" {
			due := ""
			if it.NextStepDue != nil {
				due = l.DateString(*it.NextStepDue) + ": "
				if *it.NextStepDue < today {
					due = l.T("draft.overdue", l.DateString(*it.NextStepDue)) + ": "
				}
			}
			issues = append(issues, "- "+due+it.NextStep)
		}
		switch {
		case it.Kind == accounts.KindNote && len(notes) < 3:
			notes = append(notes, "- "+l.Date(it.OccurredAt)+": "+it.Summary)
		case it.Kind != accounts.KindNote && len(latest) < 5:
			latest = append(latest, "- "+l.Date(it.OccurredAt)+" · "+l.T("kind."+string(it.Kind))+": "+it.Summary)
		}
	}
	for _, cp := range complaints {
		if cp.Status == retention.ComplaintOpen {
			issues = append(issues, "- "+l.T("draft.complaint", l.T("severity."+cp.Severity), cp.Summary))
		}
	}
	if a.RenewalDate != nil {
		agreements = append(agreements, "- "+l.T("draft.renewal", l.DateString(*a.RenewalDate)))
	}
	agreements = append(agreements, "- "+l.T("draft.value", l.Money(a.AnnualValue, a.Currency)), "- "+l.T("draft.pricing"))
	var text []string
	if len(latest) > 0 {
		text = append(text, l.T("draft.latest")+"\n"+strings.Join(latest, "\n"))
	}
	if len(notes) > 0 {
		text = append(text, l.T("draft.notes")+"\n"+strings.Join(notes, "\n"))
	}
	// What the person already wrote stays: the draft fills only the parts still empty.
	draft := map[string]string{"key_contact_ids": joinIDs(keys), "open_issues": strings.Join(issues, "\n"),
		"agreements": strings.Join(agreements, "\n"), "transfer_note": strings.Join(text, "\n\n")}
	for k, v := range map[string]string{"key_contact_ids": joinIDs(saved.KeyContactIDs), "open_issues": saved.OpenIssues,
		"agreements": saved.Agreements, "transfer_note": saved.TransferNote} {
		if v != "" {
			draft[k] = v
		}
	}
	return draft
}

func (s handoverPages) showMyHandover(c *gin.Context, status int, d pageData, saved int64) {
	h, err := s.mustMyHandover(c)
	if err != nil {
		s.pageError(c, err)
		return
	}
	// Every item on one page, in the handover's order: the person writes them all.
	all := h.Items
	contacts, err := s.Accounts.ContactsOf(c.Request.Context(), handoverAccounts(all))
	if err != nil {
		s.pageError(c, err)
		return
	}
	d.Nav = "home"
	d.Data = myHandoverView{H: h, Items: myItemRows(all, contacts, d.Form), Saved: saved}
	s.renderStatus(c, status, "my_handover", d)
}

// myItemRows gives each item its note's form: the note as saved, or, for the item whose
// note form came back (form's item_id, what "note"), as typed or drafted; the key
// contacts ticked from what the fields show.
func myItemRows(items []handover.Item, contacts map[int64][]accounts.Contact, form map[string]string) []myItemRow {
	rows := make([]myItemRow, len(items))
	for i, it := range items {
		r := myItemRow{Item: it, Contacts: contacts[it.AccountID], Keys: map[int64]bool{}, SavedKeys: joinIDs(it.KeyContactIDs),
			Fields: map[string]string{"transfer_note": it.TransferNote, "open_issues": it.OpenIssues,
				"agreements": it.Agreements, "key_contact_ids": joinIDs(it.KeyContactIDs)}}
		if r.Mine = form["item_id"] == strconv.FormatInt(it.ID, 10); r.Mine && form["what"] == "note" {
			for k, v := range form {
				r.Fields[k] = v
			}
		}
		for _, part := range strings.Split(r.Fields["key_contact_ids"], ",") {
			if id, err := strconv.ParseInt(part, 10, 64); err == nil {
				r.Keys[id] = true
			}
		}
		rows[i] = r
	}
	return rows
}

// handoverAccounts lists the accounts of items.
func handoverAccounts(items []handover.Item) []int64 {
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.AccountID
	}
	return ids
}

// myNoteSubmit saves the transfer note of one item of the actor's handover.
func (s handoverPages) myNoteSubmit(c *gin.Context) {
	s.myItemForm(c, "note", nil, func(h handover.Handover, itemID int64, form map[string]string) error {
		p := parsed{}
		patch := handover.ItemPatch{NotePatch: notePatch(c, form, p)}
		if err := p.merge(nil); err != nil {
			return err
		}
		_, err := s.Handover.UpdateItem(c.Request.Context(), httpkit.CurrentUser(c), h.ID, itemID, patch)
		return err
	})
}

// myIntroSubmit logs the joint introduction of one item of the actor's handover.
func (s handoverPages) myIntroSubmit(c *gin.Context) {
	s.myItemForm(c, "intro", []string{"summary", "occurred_at", "tz_offset"}, func(h handover.Handover, itemID int64, form map[string]string) error {
		at, err := introTime(form)
		if err == nil {
			_, err = s.Handover.LogIntro(c.Request.Context(), httpkit.CurrentUser(c), h.ID, itemID, form["summary"], at)
		}
		return err
	})
}

// myItemForm runs one of the forms of an item of the actor's handover: back to the item
// when it succeeds, or the page again with the form's errors on that item (what says
// which of its forms).
func (s handoverPages) myItemForm(c *gin.Context, what string, fields []string, do func(h handover.Handover, itemID int64, form map[string]string) error) {
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
