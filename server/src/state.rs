//! What every request shares: the store, the search index, the tokens, the limits, and the
//! harmonization proposal computed from the store's current state.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use catalog::{
    ChangeSeq, SharedDefinition, SharedDefinitionId, Store, VariableKey, VariableVersion,
};
use indexer::SearchIndex;

use crate::api::dto::SearchResponse;
use crate::auth::TokenFile;
use crate::error::ApiError;
use crate::views::{self, SearchParams};

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
    /// How many search answers to keep until the catalog changes; 0 searches every time.
    pub search_cache: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            body_bytes: 64 * 1024 * 1024,
            request_time: Duration::from_secs(60),
            page_size: 100,
            query_chars: 500,
            search_cache: 20_000,
        }
    }
}

/// The proposal for the catalog as of one change, with what it was computed from.
pub(crate) struct Harmonization {
    /// The change it reflects.
    pub(crate) as_of: ChangeSeq,
    /// The live variables compared.
    pub(crate) variables: Vec<VariableVersion>,
    /// The shared definitions mapped onto: the catalog's and those the proposal adds.
    pub(crate) definitions: Vec<SharedDefinition>,
    /// The groups proposed.
    pub(crate) proposal: harmonize::Proposal,
    /// Where each variable and definition stands in its list: pages look up every member of
    /// the groups they show, among up to a million variables.
    variable_index: HashMap<VariableKey, usize>,
    definition_index: HashMap<SharedDefinitionId, usize>,
}

impl Harmonization {
    fn new(
        as_of: ChangeSeq,
        variables: Vec<VariableVersion>,
        definitions: Vec<SharedDefinition>,
        proposal: harmonize::Proposal,
    ) -> Harmonization {
        let variable_index =
            variables.iter().enumerate().map(|(index, v)| (v.key.clone(), index)).collect();
        let definition_index =
            definitions.iter().enumerate().map(|(index, d)| (d.id.clone(), index)).collect();
        Harmonization { as_of, variables, definitions, proposal, variable_index, definition_index }
    }

    /// The definition under `id`, the catalog's or one the proposal adds.
    pub(crate) fn definition(&self, id: &SharedDefinitionId) -> Option<&SharedDefinition> {
        self.definition_index.get(id).map(|&index| &self.definitions[index])
    }

    /// The live version of the variable under `key`, as it was compared.
    pub(crate) fn variable(&self, key: &VariableKey) -> Option<&VariableVersion> {
        self.variable_index.get(key).map(|&index| &self.variables[index])
    }
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
    /// This state, for work it starts on other threads after a write.
    itself: Weak<Shared>,
    searches: SearchCache,
    /// Four permits per core for work on the store and the index. Searches are CPU-bound: run
    /// all at once, 32 of them share two cores and each takes 16 times as long, so a slow one
    /// takes a hundred milliseconds; queued, each waits its turn and then runs at nearly full
    /// speed. More than one per core keep the cores busy while searches are handed over and
    /// answers written (measured with `.ci/load-test` at 32 connections: one per core 1,264
    /// searches/s, two 1,635 at p99 31 ms, four 1,722-1,842 at p99 41-43 ms, eight 1,752 at p99
    /// 70 ms; unlimited, p99 over 90 ms).
    work_slots: Arc<tokio::sync::Semaphore>,
}

/// Answers to recent searches. The explorer's traffic repeats itself (the same popular words,
/// the same facet clicks), so an answer is kept until the catalog next changes. Only this
/// process can write the store (sled's lock), so bumping the generation on each of its writes
/// invalidates exactly what is stale.
struct SearchCache {
    generation: AtomicU64,
    entries: Mutex<HashMap<String, (u64, Arc<SearchResponse>)>>,
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
            inner: Arc::new_cyclic(|itself| Shared {
                store,
                index,
                tokens,
                limits,
                harmonization: Mutex::new(None),
                itself: Weak::clone(itself),
                searches: SearchCache {
                    generation: AtomicU64::new(0),
                    entries: Mutex::new(HashMap::new()),
                },
                work_slots: Arc::new(tokio::sync::Semaphore::new(
                    4 * std::thread::available_parallelism().map_or(2, |cores| cores.get()),
                )),
            }),
        })
    }

    pub(crate) fn limits(&self) -> Limits {
        self.inner.limits
    }

    pub(crate) fn tokens(&self) -> &TokenFile {
        &self.inner.tokens
    }

    /// Searches, answering from the cache when the catalog has not changed since the same
    /// search was last made.
    pub(crate) async fn search(
        &self,
        params: SearchParams,
    ) -> Result<Arc<SearchResponse>, ApiError> {
        let capacity = self.inner.limits.search_cache;
        if capacity == 0 {
            return Ok(Arc::new(
                self.blocking(move |shared| views::search(shared, &params)).await?,
            ));
        }
        let key = format!("{params:?}");
        let cache = &self.inner.searches;
        let generation = cache.generation.load(Ordering::Acquire);
        let cached = cache.lock().get(&key).filter(|(seen, _)| *seen == generation).cloned();
        if let Some((_, answer)) = cached {
            return Ok(answer);
        }
        let answer = Arc::new(self.blocking(move |shared| views::search(shared, &params)).await?);
        {
            let mut entries = cache.lock();
            if entries.len() >= capacity {
                entries.clear();
            }
            entries.insert(key, (generation, Arc::clone(&answer)));
        }
        Ok(answer)
    }

    /// Runs `work` on tokio's blocking pool, when a work slot is free: sled and tantivy calls
    /// may take longer than an async task should hold its thread.
    pub(crate) async fn blocking<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Shared) -> Result<T, ApiError> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        let slot = Arc::clone(&self.inner.work_slots)
            .acquire_owned()
            .await
            .map_err(|err| ApiError::Internal(format!("no slot for a request's work: {err}")))?;
        // The slot moves into the work, so that it is held until the work ends, also when the
        // request gives up waiting for it.
        tokio::task::spawn_blocking(move || {
            let answer = work(&inner);
            drop(slot);
            answer
        })
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
        let recorded = self.store.mappings()?;
        let proposal =
            harmonize::propose(&variables, &definitions, &recorded, &harmonize::Options::default());
        let definitions = proposal.definitions(&definitions);
        let fresh = Arc::new(Harmonization::new(last, variables, definitions, proposal));
        *cached = Some(Arc::clone(&fresh));
        Ok(fresh)
    }

    /// Brings the search index up to date after a write, and starts making the harmonization
    /// proposal again on another thread. A failure is logged, not returned, because the write
    /// itself succeeded and each catches up on the next write or read.
    ///
    /// The proposal compares every live variable (seconds for 90,000), and a variable's page
    /// needs it: started here, it is usually ready before anyone asks, instead of keeping the
    /// first reader after every write waiting.
    pub(crate) fn after_write(&self) {
        if let Err(err) = self.index.catch_up(&self.store) {
            tracing::warn!(error = %err, "the search index will catch up later");
        }
        self.searches.generation.fetch_add(1, Ordering::AcqRel);
        let Some(shared) = self.itself.upgrade() else { return };
        let propose = move || {
            if let Err(err) = shared.harmonization() {
                tracing::warn!(error = %err, "the harmonization proposal will be made when asked for");
            }
        };
        if let Err(err) = std::thread::Builder::new().name("harmonization".into()).spawn(propose) {
            tracing::warn!(error = %err, "the harmonization proposal will be made when asked for");
        }
    }
}

impl SearchCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u64, Arc<SearchResponse>)>> {
        self.entries.lock().unwrap_or_else(|poison| poison.into_inner())
    }
}
