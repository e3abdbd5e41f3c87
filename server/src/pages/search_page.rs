//! The start page (query box and the catalog's overview) and the search page (facets with
//! counts, highlighted hits, paging, shareable URLs).

use axum::extract::{Query, State};
use axum::response::Html;
use indexer::FacetCount;
use maud::{Markup, PreEscaped, html};

use crate::pages::{Lang, LangParam, PageError, encode, load, page, paging};
use crate::state::AppState;
use crate::views::{self, SearchParams};

fn search_box(lang: Lang, query: &str) -> Markup {
    html! {
        form.search action="/search" method="get" role="search" {
            input type="search" name="q" value=(query) autofocus
                placeholder=(lang.pick("røyk, høyde, utdanning ...", "smoking, height, education ..."))
                aria-label=(lang.pick("Søk etter variabler", "Search for variables"));
            @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
            button type="submit" { (lang.pick("Søk", "Search")) }
        }
    }
}

/// `/`: the query box and what the catalog holds.
pub(crate) async fn start(
    State(state): State<AppState>,
    Query(params): Query<super::LangParam>,
) -> Result<Html<String>, PageError> {
    let lang = Lang::from_param(params.lang.as_deref());
    let (registries, definitions, coverage) = load(&state, lang, |shared| {
        Ok((
            views::registries(shared)?,
            shared.store.shared_definitions()?.len(),
            views::coverage(shared)?,
        ))
    })
    .await?;
    let n_variables: usize = registries.iter().map(|r| r.variables).sum();
    let harmonized = coverage
        .cells
        .iter()
        .flatten()
        .filter(|cell| cell.state == harmonize::coverage::CoverageState::Harmonized)
        .count();
    let body = html! {
        h1 { (lang.pick("Variabelkatalog for helseregistre", "The variable catalog of health registries")) }
        (search_box(lang, ""))
        section.overview {
            p {
                (n_variables) " " (lang.pick("variabler i", "variables in")) " "
                (registries.len()) " " (lang.pick("registre", "registries")) ", "
                (definitions) " " (lang.pick("felles definisjoner", "shared definitions")) ", "
                (harmonized) " " (lang.pick("harmoniserte variabler", "harmonized variables")) "."
            }
            table {
                thead { tr {
                    th { (lang.pick("Register", "Registry")) }
                    th { (lang.pick("Type", "Kind")) }
                    th.num { (lang.pick("Variabler", "Variables")) }
                } }
                tbody {
                    @for summary in &registries {
                        tr {
                            td { a href=(lang.url(&format!("/registries/{}", encode(summary.registry.id.as_str())))) { (summary.registry.name) } }
                            td { (summary.registry.kind.as_str()) }
                            td.num { (summary.variables) }
                        }
                    }
                }
            }
        }
    };
    Ok(page(lang, "varkat", "/", &body))
}

/// The search's URL with one parameter changed (or removed, with `None`), for facet links and
/// paging. Changing anything but the page goes back to the first page.
fn search_url(params: &SearchParams, lang: Lang, change: (&str, Option<&str>)) -> String {
    let kept = [
        ("registry", &params.registry),
        ("type", &params.data_type),
        ("system", &params.system),
        ("kind", &params.kind),
        ("harmonization", &params.harmonization),
        ("period", &params.period),
    ];
    let mut pairs: Vec<(&str, &str)> = vec![("q", params.q.as_str())];
    pairs.extend(kept.iter().filter(|(name, _)| *name != change.0).filter_map(|(name, value)| {
        value.as_deref().filter(|v| !v.is_empty()).map(|value| (*name, value))
    }));
    if let Some(value) = change.1 {
        pairs.push((change.0, value));
    }
    let limit = params.limit.filter(|&limit| limit != 10).map(|limit| limit.to_string());
    if let Some(limit) = &limit {
        pairs.push(("limit", limit));
    }
    let query: Vec<String> =
        pairs.iter().map(|(name, value)| format!("{name}={}", encode(value))).collect();
    lang.url(&format!("/search?{}", query.join("&")))
}

