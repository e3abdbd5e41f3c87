//! The API as a script or the explorer calls it: requests through `router(state).oneshot`, no
//! sockets, on the bundled example catalog.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use catalog::RegistryId;
use importers::{Encoding, InputFile, ReadOptions};
use serde_json::Value;
use server::auth::{Role, TokenFile};
use server::{AppState, Limits};
use tower::ServiceExt;

/// A server over a fresh store holding the example catalog and shared definitions, with a
/// token for each kind of caller.
struct TestServer {
    _dir: tempfile::TempDir,
    router: Router,
    steward_hunt: String,
    steward_mfr: String,
    standards: String,
    admin: String,
}

fn fixture(path: &str) -> InputFile {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    InputFile { path: path.to_owned(), bytes: std::fs::read(root.join(path)).unwrap() }
}

fn load_example(store: &catalog::Store, with_definitions: bool) {
    let steps: [(&[&str], Option<&str>, Encoding); 5] = [
        (&["catalog/registries.json"], None, Encoding::Auto),
        (&["catalog/mfr.json", "catalog/kreftreg.json"], None, Encoding::Auto),
        (&["catalog/hjerteinfarkt_klokebok_2023.csv"], Some("hjerteinfarkt"), Encoding::Auto),
        (
            &["catalog/surveys_variables.csv", "catalog/surveys_categories.csv"],
            None,
            Encoding::Auto,
        ),
        (&["catalog/hjerteinfarkt_klokebok_2024.csv"], Some("hjerteinfarkt"), Encoding::Auto),
    ];
    for (files, registry, encoding) in steps {
        let inputs: Vec<InputFile> = files.iter().map(|f| fixture(f)).collect();
        let options = ReadOptions {
            registry: registry.map(|r| RegistryId::new(r).unwrap()),
            encoding,
            ..ReadOptions::default()
        };
        let batch = importers::read(&inputs, &options).unwrap();
        store.import(batch.into_request(false, false, "loader")).unwrap();
    }
    let codes = ReadOptions { code_system: Some("icd-10@2024".into()), ..ReadOptions::default() };
    let batch = importers::read(&[fixture("catalog/icd10_2024_neoplasms.csv")], &codes).unwrap();
    store.import(batch.into_request(false, false, "loader")).unwrap();
    if with_definitions {
        let batch =
            importers::read(&[fixture("harmonize/definitions.json")], &ReadOptions::default())
                .unwrap();
        store.import(batch.into_request(false, false, "loader")).unwrap();
    }
}

fn server_with(limits: Limits, with_definitions: bool) -> TestServer {
    server_loading(limits, with_definitions, |_| {})
}

/// [`server_with`], with more loaded into the store by `more` before the server starts.
fn server_loading(
    limits: Limits,
    with_definitions: bool,
    more: impl FnOnce(&catalog::Store),
) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let store = catalog::Store::open(&catalog::store_dir(dir.path())).unwrap();
    load_example(&store, with_definitions);
    more(&store);
    let index = indexer::SearchIndex::open(&indexer::index_dir(dir.path())).unwrap();
    let tokens = TokenFile::in_data_dir(dir.path());
    let secret = |holder: &str, role, registries: &[&str]| {
        let registries = registries.iter().map(|r| RegistryId::new(r).unwrap()).collect();
        tokens.create(holder, role, registries).unwrap().secret
    };
    let steward_hunt = secret("Hanne Hunt", Role::Steward, &["hunt"]);
    let steward_mfr = secret("Mona MFR", Role::Steward, &["mfr"]);
    let standards = secret("Siri Standard", Role::Standards, &[]);
    let admin = secret("Ada Admin", Role::Admin, &[]);
    let state = AppState::new(store, index, tokens, limits).unwrap();
    TestServer {
        _dir: dir,
        router: server::router(state),
        steward_hunt,
        steward_mfr,
        standards,
        admin,
    }
}

/// The variables of a definition's members, as `/api/definitions/{id}` lists them.
fn member_variables(definition: &Value) -> Vec<&str> {
    definition["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["variable"].as_str().unwrap())
        .collect()
}

fn server() -> TestServer {
    server_with(Limits::default(), true)
}

struct Answer {
    status: StatusCode,
    content_type: String,
    text: String,
    headers: axum::http::HeaderMap,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.text))
    }

    fn error_code(&self) -> String {
        self.json()["error"]["code"].as_str().unwrap_or_default().to_owned()
    }
}

