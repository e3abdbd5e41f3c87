//! Search speed on a generated catalog of 1,000,000 variables: index build time and size, and
//! latency percentiles for a fixed mix of 1,000 queries, without and with facets, beside SQLite
//! FTS5 (bundled) on the same documents and queries in the same run, so that the ratio holds on
//! a noisy machine.
//!
//! Run with `cargo run --release -p bench --bin search-bench [N_VARIABLES] [--varkat-only]`;
//! `--varkat-only` skips FTS5, for profiling.

use std::time::{Duration, Instant};

use catalog::{
    Category, ChangeSeq, DataType, ImportId, LocalizedText, Period, Provenance, RegistryId,
    RegistryKind, Status, ValueDomain, VariableDefinition, VariableKey, VariableVersion, VersionNo,
};
use chrono::NaiveDate;
use indexer::{SearchIndex, SearchRequest};

/// What registries ask about, as (Norwegian, English, answer options). A catalog of a million
/// variables spans many concepts; a word such as "røyk" belongs to a few of them.
const TOPICS: &[(&str, &str, &[&str])] = &[
    (
        "Røykestatus",
        "Smoking status",
        &["Aldri røykt", "Tidligere røyker", "Nåværende røyker", "Ukjent"],
    ),
    ("Røyker du daglig", "Do you smoke daily", &["Ja", "Nei", "Av og til"]),
    ("Bruker du snus", "Do you use snus", &["Nei, aldri", "Ja, av og til", "Ja, daglig"]),
    (
        "Høyeste fullførte utdanning",
        "Highest completed education",
        &["Grunnskole", "Videregående", "Høyskole/universitet"],
    ),
    ("Kroppsvekt", "Body weight", &[]),
    ("Kroppshøyde", "Body height", &[]),
    ("Kroppsmasseindeks", "Body mass index", &[]),
    ("Systolisk blodtrykk", "Systolic blood pressure", &[]),
    ("Diastolisk blodtrykk", "Diastolic blood pressure", &[]),
    ("ASA-klasse", "ASA physical status", &["ASA 1", "ASA 2", "ASA 3", "ASA 4", "ASA 5"]),
    ("Sivilstand", "Marital status", &["Gift", "Ugift", "Skilt", "Enke/enkemann"]),
    (
        "Hyppighet av alkoholinntak",
        "Frequency of drinking alcohol",
        &["Aldri", "Månedlig", "Ukentlig", "Daglig"],
    ),
    ("Kjent diabetes", "Known diabetes", &["Nei", "Type 1", "Type 2"]),
    ("Fødselsvekt", "Birth weight", &[]),
    ("Dato for innleggelse", "Date of admission", &[]),
    ("Utskrevet til", "Discharge destination", &["Hjem", "Sykehjem", "Annet sykehus", "Død"]),
    ("Tidligere hjerteinfarkt", "Previous myocardial infarction", &["Nei", "Ja", "Ukjent"]),
    ("Fysisk aktivitet", "Physical activity", &["Ingen", "Lett", "Moderat", "Hard"]),
    (
        "Egenvurdert helse",
        "Self-rated health",
        &["Svært god", "God", "Verken god eller dårlig", "Dårlig"],
    ),
    ("Operasjonstid", "Duration of operation", &[]),
    ("Hemoglobin", "Haemoglobin", &[]),
    ("Kreatinin", "Creatinine", &[]),
    ("Totalkolesterol", "Total cholesterol", &[]),
    ("HbA1c", "HbA1c", &[]),
    ("Hjertefrekvens", "Heart rate", &[]),
    ("Livvidde", "Waist circumference", &[]),
    ("Søvnvansker", "Sleep problems", &["Aldri", "Av og til", "Ofte", "Alltid"]),
    ("Smerteintensitet", "Pain intensity", &["0", "1-3", "4-6", "7-10"]),
    ("Angstsymptomer", "Anxiety symptoms", &["Ingen", "Milde", "Moderate", "Alvorlige"]),
    ("Depresjonssymptomer", "Depressive symptoms", &["Ingen", "Milde", "Moderate", "Alvorlige"]),
    ("Tannhelse", "Dental health", &["God", "Middels", "Dårlig"]),
    ("Synsfunksjon", "Vision", &["Normal", "Nedsatt", "Blind"]),
    ("Hørselsfunksjon", "Hearing", &["Normal", "Nedsatt", "Døv"]),
    ("Hoftebrudd", "Hip fracture", &["Nei", "Ja"]),
    ("Hjerneslag", "Stroke", &["Nei", "Hjerneinfarkt", "Hjerneblødning"]),
    ("Reoperasjon innen 30 dager", "Reoperation within 30 days", &["Nei", "Ja"]),
    ("Sårinfeksjon", "Wound infection", &["Nei", "Overfladisk", "Dyp"]),
    ("Antibiotikabehandling", "Antibiotic treatment", &["Nei", "Profylaktisk", "Terapeutisk"]),
    ("Blodtransfusjon", "Blood transfusion", &["Nei", "Ja"]),
    ("Liggetid", "Length of stay", &[]),
    (
        "Arbeidsstatus",
        "Employment status",
        &["I arbeid", "Arbeidsledig", "Ufør", "Pensjonist", "Student"],
    ),
    (
        "Husholdningens inntekt",
        "Household income",
        &["Under 300 000", "300 000-600 000", "Over 600 000"],
    ),
    (
        "Bosituasjon",
        "Living situation",
        &["Bor alene", "Bor med partner", "Bor med andre", "Institusjon"],
    ),
    ("Fødeland", "Country of birth", &["Norge", "Annet nordisk land", "Europa", "Utenfor Europa"]),
    ("Paritet", "Parity", &["0", "1", "2", "3 eller flere"]),
    ("Svangerskapslengde", "Gestational age", &[]),
    ("Apgar-skår etter 5 minutter", "Apgar score at 5 minutes", &[]),
    ("Keisersnitt", "Caesarean section", &["Nei", "Planlagt", "Akutt"]),
    ("Amming", "Breastfeeding", &["Nei", "Delvis", "Fullt"]),
    ("Vaksinasjonsstatus", "Vaccination status", &["Fullvaksinert", "Delvis", "Uvaksinert"]),
    ("Kreftdiagnose", "Cancer diagnosis", &[]),
    ("Tumorstørrelse", "Tumour size", &[]),
    ("Metastaser", "Metastases", &["Nei", "Regionale", "Fjern"]),
    ("Cellegiftbehandling", "Chemotherapy", &["Nei", "Adjuvant", "Palliativ"]),
    ("Strålebehandling", "Radiotherapy", &["Nei", "Ja"]),
    ("Hastegrad", "Urgency", &["Elektiv", "Øyeblikkelig hjelp"]),
    ("Dødsårsak", "Cause of death", &[]),
    (
        "Funksjonsnivå",
        "Functional status",
        &["Selvhjulpen", "Trenger noe hjelp", "Trenger mye hjelp"],
    ),
    ("Kognitiv svikt", "Cognitive impairment", &["Ingen", "Mild", "Moderat", "Alvorlig"]),
    ("Fallulykker siste år", "Falls in the last year", &["Ingen", "Én", "Flere"]),
];
/// When or how a registry asks, which varies the wording of every topic.
const QUALIFIERS: &[&str] = &[
    "ved innkomst",
    "ved utskrivning",
    "etter tre måneder",
    "ved kontroll",
    "siste år",
    "før operasjon",
    "ved diagnose",
    "i svangerskapet",
    "etter ett år",
    "ved oppfølging",
    "selvrapportert",
    "målt av sykepleier",
    "fra journal",
    "ved henvisning",
    "etter behandling",
    "ved første konsultasjon",
];
const KINDS: [RegistryKind; 3] =
    [RegistryKind::Central, RegistryKind::Quality, RegistryKind::Survey];

