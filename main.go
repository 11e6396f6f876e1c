// Command coderemote is Code Remote: a browser IDE for Python whose programs
// run in a WebAssembly sandbox. See README.md.
package main

import (
	"os"

	"github.com/coderemote/coderemote/sandbox"
)

// version is set at build time (see the Makefile).
var version = "dev"

func main() {
	if sandbox.IsWorker() {
		os.Exit(sandbox.ServeWorker(os.Stdin, os.Stdout))
	}
	os.Exit(cli(os.Args[1:]))
}
