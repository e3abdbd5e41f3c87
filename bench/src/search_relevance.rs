//! Search relevance on the labelled harmonization corpus in `../shared/data/harmonization-dev`:
//! each concept group's shared-definition label (Norwegian, and English separately) is a query,
//! and the group's members are the relevant results. Prints recall@10 and nDCG@10 per language
//! and every query's misses, and fails when recall@10 falls below the floor reached. It measures
//! twice: the catalog alone, and again once code systems are imported beside it (the real ones
//! in `../shared` and a classification of 12,000 codes, the size of ICD-10), whose codes the
//! index also holds and which must not change how variables rank.
//!
//! Run with `cargo run -p bench --bin search-relevance`; `.ci/run` runs it when `../shared` is
//! there.

use std::collections::HashSet;
use std::process::ExitCode;

use catalog::Store;
use importers::{InputFile, ReadOptions};
use indexer::{SearchIndex, SearchRequest};

/// The recall@10 this build reaches on the dev corpus for the Norwegian and for the English
/// labels, rounded down; a change that falls below either fails the check.
const RECALL_FLOORS: [(&str, f64); 2] = [("nb", 0.90), ("en", 0.90)];

#[expect(clippy::print_stdout, reason = "a measurement prints its figures")]
fn main() -> ExitCode {
    let shared = bench::shared_dir();
    let corpus = shared.join("data/harmonization-dev");
    let Ok(groups_text) = std::fs::read_to_string(corpus.join("groups.json")) else {
        println!("skipped: {} not found (set VARKAT_SHARED)", corpus.display());
        return ExitCode::SUCCESS;
    };
    let work = tempfile::tempdir().expect("a temporary directory");
    let store = Store::open(&work.path().join("store")).expect("open the store");
    let inputs: Vec<InputFile> = ["variables.csv", "categories.csv"]
        .iter()
        .map(|name| {
            let path = corpus.join("opal").join(name);
            InputFile {
                path: path.display().to_string(),
                bytes: std::fs::read(&path).expect("read the Opal dictionary"),
            }
        })
        .collect();
    let batch =
        importers::read(&inputs, &ReadOptions::default()).expect("the Opal dictionary imports");
    store.import(batch.into_request(false, false, "relevance")).expect("the import commits");
    let index = SearchIndex::open(&work.path().join("index")).expect("open the index");
    index.catch_up(&store).expect("index the catalog");

    let gold: serde_json::Value = serde_json::from_str(&groups_text).expect("groups.json is JSON");
    println!("the catalog alone:");
    let mut failed = measure(&index, &gold);
    let codes = import_code_systems(&store, &shared);
    index.catch_up(&store).expect("index the code systems");
    println!("\nwith {codes} codes of code systems in the catalog too:");
    failed |= measure(&index, &gold);
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// Imports the real FHIR code systems in `../shared` and a generated classification of 12,000
/// codes; returns how many codes they hold.
fn import_code_systems(store: &Store, shared: &std::path::Path) -> usize {
    let mut inputs = Vec::new();
    for dir in ["data/real/codesystems/hl7norway-kodeverk", "data/real/codesystems/nictiz-zib2020"]
    {
        let Ok(entries) = std::fs::read_dir(shared.join(dir)) else { continue };
        for path in entries.filter_map(|entry| entry.ok().map(|entry| entry.path())) {
            if path.extension().is_some_and(|extension| extension == "json") {
                let bytes = std::fs::read(&path).expect("read a code system");
                inputs.push((InputFile { path: path.display().to_string(), bytes }, None));
            }
        }
    }
    const ORGANS: [&str; 8] =
        ["lunge", "hjerte", "lever", "nyre", "hud", "tarm", "hjerne", "skjelett"];
    let mut classification = String::from("code,label:nb,label:en,parent\n");
    for n in 0..12_000 {
        let organ = ORGANS[n % ORGANS.len()];
        classification
            .push_str(&format!("X{n:05},Sykdom {n} i {organ},Disease {n} of the {organ},\n"));
    }
    let generated = InputFile { path: "classification.csv".into(), bytes: classification.into() };
    inputs.push((generated, Some("generated-classification@2026".to_owned())));
    let mut codes = 0;
    for (input, code_system) in inputs {
        // Files varkat refuses (a ValueSet, a ConceptMap) are the real-data checks' business.
        let options = ReadOptions { code_system, ..ReadOptions::default() };
        let Ok(batch) = importers::read(&[input], &options) else { continue };
        codes +=
            batch.code_systems.iter().map(|(_, version)| version.concepts.len()).sum::<usize>();
        store.import(batch.into_request(false, false, "relevance")).expect("the import commits");
    }
    codes
}

/// Runs every labelled query in both languages; prints the figures and misses, and says whether
/// a floor was missed.
#[expect(clippy::print_stdout, reason = "a measurement prints its figures")]
fn measure(index: &SearchIndex, gold: &serde_json::Value) -> bool {
    let counted: Vec<&str> = gold["cluster_relations"]
        .as_array()
        .expect("cluster_relations")
        .iter()
        .filter_map(|r| r.as_str())
        .collect();
    let mut failed = false;
    for (language, label_field) in [("nb", "label_nb"), ("en", "label_en")] {
        let (mut recall_sum, mut ndcg_sum, mut n_queries) = (0.0, 0.0, 0);
        let mut misses = Vec::new();
        for group in gold["groups"].as_array().expect("groups") {
            let relevant: HashSet<String> = group["members"]
                .as_array()
                .expect("members")
                .iter()
                .filter(|member| counted.contains(&member["relation"].as_str().unwrap_or("")))
                .filter_map(|member| member["variable"].as_str().map(str::to_owned))
                .collect();
            let Some(query) = group["definition"][label_field].as_str() else { continue };
            if relevant.is_empty() {
                continue;
            }
            let top = top_ten(index, query);
            let found = top.iter().filter(|key| relevant.contains(*key)).count();
            let dcg: f64 = top
                .iter()
                .enumerate()
                .filter(|(_, key)| relevant.contains(*key))
                .map(|(rank, _)| 1.0 / (rank as f64 + 2.0).log2())
                .sum();
            let ideal: f64 =
                (0..relevant.len().min(10)).map(|rank| 1.0 / (rank as f64 + 2.0).log2()).sum();
            recall_sum += found as f64 / relevant.len() as f64;
            ndcg_sum += dcg / ideal;
            n_queries += 1;
            let mut missing: Vec<&String> =
                relevant.iter().filter(|key| !top.contains(*key)).collect();
            missing.sort();
            if !missing.is_empty() {
                misses.push(format!(
                    "  {query:?}: missed {}",
                    missing.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
                ));
            }
        }
        let recall = recall_sum / n_queries as f64;
        println!(
            "{language}: {n_queries} queries, recall@10 {recall:.3}, nDCG@10 {:.3}",
            ndcg_sum / n_queries as f64
        );
        for miss in &misses {
            println!("{miss}");
        }
        for (floor_language, floor) in RECALL_FLOORS {
            if language == floor_language && recall < floor {
                println!("FAILED: {language} recall@10 {recall:.3} is below the floor {floor}");
                failed = true;
            }
        }
    }
    failed
}

/// The ten best distinct variables for a query. The Opal dictionary names older versions
/// `NAME__vN`; they count as the variable itself.
fn top_ten(index: &SearchIndex, query: &str) -> Vec<String> {
    let request = SearchRequest { limit: 40, ..SearchRequest::new(query) };
    let result = index.search(&request).expect("the query runs");
    let mut keys: Vec<String> = Vec::new();
    for hit in result.hits {
        let key = match hit.key.rsplit_once("__v") {
            Some((base, version)) if version.chars().all(|c| c.is_ascii_digit()) => base.to_owned(),
            _ => hit.key,
        };
        if !keys.contains(&key) {
            keys.push(key);
        }
        if keys.len() == 10 {
            break;
        }
    }
    keys
}
