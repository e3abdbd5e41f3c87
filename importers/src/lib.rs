//! Importers: here is a codebook file, give me catalog values.
//!
//! Each format has its module, which turns decoded text into an [`ImportBatch`] or refuses the
//! file with every located [`ImportError`] it found. Importers never write the store: the
//! caller hands the batch to `catalog::Store::import`, which writes all of it or nothing.

mod batch;
mod csv_code_list;
mod dbgap;
mod ddi_codebook;
mod encoding;
mod error;
mod fhir;
mod klokebok;
mod location;
mod mrs_kodebok;
mod opal;
mod redcap;
pub mod shared_definitions;
mod table;
mod ukbiobank;
mod values;
pub mod varkat_json;
mod xml;

use std::fmt;
use std::str::FromStr;

use catalog::RegistryId;

pub use batch::{ImportBatch, Warning};
pub use encoding::{Encoding, decode};
pub use error::{ImportError, ImportErrorKind, ImportErrors};
pub use location::Location;

/// A file format varkat reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// varkat's own JSON.
    VarkatJson,
    /// An Opal/Maelstrom data dictionary (Variables and Categories tables).
    Opal,
    /// The OQR/MRS "klokebok" of Norwegian quality registries.
    Klokebok,
    /// The older MRS "kodebok" (`Feltnavn;Variabelnavn;Felttype`, options as `;0 = Ikke svart`).
    MrsKodebok,
    /// A REDCap data dictionary.
    Redcap,
    /// The UK Biobank data dictionary showcase.
    UkBiobank,
    /// DDI-Codebook 2.5 XML.
    DdiCodebook,
    /// A dbGaP data dictionary (`data_dict.xml`).
    Dbgap,
    /// An HL7 FHIR R4 CodeSystem, in JSON or XML.
    Fhir,
    /// A plain CSV code list.
    CsvCodeList,
}

impl Format {
    /// Every format, for messages.
    pub const ALL: [Format; 10] = [
        Format::VarkatJson,
        Format::Opal,
        Format::Klokebok,
        Format::MrsKodebok,
        Format::Redcap,
        Format::UkBiobank,
        Format::DdiCodebook,
        Format::Dbgap,
        Format::Fhir,
        Format::CsvCodeList,
    ];

    /// The format's name on the command line and in provenance.
    pub fn name(self) -> &'static str {
        match self {
            Format::VarkatJson => varkat_json::FORMAT,
            Format::Opal => opal::FORMAT,
            Format::Klokebok => klokebok::FORMAT,
            Format::MrsKodebok => mrs_kodebok::FORMAT,
            Format::Redcap => redcap::FORMAT,
            Format::UkBiobank => ukbiobank::FORMAT,
            Format::DdiCodebook => ddi_codebook::FORMAT,
            Format::Dbgap => dbgap::FORMAT,
            Format::Fhir => fhir::FORMAT,
            Format::CsvCodeList => csv_code_list::FORMAT,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        let s = s.to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|format| format.name() == s || (s == "json" && *format == Format::VarkatJson))
            .ok_or_else(|| {
                format!(
                    "`{s}` is not a format varkat reads; expected {}",
                    Format::ALL.map(Format::name).join(", ")
                )
            })
    }
}

/// An input file: its name as the user gave it, and its bytes.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// The path as given on the command line or in an upload.
    pub path: String,
    /// The file's content.
    pub bytes: Vec<u8>,
}

/// How to read the files of one import.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The format, when the user named it; otherwise it is told from each file's content.
    pub format: Option<Format>,
    /// The registry, for formats that do not name it (and to override those that do).
    pub registry: Option<RegistryId>,
    /// The text encoding.
    pub encoding: Encoding,
    /// The language of labels in formats that do not say (REDCap): `nb` or `en`.
    pub language: Language,
    /// The code system and version a CSV code list is, as `ID@VERSION`.
    pub code_system: Option<String>,
}

/// The language of labels, for formats that do not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    /// Norwegian.
    #[default]
    Norwegian,
    /// English.
    English,
}

impl FromStr for Language {
    type Err = String;
    fn from_str(s: &str) -> Result<Language, String> {
        match s.to_ascii_lowercase().as_str() {
            "nb" | "no" | "nn" | "norwegian" => Ok(Language::Norwegian),
            "en" | "english" => Ok(Language::English),
            _ => Err(format!("`{s}` is not a language varkat keeps labels in; expected nb or en")),
        }
    }
}

