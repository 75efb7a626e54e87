#!/usr/bin/env bash
# Build geoevent with profile-guided optimisation (PGO): the same code and
# the same output as `cargo build --release`, laid out by the compiler from
# a profile of real runs (which branches are taken, which code is hot).
# About 3% less CPU time for `places` and `extract` (see the README's Speed
# section).
#
#   scripts/build-pgo.sh            # writes target/pgo/geoevent
#
# Three steps: an instrumented build; runs of it over a training set of
# news text (the texts of tests/data, and the five seed articles of
# ../shared/corpus/seeds when present; none of the benchmark corpus); then a
# build that uses the merged profile.
#
# Needs `llvm-profdata` of the LLVM version rustc uses (`rustc -vV`): from
# `rustup component add llvm-tools`, or Debian's llvm-N package (for rustc's
# LLVM N), which this script installs with apt-get when it finds none and
# runs as root. LLVM_PROFDATA names one explicitly.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/lib/apt.sh

host=$(rustc -vV | sed -n 's/^host: //p')
llvm_major=$(rustc -vV | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')
find_profdata() {
  if [ -n "${LLVM_PROFDATA:-}" ]; then
    echo "$LLVM_PROFDATA"
    return
  fi
  local c
  for c in "$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata" \
    "/usr/lib/llvm-$llvm_major/bin/llvm-profdata" \
    "$(command -v "llvm-profdata-$llvm_major" || true)"; do
    if [ -n "$c" ] && [ -x "$c" ]; then
      echo "$c"
      return
    fi
  done
}
profdata=$(find_profdata)
if [ -z "$profdata" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "build-pgo.sh: installing llvm-$llvm_major (llvm-profdata)" >&2
  apt_get install -y --no-install-recommends "llvm-$llvm_major" >&2 || {
    apt_get update >&2
    apt_get install -y --no-install-recommends "llvm-$llvm_major" >&2
  } || true
  profdata=$(find_profdata)
fi
if [ -z "$profdata" ]; then
  cat >&2 <<EOF
build-pgo.sh: llvm-profdata for LLVM $llvm_major (rustc's) not found. Install one of:
  rustup component add llvm-tools
  apt-get install llvm-$llvm_major
or name it with LLVM_PROFDATA=/path/to/llvm-profdata.
EOF
  exit 2
fi
# A profile is read only by the LLVM that wrote its format: check the major.
if ! "$profdata" --version 2>/dev/null | grep -q "version $llvm_major\."; then
  echo "build-pgo.sh: $profdata is not LLVM $llvm_major (rustc's): $("$profdata" --version 2>&1 | grep -i version | head -1)" >&2
  exit 2
fi

work="$root/target/pgo-work"
rm -rf "$work"
mkdir -p "$work/profiles" "$root/target/pgo"
# `--target` so that RUSTFLAGS reach geoevent and its dependencies but not
# build scripts (build.rs compiles the embedded gazetteer: not worth a
# profile).
build() {
  RUSTFLAGS="${RUSTFLAGS:-} $1" cargo build --release --locked --quiet --target "$host" --target-dir "$2"
}

echo "build-pgo.sh: 1/3 instrumented build" >&2
build "-Cprofile-generate=$work/profiles" "$root/target/pgo-gen"
gen="$root/target/pgo-gen/$host/release/geoevent"

echo "build-pgo.sh: 2/3 training runs" >&2
train="$work/train.ndjson"
python3 - "$train" tests/data/report_*.txt tests/data/headline_caps.txt tests/data/articles.ndjson \
  tests/data/events_reports.ndjson ../shared/corpus/seeds/*.txt <<'PY'
import json, pathlib, sys
out, files = sys.argv[1], [pathlib.Path(f) for f in sys.argv[2:]]
docs = []
for f in files:
    if not f.is_file():
        continue  # (no ../shared: the glob stays unexpanded)
    if f.suffix == ".txt":
        docs.append({"id": f.stem, "text": f.read_text()})
        continue
    for line in f.read_text().splitlines():
        try:
            d = json.loads(line)
        except ValueError:
            continue  # (a malformed line of the fixtures, on purpose)
        if isinstance(d, dict) and isinstance(d.get("text"), str):
            docs.append({"id": str(d.get("id", f.stem)), "text": d["text"]})
# Twenty passes: the memos and the output's place fragments are reused as
# they are on a long stream, not only filled.
with open(out, "w") as o:
    for i in range(20):
        for d in docs:
            o.write(json.dumps({"id": f"{i}-{d['id']}", "text": d["text"]}) + "\n")
print(f"build-pgo.sh: training set {len(docs)} texts, {pathlib.Path(out).stat().st_size / 1e3:.0f} kB", file=sys.stderr)
PY
export LLVM_PROFILE_FILE="$work/profiles/geoevent-%p-%m.profraw"
"$gen" places -j1 --quiet "$train" >/dev/null
"$gen" places -j2 --quiet "$train" >/dev/null
"$gen" extract -j1 --quiet "$train" >/dev/null
if [ -f target/g500.idx ]; then
  "$gen" places -j1 --quiet --gazetteer target/g500.idx "$train" >/dev/null
fi
unset LLVM_PROFILE_FILE
"$profdata" merge -o "$work/geoevent.profdata" "$work"/profiles/*.profraw

echo "build-pgo.sh: 3/3 optimised build" >&2
build "-Cprofile-use=$work/geoevent.profdata" "$root/target/pgo-use"
cp "$root/target/pgo-use/$host/release/geoevent" "$root/target/pgo/geoevent.tmp"
mv "$root/target/pgo/geoevent.tmp" "$root/target/pgo/geoevent"
echo "build-pgo.sh: wrote target/pgo/geoevent" >&2
