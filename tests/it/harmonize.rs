//! Harmonizing the demo catalog around shared definitions, as standards staff do.

use crate::util::{Workspace, assert_contains};

fn demo() -> Workspace {
    let ws = Workspace::new();
    ws.ok(&["demo", "--data-dir", ws.data_dir().to_str().unwrap(), "--quiet"]);
    ws
}

/// Every registry's way of asking about smoking lands in one group; the pregnancy questions,
/// pack-years and the father's smoking stay apart; every answer option is mapped.
#[test]
fn smoking_variants_group_and_the_lookalikes_stay_apart() {
    let ws = demo();
    let proposal = ws.json(&["harmonize", "--definitions", "fixtures/harmonize/definitions.json"]);
    let groups = proposal["groups"].as_array().unwrap();
    let members = |id: &str| -> Vec<String> {
        member_keys(
            groups
                .iter()
                .find(|g| g["definition"] == id)
                .unwrap_or_else(|| panic!("no group {id}")),
        )
    };
    assert_eq!(
        members("smoking_status"),
        [
            "hjerneslag/INNKOMST_ROYKING",
            "hjerteinfarkt/INNLEGGELSE_ROYKER",
            "hunt/RoykStatus",
            "kreftreg/ROYKESTATUS",
            "tromso/SMOKE_STATUS"
        ]
    );
    assert_eq!(members("smoking_pregnancy_start"), ["mfr/ROYK_BEGYNNELSE"]);
    assert_eq!(members("smoking_pregnancy_end"), ["mfr/ROYK_SLUTT"]);
    assert_eq!(members("pack_years"), ["kreftreg/PAKKEAAR"]);
    let everywhere: Vec<&str> = groups
        .iter()
        .flat_map(|g| g["members"].as_array().unwrap())
        .map(|m| m["key"].as_str().unwrap())
        .collect();
    assert!(!everywhere.contains(&"mfr/ROYK_FAR"), "the father's smoking is not the patient's");
    let smoking = groups.iter().find(|g| g["definition"] == "smoking_status").unwrap();
    for member in smoking["members"].as_array().unwrap() {
        for value in member["values"].as_array().unwrap() {
            assert!(
                !value["target_code"].is_null(),
                "{} code {} is unmapped",
                member["key"],
                value["source_code"]
            );
        }
    }
}

#[test]
fn proposals_say_why() {
    let ws = demo();
    let out = ws.ok(&["harmonize", "--definitions", "fixtures/harmonize/definitions.json"]);
    assert_contains(
        &out,
        &[
            "smoking_status  Røykestatus",
            "hunt/RoykStatus",
            "labels 1.00 after stemming and synonyms",
            "answer options map 4 of 4",
        ],
    );
}

#[test]
fn export_groups_writes_what_the_benchmark_scores() {
    let ws = demo();
    let file = ws.path("groups.json");
    ws.ok(&[
        "harmonize",
        "--definitions",
        "fixtures/harmonize/definitions.json",
        "--export-groups",
        file.to_str().unwrap(),
    ]);
    let export: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let first = export["groups"][0].as_array().unwrap();
    assert!(first.len() >= 2);
    assert_eq!(export["value_mappings"]["kreftreg/ROYKESTATUS"]["1"], "never");
    assert_eq!(export["value_mappings"]["kreftreg/ROYKESTATUS"]["9"], "unknown");
}

#[test]
fn a_registry_filter_limits_the_variables() {
    let ws = demo();
    let proposal = ws.json(&[
        "harmonize",
        "--definitions",
        "fixtures/harmonize/definitions.json",
        "--registry",
        "hunt",
    ]);
    assert_eq!(proposal["variables"], 7);
}

