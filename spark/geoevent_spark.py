#!/usr/bin/env python3
"""Run geoevent over NDJSON articles on Apache Spark.

    spark-submit spark/geoevent_spark.py [OPTIONS] INPUT... --out DIR [-- GEOEVENT_OPTIONS...]

Each partition of the input lines is streamed through one `geoevent COMMAND
--ndjson --format ndjson` process (standard input to standard output, as
`RDD.pipe` does). The features it prints are collected in input order and
written as

    DIR/features.geojsonseq   RFC 8142 (RS + feature + LF), one file, ids 1..n
    DIR/features.parquet/     id, lat, lon, wkt, then one column per property

The result is the single-machine run's: `geoevent COMMAND --ndjson INPUT...`
on the same files gives the same features in the same order with the same
ids. See spark/README.md.
"""

import argparse
import itertools
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid
from decimal import Decimal

PROG = "geoevent-spark"

# geoevent options that take a value (so that the value is not taken for a
# positional input), and those whose value is a file the executors must read.
VALUE_OPTIONS = {"--precision", "--layer", "--actors", "--dedup-km", "--country", "--bbox", "--gazetteer", "--jobs", "-j"}
FILE_OPTIONS = {"--gazetteer", "--actors"}
REFUSED_OPTIONS = {
    "--dedup": "--dedup merges reports of one event across articles; a partition sees only "
    "its own articles, so cross-article dedup cannot be done per partition. Run "
    "`geoevent extract --dedup` on one machine instead",
    "--format": "the job reads geoevent's NDJSON output and writes GeoJSONSeq and Parquet itself",
    "--output": "the job writes to --out",
    "-o": "the job writes to --out",
    "--pretty": "the job reads geoevent's NDJSON output",
    "--text": "the job reads NDJSON articles, one a line",
    "--ndjson": "the job always passes --ndjson",
    "--help": "see `geoevent COMMAND --help`",
    "-h": "see `geoevent COMMAND --help`",
}

# Keep at most this many stderr lines per partition.
MAX_MESSAGES = 200
# One Parquet part file per this many features.
FEATURES_PER_PARQUET_FILE = 1_000_000


class UsageError(Exception):
    pass


# --------------------------------------------------------------------------
# Arguments


def parse_args(argv):
    if "--" in argv:
        i = argv.index("--")
        own, geo_args = argv[:i], argv[i + 1 :]
    else:
        own, geo_args = argv, []
    p = argparse.ArgumentParser(
        prog="geoevent_spark.py",
        description="Run `geoevent places|extract` over NDJSON articles on Spark; "
        "write DIR/features.geojsonseq and DIR/features.parquet. "
        "Options after `--` are passed to geoevent (e.g. -- --country IQ,SY --gazetteer g.idx).",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="NDJSON files, directories (read recursively, in name order, skipping hidden entries) or globs; local paths or Hadoop FS URIs (hdfs://, s3a://, ...)")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory (local path or Hadoop FS URI)")
    p.add_argument("--command", choices=("extract", "places"), default="extract", help="geoevent subcommand (default: extract)")
    p.add_argument("--binary", default="geoevent", metavar="PATH", help="geoevent on the executors: a path, or a name looked up in the files shipped with spark-submit --files, then on PATH (default: geoevent)")
    p.add_argument("--ship", action="store_true", help="ship --binary (a local path or URI) and the --gazetteer/--actors files named after `--` to the executors with SparkContext.addFile")
    p.add_argument("--partitions", type=int, metavar="N", help="split the input into at least N partitions (default: the default parallelism)")
    p.add_argument("--keep-going", action="store_true", help="when geoevent reports bad articles, write the features of the others and the problems to DIR/errors.txt, and exit 0 (default: write nothing and exit 2)")
    p.add_argument("--overwrite", action="store_true", help="replace existing outputs in DIR")
    args, unknown = p.parse_known_args(own)
    if unknown:
        p.error(f"unknown option(s) {' '.join(unknown)}: put geoevent's own options after `--`")
    if args.partitions is not None and args.partitions < 1:
        p.error("--partitions must be at least 1")
    try:
        check_geo_args(geo_args)
    except UsageError as e:
        p.error(str(e))
    args.geo_args = geo_args
    return args


