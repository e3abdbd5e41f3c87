//! Safe, located XML reading on top of quick-xml, shared by the XML importers.
//!
//! quick-xml neither interprets DTDs nor expands entities; this module refuses a DOCTYPE (it is
//! how entity bombs and external fetches arrive), except the `<!DOCTYPE ClaML SYSTEM
//! "ClaML.dtd">` that every ClaML file carries, which defines nothing and whose DTD is never
//! read. It resolves only XML's five predefined
//! entities and character references, limits nesting depth and the size of one text, and gives
//! the line and column of every element, so that errors can point at them.
//!
//! Events are parsed on the importer's own thread. Parsing ahead on a second one, handing
//! events over in batches of 4,096, was measured (xml-bench, 50 MB): a DDI file loaded whole
//! went from 0.53 to 0.40 s but took half again as much CPU, since every byte the importer reads
//! then crosses between cores, and a file read as it goes (how `varkat import` reads) got no
//! faster. It is not worth a thread per import.

use std::borrow::Cow;
use std::io::{BufRead, Read};
use std::sync::Arc;

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::encoding::Undecodable;
use crate::error::{ImportError, ImportErrorKind};
use crate::location::{LineCounter, Location, advance};

/// Elements may nest this deep; real codebooks use about ten levels.
const MAX_DEPTH: usize = 256;
/// One text node may hold this many bytes; a codebook's longest note is a few kilobytes.
const MAX_TEXT_BYTES: usize = 1 << 20;

/// An element's attributes: local name and value, entities resolved.
pub(crate) type Attributes<'a> = Vec<(Cow<'a, str>, Cow<'a, str>)>;

/// One step through an XML document. Names, attributes and text borrow from the document
/// where they can, so that a large file is read without a string for every element.
#[derive(Debug)]
pub(crate) enum XmlEvent<'a> {
    /// An element opens (an empty element gives `Start` and then `End`).
    Start {
        /// Its local name, without a namespace prefix.
        name: Cow<'a, str>,
        /// Its attributes by local name, entities resolved.
        attributes: Attributes<'a>,
        /// Where it starts, for [`XmlReader::locate`].
        at: Position,
    },
    /// An element closes.
    End {
        /// Its local name.
        name: Cow<'a, str>,
    },
    /// Text, entities resolved; one element's text may come in several pieces.
    Text(Cow<'a, str>),
}

/// Where an element starts, as cheap to keep as a number: the reader that read it turns it
/// into a line and column only when asked, since most elements never need one.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Position {
    /// A byte offset into a document in memory.
    Offset(usize),
    /// A line and column, counted as a document read as it goes passed by.
    LineColumn(u64, u64),
}

/// What one quick-xml event comes to.
enum Step<'a> {
    Event(XmlEvent<'a>),
    Skip,
    End,
}

/// Whether a DOCTYPE's content is ClaML's: the root `ClaML` and a local `ClaML.dtd`, with no
/// internal subset and no URL.
fn is_claml_doctype(content: &str) -> bool {
    let mut words = content.split_whitespace();
    matches!(
        (words.next(), words.next(), words.next(), words.next()),
        (Some("ClaML"), Some("SYSTEM"), Some(dtd), None)
            if dtd.trim_matches(['"', '\'']).eq_ignore_ascii_case("ClaML.dtd")
    )
}

/// Reads events from a document, held in memory (events borrow from it) or read as it goes
/// (events are copies, and the document is never whole in memory).
pub(crate) struct XmlReader<'a> {
    source: Source<'a>,
    file: Arc<str>,
    depth: usize,
    pending_end: Option<Cow<'a, str>>,
}

enum Source<'a> {
    Memory {
        reader: Reader<&'a [u8]>,
        text: &'a str,
        /// Lines are counted only as far as a position is asked for (a dbGaP file is often
        /// one line, so columns matter too).
        lines: LineCounter,
    },
    Stream {
        reader: Reader<Counted<Box<dyn BufRead + 'a>>>,
        buffer: Vec<u8>,
        /// The line and column where the event being read starts.
        event_start: (u64, u64),
    },
}

/// A source that counts the lines and characters quick-xml consumes, so that a document read
/// as it goes has positions without being kept.
struct Counted<R> {
    inner: R,
    line: u64,
    column: u64,
}

impl<R: BufRead> Read for Counted<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        (self.line, self.column) = advance((self.line, self.column), &out[..n]);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        // The bytes consumed are the front of what the last `fill_buf` gave, still buffered.
        if let Ok(bytes) = self.inner.fill_buf() {
            let consumed = &bytes[..amount.min(bytes.len())];
            (self.line, self.column) = advance((self.line, self.column), consumed);
        }
        self.inner.consume(amount);
    }
}

