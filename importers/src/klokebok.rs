//! Reads the "klokebok" that Norwegian quality registries on the OQR/MRS platform export: a
//! `;`-separated table with one row per variable, or per answer option of a list variable.
//! `variabel_id` identifies a variable, `ledetekst` labels it, `listeverdier`/`listetekst`
//! give its options, and `innfoert_dato`/`utfaset_dato` its collection period, per row.

use std::collections::HashMap;

use catalog::{
    Category, DataType, IncomingVariable, LocalizedText, NumericRange, Period, RegistryId,
    SourceFile, VariableDefinition, VariableKey,
};

use crate::batch::{ImportBatch, Warning};
use crate::error::{ImportError, ImportErrorKind, ImportErrors, variable_key};
use crate::location::Location;
use crate::table::{Column, Row, Table};
use crate::values;

/// The format's name in provenance and messages.
pub(crate) const FORMAT: &str = "klokebok";

/// Columns the catalog reads.
const USED: &[&str] = &[
    "variabel_id",
    "ledetekst",
    "type",
    "skjemanavn",
    "listeverdier",
    "listetekst",
    "hjelpetekst",
    "innfoert_dato",
    "utfaset_dato",
    "maksintervall_start_numerisk",
    "maksintervall_slutt_numerisk",
    "desimaler",
];

/// Columns that are part of the format but say nothing the catalog keeps (validation rules,
/// display hints, the physical table), so they are skipped without a warning.
const KNOWN_UNUSED: &[&str] = &[
    "navn_i_rapporteket",
    "obligatorisk",
    "normalintervall_start_numerisk",
    "normalintervall_slutt_numerisk",
    "normalintervall_start_dato",
    "normalintervall_slutt_dato",
    "maksintervall_start_dato",
    "maksintervall_slutt_dato",
    "antall_tegn",
    "lovlige_tegn",
    "aktiveringsspoersmaal",
    "underspoersmaal",
    "tabell",
    "fysisk_feltnavn",
    "kommentar",
];

const TYPES: &str = "Tallvariabel, Listevariabel, Dynamisk Listevariabel, Avkrysningsboks, Datovariabel, Tidsvariabel, Tekstvariabel, Stor tekstvariabel, Skjult variabel, Statusvariabel";

struct Columns {
    name: Column,
    label: Column,
    data_type: Column,
    section: Option<Column>,
    code: Option<Column>,
    code_label: Option<Column>,
    help: Option<Column>,
    from: Option<Column>,
    to: Option<Column>,
    min: Option<Column>,
    max: Option<Column>,
    decimals: Option<Column>,
}

/// One variable as its rows accumulate.
struct Pending {
    key: VariableKey,
    first_line: u64,
    section: Option<String>,
    label: String,
    data_type_text: String,
    definition: VariableDefinition,
    /// Per code: the line it was first seen on and its label.
    codes: HashMap<String, (u64, String)>,
    /// Rows of the variable, for its period: (from, to) per row.
    periods: Vec<Period>,
    repeated_on: Vec<String>,
}

