// Package sandboxtest holds what tests that run the real sandbox share.
package sandboxtest

import (
	"os"
	"path/filepath"
)

// CacheDir is the compilation cache every test run shares, so the Python
// module is compiled once (≈ 4 s) rather than in every package:
// CODEREMOTE_TEST_CACHE (set by the Makefile), or the user's cache directory.
func CacheDir() string {
	if d := os.Getenv("CODEREMOTE_TEST_CACHE"); d != "" {
		return d
	}
	d, err := os.UserCacheDir()
	if err != nil {
		d = os.TempDir()
	}
	return filepath.Join(d, "coderemote-test")
}
