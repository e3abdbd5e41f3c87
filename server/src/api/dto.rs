//! The API's JSON shapes. Catalog values (variable versions, mappings, changes) appear as the
//! store keeps them; what is composed for the API (a search hit, a variable with its
//! harmonization) is defined here, at the wire.

use catalog::{
    Mapping, MappingRelation, Registry, SharedDefinition, VariableKey, VariableVersion, VersionDiff,
};
use indexer::{Facets, Highlight};
use serde::Serialize;

/// `GET /api/search`.
#[derive(Debug, Serialize)]
pub(crate) struct SearchResponse {
    /// How many variables match in all.
    pub(crate) total: usize,
    /// False when a very common query was not counted to the end.
    pub(crate) total_exact: bool,
    /// The page shown, from 1.
    pub(crate) page: usize,
    /// Hits per page.
    pub(crate) limit: usize,
    /// The page's hits, best first.
    pub(crate) hits: Vec<SearchHit>,
    /// Counts per registry, kind, type, code system, status, decade and harmonization status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) facets: Option<Facets>,
    /// Shared definitions and codes that match the words, on the first page.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) terms: Vec<indexer::TermHit>,
}

/// One hit: which registry's which variable, and where the query matched.
#[derive(Debug, Serialize)]
pub(crate) struct SearchHit {
    pub(crate) registry: String,
    pub(crate) variable: String,
    pub(crate) key: String,
    pub(crate) version: u32,
    pub(crate) current: bool,
    pub(crate) label: Option<String>,
    pub(crate) data_type: String,
    pub(crate) status: String,
    pub(crate) period_from: Option<chrono::NaiveDate>,
    pub(crate) period_to: Option<chrono::NaiveDate>,
    pub(crate) score: f32,
    /// The matched text with `<mark>` around the matched words, HTML-escaped otherwise.
    pub(crate) snippet: Option<String>,
    pub(crate) highlight: Option<Highlight>,
}

/// A registry with how many live variables it has.
#[derive(Debug, Serialize)]
pub(crate) struct RegistrySummary {
    #[serde(flatten)]
    pub(crate) registry: Registry,
    pub(crate) variables: usize,
}

/// A registry and its variables.
#[derive(Debug, Serialize)]
pub(crate) struct RegistryDetail {
    #[serde(flatten)]
    pub(crate) registry: Registry,
    /// How many variables the registry has in the view asked for, on all pages.
    pub(crate) total: usize,
    pub(crate) variables: Vec<VariableVersion>,
}

/// A variable's version, with how many versions it has and how it is harmonized.
#[derive(Debug, Serialize)]
pub(crate) struct VariableDetail {
    pub(crate) variable: VariableVersion,
    pub(crate) n_versions: usize,
    pub(crate) harmonization: Option<HarmonizationDto>,
}

/// How a variable maps onto a shared definition: recorded by reviewers, or only proposed.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct HarmonizationDto {
    pub(crate) definition: SharedDefinition,
    pub(crate) relation: MappingRelation,
    /// `accepted`, `rejected` or `proposed` for a recorded mapping; `suggested` when varkat
    /// proposes it and nothing is recorded yet.
    pub(crate) status: String,
    /// The recorded mapping, with its value mappings and decision.
    pub(crate) mapping: Option<Mapping>,
    /// The value mappings (of the recorded mapping, else of the proposal).
    pub(crate) values: Vec<catalog::ValueMapping>,
    /// True when the variable has changed since the decision.
    pub(crate) needs_rereview: bool,
    /// The other variables in the same group.
    pub(crate) group: Vec<VariableKey>,
}

/// One entry of a variable's history: the version and what changed from the one before.
#[derive(Debug, Serialize)]
pub(crate) struct HistoryEntry {
    pub(crate) version: VariableVersion,
    pub(crate) changes: Option<VersionDiff>,
}

/// A shared definition with its members across registries.
#[derive(Debug, Serialize)]
pub(crate) struct DefinitionDetail {
    pub(crate) definition: SharedDefinition,
    /// Its stored versions: 0 for a definition varkat proposes, not yet recorded.
    pub(crate) versions: usize,
    pub(crate) members: Vec<DefinitionMember>,
}

/// A variable in a definition's group.
#[derive(Debug, Serialize)]
pub(crate) struct DefinitionMember {
    pub(crate) variable: VariableKey,
    pub(crate) label: Option<String>,
    pub(crate) relation: MappingRelation,
    pub(crate) status: String,
    pub(crate) confidence: Option<f64>,
    pub(crate) reasons: Vec<String>,
}
