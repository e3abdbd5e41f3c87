//! Shared definitions, mappings, the harmonization proposal, the coverage matrix, and the
//! reviewers' decisions.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use catalog::{Change, Mapping, ReviewStatus, SharedDefinition, SharedDefinitionId, VariableKey};
use serde::{Deserialize, Serialize};

use crate::api::Auth;
use crate::api::dto::DefinitionDetail;
use crate::error::ApiError;
use crate::state::AppState;
use crate::views;

/// Every shared definition, latest versions.
pub(crate) async fn definitions(
    State(state): State<AppState>,
) -> Result<Json<Vec<SharedDefinition>>, ApiError> {
    state.blocking(|shared| Ok(shared.store.shared_definitions()?)).await.map(Json)
}

/// One shared definition with its members across registries.
pub(crate) async fn definition(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<DefinitionDetail>, ApiError> {
    let id = SharedDefinitionId(id);
    state.blocking(move |shared| views::definition(shared, &id)).await.map(Json)
}

/// Filters on recorded mappings, and a page of them.
#[derive(Debug, Deserialize)]
pub(crate) struct MappingParams {
    status: Option<String>,
    definition: Option<String>,
    /// Mappings to skip.
    #[serde(default)]
    offset: usize,
    /// At most this many mappings; all when not given.
    limit: Option<usize>,
}

/// Items `offset..offset + limit` of a long list (`?offset=&limit=`), all from `offset` when no
/// limit is given. (The two fields are in each route's own parameters: serde's flatten reads a
/// query's numbers as strings and refuses them.)
fn page_of<T>(
    items: impl IntoIterator<Item = T>,
    offset: usize,
    limit: Option<usize>,
) -> impl Iterator<Item = T> {
    items.into_iter().skip(offset).take(limit.unwrap_or(usize::MAX))
}

/// The latest recorded mapping of every variable that has one.
pub(crate) async fn mappings(
    State(state): State<AppState>,
    Query(params): Query<MappingParams>,
) -> Result<Json<Vec<Mapping>>, ApiError> {
    if let Some(status) = params.status.as_deref()
        && !["proposed", "accepted", "rejected"].contains(&status)
    {
        return Err(ApiError::BadRequest(format!(
            "`{status}` is not a review status; expected proposed, accepted or rejected"
        )));
    }
    state
        .blocking(move |shared| {
            let mappings = match &params.definition {
                Some(id) => shared.store.mappings_onto(&SharedDefinitionId(id.clone()))?,
                None => shared.store.mappings()?,
            };
            let chosen = mappings
                .into_iter()
                .filter(|m| params.status.as_deref().is_none_or(|s| s == m.status.as_str()));
            Ok(page_of(chosen, params.offset, params.limit).collect())
        })
        .await
        .map(Json)
}

/// Which of the proposal's groups to give: one definition's, and a page of them.
#[derive(Debug, Deserialize)]
pub(crate) struct ProposalParams {
    definition: Option<String>,
    /// Groups to skip.
    #[serde(default)]
    offset: usize,
    /// At most this many groups; all when not given.
    limit: Option<usize>,
}

/// The proposal with some of its groups, and how many groups were chosen before the page.
#[derive(Debug, Serialize)]
pub(crate) struct ProposalPage {
    /// The groups of the definition asked for, or all, before the page was cut.
    total: usize,
    #[serde(flatten)]
    proposal: harmonize::Proposal,
}

/// varkat's current proposal: groups around shared definitions, with confidence, reasons and
/// value mappings; all groups, one definition's (`?definition=`), or a page (`?offset=&limit=`).
pub(crate) async fn proposals(
    State(state): State<AppState>,
    Query(params): Query<ProposalParams>,
) -> Result<Json<ProposalPage>, ApiError> {
    state
        .blocking(move |shared| {
            let harmonization = shared.harmonization()?;
            let proposal = &harmonization.proposal;
            let chosen: Vec<&harmonize::ProposedGroup> = proposal
                .groups
                .iter()
                .filter(|g| params.definition.as_deref().is_none_or(|id| id == g.definition.0))
                .collect();
            Ok(ProposalPage {
                total: chosen.len(),
                proposal: harmonize::Proposal {
                    groups: page_of(chosen, params.offset, params.limit).cloned().collect(),
                    variables: proposal.variables,
                    pairs_scored: proposal.pairs_scored,
                    tentative_mappings: proposal.tentative_mappings.clone(),
                },
            })
        })
        .await
        .map(Json)
}

/// Records the current proposal's new members as mappings awaiting review (standards staff).
pub(crate) async fn record(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Option<Change>>, ApiError> {
    let caller = auth.required()?;
    if !caller.may_review() {
        return Err(ApiError::Forbidden("recording proposals is for standards staff".into()));
    }
    state
        .blocking(move |shared| {
            let harmonization = shared.harmonization()?;
            let proposed = harmonize::decision::proposed_mappings(
                &harmonization.proposal,
                &harmonization.definitions,
                &shared.store.mappings()?,
            );
            if proposed.is_empty() {
                return Ok(None);
            }
            if let Some(request) =
                harmonize::decision::proposed_definitions(&harmonization.proposal, &caller.holder)
            {
                shared.store.import(request)?;
            }
            let change = shared.store.record_review(proposed, &caller.holder)?;
            shared.after_write();
            Ok(Some(change))
        })
        .await
        .map(Json)
}

/// How to split the ConceptMaps of the FHIR export.
#[derive(Debug, Deserialize)]
pub(crate) struct FhirParams {
    per: Option<String>,
}

/// The shared definitions as FHIR CodeSystems and ValueSets and the accepted mappings as
/// ConceptMaps, in one Bundle.
pub(crate) async fn fhir(
    State(state): State<AppState>,
    Query(params): Query<FhirParams>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let per = match params.per.as_deref() {
        None | Some("group") => harmonize::fhir::ConceptMapPer::Group,
        Some("member") => harmonize::fhir::ConceptMapPer::Member,
        Some(other) => {
            return Err(ApiError::BadRequest(format!("`{other}` is not group or member")));
        }
    };
    state
        .blocking(move |shared| {
            let definitions = shared.store.shared_definitions()?;
            let mappings = shared.store.mappings()?;
            let variables = mappings
                .iter()
                .map(|m| shared.store.version(&m.variable, m.variable_version))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(harmonize::fhir::bundle(&definitions, &mappings, &variables, per))
        })
        .await
        .map(Json)
}

/// Registries × shared definitions, and how far each registry has come.
pub(crate) async fn coverage(
    State(state): State<AppState>,
) -> Result<Json<harmonize::coverage::Coverage>, ApiError> {
    state.blocking(views::coverage).await.map(Json)
}

/// A reviewer's decision on one variable's mapping.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ReviewRequest {
    /// The variable, `registry/name`.
    pub(crate) variable: String,
    /// `accept` or `reject`.
    pub(crate) decision: String,
    /// Why.
    #[serde(default)]
    pub(crate) comment: Option<String>,
    /// Map onto this definition instead of the proposed one (a reviewer moving a variable to
    /// another group); the answer options are then mapped onto its value set anew.
    #[serde(default)]
    pub(crate) definition: Option<String>,
}

/// Records one decision as a new mapping version; standards staff only.
pub(crate) async fn review(
    State(state): State<AppState>,
    auth: Auth,
    body: Result<Json<ReviewRequest>, JsonRejection>,
) -> Result<Json<Change>, ApiError> {
    let caller = auth.required()?;
    if !caller.may_review() {
        return Err(ApiError::Forbidden("review decisions are for standards staff".into()));
    }
    let Json(request) = body.map_err(|err| ApiError::BadRequest(err.body_text()))?;
    state.blocking(move |shared| decide(shared, &request, &caller.holder)).await.map(Json)
}

/// Records a decision: on the variable's latest recorded mapping, or on varkat's proposal for it
/// when nothing is recorded yet.
pub(crate) fn decide(
    shared: &crate::state::Shared,
    request: &ReviewRequest,
    reviewer: &str,
) -> Result<Change, ApiError> {
    let status = match request.decision.as_str() {
        "accept" => ReviewStatus::Accepted,
        "reject" => ReviewStatus::Rejected,
        other => {
            return Err(ApiError::BadRequest(format!(
                "`{other}` is not a decision; expected accept or reject"
            )));
        }
    };
    let key: VariableKey = request
        .variable
        .parse()
        .map_err(|err: catalog::KeyError| ApiError::BadRequest(err.to_string()))?;
    let latest = match shared.store.mapping_history(&key)?.pop() {
        Some(mapping) => mapping,
        None => {
            let harmonization = shared.harmonization()?;
            harmonize::decision::proposed_mappings(
                &harmonization.proposal,
                &harmonization.definitions,
                &[],
            )
            .into_iter()
            .find(|m| m.variable == key)
            .ok_or_else(|| {
                ApiError::NotFound(format!("`{key}` has no proposed or recorded mapping"))
            })?
        }
    };
    let mut decided = harmonize::decision::decide(
        &latest,
        status,
        reviewer,
        request.comment.as_deref().filter(|c| !c.trim().is_empty()),
        chrono::Utc::now(),
    );
    if let Some(definition) = request.definition.as_deref().filter(|d| *d != latest.definition.0) {
        let target = shared
            .store
            .shared_definition_history(&SharedDefinitionId(definition.to_owned()))?
            .pop()
            .ok_or_else(|| {
                ApiError::NotFound(format!("shared definition `{definition}` does not exist"))
            })?;
        let variable = shared.store.version(&decided.variable, decided.variable_version)?;
        let (relation, values) =
            harmonize::map_onto(&[variable], &target, &shared.store.shared_definitions()?)
                .pop()
                .expect("one variable gives one mapping");
        decided.definition = target.id;
        decided.definition_version = target.version;
        decided.relation = relation;
        decided.values = values;
    }
    let change = shared.store.record_review(vec![decided], reviewer)?;
    shared.after_write();
    Ok(change)
}
