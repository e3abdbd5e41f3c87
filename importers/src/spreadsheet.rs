//! Spreadsheets (.xlsx, .xls, .ods), read with calamine. Each sheet becomes a [`Table`] named
//! `file[sheet]` whose rows keep their row numbers, so that an error points at the row a
//! steward sees in the spreadsheet, also when cells above hold several lines.

use std::io::Cursor;

use calamine::{Data, Reader};

use crate::error::{ImportError, ImportErrorKind};
use crate::location::Location;
use crate::table::Table;

/// Whether these bytes are a spreadsheet: a ZIP archive (.xlsx, .ods) or an OLE compound
/// document (.xls).
pub(crate) fn is_spreadsheet(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// The sheets of a workbook that hold anything, each as a table whose header is its first
/// non-empty row, and the cells that show an error (read as empty, so that the importer can
/// report the rest of the sheet's problems too); or why the workbook cannot be read.
pub(crate) fn sheets(
    bytes: &[u8],
    file: &str,
) -> Result<(Vec<Table<'static>>, Vec<ImportError>), ImportError> {
    let unreadable = |err: calamine::Error| {
        ImportError::new(
            Location::file(file),
            ImportErrorKind::UnreadableSpreadsheet(err.to_string()),
        )
    };
    let mut workbook =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    let mut tables = Vec::new();
    let mut errors = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).map_err(unreadable)?;
        let Some((first_row, _)) = range.start() else { continue };
        let sheet = format!("{file}[{name}]");
        let mut headers: Option<Vec<String>> = None;
        let mut rows = Vec::new();
        for (offset, cells) in (1u64..).zip(range.rows()) {
            let line = u64::from(first_row) + offset;
            let mut texts = Vec::with_capacity(cells.len());
            for (column, cell) in cells.iter().enumerate() {
                match cell_text(cell) {
                    Ok(text) => texts.push(text),
                    Err(error) => {
                        let header = headers.as_ref().and_then(|h| h.get(column));
                        let location = Location::line(&sheet, line);
                        errors.push(ImportError::new(
                            match header {
                                Some(header) => location.field(header),
                                None => location,
                            },
                            ImportErrorKind::CellError(error),
                        ));
                        texts.push(String::new());
                    }
                }
            }
            if texts.iter().all(|text| text.trim().is_empty()) {
                continue;
            }
            match headers {
                None => headers = Some(texts.iter().map(|h| h.trim().to_owned()).collect()),
                Some(_) => rows.push((line, texts)),
            }
        }
        if let Some(headers) = headers {
            tables.push(Table::from_rows(sheet, headers, rows));
        }
    }
    Ok((tables, errors))
}

/// A cell as the text a CSV export of the sheet would hold, or the spreadsheet error it shows.
fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Int(number) => number.to_string(),
        // Spreadsheets store every number as a float: the code 1 must read as `1`, not `1.0`.
        Data::Float(number) if number.fract() == 0.0 && number.abs() < 1e15 => {
            format!("{number:.0}")
        }
        Data::Float(number) => number.to_string(),
        Data::Bool(value) => value.to_string(),
        Data::DateTime(moment) => match moment.as_datetime() {
            Some(moment) if moment.time() == chrono::NaiveTime::MIN => moment.date().to_string(),
            Some(moment) => moment.format("%Y-%m-%dT%H:%M:%S").to_string(),
            None => moment.as_f64().to_string(),
        },
        Data::Error(error) => return Err(error.to_string()),
    })
}