/// What a table's content says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detected {
    VarkatJson,
    OpalVariables,
    OpalCategories,
    Klokebok,
    MrsKodebok,
    Redcap,
    UkBiobank,
    DdiCodebook,
    Dbgap,
    FhirJson,
    FhirXml,
    CsvCodeList,
}

fn detect(text: &str, file: &str) -> Result<Detected, ImportError> {
    let start = text.trim_start();
    if start.starts_with('<') {
        match ddi_codebook::root_element(start, file)?.as_deref() {
            Some("codeBook") => return Ok(Detected::DdiCodebook),
            Some("data_table") => return Ok(Detected::Dbgap),
            Some("CodeSystem" | "ValueSet" | "ConceptMap" | "NamingSystem")
                if start.contains("hl7.org/fhir") =>
            {
                return Ok(Detected::FhirXml);
            }
            Some(
                root @ ("DDIInstance" | "FragmentInstance" | "ResourcePackage" | "LogicalProduct"
                | "Fragment"),
            ) => {
                return Err(ImportError::new(
                    Location::line(file, 1),
                    ImportErrorKind::Unsupported {
                        what: format!("DDI-Lifecycle 3 (`{root}`)"),
                        instead: "export the study as DDI-Codebook 2.5",
                    },
                ));
            }
            _ => {}
        }
    } else if start.starts_with('{') {
        if start.contains("\"varkat_format\"") {
            return Ok(Detected::VarkatJson);
        }
        if start.contains("\"resourceType\"") {
            return Ok(Detected::FhirJson);
        }
    } else if let Ok(table) = table::Table::read(start.lines().next().unwrap_or(""), file) {
        let headers = table.headers();
        let has = |name: &str| headers.iter().any(|header| header.eq_ignore_ascii_case(name));
        if has("variabel_id") || (has("ledetekst") && has("listeverdier")) {
            return Ok(Detected::Klokebok);
        }
        if mrs_kodebok::is_kodebok(headers) {
            return Ok(Detected::MrsKodebok);
        }
        if redcap::is_dictionary(headers) {
            return Ok(Detected::Redcap);
        }
        if ukbiobank::is_showcase(headers) {
            return Ok(Detected::UkBiobank);
        }
        if csv_code_list::is_code_list(headers)
            && !opal::is_variables_table(headers)
            && !opal::is_categories_table(headers)
        {
            return Ok(Detected::CsvCodeList);
        }
        if opal::is_variables_table(headers) {
            return Ok(Detected::OpalVariables);
        }
        if opal::is_categories_table(headers) {
            return Ok(Detected::OpalCategories);
        }
    }
    let seen: String =
        start.chars().take(40).map(|c| if c.is_control() { ' ' } else { c }).collect();
    Err(ImportError::new(
        Location::line(file, 1),
        ImportErrorKind::UnknownFormat {
            seen: format!("it starts with `{}`", seen.trim()),
            expected: Format::ALL.map(Format::name).join(", "),
        },
    ))
}

