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

//go:embed postgres/*.sql
var pgFiles embed.FS

// Postgres returns the PostgreSQL migrations, numbered as the SQLite ones: 0026 is the
// schema SQLite's 0001–0026 build, and each later change comes as one file per dialect
// with the same number.
func Postgres() fs.FS {
	sub, err := fs.Sub(pgFiles, "postgres")
	if err != nil {
		panic(err)
	}
	return sub
}
