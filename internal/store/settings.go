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

// Setting returns the stored value of key ("" when there is none).
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	v, err := db.Versions(ctx)
	if err != nil {
		return "", err
	}
	if val, ok := db.settings.Get(key, v.Settings); ok {
		return val, nil
	}
	var vals []string
	if err := db.Read.WithContext(ctx).Model(&setting{}).Where("key = ?", key).Pluck("value", &vals).Error; err != nil {
		return "", fmt.Errorf("setting %s: %w", key, err)
	}
	val := ""
	if len(vals) > 0 {
		val = vals[0]
	}
	db.settings.Put(key, v.Settings, val) // read after the counter: at least as new
	return val, nil
}

// SetSetting stores value under key.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	err := db.Write.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}},
		DoUpdates: clause.AssignmentColumns([]string{"value"})}).Create(&setting{Key: key, Value: value}).Error
	if err != nil {
		return fmt.Errorf("setting %s: %w", key, err)
	}
	return nil
}
