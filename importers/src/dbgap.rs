//! Reads dbGaP data dictionaries (`data_dict.xml`): a `data_table` of `variable`s, each with
//! `name`, `description`, `type`, `unit`, logical bounds and coded `value`s. The study id
//! (`phs001985` of `phs001985.v1`) names the registry unless `--registry` is given. A
//! `var_report.xml` has the same root but holds statistics, not definitions, and is refused.

use catalog::{
    Category, DataType, IncomingVariable, LocalizedText, NumericRange, Period, RegistryId,
    SourceFile, VariableDefinition,
};

use crate::batch::ImportBatch;
use crate::error::{ImportError, ImportErrorKind, ImportErrors, variable_key};
use crate::location::Location;
use crate::values;
use crate::xml::{Position, XmlEvent, XmlReader, attribute};

/// The format's name in provenance and messages.
pub(crate) const FORMAT: &str = "dbgap";

const TYPES: &str = "string, integer, decimal, encoded value, enum_integer, date";

/// A `variable` as it is read. Places are kept as positions and located only for a message.
struct VariableBuilder {
    at: Position,
    name: Option<String>,
    description: Option<String>,
    data_type: Option<String>,
    unit: Option<String>,
    min: Option<f64>,
    max: Option<f64>,
    values: Vec<(String, String, Position)>,
    value_code: Option<(String, Position)>,
}

