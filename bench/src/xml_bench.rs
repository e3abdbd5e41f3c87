//! XML import throughput against its ceiling: for each XML importer (DDI-Codebook, dbGaP, FHIR
//! CodeSystem, ClaML) a large generated file is read by the importer loaded whole (as uploads
//! are), read as it goes from the file (as `varkat import` reads it), and the same bytes by a
//! bare quick-xml pass that only pulls events (what no importer can beat), and by one that also
//! reads every attribute and text with entities resolved (what every importer must do at
//! least, keeping nothing). Each run is a child process, so that its peak memory is its own.
//! Prints MB/s and peak memory of both imports, the speed of both bare passes, and the loaded
//! import's share of the ceiling, each the fastest of three runs.
//!
//! Run with `cargo run --release -p bench --bin xml-bench [MEGABYTES]` (default 50 per file).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use importers::{InputFile, ReadOptions};

#[expect(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, mode, path] = args.as_slice()
        && ["--import", "--stream", "--bare", "--bare-read"].contains(&mode.as_str())
    {
        child(mode, Path::new(path));
        return;
    }
    let megabytes: usize = args.get(1).and_then(|mb| mb.parse().ok()).unwrap_or(50);
    let work = tempfile::tempdir().expect("a temporary directory");
    println!("XML import against a bare quick-xml pass, ~{megabytes} MB per file\n");
    println!(
        "{:<14} {:>6} {:>8} {:>12} {:>9} {:>12} {:>9} {:>10} {:>10} {:>8}",
        "format",
        "MB",
        "items",
        "loaded MB/s",
        "peak MiB",
        "stream MB/s",
        "peak MiB",
        "bare MB/s",
        "read MB/s",
        "of bare"
    );
    for (format, generate) in GENERATORS {
        let path = work.path().join(format!("{format}.xml"));
        std::fs::write(&path, generate(megabytes * 1_000_000)).expect("write the generated file");
        let import = fastest_of("--import", &path);
        let stream = fastest_of("--stream", &path);
        let bare = fastest_of("--bare", &path);
        let bare_read = fastest_of("--bare-read", &path);
        assert_eq!(import.items, stream.items, "{format}: read as it goes, the same items");
        println!(
            "{:<14} {:>6.1} {:>8} {:>12.1} {:>9} {:>12.1} {:>9} {:>10.1} {:>10.1} {:>7.0}%",
            format,
            import.megabytes,
            import.items,
            import.megabytes / import.seconds,
            import.peak_mib,
            stream.megabytes / stream.seconds,
            stream.peak_mib,
            bare.megabytes / bare.seconds,
            bare_read.megabytes / bare_read.seconds,
            100.0 * bare.seconds / import.seconds,
        );
    }
}

/// The figures a child prints: bytes read, items found, seconds, and peak memory.
struct Figures {
    megabytes: f64,
    items: usize,
    seconds: f64,
    peak_mib: u64,
}

/// Each figure is the fastest of this many runs: on a shared machine a single run varies by a
/// third, and the fastest is the one least disturbed.
const RUNS: usize = 3;

fn fastest_of(mode: &str, path: &Path) -> Figures {
    (0..RUNS)
        .map(|_| run_child(mode, path))
        .min_by(|a, b| a.seconds.total_cmp(&b.seconds))
        .expect("at least one run")
}

fn run_child(mode: &str, path: &Path) -> Figures {
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let output = Command::new(exe).arg(mode).arg(path).output().expect("run the child");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    let fields: Vec<&str> = text.split_whitespace().collect();
    let field = |i: usize| fields.get(i).copied().unwrap_or("0");
    Figures {
        megabytes: field(0).parse().unwrap_or(0.0),
        items: field(1).parse().unwrap_or(0),
        seconds: field(2).parse().unwrap_or(f64::NAN),
        peak_mib: field(3).parse().unwrap_or(0),
    }
}

