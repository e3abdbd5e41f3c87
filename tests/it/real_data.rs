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

/// What a steward sees when importing each file of `data/real/norwegian`, in import order.
/// `args` are the import options; `expect` is text the output must contain.
const NORWEGIAN: &[(&str, &[&str], Result<&str, &str>)] = &[
    (
        "rapporteket-ablanor/klokeboken.csv",
        &["--registry", "ablanor", "--full"],
        Ok("184 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    (
        "rapporteket-ablanor/AblaNor_klokeboken_29.11.2023.csv",
        &["--registry", "ablanor", "--full"],
        Ok("52 new, 5 changed, 3 retired, 176 unchanged"),
    ),
    (
        "rapporteket-ablanor/ablanor_klokeboken_16.01.2024_v002.csv",
        &["--registry", "ablanor", "--full"],
        Ok("54 new, 10 changed, 2 retired, 222 unchanged"),
    ),
    // Definitions of variables derived in R code: not a codebook of collected variables.
    (
        "rapporteket-ablanor/def_utledete_var.txt",
        &["--registry", "ablanor"],
        Err("missing required column `variabel_id`"),
    ),
    // The real file gives code 3 two meanings ("etc..." and "Annen avdeling på sykehuset").
    (
        "rapporteket-noric/NORIC_klokeboken_18.03.2025.csv",
        &["--registry", "noric"],
        Err(
            "category code `3` appears twice in variable `INITIALCARE_TRANSFERREDFROM` (first on line 1099 as `etc...`)",
        ),
    ),
    (
        "rapporteket-noric/klokebokNoric20230511_tilRapporteket.xlsx",
        &["--registry", "noric"],
        Err("this is a spreadsheet (.xlsx or .ods); save its sheets as CSV and import those"),
    ),
    (
        "rapporteket-noric/definisjoner_utledete_variabler_noric.xlsx",
        &["--registry", "noric"],
        Err("this is a spreadsheet"),
    ),
    // An extract without `variabel_id`, some variables repeated on two forms: imported, with warnings.
    (
        "rapporteket-smerte/kb_smerte_uttrekk.csv",
        &["--registry", "smerte"],
        Ok("431 new, 0 changed, 0 retired, 0 unchanged"),
    ),
    // The MRS-style kodebok is not a klokebok; its importer is another issue's work.
    (
        "rapporteket-nnrr/kodebok16122016_1a.csv",
        &["--registry", "nnrr", "--encoding", "latin1"],
        Err(
            "cannot tell the format of this file (it starts with `Feltnavn;Variabelnavn;Felttype;Obligator`)",
        ),
    ),
    (
        "rapporteket-nnrr/kodebok16122016_1b.csv",
        &["--registry", "nnrr", "--encoding", "latin1"],
        Err("cannot tell the format of this file"),
    ),
    (
        "rapporteket-nnrr/kodebok16122016_2.csv",
        &["--registry", "nnrr", "--encoding", "latin1"],
        Err("cannot tell the format of this file"),
    ),
    (
        "rapporteket-nnrr/Kodebok_test16122016.xlsx",
        &["--registry", "nnrr"],
        Err("this is a spreadsheet"),
    ),
];

#[test]
fn every_norwegian_codebook_is_accounted_for() {
    let Some(shared) = shared() else { return };
    let dir = shared.join("data/real/norwegian");
    let mut on_disk: Vec<String> = walk(&dir)
        .into_iter()
        .map(|p| p.strip_prefix(&dir).unwrap().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = NORWEGIAN.iter().map(|(file, _, _)| (*file).to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "a file in data/real/norwegian has no expected outcome here");

    let ws = Workspace::new();
    for (file, options, expected) in NORWEGIAN {
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
