package accounts

import (
	"context"
	"fmt"
)

// OwnerLoad is one person's book of accounts, for a manager's overview.
type OwnerLoad struct {
	UserID      int64  `json:"user_id"`
	Name        string `json:"name"`
	Status      string `json:"status"`
	Accounts    int64  `json:"accounts"`
	KeyAccounts int64  `json:"key_accounts"`
	Overdue     int64  `json:"overdue"`
	KeyOverdue  int64  `json:"key_overdue"`
	Value       int64  `json:"value"`
}

// TeamOverview returns, for each member of a manager's team (the users whose manager is
// managerID; everyone when managerID is 0), their active accounts, key accounts, overdue
// counts and value, in one grouped query.
func (s *Service) TeamOverview(ctx context.Context, managerID int64) ([]OwnerLoad, error) {
	now := s.now().UTC()
	q := s.db.Read.WithContext(ctx).Table("users").
		Select(`users.id AS user_id, users.name, users.status,
			COUNT(a.id) AS accounts,
			COALESCE(SUM(CASE WHEN a.tier = 'key' THEN 1 ELSE 0 END), 0) AS key_accounts,
			COALESCE(SUM(CASE WHEN a.next_contact_due IS NULL OR a.next_contact_due < ? THEN 1 ELSE 0 END), 0) AS overdue,
			COALESCE(SUM(CASE WHEN a.tier = 'key' AND (a.next_contact_due IS NULL OR a.next_contact_due < ?) THEN 1 ELSE 0 END), 0) AS key_overdue,
			COALESCE(SUM(a.annual_value), 0) AS value`, now, now).
		Joins("LEFT JOIN accounts a ON a.owner_id = users.id AND a.deleted_at IS NULL AND a.status = ?", StatusActive).
		Where("users.status <> 'departed'").
		Group("users.id, users.name, users.status").
		Order("users.name")
	if managerID != 0 {
		q = q.Where("users.manager_id = ?", managerID)
	} else {
		q = q.Where("users.role = 'sales'")
	}
	out := []OwnerLoad{}
	if err := q.Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("team overview: %w", err)
	}
	return out, nil
}

// Facets are the values the account filters offer.
type Facets struct {
	Industries []string
	Regions    []string
}

// Facets returns the distinct industries and regions in use.
func (s *Service) Facets(ctx context.Context) (Facets, error) {
	db := s.db.Read.WithContext(ctx)
	var f Facets
	if err := db.Model(&Account{}).Where("industry <> ''").Distinct().Order("industry").Pluck("industry", &f.Industries).Error; err != nil {
		return Facets{}, fmt.Errorf("industries: %w", err)
	}
	if err := db.Model(&Account{}).Where("region <> ''").Distinct().Order("region").Pluck("region", &f.Regions).Error; err != nil {
		return Facets{}, fmt.Errorf("regions: %w", err)
	}
	return f, nil
}
