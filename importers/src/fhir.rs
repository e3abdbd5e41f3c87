//! Reads HL7 FHIR R4 CodeSystem and ValueSet resources, in JSON and in XML. A CodeSystem becomes
//! a code system version with its concepts and hierarchy; a `content: not-present` CodeSystem
//! (the code system is known, its codes are published elsewhere) is kept as known but empty. A
//! ValueSet becomes a value set version: its `compose` rules (codes listed, filters, other value
//! sets) as written. A ConceptMap becomes a code map version: for each pair of code systems, each
//! source code with its target codes and FHIR equivalences.

use std::borrow::Cow;

use catalog::{
    CodeMap, CodeMapElement, CodeMapGroup, CodeMapId, CodeMapTarget, CodeSystem, CodeSystemId,
    CodeSystemVersion, Concept, ConceptContent, LocalizedText, Period, SourceFile, ValueSet,
    ValueSetConcept, ValueSetId, ValueSetRule,
};
use serde::Deserialize;
use serde_json::Value;

use crate::batch::{ImportBatch, Warning};
use crate::encoding::read_failure;
use crate::error::{ImportError, ImportErrorKind, ImportErrors};
use crate::location::Location;
use crate::xml::{XmlEvent, XmlReader, attribute};

mod json;

/// The format's name in provenance and messages.
pub(crate) const FORMAT: &str = "fhir";

/// A CodeSystem as read, before it becomes catalog values.
#[derive(Default)]
struct Resource {
    id: Option<String>,
    url: Option<String>,
    version: Option<String>,
    name: Option<String>,
    title: Option<String>,
    content: Option<String>,
    language: Option<String>,
    concepts: Vec<RawConcept>,
}

#[derive(Default)]
struct RawConcept {
    code: String,
    display: Option<String>,
    parent: Option<String>,
    designations: Vec<(String, String)>,
}

/// A FHIR resource type that is not a CodeSystem, as the refusal names it.
fn refuse(resource_type: &str, location: Location) -> ImportErrors {
    let kind = match resource_type {
        "NamingSystem" => ImportErrorKind::NotADictionary {
            what: "a FHIR NamingSystem (identifier namespaces)",
            instead: "it defines no codes or variables",
        },
        other => ImportErrorKind::Unsupported {
            what: format!("a FHIR {other}"),
            instead: "CodeSystem, ValueSet and ConceptMap resources are read",
        },
    };
    ImportErrors::one(location, kind)
}

/// A resource's stable id: the last segment of its canonical URL (the resource id often carries a
/// file suffix), else its `id`, else its `name`.
fn canonical_id(url: Option<&str>, id: Option<&str>, name: Option<&str>) -> Option<String> {
    url.filter(|url| url.starts_with("http"))
        .and_then(|url| url.rsplit('/').next())
        .filter(|segment| !segment.is_empty())
        .or(id)
        .or(name)
        .map(str::to_owned)
}

/// The resource's version, or `unversioned` with a warning.
fn version_or_unversioned(
    version: Option<String>,
    file: &str,
    warnings: &mut Vec<Warning>,
) -> String {
    version.unwrap_or_else(|| {
        warnings.push(Warning {
            location: Location::file(file).field("version"),
            message: "no version; kept as version `unversioned`".into(),
        });
        "unversioned".to_owned()
    })
}

/// Whether the resource's displays are to be kept as the non-Norwegian text, warning when they
/// are in a language other than English.
fn displays_not_norwegian(language: Option<&str>, file: &str, warnings: &mut Vec<Warning>) -> bool {
    let other = language
        .is_some_and(|language| !matches!(language, "nb" | "no" | "nn" | "nb-NO" | "no-NO"));
    if other && language != Some("en") {
        warnings.push(Warning {
            location: Location::file(file).field("language"),
            message: format!(
                "displays in `{}` are kept as the non-Norwegian text",
                language.unwrap_or("")
            ),
        });
    }
    other
}

/// Fills a display's missing Norwegian or English text from `en` and `nb`/`no` designations.
fn add_designations(display: &mut LocalizedText, designations: Vec<(String, String)>) {
    for (language, value) in designations {
        let slot = if language.starts_with("en") {
            &mut display.en
        } else if language.starts_with("nb") || language.starts_with("no") {
            &mut display.nb
        } else {
            continue;
        };
        slot.get_or_insert(value);
    }
}

