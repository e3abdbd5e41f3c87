//! Reads a catalog of shared (normed) definitions: the national standard that variables are
//! harmonized onto. The form is that of `definitions.json` in the harmonization corpus: an object
//! with `definitions[]`, each with `id`, `label_nb`, `label_en`, `description`, `datatype`
//! (`code`, `integer`, `decimal`, `date`, `datetime`), `unit`, `code_system`, `loinc`,
//! `snomed_ct` and a `value_set[]` of `code`, `label_nb`, `label_en`, `snomed_ct`, `missing`.

use catalog::{
    DataType, ExternalCode, LocalizedText, SharedDefinition, SharedDefinitionId, StandardValue,
    VersionNo,
};
use serde::Deserialize;

use crate::error::{ImportErrorKind, ImportErrors};
use crate::location::Location;

/// The format's name in provenance and messages.
pub const FORMAT: &str = "shared-definitions";

#[derive(Deserialize)]
struct File {
    definitions: Vec<Definition>,
}

#[derive(Deserialize)]
struct Definition {
    id: String,
    #[serde(default)]
    label_nb: Option<String>,
    #[serde(default)]
    label_en: Option<String>,
    #[serde(default)]
    description: Option<String>,
    datatype: String,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    code_system: Option<String>,
    #[serde(default)]
    loinc: Option<String>,
    #[serde(default)]
    snomed_ct: Option<String>,
    #[serde(default)]
    value_set: Vec<Value>,
}

#[derive(Deserialize)]
struct Value {
    code: String,
    #[serde(default)]
    label_nb: Option<String>,
    #[serde(default)]
    label_en: Option<String>,
    #[serde(default)]
    snomed_ct: Option<String>,
    #[serde(default)]
    missing: bool,
}

fn external(system: &str, code: Option<String>) -> Option<ExternalCode> {
    code.filter(|code| !code.trim().is_empty())
        .map(|code| ExternalCode { system: system.to_owned(), code })
}

/// Reads a shared-definitions file.
pub fn read(text: &str, file: &str) -> Result<Vec<SharedDefinition>, ImportErrors> {
    let parsed: File = serde_json::from_str(text)
        .map_err(|err| ImportErrors::invalid_json(file, "shared definitions", &err))?;
    let mut errors = Vec::new();
    let mut definitions = Vec::new();
    for definition in parsed.definitions {
        let data_type = match definition.datatype.as_str() {
            "code" => DataType::Categorical,
            "integer" => DataType::Integer,
            "decimal" | "quantity" => DataType::Decimal,
            "date" => DataType::Date,
            "datetime" => DataType::Datetime,
            "text" | "string" => DataType::Text,
            "boolean" => DataType::Boolean,
            other => {
                errors.push(crate::ImportError::new(
                    Location::file(file).field(&format!("definitions[{}].datatype", definition.id)),
                    ImportErrorKind::UnknownDataType {
                        found: other.to_owned(),
                        expected: "code, integer, decimal, date, datetime, text, boolean",
                    },
                ));
                continue;
            }
        };
        let mut external_codes: Vec<ExternalCode> = Vec::new();
        external_codes.extend(external("http://loinc.org", definition.loinc));
        external_codes.extend(external("http://snomed.info/sct", definition.snomed_ct));
        external_codes.extend(
            definition
                .code_system
                .filter(|s| !s.is_empty())
                .map(|system| ExternalCode { system: "code-system".into(), code: system }),
        );
        definitions.push(SharedDefinition {
            id: SharedDefinitionId(definition.id),
            version: VersionNo::FIRST,
            label: LocalizedText { nb: definition.label_nb, en: definition.label_en },
            description: LocalizedText { nb: definition.description, en: None },
            data_type,
            unit: definition.unit,
            value_set: definition
                .value_set
                .into_iter()
                .map(|value| StandardValue {
                    code: value.code,
                    label: LocalizedText { nb: value.label_nb, en: value.label_en },
                    missing: value.missing,
                    external: external("http://snomed.info/sct", value.snomed_ct)
                        .into_iter()
                        .collect(),
                })
                .collect(),
            external: external_codes,
        });
    }
    match ImportErrors::from_vec(errors) {
        Some(errors) => Err(errors),
        None => Ok(definitions),
    }
}
