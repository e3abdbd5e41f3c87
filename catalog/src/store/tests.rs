//! Store tests on a real sled directory: import, versions, drafts, as-of reads, restore.

use super::*;
use crate::model::{
    CodeSystem, CodeSystemVersion, DataType, LocalizedText, MappingRelation, ReviewStatus,
    VariableDefinition,
};

fn key(name: &str) -> VariableKey {
    VariableKey::new(RegistryId::new("hunt").unwrap(), name).unwrap()
}

fn request(variables: &[(&str, &str)], full: bool, draft: bool) -> ImportRequest {
    let source = SourceFile { path: "hunt.csv".into(), format: "opal".into() };
    ImportRequest {
        registries: Vec::new(),
        variables: variables
            .iter()
            .map(|(name, label)| IncomingVariable {
                key: key(name),
                definition: VariableDefinition {
                    label: LocalizedText::nb(label),
                    ..VariableDefinition::of_type(DataType::Text)
                },
                source: source.clone(),
            })
            .collect(),
        files: vec![source],
        warnings: Vec::new(),
        full,
        draft,
        who: "tester".into(),
        code_systems: Vec::new(),
        shared_definitions: Vec::new(),
        value_sets: Vec::new(),
        code_maps: Vec::new(),
    }
}

/// A categorical shared definition with no value set, as the review tests need one.
fn shared_definition(id: &str, label: &str) -> SharedDefinition {
    SharedDefinition {
        id: SharedDefinitionId(id.into()),
        version: VersionNo::FIRST,
        label: LocalizedText::nb(label),
        description: LocalizedText::default(),
        data_type: DataType::Categorical,
        unit: None,
        value_set: Vec::new(),
        external: Vec::new(),
    }
}

/// A mapping of variable `name`'s first version onto `definition`'s first, with no values.
fn mapping(name: &str, definition: &SharedDefinition, status: ReviewStatus) -> Mapping {
    Mapping {
        variable: key(name),
        variable_version: VersionNo::FIRST,
        definition: definition.id.clone(),
        definition_version: VersionNo::FIRST,
        version: VersionNo::FIRST,
        relation: MappingRelation::Equivalent,
        values: Vec::new(),
        status,
        reviewer: None,
        comment: None,
        decided_at: None,
    }
}

