//! Turning an input file's bytes into text. UTF-8 (with or without a byte order mark) and
//! UTF-16 with a byte order mark are recognised; Latin-1 only when asked for, because any byte
//! sequence is valid Latin-1 and guessing it would hide real damage.
//!
//! A file read as it goes is checked or decoded as it goes (`Utf8Reader`), so that its text is
//! never whole in memory in any of the three.
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
            Err(ImportError::new(position(file, valid), not_utf8(bytes[err.valid_up_to()])))
        }
    }
}

fn not_utf8(byte: u8) -> ImportErrorKind {
    ImportErrorKind::InvalidEncoding {
        byte: format!("0x{byte:02X}"),
        encoding: "UTF-8",
        hint: "; if the file is Latin-1 (ISO-8859-1), import it with --encoding latin1",
    }
}

fn not_utf16(unit: u16) -> ImportErrorKind {
    ImportErrorKind::InvalidEncoding {
        byte: format!("0x{unit:04X}"),
        encoding: "UTF-16",
        hint: " (an unpaired surrogate)",
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
                    not_utf16(err.unpaired_surrogate()),
                ));
            }
        }
    }
    Ok(text)
}

/// The encoding of a file read as it goes, told as `decode` tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StreamEncoding {
    /// UTF-8, checked as it goes.
    Utf8,
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
            (Encoding::Latin1, _) => StreamEncoding::Latin1,
            (Encoding::Auto, [0xFF, 0xFE, ..]) => StreamEncoding::Utf16Le,
            (Encoding::Auto, [0xFE, 0xFF, ..]) => StreamEncoding::Utf16Be,
            (Encoding::Auto, _) => StreamEncoding::Utf8,
        }
    }
}

/// Text that is not in the file's encoding, and the line and column where it stands: the
/// error `decode` gives, found as the file is read.
#[derive(Debug)]
pub(crate) struct Undecodable {
    kind: ImportErrorKind,
    line: u64,
    column: u64,
}

impl std::fmt::Display for Undecodable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.kind)
    }
}

impl std::error::Error for Undecodable {}

impl Undecodable {
    /// The error a steward sees, in `file`.
    pub(crate) fn error(&self, file: &str) -> ImportError {
        ImportError::new(
            Location { column: Some(self.column), ..Location::line(file, self.line) },
            self.kind.clone(),
        )
    }

    /// The `Undecodable` an I/O error holds, if any.
    pub(crate) fn within(err: &std::io::Error) -> Option<&Undecodable> {
        err.get_ref().and_then(|inner| inner.downcast_ref::<Undecodable>())
    }
}

/// The error for a file that could not be read as it goes: where its text is not in its
/// encoding, or else why it could not be read.
pub(crate) fn read_failure(err: &std::io::Error, file: &str) -> ImportError {
    match Undecodable::within(err) {
        Some(bad) => bad.error(file),
        None => {
            ImportError::new(Location::file(file), ImportErrorKind::Unreadable(err.to_string()))
        }
    }
}

