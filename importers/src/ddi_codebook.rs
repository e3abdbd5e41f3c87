//! Reads DDI-Codebook 2.5 XML, the archive world's standard: the study or registry from
//! `stdyDscr`, and from `dataDscr` each `var` with its `labl`, `qstn/qstnLit`, `txt`, `catgry`
//! (`catValu`, `labl`, `@missing`), `varFormat`, `valrng`, `notes` and `verStmt/version`.
//! Languages come from `xml:lang`. Several `var`s with one name are versions of one variable,
//! imported oldest first.

use std::borrow::Cow;

use catalog::{
    Category, CodeSystemBinding, DataType, IncomingVariable, LocalizedText, NumericRange, Period,
    Registry, RegistryId, RegistryKind, SourceFile, VariableDefinition,
};

use crate::batch::{ImportBatch, Warning};
use crate::error::{ImportError, ImportErrorKind, ImportErrors, variable_key};
use crate::location::Location;
use crate::values;
use crate::xml::{XmlEvent, XmlReader, attribute};

/// The format's name in provenance and messages.
pub(crate) const FORMAT: &str = "ddi-codebook";

/// The local name of the first element of an XML text; an error for a DOCTYPE or broken XML
/// before it.
pub(crate) fn root_element(text: &str, file: &str) -> Result<Option<String>, ImportError> {
    let mut reader = XmlReader::new(text, file);
    loop {
        match reader.next()? {
            Some(XmlEvent::Start { name, .. }) => return Ok(Some(name.into_owned())),
            Some(_) => {}
            None => return Ok(None),
        }
    }
}

/// One `var` as it is read.
struct VarBuilder {
    name: String,
    location: Location,
    version: u32,
    definition: VariableDefinition,
    decimals: Option<u32>,
    format: Option<(String, Option<String>)>,
    category: Option<(Option<String>, LocalizedText, bool, Location)>,
    /// The line of each category, for messages about a repeated code.
    category_lines: Vec<u64>,
    note_location: Option<Location>,
}

/// A `var` read to its end: what the catalog keeps of it, without the builder's scratch.
struct ReadVar {
    name: String,
    location: Location,
    version: u32,
    definition: VariableDefinition,
}

impl ReadVar {
    /// What the catalog keeps of a `var`, boxed: a `Vec` of large values would copy every
    /// variable read so far each time it grows.
    fn boxed(mut var: Box<VarBuilder>) -> Box<ReadVar> {
        var.definition.data_type = data_type(&var);
        let VarBuilder { name, location, version, definition, .. } = *var;
        Box::new(ReadVar { name, location, version, definition })
    }
}

fn is_english(language: &str) -> bool {
    language.starts_with("en")
}

/// Sets the text's slot for the language, once, with its whitespace collapsed.
fn set(text: &mut LocalizedText, english: bool, value: &str) {
    let value = values::collapse_whitespace(value);
    if value.is_empty() {
        return;
    }
    let slot = if english { &mut text.en } else { &mut text.nb };
    if slot.is_none() {
        *slot = Some(value);
    }
}

