//! `GET /api/basket`: a researcher's list of variables, exported as CSV or DDI-Codebook. The
//! basket lives in the researcher's URL (or the explorer's cookie), not on the server.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use catalog::{VariableKey, View};
use serde::Deserialize;

use crate::error::ApiError;
use crate::state::AppState;

/// The most variables one basket may hold.
const MAX_BASKET: usize = 1000;

/// Which variables, and how to write them.
#[derive(Debug, Deserialize)]
pub(crate) struct BasketParams {
    /// `registry/name`, comma-separated.
    variables: String,
    /// `csv` (the default) or `ddi`.
    format: Option<String>,
}

/// Parses a comma-separated basket.
pub(crate) fn parse_basket(text: &str) -> Result<Vec<VariableKey>, ApiError> {
    let keys: Vec<VariableKey> = text
        .split(',')
        .map(str::trim)
        .filter(|key| !key.is_empty())
        .map(|key| {
            key.parse().map_err(|err: catalog::KeyError| ApiError::BadRequest(err.to_string()))
        })
        .collect::<Result<_, _>>()?;
    if keys.is_empty() {
        return Err(ApiError::BadRequest(
            "the basket is empty; give variables=registry/name,...".into(),
        ));
    }
    if keys.len() > MAX_BASKET {
        return Err(ApiError::BadRequest(format!("a basket holds at most {MAX_BASKET} variables")));
    }
    Ok(keys)
}

/// Writes the basket's current published definitions.
pub(crate) async fn export(
    State(state): State<AppState>,
    Query(params): Query<BasketParams>,
) -> Result<Response, ApiError> {
    let keys = parse_basket(&params.variables)?;
    let format = params.format.unwrap_or_else(|| "csv".into());
    if format != "csv" && format != "ddi" {
        return Err(ApiError::BadRequest(format!(
            "`{format}` is not a basket format; expected csv or ddi"
        )));
    }
    let variables = state
        .blocking(move |shared| {
            keys.iter()
                .map(|key| shared.store.current(key, View::Published).map_err(ApiError::from))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(if format == "ddi" {
        let text =
            importers::export::write_ddi_codebook("varkat-basket", "varkat basket", &variables);
        (
            [
                (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"basket.xml\""),
            ],
            text,
        )
            .into_response()
    } else {
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"basket.csv\""),
            ],
            importers::export::write_csv(&variables),
        )
            .into_response()
    })
}
