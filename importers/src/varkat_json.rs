//! varkat's own JSON format: registries and their variables' current definitions, and, in a
//! whole-catalog export (`export --all`), the full history: every version, every import
//! record and the change log. `docs/formats.md` describes it with a complete example.
//!
//! Each variable is decoded on its own, so that every bad variable is reported with its line
//! and column, not only the first.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::io::{Read, Write};
use std::rc::Rc;

use catalog::{
    CatalogDump, Change, CodeMap, CodeSystem, CodeSystemVersion, ImportRecord, IncomingVariable,
    Mapping, Registry, SharedDefinition, SourceFile, ValueSet, VariableDefinition, VariableKey,
    VariableVersion,
};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::batch::{ImportBatch, Warning};
use crate::encoding::read_failure;
use crate::error::{ImportError, ImportErrorKind, ImportErrors};
use crate::location::{LineCounter, Location};

/// The format's name in provenance and messages.
pub const FORMAT: &str = "varkat-json";

/// The version of the JSON format this build writes and reads.
pub const JSON_FORMAT_VERSION: u32 = 2;

/// One variable in the file: its key beside the fields of its definition.
#[derive(Serialize, Deserialize)]
struct JsonVariable {
    key: VariableKey,
    #[serde(flatten)]
    definition: VariableDefinition,
}

/// The history part of a whole-catalog export.
#[derive(Serialize, Deserialize)]
struct History {
    versions: Vec<VariableVersion>,
    imports: Vec<ImportRecord>,
    changes: Vec<Change>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    code_systems: Vec<CodeSystem>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    code_system_versions: Vec<CodeSystemVersion>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    shared_definitions: Vec<SharedDefinition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    mappings: Vec<Mapping>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    value_sets: Vec<ValueSet>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    code_maps: Vec<CodeMap>,
}

#[derive(Serialize)]
struct Document<'a> {
    varkat_format: u32,
    registries: &'a [Registry],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    variables: Vec<JsonVariable>,
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<History>,
}

/// Reads a varkat JSON file from its text, as a file is read: so that every error has the same
/// line and column either way (serde_json places some faults differently in a slice).
pub fn read(text: &str, file: &str) -> Result<ImportBatch, ImportErrors> {
    read_from(text.as_bytes(), file)
}

/// Reads a varkat JSON file as it goes from UTF-8 `source`: of the file's text, only the
/// variable being read is whole in memory, beside the values read before it. Each registry
/// and variable is decoded on its own, so that every bad one is reported with its line and
/// column; the history of a whole-catalog export is decoded as it is read.
pub(crate) fn read_from(source: impl Read, file: &str) -> Result<ImportBatch, ImportErrors> {
    read_in_chunks(source, file, 1 << 16)
}

/// [`read_from`], reading `chunk` bytes at a time from `source`.
fn read_in_chunks(
    source: impl Read,
    file: &str,
    chunk: usize,
) -> Result<ImportBatch, ImportErrors> {
    let reader = PlacedReader::new(source, chunk);
    let mut parts = Parts {
        file,
        places: Rc::clone(&reader.places),
        format: None,
        registries: Vec::new(),
        variables: Vec::new(),
        first_lines: HashMap::new(),
        history: None,
        errors: Vec::new(),
        warnings: Vec::new(),
        source: SourceFile { path: file.to_owned(), format: FORMAT.to_owned() },
    };
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let read = serde::Deserializer::deserialize_map(&mut deserializer, FileVisitor(&mut parts))
        .and_then(|()| deserializer.end());
    if let Some(found) = parts.format.filter(|&found| found > JSON_FORMAT_VERSION) {
        return Err(ImportErrors::one(
            Location::file(file).field("varkat_format"),
            ImportErrorKind::NewerJsonFormat { found, supported: JSON_FORMAT_VERSION },
        ));
    }
    match read {
        Ok(()) => {}
        // A file read as it goes whose bytes are not in its encoding, or that cannot be read.
        Err(err) if err.is_io() => {
            parts.errors.push(read_failure(&std::io::Error::from(err), file));
        }
        // Broken JSON, or a document that is not varkat's: nothing after it can be read.
        Err(err) => parts.errors.push(json_error((1, 1), file, &err)),
    }
    parts.finish()
}

