//! What the API answers and the explorer pages show, computed once for both from the store,
//! the index and the current harmonization proposal. Everything here runs on the blocking pool.

use catalog::{
    CodeSystem, CodeSystemId, CodeSystemVersion, RegistryId, SharedDefinitionId, VariableKey,
    VariableVersion, VersionNo, View, diff_versions,
};
use indexer::SearchRequest;
use serde::{Deserialize, Serialize};

use crate::api::dto::{
    DefinitionDetail, DefinitionMember, HarmonizationDto, HistoryEntry, RegistryDetail,
    RegistrySummary, SearchHit, SearchResponse, VariableDetail,
};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::Shared;

/// The search parameters of `/api/search` and `/search`, as they appear in a shareable URL.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct SearchParams {
    /// The query.
    #[serde(default)]
    pub(crate) q: String,
    /// Only this registry.
    pub(crate) registry: Option<String>,
    /// Only this data type.
    #[serde(rename = "type")]
    pub(crate) data_type: Option<String>,
    /// Only this code system.
    pub(crate) system: Option<String>,
    /// Only this registry kind.
    pub(crate) kind: Option<String>,
    /// Only this harmonization status.
    pub(crate) harmonization: Option<String>,
    /// Only variables collected in `FROM..TO`.
    pub(crate) period: Option<String>,
    /// Count facets (the explorer always does).
    #[serde(default)]
    pub(crate) facets: bool,
    /// Hits per page.
    pub(crate) limit: Option<usize>,
    /// The page, from 1.
    pub(crate) page: Option<usize>,
}

impl SearchParams {
    fn non_empty(value: &Option<String>) -> Option<String> {
        value.as_ref().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
    }
}

/// Runs a search with the server's limits on query length and page size.
pub(crate) fn search(shared: &Shared, params: &SearchParams) -> Result<SearchResponse, ApiError> {
    let limits = shared.limits;
    if params.q.chars().count() > limits.query_chars {
        return Err(ApiError::BadRequest(format!(
            "the query is {} characters long; the most is {}",
            params.q.chars().count(),
            limits.query_chars
        )));
    }
    let limit = params.limit.unwrap_or(10);
    if limit == 0 || limit > limits.page_size {
        return Err(ApiError::BadRequest(format!(
            "limit must be from 1 to {}; it was {limit}",
            limits.page_size
        )));
    }
    let page = params.page.unwrap_or(1);
    if page == 0 || page > 10_000 {
        return Err(ApiError::BadRequest(format!("page must be from 1 to 10000; it was {page}")));
    }
    let period = SearchParams::non_empty(&params.period)
        .map(|period| indexer::parse_period(&period))
        .transpose()
        .map_err(ApiError::BadRequest)?;
    let request = SearchRequest {
        query: params.q.clone(),
        registries: SearchParams::non_empty(&params.registry).into_iter().collect(),
        data_type: SearchParams::non_empty(&params.data_type),
        system: SearchParams::non_empty(&params.system),
        kind: SearchParams::non_empty(&params.kind),
        harmonization: SearchParams::non_empty(&params.harmonization),
        period,
        facets: params.facets,
        limit,
        offset: (page - 1) * limit,
        all_versions: false,
    };
    let result = shared.index.search(&request)?;
    let hits = result
        .hits
        .into_iter()
        .map(|hit| {
            let variable = hit.key.split_once('/').map(|(_, name)| name.to_owned());
            SearchHit {
                snippet: hit.highlight.as_ref().map(marked_html),
                registry: hit.registry,
                variable: variable.unwrap_or_default(),
                key: hit.key,
                version: hit.version,
                current: hit.current,
                label: hit.label,
                data_type: hit.data_type,
                status: hit.status,
                period_from: hit.period_from,
                period_to: hit.period_to,
                score: hit.score,
                highlight: hit.highlight,
            }
        })
        .collect();
    let terms = if page == 1 && !params.q.trim().is_empty() {
        shared.index.search_terms(&params.q, 5)?
    } else {
        Vec::new()
    };
    Ok(SearchResponse {
        total: result.total,
        total_exact: result.total_exact,
        page,
        limit,
        hits,
        facets: result.facets,
        terms,
    })
}

/// A highlight as HTML: the text escaped, the matched words in `<mark>`.
pub(crate) fn marked_html(highlight: &indexer::Highlight) -> String {
    highlight
        .pieces()
        .into_iter()
        .map(|(piece, matched)| {
            let escaped = maud::html! { (piece) }.into_string();
            if matched { format!("<mark>{escaped}</mark>") } else { escaped }
        })
        .collect()
}

/// Every registry with its count of live, published variables.
pub(crate) fn registries(shared: &Shared) -> Result<Vec<RegistrySummary>, ApiError> {
    let mut summaries = Vec::new();
    for registry in shared.store.registries()? {
        let variables = shared.store.registry_counts(&registry.id)?.variables;
        summaries.push(RegistrySummary { registry, variables });
    }
    Ok(summaries)
}

