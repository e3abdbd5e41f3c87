//! Registries, variables with versions, as-of reads, history and diffs, the change log, and
//! code systems with their versions, concepts and where-used.

use axum::Json;
use axum::extract::{Path, Query, State};
use catalog::{
    Change, ChangeSeq, CodeSystem, CodeSystemId, RegistryId, VariableKey, VariableVersion,
    VersionDiff, VersionNo, diff_versions,
};
use serde::{Deserialize, Serialize};

use crate::api::Auth;
use crate::api::dto::{HistoryEntry, RegistryDetail, RegistrySummary, VariableDetail};
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::{self, VersionParams};

/// Every registry with its number of variables.
pub(crate) async fn registries(
    State(state): State<AppState>,
) -> Result<Json<Vec<RegistrySummary>>, ApiError> {
    state.blocking(views::registries).await.map(Json)
}

/// Whether to include drafts.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct DraftParams {
    #[serde(default)]
    drafts: bool,
}

/// Which of a registry's variables to list: drafts too (its stewards only), and a page of them.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RegistryParams {
    #[serde(default)]
    drafts: bool,
    /// Variables to skip, by name.
    #[serde(default)]
    offset: usize,
    /// At most this many variables; all when not given.
    limit: Option<usize>,
}

/// One registry and its variables (drafts too for its stewards, with `?drafts=true`), all of
/// them or a page (`?offset=&limit=`), with how many there are.
pub(crate) async fn registry(
    State(state): State<AppState>,
    Path(registry): Path<String>,
    Query(params): Query<RegistryParams>,
    Auth(caller): Auth,
) -> Result<Json<RegistryDetail>, ApiError> {
    let id = RegistryId::new(&registry)?;
    let view = views::view_for(caller.as_ref(), &id, params.drafts)?;
    let end = params.limit.map_or(usize::MAX, |limit| params.offset.saturating_add(limit));
    let range = params.offset..end;
    state.blocking(move |shared| views::registry(shared, &id, view, range)).await.map(Json)
}

fn key(registry: &str, name: &str) -> Result<VariableKey, ApiError> {
    Ok(VariableKey::new(RegistryId::new(registry)?, name)?)
}

/// A variable: its current version, `?version=N`, or `?as_of=DATE`, with its harmonization.
pub(crate) async fn variable(
    State(state): State<AppState>,
    Path((registry, name)): Path<(String, String)>,
    Query(params): Query<VersionParams>,
    Auth(caller): Auth,
) -> Result<Json<VariableDetail>, ApiError> {
    let key = key(&registry, &name)?;
    state
        .blocking(move |shared| views::variable(shared, &key, &params, caller.as_ref()))
        .await
        .map(Json)
}

/// Every version of a variable, each with what changed from the one before.
pub(crate) async fn history(
    State(state): State<AppState>,
    Path((registry, name)): Path<(String, String)>,
    Query(params): Query<DraftParams>,
    Auth(caller): Auth,
) -> Result<Json<Vec<HistoryEntry>>, ApiError> {
    let key = key(&registry, &name)?;
    let view = views::view_for(caller.as_ref(), key.registry(), params.drafts)?;
    state.blocking(move |shared| views::history(shared, &key, view)).await.map(Json)
}

/// Which versions to compare.
#[derive(Debug, Deserialize)]
pub(crate) struct DiffParams {
    /// The old version.
    from: u32,
    /// The new version; the latest published when left out.
    to: Option<u32>,
    /// Compare with this other variable's `to` version instead (`registry/name`).
    with: Option<String>,
}

/// Two versions compared field by field and category by category.
#[derive(Debug, Serialize)]
pub(crate) struct DiffResponse {
    from: VariableVersion,
    to: VariableVersion,
    diff: VersionDiff,
}

/// Compares two versions of a variable, or a version with another variable's.
pub(crate) async fn diff(
    State(state): State<AppState>,
    Path((registry, name)): Path<(String, String)>,
    Query(params): Query<DiffParams>,
) -> Result<Json<DiffResponse>, ApiError> {
    let key = key(&registry, &name)?;
    let other = params
        .with
        .as_deref()
        .map(|other| other.parse::<VariableKey>())
        .transpose()
        .map_err(|err| ApiError::BadRequest(err.to_string()))?;
    state
        .blocking(move |shared| {
            let from = shared.store.version(&key, VersionNo(params.from))?;
            let to_key = other.unwrap_or(key);
            let to = match params.to {
                Some(number) => shared.store.version(&to_key, VersionNo(number))?,
                None => shared.store.current(&to_key, catalog::View::Published)?,
            };
            if from.is_draft() || to.is_draft() {
                return Err(ApiError::NotFound("drafts cannot be compared here".into()));
            }
            let diff = diff_versions(&from, &to);
            Ok(DiffResponse { from, to, diff })
        })
        .await
        .map(Json)
}

