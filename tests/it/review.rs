//! The review, as standards staff run it: record varkat's proposals, decide on them alone or as
//! two independent reviewers, and see which decisions a new codebook version reopens.

use crate::util::{Workspace, assert_contains};

/// A catalog with the shared definitions imported and varkat's proposals recorded for review.
fn recorded() -> Workspace {
    let ws = Workspace::new().with_catalog();
    assert_contains(
        &ws.ok(&["import", "fixtures/harmonize/definitions.json"]),
        &["reading fixtures/harmonize/definitions.json as shared-definitions"],
    );
    assert_contains(&ws.ok(&["harmonize", "--record"]), &["proposed mappings for review"]);
    ws
}

#[test]
fn shared_definitions_import_once_and_version_when_they_change() {
    let ws = recorded();
    let again = ws.ok(&["import", "fixtures/harmonize/definitions.json"]);
    assert_contains(
        &again,
        &["shared definitions: 0 new, 0 changed, 11 unchanged", "nothing changed"],
    );
    assert_contains(
        &ws.ok(&["harmonize", "--record"]),
        &["No new proposals to record: every member is already under review or decided."],
    );
}

#[test]
fn a_reviewer_accepts_and_rejects_and_the_decision_is_in_the_log() {
    let ws = recorded();
    let proposed = ws.ok(&["review", "list", "--status", "proposed"]);
    assert_contains(&proposed, &["hunt/RoykStatus", "smoking_status", "proposed"]);
    assert_contains(
        &ws.ok(&[
            "--user",
            "siri",
            "review",
            "accept",
            "hunt/RoykStatus",
            "tromso/SMOKE_STATUS",
            "--comment",
            "same question",
        ]),
        &["accepted 2 mappings"],
    );
    ws.ok(&["--user", "siri", "review", "reject", "mfr/KJONN", "-c", "sex at birth"]);
    let shown = ws.ok(&["review", "show", "hunt/RoykStatus"]);
    assert_contains(
        &shown,
        &[
            "mapping version 1: proposed onto smoking_status@1",
            "mapping version 2: accepted onto smoking_status@1",
            "by siri: same question",
        ],
    );
    let changes = ws.ok(&["changes"]);
    assert_contains(&changes, &["recorded review decisions on 2 variables", "siri"]);
    let harmonized = ws.json(&["search", "røyk", "--harmonization", "harmonized"]);
    let keys: Vec<&str> =
        harmonized["hits"].as_array().unwrap().iter().map(|h| h["key"].as_str().unwrap()).collect();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert_eq!(ws.fails(&["review", "accept", "hunt/Nope"], 1).lines().count(), 1);
}

#[test]
fn a_new_version_of_a_decided_variable_needs_re_review() {
    let ws = recorded();
    ws.ok(&["review", "accept", "hjerteinfarkt/INNLEGGELSE_ROYKER"]);
    ws.ok(&[
        "import",
        "--full",
        "--registry",
        "hjerteinfarkt",
        "fixtures/catalog/hjerteinfarkt_klokebok_2024.csv",
    ]);
    assert_contains(
        &ws.ok(&["review", "list", "--status", "accepted"]),
        &[
            "hjerteinfarkt/INNLEGGELSE_ROYKER",
            "needs re-review: decided on version 1, now version 2",
        ],
    );
}

/// Fills a blank ballot's `decision` column: `decide` gives each variable's decision.
fn fill(ballot: &str, decide: impl Fn(&str) -> &'static str) -> String {
    let mut lines = ballot.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    for line in lines {
        let mut record = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes())
            .into_records()
            .next()
            .unwrap()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
        record[6] = decide(&record[0]).to_owned();
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(&record).unwrap();
        out.push_str(&String::from_utf8(writer.into_inner().unwrap()).unwrap());
    }
    out
}

