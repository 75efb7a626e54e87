# Sourced by the benchmark scripts (scripts/bench.sh, scripts/bench_passes.sh):
# moves to the repository root, builds geoevent with `cargo build --release`
# (with PGO=1: the profile-guided build of scripts/build-pgo.sh) unless
# GEOEVENT names a binary to use instead, and sets
#   root  the repository root
#   bin   the geoevent binary
#   work  a scratch directory, removed on exit
# and defines lgl_trnews_corpus.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
if [ -n "${GEOEVENT:-}" ]; then
  bin=$GEOEVENT
elif [ "${PGO:-0}" = 1 ]; then
  scripts/build-pgo.sh
  bin="$root/target/pgo/geoevent"
else
  cargo build --release --quiet
  bin="$root/target/release/geoevent"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source "$root/scripts/lib/corpus.sh"