/// The decision basis shows the smoking group with every registry's variant side by side, the
/// wording differences, every option's mapping, and the coverage matrix.
#[test]
fn report_shows_the_decision_basis() {
    let ws = demo();
    let markdown = ws.ok(&[
        "harmonize",
        "report",
        "--definitions",
        "fixtures/harmonize/definitions.json",
        "--format",
        "md",
    ]);
    assert_contains(
        &markdown,
        &[
            "## Røykestatus (`smoking_status`)",
            "Codes: http://loinc.org 72166-2",
            "| hunt | RoykStatus | Røyker du? |  | categorical |  | 1 Nei, aldri; 2 Nei, sluttet; 3 Ja, av og til; 4 Ja, daglig | 0.96 | equivalent |",
            "- kreftreg/ROYKESTATUS: Røykestatus{+ ved diagnose+}",
            "| hjerneslag/INNKOMST_ROYKING | 1 | Eks-røyker (sluttet for mer enn én måned siden) | ex | Tidligere røyker | equivalent |",
            "## Coverage: which registry has which concept",
        ],
    );
    let file = ws.path("report.html");
    ws.ok(&[
        "harmonize",
        "report",
        "--definitions",
        "fixtures/harmonize/definitions.json",
        "--output",
        file.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&file).unwrap();
    assert_contains(
        &html,
        &[
            "<h2>Røykestatus <small><code>smoking_status</code></small></h2>",
            "<ins> ved diagnose</ins>",
            "style=\"background:hsl(130,45%,",
        ],
    );
    let csv = ws.ok(&[
        "harmonize",
        "report",
        "--definitions",
        "fixtures/harmonize/definitions.json",
        "--format",
        "csv",
    ]);
    assert_contains(
        &csv,
        &[
            "smoking_status,kreftreg,ROYKESTATUS,0.80,equivalent,1,Aldri røykt,never,Aldri røykt,equivalent",
        ],
    );
}

/// The keys of a proposed group's members, sorted.
fn member_keys(group: &serde_json::Value) -> Vec<String> {
    let mut keys: Vec<String> = group["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["key"].as_str().unwrap().to_owned())
        .collect();
    keys.sort();
    keys
}

/// The members of the group that has `key`, sorted, and the group.
fn group_with<'a>(
    proposal: &'a serde_json::Value,
    key: &str,
) -> (Vec<String>, &'a serde_json::Value) {
    let group = proposal["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["members"].as_array().unwrap().iter().any(|m| m["key"] == key))
        .unwrap_or_else(|| panic!("no group has {key}"));
    (member_keys(group), group)
}

/// A catalog with no shared definitions still gets its groups: varkat proposes a definition
/// for each, with a value set that every member's answer options map onto. (The heart
/// registry's 2023 yes/no question, "Røyker pasienten?", is too unlike a smoking status to
/// found a group with one; the national definition, with its unspecified yes and no, takes it.)
#[test]
fn without_shared_definitions_varkat_proposes_its_own() {
    let ws = Workspace::new().with_catalog();
    let proposal = ws.json(&["harmonize"]);
    let (members, smoking) = group_with(&proposal, "hunt/RoykStatus");
    assert_eq!(
        members,
        [
            "hjerneslag/INNKOMST_ROYKING",
            "hunt/RoykStatus",
            "kreftreg/ROYKESTATUS",
            "tromso/SMOKE_STATUS"
        ]
    );
    let definition = &smoking["proposed"];
    assert_eq!(definition["id"], smoking["definition"]);
    assert!(definition["id"].as_str().unwrap().starts_with("proposed_"), "{definition}");
    assert!(definition["value_set"].as_array().unwrap().len() >= 4, "{definition}");
    for member in smoking["members"].as_array().unwrap() {
        for value in member["values"].as_array().unwrap() {
            assert!(!value["target_code"].is_null(), "{} {} unmapped", member["key"], value);
        }
    }
    for apart in ["mfr/ROYK_FAR", "mfr/ROYK_BEGYNNELSE", "mfr/ROYK_SLUTT", "kreftreg/PAKKEAAR"] {
        assert!(!members.iter().any(|m| m == apart), "{apart} is not the smoking status");
    }
    let (members, _) = group_with(&proposal, "hunt/Hoyde");
    assert_eq!(members, ["hjerteinfarkt/INNLEGGELSE_HOYDE", "hunt/Hoyde", "tromso/HEIGHT"]);
    assert_contains(
        &ws.ok(&["harmonize"]),
        &["proposed_smoking_status", "(proposed definition)", "against "],
    );
    assert_contains(
        &ws.ok(&["harmonize", "report", "--format", "md"]),
        &["(`proposed_smoking_status`)", "A proposed definition: no shared definition"],
    );
}

/// Recording stores the proposed definitions first, so that the mappings onto them can be
/// reviewed like any other; the next proposal maps onto them instead of proposing them again.
#[test]
fn recording_stores_the_proposed_definitions_for_review() {
    let ws = Workspace::new().with_catalog();
    assert_contains(
        &ws.ok(&["harmonize", "--record"]),
        &["proposed shared definitions", "proposed mappings for review"],
    );
    assert_contains(
        &ws.ok(&["review", "list", "--status", "proposed"]),
        &["hunt/RoykStatus", "proposed_smoking_status"],
    );
    let again = ws.json(&["harmonize"]);
    let (_, smoking) = group_with(&again, "hunt/RoykStatus");
    assert_eq!(smoking["definition"], "proposed_smoking_status");
    assert!(smoking["proposed"].is_null(), "the stored definition is not proposed again");
    ws.ok(&["harmonize", "--record"]);
    assert_contains(
        &ws.ok(&["harmonize", "--record"]),
        &["No new proposals to record: every member is already under review or decided."],
    );
}
