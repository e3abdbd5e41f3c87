//! Index tests on a real store: catching up after imports, filters, facets, phrases, prefixes.

use catalog::{
    Category, DataType, ImportRequest, IncomingVariable, LocalizedText, Period, Registry,
    RegistryId, RegistryKind, SourceFile, Store, ValueDomain, VariableDefinition, VariableKey,
};
use chrono::NaiveDate;

use crate::{SearchIndex, SearchRequest};

fn variable(
    registry: &str,
    name: &str,
    label: &str,
    options: &[&str],
    from: i32,
) -> IncomingVariable {
    let categories = options
        .iter()
        .enumerate()
        .map(|(i, option)| Category {
            code: (i + 1).to_string(),
            label: LocalizedText::nb(option),
            missing: false,
            order: i as u32,
            period: Period::default(),
        })
        .collect();
    IncomingVariable {
        key: VariableKey::new(RegistryId::new(registry).unwrap(), name).unwrap(),
        definition: VariableDefinition {
            label: LocalizedText::nb(label),
            value_domain: ValueDomain { categories, ..ValueDomain::default() },
            period: Period { from: NaiveDate::from_ymd_opt(from, 1, 1), to: None },
            ..VariableDefinition::of_type(if options.is_empty() {
                DataType::Integer
            } else {
                DataType::Categorical
            })
        },
        source: SourceFile { path: "test".into(), format: "test".into() },
    }
}

fn import(store: &Store, variables: Vec<IncomingVariable>) {
    let registries = ["hunt", "mfr"]
        .iter()
        .map(|id| Registry {
            kind: if *id == "hunt" { RegistryKind::Survey } else { RegistryKind::Central },
            ..Registry::unnamed(RegistryId::new(id).unwrap())
        })
        .collect();
    let request = ImportRequest {
        registries,
        variables,
        files: Vec::new(),
        warnings: Vec::new(),
        full: false,
        draft: false,
        who: "test".into(),
        code_systems: Vec::new(),
        shared_definitions: Vec::new(),
        value_sets: Vec::new(),
        code_maps: Vec::new(),
    };
    store.import(request).unwrap();
}

fn catalog() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    import(
        &store,
        vec![
            variable("hunt", "RoykStatus", "Røyker du?", &["Nei, aldri", "Ja, daglig"], 1984),
            variable(
                "mfr",
                "ROYK_BEGYNNELSE",
                "Mors røyking ved svangerskapets begynnelse",
                &["Nei", "Daglig"],
                1999,
            ),
            variable("hunt", "Vekt", "Kroppsvekt", &[], 1984),
        ],
    );
    (dir, store)
}

#[track_caller]
fn check(index: &SearchIndex, request: &SearchRequest, expect: &str) {
    let result = index.search(request).unwrap();
    let got: Vec<String> = result.hits.iter().map(|hit| hit.key.clone()).collect();
    assert_eq!(got.join(" "), expect);
}

#[test]
fn an_import_is_searchable_after_catching_up() {
    let (dir, store) = catalog();
    let index = SearchIndex::open(&dir.path().join("index")).unwrap();
    assert_eq!(index.catch_up(&store).unwrap().to.0, 1);
    check(&index, &SearchRequest::new("røyk"), "hunt/RoykStatus mfr/ROYK_BEGYNNELSE");
    import(
        &store,
        vec![variable(
            "mfr",
            "ROYK_SLUTT",
            "Mors røyking ved svangerskapets slutt",
            &["Nei"],
            1999,
        )],
    );
    let caught_up = index.catch_up(&store).unwrap();
    assert_eq!((caught_up.from.0, caught_up.to.0, caught_up.variables), (1, 2, 1));
    assert_eq!(index.search(&SearchRequest::new("røyk")).unwrap().total, 3);
}

/// The store commits, then the process dies before the index does: the next open catches up.
#[test]
fn a_crash_between_store_and_index_loses_nothing() {
    let (dir, store) = catalog();
    {
        let index = SearchIndex::open(&dir.path().join("index")).unwrap();
        index.catch_up(&store).unwrap();
    }
    import(
        &store,
        vec![variable(
            "mfr",
            "ROYK_SLUTT",
            "Mors røyking ved svangerskapets slutt",
            &["Nei"],
            1999,
        )],
    );
    let reopened = SearchIndex::open(&dir.path().join("index")).unwrap();
    assert_eq!(reopened.last_applied().unwrap().0, 1);
    reopened.catch_up(&store).unwrap();
    assert_eq!(reopened.last_applied().unwrap().0, 2);
    check(
        &reopened,
        &SearchRequest::new("svangerskapets slutt"),
        "mfr/ROYK_SLUTT mfr/ROYK_BEGYNNELSE",
    );
}

