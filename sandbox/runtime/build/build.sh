#!/usr/bin/env bash
# Builds the sandbox's Python runtime from source, offline, from Debian
# packages only: CPython 3.13.5 for wasm32-wasi, optimised, without debug
# information, and its standard library as a zip of bytecode. See README.md
# beside this file for the recipe, the pinned inputs and the outputs' hashes.
#
# Usage: build.sh OUTDIR
#   OUTDIR receives python.wasm (as linked, before `prepare`) and stdlib.zip.
#   The native build of the same source stays in $ROOT/native (make bench
#   compares with it).
# The build happens under $ROOT (default /var/tmp/coderemote-cpython): a fixed
# path, because the standard library's sysconfig data records build paths.
set -euo pipefail

OUT=${1:?usage: build.sh OUTDIR}
ROOT=${ROOT:-/var/tmp/coderemote-cpython}
JOBS=${JOBS:-$(nproc)}
HERE=$(cd "$(dirname "$0")" && pwd)

PY_VERSION=3.13.5
PY_ORIG=python3.13_${PY_VERSION}.orig.tar.xz
PY_ORIG_SHA256=93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640
WASI_LIBC_VERSION=0.0~git20241209.574b88d-2
WASI_LIBC_DEB=wasi-libc_${WASI_LIBC_VERSION}_all.deb
WASI_LIBC_SHA256=b7716260051d289248b7667f81fa2792c125d888ff51da3fa09c6272cc0bd11d
# zlib, built into the interpreter (the zlib module, gzip, zipfile's deflate):
# trixie's source package; only its upstream tarball is used.
ZLIB_VERSION=1.3.1
ZLIB_ORIG=zlib_1.3.dfsg+really${ZLIB_VERSION}.orig.tar.gz
ZLIB_ORIG_SHA256=60dd315c07f616887caa029408308a018ace66e3d142726a97db164b3b8f69fb
# bzip2 and xz's liblzma, built into the interpreter (the bz2 and lzma
# modules; networkx imports bz2 at import time): trixie's source packages,
# only their upstream tarballs.
BZIP2_VERSION=1.0.8
BZIP2_ORIG=bzip2_${BZIP2_VERSION}.orig.tar.gz
BZIP2_ORIG_SHA256=ab5a03176ee106d3f0fa90e381da478ddae405918153cca248e682cd0c4a2269
XZ_VERSION=5.8.1
XZ_ORIG=xz-utils_${XZ_VERSION}.orig.tar.xz
XZ_ORIG_SHA256=0b54f79df85912504de0b14aec7971e3f964491af1812d83447005807513cd9e
# The optimisation level was measured: -O3 changed little (≈5 %) over -O2 on
# this interpreter, -O1 was 2× slower, full LTO 5–10 % slower (and 28 %
# bigger); see docs/performance.md.
OPT_FLAGS="-DNDEBUG -O2"
# CPython's own WASI link flags give an 8 MiB C stack, placed first in memory.
STACK_SIZE=8388608
# Reproducible: __DATE__ and __TIME__ (sys.version) come from here, not the clock.
export SOURCE_DATE_EPOCH=1749254400 # 2025-06-07, CPython 3.13.5's tag

log() { printf '== %s\n' "$*" >&2; }

