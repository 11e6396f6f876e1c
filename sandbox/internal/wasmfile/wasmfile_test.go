package wasmfile

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// module builds a tiny module: a custom section ".debug_x", a custom section
// "name", and a data section with two active segments.
func module() []byte {
	m := append([]byte{}, magic...)
	custom := func(name, body string) {
		payload := binary.AppendUvarint(nil, uint64(len(name)))
		payload = append(payload, name...)
		payload = append(payload, body...)
		m = append(m, sectionCustom)
		m = binary.AppendUvarint(m, uint64(len(payload)))
		m = append(m, payload...)
	}
	custom(".debug_x", "dwarf")
	custom("name", "names")
	var data []byte
	data = binary.AppendUvarint(data, 2)
	for _, seg := range []struct {
		offset byte
		bytes  string
	}{{16, "abcd"}, {20, "efgh"}} {
		data = append(data, 0, 0x41, seg.offset, 0x0b)
		data = binary.AppendUvarint(data, uint64(len(seg.bytes)))
		data = append(data, seg.bytes...)
	}
	m = append(m, sectionData)
	m = binary.AppendUvarint(m, uint64(len(data)))
	return append(m, data...)
}

func TestStripCustom(t *testing.T) {
	out, err := StripCustom(module(), func(n string) bool { return n == ".debug_x" })
	if err != nil {
		t.Fatal(err)
	}
	secs, err := Sections(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) != 2 || secs[0].Name != "name" || secs[1].ID != sectionData {
		t.Fatalf("got sections %+v, want name and data", secs)
	}
}

func TestMemoryAndZero(t *testing.T) {
	m := module()
	segs, err := DataSegments(m)
	if err != nil {
		t.Fatal(err)
	}
	base, image := Memory(segs)
	if base != 16 || string(image) != "abcdefgh" {
		t.Fatalf("got base %d image %q", base, image)
	}
	if n := ZeroMemory(m, segs, 18, 22); n != 4 {
		t.Fatalf("zeroed %d bytes, want 4", n)
	}
	segs, _ = DataSegments(m)
	_, image = Memory(segs)
	if !bytes.Equal(image, []byte("ab\x00\x00\x00\x00gh")) {
		t.Fatalf("got %q", image)
	}
}

func TestRejectsGarbage(t *testing.T) {
	for _, in := range [][]byte{nil, []byte("not wasm"), append(append([]byte{}, magic...), 1, 0xff)} {
		if _, err := Sections(in); err == nil {
			t.Fatalf("Sections(%q) succeeded", in)
		}
	}
}

func FuzzSections(f *testing.F) {
	f.Add(module())
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := Sections(data); err == nil {
			DataSegments(data)
			StripCustom(data, func(string) bool { return true })
		}
	})
}
