//! varkat's own JSON format: registries and their variables' current definitions, and, in a
//! whole-catalog export (`export --all`), the full history: every version, every import
//! record and the change log. `docs/formats.md` describes it with a complete example.
//!
//! Each variable is decoded on its own, so that every bad variable is reported with its line
//! and column, not only the first.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use catalog::{
    CatalogDump, Change, CodeMap, CodeSystem, CodeSystemVersion, ImportRecord, IncomingVariable,
    Mapping, Registry, SharedDefinition, SourceFile, ValueSet, VariableDefinition, VariableKey,
    VariableVersion,
};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::batch::{ImportBatch, Warning};
use crate::error::{ImportError, ImportErrorKind, ImportErrors};
use crate::location::{LineCounter, Location};

/// The format's name in provenance and messages.
pub const FORMAT: &str = "varkat-json";

/// The version of the JSON format this build writes and reads.
pub const JSON_FORMAT_VERSION: u32 = 2;

#[derive(Deserialize)]
struct RawFile<'a> {
    varkat_format: u32,
    #[serde(default, borrow)]
    registries: Vec<&'a RawValue>,
    #[serde(default, borrow)]
    variables: Vec<&'a RawValue>,
    #[serde(default, borrow)]
    history: Option<&'a RawValue>,
}

/// One variable in the file: its key beside the fields of its definition.
#[derive(Serialize, Deserialize)]
struct JsonVariable {
    key: VariableKey,
    #[serde(flatten)]
    definition: VariableDefinition,
}

/// The history part of a whole-catalog export.
#[derive(Serialize, Deserialize)]
struct History {
    versions: Vec<VariableVersion>,
    imports: Vec<ImportRecord>,
    changes: Vec<Change>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    code_systems: Vec<CodeSystem>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    code_system_versions: Vec<CodeSystemVersion>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    shared_definitions: Vec<SharedDefinition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    mappings: Vec<Mapping>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    value_sets: Vec<ValueSet>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    code_maps: Vec<CodeMap>,
}

#[derive(Serialize)]
struct Document<'a> {
    varkat_format: u32,
    registries: &'a [Registry],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    variables: Vec<JsonVariable>,
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<History>,
}

/// Reads a varkat JSON file.
pub fn read(text: &str, file: &str) -> Result<ImportBatch, ImportErrors> {
    let mut lines = LineCounter::new(text);
    let raw: RawFile<'_> =
        serde_json::from_str(text).map_err(|err| json_error(&mut lines, text, file, &err))?;
    if raw.varkat_format > JSON_FORMAT_VERSION {
        return Err(ImportErrors::one(
            Location::file(file).field("varkat_format"),
            ImportErrorKind::NewerJsonFormat {
                found: raw.varkat_format,
                supported: JSON_FORMAT_VERSION,
            },
        ));
    }
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let registries: Vec<Registry> = raw
        .registries
        .iter()
        .filter_map(|value| {
            serde_json::from_str(value.get())
                .map_err(|err| errors.push(json_error(&mut lines, value.get(), file, &err)))
                .ok()
        })
        .collect();
    let source = SourceFile { path: file.to_owned(), format: FORMAT.to_owned() };
    let mut variables = Vec::new();
    // The line where each variable first stands, for a message about a repeated one.
    let mut first_lines: HashMap<VariableKey, u64> = HashMap::new();
    for value in &raw.variables {
        let variable: JsonVariable = match serde_json::from_str(value.get()) {
            Ok(variable) => variable,
            Err(err) => {
                errors.push(json_error(&mut lines, value.get(), file, &err));
                continue;
            }
        };
        let location = locate(&mut lines, value.get(), file);
        warn_unknown_fields(value.get(), &variable, &location, &mut warnings);
        let line = location.line.unwrap_or(1);
        if let Some(&first_line) = first_lines.get(&variable.key) {
            errors.push(ImportError::new(
                location,
                ImportErrorKind::DuplicateVariable { name: variable.key.to_string(), first_line },
            ));
            continue;
        }
        first_lines.insert(variable.key.clone(), line);
        let mut codes = HashSet::new();
        for category in &variable.definition.value_domain.categories {
            if !codes.insert(&category.code) {
                let first = variable
                    .definition
                    .value_domain
                    .categories
                    .iter()
                    .find(|c| c.code == category.code)
                    .expect("seen before");
                errors.push(ImportError::new(
                    location.clone().field("value_domain.categories"),
                    ImportErrorKind::DuplicateCategory {
                        code: category.code.clone(),
                        variable: variable.key.to_string(),
                        first_line: location.line.unwrap_or(1),
                        first_label: first.label.best().unwrap_or("").to_owned(),
                    },
                ));
            }
        }
        variables.push(IncomingVariable {
            key: variable.key,
            definition: variable.definition,
            source: source.clone(),
        });
    }
    let dump = match raw.history {
        Some(history) => match serde_json::from_str::<History>(history.get()) {
            Ok(history) => Some(CatalogDump {
                registries: registries.clone(),
                versions: history.versions,
                imports: history.imports,
                changes: history.changes,
                code_systems: history.code_systems,
                code_system_versions: history.code_system_versions,
                shared_definitions: history.shared_definitions,
                mappings: history.mappings,
                value_sets: history.value_sets,
                code_maps: history.code_maps,
            }),
            Err(err) => {
                errors.push(json_error(&mut lines, history.get(), file, &err));
                None
            }
        },
        None => None,
    };
    if let Some(errors) = ImportErrors::from_vec(errors) {
        return Err(errors);
    }
    let registries = if dump.is_some() { Vec::new() } else { registries };
    Ok(ImportBatch {
        registries,
        variables,
        warnings,
        files: vec![source],
        dump,
        ..ImportBatch::default()
    })
}

