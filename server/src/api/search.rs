//! `GET /api/search`.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::AppState;
use crate::views::SearchParams;

/// Searches current variables, with filters, facets, highlights and paging.
pub(crate) async fn search(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
) -> Result<Response, ApiError> {
    let answer = state.search(params).await?;
    Ok(Json(answer.as_ref()).into_response())
}