/// Where to start reading the change log.
#[derive(Debug, Deserialize)]
pub(crate) struct ChangesParams {
    #[serde(default)]
    after: u64,
    limit: Option<usize>,
}

/// The most changes one request returns.
const MAX_CHANGES: usize = 1000;

/// The change log after a given change: every write, numbered, with who and when.
pub(crate) async fn changes(
    State(state): State<AppState>,
    Query(params): Query<ChangesParams>,
) -> Result<Json<Vec<Change>>, ApiError> {
    let limit = params.limit.unwrap_or(100).min(MAX_CHANGES);
    state
        .blocking(move |shared| {
            Ok(shared
                .store
                .changes_after(ChangeSeq(params.after))
                .take(limit)
                .collect::<Result<Vec<_>, _>>()?)
        })
        .await
        .map(Json)
}

/// A code system and the versions the catalog holds.
#[derive(Debug, Serialize)]
pub(crate) struct CodeSystemSummary {
    #[serde(flatten)]
    system: CodeSystem,
    versions: Vec<String>,
}

/// Every code system with its versions.
pub(crate) async fn code_systems(
    State(state): State<AppState>,
) -> Result<Json<Vec<CodeSystemSummary>>, ApiError> {
    state
        .blocking(|shared| {
            let mut out = Vec::new();
            for system in shared.store.code_systems()? {
                let versions = shared
                    .store
                    .code_system_version_summaries(&system.id)?
                    .into_iter()
                    .map(|v| v.version)
                    .collect();
                out.push(CodeSystemSummary { system, versions });
            }
            Ok(out)
        })
        .await
        .map(Json)
}

/// Which version of a code system.
#[derive(Debug, Deserialize)]
pub(crate) struct CodeSystemParams {
    version: Option<String>,
}

/// A code system's latest version (or `?version=V`) with its concepts.
pub(crate) async fn code_system(
    State(state): State<AppState>,
    Path(system): Path<String>,
    Query(params): Query<CodeSystemParams>,
) -> Result<Json<views::CodeSystemDetail>, ApiError> {
    let id = CodeSystemId(system);
    state
        .blocking(move |shared| views::code_system(shared, &id, params.version.as_deref()))
        .await
        .map(Json)
}

/// The variable versions bound to a code system (or to one version of it).
pub(crate) async fn where_used(
    State(state): State<AppState>,
    Path(system): Path<String>,
    Query(params): Query<CodeSystemParams>,
) -> Result<Json<Vec<VariableVersion>>, ApiError> {
    let id = CodeSystemId(system);
    state
        .blocking(move |shared| {
            views::code_system(shared, &id, params.version.as_deref())?;
            let used = shared.store.where_used(&id, params.version.as_deref())?;
            Ok(used.into_iter().filter(|v| !v.is_draft()).collect())
        })
        .await
        .map(Json)
}

/// Every value set, latest versions.
pub(crate) async fn value_sets(
    State(state): State<AppState>,
) -> Result<Json<Vec<catalog::ValueSet>>, ApiError> {
    state.blocking(|shared| Ok(shared.store.value_sets()?)).await.map(Json)
}

/// Every version of one value set, oldest first.
pub(crate) async fn value_set(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<catalog::ValueSet>>, ApiError> {
    state
        .blocking(move |shared| {
            let versions = shared.store.value_set_versions(&catalog::ValueSetId(id.clone()))?;
            if versions.is_empty() {
                return Err(ApiError::NotFound(format!("value set `{id}` does not exist")));
            }
            Ok(versions)
        })
        .await
        .map(Json)
}

/// Every code map (FHIR ConceptMap), latest versions.
pub(crate) async fn code_maps(
    State(state): State<AppState>,
) -> Result<Json<Vec<catalog::CodeMap>>, ApiError> {
    state.blocking(|shared| Ok(shared.store.code_maps()?)).await.map(Json)
}
