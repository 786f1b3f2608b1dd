package accounts

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"keyhold/internal/fault"
	"keyhold/internal/staff"
)

// The notice period (防跑单: staff about to leave take customers with them). While a
// person is leaving, the lists and searches they see hold only the accounts on their own
// teams, and the contacts of any other account they open come without phones and
// e-mails; handover.NoteView records the opening, handover.GuardExport refuses reports and
// exports.

// InNotice reports whether u is serving notice.
func InNotice(u staff.User) bool { return u.Status == staff.StatusLeaving }

// For narrows the filter to what actor may list: the accounts on their own teams while
// they are leaving, the whole shared book otherwise.
func (f Filter) For(actor staff.User) Filter {
	if InNotice(actor) {
		f.Book = actor.ID
	}
	return f
}

// onTeam reports whether user is on the account's team.
func onTeam(db *gorm.DB, accountID, userID int64) (bool, error) {
	var n int64
	if err := db.Table("account_team").Where("account_id = ? AND user_id = ?", accountID, userID).Count(&n).Error; err != nil {
		return false, fmt.Errorf("team of account %d: %w", accountID, err)
	}
	return n > 0, nil
}

// ErrOutsideBook refuses a leaving person the details of a contact outside their book.
var ErrOutsideBook = fault.Forbidden("during the notice period, the contacts of accounts outside your own book are hidden")

// readable refuses actor, during their notice period, a contact's details (to edit or
// change them) on an account outside their own book.
func readable(db *gorm.DB, actor staff.User, accountID int64) error {
	if !InNotice(actor) {
		return nil
	}
	on, err := onTeam(db, accountID, actor.ID)
	if err == nil && !on {
		err = ErrOutsideBook
	}
	return err
}

// OutsideBook reports whether opening the account is, for actor, opening one outside
// their own book during their notice period: a live account not on their teams (one that
// does not exist is nobody's book, and the caller answers 404).
func (s *Service) OutsideBook(ctx context.Context, actor staff.User, accountID int64) (bool, error) {
	if !InNotice(actor) {
		return false, nil
	}
	var n int64
	err := s.db.Read.WithContext(ctx).Table("accounts a").
		Where("a.id = ? AND a.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM account_team t WHERE t.account_id = a.id AND t.user_id = ?)",
			accountID, actor.ID).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("book of user %d: %w", actor.ID, err)
	}
	return n > 0, nil
}

// ContactsSeenBy lists an account's contacts as actor may see them: during their notice
// period, the phones and e-mails of an account outside their own book are masked.
func (s *Service) ContactsSeenBy(ctx context.Context, actor staff.User, accountID int64) ([]Contact, error) {
	cs, err := s.Contacts(ctx, accountID)
	if err != nil {
		return nil, err
	}
	outside, err := s.OutsideBook(ctx, actor, accountID)
	if err != nil || !outside {
		return cs, err
	}
	for i := range cs {
		cs[i].Email, cs[i].Phone, cs[i].Masked = "", "", true
	}
	return cs, nil
}
