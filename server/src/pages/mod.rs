//! The web variable explorer: HTML rendered on the server (no JavaScript needed to read, no
//! external CDN), in Norwegian or English (`?lang=en`), every page a shareable URL.

mod catalog_pages;
mod harmonization_pages;
mod search_page;
mod variable_page;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use maud::{DOCTYPE, Markup, html};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

use crate::error::ApiError;
use crate::state::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(search_page::start))
        .route("/search", get(search_page::search))
        .route("/variables/{registry}/{name}", get(variable_page::variable))
        .route("/registries", get(catalog_pages::registries))
        .route("/registries/{registry}", get(catalog_pages::registry))
        .route("/code-systems", get(catalog_pages::code_systems))
        .route("/code-systems/{system}", get(catalog_pages::code_system))
        .route("/definitions", get(harmonization_pages::definitions))
        .route("/definitions/{definition}", get(harmonization_pages::definition))
        .route("/coverage", get(harmonization_pages::coverage))
        .route("/review", get(harmonization_pages::review).post(harmonization_pages::decide))
        .route("/basket", get(catalog_pages::basket))
        .route("/assets/style.css", get(style))
}

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../../assets/style.css"),
    )
        .into_response()
}

/// The explorer's two languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Lang {
    /// Norwegian bokmål, the default.
    #[default]
    Nb,
    /// English.
    En,
}

impl Lang {
    /// The language a `lang` parameter asks for.
    pub(crate) fn from_param(param: Option<&str>) -> Lang {
        if param == Some("en") { Lang::En } else { Lang::Nb }
    }

    /// The text in this language.
    pub(crate) fn pick<'a>(self, nb: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Nb => nb,
            Lang::En => en,
        }
    }

    fn code(self) -> &'static str {
        self.pick("nb", "en")
    }

    /// A link target in this language: `path` with `lang=en` added when English.
    pub(crate) fn url(self, path: &str) -> String {
        match self {
            Lang::Nb => path.to_owned(),
            Lang::En => with_param(path, "lang", "en"),
        }
    }

    /// A localized text in this language, else the other.
    pub(crate) fn text(self, text: &catalog::LocalizedText) -> Option<String> {
        let (first, second) = match self {
            Lang::Nb => (&text.nb, &text.en),
            Lang::En => (&text.en, &text.nb),
        };
        first.clone().or_else(|| second.clone())
    }
}

/// Just the `lang` parameter, for pages that take nothing else.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct LangParam {
    pub(crate) lang: Option<String>,
}

/// The `lang` parameter and which page of a long list (`?page=N`, from 1).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PagedParams {
    pub(crate) lang: Option<String>,
    pub(crate) page: Option<usize>,
}

/// Where one page of a long list lies: its number (from 1, at most the last) and its range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Paged {
    /// The page shown.
    pub(crate) page: usize,
    /// How many pages there are; at least one.
    pub(crate) pages: usize,
    /// The items on it.
    pub(crate) range: std::ops::Range<usize>,
}

impl Paged {
    /// The items page `page` asks for (the first when not given or 0), before the length of
    /// the list is known.
    pub(crate) fn asked(page: Option<usize>, per_page: usize) -> std::ops::Range<usize> {
        let start = page.unwrap_or(1).max(1).saturating_sub(1).saturating_mul(per_page);
        start..start.saturating_add(per_page)
    }

    /// Page `page` (the first when not given or 0, the last when past it) of `total` items,
    /// `per_page` on each.
    pub(crate) fn of(page: Option<usize>, total: usize, per_page: usize) -> Paged {
        let pages = total.div_ceil(per_page).max(1);
        let page = page.unwrap_or(1).clamp(1, pages);
        let start = (page - 1) * per_page;
        Paged { page, pages, range: start..(start + per_page).min(total) }
    }
}

/// "Showing 501–1000 of 7847 variables", above a paged list; just the count when it fits on
/// one page.
pub(crate) fn shown(lang: Lang, paged: &Paged, total: usize, what: &str) -> Markup {
    html! {
        p.shown {
            @if paged.pages > 1 {
                (lang.pick("Viser ", "Showing ")) (paged.range.start + 1) "–" (paged.range.end)
                (lang.pick(" av ", " of ")) (total) " " (what)
            } @else {
                (total) " " (what)
            }
        }
    }
}

