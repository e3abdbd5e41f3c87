//! Import throughput: variables or codes per second, MB/s and peak memory, for a generated Opal
//! dictionary of 100,000 variables, the same variables as the varkat JSON codebook that
//! `varkat export` writes, a generated FHIR CodeSystem in JSON of 182,020 concepts (as large as
//! LOINC's or ICD-10's), a generated CSV code list of 160,000 codes and then its next version
//! (compared code by code with the first), and the real NORIC klokebok (from `../shared`, or
//! `$VARKAT_SHARED`). Each import runs in a child process, so that its peak memory is its own.
//!
//! Run with `cargo run --release -p bench --bin import-bench`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use catalog::{RegistryId, Store, View};
use importers::{Encoding, ReadOptions};

const N_VARIABLES: usize = 100_000;
const N_CODES: usize = 160_000;

#[expect(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("--child") => return child(&args[2], &args[3..]),
        Some("--code-lists") => return code_lists_child(Path::new(&args[2]), Path::new(&args[3])),
        _ => {}
    }
    let work = tempfile::tempdir().expect("a temporary directory");
    let (variables, categories) = generate_opal(work.path(), N_VARIABLES);
    println!("import benchmark (release build recommended)\n");
    run_child(
        &format!("Opal dictionary, {N_VARIABLES} generated variables"),
        "",
        &[&variables, &categories],
    );
    let exported = export_codebook(work.path(), &[variables, categories]);
    run_child(
        &format!("varkat JSON codebook of the same {N_VARIABLES} variables, as exported"),
        "",
        &[&exported],
    );
    let code_system = generate_fhir_code_system(work.path());
    run_child(
        "FHIR CodeSystem (JSON), 182,020 generated concepts (20 chapters, 2,000 blocks, 180,000 codes)",
        "",
        &[&code_system],
    );

    let (first, second) = generate_code_lists(work.path(), N_CODES);
    run_code_lists_child(&first, &second);

    let shared = bench::shared_dir();
    let noric =
        shared.join("data/real/norwegian/rapporteket-noric/NORIC_klokeboken_18.03.2025.csv");
    match std::fs::read_to_string(&noric) {
        Ok(text) => {
            // The real file gives category code 3 of INITIALCARE_TRANSFERREDFROM two meanings, so
            // varkat refuses it; the benchmark drops that one row to measure the rest.
            let fixed: String = text
                .split_inclusive('\n')
                .filter(|line| !line.contains(";3;\"etc...\";"))
                .collect();
            let path = work.path().join("noric.csv");
            std::fs::write(&path, fixed).expect("write the NORIC copy");
            run_child("NORIC klokebok 2025 (871 variables, 2,514 rows)", "noric", &[&path]);
        }
        Err(_) => println!("skipped NORIC: {} not found (set VARKAT_SHARED)", noric.display()),
    }
}

/// Runs one import in a child process and prints its figures.
#[expect(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn run_child(title: &str, registry: &str, files: &[&Path]) {
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let output = Command::new(exe)
        .arg("--child")
        .arg(registry)
        .args(files)
        .stderr(std::process::Stdio::inherit())
        .output()
        .expect("run the child");
    println!("{title}\n{}", String::from_utf8_lossy(&output.stdout));
    if !output.status.success() {
        println!("failed: {}", String::from_utf8_lossy(&output.stderr));
    }
}

/// The child: one import into a fresh store, the files read as `varkat import` reads them,
/// then the figures.
#[expect(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn child(registry: &str, files: &[String]) {
    let data = tempfile::tempdir().expect("a temporary directory");
    let store = Store::open(data.path()).expect("open the store");
    let paths: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
    let bytes: u64 =
        paths.iter().map(|path| std::fs::metadata(path).expect("the input exists").len()).sum();
    let start = Instant::now();
    let options = ReadOptions {
        format: None,
        registry: (!registry.is_empty()).then(|| RegistryId::new(registry).expect("a slug")),
        encoding: Encoding::Auto,
        language: importers::Language::Norwegian,
        code_system: None,
    };
    let batch = importers::read_paths(&paths, &options).expect("the input imports");
    let parsed = start.elapsed();
    let read_peak_mib = bench::peak_rss_kib() / 1024;
    let n = batch.variables.len();
    let codes: usize = batch.code_systems.iter().map(|(_, version)| version.concepts.len()).sum();
    let (items, what) = if n > 0 { (n, "variables") } else { (codes, "codes") };
    let outcome =
        store.import(batch.into_request(false, false, "bench")).expect("the import commits");
    let total = start.elapsed();
    assert_eq!(outcome.plan.new.len(), n);
    println!(
        "  {items} {what}, {:.1} MB: read {:.2} s, total {:.2} s (read, plan, write, fsync)\n  {:.0} {what}/s, {:.1} MB/s, peak memory {read_peak_mib} MiB when read, {} MiB in all\n",
        bytes as f64 / 1e6,
        parsed.as_secs_f64(),
        total.as_secs_f64(),
        items as f64 / total.as_secs_f64(),
        bytes as f64 / 1e6 / total.as_secs_f64(),
        bench::peak_rss_kib() / 1024
    );
}

