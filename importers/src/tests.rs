//! Golden tests over `fixtures/<format>/{ok,err}/`: each accepted input sits beside the
//! catalog it gives, each rejected input beside the exact errors a steward sees. Bless a
//! change with `UPDATE_EXPECT=1 cargo test -p importers` and read the diff.

use std::path::{Path, PathBuf};

use expect_test::expect_file;

use super::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// Reads one fixture case (the files whose names start with `stem`) as a user would import
/// them, and renders the outcome. The files read as they go (as `varkat import` reads them)
/// must give what they give loaded whole (as uploads are read): the same catalog, the same
/// located errors.
fn render_case(dir: &Path, stem: &str, files: &[PathBuf]) -> String {
    let inputs: Vec<InputFile> = files
        .iter()
        .map(|path| InputFile {
            path: path.file_name().unwrap().to_string_lossy().into_owned(),
            bytes: std::fs::read(path).unwrap(),
        })
        .collect();
    let registry_slug = stem.split('.').next().unwrap();
    let options = ReadOptions {
        format: None,
        // Formats that do not name their registry get the case's name.
        registry: Some(RegistryId::new(registry_slug).unwrap()).filter(|_| {
            ["klokebok", "mrs-kodebok", "redcap", "hhear-dictionary"]
                .iter()
                .any(|format| dir.starts_with(fixtures().join(format)))
        }),
        encoding: if stem.ends_with(".latin1") { Encoding::Latin1 } else { Encoding::Auto },
        language: Language::Norwegian,
        code_system: Some(format!("{registry_slug}@1"))
            .filter(|_| dir.starts_with(fixtures().join("csv-code-list"))),
    };
    let render = |result: Result<ImportBatch, ImportErrors>| match result {
        Ok(batch) => {
            let formats: Vec<String> = batch
                .files
                .iter()
                .map(|file| format!("{} as {}", file.path, file.format))
                .collect();
            format!("read {}\n{}", formats.join(", "), batch.render())
        }
        Err(errors) => format!("{errors}\n"),
    };
    let loaded = render(read(&inputs, &options));
    let streamed = render(read_paths(files, &options)).replace(&format!("{}/", dir.display()), "");
    assert_eq!(streamed, loaded, "{stem}: read as it goes");
    loaded
}

/// Runs every case in `fixtures/<format>/<ok|err>`. A case is the set of input files sharing
/// the stem of a `.expected` file.
fn run(format: &str, outcome: &str) {
    let dir = fixtures().join(format).join(outcome);
    let mut expected: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "expected"))
        .collect();
    expected.sort();
    assert!(!expected.is_empty(), "no cases in {}", dir.display());
    for expected_path in expected {
        let stem = expected_path.file_stem().unwrap().to_string_lossy().into_owned();
        let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| {
                let name = path.file_name().unwrap().to_string_lossy();
                path.extension().is_some_and(|e| e != "expected")
                    && name.starts_with(&format!("{stem}."))
                    && !name[stem.len() + 1..].contains(".expected")
            })
            .collect();
        // Opal's variables table goes before its categories table, as a user would name them.
        inputs.sort_by_key(|path| path.to_string_lossy().contains("categories"));
        let rendered = render_case(&dir, &stem, &inputs);
        let ok = !rendered.contains("nothing was imported");
        assert_eq!(
            ok,
            outcome == "ok",
            "{}: expected {outcome}, got:\n{rendered}",
            expected_path.display()
        );
        expect_file![expected_path].assert_eq(&rendered);
    }
}

