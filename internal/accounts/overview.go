package accounts

import (
	"context"
	"fmt"
	"keyhold/internal/money"
	"keyhold/internal/sortkey"
)

// OwnerLoad is one person's book of accounts, for a manager's overview.
type OwnerLoad struct {
	UserID      int64    `json:"user_id"`
	Name        string   `json:"name"`
	Status      string   `json:"status"`
	Accounts    int64    `json:"accounts"`
	KeyAccounts int64    `json:"key_accounts"`
	Overdue     int64    `json:"overdue"`
	KeyOverdue  int64    `json:"key_overdue"`
	Values      []Amount `json:"values" gorm:"-"` // annual value of the book, per currency
}

// Amount is a sum in one currency; amounts in different currencies are never added.
type Amount struct {
	Currency string `json:"currency"`
	Value    int64  `json:"value"`
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
			COALESCE(SUM(CASE WHEN `+OverdueSQL+` THEN 1 ELSE 0 END), 0) AS overdue,
			COALESCE(SUM(CASE WHEN a.tier = 'key' AND `+OverdueSQL+` THEN 1 ELSE 0 END), 0) AS key_overdue`, now, now).
		Joins("LEFT JOIN accounts a ON a.owner_id = users.id AND a.deleted_at IS NULL AND a.status = ?", StatusActive).
		Where("users.status <> 'departed'").
		Group("users.id, users.name, users.status").
		Order("users.id")
	if managerID != 0 {
		q = q.Where("users.manager_id = ?", managerID)
	} else {
		q = q.Where("users.role = 'sales'")
	}
	out := []OwnerLoad{}
	if err := q.Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("team overview: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	sortkey.Sort(out, func(o OwnerLoad) string { return o.Name })
	ids := make([]int64, len(out))
	for i, o := range out {
		ids[i] = o.UserID
	}
	var sums []struct {
		OwnerID  int64
		Currency string
		Value    int64
	}
	if err := s.db.Read.WithContext(ctx).Model(&Account{}).Select("owner_id, currency, "+money.SumSQL("annual_value")+" AS value").
		Where("owner_id IN ? AND status = ?", ids, StatusActive).Group("owner_id, currency").Order("owner_id, value DESC").
		Scan(&sums).Error; err != nil {
		return nil, fmt.Errorf("team overview values: %w", err)
	}
	index := make(map[int64]int, len(out))
	for i, o := range out {
		index[o.UserID] = i
	}
	for _, v := range sums {
		o := &out[index[v.OwnerID]]
		o.Values = append(o.Values, Amount{Currency: v.Currency, Value: v.Value})
	}
	return out, nil
}

// Facets are the values the account filters offer.
type Facets struct {
	Industries []string
	Regions    []string
}

// Facets returns the distinct industries and regions in use, counted again only after
// an account's industry or region (or the set of accounts) changed.
func (s *Service) Facets(ctx context.Context) (Facets, error) {
	v, err := s.db.Versions(ctx)
	if err != nil {
		return Facets{}, err
	}
	return s.cache.facets.Get(v.Accounts, func() (Facets, error) {
		db := s.db.Read.WithContext(ctx)
		var f Facets
		if err := db.Model(&Account{}).Where("industry <> ''").Distinct().Order("industry").Pluck("industry", &f.Industries).Error; err != nil {
			return Facets{}, fmt.Errorf("industries: %w", err)
		}
		if err := db.Model(&Account{}).Where("region <> ''").Distinct().Order("region").Pluck("region", &f.Regions).Error; err != nil {
			return Facets{}, fmt.Errorf("regions: %w", err)
		}
		return f, nil
	})
}

// ValueCount is a value of an account field and how many live accounts hold it.
type ValueCount struct {
	Value    string
	Accounts int64
}

// ValuesInUse counts the live accounts by their value of field ("industry", "region" or
// "channel"), most used first: what the admin's lists page compares its lists with. A
// scan of the accounts, for an admin page.
func (s *Service) ValuesInUse(ctx context.Context, field string) ([]ValueCount, error) {
	switch field {
	case "industry", "region", "channel":
	default:
		return nil, fmt.Errorf("values in use: no field %q", field)
	}
	var out []ValueCount
	err := s.db.Read.WithContext(ctx).Model(&Account{}).Select(field + " AS value, COUNT(*) AS accounts").
		Where(field + " <> ''").Group(field).Order("accounts DESC, value").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("values in use: %w", err)
	}
	return out, nil
}