/// The view a caller may have of a registry: drafts only for those who may edit it.
pub(crate) fn view_for(
    caller: Option<&Caller>,
    registry: &RegistryId,
    drafts: bool,
) -> Result<View, ApiError> {
    match (drafts, caller) {
        (false, _) => Ok(View::Published),
        (true, Some(caller)) if caller.may_edit(registry) => Ok(View::WithDrafts),
        (true, Some(_)) => Err(ApiError::Forbidden(format!(
            "the drafts of `{registry}` are visible only to its stewards"
        ))),
        (true, None) => Err(ApiError::Unauthorized(
            "drafts are visible only to a registry's stewards: send a token",
        )),
    }
}

/// A registry and the variables at `range` in its list by name, with how many it has.
pub(crate) fn registry(
    shared: &Shared,
    id: &RegistryId,
    view: View,
    range: std::ops::Range<usize>,
) -> Result<RegistryDetail, ApiError> {
    let registry = shared.store.registry(id)?;
    let catalog::VariablesPage { variables, total } =
        shared.store.variables_page(id, view, range)?;
    Ok(RegistryDetail { registry, total, variables })
}

/// Which version of a variable to show.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct VersionParams {
    /// This version.
    pub(crate) version: Option<u32>,
    /// The version published as of this date (YYYY-MM-DD) or time (RFC 3339).
    pub(crate) as_of: Option<String>,
    /// The latest version even if it is a draft (stewards of the registry only).
    #[serde(default)]
    pub(crate) drafts: bool,
}

/// One version of a variable, chosen by number, by date, or the current one.
pub(crate) fn variable(
    shared: &Shared,
    key: &VariableKey,
    params: &VersionParams,
    caller: Option<&Caller>,
) -> Result<VariableDetail, ApiError> {
    let view = view_for(caller, key.registry(), params.drafts)?;
    let variable = match (params.version, params.as_of.as_deref()) {
        (Some(_), Some(_)) => {
            return Err(ApiError::BadRequest("give version or as_of, not both".into()));
        }
        (Some(number), None) => {
            let version = shared.store.version(key, VersionNo(number))?;
            if version.is_draft() && view == View::Published {
                return Err(ApiError::NotFound(format!(
                    "variable `{key}` has no version {number}"
                )));
            }
            version
        }
        (None, Some(as_of)) => shared.store.as_of(key, parse_moment(as_of)?)?,
        (None, None) => shared.store.current(key, view)?,
    };
    let n_versions = shared.store.history(key)?.iter().filter(|v| view.shows(v.is_draft())).count();
    let harmonization = harmonization_of(shared, key)?;
    Ok(VariableDetail { variable, n_versions, harmonization })
}

/// A date (the end of that day) or an RFC 3339 time.
pub(crate) fn parse_moment(text: &str) -> Result<chrono::DateTime<chrono::Utc>, ApiError> {
    if let Ok(time) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(time.with_timezone(&chrono::Utc));
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(23, 59, 59))
        .map(|time| time.and_utc())
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "`{text}` is not a date (YYYY-MM-DD) or a time (RFC 3339)"
            ))
        })
}

/// How a variable is harmonized: its recorded mapping if there is one, else what varkat
/// proposes, with the other members of its group.
pub(crate) fn harmonization_of(
    shared: &Shared,
    key: &VariableKey,
) -> Result<Option<HarmonizationDto>, ApiError> {
    let harmonization = shared.harmonization()?;
    let recorded = shared.store.mapping_history(key)?.pop();
    let proposed = harmonization.proposal.groups.iter().find_map(|group| {
        group.members.iter().find(|m| &m.key == key).map(|member| (group, member))
    });
    let definition_id = match (&recorded, proposed) {
        (Some(mapping), _) => mapping.definition.clone(),
        (None, Some((group, _))) => group.definition.clone(),
        (None, None) => return Ok(None),
    };
    let stored = shared.store.shared_definition_history(&definition_id)?.pop();
    let Some(definition) = stored.or_else(|| harmonization.definition(&definition_id).cloned())
    else {
        return Ok(None);
    };
    let mut group: Vec<VariableKey> = shared
        .store
        .mappings_onto(&definition_id)?
        .into_iter()
        .filter(|m| m.status != catalog::ReviewStatus::Rejected)
        .map(|m| m.variable)
        .collect();
    if let Some(proposed) =
        harmonization.proposal.groups.iter().find(|g| g.definition == definition_id)
    {
        group.extend(proposed.members.iter().map(|m| m.key.clone()));
    }
    group.sort();
    group.dedup();
    group.retain(|member| member != key);
    let needs_rereview = match &recorded {
        Some(mapping) => shared.store.rereview_reason(mapping)?.is_some(),
        None => false,
    };
    Ok(Some(match recorded {
        Some(mapping) => HarmonizationDto {
            definition,
            relation: mapping.relation,
            status: mapping.status.as_str().to_owned(),
            values: mapping.values.clone(),
            mapping: Some(mapping),
            needs_rereview,
            group,
        },
        None => {
            let (_, member) = proposed.expect("a proposal when nothing is recorded");
            HarmonizationDto {
                definition,
                relation: member.relation,
                status: "suggested".into(),
                values: member.values.clone(),
                mapping: None,
                needs_rereview,
                group,
            }
        }
    }))
}

