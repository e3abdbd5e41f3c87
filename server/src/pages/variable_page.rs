//! The variable page: the definition and its categories, a timeline of the versions along
//! their collection periods, the version history with a diff between any two versions
//! (breaking changes marked), and how the variable is harmonized.

use axum::extract::{Path, Query, State};
use axum::response::Html;
use catalog::{
    CategoryChange, Compatibility, RegistryId, VariableKey, VariableVersion, VersionDiff,
    VersionNo, WordChange, WordChangeKind, diff_versions,
};
use chrono::{Datelike, NaiveDate};
use maud::{Markup, html};
use serde::Deserialize;

use crate::api::dto::{HarmonizationDto, HistoryEntry, VariableDetail};
use crate::error::ApiError;
use crate::pages::{Lang, PageError, encode, load, page, variable_url};
use crate::state::AppState;
use crate::views::{self, VersionParams};

/// Which version to show and which two to compare.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct VariablePageParams {
    version: Option<u32>,
    from: Option<u32>,
    to: Option<u32>,
    lang: Option<String>,
}

struct VariablePage {
    detail: VariableDetail,
    history: Vec<HistoryEntry>,
    diff: Option<(VariableVersion, VariableVersion, VersionDiff)>,
}

/// `/variables/{registry}/{name}`.
pub(crate) async fn variable(
    State(state): State<AppState>,
    Path((registry, name)): Path<(String, String)>,
    Query(params): Query<VariablePageParams>,
) -> Result<Html<String>, PageError> {
    let lang = Lang::from_param(params.lang.as_deref());
    let key = RegistryId::new(&registry)
        .and_then(|registry| VariableKey::new(registry, &name))
        .map_err(|err| PageError::new(err.into(), lang))?;
    let (version, from, to) = (params.version, params.from, params.to);
    let loaded_key = key.clone();
    let loaded = load(&state, lang, move |shared| {
        let key = loaded_key;
        let version_params = VersionParams { version, ..VersionParams::default() };
        let detail = views::variable(shared, &key, &version_params, None)?;
        let history = views::history(shared, &key, catalog::View::Published)?;
        let diff = match (from, to) {
            (Some(from), Some(to)) => {
                let pick = |n: u32| {
                    history
                        .iter()
                        .find(|entry| entry.version.version == VersionNo(n))
                        .map(|entry| entry.version.clone())
                        .ok_or_else(|| ApiError::NotFound(format!("`{key}` has no version {n}")))
                };
                let (old, new) = (pick(from)?, pick(to)?);
                let diff = diff_versions(&old, &new);
                Some((old, new, diff))
            }
            _ => None,
        };
        Ok(VariablePage { detail, history, diff })
    })
    .await?;
    let here = format!(
        "{}{}",
        variable_url(&key),
        version.map(|v| format!("?version={v}")).unwrap_or_default()
    );
    let variable = &loaded.detail.variable;
    let title = lang.text(&variable.definition.label).unwrap_or_else(|| key.name().to_owned());
    let body = html! {
        p.crumbs {
            a href=(lang.url(&format!("/registries/{}", encode(key.registry().as_str())))) { (key.registry()) }
            " / " (key.name())
        }
        h1 { (title) }
        (definition(lang, variable, loaded.detail.n_versions))
        (categories(lang, variable))
        p { a.button href=(lang.url(&format!("/basket?add={}", encode(&key.to_string())))) { (lang.pick("Legg i kurven", "Add to basket")) } }
        section id="harmonization" {
            h2 { (lang.pick("Harmonisert som", "Harmonized as")) }
            @match &loaded.detail.harmonization {
                Some(harmonization) => (harmonized(lang, &key, harmonization)),
                None => p { (lang.pick("Ikke foreslått for noen felles definisjon.", "Not proposed for any shared definition.")) },
            }
        }
        section id="history" {
            h2 { (lang.pick("Versjoner", "Versions")) }
            (timeline(lang, &loaded.history))
            (history(lang, &key, &loaded.history))
            @if let Some((old, new, diff)) = &loaded.diff { (diff_view(lang, old, new, diff)) }
        }
    };
    Ok(page(lang, &title, &here, &body))
}

