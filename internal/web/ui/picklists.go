package ui

import (
	"html/template"
	"strings"

	"keyhold/internal/i18n"
	"keyhold/internal/picklists"
)

// pickOptions writes a list's entries as the options of a select in language l, with
// the entry of code chosen. A code not on the list stays chosen as an option of its own
// (an account keeps what it had); the first option is "none". An empty list gives "".
func pickOptions(l i18n.Lang, list []picklists.Entry, code string) template.HTML {
	if len(list) == 0 {
		return ""
	}
	var b html
	b.raw(`<option value="">—</option>`)
	found := code == ""
	for _, e := range list {
		chosen := strings.EqualFold(e.Code, code)
		found = found || chosen
		option(&b, e.Code, e.Label(l == i18n.Chinese), chosen)
	}
	if !found {
		option(&b, code, code, true)
	}
	return b.safe()
}

func option(b *html, value, label string, chosen bool) {
	b.raw(`<option value="`)
	b.text(value)
	b.raw(`"`)
	if chosen {
		b.raw(" selected")
	}
	b.raw(">")
	b.text(label)
	b.raw("</option>")
}
