//! Errors from the search index.

use std::path::PathBuf;

/// The indexer's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Something the index could not do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The index files could not be opened, read or written.
    #[error("search index failure in `{path}`")]
    Index {
        /// The index directory.
        path: PathBuf,
        /// What tantivy said, kept as text so that tantivy stays out of this crate's API.
        #[source]
        source: IndexError,
    },
    /// Reading the catalog failed while catching up.
    #[error("failed to read the catalog while updating the search index")]
    Catalog(#[from] catalog::Error),
    /// The query cannot be searched for.
    #[error("cannot search for `{query}`: {reason}")]
    BadQuery {
        /// The query as given.
        query: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// A failure inside the search engine.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct IndexError(pub(crate) String);