/// Reads a klokebok table into variables of `registry`.
pub(crate) fn read(
    table: &mut Table<'_>,
    registry: Option<&RegistryId>,
) -> Result<ImportBatch, ImportErrors> {
    let file = &table.file().to_owned();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let name_column = match (table.column("variabel_id"), table.column("navn_i_rapporteket")) {
        (Some(column), _) => Some(column),
        (None, Some(column)) => {
            warnings.push(Warning {
                location: Location::line(file, 1),
                message:
                    "no `variabel_id` column; variables are identified by `navn_i_rapporteket`"
                        .into(),
            });
            Some(column)
        }
        (None, None) => {
            errors.extend(table.require("variabel_id").err());
            None
        }
    };
    let label = table.require("ledetekst").map_err(|err| errors.push(err)).ok();
    let data_type = table.require("type").map_err(|err| errors.push(err)).ok();
    let Some(registry) = registry else {
        errors.push(ImportError::new(
            Location::file(file),
            ImportErrorKind::NoRegistry { format: FORMAT },
        ));
        return Err(ImportErrors::from_vec(errors).expect("an error was pushed"));
    };
    let (Some(name), Some(label), Some(data_type)) = (name_column, label, data_type) else {
        return Err(ImportErrors::from_vec(errors).expect("a column is missing"));
    };
    let columns = Columns {
        name,
        label,
        data_type,
        section: table.column("skjemanavn"),
        code: table.column("listeverdier"),
        code_label: table.column("listetekst"),
        help: table.column("hjelpetekst"),
        from: table.column("innfoert_dato"),
        to: table.column("utfaset_dato"),
        min: table.column("maksintervall_start_numerisk"),
        max: table.column("maksintervall_slutt_numerisk"),
        decimals: table.column("desimaler"),
    };
    for header in table.headers() {
        if !USED.iter().chain(KNOWN_UNUSED).any(|known| known.eq_ignore_ascii_case(header)) {
            warnings.push(Warning {
                location: Location::line(file, 1).field(header),
                message: "unknown column; ignored".into(),
            });
        }
    }

    let mut order: Vec<String> = Vec::new();
    let mut pending: HashMap<String, Pending> = HashMap::new();
    while let Some(row) = table.next_row(&mut errors) {
        let row = &row;
        let Some(name) = row.get(Some(columns.name)) else {
            errors.push(ImportError::new(table.at(row, columns.name), ImportErrorKind::EmptyName));
            continue;
        };
        let period = table.period(row, columns.from, columns.to, &mut errors);
        if let Some(variable) = pending.get_mut(name) {
            add_row(table, row, &columns, variable, period, &mut errors);
            continue;
        }
        let Ok(key) = variable_key(registry, name, || table.at(row, columns.name))
            .map_err(|err| errors.push(err))
        else {
            continue;
        };
        let data_type_text = row.get(Some(columns.data_type)).unwrap_or("").to_owned();
        let data_type = match data_type_of(&data_type_text, row.get(columns.decimals)) {
            Some(data_type) => data_type,
            None => {
                errors.push(ImportError::new(
                    table.at(row, columns.data_type),
                    ImportErrorKind::UnknownDataType {
                        found: data_type_text.clone(),
                        expected: TYPES,
                    },
                ));
                DataType::Text
            }
        };
        let mut definition = VariableDefinition {
            label: norwegian(row.get(Some(columns.label))),
            description: norwegian(row.get(columns.help)),
            section: row.get(columns.section).map(str::to_owned),
            ..VariableDefinition::of_type(data_type)
        };
        // The platform allows symbolic bounds such as `birthYear` or `todayYear`; the catalog
        // keeps numeric bounds only, and says which it left open.
        let mut bound = |column: Option<Column>| {
            let cell = row.get(column)?;
            match values::number(cell) {
                Ok(value) => Some(value),
                Err(_) => {
                    warnings.push(Warning {
                        location: table.at(row, column.expect("cell has a column")),
                        message: format!("range bound `{cell}` is not a number; that end of the range is left open"),
                    });
                    None
                }
            }
        };
        let (min, max) = (bound(columns.min), bound(columns.max));
        if min.is_some() || max.is_some() {
            definition.value_domain.range = Some(NumericRange { min, max });
        }
        let mut variable = Pending {
            key,
            first_line: row.line,
            section: definition.section.clone(),
            label: row.get(Some(columns.label)).unwrap_or("").to_owned(),
            data_type_text,
            definition,
            codes: HashMap::new(),
            periods: Vec::new(),
            repeated_on: Vec::new(),
        };
        add_row(table, row, &columns, &mut variable, period, &mut errors);
        order.push(name.to_owned());
        pending.insert(name.to_owned(), variable);
    }
    if let Some(errors) = ImportErrors::from_vec(errors) {
        return Err(errors);
    }

    let source = SourceFile { path: file.to_owned(), format: FORMAT.to_owned() };
    let mut variables = Vec::with_capacity(order.len());
    for name in order {
        let mut variable = pending.remove(&name).expect("every ordered name is pending");
        if !variable.repeated_on.is_empty() {
            warnings.push(Warning {
                location: Location::line(file, variable.first_line),
                message: format!(
                    "variable `{name}` appears again on form {} with the same values; kept the definition from form `{}`",
                    variable.repeated_on.iter().map(|form| format!("`{form}`")).collect::<Vec<_>>().join(", "),
                    variable.section.as_deref().unwrap_or("")
                ),
            });
        }
        finish(&mut variable);
        variables.push(IncomingVariable {
            key: variable.key,
            definition: variable.definition,
            source: source.clone(),
        });
    }
    Ok(ImportBatch { variables, warnings, files: vec![source], ..ImportBatch::default() })
}