fn versions(store: &Store, name: &str) -> String {
    store
        .history(&key(name))
        .unwrap()
        .iter()
        .map(|version| {
            format!(
                "{}:{}:{}",
                version.version,
                version.visible_status(),
                version.definition.label.best().unwrap()
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_registry_counts_what_researchers_see_and_the_drafts_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let hunt = RegistryId::new("hunt").unwrap();
    store.import(request(&[("A", "a"), ("B", "b"), ("C", "c")], false, false)).unwrap();
    // C is retired; then A gets a draft and D arrives as one.
    store.import(request(&[("A", "a"), ("B", "b")], true, false)).unwrap();
    store.import(request(&[("A", "a, endret"), ("D", "d")], false, true)).unwrap();
    let counts = store.registry_counts(&hunt).unwrap();
    assert_eq!(counts, RegistryCounts { variables: 2, drafts: 2 });
    // The same as counting the variables themselves.
    let published = store.variables(&hunt, View::Published).unwrap();
    let live = published.iter().filter(|v| v.status != Status::Retired).count();
    let with_drafts = store.variables(&hunt, View::WithDrafts).unwrap();
    let drafts = with_drafts.iter().filter(|v| v.is_draft()).count();
    assert_eq!((counts.variables, counts.drafts), (live, drafts));
}

#[test]
fn a_page_of_variables_is_that_part_of_the_whole_list() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let hunt = RegistryId::new("hunt").unwrap();
    store.import(request(&[("A", "a"), ("B", "b"), ("C", "c"), ("E", "e")], false, false)).unwrap();
    // A gets a draft, and D arrives as one: researchers see neither, stewards both.
    store.import(request(&[("A", "a, endret"), ("D", "d")], false, true)).unwrap();
    for view in [View::Published, View::WithDrafts] {
        let all = store.variables(&hunt, view).unwrap();
        for range in [0..2, 2..4, 3..10, 0..usize::MAX, 7..9] {
            let page = store.variables_page(&hunt, view, range.clone()).unwrap();
            assert_eq!(page.total, all.len(), "{view:?}");
            let expected: Vec<_> = all.iter().skip(range.start).take(range.len()).collect();
            assert_eq!(page.variables.iter().collect::<Vec<_>>(), expected, "{view:?} {range:?}");
        }
    }
    let page = store.variables_page(&hunt, View::Published, 0..2).unwrap();
    let shown: Vec<String> =
        page.variables.iter().map(|v| format!("{}:{}", v.key.name(), v.version)).collect();
    assert_eq!((shown, page.total), (vec!["A:1".to_owned(), "B:1".to_owned()], 4));
}

#[test]
fn a_registry_is_read_one_variable_history_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let hunt = RegistryId::new("hunt").unwrap();
    store.import(request(&[("A", "a"), ("B", "b"), ("C", "c")], false, false)).unwrap();
    store.import(request(&[("A", "a, endret"), ("C", "c, endret")], false, false)).unwrap();
    store.import(request(&[("C", "c, utkast")], false, true)).unwrap();
    let histories: Vec<String> = store
        .histories(&hunt)
        .map(|history| {
            let history = history.unwrap();
            let numbers: Vec<String> = history.iter().map(|v| v.version.to_string()).collect();
            format!("{}:{}", history[0].key.name(), numbers.join(","))
        })
        .collect();
    assert_eq!(histories, ["A:1,2", "B:1", "C:1,2,3"]);
    assert_eq!(store.version_count(&hunt).unwrap(), 6);
    // Each history is the variable's own.
    assert_eq!(store.histories(&hunt).nth(2).unwrap().unwrap(), store.history(&key("C")).unwrap());
}

#[test]
fn changes_after_any_number_are_those_that_follow_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.import(request(&[("A", "a")], false, false)).unwrap();
    store.import(request(&[("A", "a, endret")], false, false)).unwrap();
    let after = |seq: u64| -> Vec<u64> {
        store.changes_after(ChangeSeq(seq)).map(|change| change.unwrap().seq.0).collect()
    };
    assert_eq!(after(0), [1, 2]);
    assert_eq!(after(1), [2]);
    assert!(after(2).is_empty());
    // A client may ask for anything after the largest number there is.
    assert!(after(u64::MAX).is_empty());
}

#[test]
fn reimport_of_unchanged_codebook_records_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let first = store.import(request(&[("ROYK", "Røyker du?")], false, false)).unwrap();
    assert_eq!(first.change.unwrap().seq, ChangeSeq(1));
    let again = store.import(request(&[("ROYK", "Røyker du?")], false, false)).unwrap();
    assert!(again.change.is_none());
    assert_eq!(store.last_change().unwrap(), ChangeSeq(1));
    assert_eq!(versions(&store, "ROYK"), "1:published:Røyker du?");
}

#[test]
fn changed_and_retired_variables_get_versions() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.import(request(&[("ROYK", "Røyker du?"), ("SNUS", "Snuser du?")], false, false)).unwrap();
    store.import(request(&[("ROYK", "Røyker du daglig?")], true, false)).unwrap();
    assert_eq!(versions(&store, "ROYK"), "1:published:Røyker du? 2:published:Røyker du daglig?");
    assert_eq!(versions(&store, "SNUS"), "1:published:Snuser du? 2:retired:Snuser du?");
    let changes: Vec<String> =
        store.changes_after(ChangeSeq(0)).map(|change| change.unwrap().summary()).collect();
    assert_eq!(
        changes,
        [
            "import #1 of hunt.csv: 2 new, 0 changed, 0 retired; registries hunt",
            "import #2 of hunt.csv: 0 new, 1 changed, 1 retired",
        ]
    );
}

