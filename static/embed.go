// Package static embeds the files the browser loads: the stylesheet and vendored scripts.
// Nothing is loaded from another site.
package static

import "embed"

// FS holds the static files, served under /static/.
//
//go:embed *.css *.js *.svg *.html vendor
var FS embed.FS