#[test]
fn klokebok_accepted() {
    run("klokebok", "ok");
}
#[test]
fn klokebok_rejected() {
    run("klokebok", "err");
}
#[test]
fn opal_accepted() {
    run("opal", "ok");
}
#[test]
fn opal_rejected() {
    run("opal", "err");
}
#[test]
fn varkat_json_accepted() {
    run("varkat-json", "ok");
}
#[test]
fn varkat_json_rejected() {
    run("varkat-json", "err");
}
#[test]
fn mrs_kodebok_accepted() {
    run("mrs-kodebok", "ok");
}
#[test]
fn mrs_kodebok_rejected() {
    run("mrs-kodebok", "err");
}
#[test]
fn redcap_accepted() {
    run("redcap", "ok");
}
#[test]
fn redcap_rejected() {
    run("redcap", "err");
}
#[test]
fn ukbiobank_accepted() {
    run("ukbiobank", "ok");
}
#[test]
fn ukbiobank_rejected() {
    run("ukbiobank", "err");
}
#[test]
fn ddi_codebook_accepted() {
    run("ddi-codebook", "ok");
}
#[test]
fn ddi_codebook_rejected() {
    run("ddi-codebook", "err");
}
#[test]
fn dbgap_accepted() {
    run("dbgap", "ok");
}
#[test]
fn dbgap_rejected() {
    run("dbgap", "err");
}
#[test]
fn ddi_lifecycle_accepted() {
    run("ddi-lifecycle", "ok");
}

#[test]
fn ddi_lifecycle_rejected() {
    run("ddi-lifecycle", "err");
}

#[test]
fn fhir_accepted() {
    run("fhir", "ok");
}
#[test]
fn fhir_rejected() {
    run("fhir", "err");
}
#[test]
fn claml_accepted() {
    run("claml", "ok");
}
#[test]
fn claml_rejected() {
    run("claml", "err");
}
#[test]
fn csv_code_list_accepted() {
    run("csv-code-list", "ok");
}
#[test]
fn csv_code_list_rejected() {
    run("csv-code-list", "err");
}
#[test]
fn topmed_harmonized_accepted() {
    run("topmed-harmonized", "ok");
}
#[test]
fn topmed_harmonized_rejected() {
    run("topmed-harmonized", "err");
}
#[test]
fn hhear_dictionary_accepted() {
    run("hhear-dictionary", "ok");
}
#[test]
fn hhear_dictionary_rejected() {
    run("hhear-dictionary", "err");
}
#[test]
fn unknown_format_is_refused() {
    let input = InputFile { path: "notes.txt".into(), bytes: b"just some notes\n".to_vec() };
    let err = read(&[input], &ReadOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "notes.txt:1: cannot tell the format of this file (it starts with `just some notes`); give --format (varkat-json, opal, klokebok, mrs-kodebok, redcap, ukbiobank, ddi-codebook, ddi-lifecycle, dbgap, fhir, claml, csv-code-list, shared-definitions, topmed-harmonized, hhear-dictionary)\n1 error found; nothing was imported"
    );
}

#[test]
fn a_damaged_workbook_is_refused_at_every_length() {
    // Cutting a real workbook anywhere must give an error, never a panic or a partial import.
    let bytes = std::fs::read(fixtures().join("opal/ok/workbook.xlsx")).unwrap();
    for length in (4..bytes.len()).step_by(97) {
        let input = InputFile { path: "cut.xlsx".into(), bytes: bytes[..length].to_vec() };
        let err = read(&[input], &ReadOptions::default()).unwrap_err();
        assert!(
            err.to_string().starts_with("cut.xlsx: this looks like a spreadsheet"),
            "cut at {length}: {err}"
        );
    }
}

#[test]
fn a_text_format_asked_of_a_workbook_is_refused() {
    let bytes = std::fs::read(fixtures().join("opal/ok/workbook.xlsx")).unwrap();
    let input = InputFile { path: "workbook.xlsx".into(), bytes };
    let options = ReadOptions { format: Some(Format::DdiCodebook), ..ReadOptions::default() };
    let err = read(&[input], &options).unwrap_err();
    assert!(
        err.to_string()
            .contains("a spreadsheet holds tables, and ddi-codebook is not a table format"),
        "{err}"
    );
}