#[test]
fn drafts_are_hidden_until_published() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let hunt = RegistryId::new("hunt").unwrap();
    store.import(request(&[("ROYK", "Røyker du?")], false, false)).unwrap();
    store.import(request(&[("ROYK", "Røyker du nå?")], false, true)).unwrap();
    let published = store.variables(&hunt, View::Published).unwrap();
    assert_eq!(published[0].definition.label.best(), Some("Røyker du?"));
    let refused = store.import(request(&[("ROYK", "x")], false, false)).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "registry `hunt` has unpublished drafts; run `varkat publish hunt` or `varkat discard hunt` first, or import with --draft"
    );
    store.publish(&hunt, "steward").unwrap();
    assert_eq!(versions(&store, "ROYK"), "1:published:Røyker du? 2:published:Røyker du nå?");
    assert_eq!(
        store.discard(&hunt, "steward").unwrap_err().to_string(),
        "registry `hunt` has no drafts"
    );
}

#[test]
fn discard_drops_drafts() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let hunt = RegistryId::new("hunt").unwrap();
    store.import(request(&[("ROYK", "Røyker du?")], false, false)).unwrap();
    store.import(request(&[("ROYK", "Røyker du nå?")], false, true)).unwrap();
    store.discard(&hunt, "steward").unwrap();
    assert_eq!(versions(&store, "ROYK"), "1:published:Røyker du?");
}

#[test]
fn as_of_reads_what_was_published_then() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.import(request(&[("ROYK", "Røyker du?")], false, false)).unwrap();
    let between = Utc::now();
    store.import(request(&[("ROYK", "Røyker du daglig?")], false, false)).unwrap();
    assert_eq!(store.as_of(&key("ROYK"), between).unwrap().version, VersionNo(1));
    assert_eq!(store.as_of(&key("ROYK"), Utc::now()).unwrap().version, VersionNo(2));
    let before = between - chrono::Duration::days(1);
    assert!(matches!(store.as_of(&key("ROYK"), before), Err(Error::NothingAsOf { .. })));
}

#[test]
fn second_open_is_refused_as_locked() {
    let dir = tempfile::tempdir().unwrap();
    let _store = Store::open(dir.path()).unwrap();
    let err = Store::open(dir.path()).err().unwrap();
    assert!(matches!(err, Error::Locked(_)), "{err}");
}

#[test]
fn newer_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        store.tree.insert(keys::FORMAT, b"99").unwrap();
        store.db.flush().unwrap();
    }
    let err = reopen(dir.path()).err().unwrap();
    assert!(
        err.to_string().contains("has format version 99; this varkat reads format version 2"),
        "{err}"
    );
}

/// Opens a store this process has just closed. sled's background flusher may hold the
/// directory's lock for a moment after the `Db` is dropped.
fn reopen(path: &std::path::Path) -> Result<Store> {
    for _ in 0..100 {
        match Store::open(path) {
            Err(Error::Locked(_)) => std::thread::sleep(std::time::Duration::from_millis(20)),
            other => return other,
        }
    }
    Store::open(path)
}

#[test]
fn a_format_1_store_opens_and_is_upgraded_in_place() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        store.import(request(&[("ROYK", "Røyker du?")], false, false)).unwrap();
        store.tree.insert(keys::FORMAT, b"1").unwrap();
        store.db.flush().unwrap();
    }
    let store = reopen(dir.path()).unwrap();
    assert_eq!(store.tree.get(keys::FORMAT).unwrap().unwrap().as_ref(), b"2");
    assert_eq!(store.history(&key("ROYK")).unwrap().len(), 1);
}

#[test]
fn shared_definitions_get_a_new_version_only_when_they_change() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let definition = shared_definition("smoking_status", "Røykestatus");
    let with = |definition: &SharedDefinition| ImportRequest {
        shared_definitions: vec![definition.clone()],
        ..request(&[], false, false)
    };
    let first = store.import(with(&definition)).unwrap();
    assert_eq!(first.plan.definitions.len(), 1);
    let again = store.import(with(&definition)).unwrap();
    assert!(again.change.is_none(), "the same definition again writes nothing");
    let relabelled = SharedDefinition { label: LocalizedText::nb("Røykevaner"), ..definition };
    store.import(with(&relabelled)).unwrap();
    let history = store.shared_definition_history(&relabelled.id).unwrap();
    assert_eq!(history.iter().map(|d| d.version.0).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(store.shared_definitions().unwrap()[0].label.best(), Some("Røykevaner"));
}