/// A file read as UTF-8, as it goes, so that a file is never whole in memory: UTF-8 checked,
/// UTF-16 and Latin-1 decoded. Checked and decoded by the standard library, as `decode` does,
/// so that both name the same bad byte or unit at the same place; it is an `io::Error` holding
/// an `Undecodable`. A byte order mark is skipped.
pub(crate) struct Utf8Reader<R> {
    inner: R,
    from: StreamEncoding,
    /// Bytes read and not yet decoded: a character cut between reads, or a high surrogate
    /// waiting for its pair.
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
    /// Reads `inner`, which is in `from`.
    pub(crate) fn new(inner: R, from: StreamEncoding) -> Utf8Reader<R> {
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

    fn undecodable(&self, kind: ImportErrorKind) -> std::io::Error {
        let (line, column) = advance(self.position, &self.decoded);
        std::io::Error::new(std::io::ErrorKind::InvalidData, Undecodable { kind, line, column })
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
        match self.from {
            StreamEncoding::Utf8 => self.check_utf8(at_end)?,
            StreamEncoding::Latin1 => self.decode_latin1(),
            StreamEncoding::Utf16Le => self.decode_utf16(at_end, u16::from_le_bytes)?,
            StreamEncoding::Utf16Be => self.decode_utf16(at_end, u16::from_be_bytes)?,
        }
        self.position = advance(self.position, &self.decoded);
        self.ended = at_end;
        Ok(())
    }

    fn decode_latin1(&mut self) {
        let mut buffer = [0; 4];
        for &byte in &self.raw {
            let text = char::from(byte).encode_utf8(&mut buffer);
            self.decoded.extend_from_slice(text.as_bytes());
        }
        self.raw.clear();
    }

    /// Decodes the whole units read so far, keeping a high surrogate at the end of the piece
    /// for its pair.
    fn decode_utf16(&mut self, at_end: bool, unit: fn([u8; 2]) -> u16) -> std::io::Result<()> {
        let mut buffer = [0; 4];
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
                Err(err) => return Err(self.undecodable(not_utf16(err.unpaired_surrogate()))),
            }
            self.started = true;
        }
        self.raw.drain(..used);
        if at_end && !self.raw.is_empty() {
            // An odd last byte cannot be UTF-16; `decode` names it as an unpaired surrogate.
            return Err(self.undecodable(not_utf16(0xD800)));
        }
        Ok(())
    }

    /// Hands on the UTF-8 read so far, up to a character cut off at the end of the piece.
    fn check_utf8(&mut self, at_end: bool) -> std::io::Result<()> {
        const BOM: &[u8] = b"\xEF\xBB\xBF";
        if !self.started {
            if !at_end && self.raw.len() < BOM.len() && BOM.starts_with(&self.raw) {
                return Ok(());
            }
            // `decode` drops the byte order mark before it counts lines and columns.
            if self.raw.starts_with(BOM) {
                self.raw.drain(..BOM.len());
            }
            self.started = true;
        }
        let valid = match std::str::from_utf8(&self.raw) {
            Ok(_) => self.raw.len(),
            Err(err) if err.error_len().is_none() && !at_end => err.valid_up_to(),
            Err(err) => {
                let bad = self.raw[err.valid_up_to()];
                self.decoded.extend_from_slice(&self.raw[..err.valid_up_to()]);
                return Err(self.undecodable(not_utf8(bad)));
            }
        };
        self.decoded.extend_from_slice(&self.raw[..valid]);
        self.raw.drain(..valid);
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
    use proptest::prelude::*;

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
    /// A source that gives at most `step` bytes a read, so that characters and surrogate
    /// pairs are cut between reads.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = out.len().min(self.bytes.len()).min(self.step);
            out[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    /// What `Utf8Reader` makes of `bytes` given three bytes a read, as `check` shows `decode`'s.
    fn transcoded(bytes: &[u8], from: StreamEncoding) -> String {
        transcoded_in_steps(bytes, from, 3)
    }

    fn transcoded_in_steps(bytes: &[u8], from: StreamEncoding, step: usize) -> String {
        let mut text = String::new();
        match Utf8Reader::new(Trickle { bytes, step }, from).read_to_string(&mut text) {
            Ok(_) => text,
            Err(err) => match Undecodable::within(&err) {
                Some(bad) => bad.error("f.csv").to_string(),
                None => err.to_string(),
            },
        }
    }

    #[test]
    fn read_as_it_goes_decodes_as_decode_does() {
        let cases: [(&[u8], StreamEncoding); 11] = [
            (b"\xFF\xFEr\x00\xF8\x00\n\x00=\xD8\x00\xDEx\x00", StreamEncoding::Utf16Le),
            (b"\xFE\xFF\x00r\x00\xF8\x00\n\xD8=\xDE\x00\x00x", StreamEncoding::Utf16Be),
            (b"\xFF\xFEa\x00\n\x00\x00\xD8b\x00", StreamEncoding::Utf16Le),
            (b"\xFF\xFEa\x00b", StreamEncoding::Utf16Le),
            (b"r\xF8yk\n\xE6", StreamEncoding::Latin1),
            (b"\xEF\xBB\xBFr\xC3\xB8yk\nx\xF0\x9F\x98\x80", StreamEncoding::Utf8),
            (b"a;b\nr\xC3\xB8\xF8yk;1\n", StreamEncoding::Utf8),
            (b"r\xC3\xB8yk\n\xC3", StreamEncoding::Utf8),
            (b"\xEF\xBB", StreamEncoding::Utf8),
            (b"a\xEF\xBB\xBFb", StreamEncoding::Utf8),
            (b"\xEF\xBB\xBF\xEF\xBB\xBF", StreamEncoding::Utf8),
        ];
        for (bytes, from) in cases {
            let encoding =
                if from == StreamEncoding::Latin1 { Encoding::Latin1 } else { Encoding::Auto };
            let whole = match decode(bytes, encoding, "f.csv") {
                Ok(text) => text.into_owned(),
                Err(err) => err.to_string(),
            };
            assert_eq!(transcoded(bytes, from), whole, "{bytes:?}");
        }
        assert_eq!(
            transcoded(b"\xFF\xFEr\x00\xF8\x00=\xD8\x00\xDE", StreamEncoding::Utf16Le),
            "rø😀"
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

    proptest! {
        /// Any bytes, text with stray bytes in it, read in any steps, in any encoding a file's
        /// start and `--encoding` choose: as it goes as `decode` reads them whole.
        #[test]
        fn read_as_it_goes_decodes_any_bytes_as_decode_does(
            bom in prop::sample::select(vec![&b""[..], b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xFE\xFF"]),
            pieces in prop::collection::vec(
                prop_oneof![
                    any::<String>().prop_map(String::into_bytes),
                    prop::collection::vec(any::<u8>(), 0..3),
                ],
                0..6,
            ),
            latin1 in any::<bool>(),
            step in 1_usize..9,
        ) {
            let bytes: Vec<u8> = bom.iter().copied().chain(pieces.into_iter().flatten()).collect();
            let encoding = if latin1 { Encoding::Latin1 } else { Encoding::Auto };
            let whole = match decode(&bytes, encoding, "f.csv") {
                Ok(text) => text.into_owned(),
                Err(err) => err.to_string(),
            };
            let from = StreamEncoding::of(&bytes, encoding);
            prop_assert_eq!(transcoded_in_steps(&bytes, from, step), whole);
        }
    }
}
