//! `GET /api/search`.

use axum::Json;
use axum::extract::{Query, State};

use crate::api::dto::SearchResponse;
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::{self, SearchParams};

/// Searches current variables, with filters, facets, highlights and paging.
pub(crate) async fn search(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
) -> Result<Json<SearchResponse>, ApiError> {
    state.blocking(move |shared| views::search(shared, &params)).await.map(Json)
}