/// Reads a FHIR resource in JSON from `json`: text, or a file read as it goes.
pub(crate) fn read_json<'de, R: serde_json::de::Read<'de>>(
    mut json: serde_json::Deserializer<R>,
    file: &str,
) -> Result<ImportBatch, ImportErrors> {
    let resource = json::JsonResource::deserialize(&mut json)
        .and_then(|resource| json.end().map(|()| resource))
        .map_err(|err| json_error(file, err))?;
    let value = Value::Object(resource.members);
    let resource_type = value["resourceType"].as_str().unwrap_or("");
    if resource_type == "ValueSet" {
        return value_set_json(&value, file);
    }
    if resource_type == "ConceptMap" {
        return concept_map_json(&value, file);
    }
    if resource_type != "CodeSystem" {
        return Err(refuse(resource_type, Location::file(file).field("resourceType")));
    }
    let text_of = |key: &str| value[key].as_str().map(str::to_owned);
    let mut code_system = Resource {
        id: text_of("id"),
        url: text_of("url"),
        version: text_of("version"),
        name: text_of("name"),
        title: text_of("title"),
        content: text_of("content"),
        language: text_of("language"),
        concepts: Vec::new(),
    };
    let mut errors = Vec::new();
    collect_json(resource.concepts, None, &mut code_system.concepts, &mut errors, file);
    if let Some(errors) = ImportErrors::from_vec(errors) {
        return Err(errors);
    }
    finish(code_system, file)
}

/// The error for JSON that cannot be read: where it breaks, or where its text is not in the
/// file's encoding.
fn json_error(file: &str, err: serde_json::Error) -> ImportErrors {
    if !err.is_io() {
        return ImportErrors::invalid_json(file, "FHIR JSON", &err);
    }
    read_failure(&std::io::Error::from(err), file).into()
}

/// The concepts in document order, each after its parent, and an error for each without a
/// code (whose concepts are skipped with it).
fn collect_json(
    concepts: Vec<json::JsonConcept>,
    parent: Option<&str>,
    out: &mut Vec<RawConcept>,
    errors: &mut Vec<ImportError>,
    file: &str,
) {
    for concept in concepts {
        let Some(code) = concept.code.filter(|code| !code.is_empty()) else {
            errors.push(ImportError::new(
                Location::file(file).field("concept.code"),
                ImportErrorKind::EmptyCode { element: "concept".into() },
            ));
            continue;
        };
        out.push(RawConcept {
            code: code.clone(),
            display: concept.display,
            parent: parent.map(str::to_owned),
            designations: concept.designations,
        });
        collect_json(concept.children, Some(&code), out, errors, file);
    }
}

/// Reads a FHIR resource in XML.
pub(crate) fn read_xml(mut reader: XmlReader<'_>, file: &str) -> Result<ImportBatch, ImportErrors> {
    let mut resource = Resource::default();
    let mut path: Vec<Cow<'_, str>> = Vec::new();
    // Indexes into `resource.concepts` of the concepts being read, innermost last.
    let mut open_concepts: Vec<usize> = Vec::new();
    let mut designation: (Option<String>, Option<String>) = (None, None);
    loop {
        match reader.next()? {
            None => break,
            Some(XmlEvent::Start { name, attributes, at }) => {
                if path.is_empty() && name == "ValueSet" {
                    return value_set_xml(reader, file);
                }
                if path.is_empty() && name == "ConceptMap" {
                    return concept_map_xml(reader, file);
                }
                if path.is_empty() && name != "CodeSystem" {
                    return Err(refuse(&name, reader.locate(at)));
                }
                let value = attribute(&attributes, "value").map(str::to_owned);
                let parent = path.last().map(AsRef::as_ref);
                match (name.as_ref(), parent) {
                    ("concept", _) => {
                        let parent_code = open_concepts
                            .last()
                            .map(|&index| resource.concepts[index].code.clone());
                        resource
                            .concepts
                            .push(RawConcept { parent: parent_code, ..RawConcept::default() });
                        open_concepts.push(resource.concepts.len() - 1);
                    }
                    ("code", Some("concept")) => {
                        if let Some(&index) = open_concepts.last() {
                            resource.concepts[index].code = value.unwrap_or_default();
                        }
                    }
                    ("display", Some("concept")) => {
                        if let Some(&index) = open_concepts.last() {
                            resource.concepts[index].display = value;
                        }
                    }
                    ("language", Some("designation")) => designation.0 = value,
                    ("value", Some("designation")) => designation.1 = value,
                    (field, Some("CodeSystem")) => match field {
                        "id" => resource.id = value,
                        "url" => resource.url = value,
                        "version" => resource.version = value,
                        "name" => resource.name = value,
                        "title" => resource.title = value,
                        "content" => resource.content = value,
                        "language" => resource.language = value,
                        _ => {}
                    },
                    _ => {}
                }
                path.push(name);
            }
            Some(XmlEvent::End { name }) => {
                path.pop();
                match name.as_ref() {
                    "concept" => {
                        open_concepts.pop();
                    }
                    "designation" => {
                        if let (Some(&index), (Some(language), Some(value))) =
                            (open_concepts.last(), std::mem::take(&mut designation))
                        {
                            resource.concepts[index].designations.push((language, value));
                        }
                    }
                    _ => {}
                }
            }
            Some(XmlEvent::Text(_)) => {}
        }
    }
    if resource.concepts.iter().any(|concept| concept.code.is_empty()) {
        return Err(ImportErrors::one(
            Location::file(file).field("concept/code"),
            ImportErrorKind::EmptyCode { element: "concept".into() },
        ));
    }
    finish(resource, file)
}