impl<'a> XmlReader<'a> {
    pub(crate) fn new(text: &'a str, file: &str) -> XmlReader<'a> {
        let mut reader = Reader::from_str(text);
        reader.config_mut().expand_empty_elements = false;
        XmlReader {
            source: Source::Memory { reader, text, lines: LineCounter::new() },
            file: Arc::from(file),
            depth: 0,
            pending_end: None,
        }
    }

    /// Reads a UTF-8 document as it goes, from `source`.
    pub(crate) fn streaming(source: Box<dyn BufRead + 'a>, file: &str) -> XmlReader<'a> {
        let mut reader = Reader::from_reader(Counted { inner: source, line: 1, column: 1 });
        reader.config_mut().expand_empty_elements = false;
        XmlReader {
            source: Source::Stream { reader, buffer: Vec::new(), event_start: (1, 1) },
            file: Arc::from(file),
            depth: 0,
            pending_end: None,
        }
    }

    /// Where the event at a byte offset starts. A document read as it goes knows only where
    /// the current event starts.
    fn position(&self, offset: usize) -> Position {
        match &self.source {
            Source::Stream { event_start: (line, column), .. } => {
                Position::LineColumn(*line, *column)
            }
            Source::Memory { .. } => Position::Offset(offset),
        }
    }

    /// The file, line and column (in characters) of a position this reader gave.
    pub(crate) fn locate(&mut self, at: Position) -> Location {
        let (line, column) = match (at, &mut self.source) {
            (Position::LineColumn(line, column), _) => (line, column),
            (Position::Offset(offset), Source::Memory { text, lines, .. }) => {
                lines.at(text.as_bytes(), offset)
            }
            // A reader read as it goes gives no offsets; the current event's place is the best
            // it knows for one from elsewhere.
            (Position::Offset(_), Source::Stream { event_start: (line, column), .. }) => {
                (*line, *column)
            }
        };
        Location::at(&self.file, line, column)
    }

    /// `piece` as the slice of the document it is. quick-xml reads a document in memory without
    /// copying, but ties what it hands out to the event; this gives it the document's lifetime.
    /// A document read as it goes has no slices to give: `piece` is copied.
    fn within(&self, piece: &str) -> Cow<'a, str> {
        let Source::Memory { text, .. } = &self.source else {
            return Cow::Owned(piece.to_owned());
        };
        let text: &'a str = text;
        (piece.as_ptr() as usize)
            .checked_sub(text.as_ptr() as usize)
            .and_then(|from| text.get(from..from + piece.len()))
            .map_or_else(|| Cow::Owned(piece.to_owned()), Cow::Borrowed)
    }

    /// A piece of an event as a piece of the document: borrowed from a document in memory,
    /// moved if quick-xml made it (entities resolved, line ends normalised), copied otherwise.
    fn lift(&self, piece: Cow<'_, str>) -> Cow<'a, str> {
        match piece {
            Cow::Borrowed(piece) => self.within(piece),
            Cow::Owned(piece) => Cow::Owned(piece),
        }
    }

    fn error_position(&self) -> usize {
        match &self.source {
            Source::Memory { reader, .. } => reader.error_position() as usize,
            Source::Stream { reader, .. } => reader.error_position() as usize,
        }
    }

    /// What quick-xml failed on: malformed XML where it stopped, or a file read as it goes
    /// whose encoding broke, where the bad unit stands (as decoding it whole would say).
    fn failure(&mut self, err: &quick_xml::Error) -> Box<ImportError> {
        if let quick_xml::Error::Io(io) = err
            && let Some(bad) = Undecodable::within(io)
        {
            return Box::new(bad.error(&self.file));
        }
        let at = self.error_position();
        self.error(at, ImportErrorKind::Xml(err.to_string()))
    }

    fn error(&mut self, offset: usize, kind: ImportErrorKind) -> Box<ImportError> {
        let location = self.locate(self.position(offset));
        Box::new(ImportError::new(location, kind))
    }

    /// The next event, `None` at the end of the document. The error is boxed: events are
    /// moved at every step, and an error is several times their size.
    pub(crate) fn next(&mut self) -> Result<Option<XmlEvent<'a>>, Box<ImportError>> {
        if let Some(name) = self.pending_end.take() {
            self.depth -= 1;
            return Ok(Some(XmlEvent::End { name }));
        }
        loop {
            let step = match &mut self.source {
                Source::Memory { reader, .. } => {
                    let offset = reader.buffer_position() as usize;
                    let event = reader.read_event();
                    self.step(offset, event)?
                }
                Source::Stream { reader, buffer, event_start } => {
                    let counted = reader.get_ref();
                    *event_start = (counted.line, counted.column);
                    let offset = reader.buffer_position() as usize;
                    // The event borrows the buffer while `step` copies what it keeps; the
                    // buffer goes back for the next event, keeping its capacity.
                    let mut bytes = std::mem::take(buffer);
                    bytes.clear();
                    let event = reader.read_event_into(&mut bytes);
                    let step = self.step(offset, event);
                    if let Source::Stream { buffer, .. } = &mut self.source {
                        *buffer = bytes;
                    }
                    step?
                }
            };
            match step {
                Step::Event(event) => return Ok(Some(event)),
                Step::End => return Ok(None),
                Step::Skip => {}
            }
        }
    }

    /// What one quick-xml event gives: an event for the importer, nothing (a comment, the
    /// declaration), or the end.
    fn step(
        &mut self,
        offset: usize,
        event: quick_xml::Result<Event<'_>>,
    ) -> Result<Step<'a>, Box<ImportError>> {
        let event = match event {
            Ok(event) => event,
            Err(err) => return Err(self.failure(&err)),
        };
        let event = match event {
            Event::Start(_) | Event::Empty(_) if self.depth >= MAX_DEPTH => {
                return Err(self.error(offset, ImportErrorKind::XmlTooDeep { limit: MAX_DEPTH }));
            }
            Event::Start(start) => {
                self.depth += 1;
                let at = self.position(offset);
                let (name, attributes) = self.tag(&start, offset)?;
                XmlEvent::Start { name, attributes, at }
            }
            Event::Empty(start) => {
                self.depth += 1;
                let at = self.position(offset);
                let (name, attributes) = self.tag(&start, offset)?;
                self.pending_end = Some(name.clone());
                XmlEvent::Start { name, attributes, at }
            }
            Event::End(end) => {
                self.depth = self.depth.saturating_sub(1);
                XmlEvent::End { name: self.within(end.local_name().as_ref()) }
            }
            Event::Text(text) => {
                let content = text.xml10_content();
                if content.len() > MAX_TEXT_BYTES {
                    return Err(self
                        .error(offset, ImportErrorKind::XmlTextTooLong { limit: MAX_TEXT_BYTES }));
                }
                XmlEvent::Text(self.lift(content))
            }
            Event::CData(data) => XmlEvent::Text(self.lift(data.into_inner())),
            Event::GeneralRef(reference) => {
                let name = reference.xml10_content().into_owned();
                let resolved = if reference.is_char_ref() {
                    reference.resolve_char_ref().ok().flatten().map(String::from)
                } else {
                    quick_xml::escape::resolve_predefined_entity(&name).map(str::to_owned)
                };
                match resolved {
                    Some(text) => XmlEvent::Text(Cow::Owned(text)),
                    None => return Err(self.error(offset, ImportErrorKind::XmlEntity(name))),
                }
            }
            Event::DocType(doctype) if is_claml_doctype(&doctype) => return Ok(Step::Skip),
            Event::DocType(_) => return Err(self.error(offset, ImportErrorKind::XmlDoctype)),
            Event::Eof => return Ok(Step::End),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => return Ok(Step::Skip),
        };
        Ok(Step::Event(event))
    }