tools() {
	local missing=()
	for p in clang-16 lld-16 llvm-16 libclang-rt-16-dev-wasm32 make gcc pkg-config; do
		dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
	done
	if ((${#missing[@]})); then
		log "installing ${missing[*]}"
		apt-get install -y -q "${missing[@]}"
	fi
}

# trixie's source package has CPython 3.13.5; its wasi-libc binary package
# (arch all) is recent enough (bookworm's 2022 one lacks pthread_t sizes).
# The pin keeps trixie from ever being preferred for installs.
trixie_sources() {
	[ -f /etc/apt/sources.list.d/coderemote-trixie.sources ] && return
	log "adding trixie (deb-src and deb, pinned to priority 1) to apt's sources"
	cat >/etc/apt/sources.list.d/coderemote-trixie.sources <<'SRC'
Types: deb deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	cat >/etc/apt/preferences.d/coderemote-trixie <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 1
PIN
	apt-get update -q
}

check() { # file sha256
	local got
	got=$(sha256sum "$1" | cut -d' ' -f1)
	[ "$got" = "$2" ] || { echo "$1: SHA-256 $got, want $2" >&2; exit 1; }
}

inputs() {
	mkdir -p "$ROOT/inputs"
	cd "$ROOT/inputs"
	if [ ! -f "$PY_ORIG" ] || [ ! -f "$WASI_LIBC_DEB" ] || [ ! -f "$ZLIB_ORIG" ] || [ ! -f "$BZIP2_ORIG" ] || [ ! -f "$XZ_ORIG" ]; then
		trixie_sources
		[ -f "$PY_ORIG" ] || apt-get source --download-only "python3.13/trixie"
		[ -f "$WASI_LIBC_DEB" ] || apt-get download "wasi-libc=$WASI_LIBC_VERSION"
		# Only the upstream tarball is needed; the archive may have moved the
		# package's Debian parts to a newer revision (apt then fails on those).
		[ -f "$ZLIB_ORIG" ] || apt-get source --download-only "zlib/trixie" || [ -f "$ZLIB_ORIG" ]
		[ -f "$BZIP2_ORIG" ] || apt-get source --download-only "bzip2/trixie" || [ -f "$BZIP2_ORIG" ]
		[ -f "$XZ_ORIG" ] || apt-get source --download-only "xz-utils/trixie" || [ -f "$XZ_ORIG" ]
	fi
	check "$PY_ORIG" "$PY_ORIG_SHA256"
	check "$WASI_LIBC_DEB" "$WASI_LIBC_SHA256"
	check "$ZLIB_ORIG" "$ZLIB_ORIG_SHA256"
	check "$BZIP2_ORIG" "$BZIP2_ORIG_SHA256"
	check "$XZ_ORIG" "$XZ_ORIG_SHA256"
}

source_tree() {
	rm -rf "$ROOT/src" && mkdir -p "$ROOT/src"
	tar -xf "$ROOT/inputs/$PY_ORIG" -C "$ROOT/src" --strip-components=1
}

native() {
	log "native CPython $PY_VERSION (the build Python, and the benchmarks' reference)"
	rm -rf "$ROOT/native" && mkdir -p "$ROOT/native"
	cd "$ROOT/native"
	"$ROOT/src/configure" -q --without-ensurepip >/dev/null
	make -s -j"$JOBS" >/dev/null
}

# A directory that looks like a WASI SDK to Tools/wasm/wasi-env: clang-16
# targeting wasm32-wasi with the extracted wasi-libc as its sysroot.
fake_sdk() {
	local sdk=$ROOT/wasi-sdk sysroot=$ROOT/wasi-libc/usr
	rm -rf "$ROOT/wasi-libc" "$sdk"
	dpkg-deb -x "$ROOT/inputs/$WASI_LIBC_DEB" "$ROOT/wasi-libc"
	mkdir -p "$sdk/bin" "$sdk/share"
	ln -s "$sysroot" "$sdk/share/wasi-sysroot"
	for tool in clang clang-cpp clang++; do
		local real=clang-16 extra=""
		[ "$tool" = clang++ ] && real=clang++-16
		[ "$tool" = clang-cpp ] && extra="-E"
		printf '#!/bin/sh\nexec %s --target=wasm32-wasi --sysroot=%s %s "$@"\n' "$real" "$sysroot" "$extra" >"$sdk/bin/$tool"
		chmod +x "$sdk/bin/$tool"
	done
	ln -s "$(command -v llvm-ar-16)" "$sdk/bin/llvm-ar"
	ln -s "$(command -v llvm-ranlib-16)" "$sdk/bin/ranlib"
	ln -s "$(command -v wasm-ld-16)" "$sdk/bin/wasm-ld"
}

# zlib as a static library for wasm32-wasi, compiled file by file (its
# configure script does not know a WASI cross compiler).
zlib() {
	log "zlib $ZLIB_VERSION for wasm32-wasi"
	local src=$ROOT/zlib-src out=$ROOT/zlib-wasm f
	rm -rf "$src" "$out" && mkdir -p "$src" "$out/include" "$out/lib"
	tar -xzf "$ROOT/inputs/$ZLIB_ORIG" -C "$src" --strip-components=1
	for f in adler32 compress crc32 deflate gzclose gzlib gzread gzwrite infback inffast inflate inftrees trees uncompr zutil; do
		"$ROOT/wasi-sdk/bin/clang" $OPT_FLAGS -DHAVE_UNISTD_H -DHAVE_STDARG_H -c "$src/$f.c" -o "$out/$f.o"
	done
	"$ROOT/wasi-sdk/bin/llvm-ar" rcsD "$out/lib/libz.a" "$out"/*.o
	cp "$src/zlib.h" "$src/zconf.h" "$out/include/"
}

# bzip2 as a static library, file by file like zlib (its Makefile builds
# the command-line tools too).
bzip2() {
	log "bzip2 $BZIP2_VERSION for wasm32-wasi"
	local src=$ROOT/bzip2-src out=$ROOT/bzip2-wasm f
	rm -rf "$src" "$out" && mkdir -p "$src" "$out/include" "$out/lib"
	tar -xzf "$ROOT/inputs/$BZIP2_ORIG" -C "$src" --strip-components=1
	for f in blocksort huffman crctable randtable compress decompress bzlib; do
		"$ROOT/wasi-sdk/bin/clang" $OPT_FLAGS -D_FILE_OFFSET_BITS=64 -c "$src/$f.c" -o "$out/$f.o"
	done
	"$ROOT/wasi-sdk/bin/llvm-ar" rcsD "$out/lib/libbz2.a" "$out"/*.o
	cp "$src/bzlib.h" "$out/include/"
}

# xz's liblzma as a static library, with its own configure (it knows
# wasm32-wasi), single-threaded, without the command-line tools.
xz() {
	log "xz $XZ_VERSION (liblzma) for wasm32-wasi"
	local src=$ROOT/xz-src out=$ROOT/xz-wasm
	rm -rf "$src" "$out" && mkdir -p "$src"
	tar -xJf "$ROOT/inputs/$XZ_ORIG" -C "$src" --strip-components=1
	cd "$src"
	CC=$ROOT/wasi-sdk/bin/clang AR=$ROOT/wasi-sdk/bin/llvm-ar RANLIB=$ROOT/wasi-sdk/bin/ranlib CFLAGS="$OPT_FLAGS" \
		./configure -q --host=wasm32-unknown-wasi --build="$("$ROOT/src/config.guess")" --prefix="$out" \
		--enable-static --disable-shared --disable-threads --disable-xz --disable-xzdec --disable-lzmadec \
		--disable-lzmainfo --disable-lzma-links --disable-scripts --disable-doc --disable-nls --disable-sandbox >/dev/null
	make -s -j"$JOBS" -C src/liblzma >/dev/null
	make -s -C src/liblzma install >/dev/null
}

# --with-pymalloc: configure leaves CPython's small-object allocator out on
# WASI by default, so every int, tuple and frame went to wasi-libc's malloc;
# with it, allocation-heavy programs run 4–15 % faster (docs/performance.md).
wasi() {
	log "CPython $PY_VERSION for wasm32-wasi ($OPT_FLAGS)"
	rm -rf "$ROOT/wasi" && mkdir -p "$ROOT/wasi"
	cd "$ROOT/wasi"
	export WASI_SDK_PATH=$ROOT/wasi-sdk
	CONFIG_SITE=$ROOT/src/Tools/wasm/config.site-wasm32-wasi OPT="$OPT_FLAGS" \
		ZLIB_CFLAGS="-I$ROOT/zlib-wasm/include" ZLIB_LIBS="-L$ROOT/zlib-wasm/lib -lz" \
		BZIP2_CFLAGS="-I$ROOT/bzip2-wasm/include" BZIP2_LIBS="-L$ROOT/bzip2-wasm/lib -lbz2" \
		LIBLZMA_CFLAGS="-I$ROOT/xz-wasm/include" LIBLZMA_LIBS="-L$ROOT/xz-wasm/lib -llzma" \
		"$ROOT/src/Tools/wasm/wasi-env" "$ROOT/src/configure" -q -C \
		--host=wasm32-wasi --build="$("$ROOT/src/config.guess")" \
		--with-build-python="$ROOT/native/python" --without-ensurepip \
		--disable-test-modules --with-pymalloc >/dev/null
	"$ROOT/src/Tools/wasm/wasi-env" make -s -j"$JOBS" python.wasm pybuilddir.txt >/dev/null
	grep -q -- "-z stack-size=$STACK_SIZE" Makefile || { echo "unexpected C stack size in the link flags" >&2; exit 1; }
	for m in zlib _bz2 _lzma; do
		grep -q "PyInit_$m\b" Modules/config.c || { echo "the $m module was not built in" >&2; exit 1; }
	done
}

stdlib() {
	log "standard library zip"
	local sysconfig
	sysconfig=$ROOT/wasi/$(cat "$ROOT/wasi/pybuilddir.txt")
	"$ROOT/native/python" -S "$HERE/stdlib_zip.py" "$ROOT/src/Lib" "$sysconfig" "$OUT/stdlib.zip"
}

main() {
	mkdir -p "$OUT"
	OUT=$(cd "$OUT" && pwd)
	tools
	inputs
	source_tree
	native
	fake_sdk
	zlib
	bzip2
	xz
	wasi
	stdlib
	cp "$ROOT/wasi/python.wasm" "$OUT/python.wasm"
	log "done: $OUT"
	(cd "$OUT" && sha256sum python.wasm stdlib.zip) >&2
}

main