impl TestServer {
    async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        Answer { status, content_type, text: String::from_utf8_lossy(&bytes).into_owned(), headers }
    }

    async fn get(&self, uri: &str) -> Answer {
        self.send(Request::get(uri).body(Body::empty()).unwrap()).await
    }

    async fn write(&self, method: &str, uri: &str, token: Option<&str>, body: Body) -> Answer {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.send(request.header(header::CONTENT_TYPE, "application/json").body(body).unwrap())
            .await
    }

    /// A form posted as a browser posts it.
    async fn post_form(&self, uri: &str, form: String) -> Answer {
        let request = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .unwrap();
        self.send(request).await
    }

    async fn last_change(&self) -> u64 {
        let changes = self.get("/api/changes?after=0&limit=1000").await.json();
        changes.as_array().unwrap().last().map_or(0, |c| c["seq"].as_u64().unwrap())
    }
}

#[tokio::test]
async fn search_lists_every_registrys_smoking_variable_with_marked_words_and_facets() {
    let app = server();
    let answer = app.get("/api/search?q=r%C3%B8yk&facets=true&limit=20").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let body = answer.json();
    let registries: std::collections::BTreeSet<&str> =
        body["hits"].as_array().unwrap().iter().map(|h| h["registry"].as_str().unwrap()).collect();
    for registry in ["hunt", "tromso", "kreftreg", "hjerteinfarkt", "mfr"] {
        assert!(registries.contains(registry), "{registry} missing from {registries:?}");
    }
    let first = &body["hits"][0];
    assert!(first["variable"].is_string() && first["key"].is_string());
    assert!(first["snippet"].as_str().unwrap().contains("<mark>"), "{first}");
    assert!(body["facets"]["registry"].as_array().unwrap().len() >= 5);
    assert_eq!(body["terms"][0]["kind"], "definition");
    assert_eq!(
        body["terms"][0]["id"], "smoking_status",
        "the shared definition beside the variables"
    );
}

#[tokio::test]
async fn search_refuses_what_exceeds_its_limits_in_json() {
    let app = server();
    let long = "r".repeat(600);
    let answer = app.get(&format!("/api/search?q={long}")).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.json()["error"]["message"].as_str().unwrap().contains("the most is 500"));
    let answer = app.get("/api/search?q=r%C3%B8yk&limit=1000").await;
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    let answer = app.get("/api/search?q=r%C3%B8yk&period=soon").await;
    assert!(answer.json()["error"]["message"].as_str().unwrap().contains("not a period"));
}

#[tokio::test]
async fn a_variable_reads_current_by_version_as_of_and_as_a_diff() {
    let app = server();
    let current = app.get("/api/variables/hjerteinfarkt/INNLEGGELSE_ROYKER").await.json();
    assert_eq!(current["variable"]["version"], 2);
    assert_eq!(current["n_versions"], 2);
    assert_eq!(current["harmonization"]["definition"]["id"], "smoking_status");
    let first = app.get("/api/variables/hjerteinfarkt/INNLEGGELSE_ROYKER?version=1").await.json();
    assert_eq!(first["variable"]["definition"]["label"]["nb"], "Røyker pasienten?");
    let before = app.get("/api/variables/hjerteinfarkt/INNLEGGELSE_ROYKER?as_of=2000-01-01").await;
    assert_eq!((before.status, before.error_code().as_str()), (StatusCode::NOT_FOUND, "not_found"));
    let diff =
        app.get("/api/variables/hjerteinfarkt/INNLEGGELSE_ROYKER/diff?from=1&to=2").await.json();
    let fields: Vec<&str> = diff["diff"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"label.nb"), "{fields:?}");
    let history = app.get("/api/variables/hjerteinfarkt/INNLEGGELSE_ROYKER/history").await.json();
    assert_eq!(history.as_array().unwrap().len(), 2);
    let missing = app.get("/api/variables/hunt/NO_SUCH_THING").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.json()["error"]["message"].as_str().unwrap().contains("hunt/NO_SUCH_THING"));
    let bad = app.get("/api/variables/hunt/RoykStatus?version=x").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.content_type, "application/json");
}