fn definition(lang: Lang, variable: &VariableVersion, n_versions: usize) -> Markup {
    let definition = &variable.definition;
    html! {
        dl.definition {
            dt { (lang.pick("Variabel", "Variable")) } dd { code { (variable.key) } }
            dt { (lang.pick("Versjon", "Version")) } dd { (variable.version) " " (lang.pick("av", "of")) " " (n_versions) " · " (variable.visible_status()) }
            @if let Some(question) = lang.text(&definition.question) { dt { (lang.pick("Spørsmål", "Question")) } dd { (question) } }
            @if let Some(description) = lang.text(&definition.description) { dt { (lang.pick("Beskrivelse", "Description")) } dd { (description) } }
            dt { (lang.pick("Datatype", "Data type")) } dd { (definition.data_type.as_str()) }
            @if let Some(unit) = &definition.unit { dt { (lang.pick("Enhet", "Unit")) } dd { (unit) } }
            @if let Some(range) = &definition.value_domain.range {
                dt { (lang.pick("Gyldige verdier", "Valid values")) }
                dd { (range.min.map(|v| v.to_string()).unwrap_or_default()) " – " (range.max.map(|v| v.to_string()).unwrap_or_default()) }
            }
            @if let Some(binding) = &definition.value_domain.code_system {
                dt { (lang.pick("Kodeverk", "Code system")) }
                dd { a href=(lang.url(&format!("/code-systems/{}", encode(&binding.system.0)))) { (binding.system) } @if let Some(v) = &binding.version { " " (v) } }
            }
            dt { (lang.pick("Innsamlet", "Collected")) } dd { (period_text(lang, variable)) }
            @if let Some(section) = &definition.section { dt { (lang.pick("Skjema", "Form")) } dd { (section) } }
            dt { (lang.pick("Kilde", "Source")) } dd { (variable.provenance.source_file) " (" (variable.provenance.format) ")" }
        }
    }
}

fn period_text(lang: Lang, variable: &VariableVersion) -> String {
    let period = &variable.definition.period;
    match (period.from, period.to) {
        (None, None) => lang.pick("ukjent", "unknown").to_owned(),
        (from, to) => format!(
            "{} – {}",
            from.map(|d| d.to_string()).unwrap_or_default(),
            to.map(|d| d.to_string()).unwrap_or_else(|| lang.pick("nå", "now").to_owned())
        ),
    }
}

fn categories(lang: Lang, variable: &VariableVersion) -> Markup {
    let categories = &variable.definition.value_domain.categories;
    html! {
        @if !categories.is_empty() {
            h2 { (lang.pick("Svaralternativer", "Answer options")) }
            table.categories {
                thead { tr { th { (lang.pick("Kode", "Code")) } th { (lang.pick("Tekst", "Label")) } th {} } }
                tbody {
                    @for category in categories {
                        tr {
                            td { code { (category.code) } }
                            td { (lang.text(&category.label).unwrap_or_default()) }
                            td { @if category.missing { span.tag { (lang.pick("mangler", "missing")) } } }
                        }
                    }
                }
            }
        }
    }
}