/// Imports two versions of a CSV code list in a child process and prints their figures.
#[expect(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn run_code_lists_child(first: &Path, second: &Path) {
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let output = Command::new(exe)
        .arg("--code-lists")
        .args([first, second])
        .stderr(std::process::Stdio::inherit())
        .output()
        .expect("run the child");
    println!(
        "CSV code list, {N_CODES} generated codes, then its next version\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
    if !output.status.success() {
        println!("failed: {}", String::from_utf8_lossy(&output.stderr));
    }
}

/// The child for code lists: the first version into a fresh store, then the second, which is
/// compared code by code with the first; each timed from reading to the written change.
#[expect(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn code_lists_child(first: &Path, second: &Path) {
    let data = tempfile::tempdir().expect("a temporary directory");
    let store = Store::open(data.path()).expect("open the store");
    for (path, version) in [(first, "1"), (second, "2")] {
        let start = Instant::now();
        let options = ReadOptions {
            code_system: Some(format!("generated@{version}")),
            ..ReadOptions::default()
        };
        let batch =
            importers::read_paths(&[path.to_path_buf()], &options).expect("the list imports");
        let codes: usize = batch.code_systems.iter().map(|(_, v)| v.concepts.len()).sum();
        let outcome =
            store.import(batch.into_request(false, false, "bench")).expect("the import commits");
        let diff = outcome.plan.code_systems.iter().map(|planned| &planned.diff).next();
        let changes = diff.map_or_else(String::new, |diff| {
            format!(
                ": {} added, {} removed, {} relabelled, {} moved",
                diff.added.len(),
                diff.removed.len(),
                diff.relabelled.len(),
                diff.moved.len()
            )
        });
        println!(
            "  version {version}, {codes} codes: {:.2} s{changes}",
            start.elapsed().as_secs_f64()
        );
    }
    println!("  peak memory {} MiB\n", bench::peak_rss_kib() / 1024);
}

/// Writes two versions of a code list of `n` codes under 1,600 parents: the second drops every
/// seventh leaf, relabels every fifth code and moves every eleventh to the top.
fn generate_code_lists(dir: &Path, n: usize) -> (PathBuf, PathBuf) {
    let parent = |i: usize| if i < 100 { String::new() } else { format!("K{:06}", i / 100) };
    let mut first = String::from("code,label_nb,label_en,parent\n");
    let mut second = first.clone();
    for i in 0..n {
        first.push_str(&format!("K{i:06},Kode {i},Code {i},{}\n", parent(i)));
        if i % 7 == 0 && i >= 2_000 {
            continue;
        }
        let relabelled = if i % 5 == 0 { " (endret)" } else { "" };
        let moved = if i % 11 == 0 { String::new() } else { parent(i) };
        second.push_str(&format!("K{i:06},Kode {i}{relabelled},Code {i},{moved}\n"));
    }
    let (a, b) = (dir.join("codes-1.csv"), dir.join("codes-2.csv"));
    std::fs::write(&a, first).expect("write the first list");
    std::fs::write(&b, second).expect("write the second list");
    (a, b)
}

