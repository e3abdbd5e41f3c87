//! The API's errors: one enum, one table from error to HTTP status and code name, and the JSON
//! body every error has: `{"error": {"code", "message", "errors"?}}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Something a request could not have, named so that a script can act on it.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The thing asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A parameter or body is malformed or out of range.
    #[error("{0}")]
    BadRequest(String),
    /// An uploaded file has errors; nothing was imported.
    #[error("the file has {} error(s); nothing was imported", .0.len())]
    InvalidImport(Vec<ImportErrorDto>),
    /// The request needs a token and has none, or an unknown one.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// The token's holder may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The catalog's state does not allow it now (drafts pending, ...).
    #[error("{0}")]
    Conflict(String),
    /// The body is larger than the server accepts.
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// The request took longer than the server allows.
    #[error("the request took longer than {0} s")]
    Timeout(u64),
    /// A failure of the server, not of the request.
    #[error("{0}")]
    Internal(String),
}

/// One located error in an uploaded file, as the command line prints it.
#[derive(Debug, Clone, Serialize)]
pub struct ImportErrorDto {
    /// Where: file, line, column or field.
    pub location: String,
    /// What was wrong and what was expected.
    pub message: String,
}

impl ApiError {
    /// The one table of HTTP statuses and code names.
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::InvalidImport(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_import"),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ApiError::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::Timeout(_) => (StatusCode::REQUEST_TIMEOUT, "timeout"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        self.status_and_code().0
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [ImportErrorDto]>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let errors = match &self {
            ApiError::InvalidImport(errors) => Some(errors.as_slice()),
            _ => None,
        };
        let body = ErrorBody { error: ErrorDetail { code, message: self.to_string(), errors } };
        (status, Json(body)).into_response()
    }
}

impl From<catalog::Error> for ApiError {
    fn from(err: catalog::Error) -> ApiError {
        use catalog::Error as E;
        match err {
            E::VariableNotFound(_)
            | E::VersionNotFound { .. }
            | E::NothingAsOf { .. }
            | E::RegistryNotFound(_)
            | E::DefinitionNotFound(_) => ApiError::NotFound(err.to_string()),
            E::DraftsPending(_)
            | E::NoDrafts(_)
            | E::CodeSystemVersionDiffers { .. }
            | E::ValueSetVersionDiffers { .. }
            | E::CodeMapVersionDiffers { .. }
            | E::RestoreIntoNonEmpty(_) => ApiError::Conflict(err.to_string()),
            E::BadDump(_) => ApiError::BadRequest(err.to_string()),
            E::Locked(_)
            | E::IncompatibleStore { .. }
            | E::NotAStore(_)
            | E::Corrupt { .. }
            | E::Storage { .. } => ApiError::Internal(err.to_string()),
        }
    }
}

impl From<catalog::KeyError> for ApiError {
    fn from(err: catalog::KeyError) -> ApiError {
        ApiError::BadRequest(err.to_string())
    }
}

impl From<indexer::Error> for ApiError {
    fn from(err: indexer::Error) -> ApiError {
        match err {
            indexer::Error::Catalog(err) => err.into(),
            err @ indexer::Error::BadQuery { .. } => ApiError::BadRequest(err.to_string()),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<importers::ImportErrors> for ApiError {
    fn from(errors: importers::ImportErrors) -> ApiError {
        ApiError::InvalidImport(
            errors
                .errors()
                .iter()
                .map(|err| ImportErrorDto {
                    location: err.location.to_string(),
                    message: err.kind.to_string(),
                })
                .collect(),
        )
    }
}
