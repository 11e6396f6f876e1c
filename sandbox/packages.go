package sandbox

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing/fstest"
)

// An operator's packages (Config.Packages): a directory of unpacked
// pure-Python packages, such as a course's helper module or what Debian's
// python3-sympy puts in dist-packages. Each top-level package or module in
// it joins the allowlist; the files are copied into memory when a worker
// starts and served read-only beside the standard library, so a program can
// neither write them nor reach anything outside them.

// maxPackageBytes caps what a packages directory may hold: every worker
// keeps a copy in memory.
const maxPackageBytes = 512 << 20

// extensionSuffixes name compiled extension modules, which the sandbox's
// interpreter cannot load (it has no dynamic linking).
var extensionSuffixes = []string{".so", ".pyd", ".dylib", ".dll"}

// packageDir is a scanned packages directory.
type packageDir struct {
	names []string          // top-level importable names, sorted
	files map[string][]byte // slash path relative to the directory → contents
	key   [32]byte          // hash of the paths and contents
}

// ScanPackages checks a packages directory and returns the top-level names
// a program may import from it. It refuses a directory that holds a compiled
// extension module, a name the standard library already has, or a link that
// leads outside the directory, with a message that says which file.
func ScanPackages(dir string) ([]string, error) {
	p, err := loadPackages(dir)
	if err != nil {
		return nil, err
	}
	return p.names, nil
}

func loadPackages(dir string) (*packageDir, error) {
	root, err := filepath.Abs(dir)
	if err == nil {
		root, err = filepath.EvalSymlinks(root)
	}
	if err != nil {
		return nil, fmt.Errorf("sandbox: packages: %w", err)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("sandbox: packages: %w", err)
	}
	p := &packageDir{files: map[string][]byte{}}
	total := 0
	for _, e := range entries {
		name, ok := topLevelName(e)
		if !ok {
			continue
		}
		if err := refuseStdlibName(name); err != nil {
			return nil, err
		}
		p.names = append(p.names, name)
		if err := p.add(root, e.Name(), &total); err != nil {
			return nil, err
		}
	}
	slices.Sort(p.names)
	p.names = slices.Compact(p.names)
	h := sha256.New()
	for _, rel := range slices.Sorted(maps.Keys(p.files)) {
		fmt.Fprintf(h, "%s\x00%d\x00", rel, len(p.files[rel]))
		h.Write(p.files[rel])
	}
	copy(p.key[:], h.Sum(nil))
	return p, nil
}

// topLevelName is the module name a directory entry provides, if any: a
// directory named as an identifier (a package, or a namespace package), a
// .py file, or a compiled extension (refused later, by add).
func topLevelName(e fs.DirEntry) (string, bool) {
	name := e.Name()
	if e.IsDir() || e.Type()&fs.ModeSymlink != 0 && !strings.Contains(name, ".") {
		return name, validModuleName(name) && name != "__pycache__"
	}
	if base, ok := strings.CutSuffix(name, ".py"); ok {
		return base, validModuleName(base)
	}
	for _, suffix := range extensionSuffixes {
		if strings.HasSuffix(name, suffix) {
			base, _, _ := strings.Cut(name, ".")
			return base, validModuleName(base)
		}
	}
	return "", false
}

// add copies the file or tree rel (relative to root) into p.files.
func (p *packageDir) add(root, rel string, total *int) error {
	return filepath.WalkDir(filepath.Join(root, rel), func(file string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("sandbox: packages: %w", err)
		}
		if d.IsDir() && d.Name() == "__pycache__" {
			return fs.SkipDir // bytecode of some other interpreter; the sandbox compiles its own
		}
		if d.IsDir() {
			return nil
		}
		relPath, _ := filepath.Rel(root, file)
		for _, suffix := range extensionSuffixes {
			if strings.HasSuffix(d.Name(), suffix) || strings.Contains(d.Name(), suffix+".") {
				return fmt.Errorf("sandbox: packages: %s is a compiled extension module: the sandbox runs only pure-Python packages (its interpreter cannot load C extensions); remove %s from the directory", relPath, topOf(relPath))
			}
		}
		data, err := readInside(root, file, relPath)
		if err != nil || data == nil {
			return err
		}
		if *total += len(data); *total > maxPackageBytes {
			return fmt.Errorf("sandbox: packages: the directory holds more than %d MiB; every worker keeps a copy in memory", maxPackageBytes>>20)
		}
		p.files[filepath.ToSlash(relPath)] = data
		return nil
	})
}

// readInside reads file, following a symbolic link only to a regular file
// inside root. It returns nil for what is not a regular file.
func readInside(root, file, rel string) ([]byte, error) {
	real, err := filepath.EvalSymlinks(file)
	if err != nil {
		return nil, fmt.Errorf("sandbox: packages: %s: %w", rel, err)
	}
	if real != root && !strings.HasPrefix(real, root+string(filepath.Separator)) {
		return nil, fmt.Errorf("sandbox: packages: %s is a link to %s, outside the directory: the sandbox serves only what is inside it", rel, real)
	}
	info, err := os.Stat(real)
	if err != nil {
		return nil, fmt.Errorf("sandbox: packages: %s: %w", rel, err)
	}
	if info.IsDir() {
		return nil, fmt.Errorf("sandbox: packages: %s is a link to a directory; copy the directory instead", rel)
	}
	if !info.Mode().IsRegular() {
		return nil, nil
	}
	data, err := os.ReadFile(real)
	if err != nil {
		return nil, fmt.Errorf("sandbox: packages: %w", err)
	}
	return data, nil
}

func topOf(rel string) string {
	top, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
	return top
}

