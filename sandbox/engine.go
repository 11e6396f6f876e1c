package sandbox

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing/fstest"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/coderemote/coderemote/sandbox/internal/wasmfile"
)

// The runtime is CPython 3.13 for WASI, built from source by
// runtime/build/build.sh and prepared by internal/cmd/prepare (debug
// sections stripped, mutable globals exported); runtime/README.md says how
// and lists the hashes that `make test` checks.
var (
	//go:embed runtime/python.wasm
	pythonWasm []byte
	//go:embed runtime/stdlib.zip
	stdlibZip []byte
	//go:embed guard.py
	guardSource string
	//go:embed closure.py
	closureSource string
	//go:embed bytecode.py
	bytecodeSource string
)

const (
	pageSize  = 64 << 10
	homeMount = "/py" // PYTHONHOME: the host-served standard library
	zipPath   = "lib/python313.zip"
	// globalPrefix names the exports internal/cmd/prepare adds for the
	// module's mutable globals.
	globalPrefix = "coderemote.global."
)

// engine holds what every run of one process shares: the wazero runtime,
// the compiled module and the allowlisted standard library.
type engine struct {
	rt       wazero.Runtime
	compiled wazero.CompiledModule
	stdlib   fstest.MapFS
	allowCSV string
	memLimit int        // a run's linear memory cap, in bytes
	rewind   RewindMode // how instances return to their checkpoint (never RewindAuto)
	wasi     wasiOriginals
	ballast  int // bytes the guard holds at the checkpoint: benchmarks of a larger image
	// notPreloaded lists (comma-separated) the packages the guard leaves to
	// programs to import: benchmarks of packages imported after the
	// checkpoint.
	notPreloaded string
	packages     []string // names of the operator's packages
	globals      []string // exports of the module's mutable globals
}

func newEngine(ctx context.Context, cacheDir string, allowed []string, memLimitBytes int, library, packages string) (*engine, error) {
	rcfg := wazero.NewRuntimeConfigCompiler().
		WithDebugInfoEnabled(false).                                            // DWARF traces make stopping a run take seconds
		WithMemoryLimitPages(uint32((memLimitBytes + growthSlack) / pageSize)). // the instance enforces memLimitBytes per run

		WithCloseOnContextDone(false) // runs are stopped by killing their worker process
	if cacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(cacheDir, "wazero"))
		if err != nil {
			return nil, fmt.Errorf("sandbox: compilation cache: %w", err)
		}
		rcfg = rcfg.WithCompilationCache(cache)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, rcfg)
	wasi, err := instantiateWASI(ctx, rt)
	if err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("sandbox: wasi: %w", err)
	}
	globals, err := wasmfile.ExportedGlobals(pythonWasm, globalPrefix)
	if err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("sandbox: python.wasm: %w", err)
	}
	compiled, err := rt.CompileModule(ctx, pythonWasm)
	if err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("sandbox: compile python.wasm: %w", err)
	}
	e := &engine{rt: rt, compiled: compiled, allowCSV: strings.Join(allowed, ","), memLimit: memLimitBytes, globals: globals, wasi: wasi}
	if e.rewind, err = ResolveRewindMode(RewindAuto); err != nil {
		rt.Close(ctx)
		return nil, err
	}
	var pkgs *packageDir
	stdlibAllowed := allowed
	if packages != "" {
		if pkgs, err = loadPackages(packages); err != nil {
			rt.Close(ctx)
			return nil, err
		}
		stdlibAllowed = slices.DeleteFunc(slices.Clone(allowed), func(m string) bool { return slices.Contains(pkgs.names, m) })
		e.packages = pkgs.names
	}
	prep, err := e.prepare(ctx, cacheDir, strings.Join(stdlibAllowed, ","))
	if err != nil {
		rt.Close(ctx)
		return nil, err
	}
	filtered, err := filterZip(stdlibZip, prep.entries, allowed, prep.guardPyc)
	if err != nil {
		rt.Close(ctx)
		return nil, err
	}
	e.stdlib = fstest.MapFS{zipPath: &fstest.MapFile{Data: filtered, Mode: 0o444}}
	if library != "" {
		if err := withLibrary(e.stdlib, library, prep.guardPyc); err != nil {
			rt.Close(ctx)
			return nil, fmt.Errorf("sandbox: library: %w", err)
		}
	}
	if pkgs != nil {
		if err := e.withPackages(ctx, cacheDir, pkgs, prep.guardPyc); err != nil {
			rt.Close(ctx)
			return nil, err
		}
	}
	return e, nil
}