#[tokio::test]
async fn registries_definitions_and_coverage_describe_the_catalog() {
    let app = server();
    let registries = app.get("/api/registries").await.json();
    assert_eq!(registries.as_array().unwrap().len(), 6);
    let hunt = app.get("/api/registries/hunt").await.json();
    assert!(hunt["variables"].as_array().unwrap().iter().any(|v| v["key"] == "hunt/RoykStatus"));
    let smoking = app.get("/api/definitions/smoking_status").await.json();
    let members = member_variables(&smoking);
    assert!(members.contains(&"hunt/RoykStatus") && members.contains(&"tromso/SMOKE_STATUS"));
    assert!(!members.contains(&"mfr/ROYK_BEGYNNELSE"), "pregnancy smoking is its own concept");
    let coverage = app.get("/api/harmonization/coverage").await.json();
    assert_eq!(coverage["registries"].as_array().unwrap().len(), 6);
    assert_eq!(coverage["cells"].as_array().unwrap().len(), 6);
    assert_eq!(app.get("/api/definitions/nope").await.status, StatusCode::NOT_FOUND);
}

/// With no shared definitions in the catalog, the explorer shows the ones varkat proposes,
/// marked as proposals, and recording the proposal stores them.
#[tokio::test]
async fn proposed_definitions_show_before_they_are_recorded_and_are_stored_with_the_proposal() {
    let app = server_with(Limits::default(), false);
    let proposed = app.get("/api/definitions/proposed_smoking_status").await;
    assert_eq!(proposed.status, StatusCode::OK, "{}", proposed.text);
    let proposed = proposed.json();
    assert_eq!(proposed["versions"], 0);
    let members = member_variables(&proposed);
    assert!(members.contains(&"hunt/RoykStatus") && members.contains(&"tromso/SMOKE_STATUS"));
    let page = app.get("/definitions/proposed_smoking_status?lang=en").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("varkat proposes this definition"), "{}", page.text);
    let before = app.last_change().await;
    let record =
        app.write("POST", "/api/harmonization/record", Some(&app.standards), Body::empty()).await;
    assert_eq!(record.status, StatusCode::OK, "{}", record.text);
    assert_eq!(app.last_change().await, before + 2, "the definitions, then the mappings");
    let stored = app.get("/api/definitions/proposed_smoking_status").await.json();
    assert_eq!(stored["versions"], 1);
    let listed = app.get("/api/definitions").await.json();
    assert!(listed.as_array().unwrap().iter().any(|d| d["id"] == "proposed_smoking_status"));
}

#[tokio::test]
async fn every_documented_endpoint_exists_and_every_error_is_json() {
    let app = server();
    let openapi = app.get("/api/openapi.json").await.json();
    for (path, operations) in openapi["paths"].as_object().unwrap() {
        let uri = path
            .replace("{registry}/{name}", "hunt/RoykStatus")
            .replace("{registry}", "hunt")
            .replace("{system}", "icd-10")
            .replace("{definition}", "smoking_status")
            .replace("{value_set}", "kjonn-vs");
        for method in operations.as_object().unwrap().keys() {
            let answer = app.write(&method.to_uppercase(), &uri, None, Body::empty()).await;
            assert!(
                !(answer.status == StatusCode::NOT_FOUND
                    && answer.text.contains("no API endpoint"))
                    && answer.status != StatusCode::METHOD_NOT_ALLOWED,
                "{method} {uri} is documented but not served: {}",
                answer.text
            );
            if !answer.status.is_success() {
                assert!(answer.content_type.starts_with("application/json"), "{method} {uri}");
            }
        }
    }
    let malformed =
        app.write("POST", "/api/reviews", Some(&app.standards), Body::from("{not json")).await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert!(malformed.json()["error"]["message"].as_str().unwrap().contains("JSON"));
    let wrong_method = app.write("DELETE", "/api/search", None, Body::empty()).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.error_code(), "bad_request");
    assert!(app.get("/healthz").await.headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn an_oversized_body_is_refused_in_json_and_writes_nothing() {
    let app = server_with(Limits { body_bytes: 1024, ..Limits::default() }, true);
    let before = app.last_change().await;
    let big = vec![b'x'; 4096];
    let answer =
        app.write("POST", "/api/imports?filename=big.csv", Some(&app.admin), Body::from(big)).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.error_code(), "payload_too_large");
    assert_eq!(app.last_change().await, before);
}

