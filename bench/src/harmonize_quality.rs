//! Harmonization quality on the labelled corpus in `../shared/data/harmonization-dev`: imports
//! its seventeen DDI-Codebook files, proposes groups around `definitions.json`, writes them in the
//! form `score.py` reads, runs the corpus's own scorer, prints its figures, and fails when
//! pairwise F1 or value-mapping accuracy falls below the floors reached.
//!
//! Run with `cargo run -p bench --bin harmonize-quality`; `.ci/run` runs it when `../shared` is
//! there. Needs `python3` for the scorer.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use catalog::Store;
use importers::{InputFile, ReadOptions};

/// Pairwise F1 this build reaches on the dev corpus, rounded down.
const PAIRWISE_F1_FLOOR: f64 = 0.85;
/// Value-mapping accuracy this build reaches on the dev corpus, rounded down.
const VALUE_MAPPING_FLOOR: f64 = 0.90;
/// The same two figures, rounded down, with no shared definitions at all: every group and its
/// value set is varkat's own proposal, and a mapping counts only where the proposed value's
/// label is the gold value's, which a value set made from registries' own wordings seldom is.
const NEW_GROUPS_F1_FLOOR: f64 = 0.66;
const NEW_GROUPS_MAPPING_FLOOR: f64 = 0.20;

#[expect(clippy::print_stdout, reason = "a measurement prints its figures")]
fn main() -> ExitCode {
    let shared = bench::shared_dir();
    let corpus = shared.join("data/harmonization-dev");
    let Ok(definitions_text) = std::fs::read_to_string(corpus.join("definitions.json")) else {
        println!("skipped: {} not found (set VARKAT_SHARED)", corpus.display());
        return ExitCode::SUCCESS;
    };
    let work = tempfile::tempdir().expect("a temporary directory");
    let store = Store::open(&work.path().join("store")).expect("open the store");
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus.join("ddi"))
        .expect("the DDI folder")
        .map(|e| e.expect("an entry").path())
        .collect();
    files.sort();
    for path in &files {
        let input = InputFile {
            path: path.display().to_string(),
            bytes: std::fs::read(path).expect("read a DDI file"),
        };
        let batch =
            importers::read(&[input], &ReadOptions::default()).expect("the DDI file imports");
        store.import(batch.into_request(false, false, "quality")).expect("the import commits");
    }
    let definitions = importers::shared_definitions::read(&definitions_text, "definitions.json")
        .expect("definitions.json reads");
    let variables = bench::live_variables(&store);
    let mut ok = true;
    for (name, definitions, floors) in [
        ("onto definitions.json", &definitions[..], (PAIRWISE_F1_FLOOR, VALUE_MAPPING_FLOOR)),
        ("with no shared definitions", &[][..], (NEW_GROUPS_F1_FLOOR, NEW_GROUPS_MAPPING_FLOOR)),
    ] {
        println!("\n## {name}\n");
        let Some((f1, mapping)) = measure(&corpus, work.path(), &variables, definitions) else {
            println!("FAILED: could not run score.py with python3");
            return ExitCode::FAILURE;
        };
        if f1 < floors.0 {
            println!("FAILED: pairwise F1 {f1:.3} is below the floor {}", floors.0);
            ok = false;
        }
        if mapping < floors.1 {
            println!("FAILED: value-mapping accuracy {mapping:.3} is below the floor {}", floors.1);
            ok = false;
        }
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Proposes, scores the proposal with the corpus's scorer, prints its report and returns
/// pairwise F1 and value-mapping accuracy; `None` when the scorer cannot run.
#[expect(clippy::print_stdout, reason = "a measurement prints its figures")]
fn measure(
    corpus: &Path,
    work: &Path,
    variables: &[catalog::VariableVersion],
    definitions: &[catalog::SharedDefinition],
) -> Option<(f64, f64)> {
    let started = Instant::now();
    let proposal = harmonize::propose(variables, definitions, &[], &harmonize::Options::default());
    let elapsed = started.elapsed();
    let prediction = work.join("prediction.json");
    harmonize::write_score_export(
        &proposal,
        &mut std::fs::File::create(&prediction).expect("create the prediction"),
    )
    .expect("write the prediction");
    let proposed = proposal.groups.iter().filter(|group| group.proposed.is_some()).count();
    println!(
        "{} variables, {} definitions: {} groups ({proposed} with a proposed definition) in {:.2} s",
        variables.len(),
        definitions.len(),
        proposal.groups.len(),
        elapsed.as_secs_f64()
    );
    let output = Command::new("python3")
        .arg(corpus.join("score.py"))
        .arg(&prediction)
        .arg(corpus.join("groups.json"))
        .output()
        .ok()
        .filter(|output| output.status.success())?;
    let report = String::from_utf8_lossy(&output.stdout);
    print!("{report}");
    let summary: serde_json::Value = report
        .lines()
        .last()
        .and_then(|line| serde_json::from_str(line).ok())
        .expect("score.py ends with a JSON summary");
    Some((
        summary["pairwise_f1"].as_f64().unwrap_or(0.0),
        summary["value_mapping_accuracy"].as_f64().unwrap_or(0.0),
    ))
}
