//! Reads the data dictionary workbooks of the CHEAR and HHEAR exposure studies (NIH's Human
//! Health Exposure Analysis Resource): a `Data Dictionary` sheet with one row per variable
//! (`VARNAME`, `VARDESC`, `QUESTION`, `TYPE`, `UNITS`, `MIN`, `MAX`), and a `Codebook` sheet
//! whose rows give each variable's codes (`CODES`, `DEFINITION`), the variable's name on its
//! first code only. The workbook does not name its study: the registry comes from `--registry`.

use std::collections::{HashMap, VecDeque};

use catalog::{
    Category, DataType, IncomingVariable, LocalizedText, NumericRange, Period, RegistryId,
    SourceFile, VariableDefinition,
};

use crate::batch::{ImportBatch, Warning};
use crate::error::{ImportError, ImportErrorKind, ImportErrors};
use crate::location::Location;
use crate::table::{Column, FirstLines, Table};
use crate::values;

/// The format's name in provenance and messages.
pub(crate) const FORMAT: &str = "hhear-dictionary";

const TYPES: &str = "categorical, enumerated integer, radio, yesno, integer, decimal, numeric, \
                     number, numerical, continuous, calc, text, string, date, datetime, \
                     primary key, special";

/// The columns of the dictionary sheet varkat reads; the others are named in a warning.
const READ: [&str; 7] = ["VARNAME", "VARDESC", "QUESTION", "TYPE", "UNITS", "MIN", "MAX"];

/// True for the dictionary sheet's header.
pub(crate) fn is_dictionary(headers: &[String]) -> bool {
    let has = |name: &str| headers.iter().any(|header| header.eq_ignore_ascii_case(name));
    has("VARNAME") && has("VARDESC") && has("TYPE")
}

/// True for the codebook sheet's header.
pub(crate) fn is_codebook(headers: &[String]) -> bool {
    let has = |name: &str| headers.iter().any(|header| header.eq_ignore_ascii_case(name));
    has("VARNAME") && has("CODES") && has("DEFINITION")
}

/// True for a sheet of the workbooks that map one study's variables onto another's (a
/// `MappedMatrix`, or an `Overview` that says it holds mappings): a harmonization, not a
/// dictionary.
pub(crate) fn is_mapping_sheet(sheet: &Table<'_>) -> bool {
    let headers = sheet.headers();
    sheet.file().ends_with("[MappedMatrix]")
        || (headers.first().is_some_and(|first| first.eq_ignore_ascii_case("Overview"))
            && headers.iter().any(|header| header.to_lowercase().contains("mapping")))
}

