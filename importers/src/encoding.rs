//! Turning an input file's bytes into text. UTF-8 (with or without a byte order mark) and
//! UTF-16 with a byte order mark are recognised; Latin-1 only when asked for, because any byte
//! sequence is valid Latin-1 and guessing it would hide real damage.
//!
//! An XML file read as it goes is decoded as it goes (`Utf8Reader`), so that its text is never
//! whole in memory in any of the three.
//!
//! The standard library decodes all three and reports where decoding failed, which is what a
//! located error needs, so no decoding crate is used.

use std::borrow::Cow;
use std::io::Read;
use std::str::FromStr;

use crate::error::{ImportError, ImportErrorKind};
use crate::location::{Location, advance};

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
                let (line, column) = advance((1, 1), text.as_bytes());
                return Err(
                    Undecodable { unit: err.unpaired_surrogate(), line, column }.error(file)
                );
            }
        }
    }
    Ok(text)
}

/// What a file read as it goes is decoded from, told as `decode` tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StreamEncoding {
    /// UTF-8, read as it is.
    Utf8,
    /// Another encoding, read through a `Utf8Reader`.
    Transcoded(Transcoding),
}

/// An encoding a `Utf8Reader` turns into UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transcoding {
    /// UTF-16, little-endian.
    Utf16Le,
    /// UTF-16, big-endian.
    Utf16Be,
    /// ISO-8859-1.
    Latin1,
}

impl StreamEncoding {
    /// The encoding of a file that starts with `start`, read with `encoding`.
    pub(crate) fn of(start: &[u8], encoding: Encoding) -> StreamEncoding {
        match (encoding, start) {
            (Encoding::Latin1, _) => StreamEncoding::Transcoded(Transcoding::Latin1),
            (Encoding::Auto, [0xFF, 0xFE, ..]) => StreamEncoding::Transcoded(Transcoding::Utf16Le),
            (Encoding::Auto, [0xFE, 0xFF, ..]) => StreamEncoding::Transcoded(Transcoding::Utf16Be),
            (Encoding::Auto, _) => StreamEncoding::Utf8,
        }
    }
}

/// A UTF-16 unit that is no character, and the line and column where it stands.
#[derive(Debug)]
pub(crate) struct Undecodable {
    pub(crate) unit: u16,
    pub(crate) line: u64,
    pub(crate) column: u64,
}

impl std::fmt::Display for Undecodable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: 0x{:04X} is not valid UTF-16", self.line, self.column, self.unit)
    }
}

impl std::error::Error for Undecodable {}

impl Undecodable {
    /// The error a steward sees, in `file`.
    pub(crate) fn error(&self, file: &str) -> ImportError {
        ImportError::new(
            Location { column: Some(self.column), ..Location::line(file, self.line) },
            ImportErrorKind::InvalidEncoding {
                byte: format!("0x{:04X}", self.unit),
                encoding: "UTF-16",
                hint: " (an unpaired surrogate)",
            },
        )
    }
}

/// A file in UTF-16 or Latin-1 read as UTF-8, as it goes, so that an XML file in either is read
/// as one in UTF-8 is: never whole in memory. Decoded by the standard library, as `decode` does,
/// so that both name the same bad unit at the same place; an unpaired surrogate (or an odd
/// last byte) is an `io::Error` holding an `Undecodable`.
pub(crate) struct Utf8Reader<R> {
    inner: R,
    from: Transcoding,
    /// Bytes read and not yet decoded: an odd byte, or a high surrogate waiting for its pair.
    raw: Vec<u8>,
    /// Decoded text not yet handed out, from `handed` on.
    decoded: Vec<u8>,
    handed: usize,
    /// The line and column after the text decoded so far.
    position: (u64, u64),
    started: bool,
    ended: bool,
}

impl<R: Read> Utf8Reader<R> {
    /// Reads `inner`, which is in `from`; a UTF-16 byte order mark is skipped.
    pub(crate) fn new(inner: R, from: Transcoding) -> Utf8Reader<R> {
        Utf8Reader {
            inner,
            from,
            raw: Vec::new(),
            decoded: Vec::new(),
            handed: 0,
            position: (1, 1),
            started: false,
            ended: false,
        }
    }

    fn undecodable(&self, unit: u16) -> std::io::Error {
        let (line, column) = advance(self.position, &self.decoded);
        std::io::Error::new(std::io::ErrorKind::InvalidData, Undecodable { unit, line, column })
    }