/// What a varkat JSON file holds, gathered as it is read, with the problems found.
struct Parts<'f> {
    file: &'f str,
    places: Rc<RefCell<Places>>,
    format: Option<u32>,
    registries: Vec<Registry>,
    variables: Vec<IncomingVariable>,
    /// The line where each variable first stands, for a message about a repeated one.
    first_lines: HashMap<VariableKey, u64>,
    history: Option<History>,
    errors: Vec<ImportError>,
    warnings: Vec<Warning>,
    source: SourceFile,
}

/// The arrays of a varkat JSON file whose elements are read one by one.
#[derive(Clone, Copy)]
enum Part {
    Registries,
    Variables,
}

impl Parts<'_> {
    /// One element of `part`, whose text `raw` starts at `at`.
    fn take(&mut self, part: Part, at: (u64, u64), raw: &str) {
        match part {
            Part::Registries => match serde_json::from_str::<Registry>(raw) {
                Ok(registry) => self.registries.push(registry),
                Err(err) => self.errors.push(json_error(at, self.file, &err)),
            },
            Part::Variables => self.take_variable(at, raw),
        }
    }

    fn take_variable(&mut self, (line, column): (u64, u64), raw: &str) {
        let variable: JsonVariable = match serde_json::from_str(raw) {
            Ok(variable) => variable,
            Err(err) => {
                self.errors.push(json_error((line, column), self.file, &err));
                return;
            }
        };
        let location = Location { column: Some(column), ..Location::line(self.file, line) };
        warn_unknown_fields(raw, &variable, &location, &mut self.warnings);
        if let Some(&first_line) = self.first_lines.get(&variable.key) {
            self.errors.push(ImportError::new(
                location,
                ImportErrorKind::DuplicateVariable { name: variable.key.to_string(), first_line },
            ));
            return;
        }
        self.first_lines.insert(variable.key.clone(), line);
        let mut codes = HashSet::new();
        for category in &variable.definition.value_domain.categories {
            if !codes.insert(&category.code) {
                let first = variable
                    .definition
                    .value_domain
                    .categories
                    .iter()
                    .find(|c| c.code == category.code)
                    .expect("seen before");
                self.errors.push(ImportError::new(
                    location.clone().field("value_domain.categories"),
                    ImportErrorKind::DuplicateCategory {
                        code: category.code.clone(),
                        variable: variable.key.to_string(),
                        first_line: line,
                        first_label: first.label.best().unwrap_or("").to_owned(),
                    },
                ));
            }
        }
        self.variables.push(IncomingVariable {
            key: variable.key,
            definition: variable.definition,
            source: self.source.clone(),
        });
    }

    fn finish(self) -> Result<ImportBatch, ImportErrors> {
        if let Some(errors) = ImportErrors::from_vec(self.errors) {
            return Err(errors);
        }
        let dump = self.history.map(|history| CatalogDump {
            registries: self.registries.clone(),
            versions: history.versions,
            imports: history.imports,
            changes: history.changes,
            code_systems: history.code_systems,
            code_system_versions: history.code_system_versions,
            shared_definitions: history.shared_definitions,
            mappings: history.mappings,
            value_sets: history.value_sets,
            code_maps: history.code_maps,
        });
        let registries = if dump.is_some() { Vec::new() } else { self.registries };
        Ok(ImportBatch {
            registries,
            variables: self.variables,
            warnings: self.warnings,
            files: vec![self.source],
            dump,
            ..ImportBatch::default()
        })
    }
}

/// The top-level object: its members in whatever order they come.
struct FileVisitor<'p, 'f>(&'p mut Parts<'f>);

impl<'de> Visitor<'de> for FileVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a varkat JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let parts = self.0;
        while let Some(member) = map.next_key::<String>()? {
            match member.as_str() {
                "varkat_format" => {
                    let format: u32 = map.next_value()?;
                    parts.format = Some(format);
                    if format > JSON_FORMAT_VERSION {
                        // What follows may not read as this version's: stop here.
                        return Err(de::Error::custom("newer format"));
                    }
                }
                "registries" => {
                    map.next_value_seed(Elements { parts: &mut *parts, part: Part::Registries })?
                }
                "variables" => {
                    map.next_value_seed(Elements { parts: &mut *parts, part: Part::Variables })?
                }
                "history" => parts.history = map.next_value()?,
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        match parts.format {
            Some(_) => Ok(()),
            None => Err(de::Error::missing_field("varkat_format")),
        }
    }
}

