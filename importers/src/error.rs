//! Import errors: each names where it was found and what was expected. A parser collects every
//! error in a file before refusing it, so that a steward fixes them all in one go.

use std::fmt;

use serde::Serialize;

use crate::location::Location;

/// One problem in an input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{location}: {kind}")]
pub struct ImportError {
    /// Where.
    pub location: Location,
    /// What.
    pub kind: ImportErrorKind,
}

impl ImportError {
    /// An error at `location`.
    pub fn new(location: Location, kind: ImportErrorKind) -> ImportError {
        ImportError { location, kind }
    }
}

/// What was wrong, and what was expected instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum ImportErrorKind {
    /// The file could not be opened or read.
    #[error("cannot read the file: {0}")]
    Unreadable(String),
    /// Bytes that the chosen encoding cannot decode.
    #[error("byte {byte} is not valid {encoding}{hint}")]
    InvalidEncoding {
        /// The offending byte, as hex.
        byte: String,
        /// The encoding tried.
        encoding: &'static str,
        /// What to try instead.
        hint: &'static str,
    },
    /// The format cannot be told from the content.
    #[error("cannot tell the format of this file ({seen}); give --format ({expected})")]
    UnknownFormat {
        /// What the file starts with.
        seen: String,
        /// The formats varkat reads.
        expected: String,
    },
    /// A spreadsheet that calamine could not open or read.
    #[error("this looks like a spreadsheet (.xlsx, .xls or .ods) but could not be read: {0}")]
    UnreadableSpreadsheet(String),
    /// A spreadsheet cell that shows an error instead of a value.
    #[error("the cell shows the spreadsheet error {0}; fix its formula or clear it")]
    CellError(String),
    /// No sheet of a workbook is a table varkat reads.
    #[error("no sheet is a table varkat reads ({sheets}); expected the columns of {expected}")]
    NoReadableSheet {
        /// The sheets and their first columns.
        sheets: String,
        /// The table formats varkat reads.
        expected: String,
    },
    /// A format that is not a table, asked for on a spreadsheet.
    #[error("a spreadsheet holds tables, and {format} is not a table format")]
    NotATableFormat {
        /// The format asked for.
        format: &'static str,
    },
    /// A format varkat recognises but does not read yet.
    #[error("this is {what}, which varkat does not read yet; {instead}")]
    Unsupported {
        /// The format found.
        what: String,
        /// What to do instead.
        instead: &'static str,
    },
    /// A file of a known kind that holds no variable definitions.
    #[error("this is {what}, not a data dictionary; {instead}")]
    NotADictionary {
        /// What the file is.
        what: &'static str,
        /// What to import instead.
        instead: &'static str,
    },
    /// A delimited file that the CSV reader cannot read.
    #[error("malformed CSV: {0}")]
    MalformedCsv(String),
    /// A file that is not valid JSON, or not of the expected shape.
    #[error("{0}")]
    Json(String),
    /// A required column is missing from the header.
    #[error("missing required column `{column}`; the header has {found}")]
    MissingColumn {
        /// The column.
        column: String,
        /// The columns that are there.
        found: String,
    },
    /// A row names no variable.
    #[error("variable name is empty")]
    EmptyName,
    /// A variable name the catalog cannot use as a key.
    #[error("{0}")]
    InvalidName(String),
    /// A variable defined twice in one file.
    #[error("variable `{name}` is defined twice (first on line {first_line})")]
    DuplicateVariable {
        /// The variable.
        name: String,
        /// Where it was first defined.
        first_line: u64,
    },
    /// A code that appears twice in one code system version.
    #[error("code `{code}` appears twice in code system `{system}`")]
    DuplicateCode {
        /// The code.
        code: String,
        /// The code system.
        system: String,
    },
    /// A variable defined by two files of the same import.
    #[error("variable `{key}` is also defined, differently, in `{first_file}`")]
    DefinedInTwoFiles {
        /// The variable.
        key: String,
        /// The file that defined it first.
        first_file: String,
    },
    /// A category code that appears twice in one variable.
    #[error(
        "category code `{code}` appears twice in variable `{variable}` (first on line {first_line} as `{first_label}`)"
    )]
    DuplicateCategory {
        /// The code.
        code: String,
        /// The variable.
        variable: String,
        /// Where it first appeared.
        first_line: u64,
        /// What it meant there.
        first_label: String,
    },
    /// A category row for a variable the file does not define.
    #[error(
        "category row for unknown variable `{variable}`; expected a variable defined in the variables table"
    )]
    UnknownVariable {
        /// The variable named.
        variable: String,
    },
    /// A data type the format does not have.
    #[error("unknown data type `{found}`; expected one of {expected}")]
    UnknownDataType {
        /// What the file says.
        found: String,
        /// What the format allows.
        expected: &'static str,
    },
    /// An answer option that is not written as the format writes options.
    #[error("answer option `{found}` is not written as {expected}")]
    BadOption {
        /// What the file says.
        found: String,
        /// How options are written in this format.
        expected: &'static str,
    },
    /// An answer option before any variable it could belong to.
    #[error("answer option before any variable; expected a variable row above it")]
    OptionWithoutVariable,
    /// XML that is not well formed.
    #[error("malformed XML: {0}")]
    Xml(String),
    /// A DOCTYPE declaration.
    #[error(
        "DOCTYPE declarations are refused: they can define entities that expand without end or fetch files; remove the DOCTYPE"
    )]
    XmlDoctype,
    /// An entity other than XML's predefined five.
    #[error("entity `&{0};` is not one of XML's five predefined entities")]
    XmlEntity(String),
    /// Elements nested too deeply.
    #[error("elements nested deeper than {limit}")]
    XmlTooDeep {
        /// The limit.
        limit: usize,
    },
    /// One text node too long.
    #[error("a text longer than {limit} bytes")]
    XmlTextTooLong {
        /// The limit.
        limit: usize,
    },
    /// A reference to an element that the file does not have.
    #[error("`{reference}` refers to {what} that this file does not define")]
    DanglingReference {
        /// The reference.
        reference: String,
        /// What kind of element it should name.
        what: &'static str,
    },
    /// An answer option without a code.
    #[error("an answer option of variable `{variable}` has no code")]
    EmptyCategoryCode {
        /// The variable.
        variable: String,
    },
    /// A code system entry without its code.
    #[error("a `{element}` has no code")]
    EmptyCode {
        /// The element or field that should carry the code.
        element: String,
    },
    /// An XML element without an attribute it must have.
    #[error("`{element}` has no `{attribute}` attribute; {why}")]
    MissingAttribute {
        /// The element.
        element: &'static str,
        /// The attribute.
        attribute: &'static str,
        /// What the attribute is for.
        why: &'static str,
    },
    /// A ClaML class modified by a modifier the file does not define.
    #[error("modifier `{modifier}` has no ModifierClass in this file")]
    UnknownModifier {
        /// The modifier named.
        modifier: String,
    },
    /// Modifiers that would make more concepts than any classification has.
    #[error("the modifiers make more than {limit} codes; no classification has that many")]
    TooManyConcepts {
        /// The limit.
        limit: usize,
    },
    /// A value that should be a date.
    #[error("`{0}` is not a date; expected YYYY-MM-DD or DD.MM.YYYY")]
    BadDate(String),
    /// A value that should be a number.
    #[error("`{0}` is not a number")]
    BadNumber(String),
    /// A value that should be true or false.
    #[error("`{0}` is not true or false")]
    BadBoolean(String),
    /// The rows of one variable disagree about a field that belongs to the variable.
    #[error(
        "variable `{variable}` has `{field}` `{value}` here but `{first_value}` on line {first_line}"
    )]
    Inconsistent {
        /// The variable.
        variable: String,
        /// The field.
        field: String,
        /// This row's value.
        value: String,
        /// The first row's value.
        first_value: String,
        /// The first row.
        first_line: u64,
    },
    /// A registry id that is not a slug.
    #[error("registry id `{0}` is not a slug (letters, digits, `-` and `_`)")]
    BadRegistryId(String),
    /// A code list that does not say which code system it is.
    #[error("this {format} file does not say which code system it is; give --system ID@VERSION")]
    NoCodeSystem {
        /// The format.
        format: &'static str,
    },
    /// The format does not name the registry and none was given.
    #[error("this {format} file does not say which registry it describes; give --registry ID")]
    NoRegistry {
        /// The format.
        format: &'static str,
    },
    /// The categories table of an Opal dictionary came without its variables table.
    #[error("an Opal categories table needs its variables table in the same import")]
    CategoriesWithoutVariables,
    /// The codebook sheet of a CHEAR/HHEAR workbook came without its data dictionary sheet.
    #[error("a CHEAR/HHEAR codebook needs its Data Dictionary sheet in the same import")]
    CodebookWithoutDictionary,
    /// A cell that must name something is empty.
    #[error("the `{0}` cell is empty")]
    EmptyCell(&'static str),
    /// A ballot without a row to decide on.
    #[error("the ballot has no rows; write one with `varkat review ballot`")]
    EmptyBallot,
    /// A ballot's decision cell holds something else than a decision.
    #[error("`{0}` is not a decision; expected accept or reject (or ja/nei), or leave it empty")]
    BadDecision(String),
    /// A file written by a newer varkat.
    #[error("varkat JSON format version {found} is newer than this varkat reads ({supported})")]
    NewerJsonFormat {
        /// The version in the file.
        found: u32,
        /// The version this build reads.
        supported: u32,
    },
}

