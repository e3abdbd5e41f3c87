//! Shared definition pages, the coverage matrix as a heat map, and the review pages where
//! standards staff see a group's members side by side and accept, reject or move them.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use catalog::{SharedDefinition, SharedDefinitionId, VariableVersion, word_diff};
use harmonize::coverage::CoverageState;
use maud::{Markup, html};
use serde::Deserialize;

use crate::api::harmonization::ReviewRequest;
use crate::error::ApiError;
use crate::pages::{
    Lang, LangParam, PageError, Paged, encode, load, page, page_url, paging, shown, variable_url,
    with_param,
};
use crate::state::AppState;
use crate::views;

fn definition_url(id: &SharedDefinitionId) -> String {
    format!("/definitions/{}", encode(&id.0))
}

/// `/definitions`.
pub(crate) async fn definitions(
    State(state): State<AppState>,
    Query(params): Query<LangParam>,
) -> Result<Html<String>, PageError> {
    let lang = Lang::from_param(params.lang.as_deref());
    let definitions = load(&state, lang, |shared| Ok(shared.store.shared_definitions()?)).await?;
    let body = html! {
        h1 { (lang.pick("Felles definisjoner", "Shared definitions")) }
        @if definitions.is_empty() { p { (lang.pick("Ingen felles definisjoner er importert.", "No shared definitions have been imported.")) } }
        table {
            thead { tr { th { "id" } th { (lang.pick("Tekst", "Label")) } th { (lang.pick("Type", "Type")) } th.num { (lang.pick("Verdier", "Values")) } } }
            tbody {
                @for definition in &definitions {
                    tr {
                        td { a href=(lang.url(&definition_url(&definition.id))) { (definition.id.0) } }
                        td { (lang.text(&definition.label).unwrap_or_default()) }
                        td { (definition.data_type.as_str()) }
                        td.num { (definition.value_set.len()) }
                    }
                }
            }
        }
    };
    Ok(page(lang, lang.pick("Felles definisjoner", "Shared definitions"), "/definitions", &body))
}

fn state_name(lang: Lang, state: &str) -> &str {
    match state {
        "accepted" => lang.pick("godkjent", "accepted"),
        "rejected" => lang.pick("avvist", "rejected"),
        "proposed" => lang.pick("til gjennomgang", "in review"),
        _ => lang.pick("foreslått av varkat", "suggested by varkat"),
    }
}

/// `/definitions/{id}`: the definition, its value set, and its members across registries.
pub(crate) async fn definition(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Query<LangParam>,
) -> Result<Html<String>, PageError> {
    let lang = Lang::from_param(params.lang.as_deref());
    let id = SharedDefinitionId(id);
    let detail = load(&state, lang, move |shared| views::definition(shared, &id)).await?;
    let definition = &detail.definition;
    let title = lang.text(&definition.label).unwrap_or_else(|| definition.id.0.clone());
    let body = html! {
        h1 { (title) }
        p { code { (definition.id.0) } " · " (lang.pick("versjon", "version")) " " (definition.version) " · " (definition.data_type.as_str())
            @if let Some(unit) = &definition.unit { " · " (unit) } }
        @if detail.versions == 0 {
            p.proposed { span.tag { (lang.pick("foreslått", "proposed")) } " "
                (lang.pick("varkat foreslår denne definisjonen for variabler som ingen definisjon i katalogen dekker; den lagres når forslagene registreres.",
                    "varkat proposes this definition for variables no definition in the catalog covers; it is stored when the proposals are recorded.")) }
        }
        @if let Some(description) = lang.text(&definition.description) { p { (description) } }
        @if !definition.external.is_empty() {
            p { @for code in &definition.external { span.tag { (code.system) " " (code.code) } " " } }
        }
        @if !definition.value_set.is_empty() {
            h2 { (lang.pick("Verdisett", "Value set")) }
            table {
                tbody { @for value in &definition.value_set {
                    tr { td { code { (value.code) } } td { (lang.text(&value.label).unwrap_or_default()) } td { @if value.missing { span.tag { (lang.pick("mangler", "missing")) } } } }
                } }
            }
        }
        h2 { (lang.pick("Variabler på tvers av registre", "Variables across registries")) }
        table id="members" {
            thead { tr { th { (lang.pick("Variabel", "Variable")) } th { (lang.pick("Tekst", "Label")) } th { (lang.pick("Forhold", "Relation")) } th { "status" } th.num { (lang.pick("Sikkerhet", "Confidence")) } } }
            tbody {
                @for member in &detail.members {
                    tr {
                        td { a href=(lang.url(&variable_url(&member.variable))) { (member.variable) } }
                        td { (member.label.as_deref().unwrap_or("")) }
                        td { (member.relation.as_str()) }
                        td { (state_name(lang, &member.status)) }
                        td.num { (member.confidence.map(|c| format!("{c:.2}")).unwrap_or_default()) }
                    }
                }
            }
        }
        p { a href=(lang.url("/review")) { (lang.pick("Til gjennomgangen", "To the review")) } }
    };
    Ok(page(lang, &title, &definition_url(&definition.id), &body))
}

