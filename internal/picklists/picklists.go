// Package picklists holds the admin-managed lists an account's industry, region and
// acquisition channel are chosen from, each entry a stable code (what accounts store,
// what the API and exports carry) with a label in English and in Chinese (what pages
// show).
//
// A list is small (a few dozen entries) and changes rarely: it is kept as one JSON
// value among the settings (key "picklist.<list>"), so that it needs no table of its own
// and is cached, across processes, under the settings' change counter. Codes that are
// not (or no longer) on a list still show, as recorded.
package picklists

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"keyhold/internal/audit"
	"keyhold/internal/fault"
	"keyhold/internal/staff"
	"keyhold/internal/store"
)

// List names one of the lists.
type List string

// The lists, in the order pages show them.
const (
	Industry List = "industry"
	Region   List = "region"
	Channel  List = "channel"
)

// Lists are every list.
var Lists = []List{Industry, Region, Channel}

// Entry is one choice of a list.
type Entry struct {
	Code string `json:"code"` // what accounts store: stable, unique in its list (case aside)
	En   string `json:"en"`   // the English label
	Zh   string `json:"zh"`   // the Chinese label
}

// Label is the entry's label for a reader of Chinese (zh) or not; a missing label
// falls back to the other language, then to the code.
func (e Entry) Label(zh bool) string {
	first, second := e.En, e.Zh
	if zh {
		first, second = e.Zh, e.En
	}
	switch {
	case first != "":
		return first
	case second != "":
		return second
	}
	return e.Code
}

// Limits of a list.
const (
	MaxEntries = 500 // the messages of check say these numbers
	MaxLength  = 100 // characters of a code or a label
)

// Set is every list at one moment.
type Set map[List][]Entry

// Label is the label of code in list for a reader of Chinese or not: the code itself
// when it is not on the list.
func (s Set) Label(list List, code string, zh bool) string {
	if e, ok := s.Find(list, code); ok {
		return e.Label(zh)
	}
	return code
}

// Find is the entry of list whose code is code (case aside).
func (s Set) Find(list List, code string) (Entry, bool) {
	for _, e := range s[list] {
		if strings.EqualFold(e.Code, code) {
			return e, true
		}
	}
	return Entry{}, false
}

// Resolve is the code a value typed or imported means: an entry's code, or its English
// or Chinese label (case and surrounding spaces aside); ok is false when nothing on the
// list matches (the value is then kept as it is).
func (s Set) Resolve(list List, value string) (code string, ok bool) {
	v := strings.TrimSpace(value)
	for _, e := range s[list] {
		if strings.EqualFold(e.Code, v) || strings.EqualFold(e.En, v) || e.Zh == v && v != "" {
			return e.Code, true
		}
	}
	return value, false
}

// Service reads and maintains the lists.
type Service struct {
	db  *store.DB
	now func() time.Time

	mu     sync.Mutex
	parsed map[List]parsedList // the last value read of each list, parsed
}

type parsedList struct {
	raw     string
	entries []Entry
}

// New returns a Service.
func New(db *store.DB, now func() time.Time) *Service {
	return &Service{db: db, now: now, parsed: map[List]parsedList{}}
}

func key(l List) string { return "picklist." + string(l) }

// All answers every list (settings are cached; a list is parsed again only when its
// stored value changed).
func (s *Service) All(ctx context.Context) (Set, error) {
	out := make(Set, len(Lists))
	for _, l := range Lists {
		raw, err := s.db.Setting(ctx, key(l))
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		p, ok := s.parsed[l]
		s.mu.Unlock()
		if !ok || p.raw != raw {
			p = parsedList{raw: raw}
			if raw != "" {
				if err := json.Unmarshal([]byte(raw), &p.entries); err != nil {
					return nil, fmt.Errorf("picklist %s: %w", l, err)
				}
			}
			s.mu.Lock()
			s.parsed[l] = p
			s.mu.Unlock()
		}
		out[l] = p.entries
	}
	return out, nil
}

// Replace makes entries the whole of list, in their order (admins only; nil entries are
// refused, an empty list empties it): codes and
// labels trimmed, a code required and unique in the list (case aside), an English or a
// Chinese label required. The change is audited with the list before and after.
func (s *Service) Replace(ctx context.Context, actor staff.User, list List, entries []Entry) ([]Entry, error) {
	if !actor.IsAdmin() {
		return nil, fault.Forbidden("only admins maintain the lists of industries, regions and channels")
	}
	if !validList(list) {
		return nil, fault.NotFound("list", string(list))
	}
	if entries == nil {
		return nil, fault.Invalid(fault.Fields{"data": "is required"})
	}
	clean, err := check(entries)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(clean)
	if err != nil {
		return nil, err
	}
	before, err := s.All(ctx)
	if err != nil {
		return nil, err
	}
	err = s.db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}},
			DoUpdates: clause.AssignmentColumns([]string{"value"})}).
			Table("settings").Create(map[string]any{"key": key(list), "value": string(raw)}).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.now().UTC(), ActorID: &actor.ID, Action: "picklist.update",
			Entity: "picklist", Reason: string(list)}, before[list], clean)
	})
	if err != nil {
		return nil, fmt.Errorf("replace picklist %s: %w", list, err)
	}
	return clean, nil
}

func validList(l List) bool {
	for _, x := range Lists {
		if x == l {
			return true
		}
	}
	return false
}

// check trims and validates a list's entries; the problems are named by position:
// "data[2].code".
func check(entries []Entry) ([]Entry, error) {
	bad := fault.Collect{}
	if len(entries) > MaxEntries {
		bad.Add("data", "must have at most 500 entries")
		return nil, bad.Err()
	}
	out := make([]Entry, 0, len(entries))
	seen := map[string]bool{}
	for i, e := range entries {
		e = Entry{Code: strings.TrimSpace(e.Code), En: strings.TrimSpace(e.En), Zh: strings.TrimSpace(e.Zh)}
		at := fmt.Sprintf("data[%d].", i)
		switch {
		case e.Code == "":
			bad.Add(at+"code", "is required")
		case strings.ContainsAny(e.Code, "\r\n\t"):
			bad.Add(at+"code", "must be one line")
		default:
			k := strings.ToLower(e.Code)
			if seen[k] {
				bad.Add(at+"code", "repeats an earlier code")
			}
			seen[k] = true
		}
		if e.En == "" && e.Zh == "" {
			bad.Add(at+"en", "needs an English or a Chinese label")
		}
		for field, v := range map[string]string{"code": e.Code, "en": e.En, "zh": e.Zh} {
			if utf8.RuneCountInString(v) > MaxLength {
				bad.Add(at+field, "must be at most 100 characters")
			}
		}
		out = append(out, e)
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
