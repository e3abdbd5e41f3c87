//! Registry pages, code system pages (concepts, versions, where used), and the basket.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};
use catalog::{CodeSystemId, RegistryId, VariableKey, View};
use maud::{Markup, html};
use serde::Deserialize;

use crate::error::ApiError;
use crate::pages::{
    Lang, LangParam, PageError, Paged, PagedParams, encode, load, page, page_url, paging, shown,
    variable_url, with_param,
};
use crate::state::AppState;
use crate::views;

/// `/registries`.
pub(crate) async fn registries(
    State(state): State<AppState>,
    Query(params): Query<LangParam>,
) -> Result<Html<String>, PageError> {
    let lang = Lang::from_param(params.lang.as_deref());
    let registries = load(&state, lang, views::registries).await?;
    let body = html! {
        h1 { (lang.pick("Registre", "Registries")) }
        table {
            thead { tr { th { "id" } th { (lang.pick("Navn", "Name")) } th { (lang.pick("Type", "Kind")) } th.num { (lang.pick("Variabler", "Variables")) } } }
            tbody {
                @for summary in &registries {
                    tr {
                        td { a href=(lang.url(&format!("/registries/{}", encode(summary.registry.id.as_str())))) { (summary.registry.id) } }
                        td { (summary.registry.name) }
                        td { (summary.registry.kind.as_str()) }
                        td.num { (summary.variables) }
                    }
                }
            }
        }
    };
    Ok(page(lang, lang.pick("Registre", "Registries"), "/registries", &body))
}

/// `/registries/{id}`: the registry and its variables.
pub(crate) async fn registry(
    State(state): State<AppState>,
    Path(registry): Path<String>,
    Query(params): Query<PagedParams>,
) -> Result<Html<String>, PageError> {
    let lang = Lang::from_param(params.lang.as_deref());
    let id = RegistryId::new(&registry).map_err(|err| PageError::new(err.into(), lang))?;
    let wanted = params.page;
    let (detail, paged) = load(&state, lang, move |shared| {
        let asked = Paged::asked(wanted, VARIABLES_PER_PAGE);
        let detail = views::registry(shared, &id, View::Published, asked.clone())?;
        let paged = Paged::of(wanted, detail.total, VARIABLES_PER_PAGE);
        // A page past the end shows the last one.
        if paged.range.start == asked.start {
            Ok((detail, paged))
        } else {
            Ok((views::registry(shared, &id, View::Published, paged.range.clone())?, paged))
        }
    })
    .await?;
    let registry = &detail.registry;
    let url = format!("/registries/{}", encode(registry.id.as_str()));
    let body = html! {
        h1 { (registry.name) }
        p { (registry.kind.as_str()) @if let Some(owner) = &registry.owner { " · " (owner) } }
        @if let Some(description) = &registry.description { p { (description) } }
        p { a href=(lang.url(&format!("/search?registry={}", encode(registry.id.as_str())))) { (lang.pick("Søk i registeret", "Search this registry")) } }
        (shown(lang, &paged, detail.total, lang.pick("variabler", "variables")))
        table {
            thead { tr { th { (lang.pick("Variabel", "Variable")) } th { (lang.pick("Tekst", "Label")) } th { (lang.pick("Type", "Type")) } th { "v" } th { "status" } } }
            tbody {
                @for variable in &detail.variables {
                    tr {
                        td { a href=(lang.url(&variable_url(&variable.key))) { (variable.key.name()) } }
                        td { (lang.text(&variable.definition.label).unwrap_or_default()) }
                        td { (variable.definition.data_type.as_str()) }
                        td { (variable.version) }
                        td { (variable.visible_status()) }
                    }
                }
            }
        }
        (paging(lang, paged.page, paged.pages, |to| lang.url(&with_param(&url, "page", to))))
    };
    Ok(page(lang, &registry.name, &page_url(&url, paged.page), &body))
}