#[test]
fn a_review_decision_is_a_new_mapping_version_in_the_change_log() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let definition = shared_definition("smoking_status", "Røykestatus");
    store
        .import(ImportRequest {
            shared_definitions: vec![definition.clone()],
            ..request(&[("ROYK", "Røyker du?")], false, false)
        })
        .unwrap();
    let proposed = mapping("ROYK", &definition, ReviewStatus::Proposed);
    store.record_review(vec![proposed.clone()], "varkat").unwrap();
    let accepted = Mapping { status: ReviewStatus::Accepted, ..proposed.clone() };
    let change = store.record_review(vec![accepted], "kari").unwrap();
    assert_eq!(change.who, "kari");
    let history = store.mapping_history(&proposed.variable).unwrap();
    assert_eq!(
        history.iter().map(|m| (m.version.0, m.status)).collect::<Vec<_>>(),
        [(1, ReviewStatus::Proposed), (2, ReviewStatus::Accepted)]
    );
    let unknown = Mapping { definition: SharedDefinitionId("nope".into()), ..proposed };
    let err = store.record_review(vec![unknown], "kari").unwrap_err();
    assert!(matches!(err, Error::DefinitionNotFound(_)), "{err}");
    assert_eq!(store.mappings().unwrap().len(), 1, "a refused decision writes nothing");
}

/// A definition's members are the variables whose latest mapping is onto it: a variable moved
/// away (a newer mapping onto another definition) is no longer one.
#[test]
fn the_latest_mapping_of_each_variable_says_which_definition_it_is_under() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let smoking = shared_definition("smoking_status", "Røykestatus");
    let snus = shared_definition("snus_use", "Snusbruk");
    store
        .import(ImportRequest {
            shared_definitions: vec![smoking.clone(), snus.clone()],
            ..request(&[("ROYK", "Røyker du?"), ("SNUS", "Snuser du?")], false, false)
        })
        .unwrap();
    store
        .record_review(
            vec![
                mapping("ROYK", &smoking, ReviewStatus::Proposed),
                mapping("SNUS", &smoking, ReviewStatus::Proposed),
            ],
            "varkat",
        )
        .unwrap();
    store.record_review(vec![mapping("SNUS", &snus, ReviewStatus::Accepted)], "kari").unwrap();
    let members = |definition: &SharedDefinition| -> Vec<(String, ReviewStatus)> {
        let mappings = store.mappings_onto(&definition.id).unwrap();
        mappings.into_iter().map(|m| (m.variable.name().to_owned(), m.status)).collect()
    };
    assert_eq!(members(&smoking), [("ROYK".to_owned(), ReviewStatus::Proposed)]);
    assert_eq!(members(&snus), [("SNUS".to_owned(), ReviewStatus::Accepted)]);
    let latest: Vec<(String, u32)> = store
        .mappings()
        .unwrap()
        .into_iter()
        .map(|m| (m.variable.name().to_owned(), m.version.0))
        .collect();
    assert_eq!(latest, [("ROYK".to_owned(), 1), ("SNUS".to_owned(), 2)]);
}

#[test]
fn restore_gives_identical_catalog() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let original = Store::open(a.path()).unwrap();
    original
        .import(request(&[("ROYK", "Røyker du?"), ("SNUS", "Snuser du?")], false, false))
        .unwrap();
    original.import(request(&[("ROYK", "Røyker du nå?")], true, true)).unwrap();
    let dump = original.dump().unwrap();
    let restored = Store::open(b.path()).unwrap();
    restored.restore(&dump).unwrap();
    assert_eq!(restored.dump().unwrap(), dump);
    assert!(matches!(restored.restore(&dump), Err(Error::RestoreIntoNonEmpty(_))));
}