#[test]
fn a_format_asked_of_a_workbook_reads_its_sheets_of_that_format() {
    let bytes = std::fs::read(fixtures().join("opal/ok/workbook.xlsx")).unwrap();
    let input = InputFile { path: "workbook.xlsx".into(), bytes };
    let options = ReadOptions { format: Some(Format::Opal), ..ReadOptions::default() };
    let batch = read(&[input], &options).unwrap();
    assert_eq!(batch.variables.len(), 3);
    assert!(
        batch.warnings.iter().any(|w| w.to_string().starts_with("workbook.xlsx[Les meg]: skipped"))
    );
}

/// Forms of one registry repeat shared variables: the same definition in two files is kept
/// once, a different one is refused, naming both files.
#[test]
fn a_variable_in_two_files_is_kept_once_or_refused() {
    let form = |path: &str, label: &str| {
        InputFile {
        path: path.into(),
        bytes: format!(
            "Variable / Field Name,Form Name,Field Type,Field Label\nsex,baseline,text,{label}\nage,baseline,text,Age\n"
        )
        .into_bytes(),
    }
    };
    let options =
        ReadOptions { registry: Some(RegistryId::new("hunt").unwrap()), ..ReadOptions::default() };
    let same = read(&[form("a.csv", "Sex"), form("b.csv", "Sex")], &options).unwrap();
    let keys: Vec<String> = same.variables.iter().map(|v| v.key.to_string()).collect();
    assert_eq!(keys, ["hunt/sex", "hunt/age"]);
    let err = read(&[form("a.csv", "Sex"), form("b.csv", "Gender")], &options).unwrap_err();
    assert_eq!(
        err.to_string(),
        "b.csv: variable `hunt/sex` is also defined, differently, in `a.csv`\n1 error found; nothing was imported"
    );
}

/// What `read` or `read_paths` gave, as a steward would see it.
fn outcome(result: Result<ImportBatch, ImportErrors>) -> String {
    match result {
        Ok(batch) => batch.render(),
        Err(errors) => errors.to_string(),
    }
}

/// The UTF-16 form of `text`, with its byte order mark, in the byte order `unit` gives. When
/// `broken`, a lone high surrogate stands in the middle of the root element's content, after a
/// comment long enough to put it past what is looked at to tell the format.
fn utf16(text: &str, unit: fn(u16) -> [u8; 2], broken: bool) -> Vec<u8> {
    let mut units: Vec<u16> = text.encode_utf16().collect();
    if broken {
        let root = text
            .match_indices('<')
            .find(|(at, _)| !text[at + 1..].starts_with(['?', '!']))
            .and_then(|(at, _)| text[at..].find('>').map(|end| at + end + 1))
            .unwrap();
        let padded = format!("{}<!--{}-->", &text[..root], " ".repeat(SNIFF_BYTES as usize));
        units = padded.encode_utf16().collect();
        let mut rest: Vec<u16> = text[root..].encode_utf16().collect();
        let mut middle = rest.len() / 2;
        while rest.get(middle).is_some_and(|unit| (0xDC00..0xE000).contains(unit)) {
            middle += 1;
        }
        rest.insert(middle, 0xD800);
        units.extend(rest);
    }
    std::iter::once(0xFEFF).chain(units).flat_map(unit).collect()
}