func (e *engine) close(ctx context.Context) error { return e.rt.Close(ctx) }

// servedBytes is the size of the files instances are served (held in the
// Go heap).
func (e *engine) servedBytes() int64 {
	var n int64
	for _, f := range e.stdlib {
		n += int64(len(f.Data))
	}
	return n
}

// instantiateWASI provides WASI preview 1 with some functions replaced:
// proc_exit ends a run and rewinds the instance, fd_datasync takes the
// checkpoint (see instance), and every function that takes a descriptor
// keeps the instance's descriptor table as the checkpoint left it (see
// fdTable). The later export of a name wins.
func instantiateWASI(ctx context.Context, rt wazero.Runtime) (wasiOriginals, error) {
	orig, err := loadWASIOriginals(ctx, rt)
	if err != nil {
		return nil, err
	}
	b := rt.NewHostModuleBuilder(wasi_snapshot_preview1.ModuleName)
	wasi_snapshot_preview1.NewFunctionExporter().ExportFunctions(b)
	orig.exportFDGuards(b)
	i32 := []api.ValueType{api.ValueTypeI32}
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(procExit), i32, nil).Export("proc_exit")
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(fdDatasync), i32, i32).Export("fd_datasync")
	if _, err := b.Instantiate(ctx); err != nil {
		return nil, err
	}
	return orig, nil
}

// prepared is what closure.py computes for an allowlist.
type prepared struct {
	entries  []string // standard-library zip entries to serve
	guardPyc []byte   // the guard, compiled
}

// prepare runs closure.py against the full standard library, once per
// allowlist and runtime: the answer is cached under cacheDir.
func (e *engine) prepare(ctx context.Context, cacheDir, allowCSV string) (prepared, error) {
	key := sha256.Sum256([]byte(allowCSV + "\x00" + closureSource + "\x00" + guardSource + "\x00" + string(stdlibZip[len(stdlibZip)-64:])))
	cacheFile := ""
	if cacheDir != "" {
		cacheFile = filepath.Join(cacheDir, "stdlib-"+hex.EncodeToString(key[:8])+".txt")
		if b, err := os.ReadFile(cacheFile); err == nil {
			if p, err := parsePrepared(b); err == nil {
				return p, nil
			}
		}
	}
	full, err := wholeLibrary(nil)
	if err != nil {
		return prepared{}, err
	}
	var out, errOut bytes.Buffer
	fsys := fstest.MapFS{
		zipPath:    &fstest.MapFile{Data: full, Mode: 0o444},
		"guard.py": &fstest.MapFile{Data: []byte(guardSource), Mode: 0o444},
	}
	cfg := e.baseConfig(fsys).
		WithArgs("python", "-S", "-B", "-c", closureSource, allowCSV).
		WithStdout(&out).WithStderr(&errOut).WithStdin(strings.NewReader(""))
	mod, err := e.rt.InstantiateModule(ctx, e.compiled, cfg)
	if mod != nil {
		mod.Close(ctx)
	}
	if err != nil && !isExit0(err) {
		return prepared{}, fmt.Errorf("sandbox: preparing the standard library for the allowlist: %v: %s", err, errOut.String())
	}
	if errOut.Len() > 0 {
		return prepared{}, fmt.Errorf("sandbox: allowlist: %s", strings.TrimSpace(errOut.String()))
	}
	p, err := parsePrepared(out.Bytes())
	if err != nil {
		return prepared{}, err
	}
	if cacheFile != "" {
		if err := writeFileAtomic(cacheFile, out.Bytes()); err != nil {
			return prepared{}, fmt.Errorf("sandbox: %w", err)
		}
	}
	return p, nil
}