#[test]
fn filters_narrow_and_facets_count() {
    let (_dir, store) = catalog();
    let index = SearchIndex::in_memory().unwrap();
    index.catch_up(&store).unwrap();
    check(
        &index,
        &SearchRequest { registries: vec!["mfr".into()], ..SearchRequest::new("røyk") },
        "mfr/ROYK_BEGYNNELSE",
    );
    check(&index, &SearchRequest::new("røyk registry:hunt"), "hunt/RoykStatus");
    check(&index, &SearchRequest::new("type:integer"), "hunt/Vekt");
    let period = Some((NaiveDate::from_ymd_opt(1985, 1, 1), NaiveDate::from_ymd_opt(1990, 12, 31)));
    check(&index, &SearchRequest { period, ..SearchRequest::new("røyk") }, "hunt/RoykStatus");
    let result =
        index.search(&SearchRequest { facets: true, ..SearchRequest::new("røyk") }).unwrap();
    let facets = result.facets.unwrap();
    let registry: Vec<String> =
        facets.registry.iter().map(|f| format!("{} {}", f.value, f.count)).collect();
    assert_eq!(registry, ["hunt 1", "mfr 1"]);
    let kinds: Vec<String> =
        facets.kind.iter().map(|f| format!("{} {}", f.value, f.count)).collect();
    assert_eq!(kinds, ["central 1", "survey 1"]);
}

#[test]
fn phrases_prefixes_and_highlights() {
    let (_dir, store) = catalog();
    let index = SearchIndex::in_memory().unwrap();
    index.catch_up(&store).unwrap();
    check(&index, &SearchRequest::new("\"svangerskapets begynnelse\""), "mfr/ROYK_BEGYNNELSE");
    check(&index, &SearchRequest::new("kroppsv*"), "hunt/Vekt");
    let result = index.search(&SearchRequest::new("royking")).unwrap();
    let hit = result.hits.iter().find(|hit| hit.key == "mfr/ROYK_BEGYNNELSE").unwrap();
    assert_eq!(
        hit.highlight.as_ref().unwrap().marked("[", "]"),
        "Mors [røyking] ved svangerskapets begynnelse"
    );
}

#[test]
fn paging_skips_earlier_hits() {
    let (_dir, store) = catalog();
    let index = SearchIndex::in_memory().unwrap();
    index.catch_up(&store).unwrap();
    check(
        &index,
        &SearchRequest { limit: 1, offset: 1, ..SearchRequest::new("røyk") },
        "mfr/ROYK_BEGYNNELSE",
    );
}

#[test]
fn shared_definitions_and_codes_are_found_beside_the_variables_and_follow_new_versions() {
    use catalog::{
        CodeSystem, CodeSystemId, CodeSystemVersion, Concept, ConceptContent, SharedDefinition,
        SharedDefinitionId, VersionNo,
    };
    let (dir, store) = catalog();
    let index = SearchIndex::open(&dir.path().join("index")).unwrap();
    let definition = SharedDefinition {
        id: SharedDefinitionId("smoking_status".into()),
        version: VersionNo::FIRST,
        label: LocalizedText { nb: Some("Røykestatus".into()), en: Some("Smoking status".into()) },
        description: LocalizedText::default(),
        data_type: DataType::Categorical,
        unit: None,
        value_set: Vec::new(),
        external: Vec::new(),
    };
    let system = CodeSystem { id: CodeSystemId("icd-10".into()), name: "ICD-10".into(), url: None };
    let concept = |code: &str, nb: &str| Concept {
        code: code.into(),
        display: LocalizedText::nb(nb),
        parent: None,
        period: Period::default(),
    };
    let version = |name: &str, concepts: Vec<Concept>| CodeSystemVersion {
        system: system.id.clone(),
        version: name.into(),
        content: ConceptContent::Complete,
        concepts,
    };
    let with = |code_systems, shared_definitions| ImportRequest {
        who: "test".into(),
        code_systems,
        shared_definitions,
        ..ImportRequest::default()
    };
    let first = version("2024", vec![concept("C34", "Ondartet svulst i bronkie og lunge")]);
    store.import(with(vec![(system.clone(), first)], vec![definition])).unwrap();
    index.catch_up(&store).unwrap();

    let found = index.search_terms("røyking", 5).unwrap();
    assert_eq!(found[0].kind, "definition");
    assert_eq!(found[0].id, "smoking_status");
    let code = index.search_terms("C34", 5).unwrap();
    assert_eq!(
        (code[0].kind, code[0].id.as_str(), code[0].system.as_deref()),
        ("concept", "C34", Some("icd-10"))
    );
    assert_eq!(index.search_terms("lunge", 5).unwrap().len(), 1);
    check(&index, &SearchRequest::new("røyk"), "hunt/RoykStatus mfr/ROYK_BEGYNNELSE");

    let second = version("2025", vec![concept("C34", "Ondartet svulst i lunge")]);
    store.import(with(vec![(system.clone(), second)], Vec::new())).unwrap();
    index.catch_up(&store).unwrap();
    assert!(
        index.search_terms("bronkie", 5).unwrap().is_empty(),
        "only the latest version's codes"
    );
    assert_eq!(index.search_terms("lunge", 5).unwrap().len(), 1);
}