/// Reads a DDI-Codebook document. `registry` overrides the study's `IDNo`.
pub(crate) fn read(
    mut reader: XmlReader<'_>,
    file: &str,
    registry: Option<&RegistryId>,
) -> Result<ImportBatch, ImportErrors> {
    let mut errors: Vec<ImportError> = Vec::new();
    let mut warnings: Vec<Warning> = Vec::new();
    let mut path: Vec<Cow<'_, str>> = Vec::new();
    // Whether each open element's text is English (`xml:lang` en*, inherited); else Norwegian.
    let mut english: Vec<bool> = Vec::new();
    let mut text_buffer = String::new();
    let mut ended = String::new();
    let mut study_title = LocalizedText::default();
    let mut study_id: Option<String> = None;
    let mut abstract_text = LocalizedText::default();
    // A builder is boxed, being large, and dropped when its `var` ends, so that the next one
    // reuses its memory; the variables read so far keep only what the catalog keeps.
    let mut vars: Vec<Box<ReadVar>> = Vec::new();
    let mut current: Option<Box<VarBuilder>> = None;
    // The `type` of the `notes` element being read: `unit`, `validity`, `code_system`, ...
    let mut note_kind: Option<String> = None;
    while let Some(event) = reader.next_or_note(&mut errors) {
        match event {
            XmlEvent::Start { name, attributes, at } => {
                let inherited = english.last().copied().unwrap_or(false);
                english.push(attribute(&attributes, "lang").map_or(inherited, is_english));
                text_buffer.clear();
                match (name.as_ref(), path.last().map(AsRef::as_ref)) {
                    ("var", _) => {
                        let Some(var_name) =
                            attribute(&attributes, "name").filter(|n| !n.trim().is_empty())
                        else {
                            errors.push(ImportError::new(
                                reader.locate(at).field("var/@name"),
                                ImportErrorKind::EmptyName,
                            ));
                            path.push(name);
                            continue;
                        };
                        current = Some(Box::new(VarBuilder {
                            name: var_name.trim().to_owned(),
                            location: reader.locate(at),
                            version: 1,
                            definition: VariableDefinition::of_type(DataType::Text),
                            decimals: attribute(&attributes, "dcml").and_then(|d| d.parse().ok()),
                            format: None,
                            category: None,
                            category_lines: Vec::new(),
                            note_location: None,
                        }));
                    }
                    ("catgry", Some("var")) => {
                        if let Some(var) = current.as_mut() {
                            let missing = attribute(&attributes, "missing")
                                .is_some_and(|m| m.eq_ignore_ascii_case("y"));
                            var.category =
                                Some((None, LocalizedText::default(), missing, reader.locate(at)));
                        }
                    }
                    ("varFormat", Some("var")) => {
                        if let Some(var) = current.as_mut() {
                            var.format = Some((
                                attribute(&attributes, "type").unwrap_or("").to_owned(),
                                attribute(&attributes, "formatname").map(str::to_owned),
                            ));
                        }
                    }
                    ("range", Some("valrng")) => {
                        if let Some(var) = current.as_mut() {
                            let bound = |key| {
                                attribute(&attributes, key).and_then(|v| values::number(v).ok())
                            };
                            let (min, max) = (bound("min"), bound("max"));
                            if min.is_some() || max.is_some() {
                                var.definition.value_domain.range = Some(NumericRange { min, max });
                            }
                        }
                    }
                    _ => {}
                }
                if name == "notes" {
                    note_kind = attribute(&attributes, "type").map(str::to_owned);
                    if let Some(var) = current.as_mut() {
                        var.note_location = Some(reader.locate(at));
                    }
                }
                path.push(name);
            }
            XmlEvent::Text(piece) => text_buffer.push_str(&piece),
            XmlEvent::End { name } => {
                let language = english.pop().unwrap_or(false);
                path.pop();
                let parent = path.last().map(AsRef::as_ref);
                // The element's text moves to `ended` and the buffer starts again empty; both
                // keep their capacity.
                std::mem::swap(&mut text_buffer, &mut ended);
                text_buffer.clear();
                let value = ended.trim();
                let in_study = path.iter().any(|p| p == "stdyDscr");
                match (name.as_ref(), parent) {
                    ("titl", Some("titlStmt")) if in_study => {
                        set(&mut study_title, language, value)
                    }
                    ("IDNo", Some("titlStmt")) if in_study && study_id.is_none() => {
                        study_id = Some(value.to_owned())
                    }
                    ("abstract", _) if in_study => set(&mut abstract_text, language, value),
                    ("var", _) => vars.extend(current.take().map(ReadVar::boxed)),
                    _ => {}
                }
                let Some(var) = current.as_mut() else { continue };
                match (name.as_ref(), parent) {
                    ("labl", Some("var")) => set(&mut var.definition.label, language, value),
                    ("txt", Some("var")) => set(&mut var.definition.description, language, value),
                    ("qstnLit", Some("qstn")) => set(&mut var.definition.question, language, value),
                    ("catValu", Some("catgry")) => {
                        if let Some(category) = var.category.as_mut() {
                            category.0 = Some(value.to_owned());
                        }
                    }
                    ("labl", Some("catgry")) => {
                        if let Some(category) = var.category.as_mut() {
                            set(&mut category.1, language, value);
                        }
                    }
                    ("catgry", Some("var")) => {
                        if let Some((code, label, missing, at)) = var.category.take() {
                            let Some(code) = code.filter(|c| !c.is_empty()) else {
                                errors.push(ImportError::new(
                                    at.field("catValu"),
                                    ImportErrorKind::EmptyCategoryCode {
                                        variable: var.name.clone(),
                                    },
                                ));
                                continue;
                            };
                            let categories = &mut var.definition.value_domain.categories;
                            if let Some(first) = categories.iter().position(|c| c.code == code) {
                                errors.push(ImportError::new(
                                    at.field("catValu"),
                                    ImportErrorKind::DuplicateCategory {
                                        code: code.clone(),
                                        variable: var.name.clone(),
                                        first_line: var.category_lines[first],
                                        first_label: categories[first]
                                            .label
                                            .best()
                                            .unwrap_or("")
                                            .to_owned(),
                                    },
                                ));
                                continue;
                            }
                            var.category_lines.push(at.line.unwrap_or(1));
                            categories.push(Category {
                                code,
                                label,
                                missing,
                                order: categories.len() as u32,
                                period: Period::default(),
                            });
                        }
                    }
                    ("version", Some("verStmt")) => {
                        var.version = value.parse().unwrap_or(var.version)
                    }
                    ("notes", Some("var")) => match note_kind.take().as_deref() {
                        Some("unit") if !value.is_empty() => {
                            var.definition.unit = Some(value.to_owned())
                        }
                        Some("validity") => {
                            let at =
                                var.note_location.clone().unwrap_or_else(|| var.location.clone());
                            var.definition.period = validity(value, &at, &mut errors);
                        }
                        Some("code_system") if !value.is_empty() => {
                            var.definition.value_domain.code_system =
                                Some(CodeSystemBinding::parse(value));
                        }
                        _ => {}
                    },
                    _ => {}
                }
            }
        }
    }
    if let Some(errors) = ImportErrors::from_vec(errors) {
        return Err(errors);
    }

    let registry_id = match (registry, study_id.as_deref()) {
        (Some(registry), _) => registry.clone(),
        (None, Some(id)) => match RegistryId::new(id) {
            Ok(id) => id,
            Err(_) => {
                return Err(ImportErrors::one(
                    Location::file(file).field("stdyDscr/citation/titlStmt/IDNo"),
                    ImportErrorKind::BadRegistryId(id.to_owned()),
                ));
            }
        },
        (None, None) => {
            return Err(ImportErrors::one(
                Location::file(file).field("stdyDscr/citation/titlStmt/IDNo"),
                ImportErrorKind::NoRegistry { format: FORMAT },
            ));
        }
    };
    let source = SourceFile { path: file.to_owned(), format: FORMAT.to_owned() };
    // Versions of one variable, oldest first; otherwise the file's order.
    let mut first_of: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (index, var) in vars.iter().enumerate() {
        first_of.entry(var.name.as_str()).or_insert(index);
    }
    let mut order: Vec<usize> = (0..vars.len()).collect();
    order.sort_by_key(|&index| (first_of[vars[index].name.as_str()], vars[index].version));
    drop(first_of);
    let vars: Vec<Box<ReadVar>> = if order.is_sorted() {
        vars
    } else {
        let mut vars: Vec<Option<Box<ReadVar>>> = vars.into_iter().map(Some).collect();
        order.into_iter().filter_map(|index| vars[index].take()).collect()
    };
    let mut variables = Vec::with_capacity(vars.len());
    let mut errors = Vec::new();
    for var in vars {
        let Ok(key) = variable_key(&registry_id, &var.name, || var.location.clone())
            .map_err(|err| errors.push(err))
        else {
            continue;
        };
        variables.push(IncomingVariable {
            key,
            definition: var.definition,
            source: source.clone(),
        });
    }
    if let Some(errors) = ImportErrors::from_vec(errors) {
        return Err(errors);
    }
    if variables.is_empty() {
        warnings.push(Warning {
            location: Location::file(file),
            message: "no `var` elements in `dataDscr`".into(),
        });
    }
    let registries = match (registry, study_title.best()) {
        (None, Some(title)) => vec![Registry {
            id: registry_id.clone(),
            name: title.to_owned(),
            kind: RegistryKind::Other,
            owner: None,
            description: abstract_text.best().map(str::to_owned),
        }],
        _ => Vec::new(),
    };
    Ok(ImportBatch {
        registries,
        variables,
        warnings,
        files: vec![source],
        ..ImportBatch::default()
    })
}