fn norwegian(value: Option<&str>) -> LocalizedText {
    LocalizedText { nb: value.map(str::to_owned), en: None }
}

fn data_type_of(text: &str, decimals: Option<&str>) -> Option<DataType> {
    let has_decimals = decimals.and_then(|d| d.parse::<u32>().ok()).is_some_and(|d| d > 0);
    Some(match text.trim().to_lowercase().as_str() {
        "tallvariabel" if has_decimals => DataType::Decimal,
        "tallvariabel" | "statusvariabel" => DataType::Integer,
        "listevariabel" | "dynamisk listevariabel" => DataType::Categorical,
        "avkrysningsboks" => DataType::Boolean,
        "datovariabel" => DataType::Date,
        "tidsvariabel" => DataType::Datetime,
        "tekstvariabel" | "stor tekstvariabel" | "skjult variabel" => DataType::Text,
        _ => return None,
    })
}

/// Adds one row to its variable: checks that the row agrees with the variable's first row,
/// and adds its answer option. A klokebok extract may repeat a variable on a second form with
/// the same options; that is noted, not refused. A code that means two things is refused.
fn add_row(
    table: &Table<'_>,
    row: &Row,
    columns: &Columns,
    variable: &mut Pending,
    period: Period,
    errors: &mut Vec<ImportError>,
) {
    let section = row.get(columns.section).map(str::to_owned);
    let other_form = section != variable.section;
    for (column, first_value) in
        [(columns.label, &variable.label), (columns.data_type, &variable.data_type_text)]
    {
        let value = row.get(Some(column)).unwrap_or("");
        if value != first_value.as_str() && !other_form {
            errors.push(ImportError::new(
                table.at(row, column),
                ImportErrorKind::Inconsistent {
                    variable: variable.key.name().to_owned(),
                    field: table.header(column).to_owned(),
                    value: value.to_owned(),
                    first_value: first_value.clone(),
                    first_line: variable.first_line,
                },
            ));
        }
    }
    let Some(code) = row.get(columns.code) else {
        if row.line != variable.first_line {
            repeated_or_duplicate(table, row, columns, variable, section, errors);
        }
        variable.periods.push(period);
        return;
    };
    let label = row.get(columns.code_label).unwrap_or("").to_owned();
    if let Some((first_line, first_label)) = variable.codes.get(code) {
        if other_form && *first_label == label {
            if let Some(section) = section.filter(|s| !variable.repeated_on.contains(s)) {
                variable.repeated_on.push(section);
            }
        } else {
            errors.push(ImportError::new(
                table.at(row, columns.code.expect("code cell has a column")),
                ImportErrorKind::DuplicateCategory {
                    code: code.to_owned(),
                    variable: variable.key.name().to_owned(),
                    first_line: *first_line,
                    first_label: first_label.clone(),
                },
            ));
        }
        return;
    }
    variable.codes.insert(code.to_owned(), (row.line, label.clone()));
    variable.periods.push(period);
    let categories = &mut variable.definition.value_domain.categories;
    categories.push(Category {
        code: code.to_owned(),
        missing: values::is_missing_label(&label),
        label: norwegian(Some(&label).filter(|l| !l.is_empty()).map(String::as_str)),
        order: categories.len() as u32,
        period,
    });
}

fn repeated_or_duplicate(
    table: &Table<'_>,
    row: &Row,
    columns: &Columns,
    variable: &mut Pending,
    section: Option<String>,
    errors: &mut Vec<ImportError>,
) {
    if section != variable.section {
        if let Some(section) = section.filter(|s| !variable.repeated_on.contains(s)) {
            variable.repeated_on.push(section);
        }
    } else {
        errors.push(ImportError::new(
            table.at(row, columns.name),
            ImportErrorKind::DuplicateVariable {
                name: variable.key.name().to_owned(),
                first_line: variable.first_line,
            },
        ));
    }
}

/// The variable's period spans its rows: from the earliest start, to the latest end unless a
/// row is still open. Options keep their own period only where it differs.
fn finish(variable: &mut Pending) {
    let from = variable.periods.iter().filter_map(|p| p.from).min();
    let to = if variable.periods.iter().any(|p| p.to.is_none()) {
        None
    } else {
        variable.periods.iter().filter_map(|p| p.to).max()
    };
    let period = Period { from, to };
    variable.definition.period = period;
    for category in &mut variable.definition.value_domain.categories {
        if category.period == period {
            category.period = Period::default();
        }
    }
}
