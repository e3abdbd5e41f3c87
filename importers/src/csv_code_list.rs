//! Reads plain CSV code lists: one code per row with its label in Norwegian and/or English, an
//! optional parent code and validity dates. The file does not say which code system it is, so
//! the import names it: `--system ID@VERSION`.

use std::collections::HashSet;

use catalog::{
    CodeSystem, CodeSystemId, CodeSystemVersion, Concept, ConceptContent, LocalizedText, SourceFile,
};

use crate::batch::ImportBatch;
use crate::error::{ImportError, ImportErrorKind, ImportErrors};
use crate::location::Location;
use crate::table::Table;

/// The format's name in provenance and messages.
pub(crate) const FORMAT: &str = "csv-code-list";

const NORWEGIAN_LABELS: &[&str] =
    &["label:nb", "label_nb", "label:no", "tekst", "label", "display"];
const ENGLISH_LABELS: &[&str] = &["label:en", "label_en", "display:en"];

/// True for a header with a code column and a label column.
pub(crate) fn is_code_list(headers: &[String]) -> bool {
    let has = |name: &str| headers.iter().any(|header| header.eq_ignore_ascii_case(name));
    (has("code") || has("kode"))
        && NORWEGIAN_LABELS.iter().chain(ENGLISH_LABELS).any(|label| has(label))
}

/// Reads a code list as version `version` of code system `system`.
pub(crate) fn read(
    table: &mut Table<'_>,
    system: Option<&str>,
) -> Result<ImportBatch, ImportErrors> {
    let file = &table.file().to_owned();
    let Some((id, version)) = system
        .and_then(|s| s.split_once('@'))
        .filter(|(id, version)| !id.is_empty() && !version.is_empty())
    else {
        return Err(ImportErrors::one(
            Location::file(file),
            ImportErrorKind::NoCodeSystem { format: FORMAT },
        ));
    };
    let first = |names: &[&str]| names.iter().find_map(|name| table.column(name));
    // Detection found a code column, but `--format csv-code-list` skips detection.
    let code = match first(&["code", "kode"]) {
        Some(code) => code,
        None => table.require("code")?,
    };
    let (nb, en) = (first(NORWEGIAN_LABELS), first(ENGLISH_LABELS));
    let parent = first(&["parent", "forelder", "overordnet"]);
    let (from, to) = (first(&["valid_from", "gyldig_fra"]), first(&["valid_to", "gyldig_til"]));
    let mut errors = Vec::new();
    let mut concepts: Vec<(Concept, u64)> = Vec::new();
    let mut codes: HashSet<String> = HashSet::new();
    while let Some(row) = table.next_row(&mut errors) {
        let row = &row;
        let Some(code_text) = row.get(Some(code)) else {
            errors.push(ImportError::new(
                table.at(row, code),
                ImportErrorKind::EmptyCategoryCode { variable: id.to_owned() },
            ));
            continue;
        };
        if !codes.insert(code_text.to_owned()) {
            errors.push(ImportError::new(
                table.at(row, code),
                ImportErrorKind::DuplicateCode {
                    code: code_text.to_owned(),
                    system: id.to_owned(),
                },
            ));
            continue;
        }
        let period = table.period(row, from, to, &mut errors);
        let display = LocalizedText {
            nb: row.get(nb).map(str::to_owned),
            en: row.get(en).map(str::to_owned),
        };
        concepts.push((
            Concept {
                code: code_text.to_owned(),
                display,
                parent: row.get(parent).map(str::to_owned),
                period,
            },
            row.line,
        ));
    }
    for (concept, line) in &concepts {
        if let Some(parent) = &concept.parent
            && !codes.contains(parent)
        {
            errors.push(ImportError::new(
                Location::line(file, *line).field("parent"),
                ImportErrorKind::DanglingReference { reference: parent.clone(), what: "a code" },
            ));
        }
    }
    if let Some(errors) = ImportErrors::from_vec(errors) {
        return Err(errors);
    }
    let system_id = CodeSystemId(id.to_owned());
    let system = CodeSystem { id: system_id.clone(), name: id.to_owned(), url: None };
    let version = CodeSystemVersion {
        system: system_id,
        version: version.to_owned(),
        content: ConceptContent::Complete,
        concepts: concepts.into_iter().map(|(concept, _)| concept).collect(),
    };
    let source = SourceFile { path: file.to_owned(), format: FORMAT.to_owned() };
    Ok(ImportBatch {
        files: vec![source],
        code_systems: vec![(system, version)],
        ..ImportBatch::default()
    })
}
