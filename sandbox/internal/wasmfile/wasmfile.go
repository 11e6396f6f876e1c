// Package wasmfile edits WebAssembly binaries just enough to prepare the
// sandbox runtime: it drops custom sections (DWARF debug info) and exports the
// module's mutable globals, so that the host can save and restore them with
// the rest of an instance's state.
package wasmfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

var magic = []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}

const (
	sectionCustom = 0
	sectionImport = 2
	sectionGlobal = 6
	sectionExport = 7
)

const kindGlobal = 3

// Section is one top-level section of a module.
type Section struct {
	ID   byte
	Name string // custom sections only
	// Header is where the section starts (its ID byte); Start and End
	// delimit its payload inside the module.
	Header, Start, End int
}

// Sections lists the module's sections in order.
func Sections(wasm []byte) ([]Section, error) {
	if !bytes.HasPrefix(wasm, magic) {
		return nil, errors.New("wasmfile: not a WebAssembly 1.0 module")
	}
	var out []Section
	for p := len(magic); p < len(wasm); {
		id := wasm[p]
		size, n, err := uleb(wasm, p+1)
		if err != nil {
			return nil, fmt.Errorf("wasmfile: section at %d: %w", p, err)
		}
		start := p + 1 + n
		if size > uint64(len(wasm)-start) {
			return nil, fmt.Errorf("wasmfile: section at %d overruns the module", p)
		}
		end := start + int(size)
		s := Section{ID: id, Header: p, Start: start, End: end}
		if id == sectionCustom {
			nameLen, m, err := uleb(wasm[:end], start)
			if err != nil || nameLen > uint64(end-start-m) {
				return nil, fmt.Errorf("wasmfile: custom section at %d has a bad name", p)
			}
			s.Name = string(wasm[start+m : start+m+int(nameLen)])
		}
		out = append(out, s)
		p = end
	}
	return out, nil
}

// StripCustom returns a copy of the module without the custom sections for
// which drop returns true.
func StripCustom(wasm []byte, drop func(name string) bool) ([]byte, error) {
	secs, err := Sections(wasm)
	if err != nil {
		return nil, err
	}
	out := append([]byte{}, magic...)
	for _, s := range secs {
		if s.ID == sectionCustom && drop(s.Name) {
			continue
		}
		out = append(out, s.ID)
		out = binary.AppendUvarint(out, uint64(s.End-s.Start))
		out = append(out, wasm[s.Start:s.End]...)
	}
	return out, nil
}

func uleb(b []byte, p int) (uint64, int, error) {
	v, n := binary.Uvarint(b[p:])
	if n <= 0 {
		return 0, 0, errors.New("bad LEB128")
	}
	return v, n, nil
}