const HUNT_CODEBOOK: &str = "{\"varkat_format\": 2, \"variables\": [{\"key\": \"hunt/Snus2\", \"label\": {\"nb\": \"Bruker du snus daglig?\"}, \"data_type\": \"categorical\", \"value_domain\": {\"categories\": [{\"code\": \"1\", \"label\": {\"nb\": \"Ja\"}, \"order\": 0}, {\"code\": \"2\", \"label\": {\"nb\": \"Nei\"}, \"order\": 1}]}}]}";

#[tokio::test]
async fn a_steward_uploads_a_codebook_and_its_variables_are_searchable_at_once() {
    let app = server();
    let answer = app
        .write(
            "POST",
            "/api/imports?filename=hunt.json",
            Some(&app.steward_hunt),
            Body::from(HUNT_CODEBOOK),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let body = answer.json();
    assert_eq!(body["change"]["who"], "Hanne Hunt");
    assert_eq!(body["plan"]["new"].as_array().unwrap().len(), 1);
    let found = app.get("/api/search?q=snus&registry=hunt").await.json();
    assert!(found["hits"].as_array().unwrap().iter().any(|h| h["key"] == "hunt/Snus2"));
}

#[tokio::test]
async fn a_codebook_with_errors_is_answered_with_located_errors_and_nothing_is_written() {
    let app = server();
    let before = app.last_change().await;
    let broken =
        "{\"varkat_format\": 2, \"variables\": [{\"key\": \"hunt/X\", \"data_type\": \"colour\"}]}";
    let answer = app
        .write(
            "POST",
            "/api/imports?filename=broken.json",
            Some(&app.steward_hunt),
            Body::from(broken),
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", answer.text);
    let body = answer.json();
    assert_eq!(body["error"]["code"], "invalid_import");
    let error = &body["error"]["errors"][0];
    assert!(error["location"].as_str().unwrap().starts_with("broken.json"), "{error}");
    assert!(error["message"].as_str().unwrap().contains("colour"), "{error}");
    assert_eq!(app.last_change().await, before);
}

#[tokio::test]
async fn drafts_are_visible_only_to_the_registrys_stewards() {
    let app = server();
    let answer = app
        .write(
            "POST",
            "/api/imports?filename=hunt.json&draft=true",
            Some(&app.steward_hunt),
            Body::from(HUNT_CODEBOOK),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(app.get("/api/variables/hunt/Snus2").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/api/variables/hunt/Snus2?drafts=true").await.status,
        StatusCode::UNAUTHORIZED
    );
    let as_other = app
        .send(
            Request::get("/api/variables/hunt/Snus2?drafts=true")
                .header(header::AUTHORIZATION, format!("Bearer {}", app.steward_mfr))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(as_other.status, StatusCode::FORBIDDEN);
    let as_steward = app
        .send(
            Request::get("/api/variables/hunt/Snus2?drafts=true")
                .header(header::AUTHORIZATION, format!("Bearer {}", app.steward_hunt))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(as_steward.status, StatusCode::OK);
    assert_eq!(as_steward.json()["variable"]["status"], "draft");
    let published = app
        .write("POST", "/api/registries/hunt/publish", Some(&app.steward_hunt), Body::empty())
        .await;
    assert_eq!(published.status, StatusCode::OK);
    assert_eq!(app.get("/api/variables/hunt/Snus2").await.status, StatusCode::OK);
}

/// Who the role matrix sends each write as.
#[derive(Debug, Clone, Copy, PartialEq)]
enum As {
    Nobody,
    UnknownToken,
    StewardOfHunt,
    StewardOfMfr,
    Standards,
    Admin,
}

/// Every write endpoint against every kind of caller: allowed where it should be, 401 or 403
/// everywhere else, and nothing written on a refusal.
#[tokio::test]
async fn every_write_endpoint_against_every_role() {
    let review = r#"{"variable": "hunt/RoykStatus", "decision": "accept", "comment": "ok"}"#;
    let token = r#"{"holder": "Nils Ny", "role": "steward", "registries": ["hunt"]}"#;
    let writes: [(&str, &str, &str, &[As]); 7] = [
        ("POST", "/api/imports?filename=hunt.json", HUNT_CODEBOOK, &[As::StewardOfHunt, As::Admin]),
        ("POST", "/api/registries/hunt/publish", "", &[As::StewardOfHunt, As::Admin]),
        ("POST", "/api/registries/hunt/discard", "", &[As::StewardOfHunt, As::Admin]),
        ("POST", "/api/harmonization/record", "", &[As::Standards, As::Admin]),
        ("POST", "/api/reviews", review, &[As::Standards, As::Admin]),
        ("POST", "/api/tokens", token, &[As::Admin]),
        (
            "POST",
            "/api/imports?filename=definitions.json",
            DEFINITIONS_CHANGE,
            &[As::Standards, As::Admin],
        ),
    ];
    let callers = [
        As::Nobody,
        As::UnknownToken,
        As::StewardOfHunt,
        As::StewardOfMfr,
        As::Standards,
        As::Admin,
    ];
    for (method, uri, body, allowed) in writes {
        for caller in callers {
            let app = server();
            let secret = match caller {
                As::Nobody => None,
                As::UnknownToken => Some("vk_0000".to_owned()),
                As::StewardOfHunt => Some(app.steward_hunt.clone()),
                As::StewardOfMfr => Some(app.steward_mfr.clone()),
                As::Standards => Some(app.standards.clone()),
                As::Admin => Some(app.admin.clone()),
            };
            let before = app.last_change().await;
            let answer =
                app.write(method, uri, secret.as_deref(), Body::from(body.to_owned())).await;
            let status = answer.status;
            if allowed.contains(&caller) {
                assert!(
                    status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                    "{caller:?} {method} {uri} should be allowed: {status} {}",
                    answer.text
                );
            } else {
                let expected = if matches!(caller, As::Nobody | As::UnknownToken) {
                    StatusCode::UNAUTHORIZED
                } else {
                    StatusCode::FORBIDDEN
                };
                assert_eq!(status, expected, "{caller:?} {method} {uri}: {}", answer.text);
                assert_eq!(app.last_change().await, before, "{caller:?} {method} {uri} wrote");
            }
        }
    }
}

const DEFINITIONS_CHANGE: &str = r#"{"definitions": [{"id": "snus_use", "label_nb": "Snusbruk (ny tekst)", "datatype": "code", "value_set": [{"code": "daily", "label_nb": "Daglig"}]}]}"#;

#[tokio::test]
async fn a_review_decision_is_recorded_with_its_reviewer_and_shows_in_search() {
    let app = server();
    let recorded =
        app.write("POST", "/api/harmonization/record", Some(&app.standards), Body::empty()).await;
    assert_eq!(recorded.status, StatusCode::OK, "{}", recorded.text);
    let proposed = app.get("/api/mappings?status=proposed").await.json();
    let proposed = proposed.as_array().unwrap();
    assert!(proposed.len() >= 5);
    let page = app.get("/api/mappings?status=proposed&offset=2&limit=2").await.json();
    assert_eq!(page.as_array().unwrap(), &proposed[2..4], "a page of the same list");
    let smoking = app.get("/api/mappings?definition=smoking_status").await.json();
    let smoking = smoking.as_array().unwrap();
    assert!(smoking.len() >= 3 && smoking.iter().all(|m| m["definition"] == "smoking_status"));
    let decision =
        r#"{"variable": "hunt/RoykStatus", "decision": "accept", "comment": "same question"}"#;
    let answer =
        app.write("POST", "/api/reviews", Some(&app.standards), Body::from(decision)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.json()["who"], "Siri Standard");
    let variable = app.get("/api/variables/hunt/RoykStatus").await.json();
    assert_eq!(variable["harmonization"]["status"], "accepted");
    assert_eq!(variable["harmonization"]["mapping"]["reviewer"], "Siri Standard");
    let harmonized = app.get("/api/search?q=r%C3%B8yk&harmonization=harmonized").await.json();
    let keys: Vec<&str> =
        harmonized["hits"].as_array().unwrap().iter().map(|h| h["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["hunt/RoykStatus"]);
    let unknown = r#"{"variable": "hunt/Nope", "decision": "accept"}"#;
    let answer = app.write("POST", "/api/reviews", Some(&app.standards), Body::from(unknown)).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_basket_exports_as_csv_and_as_ddi_codebook() {
    let app = server();
    let csv = app.get("/api/basket?variables=hunt/RoykStatus,kreftreg/ROYKESTATUS").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type.starts_with("text/csv"));
    assert_eq!(csv.text.lines().count(), 3, "{}", csv.text);
    let ddi =
        app.get("/api/basket?variables=hunt/RoykStatus,kreftreg/ROYKESTATUS&format=ddi").await;
    assert!(
        ddi.text.contains("<var ID=\"V_hunt_RoykStatus\" name=\"hunt.RoykStatus\""),
        "{}",
        ddi.text
    );
    let unknown = app.get("/api/basket?variables=hunt/Nope").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_explorer_shows_search_variable_history_group_and_coverage_in_both_languages() {
    let app = server();
    let start = app.get("/").await;
    assert!(start.content_type.starts_with("text/html"));
    assert!(start.text.contains("Helseundersøkelsen i Trøndelag"));
    let search = app.get("/search?q=r%C3%B8yk").await;
    assert!(search.text.contains("<mark>"), "highlights");
    // Every page of hits opens from the link to it, also with no words (the facets alone).
    for query in ["q=r%C3%B8yk", "q=", "q=&type=categorical&limit=5"] {
        let first = app.get(&format!("/search?{query}")).await;
        let next = first.text.split("rel=\"next\" href=\"").nth(1).expect(query);
        let next = next[..next.find('"').unwrap()].replace("&amp;", "&");
        let second = app.get(&next).await;
        assert_eq!(second.status, StatusCode::OK, "{next}: {}", second.text);
        assert!(second.text.contains("<span>2 / "), "{next}");
    }
    assert!(search.text.contains("/variables/hunt/RoykStatus"));
    assert!(search.text.contains("Registertype"), "facets");
    assert!(search.text.contains("href=\"/definitions/smoking_status\""), "matching definitions");
    let variable = app.get("/variables/hjerteinfarkt/INNLEGGELSE_ROYKER").await;
    assert_eq!(variable.status, StatusCode::OK);
    for expected in [
        "Harmonisert som",
        "<svg",
        "Versjoner",
        "/definitions/smoking_status",
        "/variables/hunt/RoykStatus",
    ] {
        assert!(variable.text.contains(expected), "variable page lacks {expected}");
    }
    let diff = app.get("/variables/hjerteinfarkt/INNLEGGELSE_ROYKER?from=1&to=2").await;
    assert!(diff.text.contains("<del>") && diff.text.contains("<ins>"), "word diff");
    assert!(diff.text.contains("Versjon 1 → 2 · kompatibel"), "the verdict, in Norwegian");
    let english_diff =
        app.get("/variables/hjerteinfarkt/INNLEGGELSE_ROYKER?from=1&to=2&lang=en").await;
    assert!(english_diff.text.contains("Version 1 → 2 · compatible"), "the verdict, in English");
    let english = app.get("/variables/hjerteinfarkt/INNLEGGELSE_ROYKER?lang=en").await;
    assert!(english.text.contains("Harmonized as") && english.text.contains("lang=\"en\""));
    let coverage = app.get("/coverage").await;
    assert!(coverage.text.contains("id=\"coverage\"") && coverage.text.contains("smoking_status"));
    let missing = app.get("/variables/hunt/Nope").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.content_type.starts_with("text/html"));
}

#[tokio::test]
async fn a_reviewer_decides_on_the_review_page_with_a_token() {
    let app = server();
    let page = app.get("/review").await;
    assert!(page.text.contains("name=\"decision\" value=\"accept\""));
    assert!(
        page.text.contains("<option value=\"cigarettes_per_day\">"),
        "the definitions to move to"
    );
    let one_group = app.get("/review?definition=smoking_status").await;
    assert!(one_group.text.contains("name=\"back\" value=\"/review?definition=smoking_status\""));
    let form = format!(
        "token={}&variable=tromso%2FSMOKE_STATUS&decision=accept&comment=ok&lang=nb&back=%2Freview%3Fdefinition%3Dsmoking_status",
        app.standards
    );
    let answer = app.post_form("/review", form).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text);
    assert_eq!(
        answer.headers[header::LOCATION],
        "/review?definition=smoking_status",
        "back where it was"
    );
    let variable = app.get("/api/variables/tromso/SMOKE_STATUS").await.json();
    assert_eq!(variable["harmonization"]["status"], "accepted");
    let moved = format!(
        "token={}&variable=hunt%2FSnus&decision=accept&definition=+smoking_status+&back=https%3A%2F%2Felsewhere.example%2F",
        app.standards
    );
    let answer = app.post_form("/review", moved).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text);
    assert_eq!(answer.headers[header::LOCATION], "/review", "never away from the review");
    let snus = app.get("/api/variables/hunt/Snus").await.json();
    assert_eq!(snus["harmonization"]["definition"]["id"], "smoking_status", "{snus}");
    let refused =
        format!("token={}&variable=tromso%2FSMOKE_STATUS&decision=reject", app.steward_hunt);
    let answer = app.post_form("/review", refused).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
}

/// The example catalog with a registry of 1,203 variables and a code list of 4,500 codes, as a
/// steward would import them.
fn server_with_long_lists() -> TestServer {
    let mut variables = String::from("table,name,valueType,label:nb\n");
    for i in 1..=1203 {
        variables.push_str(&format!("skjema,V{i:04},integer,Spørsmål {i}\n"));
    }
    let mut codes = String::from("code,label:nb,label:en,parent\n");
    for i in 1..=4500 {
        codes.push_str(&format!("K{i:04},Kode {i},Code {i},\n"));
    }
    let registry =
        ReadOptions { registry: Some(RegistryId::new("long").unwrap()), ..Default::default() };
    let system = ReadOptions { code_system: Some("kx@2026".into()), ..Default::default() };
    server_loading(Limits::default(), false, |store| {
        for (path, text, options) in
            [("long.variables.csv", variables, registry), ("kx.csv", codes, system)]
        {
            let input = InputFile { path: path.into(), bytes: text.into_bytes() };
            let batch = importers::read(&[input], &options).unwrap();
            store.import(batch.into_request(false, false, "loader")).unwrap();
        }
    })
}

#[tokio::test]
async fn long_lists_are_shown_a_page_at_a_time() {
    let app = server_with_long_lists();
    let first = app.get("/registries/long").await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.text.contains("Viser 1–500 av 1203 variabler"), "{}", first.text);
    assert!(first.text.contains("/variables/long/V0500\"") && !first.text.contains("V0501"));
    assert!(first.text.contains("href=\"/registries/long?page=2\""));
    let last = app.get("/registries/long?page=3&lang=en").await;
    assert!(last.text.contains("Showing 1001–1203 of 1203 variables"));
    assert!(last.text.contains("/variables/long/V1203?lang=en") && !last.text.contains("V1000"));
    assert!(last.text.contains("href=\"/registries/long?page=2&amp;lang=en\""), "previous");
    assert!(!last.text.contains("rel=\"next\""));
    // A page past the end shows the last.
    let past = app.get("/registries/long?page=99").await;
    assert!(past.text.contains("Viser 1001–1203 av 1203 variabler"));
    let small = app.get("/registries/hunt").await;
    assert!(!small.text.contains("nav class=\"paging\""), "one page needs no paging");

    let codes = app.get("/code-systems/kx?version=2026&page=2").await;
    assert!(codes.text.contains("Viser 2001–4000 av 4500 koder"), "{}", codes.text);
    assert!(
        codes.text.contains("<code>K2001</code>") && !codes.text.contains("<code>K4001</code>")
    );
    assert!(codes.text.contains("href=\"/code-systems/kx?version=2026&amp;page=3\""));
    let third = app.get("/code-systems/kx?page=3").await;
    assert!(
        third.text.contains("<code>K4500</code>") && !third.text.contains("<code>K4000</code>")
    );

    let api = app.get("/api/registries/long?offset=1200&limit=10").await.json();
    assert_eq!(api["total"], 1203);
    let names: Vec<&str> =
        api["variables"].as_array().unwrap().iter().map(|v| v["key"].as_str().unwrap()).collect();
    assert_eq!(names, ["long/V1201", "long/V1202", "long/V1203"]);
    let all = app.get("/api/registries/long").await.json();
    assert_eq!(all["variables"].as_array().unwrap().len(), 1203);
}

/// Two laboratories' registries with the same 25 blood tests: 25 groups more to review beside
/// the example catalog's, more than one review page holds.
#[tokio::test]
async fn the_review_is_shown_some_groups_at_a_time() {
    const TESTS: [&str; 25] = [
        "Kolesterol",
        "Hemoglobin",
        "Kreatinin",
        "Glukose",
        "Natrium",
        "Kalium",
        "Albumin",
        "Ferritin",
        "Troponin",
        "Bilirubin",
        "Laktat",
        "Urea",
        "Magnesium",
        "Fosfat",
        "Kalsium",
        "Insulin",
        "Kortisol",
        "Tyroksin",
        "Testosteron",
        "Østradiol",
        "Prolaktin",
        "Folat",
        "Jern",
        "Sink",
        "Kobber",
    ];
    let app = server_loading(Limits::default(), true, |store| {
        for lab in ["laba", "labb"] {
            let mut variables = String::from("table,name,valueType,unit,label:nb\n");
            for (i, test) in TESTS.iter().enumerate() {
                variables.push_str(&format!("prove,{lab}_{i},decimal,mmol/L,{test} i blod\n"));
            }
            let input = InputFile { path: format!("{lab}.variables.csv"), bytes: variables.into() };
            let options =
                ReadOptions { registry: Some(RegistryId::new(lab).unwrap()), ..Default::default() };
            let batch = importers::read(&[input], &options).unwrap();
            store.import(batch.into_request(false, false, "loader")).unwrap();
        }
    });
    let proposal = app.get("/api/harmonization/proposals").await.json();
    let groups = proposal["groups"].as_array().unwrap().len();
    assert!(groups > 25, "{groups} groups");
    assert_eq!(proposal["total"], groups);
    let page = app.get("/api/harmonization/proposals?offset=20&limit=5").await.json();
    assert_eq!(
        (page["total"].as_u64(), page["groups"].as_array().unwrap()),
        (Some(groups as u64), &proposal["groups"].as_array().unwrap()[20..25].to_vec())
    );
    let one = app.get("/api/harmonization/proposals?definition=smoking_status").await.json();
    assert_eq!(one["total"], 1);
    assert_eq!(one["groups"][0]["definition"], "smoking_status");
    let first = app.get("/review").await;
    assert!(first.text.contains(&format!("Viser 1–20 av {groups} grupper")), "{}", first.text);
    assert_eq!(first.text.matches("<section class=\"group\"").count(), 20);
    assert!(first.text.contains("href=\"/review?page=2\""));
    let second = app.get("/review?page=2&lang=en").await;
    let shown = second.text.matches("<section class=\"group\"").count();
    assert_eq!(shown, (groups - 20).min(20));
    assert!(
        second.text.contains("name=\"back\" value=\"/review?page=2\""),
        "decisions come back here"
    );
}

#[tokio::test]
async fn a_variable_links_to_the_code_system_it_is_bound_to() {
    let app = server_loading(Limits::default(), false, |store| {
        let variables = "table,name,valueType,label:nb,code_system\n\
                         besok,ARSAK,text,Kontaktårsak (ICPC-2),icpc-2\n";
        let input = InputFile { path: "besok.variables.csv".into(), bytes: variables.into() };
        let options = ReadOptions {
            registry: Some(RegistryId::new("legevakt").unwrap()),
            ..Default::default()
        };
        let batch = importers::read(&[input], &options).unwrap();
        store.import(batch.into_request(false, false, "loader")).unwrap();
    });
    let variable = app.get("/variables/kreftreg/ICD10").await;
    assert!(variable.text.contains("href=\"/code-systems/icd-10\""), "{}", variable.text);
    let codes = app.get("/code-systems/icd-10").await;
    assert_eq!(codes.status, StatusCode::OK);
    assert!(codes.text.contains("<code>C34.1</code>") && codes.text.contains("bronkie og lunge"));
    assert!(codes.text.contains("href=\"/variables/kreftreg/ICD10\""), "used by");
    // Bound, but never imported: the page says so, and who uses it.
    let missing = app.get("/code-systems/icpc-2?lang=en").await;
    assert_eq!(missing.status, StatusCode::OK);
    assert!(missing.text.contains("has not been imported"), "{}", missing.text);
    assert!(missing.text.contains("href=\"/variables/legevakt/ARSAK?lang=en\""));
    assert_eq!(app.get("/code-systems/nothing-uses-this").await.status, StatusCode::NOT_FOUND);
}