fn code_system_version(
    version: &str,
    concepts: &[(&str, &str)],
) -> (CodeSystem, CodeSystemVersion) {
    let id = crate::id::CodeSystemId("volven-8116".into());
    let system = CodeSystem { id: id.clone(), name: "ID-type for personer".into(), url: None };
    let concepts = concepts
        .iter()
        .map(|(code, display)| crate::model::Concept {
            code: (*code).into(),
            display: LocalizedText::nb(display),
            parent: None,
            period: Default::default(),
        })
        .collect();
    (
        system,
        CodeSystemVersion {
            system: id,
            version: version.into(),
            content: crate::model::ConceptContent::Complete,
            concepts,
        },
    )
}

#[test]
fn a_new_code_system_version_reports_its_changes_and_the_variables_to_review() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut bound = request(&[("IDTYPE", "ID-type")], false, false);
    bound.variables[0].definition.value_domain.code_system =
        Some(crate::model::CodeSystemBinding {
            system: crate::id::CodeSystemId("volven-8116".into()),
            version: None,
        });
    bound.code_systems = vec![code_system_version(
        "1",
        &[("FNR", "Fødselsnummer"), ("DNR", "D-nummer"), ("HNR", "H-nummer")],
    )];
    store.import(bound).unwrap();
    let mut next = request(&[], false, false);
    next.code_systems = vec![code_system_version(
        "2",
        &[
            ("FNR", "Fødselsnummer"),
            ("DNR", "D-nummer (midlertidig)"),
            ("FHN", "Felles hjelpenummer"),
        ],
    )];
    let outcome = store.import(next).unwrap();
    let planned = &outcome.plan.code_systems[0];
    assert_eq!(planned.diff.previous.as_deref(), Some("1"));
    assert_eq!(
        (planned.diff.added.clone(), planned.diff.removed.clone(), planned.diff.relabelled.clone()),
        (vec!["FHN".to_owned()], vec!["HNR".to_owned()], vec!["DNR".to_owned()])
    );
    assert_eq!(planned.to_review, [key("IDTYPE")]);
    let id = crate::id::CodeSystemId("volven-8116".into());
    let summaries: Vec<String> = store
        .code_system_version_summaries(&id)
        .unwrap()
        .iter()
        .map(|v| format!("{}:{}", v.version, v.codes))
        .collect();
    assert_eq!(summaries, ["1:3", "2:3"]);
    let versions = store.code_system_versions(&id).unwrap();
    assert_eq!(store.code_system_version(&id, Some("1")).unwrap().as_ref(), Some(&versions[0]));
    assert_eq!(store.code_system_version(&id, None).unwrap().as_ref(), Some(&versions[1]));
    assert_eq!(store.code_system_version(&id, Some("3")).unwrap(), None);
    let mut again = request(&[], false, false);
    again.code_systems = vec![code_system_version("2", &[("FNR", "Fødselsnummer")])];
    assert!(matches!(store.import(again), Err(Error::CodeSystemVersionDiffers { .. })));
}

#[test]
fn a_value_set_version_is_kept_once_and_may_not_change_under_the_same_version() {
    use crate::model::{ValueSet, ValueSetConcept, ValueSetRule};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let value_set = |display: &str| ValueSet {
        id: crate::id::ValueSetId("kjonn-vs".into()),
        url: None,
        version: "1.0".into(),
        name: "Kjønn".into(),
        includes: vec![ValueSetRule {
            system: Some("urn:oid:2.16.578.1.12.4.1.1.3101".into()),
            concepts: vec![ValueSetConcept {
                code: "1".into(),
                display: LocalizedText::nb(display),
            }],
            ..ValueSetRule::default()
        }],
        excludes: Vec::new(),
    };
    let with = |value_set: ValueSet| ImportRequest {
        value_sets: vec![value_set],
        ..request(&[], false, false)
    };
    assert_eq!(store.import(with(value_set("Mann"))).unwrap().plan.value_sets.len(), 1);
    assert!(store.import(with(value_set("Mann"))).unwrap().change.is_none());
    let err = store.import(with(value_set("Gutt"))).unwrap_err();
    assert!(matches!(err, Error::ValueSetVersionDiffers { .. }), "{err}");
    assert_eq!(store.value_sets().unwrap().len(), 1);
    assert_eq!(store.dump().unwrap().value_sets.len(), 1);
}

