package sandbox

import (
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestScanPackages(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret.py"), []byte("KEY = 1\n"), 0o644)
	escape := t.TempDir()
	os.Mkdir(filepath.Join(escape, "leak"), 0o755)
	os.WriteFile(filepath.Join(escape, "leak", "__init__.py"), []byte(""), 0o644)
	if err := os.Symlink(filepath.Join(outside, "secret.py"), filepath.Join(escape, "leak", "secret.py")); err != nil {
		t.Fatal(err)
	}
	inside := t.TempDir()
	os.Mkdir(filepath.Join(inside, "pkg"), 0o755)
	os.WriteFile(filepath.Join(inside, "pkg", "real.py"), []byte("X = 1\n"), 0o644)
	os.Symlink("real.py", filepath.Join(inside, "pkg", "alias.py"))
	for _, tc := range []struct {
		name, dir string
		want      []string
		wantErr   string
	}{
		{"modules, packages and a namespace package; metadata left out", "testdata/packages/course",
			[]string{"coursehelp", "geometry", "notes"}, ""},
		{"a compiled extension is refused", "testdata/packages/extension",
			nil, "fast/_speed.cpython-313-x86_64-linux-gnu.so is a compiled extension module: the sandbox runs only pure-Python packages"},
		{"a standard-library name is refused", "testdata/packages/shadow",
			nil, `"json" is the name of a standard-library module`},
		{"a link out of the directory is refused", escape, nil, "outside the directory"},
		{"a link inside the directory is served", inside, []string{"pkg"}, ""},
		{"a missing directory", filepath.Join(inside, "nothing"), nil, "no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ScanPackages(tc.dir)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	p, err := loadPackages(inside)
	if err != nil {
		t.Fatal(err)
	}
	if string(p.files["pkg/alias.py"]) != "X = 1\n" {
		t.Fatalf("the link inside the directory served %q", p.files["pkg/alias.py"])
	}
}

// An operator's packages: importable by name, compiled once, read-only,
// their state rewound like everything else, and a traceback through them
// shows their source.
func TestPackagesInPool(t *testing.T) {
	p := newTestPool(t, Config{Workers: 1, Packages: "testdata/packages/course"})
	if got := p.Packages(); !slices.Equal(got, []string{"coursehelp", "geometry", "notes"}) {
		t.Fatalf("Packages() = %q", got)
	}
	if allowed := p.AllowedModules(); !slices.Contains(allowed, "geometry") || !slices.Contains(allowed, "math") {
		t.Fatalf("AllowedModules() = %q", allowed)
	}
	for _, tc := range []struct {
		name, code, want, wantErr string
	}{
		{"a module", "import coursehelp\ncoursehelp.check(2 + 2, 4)\nprint(len(coursehelp.CALLS))", "ok\n1\n", ""},
		{"the module's state was rewound", "import coursehelp\nprint(len(coursehelp.CALLS))", "0\n", ""},
		{"a package and its relative import", "from geometry import Rect, area\nfrom fractions import Fraction as F\nprint(area(Rect(F(1, 2), F(2, 3))))", "1/3\n", ""},
		{"a namespace package's module", "from notes.sorting import insertion\nprint(insertion([3, 1, 2]))", "[1, 2, 3]\n", ""},
		{"a traceback shows the package's line", "from geometry import shapes\nshapes.broken()", "", `raise ValueError("raised inside the package")`},
		{"the files cannot be written", "import coursehelp\ntry:\n    with open(coursehelp.where(), 'w') as f:\n        f.write('CALLS = None')\nexcept OSError:\n    print('refused')\nprint(open(coursehelp.where()).readline().strip())",
			"refused\n\"\"\"A course's helper module: what a teacher hands out with an exercise.\"\"\"\n", ""},
		{"not on the allowlist: the dist-info", "import helper", "", "not in this server's allowlist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := p.Run(t.Context(), Request{Code: tc.code, Timeout: 20 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantErr == "" {
				if res.ExitCode != 0 || res.Stdout != tc.want {
					t.Fatalf("exit %d, stdout %q, stderr %q; want %q", res.ExitCode, res.Stdout, res.Stderr, tc.want)
				}
				return
			}
			all := res.Stderr
			for _, s := range []*string{res.Error, res.Traceback} {
				if s != nil {
					all += "\n" + *s
				}
			}
			for _, v := range res.SecurityViolations {
				all += "\n" + v.Message
			}
			if res.ExitCode == 0 || !strings.Contains(all, tc.wantErr) {
				t.Fatalf("exit %d, stderr %q; want an error containing %q", res.ExitCode, all, tc.wantErr)
			}
		})
	}
}

// The packages' sources are compiled once, and their bytecode is served
// beside them.
func TestPackagesBytecode(t *testing.T) {
	dir := "testdata/packages/course"
	eng, err := newEngine(t.Context(), testCacheDir(), append(slices.Clone(DefaultAllowedModules), "geometry"), DefaultMemoryLimit, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.close(t.Context())
	for _, name := range []string{"coursehelp", "geometry/__init__", "geometry/shapes", "notes/sorting"} {
		dir, file := path.Split(name)
		pyc := eng.stdlib[path.Join("lib/python3.13", dir, "__pycache__", file+".cpython-313.pyc")]
		if pyc == nil || len(pyc.Data) < 16 || pyc.Data[4] != 1 {
			t.Errorf("%s: no unchecked hash-based .pyc served", name)
		}
	}
}

func TestPackagesWithExtensionRefusedAtStart(t *testing.T) {
	_, err := NewPool(Config{Workers: 1, CacheDir: testCacheDir(), Packages: "testdata/packages/extension"}, discardLog())
	if err == nil || !strings.Contains(err.Error(), "compiled extension module") {
		t.Fatalf("NewPool: got %v, want the extension refused", err)
	}
}

func FuzzParseBytecode(f *testing.F) {
	f.Add([]byte("5 3\na.pyc\x00\x01\x02"))
	f.Add([]byte("1 1\nab"))
	f.Add([]byte("-1 4\nabc"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := parseBytecode(b)
		if err != nil {
			return
		}
		total := 0
		for name, pyc := range out {
			total += len(name) + len(pyc)
		}
		if total > len(b) {
			t.Fatalf("parsed %d bytes out of %d", total, len(b))
		}
	})
}