/// Every accepted XML fixture in UTF-16 (either byte order) or Latin-1 is read as it goes, and
/// reads as it does loaded whole; in UTF-16 with an unpaired surrogate, both refuse it at the
/// same line and column.
#[test]
fn xml_in_utf16_or_latin1_is_read_as_it_goes_too() {
    let work = tempfile::tempdir().unwrap();
    let mut compared = 0;
    for format in ["ddi-codebook", "dbgap", "fhir", "claml"] {
        let dir = fixtures().join(format).join("ok");
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "xml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let latin1: Option<Vec<u8>> =
                text.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect();
            let auto = ReadOptions::default();
            let as_latin1 = ReadOptions { encoding: Encoding::Latin1, ..ReadOptions::default() };
            let mut cases = vec![
                ("utf16le", utf16(&text, u16::to_le_bytes, false), &auto, true),
                ("utf16be", utf16(&text, u16::to_be_bytes, false), &auto, true),
                ("broken", utf16(&text, u16::to_le_bytes, true), &auto, false),
            ];
            cases.extend(latin1.map(|bytes| ("latin1", bytes, &as_latin1, true)));
            for (encoding, bytes, options, accepted) in cases {
                let stem = path.file_stem().unwrap().to_string_lossy();
                let copy = work.path().join(format!("{format}-{stem}-{encoding}.xml"));
                std::fs::write(&copy, &bytes).unwrap();
                let name = copy.display().to_string();
                let start = &bytes[..bytes.len().min(SNIFF_BYTES as usize)];
                assert!(
                    streamable(start, &name, options)
                        .is_some_and(|(_, encoding)| encoding != StreamEncoding::Utf8),
                    "{name} is read as it goes"
                );
                let streamed = outcome(read_paths(std::slice::from_ref(&copy), options));
                let loaded = outcome(read(&[InputFile { path: name.clone(), bytes }], options));
                assert_eq!(streamed, loaded, "{name}");
                assert_eq!(
                    streamed.contains("is not valid UTF-16 (an unpaired surrogate)"),
                    !accepted,
                    "{name}: {streamed}"
                );
                compared += 1;
            }
        }
    }
    assert!(compared >= 20, "only {compared} encoded XML fixtures compared");
}

/// A byte that is not UTF-8, past what is looked at to tell the format, is refused where it
/// stands in a file read as it goes as in one loaded whole, with the hint to read it as Latin-1.
#[test]
fn a_byte_that_is_not_utf8_is_refused_where_it_stands() {
    let work = tempfile::tempdir().unwrap();
    let padding = SNIFF_BYTES as usize;
    let cases = [
        ("redcap/ok/slag.csv", ",", b'\n'),
        ("ukbiobank/ok/showcase.tsv", "\t", b'\n'),
        ("varkat-json/ok/codebook.json", " ", b','),
        ("ddi-codebook/ok/husk.xml", " ", b'>'),
        ("dbgap/ok/phs000001.data_dict.xml", " ", b'>'),
    ];
    for (fixture, filler, after) in cases {
        let text = std::fs::read(fixtures().join(fixture)).unwrap();
        // After the first line of a table (an empty row, skipped), as whitespace after the
        // first member of a JSON object, or in a comment after the root element's start tag,
        // the filler puts the bad byte past the sniffed start.
        let xml = fixture.ends_with(".xml");
        let root = text.windows(2).position(|w| w[0] == b'<' && w[1].is_ascii_alphabetic());
        let from = if xml { root.unwrap() } else { 0 };
        let at = from + text[from..].iter().position(|&b| b == after).unwrap() + 1;
        let filler = if xml {
            format!("<!--{}-->", filler.repeat(padding))
        } else {
            format!("{}\n", filler.repeat(padding))
        };
        let mut bytes = text[..at].to_vec();
        bytes.extend_from_slice(filler.as_bytes());
        bytes.push(0xF8);
        bytes.extend_from_slice(&text[at..]);
        let copy = work.path().join(fixture.replace('/', "-"));
        std::fs::write(&copy, &bytes).unwrap();
        let name = copy.display().to_string();
        let options = ReadOptions {
            registry: Some(RegistryId::new("slag").unwrap()),
            ..ReadOptions::default()
        };
        let streamed = outcome(read_paths(std::slice::from_ref(&copy), &options));
        let loaded = outcome(read(&[InputFile { path: name.clone(), bytes }], &options));
        assert_eq!(streamed, loaded, "{name}");
        assert!(
            streamed.contains("byte 0xF8 is not valid UTF-8; if the file is Latin-1"),
            "{name}: {streamed}"
        );
    }
}

