//! Importers: here is a codebook file, give me catalog values.
//!
//! Each format has its module, which turns decoded text into an [`ImportBatch`] or refuses the
//! file with every located [`ImportError`] it found. Importers never write the store: the
//! caller hands the batch to `catalog::Store::import`, which writes all of it or nothing.

pub mod ballot;
mod batch;
mod claml;
mod csv_code_list;
mod dbgap;
mod ddi_codebook;
mod ddi_lifecycle;
mod encoding;
mod error;
pub mod export;
mod fhir;
mod hhear;
mod klokebok;
mod location;
mod mrs_kodebok;
mod opal;
mod redcap;
pub mod shared_definitions;
mod spreadsheet;
mod table;
mod topmed;
mod ukbiobank;
mod values;
pub mod varkat_json;
mod xml;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use catalog::RegistryId;

use crate::encoding::StreamEncoding;
use crate::table::Table;
use crate::xml::XmlReader;

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
    /// DDI-Lifecycle 3.x XML, its references resolved.
    DdiLifecycle,
    /// A dbGaP data dictionary (`data_dict.xml`).
    Dbgap,
    /// An HL7 FHIR R4 CodeSystem, in JSON or XML.
    Fhir,
    /// ClaML, the XML of WHO classifications such as ICD-10.
    Claml,
    /// A plain CSV code list.
    CsvCodeList,
    /// A catalog of shared (normed) definitions, in the form of the national catalog's
    /// `definitions.json`.
    SharedDefinitions,
    /// A TOPMed DCC harmonized-variable document, read as a shared definition.
    TopmedHarmonized,
    /// A CHEAR/HHEAR data dictionary workbook: its Data Dictionary and Codebook sheets.
    HhearDictionary,
}