/// Reads a dbGaP data dictionary.
pub(crate) fn read(
    mut reader: XmlReader<'_>,
    file: &str,
    registry: Option<&RegistryId>,
) -> Result<ImportBatch, ImportErrors> {
    let mut errors = Vec::new();
    let mut study: Option<String> = None;
    // Boxed, being large: a `Vec` of them would copy every variable read so far each time it
    // grows.
    let mut builders: Vec<Box<VariableBuilder>> = Vec::new();
    let mut current: Option<VariableBuilder> = None;
    let mut text_buffer = String::new();
    while let Some(event) = reader.next_or_note(&mut errors) {
        match event {
            XmlEvent::Start { name, attributes, at } => {
                text_buffer.clear();
                match name.as_ref() {
                    "data_table" => {
                        if attribute(&attributes, "dataset_id").is_some() {
                            return Err(ImportErrors::one(
                                reader.locate(at),
                                ImportErrorKind::NotADictionary {
                                    what: "a dbGaP variable report (statistics)",
                                    instead: "import the matching data_dict.xml",
                                },
                            ));
                        }
                        study = attribute(&attributes, "study_id")
                            .map(|id| id.split('.').next().unwrap_or(id).to_owned());
                    }
                    "variable" => {
                        current = Some(VariableBuilder {
                            at,
                            name: None,
                            description: None,
                            data_type: None,
                            unit: None,
                            min: None,
                            max: None,
                            values: Vec::new(),
                            value_code: None,
                        });
                    }
                    "value" => {
                        if let Some(variable) = current.as_mut() {
                            variable.value_code =
                                attribute(&attributes, "code").map(|code| (code.to_owned(), at));
                        }
                    }
                    _ => {}
                }
            }
            XmlEvent::Text(piece) => text_buffer.push_str(&piece),
            XmlEvent::End { name } => {
                if name == "variable" {
                    builders.extend(current.take().map(Box::new));
                }
                if let Some(variable) = current.as_mut() {
                    let value = text_buffer.trim();
                    let some = || Some(value.to_owned()).filter(|t| !t.is_empty());
                    match name.as_ref() {
                        "name" => variable.name = some(),
                        "description" => variable.description = some(),
                        "type" => variable.data_type = some(),
                        "unit" => variable.unit = some(),
                        "logical_min" => variable.min = values::number(value).ok(),
                        "logical_max" => variable.max = values::number(value).ok(),
                        "value" => match variable.value_code.take() {
                            Some((code, at)) => variable.values.push((code, value.to_owned(), at)),
                            None => errors.push(ImportError::new(
                                reader.locate(variable.at).field("value/@code"),
                                ImportErrorKind::EmptyCategoryCode {
                                    variable: variable.name.clone().unwrap_or_default(),
                                },
                            )),
                        },
                        _ => {}
                    }
                }
                text_buffer.clear();
            }
        }
    }
    let registry = match (registry, study) {
        (Some(registry), _) => Some(registry.clone()),
        (None, Some(study)) => match RegistryId::new(&study) {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push(ImportError::new(
                    Location::file(file).field("data_table/@study_id"),
                    ImportErrorKind::BadRegistryId(study),
                ));
                None
            }
        },
        (None, None) => {
            errors.push(ImportError::new(
                Location::file(file).field("data_table/@study_id"),
                ImportErrorKind::NoRegistry { format: FORMAT },
            ));
            None
        }
    };
    let source = SourceFile { path: file.to_owned(), format: FORMAT.to_owned() };
    let mut variables: Vec<IncomingVariable> = Vec::with_capacity(builders.len());
    // Each builder's strings move into its variable: a large dictionary is not held twice.
    for mut builder in builders {
        let Some(name) = builder.name.take() else {
            errors.push(ImportError::new(
                reader.locate(builder.at).field("name"),
                ImportErrorKind::EmptyName,
            ));
            continue;
        };
        let type_text = builder.data_type.take().unwrap_or_default();
        let data_type = match type_text.to_lowercase().as_str() {
            "string" | "" => DataType::Text,
            "integer" | "int" => DataType::Integer,
            "decimal" | "float" | "double" | "numeric" => DataType::Decimal,
            "encoded value" | "enum_integer" | "encoded" => DataType::Categorical,
            "date" => DataType::Date,
            _ => {
                errors.push(ImportError::new(
                    reader.locate(builder.at).field("type"),
                    ImportErrorKind::UnknownDataType { found: type_text, expected: TYPES },
                ));
                continue;
            }
        };
        let mut categories: Vec<Category> = Vec::new();
        let mut category_places: Vec<Position> = Vec::new();
        for (code, label, at) in std::mem::take(&mut builder.values) {
            if let Some(first) = categories.iter().position(|category| category.code == code) {
                // Located in the order they stand, so that lines are counted once.
                let first_line = reader.locate(category_places[first]).line.unwrap_or(1);
                errors.push(ImportError::new(
                    reader.locate(at).field("value/@code"),
                    ImportErrorKind::DuplicateCategory {
                        code,
                        variable: name.clone(),
                        first_line,
                        first_label: categories[first].label.best().unwrap_or("").to_owned(),
                    },
                ));
                continue;
            }
            category_places.push(at);
            categories.push(Category {
                code,
                missing: values::is_missing_label(&label),
                label: LocalizedText { nb: None, en: Some(label) },
                order: categories.len() as u32,
                period: Period::default(),
            });
        }
        let Some(registry) = &registry else { continue };
        let located = || reader.locate(builder.at).field("name");
        let Ok(key) = variable_key(registry, &name, located).map_err(|err| errors.push(err)) else {
            continue;
        };
        let mut definition = VariableDefinition {
            label: LocalizedText { nb: None, en: builder.description.take() },
            unit: builder.unit.take(),
            ..VariableDefinition::of_type(if categories.iter().any(|c| !c.missing) {
                DataType::Categorical
            } else {
                data_type
            })
        };
        definition.value_domain.categories = categories;
        if builder.min.is_some() || builder.max.is_some() {
            definition.value_domain.range =
                Some(NumericRange { min: builder.min, max: builder.max });
        }
        variables.push(IncomingVariable { key, definition, source: source.clone() });
    }
    if let Some(errors) = ImportErrors::from_vec(errors) {
        return Err(errors);
    }
    Ok(ImportBatch { variables, files: vec![source], ..ImportBatch::default() })
}