    /// Decodes the next piece of the file into `decoded`.
    fn refill(&mut self) -> std::io::Result<()> {
        const PIECE: usize = 1 << 16;
        self.decoded.clear();
        self.handed = 0;
        let kept = self.raw.len();
        self.raw.resize(kept + PIECE, 0);
        let read = loop {
            match self.inner.read(&mut self.raw[kept..]) {
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                read => break read,
            }
        };
        let n = read.inspect_err(|_| self.raw.truncate(kept))?;
        self.raw.truncate(kept + n);
        let at_end = n == 0;
        let mut buffer = [0; 4];
        let unit: fn([u8; 2]) -> u16 = match self.from {
            Transcoding::Latin1 => {
                for &byte in &self.raw {
                    let text = char::from(byte).encode_utf8(&mut buffer);
                    self.decoded.extend_from_slice(text.as_bytes());
                }
                self.raw.clear();
                self.position = advance(self.position, &self.decoded);
                self.ended = at_end;
                return Ok(());
            }
            Transcoding::Utf16Le => u16::from_le_bytes,
            Transcoding::Utf16Be => u16::from_be_bytes,
        };
        let mut units: Vec<u16> =
            self.raw.chunks_exact(2).map(|pair| unit([pair[0], pair[1]])).collect();
        if !at_end && units.last().is_some_and(|last| (0xD800..0xDC00).contains(last)) {
            units.pop();
        }
        let used = units.len() * 2;
        for decoded in char::decode_utf16(units) {
            match decoded {
                Ok('\u{feff}') if !self.started => {}
                Ok(c) => self.decoded.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes()),
                Err(err) => return Err(self.undecodable(err.unpaired_surrogate())),
            }
            self.started = true;
        }
        self.raw.drain(..used);
        if at_end && !self.raw.is_empty() {
            // An odd last byte cannot be UTF-16; `decode` names it as an unpaired surrogate.
            return Err(self.undecodable(0xD800));
        }
        self.position = advance(self.position, &self.decoded);
        self.ended = at_end;
        Ok(())
    }
}

impl<R: Read> Read for Utf8Reader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.handed == self.decoded.len() {
            if self.ended {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = out.len().min(self.decoded.len() - self.handed);
        out[..n].copy_from_slice(&self.decoded[self.handed..self.handed + n]);
        self.handed += n;
        Ok(n)
    }
}

/// The line and column just after `decoded`, the text before the bad byte.
fn position(file: &str, decoded: &str) -> Location {
    let (line, column) = advance((1, 1), decoded.as_bytes());
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
    /// A source that gives at most three bytes a read, so that characters and surrogate
    /// pairs are cut between reads.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = out.len().min(self.0.len()).min(3);
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    /// What `Utf8Reader` makes of `bytes`, as `check` shows `decode`'s.
    fn transcoded(bytes: &[u8], from: Transcoding) -> String {
        let mut text = String::new();
        match Utf8Reader::new(Trickle(bytes), from).read_to_string(&mut text) {
            Ok(_) => text,
            Err(err) => match err.get_ref().and_then(|inner| inner.downcast_ref::<Undecodable>()) {
                Some(bad) => bad.error("f.csv").to_string(),
                None => err.to_string(),
            },
        }
    }

    #[test]
    fn read_as_it_goes_decodes_as_decode_does() {
        let cases: [(&[u8], Transcoding); 5] = [
            (b"\xFF\xFEr\x00\xF8\x00\n\x00=\xD8\x00\xDEx\x00", Transcoding::Utf16Le),
            (b"\xFE\xFF\x00r\x00\xF8\x00\n\xD8=\xDE\x00\x00x", Transcoding::Utf16Be),
            (b"\xFF\xFEa\x00\n\x00\x00\xD8b\x00", Transcoding::Utf16Le),
            (b"\xFF\xFEa\x00b", Transcoding::Utf16Le),
            (b"r\xF8yk\n\xE6", Transcoding::Latin1),
        ];
        for (bytes, from) in cases {
            let encoding =
                if from == Transcoding::Latin1 { Encoding::Latin1 } else { Encoding::Auto };
            let whole = match decode(bytes, encoding, "f.csv") {
                Ok(text) => text.into_owned(),
                Err(err) => err.to_string(),
            };
            assert_eq!(transcoded(bytes, from), whole, "{bytes:?}");
        }
        assert_eq!(transcoded(b"\xFF\xFEr\x00\xF8\x00=\xD8\x00\xDE", Transcoding::Utf16Le), "rø😀");
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
