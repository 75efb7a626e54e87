//! geoevent turns news reports into mapped places and events.
//!
//! It finds place names in text, resolves them through a gazetteer to
//! coordinates, measures geodesic distances between places, and writes
//! RFC 7946 GeoJSON. The default gazetteer is embedded in the library.
//!
//! # Example
//! ```
//! use geoevent::{Gazetteer, Geoparser, Options};
//!
//! let parser = Geoparser::new(Gazetteer::embedded(), Options::default());
//! let places = parser.places("Militants attacked a convoy near Makhmour, south of Erbil in Iraq.");
//! let names: Vec<&str> = places.iter().filter_map(|p| p.place.map(|g| g.name)).collect();
//! assert!(names.contains(&"Iraq"));
//! let makhmour = places.iter().find(|p| p.surface == "Makhmour").unwrap();
//! assert_eq!(makhmour.place.unwrap().country, "IQ");
//! ```

#![deny(missing_docs)]

pub mod error;
pub mod eval;
pub mod events;
pub mod gazetteer;
pub mod geodesy;
pub mod input;
pub mod map;
pub mod matcher;
pub mod memo;
pub mod output;
pub mod parse;
pub mod relative;
pub mod resolve;
pub mod swar;
pub mod text;

pub use error::{Error, Result};
pub use gazetteer::{Gazetteer, Kind, Place};
pub use parse::{Analysis, Geoparser, Method, Options, PlaceMention};