/// `/coverage`: registries × shared definitions as a heat map.
pub(crate) async fn coverage(
    State(state): State<AppState>,
    Query(params): Query<LangParam>,
) -> Result<Html<String>, PageError> {
    let lang = Lang::from_param(params.lang.as_deref());
    let coverage = load(&state, lang, views::coverage).await?;
    let class = |state: CoverageState| match state {
        CoverageState::Absent => "absent",
        CoverageState::Rejected => "rejected",
        CoverageState::Proposed => "proposed",
        CoverageState::InReview => "in-review",
        CoverageState::Harmonized => "harmonized",
    };
    let legend = [
        (CoverageState::Harmonized, lang.pick("harmonisert", "harmonized")),
        (CoverageState::InReview, lang.pick("til gjennomgang", "in review")),
        (CoverageState::Proposed, lang.pick("foreslått", "suggested")),
        (CoverageState::Rejected, lang.pick("avvist", "rejected")),
        (CoverageState::Absent, lang.pick("finnes ikke", "absent")),
    ];
    let body = html! {
        h1 { (lang.pick("Dekning: registre × felles definisjoner", "Coverage: registries × shared definitions")) }
        p.legend { @for (state, name) in legend { span class=(format!("cell {}", class(state))) { (name) } " " } }
        div.scroll {
            table.heatmap id="coverage" {
                thead { tr {
                    th {}
                    @for definition in &coverage.definitions {
                        th.rotate { a href=(lang.url(&definition_url(definition))) { (definition.0) } }
                    }
                } }
                tbody {
                    @for (registry, row) in coverage.registries.iter().zip(&coverage.cells) {
                        tr {
                            th { a href=(lang.url(&format!("/registries/{}", encode(registry.as_str())))) { (registry) } }
                            @for cell in row {
                                td class=(format!("cell {}", class(cell.state))) title=(cell.variable.as_ref().map(ToString::to_string).unwrap_or_default()) {
                                    @if let Some(variable) = &cell.variable {
                                        a href=(lang.url(&variable_url(variable))) { (variable.name()) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(lang, lang.pick("Dekning", "Coverage"), "/coverage", &body))
}

/// `/review` parameters.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ReviewPageParams {
    definition: Option<String>,
    lang: Option<String>,
    page: Option<usize>,
}

/// The review page shows this many groups at a time: each member's wording, reasons and value
/// mapping take room, and a catalog of 150,000 variables has some 16,000 groups.
const GROUPS_PER_PAGE: usize = 20;

/// A group to review: the definition and its members' current versions with the proposal.
struct ReviewGroup {
    definition: SharedDefinition,
    members: Vec<(VariableVersion, harmonize::Member, Option<String>)>,
}

/// `/review`: each proposed group with its members side by side.
pub(crate) async fn review(
    State(state): State<AppState>,
    Query(params): Query<ReviewPageParams>,
) -> Result<Html<String>, PageError> {
    let lang = Lang::from_param(params.lang.as_deref());
    let only = params.definition.clone();
    let wanted = params.page;
    let (groups, paged, total, all_definitions) = load(&state, lang, move |shared| {
        let harmonization = shared.harmonization()?;
        let chosen: Vec<&harmonize::ProposedGroup> = harmonization
            .proposal
            .groups
            .iter()
            .filter(|group| only.as_deref().is_none_or(|only| only == group.definition.0))
            .collect();
        let paged = Paged::of(wanted, chosen.len(), GROUPS_PER_PAGE);
        let mut groups = Vec::new();
        for group in &chosen[paged.range.clone()] {
            let Some(definition) = harmonization.definition(&group.definition).cloned() else {
                continue;
            };
            let mut members = Vec::new();
            for member in &group.members {
                let Some(variable) = harmonization.variable(&member.key) else { continue };
                let status = shared
                    .store
                    .mapping_history(&member.key)?
                    .pop()
                    .map(|mapping| mapping.status.as_str().to_owned());
                members.push((variable.clone(), member.clone(), status));
            }
            groups.push(ReviewGroup { definition, members });
        }
        let ids: Vec<SharedDefinitionId> =
            harmonization.definitions.iter().map(|definition| definition.id.clone()).collect();
        Ok((groups, paged, chosen.len(), ids))
    })
    .await?;
    let url = match &params.definition {
        Some(id) => with_param("/review", "definition", encode(id)),
        None => "/review".to_owned(),
    };
    let here = page_url(&url, paged.page);
    let body = html! {
        h1 { (lang.pick("Gjennomgang av forslag", "Review of proposals")) }
        p { (lang.pick(
            "Hver gruppe viser variablene side om side, med ordforskjeller mot den felles definisjonen og forslaget til verdikobling. Beslutninger krever et token med rollen standards.",
            "Each group shows its variables side by side, with word differences against the shared definition and the proposed value mapping. Decisions need a token with the standards role.")) }
        (shown(lang, &paged, total, lang.pick("grupper", "groups")))
        // One list of definitions for every member's "move to" field: a select per member
        // would repeat thousands of options for each.
        datalist id="definitions" { @for id in &all_definitions { option value=(id.0) {} } }
        @for group in &groups { (review_group(lang, group, &here)) }
        (paging(lang, paged.page, paged.pages, |to| lang.url(&with_param(&url, "page", to))))
    };
    Ok(page(lang, lang.pick("Gjennomgang", "Review"), &here, &body))
}

/// A group's members side by side, each with a form that decides on it and comes back to
/// `here`, the review page it is on.
fn review_group(lang: Lang, group: &ReviewGroup, here: &str) -> Markup {
    let definition = &group.definition;
    let reference = lang.text(&definition.label).unwrap_or_default();
    html! {
        section.group id=(format!("group-{}", definition.id.0)) {
            h2 { a href=(lang.url(&definition_url(&definition.id))) { (reference) } " " small { (definition.id.0) } }
            div.side-by-side {
                @for (variable, member, status) in &group.members {
                    @let label = lang.text(&variable.definition.label).unwrap_or_default();
                    article.member {
                        h3 { a href=(lang.url(&variable_url(&variable.key))) { (variable.key) } }
                        p.wording {
                            @for change in word_diff(&reference, &label) {
                                @match change.kind {
                                    catalog::WordChangeKind::Same => (change.text),
                                    catalog::WordChangeKind::Removed => del { (change.text) },
                                    catalog::WordChangeKind::Added => ins { (change.text) },
                                }
                            }
                        }
                        @if let Some(question) = lang.text(&variable.definition.question) { p.question { (question) } }
                        p.meta { (variable.definition.data_type.as_str()) @if let Some(unit) = &variable.definition.unit { " · " (unit) } }
                        p.meta { (lang.pick("Sikkerhet", "Confidence")) " " (format!("{:.2}", member.confidence)) " · " (member.relation.as_str())
                            " · " span.status { (status.as_deref().map(|s| state_name(lang, s)).unwrap_or(state_name(lang, "suggested"))) } }
                        ul.reasons { @for reason in &member.reasons { li { (reason) } } }
                        @if !member.values.is_empty() {
                            table.mapping { tbody {
                                @for value in &member.values {
                                    tr {
                                        td { code { (value.source_code) } " "
                                            (variable.definition.value_domain.categories.iter().find(|c| c.code == value.source_code).and_then(|c| lang.text(&c.label)).unwrap_or_default()) }
                                        td { "→" }
                                        td { @match &value.target_code { Some(code) => code { (code) }, None => em { (lang.pick("ikke tilordnet", "unmatched")) } } }
                                    }
                                }
                            } }
                        }
                        form.decide method="post" action="/review" {
                            input type="hidden" name="variable" value=(variable.key.to_string());
                            input type="hidden" name="lang" value=(lang.pick("nb", "en"));
                            input type="hidden" name="back" value=(here);
                            input type="password" name="token" placeholder="token" required aria-label="token";
                            input type="text" name="comment" placeholder=(lang.pick("kommentar", "comment")) aria-label=(lang.pick("kommentar", "comment"));
                            input type="text" name="definition" list="definitions"
                                placeholder=(lang.pick("flytt til definisjon", "move to definition"))
                                aria-label=(lang.pick("flytt til definisjon (tom: samme)", "move to definition (empty: the same)"));
                            button name="decision" value="accept" { (lang.pick("Godkjenn", "Accept")) }
                            button name="decision" value="reject" { (lang.pick("Avvis", "Reject")) }
                        }
                    }
                }
            }
        }
    }
}

/// The review form's fields.
#[derive(Debug, Deserialize)]
pub(crate) struct DecisionForm {
    token: String,
    variable: String,
    decision: String,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    definition: Option<String>,
    lang: Option<String>,
    /// The review page the form was on, to show again.
    #[serde(default)]
    back: Option<String>,
}

/// `POST /review`: records a decision made on the review page, then shows the page again.
pub(crate) async fn decide(
    State(state): State<AppState>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, PageError> {
    let lang = Lang::from_param(form.lang.as_deref());
    let caller = crate::api::caller_for(&state, form.token.trim().to_owned())
        .await
        .map_err(|err| PageError::new(err, lang))?
        .ok_or_else(|| PageError::new(ApiError::Unauthorized("a token is needed"), lang))?;
    if !caller.may_review() {
        return Err(PageError::new(
            ApiError::Forbidden("review decisions are for standards staff".into()),
            lang,
        ));
    }
    let request = ReviewRequest {
        variable: form.variable,
        decision: form.decision,
        comment: form.comment,
        definition: form.definition.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()),
    };
    // Only back to a review page: the field must not send a reviewer anywhere else.
    let back =
        form.back.filter(|back| back.starts_with("/review")).unwrap_or_else(|| "/review".into());
    load(&state, lang, move |shared| {
        crate::api::harmonization::decide(shared, &request, &caller.holder)
    })
    .await?;
    Ok(Redirect::to(&lang.url(&back)).into_response())
}
