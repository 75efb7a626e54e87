#!/usr/bin/env bash
# Run every fuzz target in fuzz/ for SECONDS_PER_TARGET seconds (default 60).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]
#
# Environment:
#   FUZZ_TARGETS   space-separated targets to run (default: all, from `cargo fuzz list`)
#   FUZZ_JOBS      how many targets to run at the same time (default 1)
#   FUZZ_TIMEOUT   seconds one input may take before libFuzzer calls it a hang (default 20)
#   FUZZ_KEEP_GOING=1  do not stop a target at its first crash: libFuzzer's fork
#                  mode (-fork=1 -ignore_crashes=1) saves every crash and goes on
#
# Works on stable Rust: cargo-fuzz needs nightly-only flags (-Z, sanitizers),
# which RUSTC_BOOTSTRAP=1 lets a stable toolchain accept. Corpora live in
# fuzz/corpus/<target> (seeded from fuzz/seeds/<target>), crashes in
# fuzz/artifacts/<target>, the libFuzzer log of the last run in
# fuzz/artifacts/<target>/fuzz.log. Exits 1 when any target crashed.
set -uo pipefail

SECS="${1:-60}"
case "$SECS" in
    '' | *[!0-9]*) echo "usage: $0 [SECONDS_PER_TARGET]" >&2; exit 2 ;;
esac
JOBS="${FUZZ_JOBS:-1}"
TIMEOUT="${FUZZ_TIMEOUT:-20}"
EXTRA=()
if [ "${FUZZ_KEEP_GOING:-0}" = 1 ]; then
    EXTRA=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/fuzz" || exit 2
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz || exit 2
fi

TARGETS="${FUZZ_TARGETS:-$(cargo fuzz list)}"
echo "== building fuzz targets (release, debug assertions, AddressSanitizer)"
cargo fuzz build || exit 2
BIN_DIR="$ROOT/fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release"

# libFuzzer guesses -max_len from the seeds; say it outright. A valid index
# holds a 512 KiB filter, so index_bytes needs room for whole files.
max_len() {
    case "$1" in
        index_bytes) echo 600000 ;;
        index_sections) echo 16384 ;;
        *) echo 8192 ;;
    esac
}

run_one() {
    local t="$1"
    local corpus="corpus/$t" artifacts="artifacts/$t"
    mkdir -p "$corpus" "$artifacts"
    if [ -d "seeds/$t" ]; then
        cp -n seeds/"$t"/* "$corpus"/ 2>/dev/null || true
    fi
    # Crash files already there are from earlier runs; only new ones count.
    ls "$artifacts" | grep -E '^(crash|oom|timeout|leak)-' | sort >"$artifacts/.before" 2>/dev/null || true
    # The binary `cargo fuzz run` would start, started directly: after a
    # crash cargo-fuzz re-runs every crash file to print it, which takes
    # minutes when fork mode has saved hundreds.
    RUST_BACKTRACE=1 "$BIN_DIR/$t" -artifact_prefix="$artifacts/" \
        -max_total_time="$SECS" -timeout="$TIMEOUT" -max_len="$(max_len "$t")" \
        -print_final_stats=1 "${EXTRA[@]}" "$corpus" >"$artifacts/fuzz.log" 2>&1
    echo $? >"$artifacts/.rc"
}

summarise() {
    local t="$1" artifacts="artifacts/$1"
    local rc execs new
    rc="$(cat "$artifacts/.rc")"
    execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$artifacts/fuzz.log" | tail -1 | grep -o '[0-9]*$')"
    [ -n "$execs" ] || execs="$(grep -oE '^#[0-9]+' "$artifacts/fuzz.log" | tail -1 | tr -d '#')"
    new="$(comm -13 "$artifacts/.before" <(ls "$artifacts" | grep -E '^(crash|oom|timeout|leak)-' | sort))"
    if [ "$rc" = 0 ] && [ -z "$new" ]; then
        printf '%-16s ok       %12s executions in %ss\n' "$t" "${execs:-?}" "$SECS"
        return 0
    fi
    printf '%-16s CRASHED  %12s executions (exit %s)\n' "$t" "${execs:-?}" "$rc"
    local n
    n="$(echo "$new" | grep -c .)"
    echo "$new" | head -5 | sed "s|^|    input: fuzz/$artifacts/|"
    [ "$n" -le 5 ] || echo "    ... $n crash files in all (fork mode saves duplicates)"
    # The panic message and the first frame in geoevent's own src/.
    grep -A1 -m1 -E "panicked at|ERROR: (AddressSanitizer|libFuzzer)" "$artifacts/fuzz.log" | sed 's/^/    /'
    grep -m1 -E "^ +at $ROOT/src/" "$artifacts/fuzz.log" | sed -e 's/^ */    first geoevent frame: /' -e "s|$ROOT/||"
    echo "    log: fuzz/$artifacts/fuzz.log"
    echo "    reproduce: cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run $t $artifacts/<file>"
    echo "    minimize:  cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz tmin $t $artifacts/<file>"
    return 1
}

echo "== fuzzing $(echo $TARGETS | wc -w) target(s), ${SECS}s each, $JOBS at a time"
running=0
for t in $TARGETS; do
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait

echo "== results"
status=0
for t in $TARGETS; do
    summarise "$t" || status=1
done
exit "$status"