/// A registry page lists this many variables; UK Biobank's 7,847 fields take 16 pages.
const VARIABLES_PER_PAGE: usize = 500;
/// A code system page lists this many codes; ICD-10's 12,000 take 6 pages.
const CODES_PER_PAGE: usize = 2000;

/// `/code-systems`.
pub(crate) async fn code_systems(
    State(state): State<AppState>,
    Query(params): Query<LangParam>,
) -> Result<Html<String>, PageError> {
    let lang = Lang::from_param(params.lang.as_deref());
    let systems = load(&state, lang, |shared| {
        let mut out = Vec::new();
        for system in shared.store.code_systems()? {
            let versions = shared.store.code_system_version_summaries(&system.id)?;
            out.push((system, versions.into_iter().map(|v| v.version).collect::<Vec<_>>()));
        }
        Ok(out)
    })
    .await?;
    let body = html! {
        h1 { (lang.pick("Kodeverk", "Code systems")) }
        @if systems.is_empty() { p { (lang.pick("Ingen kodeverk er importert.", "No code system has been imported.")) } }
        ul {
            @for (system, versions) in &systems {
                li { a href=(lang.url(&format!("/code-systems/{}", encode(&system.id.0)))) { (system.name) } " (" (system.id) "): " (versions.join(", ")) }
            }
        }
    };
    Ok(page(lang, lang.pick("Kodeverk", "Code systems"), "/code-systems", &body))
}

/// Which version of a code system, and which page of its codes.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CodeSystemPageParams {
    version: Option<String>,
    lang: Option<String>,
    page: Option<usize>,
}

/// `/code-systems/{id}`: a version's concepts, the versions, and where it is used.
pub(crate) async fn code_system(
    State(state): State<AppState>,
    Path(system): Path<String>,
    Query(params): Query<CodeSystemPageParams>,
) -> Result<Html<String>, PageError> {
    let lang = Lang::from_param(params.lang.as_deref());
    let id = CodeSystemId(system);
    let wanted = params.version.clone();
    let (detail, used) = load(&state, lang, move |shared| {
        let used: Vec<_> =
            shared.store.where_used(&id, None)?.into_iter().filter(|v| !v.is_draft()).collect();
        match views::code_system(shared, &id, wanted.as_deref()) {
            Ok(detail) => Ok((Ok(detail), used)),
            // Variables may be bound to a code system before anyone imports it.
            Err(ApiError::NotFound(_)) if wanted.is_none() && !used.is_empty() => {
                Ok((Err(id), used))
            }
            Err(err) => Err(err),
        }
    })
    .await?;
    let views::CodeSystemDetail { system, versions, version } = match detail {
        Ok(detail) => detail,
        Err(id) => return Ok(code_system_not_imported(lang, &id, &used)),
    };
    let url = format!("/code-systems/{}", encode(&system.id.0));
    let paged = Paged::of(params.page, version.concepts.len(), CODES_PER_PAGE);
    // The version asked for stays in the links to other pages of its codes.
    let version_url = match &params.version {
        Some(name) => with_param(&url, "version", encode(name)),
        None => url.clone(),
    };
    let body = html! {
        h1 { (system.name) }
        p { (lang.pick("Versjoner", "Versions")) ": "
            @for name in &versions {
                a href=(lang.url(&with_param(&url, "version", encode(name)))) { (name) } " "
            }
        }
        (used_by(lang, &used))
        h2 { (lang.pick("Koder i versjon", "Codes in version")) " " (version.version) }
        (shown(lang, &paged, version.concepts.len(), lang.pick("koder", "codes")))
        table {
            thead { tr { th { (lang.pick("Kode", "Code")) } th { (lang.pick("Tekst", "Display")) } th { (lang.pick("Overordnet", "Parent")) } } }
            tbody {
                @for concept in &version.concepts[paged.range.clone()] {
                    tr { td { code { (concept.code) } } td { (lang.text(&concept.display).unwrap_or_default()) } td { (concept.parent.as_deref().unwrap_or("")) } }
                }
            }
        }
        (paging(lang, paged.page, paged.pages, |to| lang.url(&with_param(&version_url, "page", to))))
    };
    Ok(page(lang, &system.name, &page_url(&version_url, paged.page), &body))
}

