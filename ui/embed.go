//go:build !noui

// Package ui holds the built web interface (ui/dist, produced by
// `make ui`) embedded in the binary. A binary built without it (`go build`
// or `go install` on a fresh clone, which has only ui/dist/.keep) serves a
// page that says how to build it.
package ui

import (
	"embed"
	"io/fs"
	"testing/fstest"
)

var (
	//go:embed all:dist
	dist embed.FS
	//go:embed fallback.html
	fallback []byte
)

// FS returns the built interface, rooted at its index.html.
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // cannot happen: "dist" is a valid path
	}
	return orFallback(sub)
}

// orFallback is built unless it has no index.html; then it is the fallback
// page.
func orFallback(built fs.FS) fs.FS {
	if _, err := fs.Stat(built, "index.html"); err != nil {
		return fstest.MapFS{"index.html": &fstest.MapFile{Data: fallback, Mode: 0o444}}
	}
	return built
}
