package sandbox

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coderemote/coderemote/sandbox/internal/wasmfile"
)

// nativePython313 is CPython 3.13 built from the runtime's own source by
// runtime/build/build.sh, if this machine has built it.
func nativePython313() string {
	if p := os.Getenv("CODEREMOTE_NATIVE_PYTHON313"); p != "" {
		return p
	}
	p := "/var/tmp/coderemote-cpython/native/python"
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// TestProgramsMatchNativeCPython runs real programs (testdata/programs) in
// the sandbox and compares their output with what native CPython 3.13,
// built from the same source, printed for them (the .expected golden files).
// Where that native build is on the machine, the golden files are checked
// against it too.
func TestProgramsMatchNativeCPython(t *testing.T) {
	files, err := filepath.Glob("testdata/programs/*.py")
	if err != nil || len(files) == 0 {
		t.Fatalf("no programs: %v", err)
	}
	p := sharedPool(t)
	native := nativePython313()
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".py")
		t.Run(name, func(t *testing.T) {
			code, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(file, ".py") + ".expected")
			if err != nil {
				t.Fatal(err)
			}
			if native != "" {
				out, err := exec.Command(native, "-S", "-c", string(code)).CombinedOutput()
				if err != nil || string(out) != string(want) {
					t.Fatalf("native CPython 3.13 printed %q (%v), the golden file says %q", out, err, want)
				}
			}
			res := run(t, p, string(code), "", 30*time.Second)
			if res.Stdout != string(want) || res.Stderr != "" || !res.Success {
				t.Fatalf("the sandbox printed\n%s\nstderr %q (%s), native CPython 3.13 printed\n%s", res.Stdout, res.Stderr, str(res.ErrorType), want)
			}
		})
	}
}

// TestCAcceleratorsAreUsed: the modules whose speed programs rely on run
// their C implementations, as in native CPython.
func TestCAcceleratorsAreUsed(t *testing.T) {
	p := sharedPool(t)
	code := "import decimal, json.decoder, datetime, heapq, random, collections, functools, re\n" +
		"print(hasattr(decimal, '__libmpdec_version__'), json.decoder.c_scanstring is not None)\n" +
		"print(type(datetime.date.today).__name__, type(heapq.heappush).__name__, type(random.random).__name__)\n" +
		"print(type(collections.deque).__module__, type(functools.reduce).__name__, type(re.compile).__name__)\n"
	want := "True True\nbuiltin_function_or_method builtin_function_or_method builtin_function_or_method\nbuiltins builtin_function_or_method function\n"
	if res := run(t, p, code, "", 0); res.Stdout != want {
		t.Fatalf("got %q %s, want %q", res.Stdout, str(res.Error), want)
	}
}

// TestRuntimeImportsOnlyWASIPreview1: the module asks its host for nothing
// but WASI preview 1 (the sandbox's boundary is what that offers).
func TestRuntimeImportsOnlyWASIPreview1(t *testing.T) {
	mods, err := wasmfile.ImportModules(pythonWasm)
	if err != nil {
		t.Fatal(err)
	}
	if len(mods) != 1 || mods[0] != "wasi_snapshot_preview1" {
		t.Fatalf("the runtime imports from %q", mods)
	}
}