/// A small deterministic generator, so that every run indexes the same catalog; a crate's
/// generator may change its sequence between versions.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn variable(i: usize, sequence: &mut Sequence) -> (VariableVersion, RegistryKind, bool) {
    let (nb, en, options) = TOPICS[sequence.below(TOPICS.len())];
    let qualifier = QUALIFIERS[sequence.below(QUALIFIERS.len())];
    let registry = i % 60;
    let from = 1970 + sequence.below(50) as i32;
    let to = (sequence.below(4) == 0).then(|| from + 1 + sequence.below(20) as i32);
    let categories = options
        .iter()
        .enumerate()
        .map(|(order, option)| Category {
            code: (order + 1).to_string(),
            label: LocalizedText::nb(option),
            missing: false,
            order: order as u32,
            period: Period::default(),
        })
        .collect();
    let definition = VariableDefinition {
        label: LocalizedText { nb: Some(format!("{nb} {qualifier}")), en: Some(en.to_owned()) },
        description: LocalizedText::nb(&format!(
            "Registreres av behandlende lege {qualifier}. Skjema {}.",
            i % 97
        )),
        value_domain: ValueDomain { categories, ..ValueDomain::default() },
        period: Period {
            from: NaiveDate::from_ymd_opt(from, 1, 1),
            to: to.and_then(|year| NaiveDate::from_ymd_opt(year, 12, 31)),
        },
        ..VariableDefinition::of_type(if options.is_empty() {
            DataType::Decimal
        } else {
            DataType::Categorical
        })
    };
    let key = VariableKey::new(
        RegistryId::new(&format!("reg{registry:02}")).expect("a slug"),
        &format!("VAR_{i:07}"),
    )
    .expect("a name");
    let version = VariableVersion {
        key,
        version: VersionNo::FIRST,
        status: Status::Published,
        published_at: None,
        definition,
        provenance: Provenance {
            source_file: "generated".into(),
            format: "bench".into(),
            import: ImportId(1),
            recorded_by: "bench".into(),
            recorded_at: chrono::Utc::now(),
        },
    };
    (version, KINDS[registry % 3], true)
}

