//! Errors of the geoevent library.

use std::path::{Path, PathBuf};

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A gazetteer index could not be built or read.
    #[error("{path}: {message}")]
    Index {
        /// The file or source label.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A file's format could not be recognised.
    #[error("{}: {message}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What was expected and what was found.
        message: String,
    },
    /// One line of an input is bad.
    #[error("{source_name}:{line}: {message}")]
    Line {
        /// The file (or `<stdin>`).
        source_name: String,
        /// 1-based line number.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A place name or coordinate given by the user could not be resolved.
    #[error("{0}")]
    Place(String),
    /// Invalid option or argument value.
    #[error("{0}")]
    Invalid(String),
    /// This build has no web map assets (`web/node_modules` was missing).
    #[error("this geoevent was built without the map assets: run `npm ci --prefix web` and rebuild")]
    NoMapAssets,
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io { path: path.to_path_buf(), source }
    }
}

/// The library's result type.
pub type Result<T> = std::result::Result<T, Error>;