def check_geo_args(geo_args):
    """Refuse geoevent options the job cannot honour, and positional inputs."""
    i = 0
    while i < len(geo_args):
        a = geo_args[i]
        name = a.split("=", 1)[0] if a.startswith("--") else a
        if name in REFUSED_OPTIONS:
            raise UsageError(f"geoevent option {name} is not supported here: {REFUSED_OPTIONS[name]}")
        if name in VALUE_OPTIONS and "=" not in a:
            if i + 1 >= len(geo_args):
                raise UsageError(f"geoevent option {a} needs a value")
            i += 2
            continue
        if not a.startswith("-") or a == "-":
            raise UsageError(
                f"{a!r} after `--` would be read by geoevent as an input; give inputs to the job "
                "before `--` (each partition streams its articles through geoevent's standard input)"
            )
        i += 1


def map_file_options(geo_args, fn):
    """geo_args with every --gazetteer/--actors value replaced by fn(value)."""
    out = []
    i = 0
    while i < len(geo_args):
        a = geo_args[i]
        name, eq, value = a.partition("=")
        if name in FILE_OPTIONS and eq:
            out.append(f"{name}={fn(value)}")
        elif a in FILE_OPTIONS and i + 1 < len(geo_args):
            out += [a, fn(geo_args[i + 1])]
            i += 1
        else:
            out.append(a)
        i += 1
    return out


def map_file_options_values(geo_args):
    values = []
    map_file_options(geo_args, lambda v: values.append(v) or v)
    return values


# --------------------------------------------------------------------------
# Executor side: one geoevent process per partition


SHIPPED = "spark-files:"  # prefix of a path to look up with SparkFiles.get


def executable(path):
    """path, made executable if it is not (files fetched by Spark may lose the bit)."""
    if os.access(path, os.X_OK):
        return path
    try:
        os.chmod(path, os.stat(path).st_mode | 0o111)
        return path
    except OSError:
        copy = os.path.join(tempfile.mkdtemp(prefix="geoevent-"), os.path.basename(path))
        shutil.copy(path, copy)
        os.chmod(copy, 0o755)
        return copy


def resolve_file(value):
    """A geoevent file argument on an executor: shipped files by SparkFiles, a
    relative name that only exists among the files shipped with spark-submit
    --files in the SparkFiles directory."""
    from pyspark import SparkFiles

    if value.startswith(SHIPPED):
        return SparkFiles.get(value[len(SHIPPED) :])
    if not os.path.isabs(value) and not os.path.exists(value):
        candidate = os.path.join(SparkFiles.getRootDirectory(), value)
        if os.path.exists(candidate):
            return candidate
    return value


def resolve_binary(binary):
    from pyspark import SparkFiles

    if binary.startswith(SHIPPED):
        return executable(SparkFiles.get(binary[len(SHIPPED) :]))
    if os.sep in binary:
        return binary
    candidate = os.path.join(SparkFiles.getRootDirectory(), binary)
    if os.path.isfile(candidate):
        return executable(candidate)
    return shutil.which(binary) or binary


_JOBS_SUPPORT = {}


def jobs_args(exe, command, geo_args, task_cpus):
    """`--jobs N` for geoevent builds that have it (default: all cores), so
    that a task uses the spark.task.cpus cores Spark gave it; nothing when the
    user set -j/--jobs or the build has no such option. Asked once per worker."""
    if any(a in ("-j", "--jobs") or a.startswith("--jobs=") or (a.startswith("-j") and a[2:3].isdigit()) for a in geo_args):
        return []
    key = (exe, command)
    if key not in _JOBS_SUPPORT:
        try:
            r = subprocess.run([exe, command, "--help"], capture_output=True, timeout=60)
            _JOBS_SUPPORT[key] = r.returncode == 0 and b"--jobs" in r.stdout
        except (OSError, subprocess.SubprocessError):
            _JOBS_SUPPORT[key] = False
    return ["--jobs", str(task_cpus)] if _JOBS_SUPPORT[key] else []