/// Writes an Opal dictionary with varied Norwegian and English labels over ten registries.
fn generate_opal(dir: &Path, n: usize) -> (PathBuf, PathBuf) {
    const TOPICS: &[(&str, &str)] = &[
        ("Røykestatus", "Smoking status"),
        ("Fødselsvekt", "Birth weight"),
        ("Høyeste fullførte utdanning", "Highest completed education"),
        ("Systolisk blodtrykk", "Systolic blood pressure"),
        ("ASA-klassifikasjon", "ASA physical status"),
        ("Kroppsmasseindeks", "Body mass index"),
        ("Diabetes", "Diabetes"),
        ("Sivilstand", "Marital status"),
        ("Alkoholbruk siste år", "Alcohol use last year"),
        ("Fysisk aktivitet", "Physical activity"),
    ];
    const OPTIONS: &[&str] =
        &["Nei", "Ja, av og til", "Ja, daglig", "Tidligere", "Aldri", "Ukjent"];
    let mut variables =
        String::from("table,name,valueType,unit,label:nb,label:en,description:nb\n");
    let mut categories = String::from("table,variable,name,missing,label:nb\n");
    for i in 0..n {
        let (nb, en) = TOPICS[i % TOPICS.len()];
        let registry = format!("reg{:02}", i % 10);
        let name = format!("VAR_{i:06}");
        variables.push_str(&format!("{registry},{name},integer,,{nb} ({i}),{en} ({i}),\"Registreres ved {} kontroll, skjema {}.\"\n", ["første", "andre", "siste"][i % 3], i % 97));
        for (code, option) in OPTIONS.iter().enumerate().take(2 + i % 5) {
            categories.push_str(&format!(
                "{registry},{name},{},{},{option}\n",
                code + 1,
                *option == "Ukjent"
            ));
        }
    }
    let (v, c) = (dir.join("variables.csv"), dir.join("categories.csv"));
    std::fs::write(&v, variables).expect("write variables");
    std::fs::write(&c, categories).expect("write categories");
    (v, c)
}

/// Imports `files` into a store of its own and writes its registries' codebook as
/// `varkat export` does.
fn export_codebook(dir: &Path, files: &[PathBuf]) -> PathBuf {
    let store = Store::open(&dir.join("export-store")).expect("open the store");
    let batch = importers::read_paths(files, &ReadOptions::default()).expect("the input imports");
    store.import(batch.into_request(false, false, "bench")).expect("the import commits");
    let registries = store.registries().expect("the registries");
    let mut versions = Vec::new();
    for registry in &registries {
        versions.extend(store.variables(&registry.id, View::Published).expect("the variables"));
    }
    let path = dir.join("codebook.json");
    let file = std::fs::File::create(&path).expect("create the codebook");
    importers::varkat_json::write_codebook(&registries, &versions, std::io::BufWriter::new(file))
        .expect("write the codebook");
    path
}

/// Writes a FHIR CodeSystem in JSON shaped like a classification: 20 chapters of 100 blocks of
/// 90 codes, each code with an English designation and two properties varkat does not keep.
fn generate_fhir_code_system(dir: &Path) -> PathBuf {
    let chapters: Vec<serde_json::Value> = (0..20)
        .map(|chapter| {
            let blocks: Vec<serde_json::Value> = (0..100)
                .map(|block| {
                    let codes: Vec<serde_json::Value> = (0..90)
                        .map(|code| {
                            let n = (chapter * 100 + block) * 90 + code;
                            serde_json::json!({
                                "code": format!("X{chapter:02}{block:03}{code:02}"),
                                "display": format!("Røykestatus ved kontroll {n}, målt daglig"),
                                "designation": [{"language": "en", "value": format!("Smoking status at visit {n}, measured daily")}],
                                "property": [{"code": "status", "valueCode": "active"}, {"code": "class", "valueString": "CLIN"}],
                            })
                        })
                        .collect();
                    serde_json::json!({"code": format!("C{chapter:02}.{block:03}"), "display": format!("Blokk {chapter}.{block}"), "concept": codes})
                })
                .collect();
            serde_json::json!({"code": format!("C{chapter:02}"), "display": format!("Kapittel {chapter}"), "concept": blocks})
        })
        .collect();
    let code_system = serde_json::json!({
        "resourceType": "CodeSystem",
        "url": "http://example.org/fhir/CodeSystem/generated",
        "version": "2026",
        "name": "Generated",
        "status": "active",
        "content": "complete",
        "concept": chapters,
    });
    let path = dir.join("codesystem.json");
    std::fs::write(&path, serde_json::to_vec(&code_system).expect("JSON"))
        .expect("write the code system");
    path
}
