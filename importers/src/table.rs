//! Delimited tables (CSV with `,` or `;`, TSV) with their header, read with the `csv` crate
//! a row at a time as the importer asks, so that a large dictionary is never whole in memory
//! beside what the importer makes of it. Rows keep their line numbers, and columns are found by
//! name, case-insensitively, so that every importer can say "line 12, field `type`".

use std::io::{BufRead, Read};

use catalog::{Period, RegistryId, VariableKey};

use crate::encoding::read_failure;
use crate::error::{ImportError, ImportErrorKind, variable_key};
use crate::location::Location;
use crate::values;

/// A table from one file: its header, and its rows as they are read.
pub(crate) struct Table<'a> {
    file: String,
    headers: Vec<String>,
    rows: Rows<'a>,
}

/// Where a table's rows come from.
enum Rows<'a> {
    /// Delimited text, read row by row.
    Delimited(csv::Reader<Box<dyn Read + 'a>>),
    /// A spreadsheet's sheet, whose cells calamine has read already.
    Cells(std::vec::IntoIter<Row>),
    /// All read, or stopped at malformed text.
    Done,
}

/// One data row and the line it starts on.
pub(crate) struct Row {
    pub(crate) line: u64,
    // One buffer per row rather than a String per cell.
    fields: csv::StringRecord,
}

/// A column of a table, found by name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column(usize);

impl<'a> Table<'a> {
    /// Reads the header of the delimited text in `source`, guessing the delimiter from it; the
    /// rows are read as they are asked for.
    pub(crate) fn read(
        mut source: impl BufRead + 'a,
        file: &str,
    ) -> Result<Table<'a>, ImportError> {
        let mut header_line = Vec::new();
        source.read_until(b'\n', &mut header_line).map_err(|err| read_failure(&err, file))?;
        let header_text = String::from_utf8_lossy(&header_line);
        let delimiter = [b';', b'\t', b',']
            .into_iter()
            .max_by_key(|d| header_text.matches(char::from(*d)).count())
            .unwrap_or(b',');
        let text: Box<dyn Read + 'a> = Box::new(std::io::Cursor::new(header_line).chain(source));
        let mut reader =
            csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text);
        let headers = reader
            .headers()
            .map_err(|err| malformed(&err, file))?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        Ok(Table { file: file.to_owned(), headers, rows: Rows::Delimited(reader) })
    }

    /// A table from rows already split into cells (a spreadsheet's sheet), each with the line
    /// (row number) it was found on.
    pub(crate) fn from_rows(
        file: String,
        headers: Vec<String>,
        rows: Vec<(u64, Vec<String>)>,
    ) -> Table<'a> {
        let rows: Vec<Row> = rows
            .into_iter()
            .map(|(line, cells)| Row { line, fields: csv::StringRecord::from(cells) })
            .collect();
        Table { file, headers, rows: Rows::Cells(rows.into_iter()) }
    }

    /// The next data row, skipping rows whose cells are all empty; `None` after the last, or at
    /// malformed text, whose error is added to `errors`.
    pub(crate) fn next_row(&mut self, errors: &mut Vec<ImportError>) -> Option<Row> {
        let reader = match &mut self.rows {
            Rows::Delimited(reader) => reader,
            Rows::Cells(rows) => return rows.next(),
            Rows::Done => return None,
        };
        let mut fields = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut fields) {
                Ok(true) if fields.iter().all(|field| field.trim().is_empty()) => {}
                Ok(true) => {
                    let line = fields.position().map_or(0, csv::Position::line);
                    return Some(Row { line, fields });
                }
                Ok(false) => break,
                Err(err) => {
                    errors.push(malformed(&err, &self.file));
                    break;
                }
            }
        }
        self.rows = Rows::Done;
        None
    }

    /// The file the table was read from.
    pub(crate) fn file(&self) -> &str {
        &self.file
    }

    /// The column names, as written.
    pub(crate) fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The column with this name, if any.
    pub(crate) fn column(&self, name: &str) -> Option<Column> {
        self.headers.iter().position(|header| header.eq_ignore_ascii_case(name)).map(Column)
    }

    /// The column with this name, or an error saying it is missing.
    pub(crate) fn require(&self, name: &str) -> Result<Column, ImportError> {
        self.column(name).ok_or_else(|| {
            ImportError::new(
                Location::line(&self.file, 1).field(name),
                ImportErrorKind::MissingColumn {
                    column: name.to_owned(),
                    found: self
                        .headers
                        .iter()
                        .map(|h| format!("`{h}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                },
            )
        })
    }

    /// The name of a column, as written.
    pub(crate) fn header(&self, column: Column) -> &str {
        &self.headers[column.0]
    }

    /// The period in a row's `from` and `to` date cells, either of which may be absent; a cell
    /// that is not a date is an error at that cell, and leaves that end open.
    pub(crate) fn period(
        &self,
        row: &Row,
        from: Option<Column>,
        to: Option<Column>,
        errors: &mut Vec<ImportError>,
    ) -> Period {
        let mut date = |column: Option<Column>| {
            let column = column?;
            let cell = row.get(Some(column))?;
            values::date(cell)
                .map_err(|kind| errors.push(ImportError::new(self.at(row, column), kind)))
                .ok()
        };
        Period { from: date(from), to: date(to) }
    }

    /// The location of a cell, for errors and warnings.
    pub(crate) fn at(&self, row: &Row, column: Column) -> Location {
        Location::line(&self.file, row.line).field(&self.headers[column.0])
    }
}

/// The error for malformed text, at its line; or for text not in the file's encoding, where it
/// stands, as decoding the whole file would say.
fn malformed(err: &csv::Error, file: &str) -> ImportError {
    if let csv::ErrorKind::Io(io) = err.kind() {
        return read_failure(io, file);
    }
    let line = err.position().map_or(1, csv::Position::line);
    ImportError::new(Location::line(file, line), ImportErrorKind::MalformedCsv(err.to_string()))
}

impl Row {
    /// The trimmed text of a cell; `None` when the column is absent or the cell empty.
    pub(crate) fn get(&self, column: Option<Column>) -> Option<&str> {
        let text = self.fields.get(column?.0)?.trim();
        (!text.is_empty()).then_some(text)
    }
}

/// The line each variable name of a table was first defined on, so that a second definition is
/// refused with a pointer to the first without searching the variables read so far.
#[derive(Default)]
pub(crate) struct FirstLines(std::collections::HashMap<String, u64>);

impl FirstLines {
    /// The key of the variable `name` of `registry`, defined at `location`; an error when `name`
    /// was defined before, or is no valid variable name.
    pub(crate) fn key(
        &self,
        registry: &RegistryId,
        name: &str,
        location: Location,
    ) -> Result<VariableKey, ImportError> {
        if let Some(&first_line) = self.0.get(name) {
            return Err(ImportError::new(
                location,
                ImportErrorKind::DuplicateVariable { name: name.to_owned(), first_line },
            ));
        }
        variable_key(registry, name, || location)
    }

    /// Notes that `name` is defined on `line`.
    pub(crate) fn record(&mut self, name: &str, line: u64) {
        self.0.entry(name.to_owned()).or_insert(line);
    }
}
