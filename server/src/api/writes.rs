//! Writes a steward or an admin makes: codebook uploads (the same importers and the same
//! all-or-nothing rule as `varkat import`), publishing and discarding drafts, and tokens.

use std::collections::BTreeSet;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use catalog::{Change, ImportPlan, RegistryId};
use importers::{Encoding, Format, InputFile, Language, ReadOptions};
use serde::{Deserialize, Serialize};

use crate::api::Auth;
use crate::auth::{Caller, Role};
use crate::error::ApiError;
use crate::state::AppState;

/// How to read an uploaded file; the same options as `varkat import`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ImportParams {
    /// The file's name, as the steward knows it; it names the file in errors and provenance.
    filename: Option<String>,
    format: Option<String>,
    registry: Option<String>,
    encoding: Option<String>,
    language: Option<String>,
    system: Option<String>,
    #[serde(default)]
    full: bool,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    dry_run: bool,
}

/// What an upload did, or would do.
#[derive(Debug, Serialize)]
pub(crate) struct ImportResponse {
    dry_run: bool,
    files: Vec<catalog::SourceFile>,
    plan: ImportPlan,
    change: Option<Change>,
    warnings: Vec<String>,
}

fn read_options(params: &ImportParams) -> Result<ReadOptions, ApiError> {
    Ok(ReadOptions {
        format: params
            .format
            .as_deref()
            .map(str::parse::<Format>)
            .transpose()
            .map_err(ApiError::BadRequest)?,
        registry: params.registry.as_deref().map(RegistryId::new).transpose()?,
        encoding: params
            .encoding
            .as_deref()
            .unwrap_or("utf-8")
            .parse::<Encoding>()
            .map_err(ApiError::BadRequest)?,
        language: params
            .language
            .as_deref()
            .unwrap_or("nb")
            .parse::<Language>()
            .map_err(ApiError::BadRequest)?,
        code_system: params.system.clone(),
    })
}

/// Checks that the caller may write everything a batch holds, before anything is written.
fn check_may_import(caller: &Caller, batch: &importers::ImportBatch) -> Result<(), ApiError> {
    if caller.role == Role::Admin {
        return Ok(());
    }
    if batch.dump.is_some() {
        return Err(ApiError::Forbidden("restoring a whole catalog is for admins".into()));
    }
    let registries: BTreeSet<&RegistryId> = batch
        .registries
        .iter()
        .map(|registry| &registry.id)
        .chain(batch.variables.iter().map(|variable| variable.key.registry()))
        .collect();
    if let Some(refused) = registries.iter().find(|registry| !caller.may_edit(registry)) {
        return Err(ApiError::Forbidden(format!(
            "{} may not change registry `{refused}`",
            caller.holder
        )));
    }
    let standards = !batch.code_systems.is_empty() || !batch.shared_definitions.is_empty();
    if standards && !caller.may_review() {
        return Err(ApiError::Forbidden(
            "code systems and shared definitions are imported by standards staff".into(),
        ));
    }
    Ok(())
}

/// Imports an uploaded file (the request body) as one atomic change; a file with errors
/// answers 422 with every located error, and nothing is written.
pub(crate) async fn import(
    State(state): State<AppState>,
    Query(params): Query<ImportParams>,
    auth: Auth,
    body: Bytes,
) -> Result<Json<ImportResponse>, ApiError> {
    // Every role may import something; what a caller may import is checked once the file says
    // which registries, code systems or definitions it holds.
    let caller = auth.required()?;
    if body.is_empty() {
        return Err(ApiError::BadRequest(
            "the request body is empty; send the file's bytes".into(),
        ));
    }
    let options = read_options(&params)?;
    let filename = params.filename.clone().unwrap_or_else(|| "upload".to_owned());
    state
        .blocking(move |shared| {
            let batch =
                importers::read(&[InputFile { path: filename, bytes: body.to_vec() }], &options)?;
            check_may_import(&caller, &batch)?;
            let files = batch.files.clone();
            let warnings = batch.warnings.iter().map(ToString::to_string).collect();
            if let Some(dump) = &batch.dump {
                if !params.dry_run {
                    shared.store.restore(dump)?;
                    shared.after_write();
                }
                return Ok(ImportResponse {
                    dry_run: params.dry_run,
                    files,
                    plan: ImportPlan::default(),
                    change: None,
                    warnings,
                });
            }
            let request = batch.into_request(params.full, params.draft, &caller.holder);
            let (plan, change) = if params.dry_run {
                (shared.store.plan(request)?, None)
            } else {
                let outcome = shared.store.import(request)?;
                if outcome.change.is_some() {
                    shared.after_write();
                }
                (outcome.plan, outcome.change)
            };
            Ok(ImportResponse { dry_run: params.dry_run, files, plan, change, warnings })
        })
        .await
        .map(Json)
}

