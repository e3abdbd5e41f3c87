//! The JSON API under `/api`, one module per resource. Reads are open; writes take a bearer
//! token and name the caller in the change log.

mod basket;
mod catalog_routes;
pub(crate) mod dto;
pub(crate) mod harmonization;
mod search;
mod writes;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::routing::{get, post};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// The OpenAPI 3.1 document of this API, kept beside the code and checked against the router
/// by a test: every route below is documented there, and nothing else is.
pub(crate) const OPENAPI: &str = include_str!("openapi.json");

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/openapi.json",
            get(|| async { ([(header::CONTENT_TYPE, "application/json")], OPENAPI) }),
        )
        .route("/api/search", get(search::search))
        .route("/api/registries", get(catalog_routes::registries))
        .route("/api/registries/{registry}", get(catalog_routes::registry))
        .route("/api/registries/{registry}/publish", post(writes::publish))
        .route("/api/registries/{registry}/discard", post(writes::discard))
        .route("/api/variables/{registry}/{name}", get(catalog_routes::variable))
        .route("/api/variables/{registry}/{name}/history", get(catalog_routes::history))
        .route("/api/variables/{registry}/{name}/diff", get(catalog_routes::diff))
        .route("/api/changes", get(catalog_routes::changes))
        .route("/api/code-systems", get(catalog_routes::code_systems))
        .route("/api/code-systems/{system}", get(catalog_routes::code_system))
        .route("/api/code-systems/{system}/where-used", get(catalog_routes::where_used))
        .route("/api/value-sets", get(catalog_routes::value_sets))
        .route("/api/code-maps", get(catalog_routes::code_maps))
        .route("/api/value-sets/{value_set}", get(catalog_routes::value_set))
        .route("/api/definitions", get(harmonization::definitions))
        .route("/api/definitions/{definition}", get(harmonization::definition))
        .route("/api/mappings", get(harmonization::mappings))
        .route("/api/harmonization/proposals", get(harmonization::proposals))
        .route("/api/harmonization/record", post(harmonization::record))
        .route("/api/harmonization/coverage", get(harmonization::coverage))
        .route("/api/harmonization/fhir", get(harmonization::fhir))
        .route("/api/reviews", post(harmonization::review))
        .route("/api/imports", post(writes::import))
        .route("/api/tokens", post(writes::create_token))
        .route("/api/basket", get(basket::export))
}

/// The caller a request's bearer token names; `None` without a token. An unknown or malformed
/// token is refused rather than treated as anonymous, so that a typo is not silently a reader.
pub(crate) struct Auth(pub(crate) Option<Caller>);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Auth, ApiError> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(Auth(None));
        };
        let secret = value
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(|secret| secret.trim().to_owned())
            .ok_or(ApiError::Unauthorized("the Authorization header must be `Bearer <token>`"))?;
        caller_for(state, secret).await.map(Auth)
    }
}

/// Looks a bearer secret up; an unknown one is a 401.
pub(crate) async fn caller_for(
    state: &AppState,
    secret: String,
) -> Result<Option<Caller>, ApiError> {
    let tokens = state.tokens().clone();
    let caller = tokio::task::spawn_blocking(move || tokens.caller(&secret))
        .await
        .map_err(|err| ApiError::Internal(err.to_string()))?
        .map_err(|err| ApiError::Internal(err.to_string()))?;
    caller.map(Some).ok_or(ApiError::Unauthorized("the token is not known (or was revoked)"))
}

impl Auth {
    /// The caller, or a 401 naming what the write needs.
    pub(crate) fn required(self) -> Result<Caller, ApiError> {
        self.0.ok_or(ApiError::Unauthorized(
            "this request changes the catalog and needs a token: `Authorization: Bearer <token>`",
        ))
    }
}
