#!/usr/bin/env bash
# Installs what the tests need beyond Go and Node: Debian's Chromium for the
# browser tests. Run by `make test`; does nothing when it is already there.
set -euo pipefail

if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "The browser tests need Chromium: sudo apt-get install chromium" >&2
	exit 1
fi
echo "Installing Chromium for the browser tests…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
