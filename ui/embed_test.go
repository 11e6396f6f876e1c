//go:build !noui

package ui

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

func TestFallbackWithoutABuild(t *testing.T) {
	page, err := fs.ReadFile(orFallback(fstest.MapFS{".keep": {}}), "index.html")
	if err != nil || !strings.Contains(string(page), "make build") {
		t.Fatalf("got %q, %v; want the page that says how to build the interface", page, err)
	}
	built := fstest.MapFS{"index.html": {Data: []byte("<title>IDE</title>")}}
	if page, _ := fs.ReadFile(orFallback(built), "index.html"); string(page) != "<title>IDE</title>" {
		t.Fatalf("got %q, want the built interface", page)
	}
}