// refuseStdlibName refuses a package named like a module of the standard
// library (or the guard): the standard library's would be imported instead.
func refuseStdlibName(name string) error {
	if name == guardModule || name == "__main__" || stdlibTopLevel()[name] {
		return fmt.Errorf("sandbox: packages: %q is the name of a standard-library module, which would be imported instead; the sandbox cannot serve a package of that name", name)
	}
	return nil
}

var stdlibTopLevel = sync.OnceValue(func() map[string]bool {
	names := map[string]bool{}
	zr, err := zip.NewReader(bytes.NewReader(stdlibZip), int64(len(stdlibZip)))
	if err != nil {
		return names
	}
	for _, f := range zr.File {
		top, _, _ := strings.Cut(f.Name, "/")
		names[strings.TrimSuffix(top, ".pyc")] = true
	}
	for _, m := range builtinModules {
		names[m] = true
	}
	return names
})

// builtinModules are modules compiled into the interpreter (no file in the
// zip) that a package could be named after.
var builtinModules = []string{"sys", "builtins", "posix", "math", "cmath", "_io", "marshal", "zlib",
	"array", "time", "itertools", "gc", "errno", "select", "binascii", "unicodedata", "pyexpat"}

// serve adds the packages and their compiled bytecode to the files an
// instance sees, under lib/python3.13 (on sys.path after the zip).
func (p *packageDir) serve(fsys fstest.MapFS, bytecode map[string][]byte) {
	base := path.Join(path.Dir(zipPath), "python3.13")
	for rel, data := range p.files {
		fsys[path.Join(base, rel)] = &fstest.MapFile{Data: data, Mode: 0o444}
	}
	for rel, pyc := range bytecode {
		dir, file := path.Split(rel)
		name := path.Join(base, dir, "__pycache__", strings.TrimSuffix(file, ".py")+".cpython-313.pyc")
		fsys[name] = &fstest.MapFile{Data: pyc, Mode: 0o444}
	}
}

// withPackages serves the whole standard library (a package's own imports
// are not the program's: they follow no allowlist, as the standard
// library's own do not) and the packages in dir with their bytecode.
func (e *engine) withPackages(ctx context.Context, cacheDir string, p *packageDir, guardPyc []byte) error {
	full, err := wholeLibrary(guardPyc)
	if err != nil {
		return err
	}
	e.stdlib[zipPath] = &fstest.MapFile{Data: full, Mode: 0o444}
	bytecode, err := e.compilePackages(ctx, cacheDir, p)
	if err != nil {
		return err
	}
	p.serve(e.stdlib, bytecode)
	return nil
}

// compilePackages compiles the packages' sources in an instance of the
// sandbox's own interpreter (bytecode.py), or reads the result from the
// cache directory, where it is kept under the packages' and the runtime's
// hashes.
func (e *engine) compilePackages(ctx context.Context, cacheDir string, p *packageDir) (map[string][]byte, error) {
	cacheFile := ""
	if cacheDir != "" {
		key := sha256.Sum256(append(p.key[:], stdlibZip[len(stdlibZip)-64:]...))
		cacheFile = filepath.Join(cacheDir, "packages-"+hex.EncodeToString(key[:8])+".bin")
		if b, err := os.ReadFile(cacheFile); err == nil {
			if out, err := parseBytecode(b); err == nil {
				return out, nil
			}
		}
	}
	fsys := fstest.MapFS{}
	full, err := wholeLibrary(nil)
	if err != nil {
		return nil, err
	}
	fsys[zipPath] = &fstest.MapFile{Data: full, Mode: 0o444}
	p.serve(fsys, nil)
	var out, errOut bytes.Buffer
	cfg := e.baseConfig(fsys).
		WithArgs("python", "-S", "-B", "-c", bytecodeSource).
		WithStdout(&out).WithStderr(&errOut).
		WithStdin(strings.NewReader(strings.Join(p.sources(), "\n")))
	mod, err := e.rt.InstantiateModule(ctx, e.compiled, cfg)
	if mod != nil {
		mod.Close(ctx)
	}
	if err != nil && !isExit0(err) {
		return nil, fmt.Errorf("sandbox: packages: compiling: %v: %s", err, errOut.String())
	}
	bytecode, err := parseBytecode(out.Bytes())
	if err != nil {
		return nil, err
	}
	if cacheFile != "" {
		if err := writeFileAtomic(cacheFile, out.Bytes()); err != nil {
			return nil, fmt.Errorf("sandbox: %w", err)
		}
	}
	return bytecode, nil
}

// parseBytecode reads bytecode.py's output.
func parseBytecode(b []byte) (map[string][]byte, error) {
	out := map[string][]byte{}
	for len(b) > 0 {
		line, rest, ok := bytes.Cut(b, []byte("\n"))
		var nameLen, pycLen int
		if n, err := fmt.Sscanf(string(line), "%d %d", &nameLen, &pycLen); !ok || err != nil || n != 2 ||
			nameLen <= 0 || pycLen <= 0 || nameLen+pycLen > len(rest) {
			return nil, fmt.Errorf("sandbox: packages: malformed bytecode record")
		}
		out[string(rest[:nameLen])] = rest[nameLen : nameLen+pycLen]
		b = rest[nameLen+pycLen:]
	}
	if len(out) == 0 {
		return nil, errNoBytecode
	}
	return out, nil
}

// sources lists the .py files to compile.
func (p *packageDir) sources() []string {
	var out []string
	for rel := range p.files {
		if strings.HasSuffix(rel, ".py") {
			out = append(out, rel)
		}
	}
	slices.Sort(out)
	return out
}

var errNoBytecode = errors.New("sandbox: packages: compiling produced no bytecode")
