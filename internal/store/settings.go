package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type setting struct {
	Key   string `gorm:"primaryKey"`
	Value string
}

func (setting) TableName() string { return "settings" }

// SettingOrCreate returns the stored value of key, storing make() first if there is none.
// Used for values generated once per installation, such as the signing secret.
func (db *DB) SettingOrCreate(ctx context.Context, key string, make func() (string, error)) (string, error) {
	var s setting
	err := db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Where("key = ?", key).Take(&s).Error
		if err == nil {
			return nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		v, err := make()
		if err != nil {
			return err
		}
		s = setting{Key: key, Value: v}
		return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&s).Error
	})
	if err != nil {
		return "", fmt.Errorf("setting %s: %w", key, err)
	}
	return s.Value, nil
}