fn facet_group(
    lang: Lang,
    params: &SearchParams,
    title: &str,
    name: &str,
    chosen: &Option<String>,
    counts: &[FacetCount],
) -> Markup {
    html! {
        @if !counts.is_empty() || chosen.is_some() {
            section.facet {
                h3 { (title) }
                ul {
                    @if let Some(value) = chosen {
                        li.chosen {
                            (value) " "
                            a href=(search_url(params, lang, (name, None))) title=(lang.pick("Fjern filteret", "Remove the filter")) { "×" }
                        }
                    } @else {
                        @for count in counts.iter().take(12) {
                            li {
                                a href=(search_url(params, lang, (name, Some(&count.value)))) { (count.value) }
                                " " span.count { (count.count) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The decade facet value `1990s` as the period filter `1990..1999`.
fn decade_period(value: &str) -> Option<String> {
    let start: i32 = value.trim_end_matches('s').parse().ok()?;
    Some(format!("{start}..{}", start + 9))
}

/// `/search?q=...`: hits with highlights, facets with counts, paging. The search's parameters
/// and the language are read from the query as two sets: one struct flattened into the other
/// would see every value as text, and refuse `page=2` as no number.
pub(crate) async fn search(
    State(state): State<AppState>,
    Query(mut search): Query<SearchParams>,
    Query(params): Query<LangParam>,
) -> Result<Html<String>, PageError> {
    let lang = Lang::from_param(params.lang.as_deref());
    search.facets = true;
    let here = search_url(&search, Lang::Nb, ("", None));
    let result = state.search(search.clone()).await.map_err(|error| PageError::new(error, lang))?;
    let facets = result.facets.clone().unwrap_or_default();
    let pages = result.total.div_ceil(result.limit).max(1);
    let period_counts: Vec<FacetCount> = facets
        .period
        .iter()
        .filter_map(|c| decade_period(&c.value).map(|value| FacetCount { value, count: c.count }))
        .collect();
    let body = html! {
        (search_box(lang, &search.q))
        div.results {
            aside.facets {
                (facet_group(lang, &search, lang.pick("Register", "Registry"), "registry", &search.registry, &facets.registry))
                (facet_group(lang, &search, lang.pick("Registertype", "Registry kind"), "kind", &search.kind, &facets.kind))
                (facet_group(lang, &search, lang.pick("Datatype", "Data type"), "type", &search.data_type, &facets.data_type))
                (facet_group(lang, &search, lang.pick("Kodeverk", "Code system"), "system", &search.system, &facets.system))
                (facet_group(lang, &search, lang.pick("Periode", "Period"), "period", &search.period, &period_counts))
                (facet_group(lang, &search, lang.pick("Harmonisering", "Harmonization"), "harmonization", &search.harmonization, &facets.harmonization))
            }
            section.hits {
                @if !result.terms.is_empty() {
                    aside.terms {
                        h3 { (lang.pick("Felles definisjoner og koder", "Shared definitions and codes")) }
                        ul {
                            @for term in &result.terms {
                                li {
                                    @if term.kind == "definition" {
                                        a href=(lang.url(&format!("/definitions/{}", encode(&term.id)))) { (term.label.as_deref().unwrap_or(&term.id)) }
                                        " " span.tag { (lang.pick("definisjon", "definition")) }
                                    } @else {
                                        @let system = term.system.as_deref().unwrap_or("");
                                        a href=(lang.url(&format!("/code-systems/{}", encode(system)))) { code { (term.id) } }
                                        " " (term.label.as_deref().unwrap_or("")) " " span.tag { (system) }
                                    }
                                }
                            }
                        }
                    }
                }
                p.total {
                    @if !result.total_exact { (lang.pick("minst ", "at least ")) }
                    (result.total) " " (lang.pick("treff", "hits"))
                    @if !search.q.is_empty() { " " (lang.pick("for", "for")) " «" (search.q) "»" }
                }
                ol.hits start=((result.page - 1) * result.limit + 1) {
                    @for hit in &result.hits {
                        li.hit {
                            a.variable href=(lang.url(&format!("/variables/{}/{}", encode(&hit.registry), encode(&hit.variable)))) {
                                (hit.label.as_deref().unwrap_or(&hit.variable))
                            }
                            " " span.key { (hit.key) }
                            div.meta {
                                span.registry { (hit.registry) } " · " (hit.data_type)
                                @if let Some(from) = hit.period_from { " · " (from.format("%Y")) "–" @if let Some(to) = hit.period_to { (to.format("%Y")) } }
                            }
                            @if let Some(snippet) = &hit.snippet { p.snippet { (PreEscaped(snippet)) } }
                        }
                    }
                }
                (paging(lang, result.page, pages, |to| search_url(&search, lang, ("page", Some(&to.to_string())))))
            }
        }
    };
    Ok(page(lang, &format!("{} – {}", lang.pick("Søk", "Search"), search.q), &here, &body))
}
