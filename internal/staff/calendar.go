package staff

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"keyhold/internal/audit"
	"keyhold/internal/fault"
)

// A calendar feed token lets a calendar program read one user's contact due dates
// without signing in. It is random, stored on the user, and replaced on request: the old
// feed address stops working at once.

func newFeedToken() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// CalendarToken returns the user's feed token. Every user gets one when created (and a
// migration gave one to those created before); one missing all the same is created here.
func (s *Service) CalendarToken(ctx context.Context, u User) (string, error) {
	var tok *string
	if err := s.db.Read.WithContext(ctx).Model(&User{}).Where("id = ?", u.ID).Select("calendar_token").
		Scan(&tok).Error; err != nil {
		return "", fmt.Errorf("calendar token: %w", err)
	}
	if tok != nil && *tok != "" {
		return *tok, nil
	}
	return s.setCalendarToken(ctx, u, true)
}

// RotateCalendarToken gives the user a new feed token; the old one stops working.
func (s *Service) RotateCalendarToken(ctx context.Context, u User) (string, error) {
	return s.setCalendarToken(ctx, u, false)
}

func (s *Service) setCalendarToken(ctx context.Context, u User, onlyIfEmpty bool) (string, error) {
	tok, err := newFeedToken()
	if err != nil {
		return "", err
	}
	err = s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		q := tx.Model(&User{}).Where("id = ?", u.ID)
		if onlyIfEmpty {
			// Two first requests at once must not hand out two different tokens.
			var cur *string
			if err := tx.Model(&User{}).Where("id = ?", u.ID).Select("calendar_token").Scan(&cur).Error; err != nil {
				return err
			}
			if cur != nil && *cur != "" {
				tok = *cur
				return nil
			}
		}
		if err := q.Update("calendar_token", tok).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: &u.ID, At: s.now().UTC(), Action: "user.calendar_token",
			Entity: "user", EntityID: u.ID}, nil, nil)
	})
	if err != nil {
		return "", fmt.Errorf("set calendar token: %w", err)
	}
	return tok, nil
}

// ByCalendarToken returns the active or leaving user whose feed token this is.
func (s *Service) ByCalendarToken(ctx context.Context, token string) (User, error) {
	if len(token) != 40 {
		return User{}, fault.NotFound("calendar", "feed")
	}
	var u User
	err := s.db.Read.WithContext(ctx).Where("calendar_token = ? AND status <> ?", token, StatusDeparted).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, fault.NotFound("calendar", "feed")
	}
	if err != nil {
		return User{}, fmt.Errorf("calendar feed: %w", err)
	}
	return u, nil
}
