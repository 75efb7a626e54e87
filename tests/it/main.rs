//! Integration tests: drive the built binary (and the library) end to end.

mod bad_input;
mod clients;
mod distance;
mod eval;
mod extract;
mod gazetteer;
mod geodesy;
mod map;
mod places;
mod progress;
mod properties;
mod readme;
mod resolve;
mod util;
