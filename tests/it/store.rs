//! The store under stress: a killed import, and a store another process holds.

use std::time::Duration;

use crate::util::{Workspace, assert_contains};

/// Writes an Opal dictionary of `n` variables with four categories each: big enough that an
/// import takes a while, so that a kill can land in the middle of it.
fn big_dictionary(ws: &Workspace, n: usize) -> (String, String) {
    let mut variables = String::from("table,name,valueType,unit,label:nb,label:en\n");
    let mut categories = String::from("table,variable,name,missing,label:nb\n");
    for i in 0..n {
        variables.push_str(&format!("stor,VAR_{i:06},integer,,Røyker du {i}?,Do you smoke {i}?\n"));
        for (code, label) in
            [("1", "Nei, aldri"), ("2", "Nei, sluttet"), ("3", "Ja, av og til"), ("9", "Ukjent")]
        {
            categories.push_str(&format!("stor,VAR_{i:06},{code},{},{label}\n", code == "9"));
        }
    }
    let (v, c) = (ws.path("variables.csv"), ws.path("categories.csv"));
    std::fs::write(&v, variables).unwrap();
    std::fs::write(&c, categories).unwrap();
    (v.to_string_lossy().into_owned(), c.to_string_lossy().into_owned())
}

/// Kills an import at several moments and checks that the store then holds all of it or
/// none of it, and that it opens again.
#[test]
fn a_killed_import_lands_whole_or_not_at_all() {
    const N: usize = 30_000;
    let ws = Workspace::new();
    let (variables, categories) = big_dictionary(&ws, N);
    let mut outcomes = Vec::new();
    for delay_ms in [50, 200, 400, 700, 1000, 1500, 2500] {
        let fresh = Workspace::new();
        let mut child = fresh.command(&["import", &variables, &categories]).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let status = child.wait().unwrap();
        let registries = fresh.json(&["registries"]);
        let n_variables = registries
            .as_array()
            .unwrap()
            .first()
            .map_or(0, |row| row["variables"].as_u64().unwrap() as usize);
        let n_changes = fresh.n_changes();
        assert!(
            (n_variables == 0 && n_changes == 0) || (n_variables == N && n_changes == 1),
            "after a kill at {delay_ms} ms: {n_variables} variables, {n_changes} changes"
        );
        outcomes.push((status.success(), n_variables == N));
    }
    assert!(
        outcomes.iter().any(|(_, landed)| !landed),
        "no kill landed before the commit: {outcomes:?}"
    );
}

#[test]
fn a_store_held_by_another_process_is_refused_plainly() {
    let ws = Workspace::new();
    let _held = catalog::Store::open(&catalog::store_dir(&ws.data_dir())).unwrap();
    let err = ws.fails(&["registries"], 5);
    assert_contains(
        &err,
        &[
            "is in use by another process (is `varkat serve` running?); stop that process, or send the change through its HTTP API, or use another --data-dir",
        ],
    );
}

/// A catalog exported by store format 1, kept as it was written: today's varkat must restore it
/// and export it again unchanged but for the format number.
#[test]
fn a_catalog_written_by_format_1_still_restores() {
    let ws = Workspace::new();
    let out = ws.ok(&["import", "fixtures/store/v1/catalog.json"]);
    assert_contains(&out, &["restored the whole catalog: 6 registries, 45 versions, 6 changes"]);
    assert_contains(&ws.ok(&["history", "hjerteinfarkt/INNLEGGELSE_ROYKER"]), &["2 versions"]);
    let original =
        std::fs::read_to_string(crate::util::repo().join("fixtures/store/v1/catalog.json"))
            .unwrap()
            .replacen("\"varkat_format\": 1", "\"varkat_format\": 2", 1);
    assert_eq!(ws.ok(&["export", "--all"]), original);
}

/// A catalog exported by store format 2, with every record kind it added (shared definitions,
/// review decisions, a value set, a code map): it restores and exports again byte for byte.
#[test]
fn a_catalog_written_by_format_2_restores_with_its_reviews_value_sets_and_code_maps() {
    let ws = Workspace::new();
    let out = ws.ok(&["import", "fixtures/store/v2/catalog.json"]);
    assert_contains(&out, &["restored the whole catalog: 6 registries, 45 versions, 10 changes"]);
    assert_contains(
        &ws.ok(&["review", "show", "hunt/RoykStatus"]),
        &["mapping version 2: accepted onto smoking_status@1"],
    );
    assert_contains(
        &ws.ok(&["codes", "list"]),
        &["value sets:", "tobakk-vs", "code maps:", "icd10-icpc2"],
    );
    let original =
        std::fs::read_to_string(crate::util::repo().join("fixtures/store/v2/catalog.json"))
            .unwrap();
    assert_eq!(ws.ok(&["export", "--all"]), original);
}
