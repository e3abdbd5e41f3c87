//! Code systems: importing versions, seeing what changed, and where a code system is used.

use crate::util::{Workspace, assert_contains};

#[test]
fn a_new_version_reports_its_changes_and_the_bound_variables_to_review() {
    let ws = Workspace::new().with_catalog();
    let out = ws.ok(&["import", "--system", "icd-10@2024", "fixtures/csv-code-list/ok/icd10.csv"]);
    assert_contains(
        &out,
        &[
            "reading fixtures/csv-code-list/ok/icd10.csv as csv-code-list",
            "code system icd-10@2024: 3 added, 0 removed, 0 relabelled, 0 moved",
        ],
    );
    let out =
        ws.ok(&["import", "--system", "icd-10@2025", "fixtures/csv-code-list/ok/icd10_2025.csv"]);
    assert_contains(
        &out,
        &[
            "code system icd-10@2025 since 2024: 1 added, 1 removed, 1 relabelled, 0 moved",
            "to review: kreftreg/ICD10 is bound to it and codes were removed or changed",
        ],
    );
    assert_contains(
        &ws.ok(&["codes", "list"]),
        &["icd-10", "versions: 2024 (3 codes), 2025 (3 codes)"],
    );
    assert_contains(
        &ws.ok(&["codes", "show", "icd-10@2024"]),
        &["C34.1        Ondartet svulst i overlapp, bronkie eller lunge  (under C34)"],
    );
    let used = ws.ok(&["codes", "where-used", "icd-10"]);
    assert_contains(
        &used,
        &[
            "kreftreg/ICD10@1  Diagnose (ICD-10)  (bound to icd-10@2024)",
            "1 variable versions use icd-10",
        ],
    );
    assert_contains(
        &ws.ok(&["codes", "where-used", "icd-10@2025"]),
        &["0 variable versions use icd-10@2025"],
    );
}

#[test]
fn fhir_json_and_xml_give_the_same_code_system() {
    let ws = Workspace::new();
    ws.ok(&["import", "fixtures/fhir/ok/kjonn.json"]);
    assert_contains(
        &ws.ok(&["codes", "show", "kjonn"]),
        &["kjonn@1.0 (complete, 5 codes)", "9.2          Ikke mulig å fastslå  (under 9)"],
    );
    assert_contains(
        &ws.ok(&["import", "fixtures/fhir/ok/kjonn.json"]),
        &["1 code system versions unchanged", "nothing changed"],
    );
    assert_contains(
        &ws.ok(&["import", "fixtures/fhir/ok/stub.json"]),
        &["code system no-kodeverk-7010@0.6.0"],
    );
    assert_contains(
        &ws.fails(&["import", "fixtures/fhir/err/namingsystem.json"], 3),
        &["this is a FHIR NamingSystem (identifier namespaces), not a data dictionary"],
    );
}

#[test]
fn a_fhir_concept_map_is_kept_with_its_code_pairs() {
    let ws = Workspace::new();
    assert_contains(
        &ws.ok(&["import", "fixtures/fhir/ok/icd10-icpc2.json"]),
        &["code map icd10-icpc2@2024 \"ICD-10 til ICPC-2 (utdrag)\": 3 codes mapped in 1 group"],
    );
    ws.ok(&["import", "fixtures/fhir/ok/kjonn-map.xml"]);
    assert_contains(
        &ws.ok(&["import", "fixtures/fhir/ok/kjonn-map.xml"]),
        &["1 code map versions unchanged", "nothing changed"],
    );
    assert_contains(
        &ws.ok(&["codes", "list"]),
        &[
            "code maps:",
            "icd10-icpc2",
            "http://hl7.org/fhir/sid/icd-10 -> urn:oid:2.16.578.1.12.4.1.1.7170",
            "kjonn-map",
        ],
    );
}

#[test]
fn a_fhir_value_set_is_kept_with_its_rules_and_listed_beside_the_code_systems() {
    let ws = Workspace::new();
    assert_contains(
        &ws.ok(&["import", "fixtures/fhir/ok/tobakk-valueset.json"]),
        &[
            "value set tobakk-vs@2024.1 \"Tobakksbruk, daglig og av og til\": 2 codes listed, 3 include and 1 exclude rules",
        ],
    );
    assert_contains(
        &ws.ok(&["import", "fixtures/fhir/ok/tobakk-valueset.json"]),
        &["1 value set versions unchanged", "nothing changed"],
    );
    ws.ok(&["import", "fixtures/fhir/ok/kjonn-valueset.xml"]);
    assert_contains(
        &ws.ok(&["codes", "list"]),
        &[
            "value sets:",
            "kjonn-vs",
            "versions: 1.0 (2 codes listed)",
            "from: urn:oid:2.16.578.1.12.4.1.1.3101",
        ],
    );
    let changes = ws.ok(&["changes"]);
    assert_contains(&changes, &["value sets tobakk-vs@2024.1"]);
}

#[test]
fn a_code_list_needs_its_code_system_named() {
    let ws = Workspace::new();
    assert_contains(
        &ws.fails(&["import", "fixtures/csv-code-list/ok/icd10.csv"], 3),
        &["does not say which code system it is; give --system ID@VERSION"],
    );
}

#[test]
fn code_systems_survive_backup_and_restore() {
    let ws = Workspace::new().with_catalog();
    ws.ok(&["import", "--system", "icd-10@2024", "fixtures/csv-code-list/ok/icd10.csv"]);
    let file = ws.path("backup.json");
    std::fs::write(&file, ws.ok(&["export", "--all"])).unwrap();
    let restored = Workspace::new();
    restored.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(restored.ok(&["codes", "show", "icd-10"]), ws.ok(&["codes", "show", "icd-10"]));
}

#[test]
fn a_who_classification_in_claml_imports_with_its_hierarchy_and_modifiers() {
    let ws = Workspace::new();
    assert_contains(
        &ws.ok(&["import", "fixtures/claml/ok/icd10-excerpt.xml"]),
        &["reading fixtures/claml/ok/icd10-excerpt.xml as claml", "code system ICD-10@2019"],
    );
    assert_contains(&ws.ok(&["codes", "list"]), &["ICD-10", "versions: 2019 (9 codes)"]);
    let codes = ws.ok(&["codes", "show", "ICD-10@2019"]);
    // S02.1 allows only the "closed" subdivision.
    assert!(!codes.contains("S02.11"), "{codes}");
    assert_contains(
        &codes,
        &[
            "Hjerneinfarkt",
            "Cerebral infarction due to thrombosis of precerebral arteries  (under I63)",
            "S02.10",
            "Fracture of base of skull: closed  (under S02.1)",
        ],
    );
}