#[test]
fn two_reviewers_compare_their_ballots_and_only_what_they_agree_on_is_recorded() {
    let ws = recorded();
    let ballot = ws.ok(&["review", "ballot"]);
    assert!(ballot.starts_with("variable,definition,relation,confidence"), "{ballot}");
    let n = ballot.lines().count() - 1;
    assert!(n >= 10, "{n} proposals");
    // Kari rejects mfr/KJONN and hunt/Utdanning; Ola rejects only mfr/KJONN.
    let kari =
        fill(
            &ballot,
            |v| if v == "mfr/KJONN" || v == "hunt/Utdanning" { "reject" } else { "accept" },
        );
    let ola = fill(&ballot, |v| if v == "mfr/KJONN" { "nei" } else { "ja" });
    std::fs::write(ws.path("kari.csv"), kari).unwrap();
    std::fs::write(ws.path("ola.csv"), ola).unwrap();
    let kari_path = ws.path("kari.csv");
    let ola_path = ws.path("ola.csv");
    let (kari_path, ola_path) = (kari_path.to_str().unwrap(), ola_path.to_str().unwrap());

    let compared = ws.ok(&["review", "compare", kari_path, ola_path]);
    assert_contains(
        &compared,
        &[
            &format!("kari and ola both decided {n} proposals and agree on {}", n - 1),
            "Cohen's kappa",
            "They disagree on:",
            "hunt/Utdanning",
            "kari: rejected; ola: accepted",
        ],
    );
    let json = ws.json(&["review", "compare", kari_path, ola_path]);
    let kappa = json["kappa"].as_f64().unwrap();
    assert!(kappa > 0.0 && kappa < 1.0, "{kappa}");

    let merged = ws.ok(&["review", "merge", kari_path, ola_path]);
    assert_contains(
        &merged,
        &[&format!(
            "recorded the {} decisions they agree on; the 1 they disagree on stay open",
            n - 1
        )],
    );
    let open = ws.ok(&["review", "list", "--status", "proposed"]);
    assert_contains(&open, &["hunt/Utdanning"]);
    assert_eq!(open.lines().count(), 1, "{open}");
    assert_contains(&ws.ok(&["review", "show", "mfr/KJONN"]), &["rejected", "by kari and ola"]);
}

#[test]
fn a_ballot_with_a_word_that_is_not_a_decision_is_refused_where_it_is() {
    let ws = recorded();
    std::fs::write(
        ws.path("bad.csv"),
        "variable,definition,decision\nhunt/RoykStatus,smoking_status,kanskje\n",
    )
    .unwrap();
    let bad = ws.path("bad.csv");
    let err = ws.fails(&["review", "compare", bad.to_str().unwrap(), bad.to_str().unwrap()], 3);
    assert_contains(&err, &["bad.csv:2 (field `decision`): `kanskje` is not a decision"]);
}

