//! `varkat demo`: the bundled example catalog (six registries that each ask about smoking in
//! their own way, in three formats, with a second version of one codebook) loaded into a fresh
//! store, and a first look at it.

use anyhow::Context as _;
use catalog::{RegistryId, VariableKey, VersionNo, diff_versions};
use importers::{Encoding, InputFile, ReadOptions};

use crate::Context;
use crate::render;

/// One step of the demo: files imported together, as a steward would.
struct Step {
    files: &'static [(&'static str, &'static [u8])],
    registry: Option<&'static str>,
    encoding: Encoding,
    full: bool,
    /// The code system and version a CSV code list is.
    code_system: Option<&'static str>,
}

macro_rules! fixture {
    ($name:literal) => {
        ($name, include_bytes!(concat!("../../../fixtures/catalog/", $name)).as_slice())
    };
}

const STEPS: &[Step] = &[
    Step {
        files: &[fixture!("registries.json")],
        registry: None,
        encoding: Encoding::Auto,
        full: false,
        code_system: None,
    },
    Step {
        files: &[fixture!("mfr.json"), fixture!("kreftreg.json")],
        registry: None,
        encoding: Encoding::Auto,
        full: false,
        code_system: None,
    },
    Step {
        files: &[fixture!("hjerteinfarkt_klokebok_2023.csv")],
        registry: Some("hjerteinfarkt"),
        encoding: Encoding::Auto,
        full: false,
        code_system: None,
    },
    Step {
        files: &[fixture!("hjerneslag_klokebok_latin1.csv")],
        registry: Some("hjerneslag"),
        encoding: Encoding::Latin1,
        full: false,
        code_system: None,
    },
    Step {
        files: &[fixture!("surveys_variables.csv"), fixture!("surveys_categories.csv")],
        registry: None,
        encoding: Encoding::Auto,
        full: false,
        code_system: None,
    },
    Step {
        files: &[fixture!("hjerteinfarkt_klokebok_2024.csv")],
        registry: Some("hjerteinfarkt"),
        encoding: Encoding::Auto,
        full: true,
        code_system: None,
    },
    // The ICD-10 codes the cancer registry's diagnosis is bound to (an excerpt of chapter II).
    Step {
        files: &[fixture!("icd10_2024_neoplasms.csv")],
        registry: None,
        encoding: Encoding::Auto,
        full: false,
        code_system: Some("icd-10@2024"),
    },
];

/// The national shared definitions the demo registries are harmonized onto.
const DEFINITIONS: (&str, &[u8]) = (
    "fixtures/harmonize/definitions.json",
    include_bytes!("../../../fixtures/harmonize/definitions.json"),
);

/// The definition whose proposed members the demo accepts, as a reviewer would, so that the
/// explorer has a harmonized group to show; every other proposal stays open for review.
const ACCEPTED_IN_DEMO: &str = "smoking_status";

/// Imports the shared definitions, records varkat's proposals for review, and accepts the
/// smoking group's.
fn harmonize_demo(context: &Context, store: &catalog::Store) -> anyhow::Result<()> {
    let inputs = [InputFile { path: DEFINITIONS.0.to_owned(), bytes: DEFINITIONS.1.to_vec() }];
    let batch = importers::read(&inputs, &ReadOptions::default())?;
    if let Some(change) = store.import(batch.into_request(false, false, &context.who))?.change {
        context.output.text(&format!("change {}: {}\n", change.seq, change.summary()));
    }
    let definitions = store.shared_definitions()?;
    let recorded = store.mappings()?;
    let proposal = harmonize::propose(
        &store.live_variables(&[])?,
        &definitions,
        &recorded,
        &harmonize::Options::default(),
    );
    let proposed = harmonize::decision::proposed_mappings(&proposal, &definitions, &recorded);
    let change = store.record_review(proposed.clone(), &context.who)?;
    context.output.text(&format!("change {}: {}\n", change.seq, change.summary()));
    let now = chrono::Utc::now();
    let accepted: Vec<catalog::Mapping> = store
        .mappings()?
        .iter()
        .filter(|mapping| mapping.definition.0 == ACCEPTED_IN_DEMO)
        .map(|mapping| {
            harmonize::decision::decide(
                mapping,
                catalog::ReviewStatus::Accepted,
                &context.who,
                Some("accepted in the demo"),
                now,
            )
        })
        .collect();
    let change = store.record_review(accepted, &context.who)?;
    context.output.text(&format!("change {}: {}\n", change.seq, change.summary()));
    Ok(())
}

