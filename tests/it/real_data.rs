//! The real codebooks in `../shared/data`: each one imports with the numbers read off the
//! file, or is refused with a reason judged right. `.ci/run` sets `VARKAT_SHARED`; without it
//! these tests say that they skip.

use std::path::PathBuf;

use crate::util::{Workspace, assert_contains};

#[expect(clippy::print_stderr, reason = "a skipped check says so where cargo test shows it")]
fn shared() -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("VARKAT_SHARED").map(PathBuf::from) else {
        eprintln!("skipped: VARKAT_SHARED is not set (.ci/run sets it to ../shared)");
        return None;
    };
    if !dir.join("data/real").is_dir() {
        eprintln!("skipped: {} has no data/real", dir.display());
        return None;
    }
    Some(dir)
}

/// What a steward sees when importing each real file, in import order: the import options, and
/// text the output must contain (`Ok`) or the reason it is refused (`Err`). Every file of the
/// folders listed in `CHECKED` must be here.
const REAL_FILES: &[(&str, &[&str], Result<&str, &str>)] = &[
    (
        "norwegian/rapporteket-ablanor/klokeboken.csv",
        &["--registry", "ablanor", "--full"],
        Ok("184 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    (
        "norwegian/rapporteket-ablanor/AblaNor_klokeboken_29.11.2023.csv",
        &["--registry", "ablanor", "--full"],
        Ok("52 new, 5 changed, 3 retired, 176 unchanged"),
    ),
    (
        "norwegian/rapporteket-ablanor/ablanor_klokeboken_16.01.2024_v002.csv",
        &["--registry", "ablanor", "--full"],
        Ok("54 new, 10 changed, 2 retired, 222 unchanged"),
    ),
    // Definitions of variables derived in R code: not a codebook of collected variables.
    (
        "norwegian/rapporteket-ablanor/def_utledete_var.txt",
        &["--registry", "ablanor"],
        Err("missing required column `variabel_id`"),
    ),
    // The real file gives code 3 two meanings ("etc..." and "Annen avdeling på sykehuset").
    (
        "norwegian/rapporteket-noric/NORIC_klokeboken_18.03.2025.csv",
        &["--registry", "noric"],
        Err(
            "category code `3` appears twice in variable `INITIALCARE_TRANSFERREDFROM` (first on line 1099 as `etc...`)",
        ),
    ),
    // An older klokebok layout that names variables only by table and physical field name.
    (
        "norwegian/rapporteket-noric/klokebokNoric20230511_tilRapporteket.xlsx",
        &["--registry", "noric"],
        Err("[Ark1]:1 (field `variabel_id`): missing required column `variabel_id`"),
    ),
    (
        "norwegian/rapporteket-noric/definisjoner_utledete_variabler_noric.xlsx",
        &["--registry", "noric"],
        Err("missing required column `variabel_id`"),
    ),
    // An extract without `variabel_id`, some variables repeated on two forms: imported, with warnings.
    (
        "norwegian/rapporteket-smerte/kb_smerte_uttrekk.csv",
        &["--registry", "smerte"],
        Ok("431 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    // The MRS kodebok's three forms share the patient's variables; form 2 words one of them
    // differently (WorkingPercent: "%stilling", not "Status prosent"), so it adds a version.
    (
        "norwegian/rapporteket-nnrr/kodebok16122016_1a.csv",
        &["--registry", "nnrr", "--encoding", "latin1"],
        Ok("172 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    (
        "norwegian/rapporteket-nnrr/kodebok16122016_1b.csv",
        &["--registry", "nnrr", "--encoding", "latin1"],
        Ok("90 new, 0 changed, 0 retired, 2 unchanged"),
    ),
    (
        "norwegian/rapporteket-nnrr/kodebok16122016_2.csv",
        &["--registry", "nnrr", "--encoding", "latin1"],
        Ok("26 new, 1 changed, 0 retired, 35 unchanged"),
    ),
    // The same three forms as sheets of one workbook, read in one import: the form that words
    // WorkingPercent differently makes it two definitions of one variable.
    (
        "norwegian/rapporteket-nnrr/Kodebok_test16122016.xlsx",
        &["--registry", "nnrr"],
        Err(
            "Kodebok_test16122016.xlsx[1b Registreringsskjema poliklin]: variable `nnrr/WorkingPercent` is also defined, differently",
        ),
    ),
    // Maelstrom DataSchemas as Opal workbooks (Variables and Categories sheets); each names its
    // table, which becomes the registry.
    (
        "maelstrom/propass/baseline/dataschema_ProPASS.xlsx",
        &[],
        Ok("121 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    (
        "maelstrom/propass/longitudinal/dataschema_ProPASS_longitudinal.xlsx",
        &[],
        Ok("112 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    (
        "maelstrom/propass/mortality/dataschema_ProPASS_mortality.xlsx",
        &[],
        Ok("10 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    (
        "maelstrom/propass/linkage/DS_ProPASS_linkage_1_0_2026_05_01.xlsx",
        &[],
        Ok("14 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    (
        "maelstrom/propass/linkage/dataschema_linkage_mortality.xlsx",
        &[],
        Ok("21 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    // Descriptive fields (headings shown on the form) are not variables: 33 rows, 22 variables.
    (
        "redcap/iedea/IeDEA_tblCENTER_2020-06-30.csv",
        &["--registry", "iedea", "--language", "en"],
        Ok("22 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    // REDCap project files (CDISC ODM XML), not data dictionaries.
    (
        "redcap/iedea/Harmonist0ADataModel_2017-12-21_1147.REDCap.xml",
        &["--registry", "iedea"],
        Err("cannot tell the format of this file"),
    ),
    (
        "redcap/iedea/Harmonist0BCodeLists_2017-12-21_1148.REDCap.xml",
        &["--registry", "iedea"],
        Err("cannot tell the format of this file"),
    ),
    (
        "ukbiobank/Data_Dictionary_Showcase.tsv",
        &[],
        Ok("7847 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    // PHESANT's analysis settings per field and per coding: configuration, not a dictionary.
    (
        "ukbiobank/outcome-info.tsv",
        &[],
        Err(
            "cannot tell the format of this file (it starts with `FieldID TRAIT_OF_INTEREST EXCLUDED CAT_M`)",
        ),
    ),
    (
        "ukbiobank/data-coding-ordinal-info.txt",
        &[],
        Err(
            "cannot tell the format of this file (it starts with `dataCode,ordinal,ordering,reassignments,`)",
        ),
    ),
    // IPUMS extracts have no IDNo, so each names its registry.
    (
        "ddi-codebook/ipums/atus_00025.xml",
        &["--registry", "atus_00025"],
        Ok("28 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    (
        "ddi-codebook/ipums/cps_00097.xml",
        &["--registry", "cps_00097"],
        Ok("14 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    (
        "ddi-codebook/ipums/cps_00111.xml",
        &["--registry", "cps_00111"],
        Ok("12 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    (
        "ddi-codebook/ipums/cps_00157.xml",
        &["--registry", "cps_00157"],
        Ok("8 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    (
        "ddi-codebook/ipums/cps_00160.xml",
        &["--registry", "cps_00160"],
        Ok("15 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    (
        "ddi-codebook/ipums/ipumsi_00987.xml",
        &["--registry", "ipumsi_00987"],
        Ok("15 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    (
        "ddi-codebook/ipums/mtus_00002.xml",
        &["--registry", "mtus_00002"],
        Ok("27 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    (
        "ddi-codebook/ipums/usa_00468.xml",
        &["--registry", "usa_00468"],
        Ok("10 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    // An IHGIS table list (datasets and table variables of aggregate census data), not a codebook.
    (
        "ddi-codebook/ipums/ihgis0014_datadict.csv",
        &[],
        Err(
            "cannot tell the format of this file (it starts with `dataset,table,table_var,label,data_year,`)",
        ),
    ),
    // Summary statistics and value labels exported from a Stata file: not a data dictionary format.
    (
        "ddi-lifecycle/closer-extract2ddi/bsa83.dta.vars.csv",
        &[],
        Err(
            "cannot tell the format of this file (it starts with `name,label,valid,invalid,min,max,mean,st`)",
        ),
    ),
    (
        "ddi-lifecycle/closer-extract2ddi/bsa83.dta_var_values.csv",
        &[],
        Err("cannot tell the format of this file"),
    ),
    (
        "ddi-lifecycle/closer-extract2ddi/ddi-codebook-2.5_test-file-data-types.xml",
        &["--registry", "closer"],
        Ok("14 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    // DDI-Lifecycle 3.0 refers by id, and names no agency to take the registry from.
    (
        "ddi-lifecycle/closer-extract2ddi/logicalProduct.xml",
        &["--registry", "closer-lp"],
        Ok("14 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    // 3.2 refers by URN; the registry is the agency, uk.closer.
    (
        "ddi-lifecycle/closer-extract2ddi/test-file-3.2.xml",
        &[],
        Ok("14 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    // The same study in 3.3 fragments, by agency, id and version: the same variables.
    (
        "ddi-lifecycle/closer-extract2ddi/test-file-3.3.xml",
        &[],
        Ok("0 new, 0 changed, 0 retired, 14 unchanged"),
    ),
    // A 3.2 resource package with representations: types and code lists resolved.
    (
        "ddi-lifecycle/closer-extract2ddi/test-file-data-types.ddi32.rp.xml",
        &["--registry", "closer-rp"],
        Ok("15 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    // The tables of one study share SUBJECT_ID, defined alike, so later tables find it unchanged.
    (
        "dbgap/topmed-dcc-example/phs001985.v1.pht009920.v1.Test_Study_1_Subject.data_dict.xml",
        &[],
        Ok("2 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    (
        "dbgap/topmed-dcc-example/phs001985.v1.pht009920.v1.p1.Test_Study_1_Subject.var_report.xml",
        &[],
        Err(
            "this is a dbGaP variable report (statistics), not a data dictionary; import the matching data_dict.xml",
        ),
    ),
    (
        "dbgap/topmed-dcc-example/phs001985.v1.pht009921.v1.Test_Study_1_Sample.data_dict.xml",
        &[],
        Ok("1 new, 0 changed, 0 retired, 1 unchanged"),
    ),
    (
        "dbgap/topmed-dcc-example/phs001985.v1.pht009921.v1.p1.Test_Study_1_Sample.var_report.xml",
        &[],
        Err(
            "this is a dbGaP variable report (statistics), not a data dictionary; import the matching data_dict.xml",
        ),
    ),
    (
        "dbgap/topmed-dcc-example/phs001985.v1.pht009922.v1.Test_Study_1_Subject_Phenotypes.data_dict.xml",
        &[],
        Ok("3 new, 0 changed, 0 retired, 1 unchanged"),
    ),
    (
        "dbgap/topmed-dcc-example/phs001985.v1.pht009922.v1.p1.Test_Study_1_Subject_Phenotypes.var_report.xml",
        &[],
        Err(
            "this is a dbGaP variable report (statistics), not a data dictionary; import the matching data_dict.xml",
        ),
    ),
    (
        "dbgap/topmed-dcc-example/phs001985.v1.pht009923.v1.Test_Study_1_Sample_Attributes.data_dict.xml",
        &[],
        Ok("3 new, 0 changed, 0 retired, 1 unchanged"),
    ),
    (
        "dbgap/topmed-dcc-example/phs001985.v1.pht009923.v1.p1.Test_Study_1_Sample_Attributes.var_report.xml",
        &[],
        Err(
            "this is a dbGaP variable report (statistics), not a data dictionary; import the matching data_dict.xml",
        ),
    ),
    (
        "dbgap/topmed-dcc-example/phs001986.v1.pht009924.v1.Test_Study_2_Subject.data_dict.xml",
        &[],
        Ok("2 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    (
        "dbgap/topmed-dcc-example/phs001986.v1.pht009924.v1.p1.Test_Study_2_Subject.var_report.xml",
        &[],
        Err(
            "this is a dbGaP variable report (statistics), not a data dictionary; import the matching data_dict.xml",
        ),
    ),
    (
        "dbgap/topmed-dcc-example/phs001986.v1.pht009925.v1.Test_Study_2_Sample.data_dict.xml",
        &[],
        Ok("1 new, 0 changed, 0 retired, 1 unchanged"),
    ),
    (
        "dbgap/topmed-dcc-example/phs001986.v1.pht009925.v1.p1.Test_Study_2_Sample.var_report.xml",
        &[],
        Err(
            "this is a dbGaP variable report (statistics), not a data dictionary; import the matching data_dict.xml",
        ),
    ),
    (
        "dbgap/topmed-dcc-example/phs001986.v1.pht009926.v1.Test_Study_2_Subject_Phenotypes.data_dict.xml",
        &[],
        Ok("2 new, 0 changed, 0 retired, 1 unchanged"),
    ),
    (
        "dbgap/topmed-dcc-example/phs001986.v1.pht009926.v1.p1.Test_Study_2_Subject_Phenotypes.var_report.xml",
        &[],
        Err(
            "this is a dbGaP variable report (statistics), not a data dictionary; import the matching data_dict.xml",
        ),
    ),
    (
        "dbgap/topmed-dcc-example/phs001986.v1.pht009927.v1.Test_Study_2_Sample_Attributes.data_dict.xml",
        &[],
        Ok("3 new, 0 changed, 0 retired, 1 unchanged"),
    ),
    (
        "dbgap/topmed-dcc-example/phs001986.v1.pht009927.v1.p1.Test_Study_2_Sample_Attributes.var_report.xml",
        &[],
        Err(
            "this is a dbGaP variable report (statistics), not a data dictionary; import the matching data_dict.xml",
        ),
    ),
    (
        "dbgap/topmed-dcc-example/phs001986.v1.pht009955.v1.Test_Study_2_Ages_Subject_Phenotypes.data_dict.xml",
        &[],
        Ok("1 new, 0 changed, 0 retired, 1 unchanged"),
    ),
    (
        "dbgap/topmed-dcc-example/phs001986.v1.pht009955.v1.p1.Test_Study_2_Ages_Subject_Phenotypes.var_report.xml",
        &[],
        Err(
            "this is a dbGaP variable report (statistics), not a data dictionary; import the matching data_dict.xml",
        ),
    ),
    (
        "harmonization/niehs-ehlc/2016-1407-DD-DemoHealth.xlsx",
        &["--registry", "hhear1407"],
        Ok("127 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    (
        "harmonization/niehs-ehlc/2016-1450-DD-DemoHealth.xlsx",
        &["--registry", "hhear1450"],
        Ok("106 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    (
        "harmonization/niehs-ehlc/2016-1740-DD-DemoHealth.xlsx",
        &["--registry", "hhear1740"],
        Ok("21 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    (
        "harmonization/niehs-ehlc/2016-34-DD-DemoHealth.xlsx",
        &["--registry", "hhear34"],
        Ok("17 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    (
        "harmonization/niehs-ehlc/2017-1945-DD-DemoHealth.xlsx",
        &["--registry", "hhear1945"],
        Ok("48 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    ("harmonization/niehs-ehlc/Crosstab_1450_1407.xlsx", &[], Err(STUDY_MAPPING)),
    ("harmonization/niehs-ehlc/Crosstab_1740-34.xlsx", &[], Err(STUDY_MAPPING)),
    ("harmonization/niehs-ehlc/Crosstab_1945-34.xlsx", &[], Err(STUDY_MAPPING)),
    ("harmonization/niehs-ehlc/Crosstab_1945_1740.xlsx", &[], Err(STUDY_MAPPING)),
    ("harmonization/niehs-ehlc/MappingResults.xlsx", &[], Err(STUDY_MAPPING)),
];

/// What a crosstab or mapping-results workbook of the NIEHS harmonization is refused as.
const STUDY_MAPPING: &str = "this is a mapping between two studies' variables (a crosstab or the results of a mapping exercise), not a data dictionary";

/// The folders of `data/real` whose every file `REAL_FILES` accounts for.
const CHECKED: &[&str] = &[
    "norwegian",
    "redcap",
    "ukbiobank",
    "ddi-codebook",
    "ddi-lifecycle",
    "dbgap",
    "maelstrom",
    "harmonization",
];

/// TOPMed's harmonized variables, one JSON document each, become shared definitions.
const TOPMED: (&str, &str) =
    ("harmonization/topmed-dcc-harmonized/", "shared definitions: 1 new, 0 changed, 0 unchanged");

/// Maelstrom's data processing elements (one workbook per cohort and wave) are the rules that
/// derive DataSchema variables from a cohort's own: each is refused, by its content.
const PROCESSING_ELEMENTS: (&str, &str) = (
    "data_processing_elements",
    "this is Maelstrom data processing elements (a cohort's harmonization rules), not a data dictionary",
);

#[test]
fn every_real_codebook_is_accounted_for() {
    let Some(shared) = shared() else { return };
    let dir = shared.join("data/real");
    let mut on_disk: Vec<String> = CHECKED
        .iter()
        .flat_map(|folder| walk(&dir.join(folder)))
        .map(|p| p.strip_prefix(&dir).unwrap().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let (prefix, refusal) = PROCESSING_ELEMENTS;
    let processing_elements: Vec<String> = on_disk
        .iter()
        .filter(|file| file.rsplit('/').next().is_some_and(|name| name.starts_with(prefix)))
        .cloned()
        .collect();
    assert!(
        processing_elements.len() >= 38,
        "only {} processing elements",
        processing_elements.len()
    );
    let (topmed_folder, topmed_summary) = TOPMED;
    let topmed: Vec<String> =
        on_disk.iter().filter(|file| file.starts_with(topmed_folder)).cloned().collect();
    assert!(topmed.len() >= 78, "only {} TOPMed harmonized variables", topmed.len());
    let expectations: Vec<(&str, &[&str], Result<&str, &str>)> = REAL_FILES
        .iter()
        .copied()
        .chain(processing_elements.iter().map(|file| (file.as_str(), &[][..], Err(refusal))))
        .chain(topmed.iter().map(|file| (file.as_str(), &[][..], Ok(topmed_summary))))
        .collect();
    let mut listed: Vec<String> =
        expectations.iter().map(|(file, _, _)| (*file).to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "a file in data/real has no expected outcome here");

    let ws = Workspace::new();
    for (file, options, expected) in expectations {
        let path = dir.join(file);
        let mut args = vec!["import"];
        args.extend_from_slice(options);
        let path_text = path.to_string_lossy().into_owned();
        args.push(&path_text);
        match expected {
            Ok(summary) => assert_contains(&ws.ok(&args), &[summary]),
            Err(reason) => assert_contains(&ws.fails(&args, 3), &[reason, "nothing was imported"]),
        }
    }
}

#[test]
fn nnrr_forms_that_disagree_are_refused_together() {
    let Some(shared) = shared() else { return };
    let dir = shared.join("data/real/norwegian/rapporteket-nnrr");
    let ws = Workspace::new();
    let files: Vec<String> =
        ["kodebok16122016_1a.csv", "kodebok16122016_1b.csv", "kodebok16122016_2.csv"]
            .iter()
            .map(|f| dir.join(f).to_string_lossy().into_owned())
            .collect();
    let mut args = vec!["import", "--registry", "nnrr", "--encoding", "latin1"];
    args.extend(files.iter().map(String::as_str));
    assert_contains(
        &ws.fails(&args, 3),
        &["variable `nnrr/WorkingPercent` is also defined, differently, in"],
    );
    args.truncate(args.len() - 1);
    assert_contains(&ws.ok(&args), &["262 new, 0 changed, 0 retired, 0 unchanged"]);
}

/// The three AblaNor versions, imported in date order, show a steward what changed between
/// them, as reading the files shows it.
#[test]
fn ablanor_history_matches_the_files() {
    let Some(shared) = shared() else { return };
    let dir = shared.join("data/real/norwegian/rapporteket-ablanor");
    let ws = Workspace::new();
    for file in [
        "klokeboken.csv",
        "AblaNor_klokeboken_29.11.2023.csv",
        "ablanor_klokeboken_16.01.2024_v002.csv",
    ] {
        ws.ok(&["import", "--registry", "ablanor", "--full", dir.join(file).to_str().unwrap()]);
    }
    assert_contains(
        &ws.ok(&["diff", "ablanor/BASEREG_ANTIARYTMIKA_ANNEN"]),
        &[
            "label.nb        [-Annen-]{+Andre+} [-arytmisk-]{+antiarytmiske+} [-medikasjon-]{+medikamenter+}",
        ],
    );
    assert_contains(
        &ws.ok(&["diff", "ablanor/PROS_ARYT_I47_2_UNDERKAT"]),
        &["~ 1  [-RV(OT)-]{+RVOT+}", "+ 3  RV", "+ 4  LV"],
    );
    assert_contains(
        &ws.ok(&["diff", "ablanor/PROS_ARYT_I48_4_UNDERKAT"]),
        &["period.to       (none) -> 2023-04-23"],
    );
    assert_contains(
        &ws.ok(&["history", "ablanor/FOLLOWUP_USERCOMMENT"]),
        &["3 versions", "v2   retired", "v3   published"],
    );
    assert_contains(
        &ws.ok(&["diff", "ablanor/GKV_INCOMPLETE_REASON"]),
        &["+ 7  Ikke besvart ePROMS"],
    );
}

#[test]
fn harmonization_dev_opal_dictionary_imports() {
    let Some(shared) = shared() else { return };
    let dir = shared.join("data/harmonization-dev/opal");
    let ws = Workspace::new();
    let out = ws.ok(&[
        "import",
        dir.join("variables.csv").to_str().unwrap(),
        dir.join("categories.csv").to_str().unwrap(),
    ]);
    assert_contains(&out, &["701 new, 0 changed, 0 retired, 0 unchanged"]);
    assert_eq!(ws.json(&["registries"]).as_array().unwrap().len(), 17);
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { files.extend(walk(&path)) } else { files.push(path) }
    }
    files
}

/// Every FHIR file of `data/real/codesystems`: CodeSystems import (the `not-present` stubs as
/// known but empty), ValueSets as value sets, ConceptMaps as code maps, and NamingSystems are
/// refused as defining no codes. All code systems go into one store, so JSON and XML of one code system must
/// agree (the second is unchanged).
#[test]
fn every_real_code_system_file_is_accounted_for() {
    let Some(shared) = shared() else { return };
    let ws = Workspace::new();
    let mut counts = std::collections::BTreeMap::new();
    for path in walk(&shared.join("data/real/codesystems")) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = path.to_string_lossy().into_owned();
        let kind = name.split('-').next().unwrap().to_owned();
        match kind.as_str() {
            "CodeSystem" => {
                ws.ok(&["import", &text]);
            }
            "ValueSet" => assert_contains(&ws.ok(&["import", &text]), &["value set "]),
            "ConceptMap" => assert_contains(&ws.ok(&["import", &text]), &["code map "]),
            "NamingSystem" => assert_contains(
                &ws.fails(&["import", &text], 3),
                &["this is a FHIR NamingSystem (identifier namespaces), not a data dictionary"],
            ),
            other => panic!("{name}: no expected outcome for a `{other}` file"),
        }
        *counts.entry(kind).or_insert(0) += 1;
    }
    assert_eq!(counts.get("CodeSystem"), Some(&171));
    assert_eq!(counts.get("ValueSet"), Some(&268));
    let listed = ws.ok(&["codes", "list"]);
    assert_contains(
        &listed,
        &[
            "no-kodeverk-8116",
            "versions: 0.6.0 (14 codes)",
            "no-kodeverk-3108",
            "versions: 0.6.0 (0 codes)",
            "value sets:",
            "AanUitkledenCodelijst",
        ],
    );
}