fn harmonized(lang: Lang, key: &VariableKey, harmonization: &HarmonizationDto) -> Markup {
    let definition = &harmonization.definition;
    let status = match harmonization.status.as_str() {
        "accepted" => lang.pick("godkjent", "accepted"),
        "rejected" => lang.pick("avvist", "rejected"),
        "proposed" => lang.pick("til gjennomgang", "in review"),
        _ => lang.pick("foreslått av varkat", "suggested by varkat"),
    };
    html! {
        p {
            a href=(lang.url(&format!("/definitions/{}", encode(&definition.id.0)))) {
                (lang.text(&definition.label).unwrap_or_else(|| definition.id.0.clone()))
            }
            " · " (harmonization.relation.as_str())
            " · " span.status { (status) }
            @if harmonization.needs_rereview { " · " span.tag.warn { (lang.pick("må vurderes på nytt", "needs re-review")) } }
        }
        @if let Some(mapping) = &harmonization.mapping {
            @if let Some(reviewer) = &mapping.reviewer {
                p.decision { (lang.pick("Besluttet av", "Decided by")) " " (reviewer)
                    @if let Some(at) = mapping.decided_at { " " (at.format("%Y-%m-%d")) }
                    @if let Some(comment) = &mapping.comment { ": " (comment) } }
            }
        }
        @if !harmonization.values.is_empty() {
            table.mapping {
                thead { tr { th { (key.name()) } th { "→" } th { (definition.id.0) } th { (lang.pick("Forhold", "Relation")) } } }
                tbody {
                    @for value in &harmonization.values {
                        tr {
                            td { code { (value.source_code) } }
                            td { "→" }
                            td {
                                @match &value.target_code {
                                    Some(target) => {
                                        code { (target) } " "
                                        (definition.value_set.iter().find(|v| &v.code == target).and_then(|v| lang.text(&v.label)).unwrap_or_default())
                                    },
                                    None => em { (lang.pick("ikke tilordnet", "unmatched")) },
                                }
                            }
                            td { (value.relation.as_str()) }
                        }
                    }
                }
            }
        }
        @if !harmonization.group.is_empty() {
            h3 { (lang.pick("Andre variabler i gruppen", "Other variables in the group")) }
            ul.group {
                @for member in &harmonization.group {
                    li { a href=(lang.url(&variable_url(member))) { (member) } }
                }
            }
        }
    }
}

/// The versions as bars along their collection periods, one row each.
fn timeline(lang: Lang, history: &[HistoryEntry]) -> Markup {
    let today = chrono::Utc::now().date_naive();
    let spans: Vec<(u32, NaiveDate, NaiveDate)> = history
        .iter()
        .filter_map(|entry| {
            let period = &entry.version.definition.period;
            let from = period.from?;
            Some((entry.version.version.0, from, period.to.unwrap_or(today)))
        })
        .collect();
    let (Some(first), Some(last)) =
        (spans.iter().map(|s| s.1.year()).min(), spans.iter().map(|s| s.2.year()).max())
    else {
        return html! { p.note { (lang.pick("Versjonene har ingen innsamlingsperiode.", "The versions have no collection period.")) } };
    };
    let (first, last) = (first, (last + 1).max(first + 1));
    let width = 640.0;
    let left = 40.0;
    let row = 22.0;
    let x = |date: NaiveDate| {
        let years = f64::from(date.year() - first) + f64::from(date.ordinal0()) / 366.0;
        left + years / f64::from(last - first) * (width - left - 24.0)
    };
    let height = row * spans.len() as f64 + 24.0;
    let step = ((last - first) / 8).max(1);
    html! {
        svg.timeline viewBox=(format!("0 0 {width} {height}")) role="img"
            aria-label=(lang.pick("Versjonene langs innsamlingsperiodene", "The versions along their collection periods")) {
            @for (index, (version, from, to)) in spans.iter().enumerate() {
                @let y = 4.0 + row * index as f64;
                text x="0" y=(y + 13.0) { "v" (version) }
                rect x=(x(*from)) y=(y) width=((x(*to) - x(*from)).max(2.0)) height=(row - 6.0) rx="3" {
                    title { "v" (version) ": " (from) " – " (to) }
                }
            }
            @for year in (first..=last).step_by(step as usize) {
                @let tick = x(NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today));
                line x1=(tick) x2=(tick) y1=(height - 20.0) y2=(height - 16.0) {}
                text.axis x=(tick) y=(height - 4.0) text-anchor="middle" { (year) }
            }
        }
    }
}

