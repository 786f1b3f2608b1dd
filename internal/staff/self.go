package staff

import (
	"context"
	"fmt"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"keyhold/internal/audit"
	"keyhold/internal/fault"
)

// ChangePassword lets a user replace their own password, proving the current one. It
// bumps the token version, so every session of the user ends; the caller signs the
// current browser in again with a fresh token.
func (s *Service) ChangePassword(ctx context.Context, actor User, current, next string) (User, error) {
	bad := fault.Collect{}
	if current == "" {
		bad.Add("current_password", "is required")
	}
	checkPassword(bad, next)
	if next != "" && next == current {
		bad.Add("password", "must differ from the current password")
	}
	if err := bad.Err(); err != nil {
		return User{}, renameField(err, "password", "new_password")
	}
	var out User
	err := s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var u User
		if err := tx.Take(&u, actor.ID).Error; err != nil {
			return err
		}
		if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(current)) != nil {
			return fault.Invalid(fault.Fields{"current_password": "is not your current password"})
		}
		hash, err := s.HashPassword(next)
		if err != nil {
			return err
		}
		u.PasswordHash, u.TokenVersion, u.UpdatedAt = hash, u.TokenVersion+1, s.now().UTC()
		if err := tx.Model(&u).Select("password_hash", "token_version", "updated_at").Updates(&u).Error; err != nil {
			return err
		}
		out = u
		return audit.Record(ctx, tx, audit.Entry{At: u.UpdatedAt, ActorID: &actor.ID, Action: "user.password",
			Entity: "user", EntityID: u.ID}, nil, nil)
	})
	if err != nil {
		return User{}, fmt.Errorf("change password of user %d: %w", actor.ID, err)
	}
	return out, nil
}

// SetLanguage saves a user's own language preference ("" follows the browser).
func (s *Service) SetLanguage(ctx context.Context, actor User, lang string) (User, error) {
	bad := fault.Collect{}
	checkLanguage(bad, lang)
	if err := bad.Err(); err != nil {
		return User{}, err
	}
	actor.Language, actor.UpdatedAt = lang, s.now().UTC()
	err := s.db.Write.WithContext(ctx).Model(&User{ID: actor.ID}).
		Updates(map[string]any{"language": lang, "updated_at": actor.UpdatedAt}).Error
	if err != nil {
		return User{}, fmt.Errorf("set language of user %d: %w", actor.ID, err)
	}
	return actor, nil
}

// renameField moves a field error to the name the caller's form uses.
func renameField(err error, from, to string) error {
	e, ok := fault.As(err)
	if !ok || e.Fields == nil {
		return err
	}
	if msg, ok := e.Fields[from]; ok {
		delete(e.Fields, from)
		e.Fields[to] = msg
	}
	return err
}
