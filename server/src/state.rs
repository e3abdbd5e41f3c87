//! What every request shares: the store, the search index, the tokens, the limits, and the
//! harmonization proposal computed from the store's current state.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use catalog::{ChangeSeq, SharedDefinition, Store, VariableVersion};
use indexer::SearchIndex;

use crate::auth::TokenFile;
use crate::error::ApiError;

/// The server's limits; every one is answered with a clear 4xx error in JSON.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest request body, in bytes (an uploaded codebook).
    pub body_bytes: usize,
    /// How long a request may take.
    pub request_time: Duration,
    /// The most hits one search page may ask for.
    pub page_size: usize,
    /// The longest query, in characters.
    pub query_chars: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            body_bytes: 64 * 1024 * 1024,
            request_time: Duration::from_secs(60),
            page_size: 100,
            query_chars: 500,
        }
    }
}

/// The proposal for the catalog as of one change, with what it was computed from.
pub(crate) struct Harmonization {
    /// The change it reflects.
    pub(crate) as_of: ChangeSeq,
    /// The live variables compared.
    pub(crate) variables: Vec<VariableVersion>,
    /// The shared definitions mapped onto.
    pub(crate) definitions: Vec<SharedDefinition>,
    /// The groups proposed.
    pub(crate) proposal: harmonize::Proposal,
}

/// The shared state, cheap to clone into every handler.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Shared>,
}

pub(crate) struct Shared {
    pub(crate) store: Store,
    pub(crate) index: SearchIndex,
    pub(crate) tokens: TokenFile,
    pub(crate) limits: Limits,
    harmonization: Mutex<Option<Arc<Harmonization>>>,
}

impl AppState {
    /// The state over an open store and index; the index is brought up to date with the store
    /// first, so that a server started after a crash or an offline import serves what the
    /// store holds.
    pub fn new(
        store: Store,
        index: SearchIndex,
        tokens: TokenFile,
        limits: Limits,
    ) -> Result<AppState, indexer::Error> {
        index.catch_up(&store)?;
        Ok(AppState {
            inner: Arc::new(Shared {
                store,
                index,
                tokens,
                limits,
                harmonization: Mutex::new(None),
            }),
        })
    }

    pub(crate) fn limits(&self) -> Limits {
        self.inner.limits
    }

    pub(crate) fn tokens(&self) -> &TokenFile {
        &self.inner.tokens
    }

    /// Runs `work` on tokio's blocking pool: sled and tantivy calls may take longer than an
    /// async task should hold its thread.
    pub(crate) async fn blocking<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Shared) -> Result<T, ApiError> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || work(&inner))
            .await
            .map_err(|err| ApiError::Internal(format!("a request's work failed: {err}")))?
    }
}

impl Shared {
    /// The harmonization proposal for the catalog as it is now, computed again only when the
    /// change log has moved since the last one.
    pub(crate) fn harmonization(&self) -> Result<Arc<Harmonization>, ApiError> {
        let last = self.store.last_change()?;
        let mut cached = self.harmonization.lock().unwrap_or_else(|poison| poison.into_inner());
        if let Some(current) = cached.as_ref().filter(|h| h.as_of == last) {
            return Ok(Arc::clone(current));
        }
        let variables = self.store.live_variables(&[])?;
        let definitions = self.store.shared_definitions()?;
        let proposal = harmonize::propose(&variables, &definitions, &harmonize::Options::default());
        let fresh = Arc::new(Harmonization { as_of: last, variables, definitions, proposal });
        *cached = Some(Arc::clone(&fresh));
        Ok(fresh)
    }

    /// Brings the search index up to date after a write; a failure is logged, not returned,
    /// because the write itself succeeded and the index catches up on the next write or start.
    pub(crate) fn after_write(&self) {
        if let Err(err) = self.index.catch_up(&self.store) {
            tracing::warn!(error = %err, "the search index will catch up later");
        }
    }
}
