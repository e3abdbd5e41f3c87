//! Reads the UK Biobank data dictionary showcase (`Data_Dictionary_Showcase.tsv`): one row per
//! data field, with its value type, units, coding and place in the showcase's category path.
//! Fields are named by their field id; labels and notes are English.

use catalog::{
    CodeSystemBinding, CodeSystemId, DataType, IncomingVariable, LocalizedText, RegistryId,
    SourceFile, VariableDefinition,
};

use crate::batch::ImportBatch;
use crate::error::{ImportError, ImportErrorKind, ImportErrors, variable_key};
use crate::table::Table;

/// The format's name in provenance and messages.
pub(crate) const FORMAT: &str = "ukbiobank";

/// The registry id used when none is given.
const DEFAULT_REGISTRY: &str = "ukbiobank";

const VALUE_TYPES: &str =
    "Integer, Continuous, Categorical single, Categorical multiple, Date, Time, Text, Compound";

/// True for a showcase data dictionary header.
pub(crate) fn is_showcase(headers: &[String]) -> bool {
    let has = |name: &str| headers.iter().any(|header| header == name);
    // PHESANT's settings file also has FieldID, Field and ValueType; the showcase's own columns
    // (participant counts, stability) tell them apart.
    has("FieldID") && has("ValueType") && has("Field") && has("Participants") && has("Stability")
}

/// Reads the showcase into variables of `registry` (by default `ukbiobank`).
pub(crate) fn read(
    table: &mut Table<'_>,
    registry: Option<&RegistryId>,
) -> Result<ImportBatch, ImportErrors> {
    let file = &table.file().to_owned();
    let mut errors = Vec::new();
    let mut require = |name: &str| table.require(name).map_err(|err| errors.push(err)).ok();
    let (field_id, field, value_type) =
        (require("FieldID"), require("Field"), require("ValueType"));
    let (Some(field_id), Some(field), Some(value_type)) = (field_id, field, value_type) else {
        return Err(ImportErrors::from_vec(errors).expect("a column is missing"));
    };
    let (path, units, coding, notes) = (
        table.column("Path"),
        table.column("Units"),
        table.column("Coding"),
        table.column("Notes"),
    );
    let registry =
        registry.cloned().unwrap_or_else(|| RegistryId::new(DEFAULT_REGISTRY).expect("a slug"));
    let source = SourceFile { path: file.to_owned(), format: FORMAT.to_owned() };
    let mut variables = Vec::new();
    let mut seen = std::collections::HashMap::new();
    while let Some(row) = table.next_row(&mut errors) {
        let row = &row;
        let Some(id) = row.get(Some(field_id)) else {
            errors.push(ImportError::new(table.at(row, field_id), ImportErrorKind::EmptyName));
            continue;
        };
        if let Some(first_line) = seen.insert(id.to_owned(), row.line) {
            errors.push(ImportError::new(
                table.at(row, field_id),
                ImportErrorKind::DuplicateVariable { name: id.to_owned(), first_line },
            ));
            continue;
        }
        let type_text = row.get(Some(value_type)).unwrap_or("");
        let data_type = match type_text {
            "Integer" => DataType::Integer,
            "Continuous" => DataType::Decimal,
            "Categorical single" | "Categorical multiple" => DataType::Categorical,
            "Date" => DataType::Date,
            "Time" => DataType::Datetime,
            "Text" | "Compound" => DataType::Text,
            _ => {
                errors.push(ImportError::new(
                    table.at(row, value_type),
                    ImportErrorKind::UnknownDataType {
                        found: type_text.to_owned(),
                        expected: VALUE_TYPES,
                    },
                ));
                continue;
            }
        };
        let Ok(key) =
            variable_key(&registry, id, || table.at(row, field_id)).map_err(|err| errors.push(err))
        else {
            continue;
        };
        let english = |text: Option<&str>| LocalizedText { nb: None, en: text.map(str::to_owned) };
        let mut definition = VariableDefinition {
            label: english(row.get(Some(field))),
            description: english(row.get(notes)),
            unit: row.get(units).map(str::to_owned),
            section: row.get(path).map(str::to_owned),
            ..VariableDefinition::of_type(data_type)
        };
        // The showcase names its code lists ("codings") by number; the coding itself is a code
        // system the catalog can hold.
        definition.value_domain.code_system = row.get(coding).map(|number| CodeSystemBinding {
            system: CodeSystemId(format!("ukb-coding-{number}")),
            version: None,
        });
        variables.push(IncomingVariable { key, definition, source: source.clone() });
    }
    if let Some(errors) = ImportErrors::from_vec(errors) {
        return Err(errors);
    }
    Ok(ImportBatch { variables, files: vec![source], ..ImportBatch::default() })
}