def with_id(line, doc_id):
    """The article line with `id` set when it has none (or null), as geoevent
    would name it when reading the whole file (`<stem>:<line>`)."""
    if not line.strip():
        return line
    try:
        obj = json.loads(line)
    except ValueError:
        return line  # geoevent reports it
    if not isinstance(obj, dict) or obj.get("id") is not None or not isinstance(obj.get("text"), str):
        return line
    rest = {k: v for k, v in obj.items() if k != "id"}
    return json.dumps({"id": doc_id, **rest}, ensure_ascii=True, separators=(",", ":"))


def partition_runner(binary, command, geo_args, part_file, first_line, files, task_cpus):
    """The function for mapPartitionsWithIndex: yields ("F", feature line) for
    each feature, ("E"|"W", message) for each problem geoevent reports (with
    `<stdin>:K` rewritten to the input file and line), and last ("S", (pidx,
    number of features, property kinds))."""

    def run(pidx, lines):
        fi = part_file[pidx]
        display, stem = files[fi]["display"], files[fi]["stem"]
        base = first_line[pidx]
        it = iter(lines)
        first = next(it, None)
        if first is None:
            yield ("S", (pidx, 0, []))
            return
        exe = resolve_binary(binary)
        cmd = [exe, command, "--ndjson", "--format", "ndjson"] + jobs_args(exe, command, geo_args, task_cpus)
        cmd += map_file_options(geo_args, resolve_file)
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except OSError as e:
            import socket

            raise RuntimeError(
                f"{PROG}: cannot run geoevent {exe!r} on executor host {socket.gethostname()}: {e}. "
                "Install it on every node, or ship it: --ship --binary PATH, or spark-submit --files PATH --binary NAME"
            ) from e

        state = {"lines": 0, "error": None}
        stderr_lines = []
        stderr_more = [0]

        def feed():
            try:
                for k, line in enumerate(itertools.chain([first], it)):
                    state["lines"] = k + 1
                    proc.stdin.write(with_id(line, f"{stem}:{base + k}").encode("utf-8") + b"\n")
            except BrokenPipeError:
                pass
            except BaseException as e:  # noqa: BLE001 - re-raised in the task
                state["error"] = e
            finally:
                try:
                    proc.stdin.close()
                except OSError:
                    pass

        def drain_stderr():
            for raw in proc.stderr:
                if len(stderr_lines) < MAX_MESSAGES:
                    stderr_lines.append(raw.decode("utf-8", "replace").rstrip("\r\n"))
                else:
                    stderr_more[0] += 1

        threads = [threading.Thread(target=feed, daemon=True), threading.Thread(target=drain_stderr, daemon=True)]
        for t in threads:
            t.start()
        kinds = PropertyKinds()
        n = 0
        for raw in proc.stdout:
            line = raw.decode("utf-8").rstrip("\n")
            kinds.add(line)
            n += 1
            yield ("F", line)
        rc = proc.wait()
        for t in threads:
            t.join()
        if state["error"] is not None:
            raise state["error"]

        def locate(m):
            return re.sub(r"<stdin>:(\d+)", lambda g: f"{display}:{base + int(g.group(1)) - 1}", m)

        messages = [locate(m) for m in stderr_lines if m.strip()]
        if stderr_more[0]:
            messages.append(f"{display}: ... and {stderr_more[0]} more message(s) from geoevent in this partition")
        where = f"{display} lines {base}-{base + state['lines'] - 1}"
        if rc == 0:
            for m in messages:
                yield ("W", m)
        elif rc == 2:
            for m in messages or [f"{where}: geoevent exited with status 2 and no message"]:
                yield ("E", m)
        else:
            status = f"was killed by signal {-rc}" if rc < 0 else f"exited with status {rc}"
            tail = "\n".join(messages[-20:]) or "(no message)"
            raise RuntimeError(f"{PROG}: geoevent {status} on {where} ({' '.join(cmd)}):\n{tail}")
        yield ("S", (pidx, n, kinds.items()))

    return run


