//! The search index behind the variable explorer: here is a query, give me ranked variables.
//!
//! The index is a projection of the catalog's change log. It records the number of the last
//! change it applied in its commit payload, catches up from there when opened, and can be
//! rebuilt from the store at any time. Variables are indexed once per published version, the
//! current one marked; drafts stay out until they are published.
//!
//! Tantivy stays inside this crate: the API speaks in [`SearchRequest`], [`SearchResult`] and
//! [`Hit`].

mod analyzer;
mod build;
mod document;
mod error;
mod query;
mod schema;
mod search;
mod terms;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy};

pub use analyzer::Vocabulary;
pub use build::CatchUp;
pub use error::{Error, IndexError, Result};
pub use query::MAX_QUERY_CHARS;
pub use search::{FacetCount, Facets, Highlight, Hit, SearchRequest, SearchResult, parse_period};
pub use terms::TermHit;

use crate::schema::Fields;

/// The index's directory inside a data directory.
pub fn index_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("index")
}

/// The memory tantivy may use for indexing before it writes a segment. Enough for a catch-up
/// after an import; a rebuild asks for more.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

/// A search index over one catalog.
pub struct SearchIndex {
    path: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    vocabulary: Vocabulary,
    writer: Mutex<Option<IndexWriter>>,
    /// How many of a filtered query's matches are scored one by one before pruning takes over:
    /// `search::SCORED_ONE_BY_ONE`, lowered by tests to search both ways.
    scored_one_by_one: usize,
}

impl SearchIndex {
    /// Opens the index in `path`, creating it if there is none, and starting it anew if it was
    /// written with other fields (the next catch-up rebuilds it). The user's synonym file
    /// (`synonyms.txt` beside the index) extends the built-in vocabulary.
    pub fn open(path: &Path) -> Result<SearchIndex> {
        let failure = |err: &dyn std::fmt::Display| Error::Index {
            path: path.to_owned(),
            source: IndexError(err.to_string()),
        };
        std::fs::create_dir_all(path).map_err(|err| failure(&err))?;
        let extra = path
            .parent()
            .map(|dir| dir.join("synonyms.txt"))
            .and_then(|file| std::fs::read_to_string(file).ok())
            .unwrap_or_default();
        let (schema, fields) = Fields::schema();
        let directory = MmapDirectory::open(path).map_err(|err| failure(&err))?;
        let index = match Index::open_or_create(directory, schema.clone()) {
            Ok(index) => index,
            // An index written by a varkat with other fields: it is a projection of the store,
            // so it is started anew and the next catch-up rebuilds it from the change log.
            Err(tantivy::TantivyError::SchemaError(_)) => {
                std::fs::remove_dir_all(path).map_err(|err| failure(&err))?;
                std::fs::create_dir_all(path).map_err(|err| failure(&err))?;
                let directory = MmapDirectory::open(path).map_err(|err| failure(&err))?;
                Index::open_or_create(directory, schema).map_err(|err| failure(&err))?
            }
            Err(err) => return Err(failure(&err)),
        };
        SearchIndex::with_index(path, index, fields, Vocabulary::with_extra_synonyms(&extra))
    }

    /// An index in memory, for tests and benchmarks.
    pub fn in_memory() -> Result<SearchIndex> {
        let (schema, fields) = Fields::schema();
        SearchIndex::with_index(
            Path::new(":memory:"),
            Index::create_in_ram(schema),
            fields,
            Vocabulary::default(),
        )
    }

    fn with_index(
        path: &Path,
        index: Index,
        fields: Fields,
        vocabulary: Vocabulary,
    ) -> Result<SearchIndex> {
        vocabulary.register(&index);
        let reader =
            index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(
                |err: tantivy::TantivyError| Error::Index {
                    path: path.to_owned(),
                    source: IndexError(err.to_string()),
                },
            )?;
        Ok(SearchIndex {
            path: path.to_owned(),
            index,
            reader,
            fields,
            vocabulary,
            writer: Mutex::new(None),
            scored_one_by_one: search::SCORED_ONE_BY_ONE,
        })
    }

    fn failure(&self, err: &dyn std::fmt::Display) -> Error {
        Error::Index { path: self.path.clone(), source: IndexError(err.to_string()) }
    }

    /// Runs `work` with the index writer, creating it on first use.
    fn with_writer<T>(
        &self,
        memory: usize,
        work: impl FnOnce(&mut IndexWriter) -> Result<T>,
    ) -> Result<T> {
        let mut guard = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if guard.is_none() {
            *guard = Some(self.index.writer(memory).map_err(|err| self.failure(&err))?);
        }
        work(guard.as_mut().expect("the writer was just created"))
    }
}
