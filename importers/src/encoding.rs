//! Turning an input file's bytes into text. UTF-8 (with or without a byte order mark) and
//! UTF-16 with a byte order mark are recognised; Latin-1 only when asked for, because any byte
//! sequence is valid Latin-1 and guessing it would hide real damage.
//!
//! The standard library decodes all three and reports where decoding failed, which is what a
//! located error needs, so no decoding crate is used.

use std::borrow::Cow;
use std::str::FromStr;

use crate::error::{ImportError, ImportErrorKind};
use crate::location::Location;

/// The text encoding of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8, or UTF-16 when the file starts with a UTF-16 byte order mark.
    #[default]
    Auto,
    /// ISO-8859-1, as older Norwegian registry exports use.
    Latin1,
}

impl FromStr for Encoding {
    type Err = String;
    fn from_str(s: &str) -> Result<Encoding, String> {
        match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "utf8" | "utf16" | "auto" => Ok(Encoding::Auto),
            "latin1" | "iso88591" => Ok(Encoding::Latin1),
            _ => Err(format!("`{s}` is not an encoding varkat reads; expected utf-8 or latin1")),
        }
    }
}

/// Decodes `bytes` from `file`, naming the line and column of the first undecodable byte.
pub fn decode<'a>(
    bytes: &'a [u8],
    encoding: Encoding,
    file: &str,
) -> Result<Cow<'a, str>, ImportError> {
    if encoding == Encoding::Latin1 {
        return Ok(Cow::Owned(bytes.iter().map(|&byte| char::from(byte)).collect()));
    }
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => decode_utf8(rest, file),
        [0xFF, 0xFE, rest @ ..] => decode_utf16(rest, file, u16::from_le_bytes).map(Cow::Owned),
        [0xFE, 0xFF, rest @ ..] => decode_utf16(rest, file, u16::from_be_bytes).map(Cow::Owned),
        _ => decode_utf8(bytes, file),
    }
}

/// UTF-8 is read in place: a large codebook is not copied.
fn decode_utf8<'a>(bytes: &'a [u8], file: &str) -> Result<Cow<'a, str>, ImportError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err(err) => {
            let good = &bytes[..err.valid_up_to()];
            let valid = std::str::from_utf8(good).unwrap_or_default();
            Err(ImportError::new(
                position(file, valid),
                ImportErrorKind::InvalidEncoding {
                    byte: format!("0x{:02X}", bytes[err.valid_up_to()]),
                    encoding: "UTF-8",
                    hint: "; if the file is Latin-1 (ISO-8859-1), import it with --encoding latin1",
                },
            ))
        }
    }
}

fn decode_utf16(bytes: &[u8], file: &str, unit: fn([u8; 2]) -> u16) -> Result<String, ImportError> {
    let units = bytes.chunks(2).map(|pair| match pair {
        [a, b] => unit([*a, *b]),
        // A trailing odd byte cannot be UTF-16; an unpaired surrogate makes it an error below.
        _ => 0xD800,
    });
    let mut text = String::with_capacity(bytes.len() / 2);
    for decoded in char::decode_utf16(units) {
        match decoded {
            Ok(c) => text.push(c),
            Err(err) => {
                return Err(ImportError::new(
                    position(file, &text),
                    ImportErrorKind::InvalidEncoding {
                        byte: format!("0x{:04X}", err.unpaired_surrogate()),
                        encoding: "UTF-16",
                        hint: " (an unpaired surrogate)",
                    },
                ));
            }
        }
    }
    Ok(text)
}

/// The line and column just after `decoded`, the text before the bad byte.
fn position(file: &str, decoded: &str) -> Location {
    let line = decoded.matches('\n').count() as u64 + 1;
    let column = decoded.rsplit('\n').next().unwrap_or("").chars().count() as u64 + 1;
    Location { column: Some(column), ..Location::line(file, line) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(bytes: &[u8], encoding: Encoding, expect: &str) {
        let got = match decode(bytes, encoding, "f.csv") {
            Ok(text) => text.into_owned(),
            Err(err) => err.to_string(),
        };
        assert_eq!(got, expect);
    }

    #[test]
    fn utf8_bom_is_dropped() {
        check(b"\xEF\xBB\xBFr\xC3\xB8yk", Encoding::Auto, "røyk");
    }
    #[test]
    fn utf16_le_with_bom() {
        check(b"\xFF\xFEr\x00\xF8\x00", Encoding::Auto, "rø");
    }
    #[test]
    fn utf16_be_with_bom() {
        check(b"\xFE\xFF\x00r\x00\xF8", Encoding::Auto, "rø");
    }
    #[test]
    fn latin1_when_asked() {
        check(b"r\xF8yk", Encoding::Latin1, "røyk");
    }
    #[test]
    fn latin1_bytes_in_utf8_are_located() {
        check(
            b"a;b\nr\xF8yk;1\n",
            Encoding::Auto,
            "f.csv:2:2: byte 0xF8 is not valid UTF-8; if the file is Latin-1 (ISO-8859-1), import it with --encoding latin1",
        );
    }
    #[test]
    fn broken_utf16_is_located() {
        check(
            b"\xFF\xFEa\x00\n\x00\x00\xD8",
            Encoding::Auto,
            "f.csv:2:1: byte 0xD800 is not valid UTF-16 (an unpaired surrogate)",
        );
    }
}
