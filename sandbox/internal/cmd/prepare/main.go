// Command prepare turns the CPython WASI module that
// sandbox/runtime/build/build.sh links into the sandbox's runtime: it strips
// the DWARF debug sections (wazero would otherwise build DWARF stack traces
// when a run is stopped, and the binary would embed them) and exports every
// mutable global of the module under GlobalPrefix, so that the host can save
// them at an instance's checkpoint and restore them after each run.
//
// Usage: go run ./sandbox/internal/cmd/prepare -in python.wasm -out sandbox/runtime/python.wasm
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/coderemote/coderemote/sandbox/internal/wasmfile"
)

// GlobalPrefix must match the sandbox's globalPrefix.
const GlobalPrefix = "coderemote.global."

func main() {
	in := flag.String("in", "", "python.wasm as linked by the runtime build")
	out := flag.String("out", "", "where to write the prepared module")
	want := flag.String("sha256", "", "expected SHA-256 of -in (hex); empty: not checked")
	flag.Parse()
	if err := run(*in, *out, *want); err != nil {
		fmt.Fprintln(os.Stderr, "prepare:", err)
		os.Exit(1)
	}
}

func run(in, out, want string) error {
	if in == "" || out == "" {
		return fmt.Errorf("-in and -out are required")
	}
	wasm, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(wasm)
	if got := hex.EncodeToString(sum[:]); want != "" && got != want {
		return fmt.Errorf("%s has SHA-256 %s, want %s", in, got, want)
	}
	wasm, err = wasmfile.StripCustom(wasm, func(name string) bool { return strings.HasPrefix(name, ".debug_") })
	if err != nil {
		return err
	}
	if wasm, err = wasmfile.ExportMutableGlobals(wasm, GlobalPrefix); err != nil {
		return err
	}
	names, err := wasmfile.ExportedGlobals(wasm, GlobalPrefix)
	if err != nil {
		return err
	}
	fmt.Printf("prepare: python.wasm %d bytes, mutable globals exported: %s\n", len(wasm), strings.Join(names, ", "))
	return os.WriteFile(out, wasm, 0o644)
}
