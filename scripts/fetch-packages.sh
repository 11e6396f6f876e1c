#!/usr/bin/env bash
# Fetches pure-Python packages from Debian's archive, pinned by version and
# SHA-256, and unpacks their modules into OUTDIR: the directory the tests of
# --packages (sandbox.Config.Packages) give the sandbox, and an example of
# what an operator mounts. Run by `make test`; does nothing when OUTDIR is
# complete.
#
# sympy is bookworm's 1.11.1: trixie's 1.13.3 imports ctypes at import time
# (for the size of a C long), which the sandbox's interpreter does not have.
set -euo pipefail

OUT=${1:?usage: fetch-packages.sh OUTDIR}
ARCHIVE=${DEBIAN_ARCHIVE:-http://deb.debian.org/debian}
PACKAGES=(
	"pool/main/s/sympy/python3-sympy_1.11.1-1_all.deb b437232be31819aafd267ddf2132c16293ef75e02fd58b4ad31eee3ef1d5b49e"
	"pool/main/m/mpmath/python3-mpmath_1.3.0-1_all.deb 36596f8992df86d1acada0b5d3e64307449ca13326090fb8d6423e8f8d6d9e60"
	"pool/main/n/networkx/python3-networkx_3.2.1-5_all.deb 161b9076a60132799b5a0555ace555681c6c4891c8c7b9eb6ec4b17b99e8eae8"
)
STAMP=$OUT/.fetched
want=$(printf '%s\n' "${PACKAGES[@]}" | sha256sum | cut -d' ' -f1)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
	exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for entry in "${PACKAGES[@]}"; do
	read -r pool sha <<<"$entry"
	deb=$work/$(basename "$pool")
	echo "fetch-packages: $(basename "$pool")"
	curl -fsSL --retry 3 -o "$deb" "$ARCHIVE/$pool"
	got=$(sha256sum "$deb" | cut -d' ' -f1)
	[ "$got" = "$sha" ] || { echo "fetch-packages: $deb: SHA-256 $got, want $sha" >&2; exit 1; }
	dpkg-deb -x "$deb" "$work/root"
done
rm -rf "$OUT" && mkdir -p "$OUT"
# The modules only: Debian's metadata directories and the isympy script stay out.
for path in "$work"/root/usr/lib/python3/dist-packages/*; do
	case $(basename "$path") in
	*.dist-info | *.egg-info | isympy.py) ;;
	*) cp -a "$path" "$OUT/" ;;
	esac
done
echo "$want" >"$STAMP"