/// One measurement in this process: the importer (variables and codes found) or the bare pass
/// (events pulled), both from the file's bytes to the end of the document. The clock stops when
/// the importer hands over its batch, before the batch is dropped: `varkat import` hands it on
/// to the store.
#[expect(clippy::print_stdout, reason = "the child hands its figures to the parent")]
fn child(mode: &str, path: &Path) {
    let count = |batch: importers::ImportBatch| {
        batch.variables.len()
            + batch.code_systems.iter().map(|(_, version)| version.concepts.len()).sum::<usize>()
    };
    if mode == "--stream" {
        // The file is read as `varkat import` reads it: as it goes, never whole in memory.
        let megabytes = std::fs::metadata(path).expect("the generated file").len() as f64 / 1e6;
        let start = Instant::now();
        let batch = importers::read_paths(&[path.to_path_buf()], &ReadOptions::default())
            .expect("the file imports");
        let seconds = start.elapsed().as_secs_f64();
        let items = count(batch);
        println!("{megabytes} {items} {seconds} {}", bench::peak_rss_kib() / 1024);
        return;
    }
    let bytes = std::fs::read(path).expect("read the generated file");
    let megabytes = bytes.len() as f64 / 1e6;
    let start = Instant::now();
    let (items, seconds) = if mode == "--import" {
        let input = InputFile { path: path.display().to_string(), bytes };
        let batch = importers::read(&[input], &ReadOptions::default()).expect("the file imports");
        let seconds = start.elapsed().as_secs_f64();
        (count(batch), seconds)
    } else if mode == "--bare-read" {
        (bare_read(&bytes), start.elapsed().as_secs_f64())
    } else {
        (bare_pass(&bytes), start.elapsed().as_secs_f64())
    };
    println!("{megabytes} {items} {seconds} {}", bench::peak_rss_kib() / 1024);
}

/// Pulls every event from the document and looks at nothing: the most any importer can do is
/// this plus its own work.
fn bare_pass(bytes: &[u8]) -> usize {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let mut reader = quick_xml::Reader::from_str(text);
    let mut events = 0;
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Eof => return events,
            _ => events += 1,
        }
    }
}

/// Pulls every event and reads what an importer must: each attribute's value and each text,
/// entities resolved; keeps nothing.
fn bare_read(bytes: &[u8]) -> usize {
    use quick_xml::events::Event;
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let mut reader = quick_xml::Reader::from_str(text);
    let mut read = 0;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) | Event::Empty(start) => {
                for attribute in start.attributes() {
                    let attribute = attribute.expect("well-formed attributes");
                    let value = attribute
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .expect("known entities");
                    read += attribute.key.local_name().as_ref().len() + value.len();
                }
                read += start.local_name().as_ref().len();
            }
            Event::End(end) => read += end.local_name().as_ref().len(),
            Event::Text(text) => read += text.xml10_content().len(),
            Event::Eof => return read,
            _ => {}
        }
    }
}

type Generator = fn(usize) -> String;

const GENERATORS: [(&str, Generator); 4] =
    [("ddi-codebook", ddi), ("dbgap", dbgap), ("fhir", fhir), ("claml", claml)];

const TOPICS: &[(&str, &str)] = &[
    ("Røykestatus", "Smoking status"),
    ("Fødselsvekt", "Birth weight"),
    ("Høyeste fullførte utdanning", "Highest completed education"),
    ("Systolisk blodtrykk", "Systolic blood pressure"),
    ("Alkoholbruk siste år", "Alcohol use last year"),
];
const OPTIONS: &[&str] = &["Nei", "Ja, av og til", "Ja, daglig", "Tidligere", "Aldri"];

/// A DDI-Codebook 2.5 study with variables of two languages, questions and categories.
fn ddi(size: usize) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<codeBook xmlns=\"ddi:codebook:2_5\" version=\"2.5\" xml:lang=\"nb\">\n<stdyDscr><citation><titlStmt><titl>Generert studie</titl><IDNo agency=\"varkat\">gen</IDNo></titlStmt></citation></stdyDscr>\n<dataDscr>\n",
    );
    for i in 0.. {
        if xml.len() >= size {
            break;
        }
        let (nb, en) = TOPICS[i % TOPICS.len()];
        let _ = write!(
            xml,
            "<var ID=\"V{i}\" name=\"VAR_{i:07}\" intrvl=\"discrete\"><labl>{nb} ({i})</labl><labl xml:lang=\"en\">{en} ({i})</labl><qstn><qstnLit>Spørsmål om {nb} &amp; helse, skjema {}</qstnLit></qstn>",
            i % 97
        );
        for (code, option) in OPTIONS.iter().enumerate().take(2 + i % 4) {
            let _ = write!(
                xml,
                "<catgry><catValu>{}</catValu><labl>{option}</labl></catgry>",
                code + 1
            );
        }
        xml.push_str("<catgry missing=\"Y\"><catValu>9</catValu><labl>Ubesvart</labl></catgry><varFormat type=\"numeric\" schema=\"other\"/></var>\n");
    }
    xml.push_str("</dataDscr>\n</codeBook>\n");
    xml
}