/// The key of a variable a file names, or the located error saying why it cannot be one. The
/// place is worked out only for the error: most names are valid, and a large file has many.
pub(crate) fn variable_key(
    registry: &catalog::RegistryId,
    name: &str,
    location: impl FnOnce() -> Location,
) -> Result<catalog::VariableKey, ImportError> {
    catalog::VariableKey::new(registry.clone(), name)
        .map_err(|err| ImportError::new(location(), ImportErrorKind::InvalidName(err.to_string())))
}

/// Every problem found in an import; never empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ImportErrors(Vec<ImportError>);

impl ImportErrors {
    /// Wraps the errors found; `None` when there were none.
    pub fn from_vec(errors: Vec<ImportError>) -> Option<ImportErrors> {
        (!errors.is_empty()).then_some(ImportErrors(errors))
    }

    /// A single error.
    pub fn one(location: Location, kind: ImportErrorKind) -> ImportErrors {
        ImportErrors(vec![ImportError::new(location, kind)])
    }

    /// A file that is not valid JSON: where serde_json stopped, and that the file was meant to
    /// be `what` ("FHIR JSON", "shared definitions").
    pub(crate) fn invalid_json(file: &str, what: &str, err: &serde_json::Error) -> ImportErrors {
        let location = Location {
            line: Some(err.line() as u64),
            column: Some(err.column() as u64),
            ..Location::file(file)
        };
        ImportErrors::one(location, ImportErrorKind::Json(format!("invalid {what}: {err}")))
    }

    /// The errors, in the order found.
    pub fn errors(&self) -> &[ImportError] {
        &self.0
    }
}

impl From<ImportError> for ImportErrors {
    fn from(error: ImportError) -> ImportErrors {
        ImportErrors(vec![error])
    }
}

impl From<Box<ImportError>> for ImportErrors {
    fn from(error: Box<ImportError>) -> ImportErrors {
        ImportErrors(vec![*error])
    }
}

impl From<Box<ImportError>> for ImportError {
    fn from(error: Box<ImportError>) -> ImportError {
        *error
    }
}

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for error in &self.0 {
            writeln!(f, "{error}")?;
        }
        let n = self.0.len();
        write!(f, "{n} error{} found; nothing was imported", if n == 1 { "" } else { "s" })
    }
}

impl std::error::Error for ImportErrors {}