/// `valid_from=1999-06-01; valid_to=2008-12-31`, as registries write collection periods in notes.
fn validity(text: &str, location: &Location, errors: &mut Vec<ImportError>) -> Period {
    let mut period = Period::default();
    for part in text.split(';') {
        let Some((key, value)) = part.split_once('=') else { continue };
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match values::date(value) {
            Ok(date) if key.trim() == "valid_from" => period.from = Some(date),
            Ok(date) if key.trim() == "valid_to" => period.to = Some(date),
            Ok(_) => {}
            Err(kind) => errors.push(ImportError::new(location.clone().field("notes"), kind)),
        }
    }
    period
}

fn data_type(var: &VarBuilder) -> DataType {
    if var.definition.value_domain.categories.iter().any(|category| !category.missing) {
        return DataType::Categorical;
    }
    let (kind, format_name) = var.format.clone().unwrap_or_default();
    match format_name.as_deref().map(str::to_lowercase).as_deref() {
        Some("integer") => return DataType::Integer,
        Some("decimal" | "float" | "double") => return DataType::Decimal,
        Some("date") => return DataType::Date,
        Some("datetime" | "time") => return DataType::Datetime,
        // Date patterns such as `YYYY-MM-DD` or `YYYY-MM-DDThh:mm`.
        Some(pattern) if pattern.contains("yyyy") => {
            return if pattern.contains("hh") { DataType::Datetime } else { DataType::Date };
        }
        Some("boolean") => return DataType::Boolean,
        _ => {}
    }
    match kind.as_str() {
        "character" => DataType::Text,
        "numeric" => match var.decimals {
            Some(0) => DataType::Integer,
            _ => DataType::Decimal,
        },
        _ if var.definition.value_domain.range.is_some() => DataType::Decimal,
        _ => DataType::Text,
    }
}
