package wasmfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ExportMutableGlobals returns a copy of the module in which every mutable
// global it defines (not imports) is also exported, as prefix followed by its
// index in the global index space. Globals that are already exported keep
// their export and gain this one.
func ExportMutableGlobals(wasm []byte, prefix string) ([]byte, error) {
	secs, err := Sections(wasm)
	if err != nil {
		return nil, err
	}
	imported, mutable := 0, []int(nil)
	exportAt := -1
	for i, s := range secs {
		switch s.ID {
		case sectionImport:
			if imported, err = importedGlobals(wasm[s.Start:s.End]); err != nil {
				return nil, err
			}
		case sectionGlobal:
			if mutable, err = mutableGlobals(wasm[s.Start:s.End]); err != nil {
				return nil, err
			}
		case sectionExport:
			exportAt = i
		}
	}
	if exportAt < 0 {
		return nil, errors.New("wasmfile: module has no export section")
	}
	exp := secs[exportAt]
	count, n, err := uleb(wasm[:exp.End], exp.Start)
	if err != nil {
		return nil, fmt.Errorf("wasmfile: export count: %w", err)
	}
	payload := binary.AppendUvarint(nil, count+uint64(len(mutable)))
	payload = append(payload, wasm[exp.Start+n:exp.End]...)
	for _, idx := range mutable {
		name := prefix + strconv.Itoa(imported+idx)
		payload = binary.AppendUvarint(payload, uint64(len(name)))
		payload = append(payload, name...)
		payload = append(payload, kindGlobal)
		payload = binary.AppendUvarint(payload, uint64(imported+idx))
	}
	out := append([]byte{}, wasm[:exp.Header]...)
	out = append(out, sectionExport)
	out = binary.AppendUvarint(out, uint64(len(payload)))
	out = append(out, payload...)
	return append(out, wasm[exp.End:]...), nil
}

// ExportedGlobals lists the names of the module's global exports that start
// with prefix, in the order the export section gives them.
func ExportedGlobals(wasm []byte, prefix string) ([]string, error) {
	secs, err := Sections(wasm)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, s := range secs {
		if s.ID != sectionExport {
			continue
		}
		err := forEachExport(wasm[s.Start:s.End], func(name string, kind byte) {
			if kind == kindGlobal && strings.HasPrefix(name, prefix) {
				names = append(names, name)
			}
		})
		if err != nil {
			return nil, err
		}
	}
	return names, nil
}

// importedGlobals counts the global imports, which come first in the
// global index space.
func importedGlobals(b []byte) (int, error) {
	r := reader{b: b}
	count := r.uleb()
	globals := 0
	for i := uint64(0); i < count && r.err == nil; i++ {
		r.name()
		r.name()
		switch kind := r.byte(); kind {
		case 0: // function: type index
			r.uleb()
		case 1: // table: reference type, limits
			r.byte()
			r.limits()
		case 2: // memory: limits
			r.limits()
		case kindGlobal: // value type, mutability
			r.byte()
			r.byte()
			globals++
		default:
			return 0, fmt.Errorf("wasmfile: import %d has unknown kind %d", i, kind)
		}
	}
	if r.err != nil {
		return 0, fmt.Errorf("wasmfile: import section: %w", r.err)
	}
	return globals, nil
}

// mutableGlobals lists the indexes, within the global section, of the
// mutable globals it defines.
func mutableGlobals(b []byte) ([]int, error) {
	r := reader{b: b}
	count := r.uleb()
	var out []int
	for i := 0; uint64(i) < count && r.err == nil; i++ {
		r.byte() // value type
		if r.byte() == 1 {
			out = append(out, i)
		}
		r.constExpr()
	}
	if r.err != nil {
		return nil, fmt.Errorf("wasmfile: global section: %w", r.err)
	}
	return out, nil
}

func forEachExport(b []byte, f func(name string, kind byte)) error {
	r := reader{b: b}
	count := r.uleb()
	for i := uint64(0); i < count && r.err == nil; i++ {
		name := r.name()
		kind := r.byte()
		r.uleb()
		if r.err == nil {
			f(name, kind)
		}
	}
	if r.err != nil {
		return fmt.Errorf("wasmfile: export section: %w", r.err)
	}
	return nil
}

// reader decodes a section's payload; the first error sticks.
type reader struct {
	b   []byte
	p   int
	err error
}

var errTruncated = errors.New("truncated")

func (r *reader) byte() byte {
	if r.err != nil || r.p >= len(r.b) {
		r.err = errTruncated
		return 0
	}
	c := r.b[r.p]
	r.p++
	return c
}

func (r *reader) uleb() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.p:])
	if n <= 0 {
		r.err = errors.New("bad LEB128")
		return 0
	}
	r.p += n
	return v
}

// leb skips a signed or unsigned LEB128 number.
func (r *reader) leb() {
	for i := 0; ; i++ {
		if i == 10 {
			r.err = errors.New("bad LEB128")
		}
		if r.byte()&0x80 == 0 || r.err != nil {
			return
		}
	}
}

func (r *reader) skip(n uint64) {
	if r.err == nil && n > uint64(len(r.b)-r.p) {
		r.err = errTruncated
	}
	if r.err == nil {
		r.p += int(n)
	}
}

func (r *reader) name() string {
	n := r.uleb()
	start := r.p
	r.skip(n)
	if r.err != nil {
		return ""
	}
	return string(r.b[start:r.p])
}

func (r *reader) limits() {
	flags := r.byte()
	r.uleb()
	if flags&1 != 0 {
		r.uleb()
	}
}

// constExpr skips a constant expression up to its end opcode.
func (r *reader) constExpr() {
	for r.err == nil {
		switch op := r.byte(); op {
		case 0x0b: // end
			return
		case 0x41, 0x42, 0x23, 0xd2: // i32.const, i64.const, global.get, ref.func
			r.leb()
		case 0x43: // f32.const
			r.skip(4)
		case 0x44: // f64.const
			r.skip(8)
		case 0xd0: // ref.null type
			r.byte()
		case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e: // extended constant arithmetic
		default:
			r.err = fmt.Errorf("unsupported opcode 0x%02x in a constant expression", op)
		}
	}
}

// ImportModules lists the module names the module imports from, once each,
// in the order they first appear.
func ImportModules(wasm []byte) ([]string, error) {
	secs, err := Sections(wasm)
	if err != nil {
		return nil, err
	}
	var names []string
	seen := map[string]bool{}
	for _, s := range secs {
		if s.ID != sectionImport {
			continue
		}
		r := reader{b: wasm[s.Start:s.End]}
		count := r.uleb()
		for i := uint64(0); i < count && r.err == nil; i++ {
			mod := r.name()
			r.name()
			switch r.byte() {
			case 0:
				r.uleb()
			case 1:
				r.byte()
				r.limits()
			case 2:
				r.limits()
			case kindGlobal:
				r.byte()
				r.byte()
			default:
				return nil, fmt.Errorf("wasmfile: import %d has an unknown kind", i)
			}
			if r.err == nil && !seen[mod] {
				seen[mod] = true
				names = append(names, mod)
			}
		}
		if r.err != nil {
			return nil, fmt.Errorf("wasmfile: import section: %w", r.err)
		}
	}
	return names, nil
}
