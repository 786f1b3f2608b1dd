package web

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"keyhold/internal/accounts"
	"keyhold/internal/fault"
	"keyhold/internal/handover"
	"keyhold/internal/opt"
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

func (s *server) myHandoverPage(c *gin.Context) {
	saved, _ := strconv.ParseInt(c.Query("saved"), 10, 64)
	s.showMyHandover(c, http.StatusOK, pageData{}, saved)
}

func (s *server) showMyHandover(c *gin.Context, status int, d pageData, saved int64) {
	h, err := s.myHandover(c)
	if err == nil && h == nil {
		err = fault.NotFound("open handover of user", currentUser(c).ID)
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	// Every item on one page: the person writes them all. Key accounts first, the most
	// valuable first.
	all := slices.Clone(h.Items)
	slices.SortStableFunc(all, func(a, b handover.Item) int {
		ka, kb := a.Account != nil && a.Account.Tier == accounts.TierKey, b.Account != nil && b.Account.Tier == accounts.TierKey
		if ka != kb {
			if ka {
				return -1
			}
			return 1
		}
		if a.Account != nil && b.Account != nil {
			return cmp.Compare(b.Account.AnnualValue, a.Account.AnnualValue)
		}
		return 0
	})
	d.Nav = "home"
	d.Data = myHandoverView{H: *h, Items: all, Saved: saved}
	s.renderStatus(c, status, "my_handover", d)
}

// myNoteSubmit saves the transfer note of one item of the actor's handover.
func (s *server) myNoteSubmit(c *gin.Context) {
	itemID, err := strconv.ParseInt(c.Param("item_id"), 10, 64)
	if err != nil {
		s.pageError(c, fault.NotFound("handover item", 0))
		return
	}
	h, err := s.myHandover(c)
	if err == nil && h == nil {
		err = fault.NotFound("open handover of user", currentUser(c).ID)
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	form := formValues(c, "transfer_note")
	_, err = s.Handover.UpdateItem(c.Request.Context(), currentUser(c), h.ID, itemID,
		handover.ItemPatch{TransferNote: opt.Of(form["transfer_note"])})
	if err != nil {
		d, status, ok := formFailure(c, form, err)
		if !ok {
			s.pageError(c, err)
			return
		}
		d.Form["item_id"], d.Form["what"] = strconv.FormatInt(itemID, 10), "note"
		s.showMyHandover(c, status, d, 0)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/me/handover?saved=%d#item-%d", itemID, itemID))
}

// myIntroSubmit logs the joint introduction of one item of the actor's handover.
func (s *server) myIntroSubmit(c *gin.Context) {
	itemID, err := strconv.ParseInt(c.Param("item_id"), 10, 64)
	if err != nil {
		s.pageError(c, fault.NotFound("handover item", 0))
		return
	}
	h, err := s.myHandover(c)
	if err == nil && h == nil {
		err = fault.NotFound("open handover of user", currentUser(c).ID)
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	form := formValues(c, "summary", "occurred_at", "tz_offset")
	at, err := introTime(form)
	if err == nil {
		_, err = s.Handover.LogIntro(c.Request.Context(), currentUser(c), h.ID, itemID, form["summary"], at)
	}
	if err != nil {
		d, status, ok := formFailure(c, form, err)
		if !ok {
			s.pageError(c, err)
			return
		}
		d.Form["item_id"], d.Form["what"] = strconv.FormatInt(itemID, 10), "intro"
		s.showMyHandover(c, status, d, 0)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/me/handover?saved=%d#item-%d", itemID, itemID))
}