/// Read as it goes, the rows before a byte that is not UTF-8 have been read, problems and all;
/// the file is still refused for the byte alone, as it is when loaded and decoding fails first.
#[test]
fn a_byte_not_in_the_encoding_is_all_that_is_said_of_a_file() {
    let work = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(fixtures().join("klokebok/err/several_problems.csv")).unwrap();
    bytes.extend_from_slice(format!("{}\n", ";".repeat(SNIFF_BYTES as usize)).as_bytes());
    bytes.extend_from_slice(b"\xF8\n");
    let copy = work.path().join("several_problems.csv");
    std::fs::write(&copy, &bytes).unwrap();
    let name = copy.display().to_string();
    let options =
        ReadOptions { registry: Some(RegistryId::new("noric").unwrap()), ..ReadOptions::default() };
    let streamed = outcome(read_paths(std::slice::from_ref(&copy), &options));
    let loaded = outcome(read(&[InputFile { path: name, bytes }], &options));
    assert_eq!(streamed, loaded);
    assert!(streamed.contains("byte 0xF8 is not valid UTF-8"), "{streamed}");
    assert!(streamed.ends_with("1 error found; nothing was imported"), "{streamed}");
}

/// A second byte order mark is text, loaded or read as it goes: only the first one says the
/// encoding. Found by fuzzing both ways against each other.
#[test]
fn a_second_byte_order_mark_is_text_both_ways() {
    let work = tempfile::tempdir().unwrap();
    let text = std::fs::read(fixtures().join("ddi-codebook/ok/husk.xml")).unwrap();
    let bytes = [b"\xEF\xBB\xBF\xEF\xBB\xBF".as_slice(), &text].concat();
    let copy = work.path().join("two-marks.xml");
    std::fs::write(&copy, &bytes).unwrap();
    let name = copy.display().to_string();
    let streamed = outcome(read_paths(std::slice::from_ref(&copy), &ReadOptions::default()));
    let loaded = outcome(read(&[InputFile { path: name, bytes }], &ReadOptions::default()));
    assert_eq!(streamed, loaded);
    assert!(streamed.contains("cannot tell the format"), "{streamed}");
}

/// serde_json places a fault differently in a slice and in a reader; JSON is read the same way
/// loaded and as it goes, so an error names the same place either way.
#[test]
fn a_json_fault_is_placed_alike_both_ways() {
    let work = tempfile::tempdir().unwrap();
    let files = [
        // The faults are in members that are not read, whose text serde_json skips.
        (
            "codesystem.json",
            "{\"resourceType\": \"CodeSystem\", \"url\": \"http://x\",\n \"concept\": [{\"code\": \"a\", \"dysplay\": \"b\u{1}\"}]}",
        ),
        ("codebook.json", "{\"varkat_format\": 2,\n \"history\": {\"notes\": \"b\u{1}\"}}"),
    ];
    for (name, text) in files {
        let copy = work.path().join(name);
        std::fs::write(&copy, text).unwrap();
        let file = copy.display().to_string();
        let input = InputFile { path: file.clone(), bytes: text.as_bytes().to_vec() };
        let streamed = outcome(read_paths(std::slice::from_ref(&copy), &ReadOptions::default()));
        let loaded = outcome(read(&[input], &ReadOptions::default()));
        assert_eq!(streamed, loaded, "{name}");
        assert!(streamed.contains(&format!("{file}:2:")), "{streamed}");
    }
}

/// A file that cannot be opened is an error that names it, and nothing is read.
#[test]
fn a_missing_file_is_a_located_error() {
    let missing = fixtures().join("ddi-codebook/ok/no-such-file.xml");
    let errors = read_paths(std::slice::from_ref(&missing), &ReadOptions::default()).unwrap_err();
    assert!(
        errors.to_string().starts_with(&format!("{}: cannot read the file: ", missing.display())),
        "{errors}"
    );
}
