//! Where in an input file something was found: every error and warning carries one.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// A place in an input file: the file, and where known the line, column and field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// The file as the user named it; shared, since a reader hands out a location for every
    /// element or row it reads.
    pub file: Arc<str>,
    /// The line, from 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The column, from 1, where the format has columns worth naming (JSON, XML).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
    /// The field or column name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl Location {
    /// The whole file.
    pub fn file(file: &str) -> Location {
        Location { file: Arc::from(file), line: None, column: None, field: None }
    }

    /// A line and column of a file whose name the caller shares.
    pub fn at(file: &Arc<str>, line: u64, column: u64) -> Location {
        Location { file: Arc::clone(file), line: Some(line), column: Some(column), field: None }
    }

    /// A line of a file.
    pub fn line(file: &str, line: u64) -> Location {
        Location { line: Some(line), ..Location::file(file) }
    }

    /// The same place, naming a field.
    pub fn field(mut self, field: &str) -> Location {
        self.field = Some(field.to_owned());
        self
    }
}

/// The line and column after `bytes`, from those before them: lines by their newlines, then
/// characters (bytes that do not continue a UTF-8 sequence) since the last one.
pub(crate) fn advance((mut line, mut column): (u64, u64), bytes: &[u8]) -> (u64, u64) {
    let line_start = match memchr::memrchr(b'\n', bytes) {
        Some(last) => {
            line += memchr::memchr_iter(b'\n', bytes).count() as u64;
            column = 1;
            last + 1
        }
        None => 0,
    };
    column += bytes[line_start..].iter().filter(|&&byte| byte & 0xC0 != 0x80).count() as u64;
    (line, column)
}

/// Lines and columns of byte offsets in one run of bytes, each counted on from the offset asked
/// for before it, so that locating things in the order they stand reads the bytes once. An
/// earlier offset (an error found after what it is about) is counted again from the start.
pub(crate) struct LineCounter {
    /// The line and column where the bytes start.
    start: (u64, u64),
    /// The last offset located, and its line and column.
    cursor: (usize, u64, u64),
}

impl LineCounter {
    /// For bytes that start a file.
    pub(crate) fn new() -> LineCounter {
        LineCounter::starting_at((1, 1))
    }

    /// For bytes that start at `place` (a line and column) in their file.
    pub(crate) fn starting_at((line, column): (u64, u64)) -> LineCounter {
        LineCounter { start: (line, column), cursor: (0, line, column) }
    }

    /// The line and column (in characters, both from 1) of a byte offset into `bytes`, which
    /// are the same bytes at every call.
    pub(crate) fn at(&mut self, bytes: &[u8], offset: usize) -> (u64, u64) {
        let offset = offset.min(bytes.len());
        if offset < self.cursor.0 {
            self.cursor = (0, self.start.0, self.start.1);
        }
        let (from, line, column) = self.cursor;
        let (line, column) = advance((line, column), &bytes[from..offset]);
        self.cursor = (offset, line, column);
        (line, column)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(field) = &self.field {
            write!(f, " (field `{field}`)")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_located_in_characters_in_any_order() {
        let text = "{\n  \"ø\": 1,\n\t\"å\": [2]\n}";
        let mut lines = LineCounter::new();
        let offset = |needle: &str| text.find(needle).unwrap();
        let bytes = text.as_bytes();
        assert_eq!(lines.at(bytes, offset("1")), (2, 8));
        assert_eq!(lines.at(bytes, offset("[")), (3, 7));
        assert_eq!(lines.at(bytes, offset("ø")), (2, 4));
        assert_eq!(lines.at(bytes, text.len() + 5), (4, 2));
    }
}