/// An array whose elements are taken one at a time.
struct Elements<'p, 'f> {
    parts: &'p mut Parts<'f>,
    part: Part,
}

impl<'de> DeserializeSeed<'de> for Elements<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Elements<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let places = Rc::clone(&self.parts.places);
        while let Some((at, raw)) = seq.next_element_seed(Element(&places))? {
            self.parts.take(self.part, at, raw.get());
        }
        Ok(())
    }
}

/// One element's text, and where it starts.
struct Element<'p>(&'p Rc<RefCell<Places>>);

impl<'de> DeserializeSeed<'de> for Element<'_> {
    type Value = ((u64, u64), Box<RawValue>);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        // To see that there is an element, serde_json has read its first character, and no
        // further: the last byte read is where it starts.
        let at = self.0.borrow_mut().of_last_byte();
        Ok((at, Box::<RawValue>::deserialize(deserializer)?))
    }
}

/// A reader that knows the line and column of what it has handed out. serde_json reads a
/// byte at a time and does not say where it is, so the reader keeps its own buffer and counts
/// lines only as far as a place is asked for.
struct PlacedReader<R> {
    source: R,
    /// How many bytes to read from `source` at a time.
    chunk: usize,
    places: Rc<RefCell<Places>>,
}

/// The reader's buffer and what is known of places in it.
struct Places {
    chunk: Vec<u8>,
    /// How much of `chunk` has been handed out.
    handed: usize,
    /// Places in `chunk`.
    lines: LineCounter,
}

impl<R: Read> PlacedReader<R> {
    fn new(source: R, chunk: usize) -> PlacedReader<R> {
        let places =
            Places { chunk: Vec::with_capacity(chunk), handed: 0, lines: LineCounter::new() };
        PlacedReader { source, chunk, places: Rc::new(RefCell::new(places)) }
    }
}

impl<R: Read> Read for PlacedReader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let mut places = self.places.borrow_mut();
        if places.handed == places.chunk.len() {
            places.refill(&mut self.source, self.chunk)?;
        }
        let Places { chunk, handed, .. } = &mut *places;
        let available = &chunk[*handed..];
        let n = out.len().min(available.len());
        // serde_json reads a byte at a time, which a call to copy would cost more than.
        if let ([byte], [first, ..]) = (&mut *out, available) {
            *byte = *first;
        } else {
            out[..n].copy_from_slice(&available[..n]);
        }
        *handed += n;
        Ok(n)
    }
}

impl Places {
    /// Moves on to the next `size` bytes of `source`, past the chunk handed out.
    fn refill(&mut self, source: &mut impl Read, size: usize) -> std::io::Result<()> {
        let end = self.lines.at(&self.chunk, self.chunk.len());
        self.lines = LineCounter::starting_at(end);
        self.chunk.clear();
        self.handed = 0;
        self.chunk.resize(size, 0);
        let filled = source.read(&mut self.chunk);
        self.chunk.truncate(*filled.as_ref().unwrap_or(&0));
        filled.map(drop)
    }

    /// The line and column of the last byte handed out (a chunk is refilled only when a byte
    /// past it is asked for, so that byte is in the current one).
    fn of_last_byte(&mut self) -> (u64, u64) {
        self.lines.at(&self.chunk, self.handed.saturating_sub(1))
    }
}

/// A serde_json error inside a part of the file that starts at `base` (line, column), located
/// in the whole file.
fn json_error(
    (base_line, base_column): (u64, u64),
    file: &str,
    err: &serde_json::Error,
) -> ImportError {
    let (line, column) = (err.line() as u64, err.column() as u64);
    let location = Location {
        line: Some(base_line + line.saturating_sub(1)),
        // serde_json reading a file names column 0 for a fault just after a line break.
        column: Some(if line <= 1 {
            base_column + column.saturating_sub(1)
        } else {
            column.max(1)
        }),
        ..Location::file(file)
    };
    let message = err.to_string();
    let message = message.rsplit_once(" at line ").map_or(message.as_str(), |(text, _)| text);
    ImportError::new(location, ImportErrorKind::Json(format!("invalid varkat JSON: {message}")))
}

