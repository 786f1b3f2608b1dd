package demo

import (
	"context"
	"fmt"

	"keyhold/internal/store"
)

// Logins lists up to limit demo sign-ins already in the database (admins, then managers,
// then reps), so that `make run` can show them again on a database seeded earlier.
func Logins(ctx context.Context, db *store.DB, limit int) ([]Login, error) {
	var out []Login
	err := db.Read.WithContext(ctx).Table("users").Select("role, name, email").
		Where("email LIKE ? AND status = 'active'", "%"+emailDomain).
		Order("CASE role WHEN 'admin' THEN 0 WHEN 'manager' THEN 1 ELSE 2 END, id").
		Limit(limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("demo logins: %w", err)
	}
	return out, nil
}
