package sandbox

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// The host side of an instance's WASI state is its descriptor table (wazero
// keeps it, outside linear memory, so a rewind of the memory does not touch
// it). The checkpoint covers it too: the descriptors open at the checkpoint
// (standard input, output and error, and the preopened directories) are
// reserved, and a run cannot change what they are bound to; descriptors a
// run opens are closed when it is rewound. Concretely:
//
//   - fd_close of a reserved descriptor closes it for the rest of the run
//     only: every later call on it fails with EBADF, as after a real close,
//     and the rewind makes it usable again.
//   - fd_renumber and fd_fdstat_set_flags on a reserved descriptor are
//     refused (ENOTSUP): they would change its host-side binding or flags.
//   - Descriptors opened by path_open (or sock_accept) are tracked, and
//     those still open when the run ends are closed by the rewind.
//
// The instance's other host-side state keeps nothing of a run: the clocks
// and the random source are read-only views of the host's, sleeping is
// instance.sleep, stdin/stdout/stderr are the instance's own reader and
// writers, which belong to the run in progress, and /cr/result is bound to
// the run in progress when it is opened.

// WASI errno values the descriptor guard returns.
const (
	wasiErrnoSuccess = 0
	wasiErrnoNotsup  = 58
)

// fdParams lists, for each WASI function that takes descriptors, the
// positions of those parameters.
var fdParams = map[string][]int{
	"fd_advise": {0}, "fd_allocate": {0}, "fd_close": {0}, "fd_fdstat_get": {0},
	"fd_fdstat_set_flags": {0}, "fd_fdstat_set_rights": {0}, "fd_filestat_get": {0},
	"fd_filestat_set_size": {0}, "fd_filestat_set_times": {0}, "fd_pread": {0}, "fd_prestat_get": {0},
	"fd_prestat_dir_name": {0}, "fd_pwrite": {0}, "fd_read": {0}, "fd_readdir": {0}, "fd_renumber": {0, 1},
	"fd_seek": {0}, "fd_sync": {0}, "fd_tell": {0}, "fd_write": {0},
	"path_create_directory": {0}, "path_filestat_get": {0}, "path_filestat_set_times": {0},
	"path_link": {0, 4}, "path_open": {0}, "path_readlink": {0}, "path_remove_directory": {0},
	"path_rename": {0, 3}, "path_symlink": {2}, "path_unlink_file": {0},
	"sock_accept": {0}, "sock_recv": {0}, "sock_send": {0}, "sock_shutdown": {0},
}

// preopens is how many directories an instance has preopened (homeMount
// and /cr): they follow standard input, output and error.
const preopens = 2

// fdTable is what an instance's host knows of its descriptor table. It is
// touched only on the guest's goroutine.
type fdTable struct {
	opened   map[int32]bool // by the guest, not yet closed
	reserved map[int32]bool // open at the checkpoint
	closed   map[int32]bool // reserved, and closed by the run in progress
}

func newFDTable() *fdTable {
	return &fdTable{opened: map[int32]bool{}, closed: map[int32]bool{}}
}

// checkpoint reserves the descriptors open now.
func (t *fdTable) checkpoint() {
	t.reserved = map[int32]bool{}
	for fd := range int32(3 + preopens) {
		t.reserved[fd] = true
	}
	for fd := range t.opened {
		t.reserved[fd] = true
	}
	clear(t.opened)
}

// rewind returns the table to the checkpoint's: reserved descriptors open
// again, the run's own closed (with closeFn, wazero's fd_close).
func (t *fdTable) rewind(ctx context.Context, mod api.Module, closeFn api.GoModuleFunction) error {
	clear(t.closed)
	for _, fd := range slices.Sorted(maps.Keys(t.opened)) {
		stack := []uint64{uint64(uint32(fd))}
		closeFn.Call(ctx, mod, stack)
		if stack[0] != wasiErrnoSuccess {
			return fmt.Errorf("sandbox: close descriptor %d left open by the run: WASI errno %d", fd, stack[0])
		}
		delete(t.opened, fd)
	}
	return nil
}

// call runs one WASI function on behalf of the guest, applying the rules
// above; orig is wazero's implementation.
func (t *fdTable) call(name string, orig api.GoModuleFunction, ctx context.Context, mod api.Module, stack []uint64) {
	fds := fdParams[name]
	for _, i := range fds {
		if t.closed[int32(stack[i])] {
			stack[0] = wasiErrnoBadf
			return
		}
	}
	fd := int32(stack[fds[0]])
	switch name {
	case "fd_close":
		if t.reserved[fd] {
			t.closed[fd] = true
			stack[0] = wasiErrnoSuccess
			return
		}
		if orig.Call(ctx, mod, stack); stack[0] == wasiErrnoSuccess {
			delete(t.opened, fd)
		}
	case "fd_renumber":
		to := int32(stack[1])
		if t.reserved[fd] || t.reserved[to] {
			stack[0] = wasiErrnoNotsup
			return
		}
		if orig.Call(ctx, mod, stack); stack[0] == wasiErrnoSuccess {
			delete(t.opened, fd)
			t.opened[to] = true
		}
	case "fd_fdstat_set_flags":
		if t.reserved[fd] {
			stack[0] = wasiErrnoNotsup
			return
		}
		orig.Call(ctx, mod, stack)
	case "path_open", "sock_accept":
		result := uint32(stack[len(stack)-1]) // where the new descriptor is written
		if name == "sock_accept" {
			result = uint32(stack[2])
		}
		if orig.Call(ctx, mod, stack); stack[0] == wasiErrnoSuccess {
			if newFD, ok := mod.Memory().ReadUint32Le(result); ok {
				t.opened[int32(newFD)] = true
			}
		}
	default:
		orig.Call(ctx, mod, stack)
	}
}

// wasiOriginals are wazero's own WASI functions, which the host module's
// replacements call.
type wasiOriginals map[string]api.FunctionDefinition

func loadWASIOriginals(ctx context.Context, rt wazero.Runtime) (wasiOriginals, error) {
	b := rt.NewHostModuleBuilder("coderemote_wasi_originals")
	wasi_snapshot_preview1.NewFunctionExporter().ExportFunctions(b)
	compiled, err := b.Compile(ctx)
	if err != nil {
		return nil, err
	}
	defs := compiled.ExportedFunctions()
	for name := range fdParams {
		def, ok := defs[name]
		if !ok {
			return nil, fmt.Errorf("wazero has no WASI function %s", name)
		}
		if _, ok := def.GoFunction().(api.GoModuleFunction); !ok {
			return nil, fmt.Errorf("wazero's WASI function %s is not a Go module function", name)
		}
	}
	return defs, nil
}

func (o wasiOriginals) fn(name string) api.GoModuleFunction {
	return o[name].GoFunction().(api.GoModuleFunction)
}

// exportFDGuards replaces, in the WASI host module being built, every
// function that takes a descriptor with one that applies the instance's
// fdTable.
func (o wasiOriginals) exportFDGuards(b wazero.HostModuleBuilder) {
	for name := range fdParams {
		orig, def := o.fn(name), o[name]
		b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, mod api.Module, stack []uint64) {
			in := instanceFrom(ctx)
			if in == nil {
				orig.Call(ctx, mod, stack)
				return
			}
			in.fds.call(name, orig, ctx, mod, stack)
		}), def.ParamTypes(), def.ResultTypes()).Export(name)
	}
}