/// Reads a dictionary sheet, with the codes of its workbook's codebook sheet when there is one,
/// into variables of `registry`.
pub(crate) fn read(
    dictionary: &mut Table<'_>,
    codebook: Option<&mut Table<'_>>,
    registry: Option<&RegistryId>,
) -> Result<ImportBatch, ImportErrors> {
    let file = &dictionary.file().to_owned();
    let Some(registry) = registry else {
        return Err(ImportErrors::one(
            Location::file(file),
            ImportErrorKind::NoRegistry { format: FORMAT },
        ));
    };
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let name = dictionary.require("VARNAME")?;
    let column = |name: &str| dictionary.column(name);
    let (description, question, data_type) =
        (column("VARDESC"), column("QUESTION"), column("TYPE"));
    let (units, min, max) = (column("UNITS"), column("MIN"), column("MAX"));
    let ignored: Vec<&str> = dictionary
        .headers()
        .iter()
        .map(String::as_str)
        .filter(|header| {
            !header.is_empty() && !READ.iter().any(|read| read.eq_ignore_ascii_case(header))
        })
        .collect();
    if !ignored.is_empty() {
        warnings.push(Warning {
            location: Location::line(file, 1),
            message: format!("columns not read: {}", ignored.join(", ")),
        });
    }
    let codebook_file = codebook.as_ref().map(|codebook| codebook.file().to_owned());
    let coded = match codebook {
        Some(codebook) => read_codebook(codebook, &mut errors, &mut warnings),
        None => Vec::new(),
    };
    // Where each coded variable stands, by its name in ASCII lower case (names match without
    // regard to case); a name listed twice is taken in sheet order.
    let mut coded_at: HashMap<String, VecDeque<usize>> = HashMap::new();
    for (index, (variable, _)) in coded.iter().enumerate() {
        coded_at.entry(variable.to_ascii_lowercase()).or_default().push_back(index);
    }
    let mut codes: Vec<Option<(String, Vec<Category>)>> = coded.into_iter().map(Some).collect();
    let source = SourceFile { path: file.to_owned(), format: FORMAT.to_owned() };
    let mut variables: Vec<IncomingVariable> = Vec::new();
    let mut first_lines = FirstLines::default();
    while let Some(row) = dictionary.next_row(&mut errors) {
        let row = &row;
        let Some(variable_name) = row.get(Some(name)) else {
            // Exports from REDCap keep a form's "Complete?" status row without a name.
            warnings.push(Warning {
                location: dictionary.at(row, name),
                message: "a row without a VARNAME: skipped".into(),
            });
            continue;
        };
        let categories = coded_at
            .get_mut(&variable_name.to_ascii_lowercase())
            .and_then(VecDeque::pop_front)
            .and_then(|at| codes[at].take())
            .map(|(_, categories)| categories)
            .unwrap_or_default();
        let kind = row.get(data_type).unwrap_or("").to_lowercase();
        let data_type = match kind.as_str() {
            "" if !categories.is_empty() => DataType::Categorical,
            "" => DataType::Text,
            "categorical" | "enumerated integer" | "radio" | "dropdown" | "checkbox" => {
                DataType::Categorical
            }
            "yesno" => DataType::Boolean,
            "integer" => DataType::Integer,
            "decimal" | "numeric" | "number" | "numerical" | "continuous" | "calc" => {
                DataType::Decimal
            }
            // Codes listed for a text variable enumerate the texts it takes.
            "text" | "string" if !categories.is_empty() => DataType::Categorical,
            "text" | "string" | "primary key" | "special" => DataType::Text,
            "date" => DataType::Date,
            "datetime" => DataType::Datetime,
            _ => {
                let at = data_type.map_or_else(
                    || Location::line(file, row.line),
                    |column| dictionary.at(row, column),
                );
                errors.push(ImportError::new(
                    at,
                    ImportErrorKind::UnknownDataType { found: kind.clone(), expected: TYPES },
                ));
                continue;
            }
        };
        let Ok(key) = first_lines
            .key(registry, variable_name, dictionary.at(row, name))
            .map_err(|err| errors.push(err))
        else {
            continue;
        };
        let english = |column: Option<Column>| LocalizedText {
            nb: None,
            en: row.get(column).filter(|text| !is_not_applicable(text)).map(str::to_owned),
        };
        let mut definition = VariableDefinition {
            label: english(description),
            question: english(question),
            unit: row.get(units).filter(|unit| !is_not_applicable(unit)).map(str::to_owned),
            ..VariableDefinition::of_type(data_type)
        };
        definition.value_domain.categories = categories;
        let bound =
            |column: Option<Column>| row.get(column).and_then(|cell| values::number(cell).ok());
        let (low, high) = (bound(min), bound(max));
        if low.is_some() || high.is_some() {
            definition.value_domain.range = Some(NumericRange { min: low, max: high });
        }
        first_lines.record(variable_name, row.line);
        variables.push(IncomingVariable { key, definition, source: source.clone() });
    }
    for (variable, _) in codes.into_iter().flatten() {
        warnings.push(Warning {
            location: Location::file(codebook_file.as_deref().unwrap_or(file)),
            message: format!(
                "the codebook lists `{variable}`, which the dictionary does not: skipped"
            ),
        });
    }
    if let Some(errors) = ImportErrors::from_vec(errors) {
        return Err(errors);
    }
    Ok(ImportBatch { variables, warnings, files: vec![source], ..ImportBatch::default() })
}

/// "N/A" and the like in a text column: nothing said.
fn is_not_applicable(text: &str) -> bool {
    matches!(text.to_ascii_lowercase().as_str(), "n/a" | "na" | "none" | "-")
}

/// One row of the codebook: a code, and its definition if it has one.
struct CodeRow {
    code: String,
    definition: Option<String>,
    at: Location,
}

