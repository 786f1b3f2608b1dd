package store

import "strconv"

// Page is a page of a list: 1-based number and size, as the API's page and per_page.
type Page struct {
	Number int
	Size   int
}

// MaxPageSize caps per_page.
const MaxPageSize = 200

// DefaultPageSize is per_page when none is given.
const DefaultPageSize = 50

// Normalized fills defaults and clamps to the allowed range.
func (p Page) Normalized() Page {
	if p.Number < 1 {
		p.Number = 1
	}
	if p.Size < 1 {
		p.Size = DefaultPageSize
	}
	if p.Size > MaxPageSize {
		p.Size = MaxPageSize
	}
	return p
}

// Offset is the number of rows before the page.
func (p Page) Offset() int { return (p.Number - 1) * p.Size }

// IDs writes ids as one JSON array, for `col IN (SELECT value FROM json_each(?))`: a list
// of any length is then one bound parameter, and the statement's text is the same for
// every list, so it is prepared once instead of once per length (inside the batched
// writes, preparing fresh statements cost a tenth of the writer's time).
func IDs(ids []int64) string {
	b := make([]byte, 0, 8*len(ids)+2)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, ']'))
}

// InIDs is the condition "col is one of the ids bound as store.IDs".
func InIDs(col string) string { return col + " IN (SELECT value FROM json_each(?))" }