/// The fixed query mix: single words, two words, phrases and prefixes, some filtered.
fn queries() -> Vec<SearchRequest> {
    let singles = [
        "røyk",
        "smoking",
        "utdanning",
        "vekt",
        "blodtrykk",
        "diabetes",
        "snus",
        "alkohol",
        "height",
        "sivilstand",
        "søvn",
        "kreatinin",
        "infeksjon",
        "amming",
    ];
    let doubles = [
        "røyker daglig",
        "body weight",
        "fysisk aktivitet",
        "tidligere hjerteinfarkt",
        "utskrevet hjem",
        "smoking status",
        "cellegift palliativ",
        "hoftebrudd fall",
    ];
    let phrases =
        ["\"ved innkomst\"", "\"body mass index\"", "\"siste år\"", "\"etter behandling\""];
    let prefixes = ["røyk*", "kropp*", "diab*", "kreft*"];
    let mut sequence = Sequence(42);
    let mut out = Vec::with_capacity(1000);
    for i in 0..1000 {
        let text = match i % 4 {
            0 => singles[sequence.below(singles.len())],
            1 => doubles[sequence.below(doubles.len())],
            2 => phrases[sequence.below(phrases.len())],
            _ => prefixes[sequence.below(prefixes.len())],
        };
        let mut request = SearchRequest::new(text);
        if i % 3 == 0 {
            request.registries = vec![format!("reg{:02}", sequence.below(60))];
        }
        if i % 5 == 0 {
            request.data_type = Some("categorical".into());
        }
        out.push(request);
    }
    out
}

fn percentiles(mut latencies: Vec<Duration>) -> String {
    latencies.sort();
    let at = |p: f64| {
        latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)].as_secs_f64()
            * 1000.0
    };
    format!("p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms", at(0.50), at(0.95), at(0.99))
}

fn dir_size(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries.filter_map(Result::ok).map(|e| e.metadata().map_or(0, |m| m.len())).sum()
        })
        .unwrap_or(0)
}

#[expect(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.iter().find_map(|arg| arg.parse().ok()).unwrap_or(1_000_000);
    let work = tempfile::tempdir().expect("a temporary directory");
    println!("search benchmark: {n} generated variables, 1,000 queries\n");

    let index = SearchIndex::open(&work.path().join("index")).expect("open the index");
    let started = Instant::now();
    let mut sequence = Sequence(7);
    index.add_versions((0..n).map(|i| variable(i, &mut sequence)), ChangeSeq(1)).expect("index");
    let build = started.elapsed();
    let size = dir_size(&work.path().join("index"));
    println!(
        "varkat (tantivy): built in {:.1} s, {:.0} variables/s, index {:.0} MiB",
        build.as_secs_f64(),
        n as f64 / build.as_secs_f64(),
        size as f64 / 1048576.0
    );

    let queries = queries();
    for request in queries.iter().take(20) {
        index.search(request).expect("warm-up");
    }
    let mut plain = Vec::new();
    let mut faceted = Vec::new();
    let mut total_hits = 0usize;
    for request in &queries {
        let started = Instant::now();
        total_hits += index.search(request).expect("search").total;
        plain.push(started.elapsed());
        let with_facets = SearchRequest { facets: true, ..request.clone() };
        let started = Instant::now();
        index.search(&with_facets).expect("search");
        faceted.push(started.elapsed());
    }
    for (kind, name) in ["single", "double", "phrase", "prefix"].iter().enumerate() {
        let of_kind: Vec<Duration> =
            plain.iter().enumerate().filter(|(i, _)| i % 4 == kind).map(|(_, d)| *d).collect();
        println!("  {name}: {}", percentiles(of_kind));
    }
    println!("  top 10, no facets:   {}", percentiles(plain.clone()));
    println!("  top 10, with facets: {}", percentiles(faceted.clone()));
    println!("  ({total_hits} hits in all)\n");

    if !args.iter().any(|arg| arg == "--varkat-only") {
        fts5(work.path(), n, &queries, &plain, &faceted);
    }
}