/// Each coded variable of the codebook sheet with its answer options, in sheet order.
///
/// Codes come three ways: a code and its DEFINITION on each row; all of a variable's options
/// in one CODES cell (`1=male, 0=female`); or codes that are their own labels (`white`,
/// `black`, on rows of their own). A lone code without a definition (`range 0-5`, `cm`)
/// describes the values and is no answer option.
fn read_codebook(
    codebook: &mut Table<'_>,
    errors: &mut Vec<ImportError>,
    warnings: &mut Vec<Warning>,
) -> Vec<(String, Vec<Category>)> {
    let (Some(name), Some(code), Some(label)) =
        (codebook.column("VARNAME"), codebook.column("CODES"), codebook.column("DEFINITION"))
    else {
        return Vec::new();
    };
    let mut rows_of: Vec<(String, Vec<CodeRow>)> = Vec::new();
    while let Some(row) = codebook.next_row(errors) {
        let row = &row;
        if let Some(variable) = row.get(Some(name)) {
            rows_of.push((variable.to_owned(), Vec::new()));
        }
        let Some(value) = row.get(Some(code)) else { continue };
        let Some((_, rows)) = rows_of.last_mut() else {
            errors.push(ImportError::new(
                codebook.at(row, code),
                ImportErrorKind::BadOption {
                    found: value.to_owned(),
                    expected: "a code after a row that names its VARNAME",
                },
            ));
            continue;
        };
        rows.push(CodeRow {
            code: value.to_owned(),
            definition: row.get(Some(label)).map(str::to_owned),
            at: codebook.at(row, code),
        });
    }
    let mut coded = Vec::new();
    for (variable, rows) in rows_of {
        let undefined = rows.iter().filter(|row| row.definition.is_none()).count();
        let options: Vec<(String, String, Location)> = match rows.as_slice() {
            [only] if only.definition.is_none() && only.code.contains('=') => {
                inline_options(&only.code)
                    .into_iter()
                    .map(|(code, label)| (code, label, only.at.clone()))
                    .collect()
            }
            _ if undefined == rows.len() && rows.len() > 1 => {
                rows.into_iter().map(|row| (row.code.clone(), row.code, row.at)).collect()
            }
            _ => rows
                .into_iter()
                .filter_map(|row| match row.definition {
                    Some(definition) => Some((row.code, definition, row.at)),
                    None => {
                        warnings.push(Warning {
                            location: row.at,
                            message: format!(
                                "`{}` of `{variable}` has no DEFINITION: not an answer option",
                                row.code
                            ),
                        });
                        None
                    }
                })
                .collect(),
        };
        let mut categories: Vec<Category> = Vec::new();
        let mut lines: Vec<u64> = Vec::new();
        for (value, definition, at) in options {
            if let Some(first) = categories.iter().position(|category| category.code == value) {
                errors.push(ImportError::new(
                    at,
                    ImportErrorKind::DuplicateCategory {
                        code: value,
                        variable: variable.clone(),
                        first_line: lines[first],
                        first_label: categories[first].label.best().unwrap_or("").to_owned(),
                    },
                ));
                continue;
            }
            lines.push(at.line.unwrap_or(0));
            categories.push(Category {
                code: value,
                missing: values::is_missing_label(&definition),
                label: LocalizedText { nb: None, en: Some(definition) },
                order: categories.len() as u32,
                period: Period::default(),
            });
        }
        if !categories.is_empty() {
            coded.push((variable, categories));
        }
    }
    coded
}

/// `1=male, 0=female` or `0= bmi<18.5; 1=bmi 18.5-25`: options split at commas or semicolons
/// that come before another `code=`, so that a label may hold a comma.
fn inline_options(cell: &str) -> Vec<(String, String)> {
    let mut options: Vec<(String, String)> = Vec::new();
    for piece in cell.split([',', ';']) {
        match piece.split_once('=') {
            Some((code, label))
                if !code.trim().is_empty() && !code.trim().contains(char::is_whitespace) =>
            {
                options.push((code.trim().to_owned(), label.trim().to_owned()));
            }
            _ => {
                if let Some((_, label)) = options.last_mut() {
                    label.push(',');
                    label.push_str(piece);
                }
            }
        }
    }
    options
}

#[cfg(test)]
mod tests {
    use super::inline_options;

    #[test]
    fn options_in_one_cell_split_before_each_code() {
        assert_eq!(
            inline_options("0= bmi<18.5; 1=bmi 18.5-25; 2=bmi>25"),
            [("0", "bmi<18.5"), ("1", "bmi 18.5-25"), ("2", "bmi>25")]
                .map(|(code, label)| (code.to_owned(), label.to_owned()))
        );
        assert_eq!(
            inline_options("1=yes, daily, 2=no"),
            [("1", "yes, daily"), ("2", "no")].map(|(c, l)| (c.to_owned(), l.to_owned()))
        );
    }
}
