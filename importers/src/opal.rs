//! Reads Opal/Maelstrom data dictionaries: a Variables table (`table`, `name`, `valueType`,
//! `unit`, `label:xx`, `description:xx`, ...) and a Categories table (`table`, `variable`,
//! `name`, `missing`, `label:xx`). The `table` column names the registry unless `--registry`
//! is given. Beside Opal's own columns, `valid_from`, `valid_to` and `code_system` are read
//! when present, since registries add them to say when and how a variable was collected.

use std::collections::HashMap;

use catalog::{
    Category, CodeSystemBinding, DataType, IncomingVariable, LocalizedText, Period, RegistryId,
    SourceFile, VariableDefinition, VariableKey,
};

use crate::batch::{ImportBatch, Warning};
use crate::error::{ImportError, ImportErrorKind, ImportErrors};
use crate::location::Location;
use crate::table::{Column, Row, Table};
use crate::values;

/// The format's name in provenance and messages.
pub(crate) const FORMAT: &str = "opal";

const VALUE_TYPES: &str =
    "integer, decimal, text, date, datetime, boolean, locale, binary, point, linestring, polygon";

/// Opal columns the catalog has no place for; skipped without a warning.
const KNOWN_UNUSED: &[&str] = &[
    "entityType",
    "repeatable",
    "occurrenceGroup",
    "index",
    "mimeType",
    "referencedEntityType",
    "script",
];

/// A Variables or Categories table, as told by its header.
pub(crate) fn is_variables_table(headers: &[String]) -> bool {
    has(headers, "name") && has(headers, "valueType")
}

/// True for an Opal Categories table.
pub(crate) fn is_categories_table(headers: &[String]) -> bool {
    has(headers, "variable") && has(headers, "name") && !has(headers, "valueType")
}

/// True for Maelstrom data processing elements: rules that derive a DataSchema variable from a
/// cohort's own variables, which are no dictionary.
pub(crate) fn is_processing_elements(headers: &[String]) -> bool {
    has(headers, "dataschema_variable") && has(headers, "input_variables")
}

fn has(headers: &[String], name: &str) -> bool {
    headers.iter().any(|header| header.eq_ignore_ascii_case(name))
}

/// A text column in some language: `label:nb`, or `label` with the language of the row.
struct LanguageColumns {
    nb: Vec<Column>,
    en: Vec<Column>,
    plain: Option<Column>,
}

impl LanguageColumns {
    fn find(table: &Table<'_>, base: &str) -> LanguageColumns {
        let with = |langs: &[&str]| {
            langs.iter().filter_map(|lang| table.column(&format!("{base}:{lang}"))).collect()
        };
        // Nynorsk has no slot of its own in the model; it is Norwegian, so it fills `nb` when
        // the bokmål text is missing.
        LanguageColumns {
            nb: with(&["nb", "no", "nn"]),
            en: with(&["en"]),
            plain: table.column(base),
        }
    }

    fn read(&self, row: &Row, language: Option<&str>) -> LocalizedText {
        let first = |columns: &[Column]| {
            columns.iter().find_map(|column| row.get(Some(*column))).map(str::to_owned)
        };
        let mut text = LocalizedText { nb: first(&self.nb), en: first(&self.en) };
        if let Some(plain) = row.get(self.plain) {
            let slot = if language == Some("en") { &mut text.en } else { &mut text.nb };
            slot.get_or_insert_with(|| plain.to_owned());
        }
        text
    }

    fn is_known(&self, table: &Table<'_>, header: &str) -> bool {
        self.nb
            .iter()
            .chain(&self.en)
            .chain(&self.plain)
            .any(|column| table.header(*column) == header)
    }
}