#[test]
fn a_code_map_version_is_kept_once_and_may_not_change_under_the_same_version() {
    use crate::model::{CodeMap, CodeMapElement, CodeMapGroup, CodeMapTarget};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let code_map = |target: &str| CodeMap {
        id: crate::id::CodeMapId("icd10-icpc2".into()),
        url: None,
        version: "2024".into(),
        name: "ICD-10 til ICPC-2".into(),
        source: None,
        target: None,
        groups: vec![CodeMapGroup {
            source: Some("icd-10".into()),
            target: Some("icpc-2".into()),
            elements: vec![CodeMapElement {
                code: "C34".into(),
                display: None,
                targets: vec![CodeMapTarget {
                    code: Some(target.into()),
                    display: None,
                    equivalence: "equivalent".into(),
                }],
            }],
        }],
    };
    let with = |code_map: CodeMap| ImportRequest {
        code_maps: vec![code_map],
        ..request(&[], false, false)
    };
    assert_eq!(store.import(with(code_map("R84"))).unwrap().plan.code_maps.len(), 1);
    assert!(store.import(with(code_map("R84"))).unwrap().change.is_none());
    let err = store.import(with(code_map("R85"))).unwrap_err();
    assert!(matches!(err, Error::CodeMapVersionDiffers { .. }), "{err}");
    assert_eq!(store.dump().unwrap().code_maps.len(), 1);
}

#[test]
fn a_decided_mapping_needs_rereview_when_its_variable_or_its_codes_change() {
    use crate::model::{CodeSystemBinding, Concept, ConceptContent};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let system = CodeSystem {
        id: crate::id::CodeSystemId("icd-10".into()),
        name: "ICD-10".into(),
        url: None,
    };
    let version = |name: &str, label: &str| CodeSystemVersion {
        system: system.id.clone(),
        version: name.into(),
        content: ConceptContent::Complete,
        concepts: vec![Concept {
            code: "C34".into(),
            display: LocalizedText::nb(label),
            parent: None,
            period: crate::model::Period::default(),
        }],
    };
    let definition = shared_definition("diagnosis", "Diagnose");
    let mut bound = request(&[("DIAG", "Hoveddiagnose")], false, false);
    bound.variables[0].definition.value_domain.code_system =
        Some(CodeSystemBinding { system: system.id.clone(), version: None });
    bound.code_systems = vec![(system.clone(), version("2024", "Lungekreft"))];
    bound.shared_definitions = vec![definition.clone()];
    store.import(bound).unwrap();
    let proposed = mapping("DIAG", &definition, ReviewStatus::Proposed);
    assert_eq!(store.rereview_reason(&proposed).unwrap(), None, "a proposal waits anyway");
    let accepted = Mapping {
        status: ReviewStatus::Accepted,
        decided_at: Some(Utc::now()),
        ..proposed.clone()
    };
    assert_eq!(store.rereview_reason(&accepted).unwrap(), None);

    // The code system relabels the variable's code after the decision.
    std::thread::sleep(std::time::Duration::from_millis(5));
    let relabelled = ImportRequest {
        code_systems: vec![(system.clone(), version("2025", "Ondartet svulst i lunge"))],
        ..request(&[], false, false)
    };
    store.import(relabelled).unwrap();
    let why = store.rereview_reason(&accepted).unwrap().expect("the codes changed");
    assert!(why.contains("icd-10@2025"), "{why}");

    // Asked for many at once, each mapping gets its own answer, in order: one decided after
    // the new version needs no second look.
    let decided_later = Mapping { decided_at: Some(Utc::now()), ..accepted.clone() };
    let reasons =
        store.rereview_reasons(&[proposed, accepted.clone(), decided_later, accepted]).unwrap();
    let needs: Vec<bool> = reasons.iter().map(Option::is_some).collect();
    assert_eq!(needs, [false, true, false, true], "{reasons:?}");
}
