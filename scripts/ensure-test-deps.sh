#!/usr/bin/env bash
# Installs and starts what the tests need beyond Go and Node: Debian's
# Chromium for the browser tests, and a PostgreSQL server on 127.0.0.1:5432
# that the local user "postgres" may reach without a password (the tests
# create and drop their own databases). Run by `make test`; does nothing
# when both are already there.
set -euo pipefail

as_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "The tests need $1; run as root, or install it yourself: $2" >&2
		exit 1
	fi
}

apt_install() {
	export DEBIAN_FRONTEND=noninteractive
	if [ -z "${APT_UPDATED:-}" ]; then
		apt-get update -qq
		APT_UPDATED=1
	fi
	apt-get install -y -qq "$@" >/dev/null
}

pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

pg_trusts_postgres() {
	psql "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable" -qtAc 'select 1' >/dev/null 2>&1
}

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
	as_root Chromium "sudo apt-get install chromium"
	echo "Installing Chromium for the browser tests…"
	apt_install chromium
fi

if [ -n "${CODEREMOTE_TEST_POSTGRES:-}" ]; then
	exit 0 # the tests use the server given
fi
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
	as_root PostgreSQL "sudo apt-get install postgresql"
	echo "Installing PostgreSQL for the store tests…"
	apt_install postgresql
fi
if ! pg_ready; then
	as_root "a running PostgreSQL" "sudo pg_ctlcluster <version> main start"
	version=$(ls /etc/postgresql | sort -V | tail -1)
	pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster "$version" main start
	for _ in $(seq 30); do pg_ready && break; sleep 1; done
fi
if ! pg_trusts_postgres; then
	as_root "PostgreSQL trust auth for 127.0.0.1" "a pg_hba.conf line: host all postgres 127.0.0.1/32 trust"
	version=$(ls /etc/postgresql | sort -V | tail -1)
	hba=/etc/postgresql/$version/main/pg_hba.conf
	sed -i '1i host all postgres 127.0.0.1/32 trust' "$hba"
	pg_ctlcluster --skip-systemctl-redirect "$version" main reload || pg_ctlcluster "$version" main reload
	sleep 1
fi
psql "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable" -qtAc "select 1 from pg_database where datname = 'test'" | grep -q 1 ||
	psql "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable" -qc "create database test"