fn steward_of(auth: Auth, registry: &RegistryId) -> Result<Caller, ApiError> {
    let caller = auth.required()?;
    if caller.may_edit(registry) {
        Ok(caller)
    } else {
        Err(ApiError::Forbidden(format!("{} may not change registry `{registry}`", caller.holder)))
    }
}

/// Publishes a registry's drafts as one change.
pub(crate) async fn publish(
    State(state): State<AppState>,
    Path(registry): Path<String>,
    auth: Auth,
) -> Result<Json<Change>, ApiError> {
    change_drafts(state, &registry, auth, catalog::Store::publish).await
}

/// Drops a registry's drafts as one change.
pub(crate) async fn discard(
    State(state): State<AppState>,
    Path(registry): Path<String>,
    auth: Auth,
) -> Result<Json<Change>, ApiError> {
    change_drafts(state, &registry, auth, catalog::Store::discard).await
}

/// Publishes or discards a registry's drafts for one of its stewards.
async fn change_drafts(
    state: AppState,
    registry: &str,
    auth: Auth,
    change: fn(&catalog::Store, &RegistryId, &str) -> catalog::Result<Change>,
) -> Result<Json<Change>, ApiError> {
    let registry = RegistryId::new(registry)?;
    let caller = steward_of(auth, &registry)?;
    state
        .blocking(move |shared| {
            let change = change(&shared.store, &registry, &caller.holder)?;
            shared.after_write();
            Ok(change)
        })
        .await
        .map(Json)
}

/// A token to create.
#[derive(Debug, Deserialize)]
pub(crate) struct TokenRequest {
    holder: String,
    role: String,
    #[serde(default)]
    registries: Vec<String>,
}

/// A new token: its secret is in this answer only.
#[derive(Debug, Serialize)]
pub(crate) struct TokenResponse {
    id: String,
    holder: String,
    role: Role,
    registries: Vec<RegistryId>,
    token: String,
}

/// Creates a token; admins only.
pub(crate) async fn create_token(
    State(state): State<AppState>,
    auth: Auth,
    body: Result<Json<TokenRequest>, JsonRejection>,
) -> Result<Json<TokenResponse>, ApiError> {
    let caller = auth.required()?;
    if caller.role != Role::Admin {
        return Err(ApiError::Forbidden("tokens are created by admins".into()));
    }
    // The body is read only once the caller may create tokens, so that a stranger learns
    // nothing from the errors.
    let Json(request) = body.map_err(|err| ApiError::BadRequest(err.body_text()))?;
    let role: Role = request.role.parse().map_err(ApiError::BadRequest)?;
    let registries =
        request.registries.iter().map(|id| RegistryId::new(id)).collect::<Result<Vec<_>, _>>()?;
    if request.holder.trim().is_empty() {
        return Err(ApiError::BadRequest("the token needs a holder".into()));
    }
    let tokens = state.tokens().clone();
    let new = tokio::task::spawn_blocking(move || tokens.create(&request.holder, role, registries))
        .await
        .map_err(|err| ApiError::Internal(err.to_string()))?
        .map_err(|err| match err {
            crate::auth::TokenError::StewardWithoutRegistry => {
                ApiError::BadRequest(err.to_string())
            }
            other => ApiError::Internal(other.to_string()),
        })?;
    Ok(Json(TokenResponse {
        id: new.record.id,
        holder: new.record.holder,
        role: new.record.role,
        registries: new.record.registries,
        token: new.secret,
    }))
}
