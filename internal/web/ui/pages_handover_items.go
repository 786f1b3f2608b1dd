package ui

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"keyhold/internal/fault"
	"keyhold/internal/handover"
	"keyhold/internal/opt"
	"keyhold/internal/web/httpkit"
)

// The wizard's forms for items: one item's successor, transfer note and "customer
// notified", its joint introduction, and the bulk assignment of successors.

// itemAction answers an item's form. A plain post goes back to the item; htmx gets the
// item back in place, saved or with its errors. htmx swaps only 2xx and 422 answers, so
// a refusal (the handover closed meanwhile) is shown inside the item with 200.
func (s handoverPages) itemAction(c *gin.Context, id, itemID int64, form map[string]string, err error) {
	if !isHTMX(c) {
		s.handoverAction(c, id, form, handoverFocus{Item: itemID}, err, fmt.Sprintf("#item-%d", itemID))
		return
	}
	if err == nil {
		s.showHandover(c, id, http.StatusOK, pageData{}, handoverFocus{Item: itemID, Saved: true})
		return
	}
	d, status, ok := formFailure(c, form, err)
	if !ok {
		s.pageError(c, err)
		return
	}
	f := handoverFocus{Item: itemID}
	if status != http.StatusUnprocessableEntity {
		f.Message, d.Message, status = d.Message, "", http.StatusOK
	}
	s.showHandover(c, id, status, d, f)
}

// handoverItemSubmit saves an item: the successor, the transfer note and whether the
// customer was told; only the fields the form sent change.
func (s handoverPages) handoverItemSubmit(c *gin.Context) {
	id, ok := s.handoverID(c, "id")
	if !ok {
		return
	}
	itemID, ok := s.handoverID(c, "item_id")
	if !ok {
		return
	}
	form := map[string]string{}
	var patch handover.ItemPatch
	p := parsed{}
	if v, sent := c.GetPostForm("to_user_id"); sent {
		form["to_user_id"] = v
		if to := p.int64(form, "to_user_id"); to != 0 {
			patch.ToUserID = opt.Of(to)
		} else {
			patch.ToUserID.Set, patch.ToUserID.Null = true, true // nobody: the role ends
		}
	}
	patch.NotePatch = notePatch(c, form, p)
	// The form sends "false" and, when ticked, "true" as well.
	if vals := c.PostFormArray("customer_notified"); len(vals) > 0 {
		patch.CustomerNotified.Set, patch.CustomerNotified.Value = true, slices.Contains(vals, "true")
		form["customer_notified"] = strconv.FormatBool(patch.CustomerNotified.Value)
	}
	err := p.merge(nil)
	if err == nil {
		_, err = s.Handover.UpdateItem(c.Request.Context(), httpkit.CurrentUser(c), id, itemID, patch)
	}
	s.itemAction(c, id, itemID, form, err)
}

// handoverIntroSubmit logs an item's joint introduction: a handover_intro interaction on
// the account, logged by the manager, with the departing person and the successor taking
// part — what the checklist looks for.
func (s handoverPages) handoverIntroSubmit(c *gin.Context) {
	id, ok := s.handoverID(c, "id")
	if !ok {
		return
	}
	itemID, ok := s.handoverID(c, "item_id")
	if !ok {
		return
	}
	form := formValues(c, "summary", "occurred_at", "tz_offset")
	at, err := introTime(form)
	if err == nil {
		_, err = s.Handover.LogIntro(c.Request.Context(), httpkit.CurrentUser(c), id, itemID, form["summary"], at)
	}
	s.itemAction(c, id, itemID, form, err)
}

// introTime reads the optional local date and time of an introduction form.
func introTime(form map[string]string) (*time.Time, error) {
	if form["occurred_at"] == "" {
		return nil, nil
	}
	at, err := parseLocalTime(form["occurred_at"], form["tz_offset"])
	if err != nil {
		return nil, fault.Invalid(fault.Fields{"occurred_at": "must be a date and time"})
	}
	return &at, nil
}

// handoverAssignSubmit gives the ticked items — or every account the person owns — one
// successor.
func (s handoverPages) handoverAssignSubmit(c *gin.Context) {
	id, ok := s.handoverID(c, "id")
	if !ok {
		return
	}
	ctx, actor := c.Request.Context(), httpkit.CurrentUser(c)
	form := formValues(c, "to_user_id")
	p := parsed{}
	to := p.int64(form, "to_user_id")
	ids := p.ids(c, "item_ids")
	err := p.merge(nil)
	var done handover.Assigned
	switch {
	case err != nil:
	case c.PostForm("all") != "":
		_, done, err = s.Handover.AssignOwned(ctx, actor, id, to)
	default:
		_, done, err = s.Handover.Assign(ctx, actor, id, ids, to)
	}
	// Back to the page, which says what changed (?assigned=N&already=M&to=ID).
	s.handoverAction(c, id, form, handoverFocus{Checked: ids}, err,
		fmt.Sprintf("?assigned=%d&already=%d&to=%d#items", done.Changed, done.Already, to))
}

// notePatch reads a transfer note form: the parts it sent change, and what was typed goes
// into form (for the form shown again with its errors). The key contacts are checkboxes:
// key_contacts_sent says the list was on the form, so that unticking every box clears it.
func notePatch(c *gin.Context, form map[string]string, p parsed) handover.NotePatch {
	var n handover.NotePatch
	for name, dst := range map[string]*opt.Field[string]{"transfer_note": &n.TransferNote,
		"open_issues": &n.OpenIssues, "agreements": &n.Agreements} {
		if v, sent := c.GetPostForm(name); sent {
			form[name] = v
			// A part the form shows unchanged is not sent on: someone else may have
			// written it since the page was loaded (the person leaving and the manager
			// write the same notes).
			if orig, had := c.GetPostForm("orig_" + name); !had || orig != v {
				*dst = opt.Of(v)
			}
		}
	}
	if c.PostForm("key_contacts_sent") != "" {
		ids := []int64{}
		for _, v := range c.PostFormArray("key_contact_ids") {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil {
				ids = append(ids, id)
			} else {
				fault.Collect(p).Add("key_contact_ids", "must be contacts of this account")
			}
		}
		form["key_contact_ids"] = joinIDs(ids)
		if orig, had := c.GetPostForm("orig_key_contact_ids"); !had || orig != joinIDs(ids) {
			n.KeyContactIDs = opt.Of(ids)
		}
	}
	return n
}

// joinIDs writes ids as "1,2,3" (how a form keeps a list of ticked boxes).
func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}