    /// The next event; `None` at the end of the document, or at malformed XML, whose error is
    /// added to `errors` beside those the importer found before it.
    pub(crate) fn next_or_note(&mut self, errors: &mut Vec<ImportError>) -> Option<XmlEvent<'a>> {
        self.next().unwrap_or_else(|err| {
            errors.push(*err);
            None
        })
    }

    /// A start tag's local name and attributes, borrowed from a document in memory, copied from
    /// one read as it goes.
    fn tag(
        &mut self,
        start: &quick_xml::events::BytesStart<'_>,
        offset: usize,
    ) -> Result<(Cow<'a, str>, Attributes<'a>), Box<ImportError>> {
        let name = self.within(start.local_name().as_ref());
        let mut attributes = Vec::new();
        for attribute in start.attributes() {
            let attribute = attribute
                .map_err(|err| self.error(offset, ImportErrorKind::Xml(err.to_string())))?;
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|err| self.error(offset, ImportErrorKind::Xml(err.to_string())))?;
            let key = self.within(attribute.key.local_name().into_inner());
            attributes.push((key, self.lift(value)));
        }
        Ok((name, attributes))
    }
}

/// The value of an attribute by local name.
pub(crate) fn attribute<'v, K: AsRef<str>, V: AsRef<str>>(
    attributes: &'v [(K, V)],
    name: &str,
) -> Option<&'v str> {
    attributes.iter().find(|(key, _)| key.as_ref() == name).map(|(_, value)| value.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Result<Vec<String>, String> {
        events(XmlReader::new(text, "t.xml"))
    }

    /// The events of `text` read as it goes, a few bytes at a time.
    fn streamed(text: &str) -> Result<Vec<String>, String> {
        let source = std::io::BufReader::with_capacity(3, text.as_bytes());
        events(XmlReader::streaming(Box::new(source), "t.xml"))
    }

    fn events(mut reader: XmlReader<'_>) -> Result<Vec<String>, String> {
        let mut out = Vec::new();
        loop {
            match reader.next() {
                Ok(Some(XmlEvent::Start { name, at, .. })) => {
                    let location = reader.locate(at);
                    out.push(format!(
                        "<{name}>@{}:{}",
                        location.line.unwrap(),
                        location.column.unwrap()
                    ))
                }
                Ok(Some(XmlEvent::End { name })) => out.push(format!("</{name}>")),
                Ok(Some(XmlEvent::Text(text))) => out.push(text.into_owned()),
                Ok(None) => return Ok(out),
                Err(err) => return Err(err.to_string()),
            }
        }
    }

    #[test]
    fn read_as_it_goes_is_read_in_memory() {
        for text in [
            "<?xml version=\"1.0\"?>\n<a x=\"1\"\n   y='ø'>Fødsels&amp;år <![CDATA[<b>]]>\n  <b/>\n  <c>æ</c></a>",
            "<a>\n <b>ok</c></a>",
            "<a>\n  &nbsp;</a>",
            "<!-- før -->\n<!DOCTYPE a [<!ENTITY x \"y\">]>\n<a/>",
        ] {
            assert_eq!(streamed(text), all(text), "{text}");
        }
    }
    #[test]
    fn positions_are_located_in_any_order() {
        let mut reader = XmlReader::new("<a>\n <b/>\n  <c/></a>", "t.xml");
        let mut starts = Vec::new();
        while let Some(event) = reader.next().unwrap() {
            if let XmlEvent::Start { at, .. } = event {
                starts.push(at);
            }
        }
        let found: Vec<String> =
            starts.into_iter().rev().map(|at| reader.locate(at).to_string()).collect();
        assert_eq!(found, ["t.xml:3:3", "t.xml:2:2", "t.xml:1:1"]);
    }
    #[test]
    fn predefined_entities_are_resolved() {
        assert_eq!(
            all("<a>Fødselsår &amp; måned&#33;</a>").unwrap().concat(),
            "<a>@1:1Fødselsår & måned!</a>"
        );
    }
    #[test]
    fn doctype_is_refused() {
        let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">]>\n<a>&lol;</a>";
        assert_eq!(
            all(bomb).unwrap_err(),
            "t.xml:2:1: DOCTYPE declarations are refused: they can define entities that expand without end or fetch files; remove the DOCTYPE"
        );
    }
    #[test]
    fn doctype_naming_an_external_dtd_is_ignored() {
        let claml = "<?xml version=\"1.0\"?>\n<!DOCTYPE ClaML SYSTEM \"ClaML.dtd\">\n<ClaML/>";
        assert_eq!(all(claml).unwrap().concat(), "\n\n<ClaML>@3:1</ClaML>");
    }
    #[test]
    fn any_other_external_doctype_is_refused() {
        for doctype in [
            "<!DOCTYPE ClaML SYSTEM \"file:///etc/passwd\">",
            "<!DOCTYPE codeBook SYSTEM \"ClaML.dtd\">",
            "<!DOCTYPE ClaML SYSTEM \"ClaML.dtd\" [<!ENTITY a \"b\">]>",
        ] {
            let text = format!("<?xml version=\"1.0\"?>\n{doctype}\n<ClaML/>");
            assert!(all(&text).unwrap_err().contains("DOCTYPE declarations"), "{doctype}");
        }
    }
    #[test]
    fn unknown_entity_is_refused() {
        assert_eq!(
            all("<a>&nbsp;</a>").unwrap_err(),
            "t.xml:1:4: entity `&nbsp;` is not one of XML's five predefined entities"
        );
    }
    #[test]
    fn deep_nesting_is_refused() {
        let deep = "<a>".repeat(300);
        assert!(all(&deep).unwrap_err().contains("elements nested deeper than 256"));
    }
    #[test]
    fn empty_elements_open_and_close() {
        assert_eq!(
            all("<a>\n  <b x=\"1\"/></a>").unwrap(),
            ["<a>@1:1", "\n  ", "<b>@2:3", "</b>", "</a>"]
        );
    }
}
