package store

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
