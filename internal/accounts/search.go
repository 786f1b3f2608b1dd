package accounts

import (
	"context"
	"fmt"
	"strings"

	"keyhold/internal/store"
)

// The name search (q) is a substring match anywhere in the name, in any script: "华东"
// or "eng". SQLite answers name LIKE '%华东%' only by reading every row (no index
// helps a match in the middle, and a trigram index cannot answer the two-character
// searches Chinese names need), and counting the matches reads every row again: 45–70 ms
// a request on 50,000 accounts. Instead every live account's name is kept in memory —
// about 2 MB for 50,000 — until an account is added, renamed or deleted (the accounts
// data version), and a search walks it in well under a millisecond; SQL then starts
// from the matching ids.

// manyMatches is where a search stops reading its matches by id and sorting them, and
// walks the order's index instead, keeping the names that match (see filtered): one in
// 25 accounts or more match, so a page is found within a few hundred rows (unless the
// matches gather at the end of the order).
const manyMatches = 2000

// nameIndex is every live account's id and name, names folded as LIKE folds them.
type nameIndex struct {
	ids   []int64
	names []string
}

// names returns the index for the data version v.
func (s *Service) names(ctx context.Context, v store.Versions) (*nameIndex, error) {
	return s.cache.names.Get(v.Accounts, func() (*nameIndex, error) {
		rows, err := s.db.Read.WithContext(ctx).Model(&Account{}).Select("id, name").Order("id").Rows()
		if err != nil {
			return nil, fmt.Errorf("load account names: %w", err)
		}
		defer rows.Close()
		ix := &nameIndex{}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				return nil, fmt.Errorf("load account names: %w", err)
			}
			ix.ids = append(ix.ids, id)
			ix.names = append(ix.names, foldASCII(name))
		}
		return ix, rows.Err()
	})
}

// match lists, in id order, the accounts whose name contains q.
func (ix *nameIndex) match(q string) []int64 {
	q = foldASCII(q)
	var out []int64
	for i, n := range ix.names {
		if strings.Contains(n, q) {
			out = append(out, ix.ids[i])
		}
	}
	return out
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
