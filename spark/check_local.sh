#!/usr/bin/env bash
# Runs spark/geoevent_spark.py in Spark local mode (local[2], 8+ partitions)
# on a small corpus and checks that it gives what one machine gives:
#
#   - extract, and places with --country: the same features (geometry and
#     properties, ids ignored), the GeoJSONSeq byte-identical to
#     `geoevent ... --format geojsonseq` (same order, ids 1..n), and the
#     Parquet file reading back with pyarrow, row for row;
#   - a malformed NDJSON line: the job fails (status 2) naming file:line and
#     writes nothing; with --keep-going it writes the other articles' features
#     (equal to the single-machine run, which also goes on) and errors.txt;
#   - --dedup is refused.
#
# Installs Java 17 (apt, as root) when missing and pyspark + pyarrow (pinned)
# into .venv-spark. Binary: $GEOEVENT, else target/release/geoevent built
# with cargo. Exits non-zero on any difference, printing it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PYSPARK_VERSION=${PYSPARK_VERSION:-4.0.1}
PYARROW_VERSION=19.0.1
VENV=$ROOT/.venv-spark

step() { printf '\n-- %s\n' "$*"; }
die() { echo "spark/check_local.sh: $*" >&2; exit 1; }

step "java"
java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\)[."].*/\1/p' | head -1; }
if ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ] 2>/dev/null; then
  [ "$(id -u)" = 0 ] || die "Java 17 or newer is needed (apt-get install openjdk-17-jre-headless)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
  export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 PATH=/usr/lib/jvm/java-17-openjdk-amd64/bin:$PATH
fi
java -version 2>&1 | head -1

step "pyspark $PYSPARK_VERSION, pyarrow $PYARROW_VERSION in .venv-spark"
if ! "$VENV/bin/python" -c "import pyspark, pyarrow, sys; sys.exit(pyspark.__version__ != '$PYSPARK_VERSION' or pyarrow.__version__ != '$PYARROW_VERSION')" 2>/dev/null; then
  python3 -m venv "$VENV" 2>/dev/null || {
    [ "$(id -u)" = 0 ] || die "python3 -m venv failed (install python3-venv)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$VENV"
  }
  "$VENV/bin/pip" install -q --disable-pip-version-check "pyspark==$PYSPARK_VERSION" "pyarrow==$PYARROW_VERSION"
fi
"$VENV/bin/python" -c "import pyspark, pyarrow; print('pyspark', pyspark.__version__, 'pyarrow', pyarrow.__version__)"

step "geoevent binary"
if [ -z "${GEOEVENT:-}" ]; then
  cargo build --release --locked --quiet
  GEOEVENT=target/release/geoevent
fi
GEOEVENT=$(realpath "$GEOEVENT")
[ -x "$GEOEVENT" ] || die "$GEOEVENT is not an executable"
echo "$GEOEVENT"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/geoevent-spark.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

step "corpus"
# The example reports as NDJSON: ids given, missing, null and numeric, a blank
# line, a `published` date; then the seed articles when ../shared is there.
mkdir -p "$WORK/corpus"
python3 - "$ROOT/examples/reports" "$WORK/corpus/reports.ndjson" <<'EOF'
import json, pathlib, sys
src, dst = pathlib.Path(sys.argv[1]), sys.argv[2]
texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(src.glob("*.txt"))}
assert texts, f"no reports in {src}"
names = list(texts)
rows = []
for i, name in enumerate(names * 3):
    text = texts[name]
    art = {"title": text.splitlines()[0], "source": "geoevent examples", "published": "2016-06-%02d" % (5 + i), "text": text}
    if i % 4 == 1:
        art = {"id": name, **art}
    elif i % 4 == 2:
        art = {"id": None, **art}
    elif i % 4 == 3:
        art = {"id": 1000 + i, **art}
    rows.append(json.dumps(art, ensure_ascii=False))
    if i == 1:
        rows.append("")
open(dst, "w", encoding="utf-8").write("\n".join(rows) + "\n")
EOF
if [ -d ../shared/corpus/seeds ]; then
  cp ../shared/corpus/seeds/seeds.ndjson "$WORK/corpus/seeds.ndjson"
else
  echo "../shared/corpus/seeds not present: the example reports only"