/// Writes registries and the current definition of their variables: a codebook that
/// imports back without change.
pub fn write_codebook(
    registries: &[Registry],
    versions: &[VariableVersion],
    out: impl Write,
) -> std::io::Result<()> {
    let variables = versions
        .iter()
        .map(|version| JsonVariable {
            key: version.key.clone(),
            definition: version.definition.clone(),
        })
        .collect();
    write(
        &Document { varkat_format: JSON_FORMAT_VERSION, registries, variables, history: None },
        out,
    )
}

/// Writes the whole catalog, history and change log included. The dump is taken, not
/// borrowed: a catalog's whole history is large, and writing it needs no second copy.
pub fn write_dump(dump: CatalogDump, out: impl Write) -> std::io::Result<()> {
    let history = History {
        versions: dump.versions,
        imports: dump.imports,
        changes: dump.changes,
        code_systems: dump.code_systems,
        code_system_versions: dump.code_system_versions,
        shared_definitions: dump.shared_definitions,
        mappings: dump.mappings,
        value_sets: dump.value_sets,
        code_maps: dump.code_maps,
    };
    write(
        &Document {
            varkat_format: JSON_FORMAT_VERSION,
            registries: &dump.registries,
            variables: Vec::new(),
            history: Some(history),
        },
        out,
    )
}

/// Writes a document, indented, with a final newline.
fn write(document: &Document<'_>, mut out: impl Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, document)?;
    out.write_all(b"\n")
}

/// Fields a variable object has that the definition does not read are reported, so that a
/// misspelt field is not silently lost.
fn warn_unknown_fields(
    raw: &str,
    variable: &JsonVariable,
    location: &Location,
    warnings: &mut Vec<Warning>,
) {
    let given: BTreeSet<String> =
        serde_json::from_str::<BTreeMap<String, serde::de::IgnoredAny>>(raw)
            .map(|map| map.into_keys().collect())
            .unwrap_or_default();
    let known: BTreeSet<String> = [
        "key",
        "label",
        "description",
        "question",
        "data_type",
        "unit",
        "value_domain",
        "period",
        "section",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    for field in given.difference(&known) {
        warnings.push(Warning {
            location: location.clone().field(field),
            message: format!("unknown field in variable `{}`; ignored", variable.key),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every place found in a file with problems of every kind, however the file is cut
    /// into chunks: places at a chunk's first and last byte come out as they do in one piece.
    #[test]
    fn places_do_not_depend_on_where_the_chunks_end() {
        let text = concat!(
            "{\"varkat_format\": 2,\n \"registries\": [{\"id\": \"husk\", \"name\": 5}],\n",
            "  \"variables\": [\n{\"key\": \"husk/ø\", \"data_type\": \"vekt\"},",
            "{\"key\": \"husk/A\", \"data_type\": \"text\", \"colour\": 1},\n",
            "    {\"key\": \"husk/A\", \"data_type\": \"text\"}]}"
        );
        let messages =
            |errors: ImportErrors| errors.errors().iter().map(ToString::to_string).collect();
        let outcome = |chunk| -> Vec<String> {
            messages(read_in_chunks(text.as_bytes(), "f.json", chunk).unwrap_err())
        };
        let whole = outcome(1 << 16);
        assert_eq!(messages(read(text, "f.json").unwrap_err()), whole, "read from memory");
        assert_eq!(
            whole,
            [
                "f.json:2:40: invalid varkat JSON: invalid type: integer `5`, expected a string",
                "f.json:4:39: invalid varkat JSON: unknown variant `vekt`, expected one of `integer`, `decimal`, `text`, `date`, `datetime`, `boolean`, `categorical`",
                "f.json:5:5: variable `husk/A` is defined twice (first on line 4)",
            ]
        );
        for chunk in 1..=17 {
            assert_eq!(outcome(chunk), whole, "chunks of {chunk} bytes");
        }
    }

    #[test]
    fn a_fault_just_after_a_line_break_is_in_column_one() {
        let text = "{\"varkat_format\": 2, \"variables\": [\n{\"key\": \"husk/A\n\"}]}";
        let errors = read_from(text.as_bytes(), "f.json").unwrap_err();
        assert_eq!(
            errors.errors()[0].to_string(),
            "f.json:3:1: invalid varkat JSON: control character (\\u0000-\\u001F) found while parsing a string"
        );
    }
}