/// The same documents and queries through SQLite FTS5.
#[expect(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn fts5(
    dir: &std::path::Path,
    n: usize,
    queries: &[SearchRequest],
    plain: &[Duration],
    faceted: &[Duration],
) {
    let path = dir.join("fts5.sqlite");
    let mut db = rusqlite::Connection::open(&path).expect("open SQLite");
    db.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
         CREATE VIRTUAL TABLE variables USING fts5(key UNINDEXED, registry UNINDEXED, kind UNINDEXED, data_type UNINDEXED, name, label, description, categories, tokenize = 'unicode61 remove_diacritics 2');",
    )
    .expect("create the FTS5 table");
    let started = Instant::now();
    let transaction = db.transaction().expect("a transaction");
    {
        let mut insert = transaction
            .prepare("INSERT INTO variables VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
            .expect("prepare");
        let mut sequence = Sequence(7);
        for i in 0..n {
            let (version, kind, _) = variable(i, &mut sequence);
            let definition = &version.definition;
            let label = format!(
                "{} {}",
                definition.label.nb.as_deref().unwrap_or(""),
                definition.label.en.as_deref().unwrap_or("")
            );
            let categories: Vec<&str> = definition
                .value_domain
                .categories
                .iter()
                .filter_map(|c| c.label.nb.as_deref())
                .collect();
            insert
                .execute(rusqlite::params![
                    version.key.to_string(),
                    version.key.registry().as_str(),
                    kind.as_str(),
                    definition.data_type.as_str(),
                    version.key.name(),
                    label,
                    definition.description.nb.as_deref().unwrap_or(""),
                    categories.join(" ")
                ])
                .expect("insert");
        }
    }
    transaction.commit().expect("commit");
    let build = started.elapsed();
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    println!(
        "SQLite FTS5: built in {:.1} s, {:.0} variables/s, database {:.0} MiB",
        build.as_secs_f64(),
        n as f64 / build.as_secs_f64(),
        size as f64 / 1048576.0
    );

    let mut fts_plain = Vec::new();
    let mut fts_faceted = Vec::new();
    for request in queries {
        let (matcher, filter) = fts_query(request);
        let sql = format!(
            "SELECT key FROM variables WHERE variables MATCH ?1{filter} ORDER BY rank LIMIT 10"
        );
        let started = Instant::now();
        let mut statement = db.prepare_cached(&sql).expect("prepare");
        let _keys: Vec<String> = statement
            .query_map([&matcher], |row| row.get(0))
            .expect("query")
            .filter_map(Result::ok)
            .collect();
        let count: i64 = db
            .query_row(
                &format!("SELECT count(*) FROM variables WHERE variables MATCH ?1{filter}"),
                [&matcher],
                |row| row.get(0),
            )
            .expect("count");
        fts_plain.push(started.elapsed());
        let started = Instant::now();
        let _ = (count, statement);
        let mut top = db.prepare_cached(&sql).expect("prepare");
        let _keys: Vec<String> = top
            .query_map([&matcher], |row| row.get(0))
            .expect("query")
            .filter_map(Result::ok)
            .collect();
        for column in ["registry", "kind", "data_type"] {
            let mut facet = db.prepare_cached(&format!("SELECT {column}, count(*) FROM variables WHERE variables MATCH ?1{filter} GROUP BY {column}")).expect("prepare");
            let _counts: Vec<(String, i64)> = facet
                .query_map([&matcher], |row| Ok((row.get(0)?, row.get(1)?)))
                .expect("facets")
                .filter_map(Result::ok)
                .collect();
        }
        fts_faceted.push(started.elapsed());
    }
    println!("  top 10 and count, no facets: {}", percentiles(fts_plain.clone()));
    println!("  top 10, with facets:         {}", percentiles(fts_faceted.clone()));
    let median = |values: &[Duration]| {
        let mut sorted = values.to_vec();
        sorted.sort();
        sorted[sorted.len() / 2].as_secs_f64()
    };
    println!(
        "\nmedian ratio FTS5 / varkat: {:.1}x without facets, {:.1}x with facets",
        median(&fts_plain) / median(plain),
        median(&fts_faceted) / median(faceted)
    );
}

/// An FTS5 MATCH expression and SQL filter for a request: words OR-ed, phrases quoted,
/// prefixes with `*`, as close to varkat's own reading as FTS5's syntax allows.
fn fts_query(request: &SearchRequest) -> (String, String) {
    let text = request.query.trim();
    let matcher = if text.starts_with('"') {
        text.to_owned()
    } else {
        text.split_whitespace()
            .map(|word| if word.ends_with('*') { word.to_owned() } else { format!("\"{word}\"") })
            .collect::<Vec<_>>()
            .join(" OR ")
    };
    let mut filter = String::new();
    if let Some(registry) = request.registries.first() {
        filter.push_str(&format!(" AND registry = '{registry}'"));
    }
    if let Some(data_type) = &request.data_type {
        filter.push_str(&format!(" AND data_type = '{data_type}'"));
    }
    (matcher, filter)
}