fi
wc -lc "$WORK"/corpus/*.ndjson

# The same corpus with a malformed line (line 8 of reports.ndjson, in its
# third partition).
mkdir -p "$WORK/bad"
cp "$WORK"/corpus/*.ndjson "$WORK/bad/"
sed -i '8s/^.*$/{"id": "broken", "text": "no closing quote}/' "$WORK/bad/reports.ndjson"

export PYSPARK_PYTHON="$VENV/bin/python" PYSPARK_DRIVER_PYTHON="$VENV/bin/python"
export SPARK_LOCAL_IP=127.0.0.1
spark_job() { # OUTDIR LOG ARGS...: the job in local mode, its output in LOG
  # (spark-submit merges the Python driver's stderr into its stdout)
  local out=$1 log=$2; shift 2
  "$VENV/bin/spark-submit" --master 'local[2]' --conf spark.ui.enabled=false \
    --conf spark.driver.memory=1g "$ROOT/spark/geoevent_spark.py" \
    --binary "$GEOEVENT" --partitions 8 --out "$out" "$@" >"$log" 2>&1
}
single() { # NAME ARGS...: geoevent on one machine in the three formats
  local name=$1; shift
  local f
  for f in ndjson geojsonseq csv; do
    "$GEOEVENT" "$@" --ndjson --format "$f" >"$WORK/$name.$f" 2>"$WORK/$name.stderr" || true
  done
}
check() { # NAME SPARK_OUT
  if ! "$VENV/bin/python" "$ROOT/spark/compare_outputs.py" "$2" "$WORK/$1.ndjson" "$WORK/$1.geojsonseq" "$WORK/$1.csv"; then
    die "$1: the Spark job's output differs from the single-machine run"
  fi
}
elapsed() { echo "($((SECONDS - t0)) s)"; }

step "extract: Spark local[2] vs one machine"
t0=$SECONDS
single extract extract "$WORK/corpus"
spark_job "$WORK/out-extract" "$WORK/extract.log" --command extract "$WORK/corpus" \
  || { cat "$WORK/extract.log"; die "the extract job failed"; }
grep 'geoevent-spark:' "$WORK/extract.log" || true
check extract "$WORK/out-extract"
elapsed

step "places --country IQ,SY: Spark local[2] vs one machine"
t0=$SECONDS
single places places --country IQ,SY "$WORK/corpus"
spark_job "$WORK/out-places" "$WORK/places.log" --command places "$WORK/corpus" -- --country IQ,SY \
  || { cat "$WORK/places.log"; die "the places job failed"; }
grep 'geoevent-spark:' "$WORK/places.log" || true
check places "$WORK/out-places"
elapsed

step "a malformed line: the job fails, naming file and line, and writes nothing"
t0=$SECONDS
status=0
spark_job "$WORK/out-bad" "$WORK/bad.log" --command extract "$WORK/bad" || status=$?
grep -E 'geoevent-spark:|error:' "$WORK/bad.log" || true
[ "$status" = 2 ] || { cat "$WORK/bad.log"; die "expected exit status 2, got $status"; }
grep -q "bad/reports.ndjson:8: not a JSON article object" "$WORK/bad.log" || die "the error does not name reports.ndjson:8"
[ ! -e "$WORK/out-bad/features.geojsonseq" ] && [ ! -e "$WORK/out-bad/features.parquet" ] || die "output written despite the error"
elapsed

step "a malformed line with --keep-going: the other articles' features and errors.txt"
t0=$SECONDS
single bad extract "$WORK/bad"
grep -q "reports.ndjson:8: not a JSON article object" "$WORK/bad.stderr" || die "the single-machine run does not report line 8"
spark_job "$WORK/out-keep" "$WORK/keep.log" --command extract --keep-going "$WORK/bad" \
  || { cat "$WORK/keep.log"; die "the --keep-going job failed"; }
grep 'geoevent-spark:' "$WORK/keep.log" || true
grep -q "reports.ndjson:8: not a JSON article object" "$WORK/out-keep/errors.txt" || die "errors.txt does not name reports.ndjson:8"
check bad "$WORK/out-keep"
elapsed

step "--dedup is refused"
status=0
"$VENV/bin/python" "$ROOT/spark/geoevent_spark.py" --out "$WORK/out-dedup" "$WORK/corpus" -- --dedup 2>"$WORK/dedup.log" || status=$?
cat "$WORK/dedup.log" | tail -1
[ "$status" = 2 ] && grep -q "cross-article dedup cannot be done per partition" "$WORK/dedup.log" || die "--dedup was not refused"

echo
echo "spark/check_local.sh: the Spark job equals the single-machine run"
