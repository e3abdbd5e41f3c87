//! varkat's HTTP face: the JSON API (documented at `/api/openapi.json`) and the web variable
//! explorer, both on the same library calls as the command line.
//!
//! [`router`] builds the whole application as a value that tests call without a socket;
//! [`run`] serves it until SIGINT or SIGTERM, letting requests in flight finish. Handlers are
//! three steps: extract, call the library on the blocking pool (sled and tantivy block), map to
//! the wire. Writes need a bearer token (see [`auth`]) and go through the store's change log.

mod api;
pub mod auth;
mod error;
mod pages;
mod state;
mod views;

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use error::ApiError;
pub use state::{AppState, Limits};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application: API, explorer pages and assets, with request ids, one log line per
/// request, a time limit, a body size limit, and JSON for every API error.
pub fn router(state: AppState) -> Router {
    let limits = state.limits();
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .fallback(fallback)
        .layer(axum::middleware::map_response_with_state(limits, errors_as_json))
        .layer(
            // Read top to bottom: the first layer sees the request first.
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|request: &Request<Body>| {
                            let id = request
                                .headers()
                                .get(REQUEST_ID)
                                .and_then(|id| id.to_str().ok())
                                .unwrap_or("-");
                            tracing::info_span!(
                                "request",
                                method = %request.method(),
                                path = %request.uri().path(),
                                id,
                            )
                        })
                        .on_request(())
                        .on_response(
                            |response: &Response<_>,
                             latency: std::time::Duration,
                             _: &tracing::Span| {
                                tracing::info!(
                                    status = response.status().as_u16(),
                                    latency_ms = latency.as_secs_f64() * 1000.0,
                                    "served"
                                );
                            },
                        ),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(CatchPanicLayer::custom(|_| {
                    ApiError::Internal("the server failed on this request".into()).into_response()
                }))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    limits.request_time,
                ))
                // axum's own limit covers only buffering extractors; this one covers every body.
                .layer(RequestBodyLimitLayer::new(limits.body_bytes))
                .layer(DefaultBodyLimit::max(limits.body_bytes)),
        )
        .with_state(state)
}

async fn fallback(request: Request<Body>) -> axum::response::Response {
    if request.uri().path().starts_with("/api/") {
        ApiError::NotFound(format!("no API endpoint at `{}`", request.uri().path())).into_response()
    } else {
        pages::not_found().into_response()
    }
}

/// Gives the errors that axum and tower-http answer on their own (body too large, timeout,
/// wrong method, a body that is not the JSON expected) the same JSON form as the API's.
async fn errors_as_json(
    axum::extract::State(limits): axum::extract::State<Limits>,
    response: axum::response::Response,
) -> axum::response::Response {
    let status = response.status();
    let content_type =
        response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !(status.is_client_error() || status.is_server_error())
        || content_type.starts_with("application/json")
        || content_type.starts_with("text/html")
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
    let message = String::from_utf8_lossy(&text).trim().to_owned();
    let error = match parts.status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(limits.body_bytes),
        StatusCode::REQUEST_TIMEOUT => ApiError::Timeout(limits.request_time.as_secs()),
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::BadRequest("this endpoint does not take that HTTP method".into())
        }
        status if status.is_client_error() => ApiError::BadRequest(if message.is_empty() {
            status.canonical_reason().unwrap_or("bad request").to_owned()
        } else {
            message
        }),
        _ => ApiError::Internal(message),
    };
    let mut json = error.into_response();
    *json.status_mut() = parts.status;
    if let Some(id) = parts.headers.get(REQUEST_ID) {
        json.headers_mut().insert(REQUEST_ID, id.clone());
    }
    json.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    json
}

/// Serves `state` on `addr` until SIGINT or SIGTERM; requests in flight finish first. Every
/// write is already durable when it is acknowledged, so nothing is left to flush at the end.
/// `ready` hears the address actually bound (port 0 picks a free one).
pub fn run(
    state: AppState,
    addr: SocketAddr,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        ready(listener.local_addr()?);
        axum::serve(listener, router(state)).with_graceful_shutdown(shutdown_signal()).await
    })
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