impl Format {
    /// Every format, for messages.
    pub const ALL: [Format; 15] = [
        Format::VarkatJson,
        Format::Opal,
        Format::Klokebok,
        Format::MrsKodebok,
        Format::Redcap,
        Format::UkBiobank,
        Format::DdiCodebook,
        Format::DdiLifecycle,
        Format::Dbgap,
        Format::Fhir,
        Format::Claml,
        Format::CsvCodeList,
        Format::SharedDefinitions,
        Format::TopmedHarmonized,
        Format::HhearDictionary,
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
            Format::DdiLifecycle => ddi_lifecycle::FORMAT,
            Format::Dbgap => dbgap::FORMAT,
            Format::Fhir => fhir::FORMAT,
            Format::Claml => claml::FORMAT,
            Format::CsvCodeList => csv_code_list::FORMAT,
            Format::SharedDefinitions => shared_definitions::FORMAT,
            Format::TopmedHarmonized => topmed::FORMAT,
            Format::HhearDictionary => hhear::FORMAT,
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
    DdiLifecycle,
    Dbgap,
    FhirJson,
    FhirXml,
    Claml,
    CsvCodeList,
    SharedDefinitions,
    TopmedHarmonized,
    HhearDictionary,
    HhearCodebook,
}

fn detect(text: &str, file: &str) -> Result<Detected, ImportError> {
    let start = text.trim_start();
    if start.starts_with('<') {
        match ddi_codebook::root_element(start, file)?.as_deref() {
            Some("codeBook") => return Ok(Detected::DdiCodebook),
            Some("data_table") => return Ok(Detected::Dbgap),
            Some("ClaML") => return Ok(Detected::Claml),
            Some("CodeSystem" | "ValueSet" | "ConceptMap" | "NamingSystem")
                if start.contains("hl7.org/fhir") =>
            {
                return Ok(Detected::FhirXml);
            }
            Some(
                "DDIInstance" | "FragmentInstance" | "ResourcePackage" | "LogicalProduct"
                | "Fragment",
            ) => return Ok(Detected::DdiLifecycle),
            _ => {}
        }
    } else if start.starts_with('{') {
        if start.contains("\"varkat_format\"") {
            return Ok(Detected::VarkatJson);
        }
        if start.contains("\"resourceType\"") {
            return Ok(Detected::FhirJson);
        }
        if topmed::is_document(start) {
            return Ok(Detected::TopmedHarmonized);
        }
        if start.contains("\"definitions\"") {
            return Ok(Detected::SharedDefinitions);
        }
    } else if let Ok(table) = Table::read(start.lines().next().unwrap_or("").as_bytes(), file)
        && let Some(detected) = detect_table(table.headers())
    {
        return Ok(detected);
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

/// The table format whose columns these are, if any.
fn detect_table(headers: &[String]) -> Option<Detected> {
    let has = |name: &str| headers.iter().any(|header| header.eq_ignore_ascii_case(name));
    Some(if has("variabel_id") || (has("ledetekst") && has("listeverdier")) {
        Detected::Klokebok
    } else if hhear::is_dictionary(headers) {
        Detected::HhearDictionary
    } else if hhear::is_codebook(headers) {
        Detected::HhearCodebook
    } else if mrs_kodebok::is_kodebok(headers) {
        Detected::MrsKodebok
    } else if redcap::is_dictionary(headers) {
        Detected::Redcap
    } else if ukbiobank::is_showcase(headers) {
        Detected::UkBiobank
    } else if csv_code_list::is_code_list(headers)
        && !opal::is_variables_table(headers)
        && !opal::is_categories_table(headers)
    {
        Detected::CsvCodeList
    } else if opal::is_variables_table(headers) {
        Detected::OpalVariables
    } else if opal::is_categories_table(headers) {
        Detected::OpalCategories
    } else {
        return None;
    })
}

/// The detected kind that `--format` names, given what detection found.
fn forced(format: Format, detected: Option<Detected>) -> Detected {
    match (format, detected) {
        (Format::VarkatJson, _) => Detected::VarkatJson,
        (Format::Klokebok, _) => Detected::Klokebok,
        (Format::MrsKodebok, _) => Detected::MrsKodebok,
        (Format::Redcap, _) => Detected::Redcap,
        (Format::UkBiobank, _) => Detected::UkBiobank,
        (Format::DdiCodebook, _) => Detected::DdiCodebook,
        (Format::DdiLifecycle, _) => Detected::DdiLifecycle,
        (Format::Dbgap, _) => Detected::Dbgap,
        (Format::Fhir, Some(Detected::FhirXml)) => Detected::FhirXml,
        (Format::Fhir, _) => Detected::FhirJson,
        (Format::Claml, _) => Detected::Claml,
        (Format::CsvCodeList, _) => Detected::CsvCodeList,
        (Format::SharedDefinitions, _) => Detected::SharedDefinitions,
        (Format::TopmedHarmonized, _) => Detected::TopmedHarmonized,
        (Format::HhearDictionary, Some(Detected::HhearCodebook)) => Detected::HhearCodebook,
        (Format::HhearDictionary, _) => Detected::HhearDictionary,
        (Format::Opal, Some(Detected::OpalCategories)) => Detected::OpalCategories,
        (Format::Opal, _) => Detected::OpalVariables,
    }
}

impl Detected {
    /// The format this is a part or variant of.
    fn format(self) -> Format {
        match self {
            Detected::VarkatJson => Format::VarkatJson,
            Detected::OpalVariables | Detected::OpalCategories => Format::Opal,
            Detected::Klokebok => Format::Klokebok,
            Detected::MrsKodebok => Format::MrsKodebok,
            Detected::Redcap => Format::Redcap,
            Detected::UkBiobank => Format::UkBiobank,
            Detected::DdiCodebook => Format::DdiCodebook,
            Detected::DdiLifecycle => Format::DdiLifecycle,
            Detected::Dbgap => Format::Dbgap,
            Detected::FhirJson | Detected::FhirXml => Format::Fhir,
            Detected::Claml => Format::Claml,
            Detected::CsvCodeList => Format::CsvCodeList,
            Detected::SharedDefinitions => Format::SharedDefinitions,
            Detected::TopmedHarmonized => Format::TopmedHarmonized,
            Detected::HhearDictionary | Detected::HhearCodebook => Format::HhearDictionary,
        }
    }

    /// Whether the format is a table (CSV, TSV or a spreadsheet's sheet).
    fn is_table(self) -> bool {
        !matches!(
            self,
            Detected::VarkatJson
                | Detected::DdiCodebook
                | Detected::DdiLifecycle
                | Detected::Dbgap
                | Detected::FhirJson
                | Detected::FhirXml
                | Detected::Claml
                | Detected::SharedDefinitions
                | Detected::TopmedHarmonized
        )
    }
}

/// An input once decoded: text (borrowed from the input when it was UTF-8), or a table whose
/// rows are read as the importer asks.
enum Content<'a> {
    Text(std::borrow::Cow<'a, str>),
    Table(Table<'a>),
    /// A file in an XML format read in one pass, varkat JSON or FHIR JSON, to be read as it
    /// goes (`read_paths`).
    Stream(std::path::PathBuf, StreamEncoding),
}

/// An input of `read_inputs`: a file in memory, or one to read as it goes, its format known.
enum Input<'a> {
    Loaded(&'a InputFile),
    Streamed { file: &'a std::path::Path, kind: Detected, encoding: StreamEncoding },
}

/// How much of a file is looked at to tell whether it can be read as it goes.
const SNIFF_BYTES: u64 = 64 << 10;

/// Reads the files at `paths` as one import, as `read` does, except that a CSV or TSV table,
/// varkat or FHIR JSON, or a file in an XML format read in one pass (DDI-Codebook, dbGaP, FHIR,
/// ClaML) is read as it goes, in any encoding varkat reads (UTF-16 and Latin-1 decoded on the
/// way): however large, its text is never whole in memory.
pub fn read_paths(
    paths: &[std::path::PathBuf],
    options: &ReadOptions,
) -> Result<ImportBatch, ImportErrors> {
    use std::io::Read as _;
    /// A file opened: its format when it is read as it goes, else its bytes.
    enum Opened {
        Streamed(Detected, StreamEncoding),
        Loaded(InputFile),
    }
    let open = |file: &std::path::Path, path: String| -> std::io::Result<Opened> {
        let mut handle = std::fs::File::open(file)?;
        let mut bytes = Vec::new();
        (&mut handle).take(SNIFF_BYTES).read_to_end(&mut bytes)?;
        if let Some((kind, encoding)) = streamable(&bytes, &path, options) {
            return Ok(Opened::Streamed(kind, encoding));
        }
        handle.read_to_end(&mut bytes)?;
        Ok(Opened::Loaded(InputFile { path, bytes }))
    };
    let mut opened = Vec::with_capacity(paths.len());
    let mut errors = Vec::new();
    for file in paths {
        let path = file.display().to_string();
        match open(file, path.clone()) {
            Ok(found) => opened.push(found),
            Err(err) => errors.push(ImportError::new(
                Location::file(&path),
                ImportErrorKind::Unreadable(err.to_string()),
            )),
        }
    }
    if let Some(errors) = ImportErrors::from_vec(errors) {
        return Err(errors);
    }
    let inputs = paths
        .iter()
        .zip(&opened)
        .map(|(file, opened)| match opened {
            Opened::Streamed(kind, encoding) => {
                Input::Streamed { file, kind: *kind, encoding: *encoding }
            }
            Opened::Loaded(input) => Input::Loaded(input),
        })
        .collect();
    read_inputs(inputs, options)
}

/// The format and encoding of a file that can be read as it goes, from its first bytes; `None`
/// when it must be loaded: another format, or a start that does not say.
fn streamable(
    start: &[u8],
    path: &str,
    options: &ReadOptions,
) -> Option<(Detected, StreamEncoding)> {
    if spreadsheet::is_spreadsheet(start) {
        return None;
    }
    let encoding = StreamEncoding::of(start, options.encoding);
    // Only a character cut off at the end of the sample is forgiven; any other bad byte is left
    // to the loaded path, whose message names it (and suggests --encoding latin1).
    let text: Cow<'_, str> = match encoding {
        // One byte order mark is dropped, as `decode` and `Utf8Reader` drop it.
        StreamEncoding::Utf8 => {
            let start = start.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(start);
            match std::str::from_utf8(start) {
                Ok(text) => Cow::Borrowed(text),
                Err(err) if err.error_len().is_none() => Cow::Borrowed(
                    std::str::from_utf8(&start[..err.valid_up_to()]).unwrap_or_default(),
                ),
                Err(_) => return None,
            }
        }
        StreamEncoding::Utf16Le | StreamEncoding::Utf16Be | StreamEncoding::Latin1 => {
            // A UTF-16 sample may end in half a unit, or in the first half of a surrogate pair.
            let whole_units = start.len() / 2 * 2;
            [start.len(), whole_units, whole_units.saturating_sub(2)]
                .into_iter()
                .find_map(|end| decode(&start[..end], options.encoding, path).ok())?
        }
    };
    let kind = match (options.format, detect(&text, path)) {
        (Some(format), found) => forced(format, found.ok()),
        (None, Ok(kind)) => kind,
        (None, Err(_)) => return None,
    };
    let read_in_one_pass = kind.is_table()
        || matches!(
            kind,
            Detected::VarkatJson
                | Detected::DdiCodebook
                | Detected::Dbgap
                | Detected::FhirXml
                | Detected::FhirJson
                | Detected::Claml
        );
    read_in_one_pass.then_some((kind, encoding))
}

/// An XML reader over a file's text, or over the file itself when it is read as it goes; a
/// table (a sheet read with `--format` of an XML format) is no XML.
fn xml_reader<'a>(
    content: &'a Content<'_>,
    path: &str,
    kind: Detected,
) -> Result<XmlReader<'a>, ImportErrors> {
    let fail = |kind: ImportErrorKind| ImportErrors::one(Location::file(path), kind);
    match content {
        Content::Text(text) => Ok(XmlReader::new(text, path)),
        Content::Stream(file, encoding) => {
            let source = open_text(file, path, *encoding)?;
            Ok(XmlReader::streaming(Box::new(source), path))
        }
        Content::Table(_) => {
            Err(fail(ImportErrorKind::NotATableFormat { format: kind.format().name() }))
        }
    }
}

/// The text of a file in `encoding`, read as UTF-8 as it goes.
fn open_text(
    file: &std::path::Path,
    path: &str,
    encoding: StreamEncoding,
) -> Result<std::io::BufReader<encoding::Utf8Reader<std::fs::File>>, ImportError> {
    let opened = std::fs::File::open(file).map_err(|err| encoding::read_failure(&err, path))?;
    Ok(std::io::BufReader::with_capacity(1 << 16, encoding::Utf8Reader::new(opened, encoding)))
}

/// The sheets of a workbook to read, and what each is: those whose columns are a table format
/// (the `--format` one, when given). The others are skipped with a warning; when no sheet
/// qualifies, `--format` reads them all as that format, so that the reader names what they lack.
fn workbook_sheets(
    sheets: Vec<Table<'static>>,
    file: &str,
    format: Option<Format>,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<(Table<'static>, Detected)>, ImportError> {
    let mut read = Vec::new();
    let mut skipped = Vec::new();
    for sheet in sheets {
        let kind = detect_table(sheet.headers())
            .filter(|found| format.is_none_or(|format| found.format() == format));
        match kind {
            Some(kind) => read.push((sheet, kind)),
            None => skipped.push(sheet),
        }
    }
    let describe = |sheet: &Table<'_>| {
        let first: Vec<&str> = sheet.headers().iter().take(3).map(String::as_str).collect();
        let name = sheet.file().strip_prefix(file).unwrap_or(sheet.file());
        format!("sheet {name} starts with columns {}", first.join(", "))
    };
    if read.is_empty() {
        // With `--format`, let the reader name the columns it misses.
        if let Some(format) = format {
            return Ok(skipped.into_iter().map(|sheet| (sheet, forced(format, None))).collect());
        }
        if skipped.iter().any(|sheet| opal::is_processing_elements(sheet.headers())) {
            return Err(ImportError::new(
                Location::file(file),
                ImportErrorKind::NotADictionary {
                    what: "Maelstrom data processing elements (a cohort's harmonization rules)",
                    instead: "import the DataSchema they map to and the cohort's own dictionary",
                },
            ));
        }
        if skipped.iter().any(hhear::is_mapping_sheet) {
            return Err(ImportError::new(
                Location::file(file),
                ImportErrorKind::NotADictionary {
                    what: "a mapping between two studies' variables (a crosstab or the results of a mapping exercise)",
                    instead: "import each study's data dictionary, and record mappings with `varkat review`",
                },
            ));
        }
        return Err(ImportError::new(
            Location::file(file),
            ImportErrorKind::NoReadableSheet {
                sheets: skipped.iter().map(describe).collect::<Vec<_>>().join("; "),
                expected: Format::ALL
                    .into_iter()
                    .filter(|format| forced(*format, None).is_table())
                    .map(Format::name)
                    .collect::<Vec<_>>()
                    .join(", "),
            },
        ));
    }
    for sheet in &skipped {
        warnings.push(Warning {
            location: Location::file(sheet.file()),
            message: format!("skipped: {}, which is no table varkat reads", describe(sheet)),
        });
    }
    Ok(read)
}

/// Reads the files of one import into one batch, or every error found in any of them.
///
/// The categories table of an Opal dictionary goes with the variables table named before it
/// (or, if it comes first, the first one).
pub fn read(files: &[InputFile], options: &ReadOptions) -> Result<ImportBatch, ImportErrors> {
    read_inputs(files.iter().map(Input::Loaded).collect(), options)
}

fn read_inputs(inputs: Vec<Input<'_>>, options: &ReadOptions) -> Result<ImportBatch, ImportErrors> {
    let started = std::time::Instant::now();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut detected: Vec<(String, Detected, Content<'_>)> = Vec::new();
    for input in inputs {
        let file = match input {
            Input::Loaded(file) => file,
            Input::Streamed { file, kind, encoding } => {
                let path = file.display().to_string();
                let content = if kind.is_table() {
                    match open_text(file, &path, encoding).and_then(|text| Table::read(text, &path))
                    {
                        Ok(table) => Content::Table(table),
                        Err(err) => {
                            errors.push(err);
                            continue;
                        }
                    }
                } else {
                    Content::Stream(file.to_owned(), encoding)
                };
                detected.push((path, kind, content));
                continue;
            }
        };
        let path = file.path.as_str();
        if spreadsheet::is_spreadsheet(&file.bytes) {
            let sheets = spreadsheet::sheets(&file.bytes, path).and_then(|(sheets, cells)| {
                errors.extend(cells);
                workbook_sheets(sheets, path, options.format, &mut warnings)
            });
            match sheets {
                Ok(sheets) => {
                    detected.extend(sheets.into_iter().map(|(sheet, kind)| {
                        (sheet.file().to_owned(), kind, Content::Table(sheet))
                    }))
                }
                Err(err) => errors.push(err),
            }
            continue;
        }
        let text = match decode(&file.bytes, options.encoding, path) {
            Ok(text) => text,
            Err(err) => {
                errors.push(err);
                continue;
            }
        };
        let kind = match (options.format, detect(&text, path)) {
            (Some(format), found) => forced(format, found.ok()),
            (None, Ok(kind)) => kind,
            (None, Err(err)) => {
                errors.push(err);
                continue;
            }
        };
        let content = if kind.is_table() {
            let table = match text {
                Cow::Borrowed(text) => Table::read(text.as_bytes(), path),
                Cow::Owned(text) => Table::read(std::io::Cursor::new(text.into_bytes()), path),
            };
            match table {
                Ok(table) => Content::Table(table),
                Err(err) => {
                    errors.push(err);
                    continue;
                }
            }
        } else {
            Content::Text(text)
        };
        detected.push((path.to_owned(), kind, content));
    }
    let mut batch = ImportBatch { warnings, ..ImportBatch::default() };
    let mut absorb =
        |result: Result<ImportBatch, ImportErrors>, errors: &mut Vec<ImportError>| match result {
            Ok(part) => batch.extend(part),
            Err(found) => {
                // A byte not in the file's encoding is the one thing said of the file, as when
                // it is loaded and decoding fails before anything is read; read as it goes,
                // what came before the byte has been read.
                let undecodable = |error: &&ImportError| {
                    matches!(error.kind, ImportErrorKind::InvalidEncoding { .. })
                };
                let found = found.errors();
                match found.iter().find(undecodable) {
                    Some(error) => errors.push(error.clone()),
                    None => errors.extend(found.iter().cloned()),
                }
            }
        };
    let registry = options.registry.as_ref();
    let tables_of = |kind: Detected| -> Vec<usize> {
        (0..detected.len()).filter(|&i| detected[i].1 == kind).collect()
    };
    let variables_tables = tables_of(Detected::OpalVariables);
    let dictionary_tables = tables_of(Detected::HhearDictionary);
    // A companion table (Opal categories, a CHEAR/HHEAR codebook) is read with the main table
    // it belongs to: the one named before it, or, if it comes first, the first one. Only the
    // first companion of a main table is read.
    let mut companions: HashMap<usize, Table<'_>> = HashMap::new();
    let mut inputs = Vec::with_capacity(detected.len());
    for (index, (path, kind, content)) in detected.into_iter().enumerate() {
        let owner = match kind {
            Detected::OpalCategories => owner_of(index, &variables_tables),
            Detected::HhearCodebook => owner_of(index, &dictionary_tables),
            _ => None,
        };
        match (owner, content) {
            (Some(owner), Content::Table(table)) => {
                companions.entry(owner).or_insert(table);
            }
            (_, content) => inputs.push((index, path, kind, content)),
        }
    }
    for (index, path, kind, content) in inputs {
        let path = &path;
        let result = match (kind, content) {
            (Detected::VarkatJson, Content::Text(text)) => varkat_json::read(&text, path),
            (Detected::VarkatJson, Content::Stream(file, encoding)) => {
                open_text(&file, path, encoding)
                    .map_err(ImportErrors::from)
                    .and_then(|source| varkat_json::read_from(source, path))
            }
            (Detected::DdiCodebook, content) => xml_reader(&content, path, kind)
                .and_then(|xml| ddi_codebook::read(xml, path, registry)),
            (Detected::Dbgap, content) => {
                xml_reader(&content, path, kind).and_then(|xml| dbgap::read(xml, path, registry))
            }
            (Detected::DdiLifecycle, Content::Text(text)) => {
                ddi_lifecycle::read(&text, path, registry)
            }
            // Read as a file is, so that serde_json places every fault alike either way.
            (Detected::FhirJson, Content::Text(text)) => {
                fhir::read_json(serde_json::Deserializer::from_reader(text.as_bytes()), path)
            }
            (Detected::FhirJson, Content::Stream(file, encoding)) => {
                open_text(&file, path, encoding).map_err(ImportErrors::from).and_then(|source| {
                    fhir::read_json(serde_json::Deserializer::from_reader(source), path)
                })
            }
            (Detected::FhirXml, content) => {
                xml_reader(&content, path, kind).and_then(|xml| fhir::read_xml(xml, path))
            }
            (Detected::Claml, content) => {
                xml_reader(&content, path, kind).and_then(|xml| claml::read(xml, path))
            }
            (Detected::SharedDefinitions, Content::Text(text)) => {
                shared_definitions::read(&text, path).map(|shared_definitions| ImportBatch {
                    files: vec![catalog::SourceFile {
                        path: path.clone(),
                        format: shared_definitions::FORMAT.to_owned(),
                    }],
                    shared_definitions,
                    ..ImportBatch::default()
                })
            }
            (Detected::TopmedHarmonized, Content::Text(text)) => {
                topmed::read(&text, path).map(|(definition, warnings)| ImportBatch {
                    files: vec![catalog::SourceFile {
                        path: path.clone(),
                        format: topmed::FORMAT.to_owned(),
                    }],
                    shared_definitions: vec![definition],
                    warnings,
                    ..ImportBatch::default()
                })
            }
            (Detected::Klokebok, Content::Table(mut table)) => klokebok::read(&mut table, registry),
            (Detected::MrsKodebok, Content::Table(mut table)) => {
                mrs_kodebok::read(&mut table, registry)
            }
            (Detected::Redcap, Content::Table(mut table)) => {
                let language = if options.language == Language::English { "en" } else { "nb" };
                redcap::read(&mut table, registry, language)
            }
            (Detected::UkBiobank, Content::Table(mut table)) => {
                ukbiobank::read(&mut table, registry)
            }
            (Detected::CsvCodeList, Content::Table(mut table)) => {
                csv_code_list::read(&mut table, options.code_system.as_deref())
            }
            (Detected::OpalVariables, Content::Table(mut table)) => {
                opal::read(&mut table, companions.remove(&index).as_mut(), registry)
            }
            // A categories table or codebook is left here only when no main table is named.
            (Detected::OpalCategories, _) => Err(ImportErrors::one(
                Location::file(path),
                ImportErrorKind::CategoriesWithoutVariables,
            )),
            (Detected::HhearDictionary, Content::Table(mut table)) => {
                hhear::read(&mut table, companions.remove(&index).as_mut(), registry)
            }
            (Detected::HhearCodebook, _) => Err(ImportErrors::one(
                Location::file(path),
                ImportErrorKind::CodebookWithoutDictionary,
            )),
            (kind, _) => Err(ImportErrors::one(
                Location::file(path),
                ImportErrorKind::NotATableFormat { format: kind.format().name() },
            )),
        };
        absorb(result, &mut errors);
    }
    check_unique_across_files(&mut batch, &mut errors);
    match ImportErrors::from_vec(errors) {
        Some(errors) => {
            tracing::info!(errors = errors.errors().len(), "files refused");
            Err(errors)
        }
        None => {
            tracing::info!(
                files = batch.files.len(),
                variables = batch.variables.len(),
                code_systems = batch.code_systems.len(),
                warnings = batch.warnings.len(),
                elapsed = ?started.elapsed(),
                "files read"
            );
            Ok(batch)
        }
    }
}

/// The main table (an Opal variables table, a CHEAR/HHEAR dictionary) that the companion table
/// at `index` belongs to: the one named before it, or, if it comes first, the first one;
/// `None` when there is none.
fn owner_of(index: usize, main_tables: &[usize]) -> Option<usize> {
    main_tables.iter().rev().find(|&&table| table < index).or(main_tables.first()).copied()
}

fn check_unique_across_files(batch: &mut ImportBatch, errors: &mut Vec<ImportError>) {
    // Forms of one registry often repeat shared variables (the patient's sex on every form):
    // the same definition twice is kept once; two different definitions are an error. The
    // first of each key is remembered by its place, not copied: a large codebook would
    // otherwise be held twice.
    if batch.files.len() < 2 {
        return;
    }
    let variables = &batch.variables;
    let mut first: HashMap<&catalog::VariableKey, usize> = HashMap::with_capacity(variables.len());
    let mut keep = vec![true; variables.len()];
    for (index, variable) in variables.iter().enumerate() {
        let Some(&earlier) = first.get(&variable.key) else {
            first.insert(&variable.key, index);
            continue;
        };
        let earlier = &variables[earlier];
        // One file may hold several versions of a variable (DDI's verStmt).
        if earlier.source.path == variable.source.path {
            continue;
        }
        keep[index] = false;
        if earlier.definition != variable.definition {
            errors.push(ImportError::new(
                Location::file(&variable.source.path),
                ImportErrorKind::DefinedInTwoFiles {
                    key: variable.key.to_string(),
                    first_file: earlier.source.path.clone(),
                },
            ));
        }
    }
    let mut kept = keep.into_iter();
    batch.variables.retain(|_| kept.next().unwrap_or(true));
}

#[cfg(test)]
mod tests;
