// Package migrations embeds Keyhold's SQL schema migrations, one folder per dialect,
// applied by goose at "keyhold serve" and "keyhold migrate".
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed sqlite/*.sql
var files embed.FS

// SQLite returns the SQLite migrations as a file system rooted at their folder.
func SQLite() fs.FS {
	sub, err := fs.Sub(files, "sqlite")
	if err != nil {
		panic(err) // the folder is embedded at build time; this cannot fail at run time
	}
	return sub
}