/// Writes registries and the current definition of their variables: a codebook that
/// imports back without change.
pub fn write_codebook(registries: &[Registry], versions: &[VariableVersion]) -> String {
    let variables = versions
        .iter()
        .map(|version| JsonVariable {
            key: version.key.clone(),
            definition: version.definition.clone(),
        })
        .collect();
    to_string(&Document {
        varkat_format: JSON_FORMAT_VERSION,
        registries,
        variables,
        history: None,
    })
}

/// Writes the whole catalog, history and change log included.
pub fn write_dump(dump: &CatalogDump) -> String {
    let history = History {
        versions: dump.versions.clone(),
        imports: dump.imports.clone(),
        changes: dump.changes.clone(),
        code_systems: dump.code_systems.clone(),
        code_system_versions: dump.code_system_versions.clone(),
        shared_definitions: dump.shared_definitions.clone(),
        mappings: dump.mappings.clone(),
        value_sets: dump.value_sets.clone(),
        code_maps: dump.code_maps.clone(),
    };
    to_string(&Document {
        varkat_format: JSON_FORMAT_VERSION,
        registries: &dump.registries,
        variables: Vec::new(),
        history: Some(history),
    })
}

fn to_string(document: &Document<'_>) -> String {
    let mut text = serde_json::to_string_pretty(document).expect("catalog values always serialize");
    text.push('\n');
    text
}

/// Fields a variable object has that the definition does not read are reported, so that a
/// misspelt field is not silently lost.
fn warn_unknown_fields(
    raw: &str,
    variable: &JsonVariable,
    location: &Location,
    warnings: &mut Vec<Warning>,
) {
    let given: BTreeSet<String> =
        serde_json::from_str::<BTreeMap<String, serde::de::IgnoredAny>>(raw)
            .map(|map| map.into_keys().collect())
            .unwrap_or_default();
    let known: BTreeSet<String> = [
        "key",
        "label",
        "description",
        "question",
        "data_type",
        "unit",
        "value_domain",
        "period",
        "section",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    for field in given.difference(&known) {
        warnings.push(Warning {
            location: location.clone().field(field),
            message: format!("unknown field in variable `{}`; ignored", variable.key),
        });
    }
}

/// The line and column where `part`, a slice of the file's text, starts.
fn locate(lines: &mut LineCounter<'_>, part: &str, file: &str) -> Location {
    let (line, column) = lines.of(part);
    Location { column: Some(column), ..Location::line(file, line) }
}

/// A serde_json error inside `part` (a slice of the file's text), located in the whole file.
fn json_error(
    lines: &mut LineCounter<'_>,
    part: &str,
    file: &str,
    err: &serde_json::Error,
) -> ImportError {
    let base = locate(lines, part, file);
    let (base_line, base_column) = (base.line.unwrap_or(1), base.column.unwrap_or(1));
    let (line, column) = (err.line() as u64, err.column() as u64);
    let location = Location {
        line: Some(base_line + line.saturating_sub(1)),
        column: Some(if line <= 1 { base_column + column.saturating_sub(1) } else { column }),
        ..Location::file(file)
    };
    let message = err.to_string();
    let message = message.rsplit_once(" at line ").map_or(message.as_str(), |(text, _)| text);
    ImportError::new(location, ImportErrorKind::Json(format!("invalid varkat JSON: {message}")))
}
