#!/usr/bin/env bash
# The HTML map of `geoevent map` in headless Chromium (issue 4, item 4):
# installs Chromium (apt) and the npm packages of web/ when missing, builds
# the release binary, maps the example inputs and runs web/tests/map.spec.mjs
# on the page: no console errors or network requests, one marker per located
# event, a popup with the event's sentence, a legend. Saves the screenshot
# to out/map.png (a CI artifact, not committed). Exits non-zero on any failure.
#
#   scripts/check_map_browser.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fail() { echo "check_map_browser: FAIL: $*" >&2; exit 1; }

chromium=/usr/bin/chromium
if [ ! -x "$chromium" ]; then
  [ "$(id -u)" = 0 ] || fail "$chromium is missing and installing it needs root: apt-get install chromium"
  echo "installing chromium (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  # Wait for another apt or dpkg (up to 10 minutes) rather than fail on its lock.
  apt=(apt-get -o DPkg::Lock::Timeout=600 -q)
  ok=0
  for attempt in 1 2 3; do
    if "${apt[@]}" update && "${apt[@]}" install -y chromium; then
      ok=1
      break
    fi
    echo "apt-get failed (attempt $attempt); retrying in 30 s" >&2
    sleep 30
  done
  [ "$ok" = 1 ] && [ -x "$chromium" ] || fail "could not install chromium with apt-get"
fi
"$chromium" --version

command -v npm >/dev/null || fail "npm not found: install Node.js 18 or newer"
# npm rewrites node_modules/.package-lock.json on every install: when it is
# newer than the lock file, node_modules is what `npm ci` would give.
if [ ! web/node_modules/.package-lock.json -nt web/package-lock.json ] ||
  [ ! web/node_modules/.package-lock.json -nt web/package.json ]; then
  npm ci --prefix web --no-audit --no-fund
fi

cargo build --release --locked --quiet
bin="$root/target/release/geoevent"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# check NAME SCREENSHOT INPUT...: map the inputs and check the page.
check() {
  local name=$1 shot=$2
  shift 2
  echo "== $name"
  mkdir -p "$tmp/$name"
  "$bin" extract --quiet "$@" -o "$tmp/$name/"
  "$bin" map --quiet "$@" -o "$tmp/$name/map.html"
  node web/tests/map.spec.mjs "$tmp/$name/map.html" "$tmp/$name/events.geojson" \
    "$tmp/$name/distance_claims.geojson" "$shot"
}
mkdir -p out
status=0
check examples out/map.png examples/reports examples/wire.ndjson || status=1
# An article holding </script><script>alert(1)</script> and <!--: the popup
# shows it as text, and no script runs.
check markup "$tmp/markup.png" tests/data/map_markup.ndjson || status=1
[ "$status" = 0 ] || fail "see the FAIL lines above"