/// The catalog values of a read CodeSystem.
fn finish(resource: Resource, file: &str) -> Result<ImportBatch, ImportErrors> {
    let mut warnings = Vec::new();
    let id =
        canonical_id(resource.url.as_deref(), resource.id.as_deref(), resource.name.as_deref());
    let Some(id) = id else {
        return Err(ImportErrors::one(
            Location::file(file).field("url"),
            ImportErrorKind::NoCodeSystem { format: FORMAT },
        ));
    };
    let version = version_or_unversioned(resource.version.clone(), file, &mut warnings);
    let english = displays_not_norwegian(resource.language.as_deref(), file, &mut warnings);
    let content = match resource.content.as_deref() {
        Some("not-present") => ConceptContent::NotPresent,
        _ => ConceptContent::Complete,
    };
    let mut codes = std::collections::HashSet::with_capacity(resource.concepts.len());
    let errors: Vec<ImportError> = resource
        .concepts
        .iter()
        .filter(|raw| !codes.insert(raw.code.as_str()))
        .map(|raw| {
            ImportError::new(
                Location::file(file).field("concept.code"),
                ImportErrorKind::DuplicateCode { code: raw.code.clone(), system: id.clone() },
            )
        })
        .collect();
    drop(codes);
    if let Some(errors) = ImportErrors::from_vec(errors) {
        return Err(errors);
    }
    let mut concepts = Vec::with_capacity(resource.concepts.len());
    for raw in resource.concepts {
        let mut display = if english {
            LocalizedText { nb: None, en: raw.display }
        } else {
            LocalizedText { nb: raw.display, en: None }
        };
        add_designations(&mut display, raw.designations);
        concepts.push(Concept {
            code: raw.code,
            display,
            parent: raw.parent,
            period: Period::default(),
        });
    }
    let system = CodeSystem {
        id: CodeSystemId(id.clone()),
        name: resource.title.or(resource.name).unwrap_or_else(|| id.clone()),
        url: resource.url,
    };
    let version = CodeSystemVersion { system: CodeSystemId(id), version, content, concepts };
    let source = SourceFile { path: file.to_owned(), format: FORMAT.to_owned() };
    Ok(ImportBatch {
        warnings,
        files: vec![source],
        code_systems: vec![(system, version)],
        ..ImportBatch::default()
    })
}

/// A ValueSet as read, before it becomes a catalog value.
#[derive(Default)]
struct RawValueSet {
    id: Option<String>,
    url: Option<String>,
    version: Option<String>,
    name: Option<String>,
    title: Option<String>,
    language: Option<String>,
    rules: Vec<RawRule>,
}

/// An include or exclude rule as read, with each listed concept's designations.
struct RawRule {
    exclude: bool,
    rule: ValueSetRule,
    designations: Vec<Vec<(String, String)>>,
}

