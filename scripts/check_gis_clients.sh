#!/usr/bin/env bash
# Prove GIS interop with the real clients (issue 4, item 6): GDAL's ogrinfo
# and ogr2ogr read every output format and layer, and ogr2ogr loads them into
# a real PostGIS server where SQL checks counts, column types and distances.
#
# Installs what is missing (Debian 12, as root: gdal-bin, PostgreSQL 15,
# PostGIS 3), starts a throwaway PostgreSQL cluster on a free localhost port
# in a temporary directory, creates a PostGIS database, exports GEOEVENT_PG
# and runs only the ignored `clients` integration tests (tests/it/clients.rs).
# The cluster and its directory are removed on exit.
#
#   scripts/check_gis_clients.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

pg_version=15
pgbin=/usr/lib/postgresql/$pg_version/bin
postgis_control=/usr/share/postgresql/$pg_version/extension/postgis.control

say() { printf '== %s\n' "$*" >&2; }

source scripts/lib/apt.sh

missing=()
{ command -v ogrinfo && command -v ogr2ogr; } >/dev/null || missing+=(gdal-bin)
[ -x "$pgbin/initdb" ] && [ -x "$pgbin/pg_ctl" ] || missing+=("postgresql-$pg_version")
command -v psql >/dev/null || missing+=("postgresql-client-$pg_version")
[ -e "$postgis_control" ] || missing+=("postgresql-$pg_version-postgis-3")
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing ${missing[*]}: run as root (apt-get install ${missing[*]})" >&2
    exit 1
  fi
  say "installing ${missing[*]}"
  apt_get update
  apt_get install -y --no-install-recommends "${missing[@]}"
fi
ogrinfo --version >&2
psql --version >&2

# The server runs as the unprivileged `postgres` user (initdb refuses root).
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/geoevent-pg.XXXXXX")
chmod 755 "$tmp"
[ "$(id -u)" = 0 ] && chown postgres: "$tmp"
cleanup() {
  as_pg "$pgbin/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# A free localhost port: nothing answers on it.
port=
for p in $(seq 55432 55532); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    port=$p
    break
  fi
done
[ -n "$port" ] || { echo "no free port in 55432-55532" >&2; exit 1; }

say "starting PostgreSQL $pg_version on 127.0.0.1:$port ($tmp)"
as_pg "$pgbin/initdb" --pgdata="$tmp/data" --username=postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
  --no-sync >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; exit 1; }
as_pg "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$tmp/server.log" >&2; exit 1; }

export GEOEVENT_PG="host=127.0.0.1 port=$port dbname=geoevent user=postgres"
psql -X -q -v ON_ERROR_STOP=1 "host=127.0.0.1 port=$port dbname=postgres user=postgres" -c 'CREATE DATABASE geoevent'
psql -X -q -v ON_ERROR_STOP=1 "$GEOEVENT_PG" -c 'CREATE EXTENSION postgis'
psql -X -A -t -v ON_ERROR_STOP=1 "$GEOEVENT_PG" -c 'SELECT postgis_full_version()' >&2

say "cargo test --test integration clients:: -- --ignored --show-output"
log="$tmp/test.log"
set +e
cargo test --locked --test integration clients:: -- --ignored --show-output 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
[ "$status" = 0 ] || exit "$status"
# A filter that matches nothing would pass: insist that the tests ran.
if ! grep -Eq '^test result: ok\. [1-9][0-9]* passed' "$log"; then
  echo "no clients test ran" >&2
  exit 1
fi
say "GIS clients: ok"
