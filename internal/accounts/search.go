package accounts

import (
	"strings"

	"keyhold/internal/store"
)

// The name search (q) is a substring match anywhere in the name, in any script: "华东"
// or "eng". SQLite answers name LIKE '%华东%' only by reading every row (no index helps a
// match in the middle, and a trigram index cannot answer the two-character searches
// Chinese names need). The names are in memory (catalog.go), folded as LIKE folds them;
// a search walks them once and keeps its matches until an account is added, renamed or
// deleted (the accounts data version).

// manyMatches is where a search stops gathering its matches and sorting them, and walks
// the requested order instead, keeping the names that match: one in 25 accounts or more
// match, so a page is found within a few hundred accounts.
const manyMatches = 2000

// named returns the ids of the accounts whose folded name contains fold, or nil when
// there is no search or more than manyMatches match.
func (s *Service) named(c *catalog, v store.Versions, fold string) []int64 {
	if fold == "" {
		return nil
	}
	if ids, ok := s.cache.named.Get(fold, v.Accounts); ok {
		return ids
	}
	ids := []int64{}
	for _, e := range c.sorted[byName] {
		if strings.Contains(e.fold, fold) {
			if len(ids) == manyMatches {
				ids = nil
				break
			}
			ids = append(ids, e.id)
		}
	}
	s.cache.named.Put(fold, v.Accounts, ids)
	return ids
}

// foldASCII lower-cases ASCII letters only, as SQLite's LIKE compares: "É" stays "É".
func foldASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