fn value_set_json(value: &Value, file: &str) -> Result<ImportBatch, ImportErrors> {
    let text_of = |value: &Value, key: &str| value[key].as_str().map(str::to_owned);
    let mut raw = RawValueSet {
        id: text_of(value, "id"),
        url: text_of(value, "url"),
        version: text_of(value, "version"),
        name: text_of(value, "name"),
        title: text_of(value, "title"),
        language: text_of(value, "language"),
        rules: Vec::new(),
    };
    for (exclude, key) in [(false, "include"), (true, "exclude")] {
        for rule in value["compose"][key].as_array().into_iter().flatten() {
            let mut designations = Vec::new();
            let mut concepts = Vec::new();
            for concept in rule["concept"].as_array().into_iter().flatten() {
                let Some(code) = concept["code"].as_str().filter(|code| !code.is_empty()) else {
                    return Err(ImportErrors::one(
                        Location::file(file).field(&format!("compose.{key}.concept.code")),
                        ImportErrorKind::EmptyCode { element: "concept".into() },
                    ));
                };
                concepts.push(ValueSetConcept {
                    code: code.to_owned(),
                    display: LocalizedText { nb: text_of(concept, "display"), en: None },
                });
                designations.push(
                    concept["designation"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|d| {
                            Some((
                                d["language"].as_str()?.to_owned(),
                                d["value"].as_str()?.to_owned(),
                            ))
                        })
                        .collect(),
                );
            }
            let filters = rule["filter"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| {
                    format!(
                        "{} {} {}",
                        f["property"].as_str().unwrap_or(""),
                        f["op"].as_str().unwrap_or(""),
                        f["value"].as_str().unwrap_or("")
                    )
                })
                .collect();
            let value_sets = rule["valueSet"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            raw.rules.push(RawRule {
                exclude,
                rule: ValueSetRule {
                    system: text_of(rule, "system"),
                    version: text_of(rule, "version"),
                    concepts,
                    filters,
                    value_sets,
                },
                designations,
            });
        }
    }
    finish_value_set(raw, file)
}

fn value_set_xml(mut reader: XmlReader<'_>, file: &str) -> Result<ImportBatch, ImportErrors> {
    let mut raw = RawValueSet::default();
    // The root is open; `path` holds what is open below it.
    let mut path: Vec<Cow<'_, str>> = vec![Cow::Borrowed("ValueSet")];
    let mut filter: (String, String, String) = Default::default();
    let mut designation: (Option<String>, Option<String>) = (None, None);
    loop {
        match reader.next()? {
            None => break,
            Some(XmlEvent::Start { name, attributes, at }) => {
                let value = attribute(&attributes, "value").map(str::to_owned);
                let parent = path.last().map(AsRef::as_ref);
                let rule = raw.rules.last_mut();
                match (name.as_ref(), parent, rule) {
                    (field, Some("ValueSet"), _) => match field {
                        "id" => raw.id = value,
                        "url" => raw.url = value,
                        "version" => raw.version = value,
                        "name" => raw.name = value,
                        "title" => raw.title = value,
                        "language" => raw.language = value,
                        _ => {}
                    },
                    ("include" | "exclude", Some("compose"), _) => {
                        raw.rules.push(RawRule {
                            exclude: name == "exclude",
                            rule: ValueSetRule::default(),
                            designations: Vec::new(),
                        });
                    }
                    ("system", Some("include" | "exclude"), Some(RawRule { rule, .. })) => {
                        rule.system = value;
                    }
                    ("version", Some("include" | "exclude"), Some(RawRule { rule, .. })) => {
                        rule.version = value;
                    }
                    ("valueSet", Some("include" | "exclude"), Some(RawRule { rule, .. })) => {
                        rule.value_sets.extend(value);
                    }
                    (
                        "concept",
                        Some("include" | "exclude"),
                        Some(RawRule { rule, designations, .. }),
                    ) => {
                        rule.concepts.push(ValueSetConcept {
                            code: String::new(),
                            display: LocalizedText::default(),
                        });
                        designations.push(Vec::new());
                    }
                    ("code", Some("concept"), Some(RawRule { rule, .. })) => {
                        if let Some(concept) = rule.concepts.last_mut() {
                            concept.code = value.unwrap_or_default();
                        }
                        if rule.concepts.last().is_some_and(|c| c.code.is_empty()) {
                            return Err(ImportErrors::one(
                                reader.locate(at).field("concept/code"),
                                ImportErrorKind::EmptyCode { element: "concept".into() },
                            ));
                        }
                    }
                    ("display", Some("concept"), Some(RawRule { rule, .. })) => {
                        if let Some(concept) = rule.concepts.last_mut() {
                            concept.display.nb = value;
                        }
                    }
                    ("language", Some("designation"), _) => designation.0 = value,
                    ("value", Some("designation"), _) => designation.1 = value,
                    ("property", Some("filter"), _) => filter.0 = value.unwrap_or_default(),
                    ("op", Some("filter"), _) => filter.1 = value.unwrap_or_default(),
                    ("value", Some("filter"), _) => filter.2 = value.unwrap_or_default(),
                    _ => {}
                }
                path.push(name);
            }
            Some(XmlEvent::End { name }) => {
                path.pop();
                let rule = raw.rules.last_mut();
                match (name.as_ref(), rule) {
                    ("designation", Some(RawRule { designations, .. })) => {
                        if let (Some(list), (Some(language), Some(value))) =
                            (designations.last_mut(), std::mem::take(&mut designation))
                        {
                            list.push((language, value));
                        }
                    }
                    ("filter", Some(RawRule { rule, .. })) => {
                        let (property, op, value) = std::mem::take(&mut filter);
                        rule.filters.push(format!("{property} {op} {value}"));
                    }
                    _ => {}
                }
            }
            Some(XmlEvent::Text(_)) => {}
        }
    }
    finish_value_set(raw, file)
}

/// The catalog value of a read ValueSet. Displays go in as Norwegian unless the resource's
/// language says otherwise, as for CodeSystems; Norwegian and English designations fill in.
fn finish_value_set(raw: RawValueSet, file: &str) -> Result<ImportBatch, ImportErrors> {
    let mut warnings = Vec::new();
    let id = canonical_id(raw.url.as_deref(), raw.id.as_deref(), raw.name.as_deref()).ok_or_else(
        || {
            ImportErrors::one(
                Location::file(file).field("url"),
                ImportErrorKind::MissingAttribute {
                    element: "ValueSet",
                    attribute: "url",
                    why: "a value set needs a URL, an id or a name to be known by",
                },
            )
        },
    )?;
    let version = version_or_unversioned(raw.version.clone(), file, &mut warnings);
    let english = displays_not_norwegian(raw.language.as_deref(), file, &mut warnings);
    let mut value_set = ValueSet {
        id: ValueSetId(id.clone()),
        url: raw.url,
        version,
        name: raw.title.or(raw.name).unwrap_or(id),
        includes: Vec::new(),
        excludes: Vec::new(),
    };
    for RawRule { exclude, mut rule, designations } in raw.rules {
        for (concept, designations) in rule.concepts.iter_mut().zip(designations) {
            if english {
                concept.display.en = concept.display.nb.take();
            }
            add_designations(&mut concept.display, designations);
        }
        if exclude { value_set.excludes.push(rule) } else { value_set.includes.push(rule) }
    }
    Ok(ImportBatch {
        warnings,
        files: vec![SourceFile { path: file.to_owned(), format: FORMAT.to_owned() }],
        value_sets: vec![value_set],
        ..ImportBatch::default()
    })
}

/// A ConceptMap's header as read.
#[derive(Default)]
struct RawMapHeader {
    id: Option<String>,
    url: Option<String>,
    version: Option<String>,
    name: Option<String>,
    title: Option<String>,
    source: Option<String>,
    target: Option<String>,
}

fn concept_map_json(value: &Value, file: &str) -> Result<ImportBatch, ImportErrors> {
    let text_of = |value: &Value, key: &str| value[key].as_str().map(str::to_owned);
    let first_of = |keys: &[&str]| keys.iter().find_map(|key| text_of(value, key));
    let header = RawMapHeader {
        id: text_of(value, "id"),
        url: text_of(value, "url"),
        version: text_of(value, "version"),
        name: text_of(value, "name"),
        title: text_of(value, "title"),
        source: first_of(&["sourceUri", "sourceCanonical"]),
        target: first_of(&["targetUri", "targetCanonical"]),
    };
    let mut groups = Vec::new();
    for group in value["group"].as_array().into_iter().flatten() {
        let mut elements = Vec::new();
        for element in group["element"].as_array().into_iter().flatten() {
            let Some(code) = element["code"].as_str().filter(|code| !code.is_empty()) else {
                return Err(ImportErrors::one(
                    Location::file(file).field("group.element.code"),
                    ImportErrorKind::EmptyCode { element: "element".into() },
                ));
            };
            let targets = element["target"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|target| CodeMapTarget {
                    code: text_of(target, "code"),
                    display: text_of(target, "display"),
                    equivalence: text_of(target, "equivalence")
                        .unwrap_or_else(|| "equivalent".into()),
                })
                .collect();
            elements.push(CodeMapElement {
                code: code.to_owned(),
                display: text_of(element, "display"),
                targets,
            });
        }
        groups.push(CodeMapGroup {
            source: text_of(group, "source"),
            target: text_of(group, "target"),
            elements,
        });
    }
    finish_concept_map(header, groups, file)
}

fn concept_map_xml(mut reader: XmlReader<'_>, file: &str) -> Result<ImportBatch, ImportErrors> {
    let mut header = RawMapHeader::default();
    let mut groups: Vec<CodeMapGroup> = Vec::new();
    let mut path: Vec<Cow<'_, str>> = vec![Cow::Borrowed("ConceptMap")];
    loop {
        match reader.next()? {
            None => break,
            Some(XmlEvent::Start { name, attributes, at }) => {
                let value = attribute(&attributes, "value").map(str::to_owned);
                let parent = path.last().map(AsRef::as_ref);
                let group = groups.last_mut();
                match (name.as_ref(), parent, group) {
                    (field, Some("ConceptMap"), _) => match field {
                        "id" => header.id = value,
                        "url" => header.url = value,
                        "version" => header.version = value,
                        "name" => header.name = value,
                        "title" => header.title = value,
                        "sourceUri" | "sourceCanonical" => header.source = value,
                        "targetUri" | "targetCanonical" => header.target = value,
                        "group" => groups.push(CodeMapGroup::default()),
                        _ => {}
                    },
                    ("source", Some("group"), Some(group)) => group.source = value,
                    ("target", Some("group"), Some(group)) => group.target = value,
                    ("element", Some("group"), Some(group)) => {
                        group.elements.push(CodeMapElement {
                            code: String::new(),
                            display: None,
                            targets: Vec::new(),
                        })
                    }
                    ("code", Some("element"), Some(group)) => {
                        let code = value.filter(|code| !code.is_empty()).ok_or_else(|| {
                            ImportErrors::one(
                                reader.locate(at).field("element/code"),
                                ImportErrorKind::EmptyCode { element: "element".into() },
                            )
                        })?;
                        if let Some(element) = group.elements.last_mut() {
                            element.code = code;
                        }
                    }
                    ("display", Some("element"), Some(group)) => {
                        if let Some(element) = group.elements.last_mut() {
                            element.display = value;
                        }
                    }
                    ("target", Some("element"), Some(group)) => {
                        if let Some(element) = group.elements.last_mut() {
                            element.targets.push(CodeMapTarget {
                                code: None,
                                display: None,
                                equivalence: "equivalent".into(),
                            });
                        }
                    }
                    (field @ ("code" | "display" | "equivalence"), Some("target"), Some(group)) => {
                        if let Some(target) =
                            group.elements.last_mut().and_then(|e| e.targets.last_mut())
                        {
                            match field {
                                "code" => target.code = value,
                                "display" => target.display = value,
                                _ => target.equivalence = value.unwrap_or_default(),
                            }
                        }
                    }
                    _ => {}
                }
                path.push(name);
            }
            Some(XmlEvent::End { .. }) => {
                path.pop();
            }
            Some(XmlEvent::Text(_)) => {}
        }
    }
    if groups.iter().flat_map(|g| &g.elements).any(|element| element.code.is_empty()) {
        return Err(ImportErrors::one(
            Location::file(file).field("element/code"),
            ImportErrorKind::EmptyCode { element: "element".into() },
        ));
    }
    finish_concept_map(header, groups, file)
}

fn finish_concept_map(
    header: RawMapHeader,
    groups: Vec<CodeMapGroup>,
    file: &str,
) -> Result<ImportBatch, ImportErrors> {
    let mut warnings = Vec::new();
    let id = canonical_id(header.url.as_deref(), header.id.as_deref(), header.name.as_deref())
        .ok_or_else(|| {
            ImportErrors::one(
                Location::file(file).field("url"),
                ImportErrorKind::MissingAttribute {
                    element: "ConceptMap",
                    attribute: "url",
                    why: "a code map needs a URL, an id or a name to be known by",
                },
            )
        })?;
    let version = version_or_unversioned(header.version, file, &mut warnings);
    let code_map = CodeMap {
        id: CodeMapId(id.clone()),
        url: header.url,
        version,
        name: header.title.or(header.name).unwrap_or(id),
        source: header.source,
        target: header.target,
        groups,
    };
    Ok(ImportBatch {
        warnings,
        files: vec![SourceFile { path: file.to_owned(), format: FORMAT.to_owned() }],
        code_maps: vec![code_map],
        ..ImportBatch::default()
    })
}
