//! Reads REDCap data dictionaries (CSV). Choices such as "1, Ja | 2, Nei" become answer options
//! (a label may itself contain commas), validation min/max a range, forms sections, and HTML in
//! labels is reduced to its text. The file does not name its registry, nor its language.

use catalog::{
    Category, DataType, IncomingVariable, LocalizedText, NumericRange, Period, RegistryId,
    SourceFile, VariableDefinition,
};

use crate::batch::ImportBatch;
use crate::error::{ImportError, ImportErrorKind, ImportErrors};
use crate::location::Location;
use crate::table::{Column, FirstLines, Row, Table};
use crate::values;

/// The format's name in provenance and messages.
pub(crate) const FORMAT: &str = "redcap";

const FIELD_TYPES: &str = "text, notes, dropdown, radio, checkbox, yesno, truefalse, calc, slider, file, sql, descriptive";

/// True for a REDCap data dictionary header.
pub(crate) fn is_dictionary(headers: &[String]) -> bool {
    headers.iter().any(|header| header.eq_ignore_ascii_case("Variable / Field Name"))
}

/// Text with its HTML tags removed and the common entities decoded. REDCap labels carry layout
/// markup; search and reports want the words. A full HTML parser would be a large dependency
/// for what is, in a data dictionary, always simple inline markup.
pub(crate) fn strip_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    crate::values::collapse_whitespace(&decoded)
}