/// Loads the demo catalog into an empty store: the codebooks step by step, then the shared
/// definitions and the review. Returns what the last codebook import changed.
pub(crate) fn load(
    context: &Context,
    store: &catalog::Store,
) -> anyhow::Result<Option<catalog::ChangeKind>> {
    let output = &context.output;
    let mut last_codebook = None;
    for step in STEPS {
        let inputs: Vec<InputFile> = step
            .files
            .iter()
            .map(|(name, bytes)| InputFile {
                path: format!("fixtures/catalog/{name}"),
                bytes: bytes.to_vec(),
            })
            .collect();
        let options = ReadOptions {
            format: None,
            registry: step.registry.map(RegistryId::new).transpose()?,
            encoding: step.encoding,
            language: importers::Language::Norwegian,
            code_system: step.code_system.map(str::to_owned),
        };
        let batch = importers::read(&inputs, &options)?;
        let outcome = store.import(batch.into_request(step.full, false, &context.who))?;
        if let Some(change) = outcome.change {
            output.text(&format!("change {}: {}\n", change.seq, change.summary()));
            if step.code_system.is_none() {
                last_codebook = Some(change.kind.clone());
            }
        }
    }
    harmonize_demo(context, store)?;
    Ok(last_codebook)
}

/// Runs `varkat demo`. Without `--data-dir` it makes a new directory, which it keeps so that
/// the user can go on exploring.
pub(crate) fn run(context: &Context, data_dir_given: bool) -> anyhow::Result<()> {
    let data_dir = if data_dir_given {
        context.data_dir.clone()
    } else {
        tempfile::Builder::new()
            .prefix("varkat-demo-")
            .tempdir()
            .context("failed to create a directory for the demo")?
            .keep()
    };
    let store = crate::open_store(&data_dir)?;
    anyhow::ensure!(
        store.is_empty(),
        "the store at `{}` is not empty; the demo needs a new one",
        data_dir.display()
    );
    let output = &context.output;
    let last_codebook = load(context, &store)?;
    context.update_index(&store);
    output.text(&format!("\nThe demo catalog is in {}\n\n", data_dir.display()));
    output.text("Registries:\n");
    for registry in store.registries()? {
        let n = store
            .variables(&registry.id, catalog::View::Published)?
            .iter()
            .filter(|v| v.status != catalog::Status::Retired)
            .count();
        output.text(&format!(
            "  {:<14} {:<8} {:>3} variables  {}\n",
            registry.id, registry.kind, n, registry.name
        ));
    }
    output.text("\nWhat the heart attack registry's 2024 codebook changed:\n");
    if let Some(catalog::ChangeKind::Import { new, changed, retired, .. }) = last_codebook {
        for (what, versions) in [("new", &new), ("changed", &changed), ("retired", &retired)] {
            for version in versions {
                let summary = match version.version.0.checked_sub(1).filter(|n| *n > 0) {
                    Some(previous) => render::diff_summary(&diff_versions(
                        &store.version(&version.key, VersionNo(previous))?,
                        &store.version(&version.key, version.version)?,
                    )),
                    None => String::new(),
                };
                output.text(&format!("  {what:<8} {:<40} {summary}\n", version.key.name()));
            }
        }
    }
    let key: VariableKey = "hjerteinfarkt/INNLEGGELSE_ROYKER".parse()?;
    let (first, second) = (store.version(&key, VersionNo(1))?, store.version(&key, VersionNo(2))?);
    output.text("\nHow it asks about smoking now:\n\n");
    output.text(&render::diff(&diff_versions(&first, &second)));
    output.text(&format!(
        "\nGo on exploring:\n  export VARKAT_DATA={}\n  varkat search røyk\n  varkat variables hjerteinfarkt\n  varkat history {key}\n  varkat diff {key}@1 kreftreg/ROYKESTATUS\n  varkat changes\n",
        data_dir.display()
    ));
    output.json(&serde_json::json!({ "data_dir": data_dir, "changes": store.last_change()?.0 }));
    Ok(())
}