fn history(lang: Lang, key: &VariableKey, history: &[HistoryEntry]) -> Markup {
    let url = variable_url(key);
    html! {
        table.history {
            thead { tr { th { "v" } th { (lang.pick("Publisert", "Published")) } th { (lang.pick("Endringer", "Changes")) } th {} } }
            tbody {
                @for entry in history.iter().rev() {
                    @let version = &entry.version;
                    tr {
                        td { a href=(lang.url(&format!("{url}?version={}", version.version))) { (version.version) } }
                        td { (version.published_at.map(|at| at.format("%Y-%m-%d").to_string()).unwrap_or_default()) }
                        td {
                            @match &entry.changes {
                                None => (lang.pick("første versjon", "first version")),
                                Some(diff) => {
                                    (change_summary(diff))
                                    @if diff.compatibility == Compatibility::Breaking {
                                        " " span.tag.breaking { (lang.pick("brytende", "breaking")) }
                                    }
                                },
                            }
                        }
                        td {
                            @if version.version.0 > 1 {
                                a href=(lang.url(&format!("{url}?from={}&to={}#diff", version.version.0 - 1, version.version.0))) { (lang.pick("sammenlign", "compare")) }
                            }
                        }
                    }
                }
            }
        }
        @if history.len() > 2 {
            form.compare method="get" action=(url) {
                (lang.pick("Sammenlign versjon", "Compare version")) " "
                select name="from" { @for entry in history { option value=(entry.version.version) { (entry.version.version) } } }
                " " (lang.pick("med", "with")) " "
                select name="to" { @for entry in history.iter().rev() { option value=(entry.version.version) { (entry.version.version) } } }
                @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
                " " button type="submit" { (lang.pick("Vis", "Show")) }
            }
        }
    }
}

fn change_summary(diff: &VersionDiff) -> String {
    let mut parts: Vec<String> = diff.fields.iter().map(|field| field.field.to_owned()).collect();
    if !diff.categories.is_empty() {
        parts.push(format!("{} categories", diff.categories.len()));
    }
    parts.join(", ")
}

fn words(changes: &[WordChange]) -> Markup {
    html! {
        @for change in changes {
            @match change.kind {
                WordChangeKind::Same => (change.text),
                WordChangeKind::Removed => del { (change.text) },
                WordChangeKind::Added => ins { (change.text) },
            }
        }
    }
}

fn diff_view(
    lang: Lang,
    old: &VariableVersion,
    new: &VariableVersion,
    diff: &VersionDiff,
) -> Markup {
    html! {
        section id="diff" {
            h3 {
                (lang.pick("Versjon", "Version")) " " (old.version) " → " (new.version)
                " · " (compatibility(lang, diff.compatibility))
            }
            @if diff.is_empty() { p { (lang.pick("Ingen forskjeller.", "No differences.")) } }
            table.diff {
                @for field in &diff.fields {
                    tr {
                        th { (field.field) }
                        td { (words(&field.words)) }
                        td { @if field.compatibility == Compatibility::Breaking { span.tag.breaking { (lang.pick("brytende", "breaking")) } } }
                    }
                }
                @for change in &diff.categories {
                    tr {
                        th { (lang.pick("kategori", "category")) }
                        td { (category_change(change)) }
                        td { @if change.compatibility() == Compatibility::Breaking { span.tag.breaking { (lang.pick("brytende", "breaking")) } } }
                    }
                }
            }
        }
    }
}

/// Whether a diff breaks the meaning of data already collected, in the page's language.
fn compatibility(lang: Lang, compatibility: Compatibility) -> &'static str {
    match compatibility {
        Compatibility::Compatible => lang.pick("kompatibel", "compatible"),
        Compatibility::Breaking => lang.pick("brytende", "breaking"),
    }
}

fn category_change(change: &CategoryChange) -> Markup {
    html! {
        @match change {
            CategoryChange::Added { code, label } => ins { code { (code) } " " (label) },
            CategoryChange::Removed { code, label } => del { code { (code) } " " (label) },
            CategoryChange::Relabelled { code, words: changes, .. } => { code { (code) } " " (words(changes)) },
            CategoryChange::Recoded { label, before, after } => { (label) ": " del { code { (before) } } " " ins { code { (after) } } },
            CategoryChange::MissingFlag { code, missing } => { code { (code) } " " (if *missing { "→ missing" } else { "→ not missing" }) },
        }
    }
}
