// Package wasmfile edits WebAssembly binaries just enough to prepare the
// sandbox runtime: it drops custom sections (DWARF debug info) and blanks a
// byte range of the module's initial memory image (the data segments).
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
	sectionData   = 11
)

// Section is one top-level section of a module.
type Section struct {
	ID   byte
	Name string // custom sections only
	// Start and End delimit the section's payload inside the module.
	Start, End int
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
		end := start + int(size)
		if end > len(wasm) || end < start {
			return nil, fmt.Errorf("wasmfile: section at %d overruns the module", p)
		}
		s := Section{ID: id, Start: start, End: end}
		if id == sectionCustom {
			nameLen, m, err := uleb(wasm, start)
			if err != nil || start+m+int(nameLen) > end {
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

// Segment is an active data segment: Data is copied to memory at Offset.
type Segment struct {
	Offset uint32
	// Pos is where Data starts inside the module, so that it can be edited.
	Pos  int
	Data []byte
}

// DataSegments lists the module's active data segments for memory 0 whose
// offset is a constant.
func DataSegments(wasm []byte) ([]Segment, error) {
	secs, err := Sections(wasm)
	if err != nil {
		return nil, err
	}
	for _, s := range secs {
		if s.ID == sectionData {
			return parseData(wasm, s.Start, s.End)
		}
	}
	return nil, nil
}

func parseData(wasm []byte, p, end int) ([]Segment, error) {
	count, n, err := uleb(wasm, p)
	if err != nil {
		return nil, fmt.Errorf("wasmfile: data count: %w", err)
	}
	p += n
	var segs []Segment
	for i := uint64(0); i < count; i++ {
		if p >= end {
			return nil, errors.New("wasmfile: data section truncated")
		}
		flags := wasm[p]
		p++
		active := flags == 0
		var offset uint32
		if active {
			// Only `i32.const N; end` offsets are produced by wasm-ld.
			if p >= end || wasm[p] != 0x41 {
				return nil, fmt.Errorf("wasmfile: segment %d: unsupported offset expression", i)
			}
			v, m, err := sleb32(wasm, p+1)
			if err != nil {
				return nil, fmt.Errorf("wasmfile: segment %d offset: %w", i, err)
			}
			p += 1 + m
			if p >= end || wasm[p] != 0x0b {
				return nil, fmt.Errorf("wasmfile: segment %d: offset expression not terminated", i)
			}
			p++
			offset = uint32(v)
		} else if flags != 1 {
			return nil, fmt.Errorf("wasmfile: segment %d: unsupported flags %d", i, flags)
		}
		size, m, err := uleb(wasm, p)
		if err != nil || p+m+int(size) > end {
			return nil, fmt.Errorf("wasmfile: segment %d: bad size", i)
		}
		p += m
		if active {
			segs = append(segs, Segment{Offset: offset, Pos: p, Data: wasm[p : p+int(size)]})
		}
		p += int(size)
	}
	return segs, nil
}

// Memory returns the initial memory image built from the data segments:
// the bytes from the lowest segment offset to the end of the highest.
func Memory(segs []Segment) (base uint32, image []byte) {
	if len(segs) == 0 {
		return 0, nil
	}
	lo, hi := segs[0].Offset, uint32(0)
	for _, s := range segs {
		lo = min(lo, s.Offset)
		hi = max(hi, s.Offset+uint32(len(s.Data)))
	}
	image = make([]byte, hi-lo)
	for _, s := range segs {
		copy(image[s.Offset-lo:], s.Data)
	}
	return lo, image
}

// ZeroMemory overwrites, in place, the bytes of wasm's data segments that
// initialise memory addresses [from, to) with zeros. It reports how many bytes
// it changed.
func ZeroMemory(wasm []byte, segs []Segment, from, to uint32) int {
	n := 0
	for _, s := range segs {
		lo := max(from, s.Offset)
		hi := min(to, s.Offset+uint32(len(s.Data)))
		for a := lo; a < hi; a++ {
			wasm[s.Pos+int(a-s.Offset)] = 0
			n++
		}
	}
	return n
}

func uleb(b []byte, p int) (uint64, int, error) {
	v, n := binary.Uvarint(b[p:])
	if n <= 0 {
		return 0, 0, errors.New("bad LEB128")
	}
	return v, n, nil
}

func sleb32(b []byte, p int) (int32, int, error) {
	var result int64
	var shift uint
	for i := 0; p+i < len(b) && i < 5; i++ {
		c := b[p+i]
		result |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			if shift < 64 && c&0x40 != 0 {
				result |= -1 << shift
			}
			return int32(result), i + 1, nil
		}
	}
	return 0, 0, errors.New("bad signed LEB128")
}
