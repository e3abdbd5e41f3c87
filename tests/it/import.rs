//! Importing codebooks as a steward does.

use crate::util::{Workspace, assert_contains};

#[test]
fn six_registries_in_three_formats() {
    let ws = Workspace::new().with_catalog();
    let out = ws.ok(&["registries"]);
    assert_contains(
        &out,
        &[
            "hjerneslag     quality          6  Norsk hjerneslagregister",
            "hjerteinfarkt  quality          9  Norsk hjerteinfarktregister",
            "hunt           survey           7  Helseundersøkelsen i Trøndelag (HUNT)",
            "kreftreg       central          5  Kreftregisteret",
            "mfr            central          6  Medisinsk fødselsregister",
            "tromso         survey           6  Tromsøundersøkelsen",
        ],
    );
}

#[test]
fn import_says_which_format_it_picked() {
    let ws = Workspace::new();
    let out = ws.ok(&[
        "import",
        "fixtures/catalog/surveys_variables.csv",
        "fixtures/catalog/surveys_categories.csv",
    ]);
    assert_contains(
        &out,
        &[
            "reading fixtures/catalog/surveys_variables.csv as opal",
            "reading fixtures/catalog/surveys_categories.csv as opal",
            "new registry hunt (hunt, other)",
            "13 new, 0 changed, 0 retired, 0 unchanged (written)",
            "recorded as change 1",
        ],
    );
}

#[test]
fn the_log_says_how_long_each_step_of_an_import_took() {
    let ws = Workspace::new();
    let import = |files: &[&str]| {
        let output = ws.command(&[&["import"], files].concat()).env("VARKAT_LOG", "info").output();
        let output = output.unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stderr).unwrap()
    };
    let first = import(&[
        "fixtures/catalog/surveys_variables.csv",
        "fixtures/catalog/surveys_categories.csv",
    ]);
    assert_contains(
        &first,
        &[
            "files read files=2 variables=13 code_systems=0 warnings=0 elapsed=",
            "import written change=1 new=13 changed=0 retired=0 code_systems=0 elapsed=",
            "search index rebuilt to=1 variables=13 elapsed=",
        ],
    );
    assert!(!first.contains('\u{1b}'), "no colour codes in a log that is not a terminal");
    let second = import(&["fixtures/catalog/registries.json"]);
    assert_contains(&second, &["search index caught up from=1 to=2"]);
}

#[test]
fn reimporting_an_unchanged_codebook_records_nothing() {
    let ws = Workspace::new().with_catalog();
    let before = ws.n_changes();
    let out = ws.ok(&[
        "import",
        "--registry",
        "hjerteinfarkt",
        "fixtures/catalog/hjerteinfarkt_klokebok_2023.csv",
    ]);
    assert_contains(
        &out,
        &[
            "0 new, 0 changed, 0 retired, 9 unchanged",
            "nothing changed; no version or change was recorded",
        ],
    );
    assert_eq!(ws.n_changes(), before);
}

#[test]
fn dry_run_lists_what_would_change_and_writes_nothing() {
    let ws = Workspace::new().with_catalog();
    let before = ws.n_changes();
    let out = ws.ok(&[
        "import",
        "--dry-run",
        "--full",
        "--registry",
        "hjerteinfarkt",
        "fixtures/catalog/hjerteinfarkt_klokebok_2024.csv",
    ]);
    assert_contains(
        &out,
        &[
            "1 new, 4 changed, 1 retired, 4 unchanged (would be written)",
            "new      hjerteinfarkt/BEHANDLING_ANGIOGRAFI_DATO  v1",
            "changed  hjerteinfarkt/INNLEGGELSE_ROYKER  v2",
            "retired  hjerteinfarkt/INNLEGGELSE_BLODTRYKK_SYS  v2",
            "dry run: nothing was written",
        ],
    );
    assert_eq!(ws.n_changes(), before);
    assert_contains(&ws.ok(&["history", "hjerteinfarkt/INNLEGGELSE_ROYKER"]), &["1 version"]);
}

#[test]
fn full_import_retires_what_the_codebook_lacks() {
    let ws = Workspace::new().with_catalog();
    ws.ok(&[
        "import",
        "--full",
        "--registry",
        "hjerteinfarkt",
        "fixtures/catalog/hjerteinfarkt_klokebok_2024.csv",
    ]);
    let shown = ws.ok(&["show", "hjerteinfarkt/INNLEGGELSE_BLODTRYKK_SYS"]);
    assert_contains(&shown, &["(version 2 of 2, retired"]);
}

