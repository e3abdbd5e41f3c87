//! Reads the MRS-style "kodebok" that some Norwegian registries export: one row per field
//! (`Feltnavn` the label, `Variabelnavn` the name, `Felttype` the type), followed by its answer
//! options as rows with an empty first column and `code = label` in the second (`;0 = Ikke svart`).
//! The file does not name its registry; older exports are Latin-1.

use catalog::{
    Category, DataType, IncomingVariable, LocalizedText, Period, RegistryId, SourceFile,
    VariableDefinition,
};

use crate::batch::ImportBatch;
use crate::error::{ImportError, ImportErrorKind, ImportErrors};
use crate::location::Location;
use crate::table::{FirstLines, Table};
use crate::values;

/// The format's name in provenance and messages.
pub(crate) const FORMAT: &str = "mrs-kodebok";

const TYPES: &str =
    "Avkrysning, Dato/Tid, Enum, Id (Guid), Numerisk (heltall), Numerisk (flyttall), Text";

/// True for an MRS kodebok header.
pub(crate) fn is_kodebok(headers: &[String]) -> bool {
    let has = |name: &str| headers.iter().any(|header| header.eq_ignore_ascii_case(name));
    has("Feltnavn") && has("Variabelnavn") && has("Felttype")
}

/// Reads a kodebok into variables of `registry`.
pub(crate) fn read(
    table: &mut Table<'_>,
    registry: Option<&RegistryId>,
) -> Result<ImportBatch, ImportErrors> {
    let file = &table.file().to_owned();
    let mut errors = Vec::new();
    let label = table.require("Feltnavn").map_err(|err| errors.push(err)).ok();
    let name = table.require("Variabelnavn").map_err(|err| errors.push(err)).ok();
    let data_type = table.require("Felttype").map_err(|err| errors.push(err)).ok();
    let Some(registry) = registry else {
        errors.push(ImportError::new(
            Location::file(file),
            ImportErrorKind::NoRegistry { format: FORMAT },
        ));
        return Err(ImportErrors::from_vec(errors).expect("an error was pushed"));
    };
    let (Some(label), Some(name), Some(data_type)) = (label, name, data_type) else {
        return Err(ImportErrors::from_vec(errors).expect("a column is missing"));
    };
    let source = SourceFile { path: file.to_owned(), format: FORMAT.to_owned() };
    let mut variables: Vec<IncomingVariable> = Vec::new();
    let mut first_lines = FirstLines::default();
    // The line of each option of the current variable, for messages about a repeated code.
    let mut option_lines: Vec<u64> = Vec::new();
    while let Some(row) = table.next_row(&mut errors) {
        let row = &row;
        let Some(field_label) = row.get(Some(label)) else {
            // An answer option of the field above: "0 = Ikke svart".
            let Some(option) = row.get(Some(name)) else { continue };
            let Some((code, option_label)) = option
                .split_once('=')
                .map(|(c, l)| (c.trim(), l.trim()))
                .filter(|(c, _)| !c.is_empty())
            else {
                errors.push(ImportError::new(
                    table.at(row, name),
                    ImportErrorKind::BadOption {
                        found: option.to_owned(),
                        expected: "`code = label`",
                    },
                ));
                continue;
            };
            let Some(variable) = variables.last_mut() else {
                errors.push(ImportError::new(
                    table.at(row, name),
                    ImportErrorKind::OptionWithoutVariable,
                ));
                continue;
            };
            let categories = &mut variable.definition.value_domain.categories;
            if let Some(first) = categories.iter().position(|category| category.code == code) {
                errors.push(ImportError::new(
                    table.at(row, name),
                    ImportErrorKind::DuplicateCategory {
                        code: code.to_owned(),
                        variable: variable.key.name().to_owned(),
                        first_line: option_lines[first],
                        first_label: categories[first].label.best().unwrap_or("").to_owned(),
                    },
                ));
                continue;
            }
            option_lines.push(row.line);
            categories.push(Category {
                code: code.to_owned(),
                label: LocalizedText::nb(option_label),
                missing: values::is_missing_label(option_label),
                order: categories.len() as u32,
                period: Period::default(),
            });
            continue;
        };
        let Some(variable_name) = row.get(Some(name)) else {
            errors.push(ImportError::new(table.at(row, name), ImportErrorKind::EmptyName));
            continue;
        };
        let type_text = row.get(Some(data_type)).unwrap_or("");
        let data_type_value = match type_text.to_lowercase().as_str() {
            "avkrysning" => DataType::Boolean,
            "dato/tid" => DataType::Datetime,
            "enum" => DataType::Categorical,
            "id (guid)" | "text" | "tekst" => DataType::Text,
            "numerisk (heltall)" => DataType::Integer,
            "numerisk (flyttall)" => DataType::Decimal,
            _ => {
                errors.push(ImportError::new(
                    table.at(row, data_type),
                    ImportErrorKind::UnknownDataType {
                        found: type_text.to_owned(),
                        expected: TYPES,
                    },
                ));
                continue;
            }
        };
        let Ok(key) = first_lines
            .key(registry, variable_name, table.at(row, name))
            .map_err(|err| errors.push(err))
        else {
            continue;
        };
        let definition = VariableDefinition {
            label: LocalizedText::nb(&crate::values::collapse_whitespace(field_label)),
            ..VariableDefinition::of_type(data_type_value)
        };
        first_lines.record(variable_name, row.line);
        variables.push(IncomingVariable { key, definition, source: source.clone() });
        option_lines.clear();
    }
    if let Some(errors) = ImportErrors::from_vec(errors) {
        return Err(errors);
    }
    Ok(ImportBatch { variables, files: vec![source], ..ImportBatch::default() })
}