/// Reads the files of one import into one batch, or every error found in any of them.
///
/// The categories table of an Opal dictionary goes with the variables table named before it
/// (or, if it comes first, the first one).
pub fn read(files: &[InputFile], options: &ReadOptions) -> Result<ImportBatch, ImportErrors> {
    let mut errors = Vec::new();
    let mut decoded = Vec::new();
    for file in files {
        // A spreadsheet is a ZIP archive; say so rather than complain about its bytes.
        if file.bytes.starts_with(b"PK\x03\x04") {
            errors.push(ImportError::new(Location::file(&file.path), ImportErrorKind::Spreadsheet));
            continue;
        }
        match decode(&file.bytes, options.encoding, &file.path) {
            Ok(text) => decoded.push((file.path.as_str(), text)),
            Err(err) => errors.push(err),
        }
    }
    let mut detected = Vec::new();
    for (path, text) in &decoded {
        let kind = match (options.format, detect(text, path)) {
            (Some(Format::VarkatJson), _) => Ok(Detected::VarkatJson),
            (Some(Format::Klokebok), _) => Ok(Detected::Klokebok),
            (Some(Format::MrsKodebok), _) => Ok(Detected::MrsKodebok),
            (Some(Format::Redcap), _) => Ok(Detected::Redcap),
            (Some(Format::UkBiobank), _) => Ok(Detected::UkBiobank),
            (Some(Format::DdiCodebook), _) => Ok(Detected::DdiCodebook),
            (Some(Format::Dbgap), _) => Ok(Detected::Dbgap),
            (Some(Format::Fhir), Ok(Detected::FhirXml)) => Ok(Detected::FhirXml),
            (Some(Format::Fhir), _) => Ok(Detected::FhirJson),
            (Some(Format::CsvCodeList), _) => Ok(Detected::CsvCodeList),
            (Some(Format::Opal), Ok(Detected::OpalCategories)) => Ok(Detected::OpalCategories),
            (Some(Format::Opal), _) => Ok(Detected::OpalVariables),
            (None, detected) => detected,
        };
        match kind {
            Ok(kind) => detected.push((*path, text.as_str(), kind)),
            Err(err) => errors.push(err),
        }
    }
    let mut batch = ImportBatch::default();
    let mut absorb =
        |result: Result<ImportBatch, ImportErrors>, errors: &mut Vec<ImportError>| match result {
            Ok(part) => batch.extend(part),
            Err(found) => errors.extend(found.errors().iter().cloned()),
        };
    let registry = options.registry.as_ref();
    let variables_tables: Vec<usize> =
        (0..detected.len()).filter(|&i| detected[i].2 == Detected::OpalVariables).collect();
    for (index, &(path, text, kind)) in detected.iter().enumerate() {
        match kind {
            Detected::VarkatJson => absorb(varkat_json::read(text, path), &mut errors),
            Detected::Klokebok => absorb(klokebok::read(text, path, registry), &mut errors),
            Detected::MrsKodebok => absorb(mrs_kodebok::read(text, path, registry), &mut errors),
            Detected::Redcap => {
                let language = if options.language == Language::English { "en" } else { "nb" };
                absorb(redcap::read(text, path, registry, language), &mut errors);
            }
            Detected::UkBiobank => absorb(ukbiobank::read(text, path, registry), &mut errors),
            Detected::DdiCodebook => absorb(ddi_codebook::read(text, path, registry), &mut errors),
            Detected::Dbgap => absorb(dbgap::read(text, path, registry), &mut errors),
            Detected::FhirJson => absorb(fhir::read_json(text, path), &mut errors),
            Detected::FhirXml => absorb(fhir::read_xml(text, path), &mut errors),
            Detected::CsvCodeList => {
                absorb(csv_code_list::read(text, path, options.code_system.as_deref()), &mut errors)
            }
            Detected::OpalVariables => {
                let categories = detected
                    .iter()
                    .enumerate()
                    .filter(|(other, (_, _, kind))| {
                        *kind == Detected::OpalCategories
                            && owner_of(*other, &variables_tables) == Some(index)
                    })
                    .map(|(_, (path, text, _))| (*text, *path))
                    .next();
                absorb(opal::read(text, path, categories, registry), &mut errors);
            }
            Detected::OpalCategories if variables_tables.is_empty() => {
                errors.push(ImportError::new(
                    Location::file(path),
                    ImportErrorKind::CategoriesWithoutVariables,
                ));
            }
            Detected::OpalCategories => {}
        }
    }
    check_unique_across_files(&mut batch, &mut errors);
    match ImportErrors::from_vec(errors) {
        Some(errors) => Err(errors),
        None => Ok(batch),
    }
}

/// The variables table that the categories table at `index` belongs to.
fn owner_of(index: usize, variables_tables: &[usize]) -> Option<usize> {
    variables_tables
        .iter()
        .rev()
        .find(|&&table| table < index)
        .or(variables_tables.first())
        .copied()
}

fn check_unique_across_files(batch: &mut ImportBatch, errors: &mut Vec<ImportError>) {
    // Forms of one registry often repeat shared variables (the patient's sex on every form):
    // the same definition twice is kept once; two different definitions are an error.
    let mut first: std::collections::HashMap<
        catalog::VariableKey,
        (String, catalog::VariableDefinition),
    > = std::collections::HashMap::new();
    batch.variables.retain(|variable| match first.get(&variable.key) {
        None => {
            first.insert(
                variable.key.clone(),
                (variable.source.path.clone(), variable.definition.clone()),
            );
            true
        }
        // One file may hold several versions of a variable (DDI's verStmt).
        Some((first_file, _)) if *first_file == variable.source.path => true,
        Some((_, definition)) if *definition == variable.definition => false,
        Some((first_file, _)) => {
            errors.push(ImportError::new(
                Location::file(&variable.source.path),
                ImportErrorKind::DefinedInTwoFiles {
                    key: variable.key.to_string(),
                    first_file: first_file.clone(),
                },
            ));
            false
        }
    });
}

#[cfg(test)]
mod tests;
