//! What changed and when: versions, diffs, as-of reads and the change log.

use crate::util::{Workspace, assert_contains};

fn with_2024(ws: Workspace) -> Workspace {
    ws.ok(&[
        "import",
        "--full",
        "--registry",
        "hjerteinfarkt",
        "fixtures/catalog/hjerteinfarkt_klokebok_2024.csv",
    ]);
    ws
}

#[test]
fn history_lists_versions_and_what_each_changed() {
    let ws = with_2024(Workspace::new().with_catalog());
    let out = ws.ok(&["history", "hjerteinfarkt/INNLEGGELSE_TIDLIGERE_MI"]);
    assert_contains(
        &out,
        &[
            "hjerteinfarkt/INNLEGGELSE_TIDLIGERE_MI: 2 versions",
            "v1   published",
            "fixtures/catalog/hjerteinfarkt_klokebok_2023.csv\n        first version",
            "v2   published",
            "1 recoded (breaking)",
        ],
    );
}

#[test]
fn diff_classes_a_recode_as_breaking() {
    let ws = with_2024(Workspace::new().with_catalog());
    let out = ws.ok(&[
        "diff",
        "hjerteinfarkt/INNLEGGELSE_TIDLIGERE_MI@1",
        "hjerteinfarkt/INNLEGGELSE_TIDLIGERE_MI@2",
    ]);
    assert_eq!(
        out,
        "hjerteinfarkt/INNLEGGELSE_TIDLIGERE_MI@1 -> hjerteinfarkt/INNLEGGELSE_TIDLIGERE_MI@2: breaking\n  categories:\n    recoded  Nei: 0 -> 2  BREAKING\n"
    );
}

#[test]
fn diff_shows_words_and_categories() {
    let ws = with_2024(Workspace::new().with_catalog());
    let out = ws.ok(&["diff", "hjerteinfarkt/INNLEGGELSE_ROYKER"]);
    assert_contains(
        &out,
        &[
            "hjerteinfarkt/INNLEGGELSE_ROYKER@1 -> hjerteinfarkt/INNLEGGELSE_ROYKER@2: compatible",
            "label.nb        [-Røyker-]{+Røykestatus ved+} [-pasienten?-]{+innleggelse+}",
            "~ 1  [-Ja-]{+Nåværende røyker+}",
            "+ 3  Tidligere røyker",
        ],
    );
}

#[test]
fn diff_of_a_type_change_is_breaking() {
    let ws = with_2024(Workspace::new().with_catalog());
    let out = ws.ok(&["diff", "hjerteinfarkt/INNLEGGELSE_DIABETES"]);
    assert_contains(&out, &["data_type       boolean -> categorical  BREAKING", "+ 1  Type 1"]);
}

#[test]
fn diff_compares_two_registries_variables() {
    let ws = Workspace::new().with_catalog();
    let out = ws.ok(&["diff", "hjerneslag/INNKOMST_ROYKING", "kreftreg/ROYKESTATUS"]);
    assert_contains(
        &out,
        &[
            "hjerneslag/INNKOMST_ROYKING@1 -> kreftreg/ROYKESTATUS@1: breaking",
            "recoded  Aldri røykt: 0 -> 1  BREAKING",
            "- 1  Eks-røyker (sluttet for mer enn én måned siden)  BREAKING",
        ],
    );
}

#[test]
fn diff_json_is_structured() {
    let ws = with_2024(Workspace::new().with_catalog());
    let diff = ws.json(&["diff", "hjerteinfarkt/INNLEGGELSE_TIDLIGERE_MI"]);
    assert_eq!(diff["compatibility"], "breaking");
    assert_eq!(
        diff["categories"][0],
        serde_json::json!({"change": "recoded", "label": "Nei", "before": "0", "after": "2"})
    );
}

#[test]
fn as_of_reads_what_the_catalog_said_then() {
    let ws = Workspace::new().with_catalog();
    let changes = ws.json(&["changes"]);
    let moment = changes.as_array().unwrap().last().unwrap()["at"].as_str().unwrap().to_owned();
    ws.ok(&[
        "import",
        "--full",
        "--registry",
        "hjerteinfarkt",
        "fixtures/catalog/hjerteinfarkt_klokebok_2024.csv",
    ]);
    let then = ws.ok(&["show", "hjerteinfarkt/INNLEGGELSE_ROYKER", "--as-of", &moment]);
    assert_contains(&then, &["(version 1 of 2", "Røyker pasienten?"]);
    let now = ws.ok(&["show", "hjerteinfarkt/INNLEGGELSE_ROYKER"]);
    assert_contains(&now, &["(version 2 of 2", "Røykestatus ved innleggelse"]);
    let registry_then = ws.ok(&["variables", "hjerteinfarkt", "--as-of", &moment]);
    assert_contains(
        &registry_then,
        &["INNLEGGELSE_BLODTRYKK_SYS", "Røyker pasienten?", "9 variables"],
    );
    let err = ws.fails(&["show", "hjerteinfarkt/INNLEGGELSE_ROYKER", "--as-of", "2001-01-01"], 4);
    assert_contains(
        &err,
        &[
            "variable `hjerteinfarkt/INNLEGGELSE_ROYKER` had no published version at 2001-01-01T23:59:59+00:00",
        ],
    );
}

#[test]
fn show_prints_the_definition() {
    let ws = Workspace::new().with_catalog();
    let out = ws.ok(&["show", "hunt/RoykStatus"]);
    assert_contains(
        &out,
        &[
            "hunt/RoykStatus  (version 1 of 1, published",
            "Røyker du?\nDo you smoke?",
            "type        categorical",
            "source      fixtures/catalog/surveys_variables.csv (opal), import #5 by\n              tester,",
            "1     Nei, aldri / No, never",
        ],
    );
}

#[test]
fn unknown_variable_and_version_exit_not_found() {
    let ws = Workspace::new().with_catalog();
    assert_contains(
        &ws.fails(&["show", "hunt/Finnes"], 4),
        &["variable `hunt/Finnes` does not exist"],
    );
    assert_contains(
        &ws.fails(&["show", "hunt/RoykStatus", "--version", "7"], 4),
        &["variable `hunt/RoykStatus` has no version 7"],
    );
    assert_contains(
        &ws.fails(&["show", "RoykStatus"], 3),
        &["`RoykStatus` is not a variable key; expected `REGISTRY/NAME`"],
    );
}

#[test]
fn change_log_numbers_every_write() {
    let ws = with_2024(Workspace::new().with_catalog());
    let out = ws.ok(&["changes", "--after", "4"]);
    assert_contains(
        &out,
        &[
            "   5  ",
            "tester     import #5 of fixtures/catalog/surveys_variables.csv, fixtures/catalog/surveys_categories.csv: 13 new, 0 changed, 0 retired\n",
            "   6  ",
            "import #6 of fixtures/catalog/hjerteinfarkt_klokebok_2024.csv: 1 new, 4 changed, 1 retired",
        ],
    );
    assert!(!out.contains("import #4"));
}