#[test]
fn an_index_written_with_other_fields_is_rebuilt_not_refused() {
    let (dir, store) = catalog();
    let path = dir.path().join("index");
    {
        let mut builder = tantivy::schema::Schema::builder();
        builder.add_text_field("something_else", tantivy::schema::TEXT);
        std::fs::create_dir_all(&path).unwrap();
        tantivy::Index::create_in_dir(&path, builder.build()).unwrap();
    }
    let index = SearchIndex::open(&path).unwrap();
    assert_eq!(index.catch_up(&store).unwrap().variables, 3);
    check(&index, &SearchRequest::new("røyk"), "hunt/RoykStatus mfr/ROYK_BEGYNNELSE");
}

/// A filtered search finds the filter's best hits, pages and counts them, as picking the
/// registry's variables out of the unfiltered ranking would.
#[test]
fn a_filtered_search_ranks_as_the_unfiltered_one_does() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    let qualifiers = ["", " innen 30 dager", " etter kneprotese", " ved kontroll etter ett år"];
    let variables = (0..240)
        .map(|i| {
            let registry = if i % 3 == 0 { "mfr" } else { "hunt" };
            let label = format!("Reoperasjon{}", qualifiers[i % qualifiers.len()]);
            let options: &[&str] = if i % 2 == 0 { &["Nei", "Ja"] } else { &[] };
            variable(registry, &format!("Reop{i}"), &label, options, 1990 + (i % 30) as i32)
        })
        .collect();
    import(&store, variables);
    let mut index = SearchIndex::in_memory().unwrap();
    index.catch_up(&store).unwrap();

    let everything =
        index.search(&SearchRequest { limit: 1000, ..SearchRequest::new("reoperasjon") });
    let expected: Vec<String> = everything
        .unwrap()
        .hits
        .into_iter()
        .map(|hit| hit.key)
        .filter(|key| key.starts_with("mfr/"))
        .collect();
    assert_eq!(expected.len(), 80);
    // The registry's 80 matches scored one by one, and, past a lower limit, found by pruning.
    for scored_one_by_one in [crate::search::SCORED_ONE_BY_ONE, 10] {
        index.scored_one_by_one = scored_one_by_one;
        let filtered = index
            .search(&SearchRequest {
                registries: vec!["mfr".into()],
                limit: 5,
                offset: 3,
                ..SearchRequest::new("reoperasjon")
            })
            .unwrap();
        let got: Vec<String> = filtered.hits.into_iter().map(|hit| hit.key).collect();
        assert_eq!(got, expected[3..8], "scoring one by one up to {scored_one_by_one}");
        assert_eq!((filtered.total, filtered.total_exact), (80, true));
    }

    // Past the exact count, a registry's share of a common word is counted up to a limit.
    let searcher = index.reader.searcher();
    let mfr = tantivy::query::TermQuery::new(
        tantivy::Term::from_field_text(index.fields.registry, "mfr"),
        tantivy::schema::IndexRecordOption::Basic,
    );
    assert_eq!(crate::search::count_up_to(&searcher, &mfr, 1000).unwrap(), 80);
    assert_eq!(crate::search::count_up_to(&searcher, &mfr, 30).unwrap(), 30);
}