#[test]
fn without_full_absence_means_nothing() {
    let ws = Workspace::new().with_catalog();
    let out = ws.ok(&[
        "import",
        "--registry",
        "hjerteinfarkt",
        "fixtures/catalog/hjerteinfarkt_klokebok_2024.csv",
    ]);
    assert_contains(&out, &["1 new, 4 changed, 0 retired, 4 unchanged"]);
    assert_contains(
        &ws.ok(&["show", "hjerteinfarkt/INNLEGGELSE_BLODTRYKK_SYS"]),
        &["(version 1 of 1, published"],
    );
}

#[test]
fn latin1_file_without_the_flag_is_refused_at_its_line() {
    let ws = Workspace::new();
    let err = ws.fails(
        &["import", "--registry", "hjerneslag", "fixtures/catalog/hjerneslag_klokebok_latin1.csv"],
        3,
    );
    assert_contains(
        &err,
        &[
            "fixtures/catalog/hjerneslag_klokebok_latin1.csv:2:12: byte 0xF8 is not valid UTF-8; if the file is Latin-1 (ISO-8859-1), import it with --encoding latin1",
            "1 error found; nothing was imported",
        ],
    );
}

#[test]
fn klokebok_without_registry_is_refused() {
    let ws = Workspace::new();
    let err = ws.fails(&["import", "fixtures/catalog/hjerteinfarkt_klokebok_2023.csv"], 3);
    assert_contains(
        &err,
        &["this klokebok file does not say which registry it describes; give --registry ID"],
    );
}

/// Every rejected fixture is refused by the binary with its located messages, and the store
/// stays as it was: an import is all or nothing.
#[test]
fn every_rejected_fixture_writes_nothing() {
    let ws = Workspace::new().with_catalog();
    let before = ws.json(&["changes"]);
    let root = crate::util::repo().join("fixtures");
    let mut n_cases = 0;
    for format in ["klokebok", "opal", "varkat-json"] {
        let dir = root.join(format).join("err");
        let mut expected: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "expected"))
            .collect();
        expected.sort();
        for expected_path in expected {
            let stem = expected_path.file_stem().unwrap().to_string_lossy().into_owned();
            let mut files: Vec<String> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| {
                    p.file_name().unwrap().to_string_lossy().starts_with(&format!("{stem}."))
                        && p != &expected_path
                })
                .map(|p| {
                    p.strip_prefix(crate::util::repo()).unwrap().to_string_lossy().into_owned()
                })
                .collect();
            files.sort_by_key(|f| f.contains("categories"));
            let mut args = vec!["import", "--registry", "hjerteinfarkt"];
            if format != "klokebok" {
                args.truncate(1);
            }
            args.extend(files.iter().map(String::as_str));
            let err = ws.fails(&args, 3);
            let expected_text = std::fs::read_to_string(&expected_path).unwrap();
            // The binary names files by the path given; the golden file by the file name.
            let first_message = expected_text.lines().next().unwrap();
            let message = first_message.split_once(": ").map(|(_, message)| message).unwrap();
            assert_contains(&err, &[message, "nothing was imported"]);
            n_cases += 1;
        }
    }
    assert!(n_cases >= 15, "only {n_cases} rejected fixtures");
    assert_eq!(ws.json(&["changes"]), before);
}

#[test]
fn import_reports_as_json_for_scripts() {
    let ws = Workspace::new();
    let report = ws.json(&["import", "fixtures/catalog/registries.json"]);
    assert_eq!(report["change"], 1);
    assert_eq!(report["plan"]["new_registries"].as_array().unwrap().len(), 6);
    assert_eq!(report["files"][0]["format"], "varkat-json");
}

#[test]
fn unknown_format_names_what_it_saw() {
    let ws = Workspace::new();
    std::fs::write(ws.path("notes.txt"), "Møtereferat fra registermøtet\n").unwrap();
    let err = ws.fails(&["import", ws.path("notes.txt").to_str().unwrap()], 3);
    assert_contains(
        &err,
        &[
            "cannot tell the format of this file (it starts with `Møtereferat fra registermøtet`); give --format (varkat-json, opal, klokebok, ",
        ],
    );
}

#[test]
fn a_workbook_is_read_sheet_by_sheet() {
    let ws = Workspace::new();
    let run = ws.run(&["import", "fixtures/opal/ok/workbook.xlsx"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_contains(
        &run.stdout,
        &[
            "reading fixtures/opal/ok/workbook.xlsx[Variables] as opal",
            "reading fixtures/opal/ok/workbook.xlsx[Categories] as opal",
            "3 new, 0 changed, 0 retired, 0 unchanged (written)",
        ],
    );
    assert_contains(&run.stderr, &["workbook.xlsx[Les meg]: skipped: sheet [Les meg]"]);
    assert_contains(
        &ws.ok(&["show", "husk/ROYK"]),
        &["Røyker du daglig, av og til eller aldri?", "3     Daglig", "Current smoking only."],
    );
}
