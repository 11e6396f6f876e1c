//go:build noui

package ui

import "io/fs"

// FS returns nil: this binary was built without the web interface
// (-tags noui), and serves only the API.
func FS() fs.FS { return nil }