/// Synonyms are expanded when documents are indexed: when the user's `synonyms.txt` changes,
/// the next catch-up rebuilds the index, and the new synonym finds what it stands for.
#[test]
fn a_changed_synonym_file_rebuilds_the_index() {
    let (dir, store) = catalog();
    let path = dir.path().join("index");
    {
        let index = SearchIndex::open(&path).unwrap();
        index.catch_up(&store).unwrap();
        assert_eq!(index.search(&SearchRequest::new("kilogram")).unwrap().total, 0);
    }
    std::fs::write(dir.path().join("synonyms.txt"), "kroppsvekt, kilogram\n").unwrap();
    let index = SearchIndex::open(&path).unwrap();
    assert_eq!(index.last_applied().unwrap().0, 0, "an index of other synonyms starts again");
    index.catch_up(&store).unwrap();
    check(&index, &SearchRequest::new("kilogram"), "hunt/Vekt");
}

/// A run of query words that is a synonym of several words finds its group in either language.
#[test]
fn a_synonym_of_several_words_finds_its_group() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    import(
        &store,
        vec![
            variable("hunt", "BTSyst", "Systolisk blodtrykk", &[], 1984),
            variable("mfr", "FVEKT", "Fødselsvekt", &[], 1999),
        ],
    );
    let index = SearchIndex::in_memory().unwrap();
    index.catch_up(&store).unwrap();
    check(&index, &SearchRequest::new("blood pressure"), "hunt/BTSyst");
    check(&index, &SearchRequest::new("birth weight"), "mfr/FVEKT");
    let result = index.search(&SearchRequest::new("blood pressure")).unwrap();
    let highlight = result.hits[0].highlight.as_ref().unwrap();
    assert_eq!(highlight.marked("[", "]"), "Systolisk [blodtrykk]");
}

/// Codes have documents in the same index as variables; importing a classification must not
/// change how variables rank (it did, when BM25 counted the codes' documents as variables).
#[test]
fn a_code_system_leaves_the_ranking_of_variables_alone() {
    use catalog::{CodeSystem, CodeSystemId, CodeSystemVersion, Concept, ConceptContent};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    let labels = [
        "Røyker du?",
        "Røykestatus",
        "Røyker du daglig, av og til eller aldri, og har du røykt tidligere?",
        "Røykeslutt etter tre måneder",
        "Mors røyking ved svangerskapets begynnelse og slutt",
        "Røyk",
        "Antall sigaretter per dag for de som røyker daglig",
        "Passiv røyking hjemme",
    ];
    let variables = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let registry = if i % 2 == 0 { "hunt" } else { "mfr" };
            let options: &[&str] = if i % 3 == 0 { &["Nei", "Ja"] } else { &[] };
            variable(registry, &format!("V{i}"), label, options, 1990)
        })
        .collect();
    import(&store, variables);
    let index = SearchIndex::open(&dir.path().join("index")).unwrap();
    index.catch_up(&store).unwrap();
    let requests = [
        SearchRequest::new("røyker daglig"),
        SearchRequest { registries: vec!["hunt".into()], ..SearchRequest::new("røyking") },
        SearchRequest { facets: true, ..SearchRequest::new("røyk slutt") },
    ];
    let ranked = |index: &SearchIndex| -> Vec<Vec<String>> {
        requests
            .iter()
            .map(|request| {
                let result = index.search(request).unwrap();
                result.hits.into_iter().map(|hit| hit.key).collect()
            })
            .collect()
    };
    let before = ranked(&index);
    let system = CodeSystem { id: CodeSystemId("icd-10".into()), name: "ICD-10".into(), url: None };
    let concepts = (0..3000)
        .map(|n| Concept {
            code: format!("X{n:04}"),
            display: LocalizedText::nb(&format!("Sykdom {n} i lunge")),
            parent: None,
            period: Period::default(),
        })
        .collect();
    let version = CodeSystemVersion {
        system: system.id.clone(),
        version: "2024".into(),
        content: ConceptContent::Complete,
        concepts,
    };
    store
        .import(ImportRequest {
            who: "test".into(),
            code_systems: vec![(system, version)],
            ..ImportRequest::default()
        })
        .unwrap();
    index.catch_up(&store).unwrap();
    assert!(before.iter().all(|hits| hits.len() > 1), "{before:?}");
    assert_eq!(ranked(&index), before);
}