/// The variables bound to a code system, as its page lists them.
fn used_by(lang: Lang, used: &[catalog::VariableVersion]) -> Markup {
    html! {
        h2 { (lang.pick("Brukt av", "Used by")) }
        @if used.is_empty() { p { (lang.pick("Ingen variabler er bundet til kodeverket.", "No variable is bound to this code system.")) } }
        ul { @for variable in used { li { a href=(lang.url(&variable_url(&variable.key))) { (variable.key) } " v" (variable.version) } } }
    }
}

/// The page of a code system that variables are bound to but that is not in the catalog: who
/// uses it, and how to import it.
fn code_system_not_imported(
    lang: Lang,
    id: &CodeSystemId,
    used: &[catalog::VariableVersion],
) -> Html<String> {
    let body = html! {
        h1 { (id) }
        p {
            (lang.pick(
                "Kodeverket er ikke importert, men variablene under er bundet til det. Importer det som FHIR CodeSystem, ClaML eller CSV-kodeliste (",
                "This code system has not been imported, but the variables below are bound to it. Import it as a FHIR CodeSystem, ClaML or a CSV code list (",
            ))
            code { "varkat import --system " (id) (lang.pick("@VERSJON kodeliste.csv", "@VERSION codes.csv")) }
            ")."
        }
        (used_by(lang, used))
    };
    page(lang, &id.0, &format!("/code-systems/{}", encode(&id.0)), &body)
}

/// What to do to the basket.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct BasketPageParams {
    add: Option<String>,
    remove: Option<String>,
    #[serde(default)]
    clear: bool,
    lang: Option<String>,
}

const BASKET_COOKIE: &str = "varkat_basket";

fn basket_from(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| {
            pair.trim().strip_prefix(&format!("{BASKET_COOKIE}=")).map(str::to_owned)
        })
        .flat_map(|value| {
            percent_encoding::percent_decode_str(&value)
                .decode_utf8_lossy()
                .split(',')
                .filter(|key| key.parse::<VariableKey>().is_ok())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `/basket`: the researcher's variables, kept in a cookie, with their exports.
pub(crate) async fn basket(headers: HeaderMap, Query(params): Query<BasketPageParams>) -> Response {
    let lang = Lang::from_param(params.lang.as_deref());
    let mut basket = if params.clear { Vec::new() } else { basket_from(&headers) };
    if let Some(add) = params.add.filter(|key| key.parse::<VariableKey>().is_ok())
        && !basket.contains(&add)
    {
        basket.push(add);
    }
    if let Some(remove) = &params.remove {
        basket.retain(|key| key != remove);
    }
    let joined = basket.join(",");
    let body = html! {
        h1 { (lang.pick("Kurv", "Basket")) }
        @if basket.is_empty() {
            p { (lang.pick("Kurven er tom. Legg til variabler fra variabelsidene.", "The basket is empty. Add variables from their pages.")) }
        } @else {
            ul.basket {
                @for key in &basket {
                    li {
                        @if let Ok(parsed) = key.parse::<VariableKey>() { a href=(lang.url(&variable_url(&parsed))) { (key) } }
                        " " a.remove href=(lang.url(&format!("/basket?remove={}", encode(key)))) { (lang.pick("fjern", "remove")) }
                    }
                }
            }
            p {
                a.button href=(format!("/api/basket?format=csv&variables={}", encode(&joined))) { "CSV" } " "
                a.button href=(format!("/api/basket?format=ddi&variables={}", encode(&joined))) { "DDI-Codebook" } " "
                a href=(lang.url("/basket?clear=true")) { (lang.pick("Tøm kurven", "Empty the basket")) }
            }
        }
    };
    let cookie =
        format!("{BASKET_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000", encode(&joined));
    ([(header::SET_COOKIE, cookie)], page(lang, lang.pick("Kurv", "Basket"), "/basket", &body))
        .into_response()
}