func parsePrepared(b []byte) (prepared, error) {
	var p prepared
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if h, ok := strings.CutPrefix(line, "guard-pyc "); ok {
			pyc, err := hex.DecodeString(h)
			if err != nil {
				return p, fmt.Errorf("sandbox: compiled guard: %w", err)
			}
			p.guardPyc = pyc
		} else if line != "" {
			p.entries = append(p.entries, line)
		}
	}
	if p.guardPyc == nil {
		return p, fmt.Errorf("sandbox: preparing the standard library produced no guard")
	}
	return p, nil
}

// baseConfig is what every instance gets: deny by default, then exactly the
// capabilities a Python program needs.
func (e *engine) baseConfig(stdlib fstest.MapFS) wazero.ModuleConfig {
	return wazero.NewModuleConfig().
		WithName(""). // anonymous: many instances may live at once
		WithEnv("PYTHONHOME", homeMount).
		WithFSConfig(wazero.NewFSConfig().WithFSMount(stdlib, homeMount)).
		WithRandSource(rand.Reader).
		WithSysWalltime().WithSysNanotime().WithSysNanosleep()
}

// guardModule is the name under which instances import the compiled guard.
const guardModule = "_coderemote_guard"

// filterZip copies the entries of src that are in keep, every entry of an
// allowed package (its submodules load on demand: `import xml.etree`), the
// codecs and __future__ (which any program may use) into a new zip, and adds
// the compiled guard.
func filterZip(src []byte, keep, allowed []string, guardPyc []byte) ([]byte, error) {
	slices.Sort(keep)
	return storedZip(src, func(name string) bool {
		_, wanted := slices.BinarySearch(keep, name)
		top, _, isPkg := strings.Cut(name, "/")
		return wanted || isPkg && slices.Contains(allowed, top) || strings.HasPrefix(name, "encodings/") || name == "__future__.pyc"
	}, map[string][]byte{guardModule + ".pyc": guardPyc})
}

// withLibrary serves the whole standard library and the compiled guard as
// the zip, and the directory dir under its own name beside it
// (Config.Library).
func withLibrary(stdlib fstest.MapFS, dir string, guardPyc []byte) error {
	full, err := wholeLibrary(guardPyc)
	if err != nil {
		return err
	}
	stdlib[zipPath] = &fstest.MapFile{Data: full, Mode: 0o444}
	base := path.Join(path.Dir(zipPath), "python3.13", filepath.Base(dir))
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		stdlib[path.Join(base, filepath.ToSlash(rel))] = &fstest.MapFile{Data: data, Mode: 0o444}
		return nil
	})
}

// wholeLibrary is the whole standard library as a stored zip, with the
// compiled guard if guardPyc is not nil.
func wholeLibrary(guardPyc []byte) ([]byte, error) {
	var extra map[string][]byte
	if guardPyc != nil {
		extra = map[string][]byte{guardModule + ".pyc": guardPyc}
	}
	return storedZip(stdlibZip, func(string) bool { return true }, extra)
}

// storedZip copies the entries of src for which keep reports true, and adds
// extra, into a new zip whose entries are stored uncompressed: the
// interpreter is built without zlib, so zipimport reads only stored entries.
func storedZip(src []byte, keep func(name string) bool, extra map[string][]byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		return nil, fmt.Errorf("sandbox: stdlib.zip: %w", err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, r io.Reader) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err == nil {
			_, err = io.Copy(w, r)
		}
		return err
	}
	for _, f := range zr.File {
		if !keep(f.Name) {
			continue
		}
		r, err := f.Open()
		if err == nil {
			err = add(f.Name, r)
			r.Close()
		}
		if err != nil {
			return nil, fmt.Errorf("sandbox: stdlib.zip %s: %w", f.Name, err)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(extra)) {
		if err := add(name, bytes.NewReader(extra[name])); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// GuardSource is the guard's Python source (sandbox/guard.py): its rule
// lists are read by the static check that the editor uses while you type.
func GuardSource() string { return guardSource }