/// Reads a REDCap data dictionary into variables of `registry`, with labels in `language`.
pub(crate) fn read(
    table: &mut Table<'_>,
    registry: Option<&RegistryId>,
    language: &str,
) -> Result<ImportBatch, ImportErrors> {
    let file = &table.file().to_owned();
    let mut errors = Vec::new();
    let mut require = |name: &str| table.require(name).map_err(|err| errors.push(err)).ok();
    let (name, field_type, label) =
        (require("Variable / Field Name"), require("Field Type"), require("Field Label"));
    let Some(registry) = registry else {
        errors.push(ImportError::new(
            Location::file(file),
            ImportErrorKind::NoRegistry { format: FORMAT },
        ));
        return Err(ImportErrors::from_vec(errors).expect("an error was pushed"));
    };
    let (Some(name), Some(field_type), Some(label)) = (name, field_type, label) else {
        return Err(ImportErrors::from_vec(errors).expect("a column is missing"));
    };
    let form = table.column("Form Name");
    let choices = table.column("Choices, Calculations, OR Slider Labels");
    let note = table.column("Field Note");
    let validation = table.column("Text Validation Type OR Show Slider Number");
    let (min, max) = (table.column("Text Validation Min"), table.column("Text Validation Max"));
    let text_in = |text: &str| {
        let text = strip_html(text);
        if language == "en" {
            LocalizedText { nb: None, en: Some(text) }
        } else {
            LocalizedText { nb: Some(text), en: None }
        }
    };
    let source = SourceFile { path: file.to_owned(), format: FORMAT.to_owned() };
    let mut variables: Vec<IncomingVariable> = Vec::new();
    let mut first_lines = FirstLines::default();
    while let Some(row) = table.next_row(&mut errors) {
        let row = &row;
        let Some(variable_name) = row.get(Some(name)) else {
            errors.push(ImportError::new(table.at(row, name), ImportErrorKind::EmptyName));
            continue;
        };
        let kind = row.get(Some(field_type)).unwrap_or("").to_lowercase();
        let check = row.get(validation).unwrap_or("").to_lowercase();
        let data_type = match kind.as_str() {
            // A descriptive field is text shown on the form, not a variable.
            "descriptive" => continue,
            "text" if check.starts_with("datetime") => DataType::Datetime,
            "text" if check.starts_with("date") => DataType::Date,
            "text" if check == "integer" => DataType::Integer,
            "text" if check.starts_with("number") => DataType::Decimal,
            "text" | "notes" | "file" => DataType::Text,
            "dropdown" | "radio" | "checkbox" | "sql" => DataType::Categorical,
            "yesno" | "truefalse" => DataType::Boolean,
            "calc" => DataType::Decimal,
            "slider" => DataType::Integer,
            _ => {
                errors.push(ImportError::new(
                    table.at(row, field_type),
                    ImportErrorKind::UnknownDataType { found: kind.clone(), expected: FIELD_TYPES },
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
        let mut definition = VariableDefinition {
            label: text_in(row.get(Some(label)).unwrap_or("")),
            description: row.get(note).map(text_in).unwrap_or_default(),
            section: row.get(form).map(str::to_owned),
            ..VariableDefinition::of_type(data_type)
        };
        match kind.as_str() {
            "dropdown" | "radio" | "checkbox" => {
                if let Some(choices) = choices {
                    definition.value_domain.categories =
                        parse_choices(table, row, choices, variable_name, &text_in, &mut errors);
                }
            }
            "yesno" => definition.value_domain.categories = fixed(&[("1", "Yes"), ("0", "No")]),
            "truefalse" => {
                definition.value_domain.categories = fixed(&[("1", "True"), ("0", "False")])
            }
            _ => {}
        }
        let bound =
            |column: Option<Column>| row.get(column).and_then(|cell| values::number(cell).ok());
        let (low, high) = (bound(min), bound(max));
        if low.is_some() || high.is_some() {
            definition.value_domain.range = Some(NumericRange { min: low, max: high });
        } else if kind == "slider" {
            definition.value_domain.range = Some(NumericRange { min: Some(0.0), max: Some(100.0) });
        }
        first_lines.record(variable_name, row.line);
        variables.push(IncomingVariable { key, definition, source: source.clone() });
    }
    if let Some(errors) = ImportErrors::from_vec(errors) {
        return Err(errors);
    }
    Ok(ImportBatch { variables, files: vec![source], ..ImportBatch::default() })
}

fn fixed(options: &[(&str, &str)]) -> Vec<Category> {
    options
        .iter()
        .enumerate()
        .map(|(order, (code, label))| Category {
            code: (*code).to_owned(),
            label: LocalizedText { nb: None, en: Some((*label).to_owned()) },
            missing: false,
            order: order as u32,
            period: Period::default(),
        })
        .collect()
}

/// "1, Ja | 2, Nei, takk": options split at `|`, code and label at the first comma.
fn parse_choices(
    table: &Table<'_>,
    row: &Row,
    column: Column,
    variable: &str,
    text_in: &dyn Fn(&str) -> LocalizedText,
    errors: &mut Vec<ImportError>,
) -> Vec<Category> {
    let mut categories: Vec<Category> = Vec::new();
    for choice in row
        .get(Some(column))
        .unwrap_or("")
        .split('|')
        .map(str::trim)
        .filter(|choice| !choice.is_empty())
    {
        let Some((code, label)) = choice
            .split_once(',')
            .map(|(code, label)| (code.trim(), label.trim()))
            .filter(|(code, _)| !code.is_empty())
        else {
            errors.push(ImportError::new(
                table.at(row, column),
                ImportErrorKind::BadOption { found: choice.to_owned(), expected: "`code, label`" },
            ));
            continue;
        };
        if let Some(first) = categories.iter().find(|category| category.code == code) {
            errors.push(ImportError::new(
                table.at(row, column),
                ImportErrorKind::DuplicateCategory {
                    code: code.to_owned(),
                    variable: variable.to_owned(),
                    first_line: row.line,
                    first_label: first.label.best().unwrap_or("").to_owned(),
                },
            ));
            continue;
        }
        let label = text_in(label);
        categories.push(Category {
            code: code.to_owned(),
            missing: label.best().is_some_and(values::is_missing_label),
            label,
            order: categories.len() as u32,
            period: Period::default(),
        });
    }
    categories
}

#[cfg(test)]
mod tests {
    use super::strip_html;

    #[test]
    fn html_is_reduced_to_words() {
        assert_eq!(
            strip_html(
                "Last Reviewed Date\n<div style=\"x\">Date when&nbsp;it was <b>reviewed</b></div>"
            ),
            "Last Reviewed Date Date when it was reviewed"
        );
    }
}