/// A dbGaP data dictionary with coded and numeric variables.
fn dbgap(size: usize) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\"?>\n<data_table id=\"pht000001.v1\" study_id=\"phs000001.v1\" participant_set=\"1\"><description>Generated.</description>\n",
    );
    for i in 0.. {
        if xml.len() >= size {
            break;
        }
        let (_, en) = TOPICS[i % TOPICS.len()];
        if i % 2 == 0 {
            let _ = writeln!(
                xml,
                "<variable id=\"phv{i:08}.v1\"><name>VAR_{i:07}</name><description>{en} ({i})</description><type>encoded value</type><value code=\"0\">No</value><value code=\"1\">Yes</value><value code=\"-9\">Unknown</value></variable>"
            );
        } else {
            let _ = writeln!(
                xml,
                "<variable id=\"phv{i:08}.v1\"><name>VAR_{i:07}</name><description>{en} ({i})</description><type>decimal</type><unit>cm</unit><logical_min>0</logical_min><logical_max>250</logical_max></variable>"
            );
        }
    }
    xml.push_str("</data_table>\n");
    xml
}

/// A FHIR CodeSystem with a two-level hierarchy and English designations.
fn fhir(size: usize) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CodeSystem xmlns=\"http://hl7.org/fhir\"><id value=\"generated\"/><url value=\"http://example.org/fhir/CodeSystem/generated\"/><version value=\"1\"/><title value=\"Generert\"/><language value=\"nb\"/><content value=\"complete\"/>\n",
    );
    for i in 0.. {
        if xml.len() >= size {
            break;
        }
        let (nb, en) = TOPICS[i % TOPICS.len()];
        let _ = writeln!(
            xml,
            "<concept><code value=\"C{i}\"/><display value=\"{nb} {i}\"/><designation><language value=\"en\"/><value value=\"{en} {i}\"/></designation><concept><code value=\"C{i}.1\"/><display value=\"{nb} {i}, underkode\"/></concept></concept>"
        );
    }
    xml.push_str("</CodeSystem>\n");
    xml
}

/// A ClaML classification with blocks, categories and a subdividing modifier.
fn claml(size: usize) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE ClaML SYSTEM \"ClaML.dtd\">\n<ClaML version=\"2.0.0\"><Title name=\"GEN-10\" version=\"2026\">Generated classification</Title>\n<ModifierClass modifier=\"M\" code=\"0\"><Rubric kind=\"preferred\"><Label xml:lang=\"en\">closed</Label></Rubric></ModifierClass><ModifierClass modifier=\"M\" code=\"1\"><Rubric kind=\"preferred\"><Label xml:lang=\"en\">open</Label></Rubric></ModifierClass>\n",
    );
    for i in 0.. {
        if xml.len() >= size {
            break;
        }
        let (_, en) = TOPICS[i % TOPICS.len()];
        let modifier = if i % 10 == 0 { "<ModifiedBy code=\"M\"/>" } else { "" };
        let _ = writeln!(
            xml,
            "<Class code=\"G{i:06}\" kind=\"category\"><SuperClass code=\"G{:06}\"/>{modifier}<Rubric kind=\"preferred\"><Label xml:lang=\"en\">{en}, kind {i}</Label></Rubric><Rubric kind=\"inclusion\"><Label xml:lang=\"en\">also {en}</Label></Rubric></Class>",
            i / 10
        );
    }
    xml.push_str("</ClaML>\n");
    xml
}