/// Reads a Variables table and, optionally, its Categories table.
pub(crate) fn read(
    table: &mut Table<'_>,
    categories: Option<&mut Table<'_>>,
    registry: Option<&RegistryId>,
) -> Result<ImportBatch, ImportErrors> {
    let variables_file = &table.file().to_owned();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let name = table.require("name").map_err(|err| errors.push(err)).ok();
    let value_type = table.require("valueType").map_err(|err| errors.push(err)).ok();
    let table_column = table.column("table");
    if table_column.is_none() && registry.is_none() {
        errors.push(ImportError::new(
            Location::file(variables_file),
            ImportErrorKind::NoRegistry { format: FORMAT },
        ));
    }
    let (Some(name), Some(value_type)) = (name, value_type) else {
        return Err(ImportErrors::from_vec(errors).expect("a column is missing"));
    };
    let labels = LanguageColumns::find(table, "label");
    let descriptions = LanguageColumns::find(table, "description");
    // Maelstrom DataSchemas keep the question as asked in `wording`.
    let wordings = LanguageColumns::find(table, "wording");
    let (unit, language) = (table.column("unit"), table.column("language"));
    let (from, to, code_system) =
        (table.column("valid_from"), table.column("valid_to"), table.column("code_system"));
    for header in table.headers() {
        let used = [
            "table",
            "name",
            "valueType",
            "unit",
            "language",
            "valid_from",
            "valid_to",
            "code_system",
        ]
        .iter()
        .chain(KNOWN_UNUSED)
        .any(|known| known.eq_ignore_ascii_case(header))
            || labels.is_known(table, header)
            || descriptions.is_known(table, header)
            || wordings.is_known(table, header);
        if !used {
            warnings.push(Warning {
                location: Location::line(variables_file, 1).field(header),
                message: "not an Opal column varkat reads; ignored".into(),
            });
        }
    }

    let source = SourceFile { path: variables_file.to_owned(), format: FORMAT.to_owned() };
    let mut variables: Vec<IncomingVariable> = Vec::new();
    let mut index: HashMap<VariableKey, (usize, u64)> = HashMap::new();
    while let Some(row) = table.next_row(&mut errors) {
        let row = &row;
        let Some(key) = row_key(table, row, table_column, name, registry, &mut errors) else {
            continue;
        };
        if let Some((_, first_line)) = index.get(&key) {
            errors.push(ImportError::new(
                table.at(row, name),
                ImportErrorKind::DuplicateVariable {
                    name: key.name().to_owned(),
                    first_line: *first_line,
                },
            ));
            continue;
        }
        let type_text = row.get(Some(value_type)).unwrap_or("");
        let data_type = match type_text.to_ascii_lowercase().as_str() {
            "integer" => DataType::Integer,
            "decimal" => DataType::Decimal,
            "date" => DataType::Date,
            "datetime" => DataType::Datetime,
            "boolean" => DataType::Boolean,
            "text" | "locale" | "binary" | "point" | "linestring" | "polygon" => DataType::Text,
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
        let row_language = row.get(language).map(str::to_ascii_lowercase);
        let mut definition = VariableDefinition {
            label: labels.read(row, row_language.as_deref()),
            description: descriptions.read(row, row_language.as_deref()),
            question: wordings.read(row, row_language.as_deref()),
            unit: row.get(unit).map(str::to_owned),
            ..VariableDefinition::of_type(data_type)
        };
        definition.period = table.period(row, from, to, &mut errors);
        definition.value_domain.code_system = row.get(code_system).map(CodeSystemBinding::parse);
        index.insert(key.clone(), (variables.len(), row.line));
        variables.push(IncomingVariable { key, definition, source: source.clone() });
    }

    let mut files = vec![source];
    if let Some(categories) = categories {
        read_categories(categories, registry, &index, &mut variables, &mut errors, &mut warnings);
        files.push(SourceFile { path: categories.file().to_owned(), format: FORMAT.to_owned() });
    }
    if let Some(errors) = ImportErrors::from_vec(errors) {
        return Err(errors);
    }
    for variable in &mut variables {
        // Opal keeps the storage type (integer, text) beside the categories; the catalog calls a
        // variable categorical when it has real answer options, not only missing-value codes.
        if variable.definition.value_domain.categories.iter().any(|category| !category.missing) {
            variable.definition.data_type = DataType::Categorical;
        }
    }
    Ok(ImportBatch { variables, warnings, files, ..ImportBatch::default() })
}

fn row_key(
    table: &Table<'_>,
    row: &Row,
    table_column: Option<Column>,
    name: Column,
    registry: Option<&RegistryId>,
    errors: &mut Vec<ImportError>,
) -> Option<VariableKey> {
    let registry = match (registry, row.get(table_column)) {
        (Some(registry), _) => registry.clone(),
        (None, Some(table_name)) => match RegistryId::new(table_name) {
            Ok(id) => id,
            Err(_) => {
                let column = table_column.expect("cell has a column");
                errors.push(ImportError::new(
                    table.at(row, column),
                    ImportErrorKind::BadRegistryId(table_name.to_owned()),
                ));
                return None;
            }
        },
        (None, None) => {
            // Without a `table` column the whole file was already refused for naming no
            // registry; an empty cell is this row's own problem.
            if let Some(column) = table_column {
                errors.push(ImportError::new(
                    table.at(row, column),
                    ImportErrorKind::NoRegistry { format: FORMAT },
                ));
            }
            return None;
        }
    };
    let Some(variable_name) = row.get(Some(name)) else {
        errors.push(ImportError::new(table.at(row, name), ImportErrorKind::EmptyName));
        return None;
    };
    VariableKey::new(registry, variable_name)
        .map_err(|err| {
            errors.push(ImportError::new(
                table.at(row, name),
                ImportErrorKind::InvalidName(err.to_string()),
            ))
        })
        .ok()
}

fn read_categories(
    table: &mut Table<'_>,
    registry: Option<&RegistryId>,
    index: &HashMap<VariableKey, (usize, u64)>,
    variables: &mut [IncomingVariable],
    errors: &mut Vec<ImportError>,
    warnings: &mut Vec<Warning>,
) {
    let variable = table.require("variable").map_err(|err| errors.push(err)).ok();
    let code = table.require("name").map_err(|err| errors.push(err)).ok();
    let (Some(variable), Some(code)) = (variable, code) else { return };
    let (table_column, missing) = (table.column("table"), table.column("missing"));
    let labels = LanguageColumns::find(table, "label");
    for header in table.headers() {
        let used = ["table", "variable", "name", "missing"]
            .iter()
            .any(|known| known.eq_ignore_ascii_case(header))
            || labels.is_known(table, header);
        if !used {
            warnings.push(Warning {
                location: Location::line(table.file(), 1).field(header),
                message: "not an Opal column varkat reads; ignored".into(),
            });
        }
    }
    let mut seen: HashMap<(VariableKey, String), (u64, String)> = HashMap::new();
    while let Some(row) = table.next_row(errors) {
        let row = &row;
        let Some(key) = row_key(table, row, table_column, variable, registry, errors) else {
            continue;
        };
        let Some(&(variable_index, _)) = index.get(&key) else {
            errors.push(ImportError::new(
                table.at(row, variable),
                ImportErrorKind::UnknownVariable { variable: key.to_string() },
            ));
            continue;
        };
        let Some(code_text) = row.get(Some(code)) else {
            errors.push(ImportError::new(table.at(row, code), ImportErrorKind::EmptyName));
            continue;
        };
        let label = labels.read(row, None);
        let shown = label.best().unwrap_or("").to_owned();
        if let Some((first_line, first_label)) = seen.get(&(key.clone(), code_text.to_owned())) {
            errors.push(ImportError::new(
                table.at(row, code),
                ImportErrorKind::DuplicateCategory {
                    code: code_text.to_owned(),
                    variable: key.to_string(),
                    first_line: *first_line,
                    first_label: first_label.clone(),
                },
            ));
            continue;
        }
        seen.insert((key, code_text.to_owned()), (row.line, shown));
        let is_missing = match row.get(missing).map(values::flag).transpose() {
            Ok(flag) => flag.unwrap_or(false),
            Err(kind) => {
                errors.push(ImportError::new(
                    table.at(row, missing.expect("cell has a column")),
                    kind,
                ));
                false
            }
        };
        let categories = &mut variables[variable_index].definition.value_domain.categories;
        categories.push(Category {
            code: code_text.to_owned(),
            label,
            missing: is_missing,
            order: categories.len() as u32,
            period: Period::default(),
        });
    }
}
