//! `geoevent distance`: geodesic distance and bearing between places.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::ValueEnum;
use geo::{Geodesic, InterpolatePoint, Point};
use geoevent::geodesy::{LonLat, bearing_deg, compass, distance_m};
use geoevent::output::{DISTANCES, FeatureWriter, Format, Geometry, round, write_file_atomically};
use geoevent::resolve::Resolver;
use serde::Serialize;

use super::common::{GazetteerArgs, ResolveArgs, Sink};

/// Measure between places given by name or as `lat,lon`.
///
/// Prints, for each consecutive pair (or every pair with --matrix), the
/// WGS84 geodesic distance, the initial bearing from the first place to the
/// second, and its 16-point compass direction.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Two or more places: names ("Fallujah") or `lat,lon` ("33.35,43.79").
    /// Put `--` before a place that starts with a minus sign:
    /// `geoevent distance -- -33.87,151.21 Baghdad`.
    #[arg(value_name = "PLACE", num_args = 2.., required = true)]
    pub places: Vec<String>,
    /// Every pair instead of consecutive pairs.
    #[arg(long)]
    pub matrix: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DistFormat::Text)]
    pub format: DistFormat,
    /// Decimal places of coordinates in GeoJSON.
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(0..=15))]
    pub precision: u32,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub resolve: ResolveArgs,
    #[command(flatten)]
    pub gazetteer: GazetteerArgs,
}

/// Output formats of `distance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DistFormat {
    /// One line per pair.
    Text,
    /// A JSON array of pairs.
    Json,
    /// A FeatureCollection of geodesic LineStrings with the figures as properties.
    Geojson,
    /// CSV, one row per pair: id, lat, lon (empty), wkt of the geodesic, then the figures
    /// (with a `.csvt` file of column types beside a file output).
    Csv,
    /// KML, one Placemark per pair with the geodesic line.
    Kml,
}

/// A place given on the command line, resolved.
#[derive(Debug, Clone, Serialize)]
pub struct Endpoint {
    /// As given.
    pub query: String,
    /// Resolved name.
    pub name: String,
    /// Gazetteer id, null for coordinates.
    pub id: Option<String>,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
}

/// One measured pair.
#[derive(Debug, Serialize)]
pub struct Pair {
    from: String,
    to: String,
    from_id: Option<String>,
    to_id: Option<String>,
    distance_km: f64,
    distance_m: f64,
    bearing_deg: f64,
    compass: &'static str,
    back_bearing_deg: f64,
    title: String,
}

fn parse_latlon(s: &str) -> Option<LonLat> {
    let (a, b) = s.split_once(',')?;
    let lat: f64 = a.trim().parse().ok()?;
    let lon: f64 = b.trim().parse().ok()?;
    Some(LonLat::new(lon, lat))
}

fn endpoint(resolver: &Resolver<'_>, q: &str) -> anyhow::Result<Endpoint> {
    if let Some(p) = parse_latlon(q) {
        if !(p.lat.is_finite()
            && p.lon.is_finite()
            && (-90.0..=90.0).contains(&p.lat)
            && (-180.0..=180.0).contains(&p.lon))
        {
            bail!("{q:?}: lat must be in [-90, 90] and lon in [-180, 180]");
        }
        return Ok(Endpoint { query: q.into(), name: q.into(), id: None, lon: p.lon, lat: p.lat });
    }
    let ranked = resolver.rank_name(q);
    let Some(best) = ranked.first() else {
        bail!("{q:?}: no place of that name in the gazetteer (give `lat,lon` instead)");
    };
    Ok(Endpoint {
        query: q.into(),
        name: best.place.name.into(),
        id: Some(best.place.id.into()),
        lon: best.place.lon,
        lat: best.place.lat,
    })
}

/// Measure one pair.
pub fn measure(a: &Endpoint, b: &Endpoint) -> Pair {
    let (pa, pb) = (LonLat::new(a.lon, a.lat), LonLat::new(b.lon, b.lat));
    let d = distance_m(pa, pb);
    let bearing = bearing_deg(pa, pb);
    Pair {
        from: a.name.clone(),
        to: b.name.clone(),
        from_id: a.id.clone(),
        to_id: b.id.clone(),
        distance_km: round(d / 1000.0, 3),
        distance_m: round(d, 1),
        bearing_deg: round(bearing, 1),
        compass: compass(bearing),
        back_bearing_deg: round(bearing_deg(pb, pa), 1),
        title: format!("{} to {}: {:.1} km {}", a.name, b.name, d / 1000.0, compass(bearing)),
    }
}

/// Points along the geodesic from `a` to `b`, at most 100 km apart.
pub fn geodesic_line(a: &Endpoint, b: &Endpoint, meters: f64) -> Vec<LonLat> {
    let n = ((meters / 100_000.0).ceil() as usize).clamp(1, 200);
    let (pa, pb) = (Point::new(a.lon, a.lat), Point::new(b.lon, b.lat));
    (0..=n)
        .map(|i| {
            let p = Geodesic.point_at_ratio_between(pa, pb, i as f64 / n as f64);
            LonLat::new(p.x(), p.y())
        })
        .collect()
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (gazetteer, problems) = args.gazetteer.load()?;
    let options = args.resolve.options();
    let resolver = Resolver::new(gazetteer, options.resolving);
    let points: Vec<Endpoint> = args.places.iter().map(|q| endpoint(&resolver, q)).collect::<anyhow::Result<_>>()?;
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    if args.matrix {
        for i in 0..points.len() {
            for j in i + 1..points.len() {
                pairs.push((i, j));
            }
        }
    } else {
        pairs.extend((1..points.len()).map(|i| (i - 1, i)));
    }
    let mut sink = Sink::open(args.output.as_ref())?;
    match args.format {
        DistFormat::Text => {
            for &(i, j) in &pairs {
                let p = measure(&points[i], &points[j]);
                writeln!(
                    sink,
                    "{} -> {}: {:.3} km, bearing {:.1}° ({})",
                    p.from, p.to, p.distance_km, p.bearing_deg, p.compass
                )?;
            }
            sink.commit()?;
        }
        DistFormat::Json => {
            let all: Vec<Pair> = pairs.iter().map(|&(i, j)| measure(&points[i], &points[j])).collect();
            serde_json::to_writer_pretty(&mut sink, &all)?;
            writeln!(sink)?;
            sink.commit()?;
        }
        DistFormat::Geojson | DistFormat::Csv | DistFormat::Kml => {
            let format = match args.format {
                DistFormat::Csv => Format::Csv,
                DistFormat::Kml => Format::Kml,
                _ => Format::Geojson,
            };
            let mut w = FeatureWriter::new(sink, format, DISTANCES, args.precision, false);
            for &(i, j) in &pairs {
                let p = measure(&points[i], &points[j]);
                let line = geodesic_line(&points[i], &points[j], p.distance_m);
                w.write(&Geometry::LineString(line), &p).context("writing features")?;
            }
            w.finish().context("writing features")?.commit()?;
            // Column types for GDAL and QGIS, as `-o FILE` of places and extract.
            if let (Format::Csv, Some(path)) = (format, &args.output) {
                write_file_atomically(&path.with_extension("csvt"), DISTANCES.csvt().as_bytes())?;
            }
        }
    }
    Ok(if problems > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}
