//! Reads a TOPMed DCC harmonized-variable document (one JSON file per variable, as published in
//! `UW-GAC/topmed-dcc-harmonized-phenotypes`): a harmonized definition that cohorts' variables
//! were mapped onto, which varkat keeps as a shared definition. Its `name` becomes the id, its
//! `description` the English label, `data_type` (`decimal`, `integer`, `encoded`) the data type,
//! `measurement_units` the unit, `encoded_values` the standard value set, and the UMLS concepts
//! of `controlled_vocabulary` the external codes. The `harmonization_units` name each cohort's
//! dbGaP variables by `phv` accession and carry the R code that harmonized them; a catalog of
//! registry variables has no such accessions, so they are left out with a warning.

use catalog::{
    DataType, ExternalCode, LocalizedText, SharedDefinition, SharedDefinitionId, StandardValue,
    VersionNo,
};
use serde::Deserialize;

use crate::batch::Warning;
use crate::error::{ImportError, ImportErrorKind, ImportErrors};
use crate::location::Location;

/// The format's name in provenance and messages.
pub(crate) const FORMAT: &str = "topmed-harmonized";

/// The UMLS concept identifiers' system, as HL7 names it.
const UMLS: &str = "http://terminology.hl7.org/CodeSystem/umls";

/// Whether a JSON text is a TOPMed DCC harmonized-variable document.
pub(crate) fn is_document(text: &str) -> bool {
    text.contains("\"dcc_harmonization_id\"") && text.contains("\"harmonization_units\"")
}

#[derive(Deserialize)]
struct Document {
    name: String,
    description: String,
    data_type: String,
    #[serde(default)]
    measurement_units: Option<String>,
    #[serde(default)]
    encoded_values: Vec<EncodedValue>,
    #[serde(default)]
    controlled_vocabulary: Vec<Concept>,
    #[serde(default)]
    harmonization_units: Vec<HarmonizationUnit>,
}

#[derive(Deserialize)]
struct EncodedValue {
    code: serde_json::Value,
    value: String,
}

#[derive(Deserialize)]
struct Concept {
    source: String,
    id: String,
}

#[derive(Deserialize)]
struct HarmonizationUnit {
    #[serde(default)]
    component_study_variables: Vec<String>,
}

/// Reads one document: its shared definition, and the warning about what was left out.
pub(crate) fn read(
    text: &str,
    file: &str,
) -> Result<(SharedDefinition, Vec<Warning>), ImportErrors> {
    let document: Document = serde_json::from_str(text)
        .map_err(|err| ImportErrors::invalid_json(file, "TOPMed harmonized variable", &err))?;
    let data_type = match document.data_type.as_str() {
        "decimal" => DataType::Decimal,
        "integer" => DataType::Integer,
        "encoded" => DataType::Categorical,
        other => {
            return Err(ImportErrors::one(
                Location::file(file).field("data_type"),
                ImportErrorKind::UnknownDataType {
                    found: other.to_owned(),
                    expected: "decimal, integer, encoded",
                },
            ));
        }
    };
    let mut errors = Vec::new();
    let mut value_set = Vec::new();
    for (index, encoded) in document.encoded_values.into_iter().enumerate() {
        let code = match encoded.code {
            serde_json::Value::String(code) if !code.trim().is_empty() => code,
            serde_json::Value::Number(code) => code.to_string(),
            other => {
                errors.push(ImportError::new(
                    Location::file(file).field(&format!("encoded_values[{index}].code")),
                    ImportErrorKind::Json(format!(
                        "a value's code is {other}; expected a string or a number"
                    )),
                ));
                continue;
            }
        };
        value_set.push(StandardValue {
            code,
            label: LocalizedText { nb: None, en: Some(encoded.value) },
            missing: false,
            external: Vec::new(),
        });
    }
    if let Some(errors) = ImportErrors::from_vec(errors) {
        return Err(errors);
    }
    let mut warnings = Vec::new();
    let units = document.harmonization_units.len();
    let components: usize =
        document.harmonization_units.iter().map(|unit| unit.component_study_variables.len()).sum();
    if units > 0 {
        warnings.push(Warning {
            location: Location::file(file).field("harmonization_units"),
            message: format!(
                "the harmonization of {units} cohorts ({components} dbGaP variables, named by \
                 phv accession, and the R code that recoded them) is not imported: this \
                 catalog's variables have no dbGaP accessions to map"
            ),
        });
    }
    let description = document.description.trim();
    let definition = SharedDefinition {
        id: SharedDefinitionId(document.name),
        version: VersionNo::FIRST,
        label: LocalizedText { nb: None, en: Some(description.trim_end_matches('.').to_owned()) },
        description: LocalizedText { nb: None, en: Some(description.to_owned()) },
        data_type,
        unit: document.measurement_units.filter(|unit| !unit.trim().is_empty()),
        value_set,
        external: document
            .controlled_vocabulary
            .into_iter()
            .map(|concept| ExternalCode {
                system: if concept.source == "UMLS" { UMLS.to_owned() } else { concept.source },
                code: concept.id,
            })
            .collect(),
    };
    Ok((definition, warnings))
}