/// A variable's versions, each with what changed from the one before.
pub(crate) fn history(
    shared: &Shared,
    key: &VariableKey,
    view: View,
) -> Result<Vec<HistoryEntry>, ApiError> {
    let versions: Vec<VariableVersion> =
        shared.store.history(key)?.into_iter().filter(|v| view.shows(v.is_draft())).collect();
    let mut entries = Vec::new();
    for (index, version) in versions.iter().enumerate() {
        let changes =
            index.checked_sub(1).map(|previous| diff_versions(&versions[previous], version));
        entries.push(HistoryEntry { version: version.clone(), changes });
    }
    Ok(entries)
}

/// A shared definition with every variable mapped or proposed onto it.
pub(crate) fn definition(
    shared: &Shared,
    id: &SharedDefinitionId,
) -> Result<DefinitionDetail, ApiError> {
    let history = shared.store.shared_definition_history(id)?;
    let harmonization = shared.harmonization()?;
    let definition = history
        .last()
        .cloned()
        .or_else(|| harmonization.definition(id).cloned())
        .ok_or_else(|| catalog::Error::DefinitionNotFound(id.clone()))?;
    let mut members: Vec<DefinitionMember> = Vec::new();
    let label_of = |key: &VariableKey| {
        harmonization.variable(key).and_then(|v| v.definition.label.best().map(str::to_owned))
    };
    let recorded = shared.store.mappings_onto(id)?;
    let group = harmonization.proposal.groups.iter().find(|g| &g.definition == id);
    for mapping in &recorded {
        let proposed = group.and_then(|g| g.members.iter().find(|m| m.key == mapping.variable));
        members.push(DefinitionMember {
            variable: mapping.variable.clone(),
            label: label_of(&mapping.variable),
            relation: mapping.relation,
            status: mapping.status.as_str().to_owned(),
            confidence: proposed.map(|m| m.confidence),
            reasons: proposed.map(|m| m.reasons.clone()).unwrap_or_default(),
        });
    }
    for member in group.map(|g| g.members.as_slice()).unwrap_or_default() {
        if recorded.iter().any(|m| m.variable == member.key) {
            continue;
        }
        members.push(DefinitionMember {
            variable: member.key.clone(),
            label: label_of(&member.key),
            relation: member.relation,
            status: "suggested".into(),
            confidence: Some(member.confidence),
            reasons: member.reasons.clone(),
        });
    }
    members.sort_by(|a, b| a.variable.cmp(&b.variable));
    Ok(DefinitionDetail { definition, versions: history.len(), members })
}

/// The coverage of registries by shared definitions.
pub(crate) fn coverage(shared: &Shared) -> Result<harmonize::coverage::Coverage, ApiError> {
    let harmonization = shared.harmonization()?;
    let registries: Vec<RegistryId> =
        shared.store.registries()?.into_iter().map(|registry| registry.id).collect();
    Ok(harmonize::coverage::coverage(
        &registries,
        &harmonization.definitions,
        &harmonization.proposal,
        &shared.store.mappings()?,
    ))
}

/// One code system version with its concepts, and the names of all its versions.
#[derive(Debug, Serialize)]
pub(crate) struct CodeSystemDetail {
    pub(crate) system: CodeSystem,
    pub(crate) versions: Vec<String>,
    pub(crate) version: CodeSystemVersion,
}

/// A code system, its version names, and one version (the latest when none is named).
pub(crate) fn code_system(
    shared: &Shared,
    id: &CodeSystemId,
    version: Option<&str>,
) -> Result<CodeSystemDetail, ApiError> {
    let system = shared
        .store
        .code_systems()?
        .into_iter()
        .find(|s| &s.id == id)
        .ok_or_else(|| ApiError::NotFound(format!("code system `{id}` does not exist")))?;
    let names = shared.store.code_system_version_summaries(id)?.into_iter().map(|v| v.version);
    let found = shared.store.code_system_version(id, version)?;
    let version = found.ok_or_else(|| match version {
        Some(wanted) => ApiError::NotFound(format!("code system `{id}` has no version `{wanted}`")),
        None => ApiError::NotFound(format!("code system `{id}` has no versions")),
    })?;
    Ok(CodeSystemDetail { system, versions: names.collect(), version })
}