# --------------------------------------------------------------------------
# Features to rows


def json_kind(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "str"
    return "json"


class PropertyKinds:
    """The JSON kinds each property takes, names in first-seen order."""

    def __init__(self):
        self.kinds = {}

    def add(self, line):
        for k, v in (json.loads(line).get("properties") or {}).items():
            s = self.kinds.setdefault(k, set())
            kind = json_kind(v)
            if kind:
                s.add(kind)

    def items(self):
        return list(self.kinds.items())


def merge_kinds(per_partition):
    merged = {}
    for part in per_partition:
        for k, s in part:
            merged.setdefault(k, set()).update(s)
    return merged


def spark_type(kinds):
    """(Spark type name, warning or None) for a property's set of JSON kinds.
    geoevent gives each property one JSON type; a property that is always null
    becomes a string column."""
    if not kinds or kinds == {"str"}:
        return "string", None
    if kinds == {"bool"}:
        return "boolean", None
    if kinds == {"int"}:
        return "long", None
    if kinds <= {"int", "float"}:
        return "double", None
    if kinds == {"json"}:
        return "string", None  # arrays/objects as JSON text
    return "string", "mixed JSON types " + "/".join(sorted(kinds)) + ", written as JSON text"


def fmt_num(x):
    """A coordinate as geoevent's CSV writes it in WKT (shortest round trip,
    no exponent, no trailing .0)."""
    s = format(Decimal(repr(float(x))), "f")
    return s[:-2] if s.endswith(".0") else s


def wkt(g):
    if g is None:
        return None
    t = g.get("type")
    c = g.get("coordinates")

    def pt(p):
        return " ".join(fmt_num(v) for v in p)

    def ring(r):
        return "(" + ", ".join(pt(p) for p in r) + ")"

    def poly(rs):
        return "(" + ", ".join(ring(r) for r in rs) + ")"

    if t == "Point":
        return f"POINT ({pt(c)})"
    if t == "LineString":
        return f"LINESTRING {ring(c)}" if c else "LINESTRING EMPTY"
    if t == "Polygon":
        return f"POLYGON {poly(c)}" if c else "POLYGON EMPTY"
    if t == "MultiPoint":
        return "MULTIPOINT (" + ", ".join(f"({pt(p)})" for p in c) + ")" if c else "MULTIPOINT EMPTY"
    if t == "MultiLineString":
        return "MULTILINESTRING (" + ", ".join(ring(r) for r in c) + ")" if c else "MULTILINESTRING EMPTY"
    if t == "MultiPolygon":
        return "MULTIPOLYGON (" + ", ".join(poly(p) for p in c) + ")" if c else "MULTIPOLYGON EMPTY"
    if t == "GeometryCollection":
        gs = g.get("geometries") or []
        return "GEOMETRYCOLLECTION (" + ", ".join(wkt(x) for x in gs) + ")" if gs else "GEOMETRYCOLLECTION EMPTY"
    return None


def row_maker(columns):
    """columns: [(property name, spark type name)] -> function (line, id) -> tuple."""

    def cell(v, t):
        if v is None:
            return None
        if t == "double":
            return float(v)
        if t == "string" and not isinstance(v, str):
            return json.dumps(v, ensure_ascii=False, separators=(",", ":"))
        return v

    def make(pair):
        line, idx = pair
        f = json.loads(line)
        g = f.get("geometry")
        lat = lon = None
        if g and g.get("type") == "Point" and g.get("coordinates"):
            lon, lat = float(g["coordinates"][0]), float(g["coordinates"][1])
        props = f.get("properties") or {}
        return (idx + 1, lat, lon, wkt(g)) + tuple(cell(props.get(name), t) for name, t in columns)

    return make


FEATURE_HEAD = re.compile(r'^\{"type":"Feature","id":\d+,')


def renumber(pair):
    """RFC 8142 record of a feature with id idx+1, keeping geoevent's bytes."""
    line, idx = pair
    new, n = FEATURE_HEAD.subn('{"type":"Feature","id":%d,' % (idx + 1), line, count=1)
    if n == 0:
        f = json.loads(line)
        f["id"] = idx + 1
        new = json.dumps(f, ensure_ascii=False, separators=(",", ":"))
    return "\x1e" + new


# --------------------------------------------------------------------------
# Driver


def rust_file_stem(name):
    """std::path::Path::file_stem, as geoevent names documents without an id."""
    if name.startswith(".") and name.count(".") == 1:
        return name
    i = name.rfind(".")
    return name[:i] if i > 0 else name


def expand_inputs(sc, inputs):
    """The files geoevent would read for these inputs: globs expanded, directories
    walked recursively in name order, skipping hidden entries."""
    jvm = sc._jvm
    conf = sc._jsc.hadoopConfiguration()
    files = []

    def display(st):
        uri = st.getPath().toUri()
        return uri.getPath() if uri.getScheme() == "file" else st.getPath().toString()

    def walk(fs, st, given):
        name = st.getPath().getName()
        if st.isDirectory():
            children = sorted(fs.listStatus(st.getPath()), key=lambda s: s.getPath().getName())
            for ch in children:
                if not ch.getPath().getName().startswith("."):
                    walk(fs, ch, None)
        else:
            files.append(
                {"uri": st.getPath().toString(), "display": given or display(st), "stem": rust_file_stem(name), "size": st.getLen()}
            )

    for arg in inputs:
        path = jvm.org.apache.hadoop.fs.Path(arg)
        fs = path.getFileSystem(conf)
        statuses = fs.globStatus(path)
        if statuses is None or len(statuses) == 0:
            raise UsageError(f"{arg}: no such file or directory")
        for st in statuses:
            walk(fs, st, arg if len(statuses) == 1 and not st.isDirectory() else None)
    return files


def hpath(sc, uri):
    p = sc._jvm.org.apache.hadoop.fs.Path(uri)
    return p, p.getFileSystem(sc._jsc.hadoopConfiguration())


def drop_checksum_file(fs, path):
    """Remove the hidden .crc file Hadoop's local filesystem keeps beside a
    file, which would make Hadoop reject the file once another tool edits it."""
    try:
        crc = fs.getChecksumFile(path)  # ChecksumFileSystem (file:) only
    except Exception:  # noqa: BLE001 - py4j: no such method on HDFS, S3, ...
        return
    if fs.exists(crc):
        fs.getRawFileSystem().delete(crc, False)


def preflight(args):
    """Run geoevent on the driver with empty input, so that a bad option or a
    missing gazetteer fails at once rather than in every task. Skipped when
    the binary or a file it reads is not on the driver (e.g. a hdfs:// URI)."""
    exe = args.binary if args.ship else resolve_binary(args.binary)
    if os.sep in exe:
        runnable = os.path.isfile(exe) and os.access(exe, os.X_OK)
    else:
        runnable = shutil.which(exe) is not None
    geo_args = args.geo_args if args.ship else map_file_options(args.geo_args, resolve_file)
    remote = [v for v in map_file_options_values(geo_args) if "://" in v]
    if not runnable or remote:
        what = remote[0] if remote else args.binary
        log(f"note: {what} is not on the driver; geoevent's options are checked on the executors")
        return
    cmd = [exe, args.command, "--ndjson", "--format", "ndjson"] + geo_args
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
    if r.returncode != 0:
        raise UsageError(f"geoevent rejects these options ({' '.join(cmd)}):\n" + r.stderr.decode("utf-8", "replace").strip())


def log(msg):
    print(f"{PROG}: {msg}", file=sys.stderr, flush=True)


def run(args):
    from pyspark.sql import SparkSession
    from pyspark.sql import types as T
    from pyspark import StorageLevel

    spark = SparkSession.builder.appName(f"geoevent {args.command}").getOrCreate()
    sc = spark.sparkContext
    try:
        return run_with(spark, sc, args, T, StorageLevel)
    finally:
        spark.stop()


def run_with(spark, sc, args, T, StorageLevel):
    out = args.out.rstrip("/")
    targets = {name: f"{out}/{name}" for name in ("features.geojsonseq", "features.parquet", "errors.txt")}
    for name, uri in targets.items():
        p, fs = hpath(sc, uri)
        if fs.exists(p) and not args.overwrite:
            raise UsageError(f"{uri} exists (use --overwrite to replace it)")

    # Ship the binary and the files geoevent reads, or leave the paths as given.
    geo_args = args.geo_args
    binary = args.binary
    if args.ship:
        if os.sep not in binary and "://" not in binary:
            found = shutil.which(binary)
            if not found:
                raise UsageError(f"--ship: {binary} is not on the driver's PATH; give its path")
            args.binary = binary = found
        sc.addFile(binary)
        binary = SHIPPED + os.path.basename(binary)

        def ship(value):
            sc.addFile(value)
            return SHIPPED + os.path.basename(value)

        geo_args = map_file_options(geo_args, ship)
    preflight(args)

    # Lines of every file, each file split into partitions; one Spark
    # partition never spans two files, so that (file, line) is known.
    # Only LF ends a line, as in geoevent (Hadoop also splits at a lone CR).
    sc._jsc.hadoopConfiguration().set("textinputformat.record.delimiter", "\n")
    files = expand_inputs(sc, args.inputs)
    total = sum(f["size"] for f in files) or 1
    want = args.partitions or sc.defaultParallelism
    rdds = [sc.textFile(f["uri"], minPartitions=max(1, math.ceil(want * f["size"] / total))) for f in files]
    lines = sc.union(rdds) if len(rdds) > 1 else rdds[0]
    part_file = [fi for fi, r in enumerate(rdds) for _ in range(r.getNumPartitions())]

    # Line numbers: a counting pass, so that articles without an id get the
    # `<stem>:<line>` id a single-machine run gives them, and problems name the
    # file and line.
    counts = lines.mapPartitions(lambda it: [sum(1 for _ in it)]).collect()
    first_line, seen = [], {}
    for pidx, fi in enumerate(part_file):
        first_line.append(seen.get(fi, 0) + 1)
        seen[fi] = seen.get(fi, 0) + counts[pidx]
    log(f"{len(files)} input file(s), {sum(counts)} lines, {len(part_file)} partitions")

    files_meta = [{"display": f["display"], "stem": f["stem"]} for f in files]
    task_cpus = int(sc.getConf().get("spark.task.cpus", "1"))
    piped = lines.mapPartitionsWithIndex(
        partition_runner(binary, args.command, geo_args, part_file, first_line, files_meta, task_cpus),
        preservesPartitioning=True,
    ).persist(StorageLevel.MEMORY_AND_DISK)

    # One job runs geoevent over every partition; what comes back to the driver
    # is the problems and, per partition, the number of features and the
    # properties' JSON kinds. The features stay on the executors (persisted).
    problems = piped.filter(lambda r: r[0] != "F").collect()
    errors = [m for tag, m in problems if tag == "E"]
    stats = sorted(m for tag, m in problems if tag == "S")
    assert [s[0] for s in stats] == list(range(len(part_file))), "a partition did not report"
    for tag, m in problems:
        if tag == "W":
            log(f"warning: {m}")
    if errors:
        for m in errors[:50]:
            print(m, file=sys.stderr)
        if len(errors) > 50:
            print(f"... and {len(errors) - 50} more", file=sys.stderr)
        if not args.keep_going:
            log(f"geoevent reported {len(errors)} problem(s) in the input; nothing written "
                "(--keep-going writes the features of the other articles)")
            return 2
        log(f"geoevent reported {len(errors)} problem(s); --keep-going: writing the other articles' features")

    # Global order = partition order, then geoevent's order in the partition:
    # the single-machine run's order. Ids are 1..n in that order.
    offsets, n = [], 0
    for _, count, _ in stats:
        offsets.append(n)
        n += count

    def number(pidx, records):
        base = offsets[pidx]
        return ((r[1], base + k) for k, r in enumerate(r for r in records if r[0] == "F"))

    numbered = piped.mapPartitionsWithIndex(number, preservesPartitioning=True)

    # Schema: id, lat, lon, wkt, then the properties in geoevent's order, each
    # with the one JSON type it has in the output.
    kinds = merge_kinds(k for _, _, k in stats)
    reserved = {"id", "lat", "lon", "wkt"}
    columns, fields = [], [
        T.StructField("id", T.LongType(), False),
        T.StructField("lat", T.DoubleType(), True),
        T.StructField("lon", T.DoubleType(), True),
        T.StructField("wkt", T.StringType(), True),
    ]
    type_of = {"string": T.StringType(), "boolean": T.BooleanType(), "long": T.LongType(), "double": T.DoubleType()}
    for name, ks in kinds.items():
        t, warning = spark_type(ks)
        if warning:
            log(f"warning: property {name!r}: {warning}")
        column = f"property_{name}" if name in reserved else name
        columns.append((name, t))
        fields.append(T.StructField(column, type_of[t], True))
    schema = T.StructType(fields)

    for name in ("features.geojsonseq", "features.parquet", "errors.txt"):
        p, fs = hpath(sc, targets[name])
        if fs.exists(p):
            fs.delete(p, True)

    # GeoJSONSeq: one file, written by one task in order, then renamed.
    tmp = f"{out}/_geojsonseq-{uuid.uuid4().hex}"
    numbered.map(renumber).coalesce(1).saveAsTextFile(tmp)
    tmp_path, fs = hpath(sc, tmp)
    parts = sorted(s.getPath().toString() for s in fs.listStatus(tmp_path) if s.getPath().getName().startswith("part-"))
    dest, _ = hpath(sc, targets["features.geojsonseq"])
    if parts:
        if not fs.rename(sc._jvm.org.apache.hadoop.fs.Path(parts[0]), dest):
            raise RuntimeError(f"{PROG}: cannot rename {parts[0]} to {targets['features.geojsonseq']}")
    else:
        fs.create(dest).close()
    fs.delete(tmp_path, True)
    drop_checksum_file(fs, dest)

    # Parquet: rows in id order, one part file per million features.
    df = spark.createDataFrame(numbered.map(row_maker(columns)), schema)
    df.coalesce(max(1, math.ceil(n / FEATURES_PER_PARQUET_FILE))).write.parquet(targets["features.parquet"])

    if errors:
        p, fs = hpath(sc, targets["errors.txt"])
        stream = fs.create(p)
        stream.write(bytearray("".join(m + "\n" for m in errors).encode("utf-8")))
        stream.close()
    log(f"{n} features -> {targets['features.geojsonseq']}, {targets['features.parquet']}"
        + (f"; {len(errors)} problem(s) -> {targets['errors.txt']}" if errors else ""))
    return 0


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return run(args)
    except UsageError as e:
        log(f"error: {e}")
        return 2
    except Exception as e:  # Spark wraps executor failures; show ours plainly
        lines = str(e).splitlines()
        start = next((i for i, l in enumerate(lines) if f"{PROG}: " in l), None)
        if start is None:
            raise
        message = [lines[start].split(f"{PROG}: ", 1)[1]]
        for l in lines[start + 1 :]:
            if not l.strip() or l.strip() == "." or l.lstrip().startswith("at ") or l.startswith("\t"):
                break
            message.append(l)
        log("error: " + "\n".join(message))
        return 1


if __name__ == "__main__":
    sys.exit(main())