/// `url` (a path, perhaps with a query already) with `name=value` added to its query.
pub(crate) fn with_param(url: &str, name: &str, value: impl std::fmt::Display) -> String {
    let joint = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joint}{name}={value}")
}

/// The page's own URL: `url`, with the page number when past the first.
pub(crate) fn page_url(url: &str, page: usize) -> String {
    if page > 1 { with_param(url, "page", page) } else { url.to_owned() }
}

/// Links to the pages before and after `page` of `pages`, each made by `url`; nothing when one
/// page holds the whole list.
pub(crate) fn paging(
    lang: Lang,
    page: usize,
    pages: usize,
    url: impl Fn(usize) -> String,
) -> Markup {
    html! {
        @if pages > 1 {
            nav.paging {
                @if page > 1 {
                    a rel="prev" href=(url(page - 1)) { "← " (lang.pick("Forrige", "Previous")) }
                }
                span { (page) " / " (pages) }
                @if page < pages {
                    a rel="next" href=(url(page + 1)) { (lang.pick("Neste", "Next")) " →" }
                }
            }
        }
    }
}

const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// One path segment or query value, percent-encoded.
pub(crate) fn encode(text: &str) -> String {
    utf8_percent_encode(text, SEGMENT).to_string()
}

/// The explorer's URL of a variable.
pub(crate) fn variable_url(key: &catalog::VariableKey) -> String {
    format!("/variables/{}/{}", encode(key.registry().as_str()), encode(key.name()))
}

/// A whole page: header with navigation and the language switch, then `body`. `here` is the
/// page's own path and query without `lang`, for the switch.
pub(crate) fn page(lang: Lang, title: &str, here: &str, body: &Markup) -> Html<String> {
    let other = match lang {
        Lang::Nb => Lang::En.url(here),
        Lang::En => here.to_owned(),
    };
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · varkat" }
                link rel="stylesheet" href="/assets/style.css";
            }
            body {
                header.site {
                    a.brand href=(lang.url("/")) { "varkat" }
                    nav {
                        a href=(lang.url("/search")) { (lang.pick("Søk", "Search")) }
                        a href=(lang.url("/registries")) { (lang.pick("Registre", "Registries")) }
                        a href=(lang.url("/definitions")) { (lang.pick("Felles definisjoner", "Shared definitions")) }
                        a href=(lang.url("/coverage")) { (lang.pick("Dekning", "Coverage")) }
                        a href=(lang.url("/review")) { (lang.pick("Gjennomgang", "Review")) }
                        a href=(lang.url("/code-systems")) { (lang.pick("Kodeverk", "Code systems")) }
                        a href=(lang.url("/basket")) { (lang.pick("Kurv", "Basket")) }
                    }
                    a.lang id="switch-language" href=(other) hreflang=(lang.pick("en", "nb")) {
                        (lang.pick("English", "Norsk"))
                    }
                }
                main { (*body) }
                footer { (lang.pick("varkat – variabelkatalog for helseregistre", "varkat – the variable catalog of health registries")) }
            }
        }
    };
    Html(markup.into_string())
}

/// A page for an error: the same words the API would give, as HTML.
pub(crate) struct PageError {
    error: ApiError,
    lang: Lang,
}

impl PageError {
    pub(crate) fn new(error: ApiError, lang: Lang) -> PageError {
        PageError { error, lang }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let lang = self.lang;
        let status = self.error.status();
        let body = html! {
            h1 { (status.as_u16()) " " (status.canonical_reason().unwrap_or("")) }
            p.error { (self.error.to_string()) }
            p { a href=(lang.url("/")) { (lang.pick("Til forsiden", "To the start page")) } }
        };
        (status, page(lang, lang.pick("Feil", "Error"), "/", &body)).into_response()
    }
}

/// The page for a path nothing serves.
pub(crate) fn not_found() -> Response {
    let body = html! {
        h1 { "404" }
        p { "Ingen side her. / No page here." }
        p { a href="/" { "varkat" } }
    };
    (StatusCode::NOT_FOUND, page(Lang::Nb, "404", "/", &body)).into_response()
}

/// Runs a view on the blocking pool and turns its error into an error page.
pub(crate) async fn load<T, F>(state: &AppState, lang: Lang, work: F) -> Result<T, PageError>
where
    T: Send + 'static,
    F: FnOnce(&crate::state::Shared) -> Result<T, ApiError> + Send + 'static,
{
    state.blocking(work).await.map_err(|error| PageError::new(error, lang))
}
