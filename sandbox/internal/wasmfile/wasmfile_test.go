package wasmfile

import (
	"encoding/binary"
	"testing"
)

// module builds a tiny module: custom sections ".debug_x" and "name", one
// imported global, two defined globals (the first mutable) and an export.
func module() []byte {
	m := append([]byte{}, magic...)
	section := func(id byte, payload []byte) {
		m = append(m, id)
		m = binary.AppendUvarint(m, uint64(len(payload)))
		m = append(m, payload...)
	}
	custom := func(name, body string) {
		payload := binary.AppendUvarint(nil, uint64(len(name)))
		payload = append(payload, name...)
		section(sectionCustom, append(payload, body...))
	}
	custom(".debug_x", "dwarf")
	custom("name", "names")
	// import "env" "g": global i32, immutable
	section(sectionImport, []byte{1, 3, 'e', 'n', 'v', 1, 'g', kindGlobal, 0x7f, 0})
	// global 1: mut i32 = 8; global 2: const i64 = -1 (ten-byte LEB128)
	section(sectionGlobal, []byte{2,
		0x7f, 1, 0x41, 8, 0x0b,
		0x7e, 0, 0x42, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x0b})
	// export "memory": memory 0
	section(sectionExport, []byte{1, 6, 'm', 'e', 'm', 'o', 'r', 'y', 2, 0})
	return m
}

func TestExportMutableGlobals(t *testing.T) {
	out, err := ExportMutableGlobals(module(), "g.")
	if err != nil {
		t.Fatal(err)
	}
	names, err := ExportedGlobals(out, "g.")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || names[0] != "g.1" {
		t.Fatalf("got exported globals %q, want [g.1] (index after the one import)", names)
	}
	if _, err := Sections(out); err != nil {
		t.Fatalf("rewritten module does not parse: %v", err)
	}
	if again, _ := ExportedGlobals(module(), "g."); len(again) != 0 {
		t.Fatalf("the original module changed: %q", again)
	}
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
	if len(secs) != 4 || secs[0].Name != "name" || secs[3].ID != sectionExport {
		t.Fatalf("got sections %+v, want name, import, global, export", secs)
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
			ImportModules(data)
			if out, err := ExportMutableGlobals(data, "g."); err == nil {
				ExportedGlobals(out, "g.")
			}
			StripCustom(data, func(string) bool { return true })
		}
	})
}