#[test]
fn accepted_mappings_export_as_fhir_concept_maps_and_every_decision_as_csv() {
    let ws = recorded();
    ws.ok(&["review", "accept", "hunt/RoykStatus", "kreftreg/ROYKESTATUS"]);
    let bundle = ws.json(&["review", "export"]);
    assert_eq!(bundle["resourceType"], "Bundle");
    let resources: Vec<&serde_json::Value> =
        bundle["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).collect();
    let code_systems = resources.iter().filter(|r| r["resourceType"] == "CodeSystem").count();
    assert_eq!(code_systems, 11, "one per shared definition");
    let maps: Vec<&&serde_json::Value> =
        resources.iter().filter(|r| r["resourceType"] == "ConceptMap").collect();
    assert_eq!(maps.len(), 1, "only the accepted group has a ConceptMap");
    let sources: Vec<&str> = maps[0]["group"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        ["urn:varkat:variable:hunt/RoykStatus", "urn:varkat:variable:kreftreg/ROYKESTATUS"]
    );
    let per_member = ws.json(&["review", "export", "--per", "member"]);
    let n_maps = per_member["entry"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["resource"]["resourceType"] == "ConceptMap")
        .count();
    assert_eq!(n_maps, 2);
    let csv = ws.ok(&["review", "export", "--format", "csv"]);
    assert!(csv.starts_with("variable,variable_version,definition,"), "{csv}");
    assert!(
        csv.lines().any(|line| line.starts_with("hunt/RoykStatus,") && line.contains(",accepted,"))
    );
}

/// A reviewer maps a variable varkat left out onto a definition, and moves another out of its
/// proposed group; each answer option is mapped onto the new value set, and a definition that
/// does not exist is refused with nothing written.
#[test]
fn a_reviewer_moves_variables_between_groups() {
    let ws = recorded();
    assert_contains(
        &ws.ok(&[
            "--user",
            "siri",
            "review",
            "move",
            "tromso/SMOKE_DAILY_CIG",
            "--to",
            "cigarettes_per_day",
            "--comment",
            "cigarettes a day, as HUNT asks",
        ]),
        &["mapped 1 variable onto cigarettes_per_day (accepted)"],
    );
    assert_contains(
        &ws.ok(&["review", "list", "--status", "accepted"]),
        &["tromso/SMOKE_DAILY_CIG", "cigarettes_per_day"],
    );
    ws.ok(&["review", "move", "mfr/ROYK_BEGYNNELSE", "--to", "smoking_status"]);
    assert_contains(
        &ws.ok(&["review", "show", "mfr/ROYK_BEGYNNELSE"]),
        &[
            "mapping version 1: proposed onto smoking_pregnancy_start@1",
            "mapping version 2: accepted onto smoking_status@1",
            "3            -> current_daily",
            "9            -> unknown",
        ],
    );
    let before = ws.ok(&["changes"]);
    let refused = ws.fails(&["review", "move", "hunt/Vekt", "--to", "no_such_definition"], 1);
    assert_contains(&refused, &["shared definition `no_such_definition` does not exist"]);
    assert_eq!(ws.ok(&["changes"]), before, "a refused move writes nothing");
}

/// Harmonizing again after a review proposes only what the review has not seen: a variable a
/// reviewer moved stays where they put it, and a definition they rejected for a variable is
/// not proposed for it again.
#[test]
fn harmonizing_again_keeps_what_the_reviewers_decided() {
    let ws = recorded();
    ws.ok(&["--user", "siri", "review", "move", "hunt/Snus", "--to", "smoking_status"]);
    ws.ok(&["--user", "siri", "review", "reject", "hunt/Vekt"]);
    assert_contains(
        &ws.ok(&["harmonize", "--record"]),
        &["No new proposals to record: every member is already under review or decided."],
    );
    let decided = ws.ok(&["review", "list"]);
    let row = |key: &str| decided.lines().find(|line| line.starts_with(key)).unwrap_or("");
    assert_contains(row("hunt/Snus"), &["smoking_status", "accepted"]);
    assert_contains(row("hunt/Vekt"), &["body_weight", "rejected"]);
    let proposal = ws.ok(&["harmonize"]);
    let group = |id: &str| {
        proposal
            .split("\n\n")
            .find(|group| group.starts_with(id))
            .unwrap_or_else(|| panic!("no group {id} in\n{proposal}"))
            .to_owned()
    };
    assert_contains(&group("smoking_status"), &["hunt/Snus", "accepted by siri"]);
    assert!(!group("body_weight").contains("hunt/Vekt"), "{}", group("body_weight"));
}

/// A reviewer takes variables varkat left alone into a new shared definition proposed from the
/// first of them, then edits its label: each step is one change, the definition versioned.
#[test]
fn a_reviewer_splits_variables_into_a_new_definition_and_edits_it() {
    let ws = recorded();
    assert_contains(
        &ws.ok(&[
            "review",
            "split",
            "mfr/ROYK_FAR",
            "tromso/PASSIVE_SMOKE",
            "--into",
            "passive_smoking",
            "--label-nb",
            "Passiv røyking",
            "--comment",
            "others' smoking at home",
        ]),
        &[
            "shared definition passive_smoking version 1",
            "mapped 2 variables onto passive_smoking (accepted)",
        ],
    );
    // The value set is the father's variable's options; TROMSØ's yes and no map by meaning.
    assert_contains(
        &ws.ok(&["review", "show", "tromso/PASSIVE_SMOKE"]),
        &["accepted onto passive_smoking@1", "0            -> 1", "1            -> 2"],
    );
    assert_contains(
        &ws.fails(&["review", "split", "hunt/Vekt", "--into", "passive_smoking"], 1),
        &["shared definition `passive_smoking` exists already"],
    );
    assert_contains(
        &ws.ok(&["review", "edit", "passive_smoking", "--label-en", "Exposure to others' smoking"]),
        &["shared definition passive_smoking version 2"],
    );
    assert_contains(
        &ws.ok(&["review", "edit", "passive_smoking", "--label-en", "Exposure to others' smoking"]),
        &["shared definition passive_smoking is unchanged"],
    );
    assert_contains(&ws.ok(&["changes"]), &["varkat review edit passive_smoking"]);
}
