//! Searching the catalog as a researcher does.

use crate::util::{Workspace, assert_contains};

fn demo() -> Workspace {
    let ws = Workspace::new();
    ws.ok(&["demo", "--data-dir", ws.data_dir().to_str().unwrap(), "--quiet"]);
    ws
}

fn keys(ws: &Workspace, args: &[&str]) -> Vec<String> {
    let result = ws.json(args);
    result["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["key"].as_str().unwrap().to_owned())
        .collect()
}

/// "røyk" finds every smoking variable of every registry, and so do its folded, stemmed,
/// synonym and misspelt forms.
#[test]
fn every_spelling_of_røyk_finds_every_smoking_variable() {
    let ws = demo();
    let mut expected = keys(&ws, &["search", "røyk", "--limit", "30"]);
    expected.sort();
    assert_eq!(expected.len(), 13, "{expected:?}");
    for variant in ["royk", "røyking", "smoking", "tobakk", "røkying", "RØYK"] {
        let mut found = keys(&ws, &["search", variant, "--limit", "30"]);
        found.sort();
        assert_eq!(found, expected, "`{variant}` finds another set");
    }
}

#[test]
fn hits_show_the_matched_words() {
    let ws = demo();
    let out = ws.ok(&["search", "røyk", "--limit", "3"]);
    assert_contains(
        &out,
        &[
            "13 variables match \"røyk\" (showing 1-3)",
            "hunt/RoykStatus  categorical",
            "«Røyker» du",
            "tromso/SMOKE_STATUS  categorical",
            "«Smoking» status",
        ],
    );
}

/// The hand-judged searches in `fixtures/search/judged.tsv`.
#[test]
fn judged_searches_find_what_a_researcher_expects() {
    let ws = demo();
    let judged =
        std::fs::read_to_string(crate::util::repo().join("fixtures/search/judged.tsv")).unwrap();
    let mut n_queries = 0;
    for line in judged.lines().filter(|line| !line.starts_with('#') && !line.trim().is_empty()) {
        let mut columns = line.split('\t');
        let query = columns.next().unwrap();
        let relevant: Vec<&str> = columns.next().unwrap_or("").split_whitespace().collect();
        let excluded: Vec<&str> = columns.next().unwrap_or("").split_whitespace().collect();
        let found = keys(&ws, &["search", query, "--limit", "30"]);
        let depth = relevant.len().max(10);
        for key in &relevant {
            assert!(
                found.iter().take(depth).any(|hit| hit == key),
                "`{query}`: `{key}` is not among the first {depth} hits: {found:?}"
            );
        }
        for key in &excluded {
            assert!(
                !found.iter().take(10).any(|hit| hit == key),
                "`{query}`: `{key}` should not be among the first ten: {found:?}"
            );
        }
        n_queries += 1;
    }
    assert!(n_queries >= 10);
}

#[test]
fn filters_and_facets() {
    let ws = demo();
    let mut mfr = keys(&ws, &["search", "røyk", "--registry", "mfr"]);
    mfr.sort();
    assert_eq!(mfr, ["mfr/ROYK_BEGYNNELSE", "mfr/ROYK_FAR", "mfr/ROYK_SLUTT"]);
    let boolean = keys(&ws, &["search", "røyk", "--type", "boolean"]);
    assert_eq!(boolean, ["hjerneslag/OPPFOLGING_ROYKESLUTT"]);
    let early = keys(&ws, &["search", "røyk", "--period", "..2000"]);
    // Collected before 2001: the birth registry's pregnancy questions, and the surveys, whose
    // periods the catalog does not know and so cannot rule out.
    for key in ["mfr/ROYK_BEGYNNELSE", "mfr/ROYK_SLUTT", "hunt/RoykStatus"] {
        assert!(early.contains(&key.to_owned()), "{key} missing from {early:?}");
    }
    for key in ["mfr/ROYK_FAR", "kreftreg/ROYKESTATUS", "hjerneslag/INNKOMST_ROYKING"] {
        assert!(!early.contains(&key.to_owned()), "{key} was not collected before 2001: {early:?}");
    }
    let out = ws.ok(&["search", "røyk", "--facets"]);
    assert_contains(
        &out,
        &[
            "registry  mfr 3 · tromso 3 · hjerneslag 2 · hunt 2 · kreftreg 2 ·\n            hjerteinfarkt 1",
            "kind      central 5 · survey 5 · quality 3",
            "status    published 13",
        ],
    );
    assert_contains(
        &ws.fails(&["search", "røyk", "--period", "2000"], 1),
        &["`2000` is not a period; expected FROM..TO, such as 2010..2020"],
    );
}

#[test]
fn an_import_is_searchable_at_once() {
    let ws = Workspace::new().with_catalog();
    assert!(keys(&ws, &["search", "angiografi"]).is_empty());
    ws.ok(&[
        "import",
        "--full",
        "--registry",
        "hjerteinfarkt",
        "fixtures/catalog/hjerteinfarkt_klokebok_2024.csv",
    ]);
    assert_eq!(keys(&ws, &["search", "angiografi"]), ["hjerteinfarkt/BEHANDLING_ANGIOGRAFI_DATO"]);
}

#[test]
fn drafts_stay_out_of_search_until_published() {
    let ws = Workspace::new().with_catalog();
    ws.ok(&[
        "import",
        "--draft",
        "--registry",
        "hjerteinfarkt",
        "fixtures/catalog/hjerteinfarkt_klokebok_2024.csv",
    ]);
    assert!(keys(&ws, &["search", "angiografi"]).is_empty());
    ws.ok(&["publish", "hjerteinfarkt"]);
    assert_eq!(keys(&ws, &["search", "angiografi"]), ["hjerteinfarkt/BEHANDLING_ANGIOGRAFI_DATO"]);
}

#[test]
fn older_versions_on_request() {
    let ws = demo();
    let all = keys(&ws, &["search", "røyker pasienten", "--all-versions"]);
    assert!(all.contains(&"hjerteinfarkt/INNLEGGELSE_ROYKER".to_owned()), "{all:?}");
    let out = ws.ok(&["search", "\"røyker pasienten\"", "--all-versions"]);
    assert_contains(&out, &["hjerteinfarkt/INNLEGGELSE_ROYKER@1"]);
}

#[test]
fn reindex_rebuilds_a_damaged_index() {
    let ws = demo();
    std::fs::write(ws.data_dir().join("index/meta.json"), "not json").unwrap();
    assert_contains(
        &ws.fails(&["search", "røyk"], 1),
        &["failed to open the search index at", "run `varkat reindex`"],
    );
    assert_contains(&ws.ok(&["reindex"]), &["indexed 40 variables", "up to change 10"]);
    assert_eq!(keys(&ws, &["search", "røyk", "--limit", "30"]).len(), 13);
}
