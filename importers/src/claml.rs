//! Reads ClaML 2.0, the XML in which WHO and national centres publish ICD-10 and its relatives.
//! Each `Class` becomes a concept: its preferred rubric is the display, its first `SuperClass`
//! the parent. A class `ModifiedBy` a modifier gets the modifier's subdivisions as children, their
//! codes the class code followed by the modifier class code (ICD-10's fourth and fifth
//! characters), limited to the `ValidModifierClass` codes where the class names them. The code
//! system is `Title/@name`, in version `Title/@version`.

use std::collections::{HashMap, HashSet};

use catalog::{
    CodeSystem, CodeSystemId, CodeSystemVersion, Concept, ConceptContent, LocalizedText, Period,
    SourceFile,
};

use crate::batch::{ImportBatch, Warning};
use crate::error::{ImportError, ImportErrorKind, ImportErrors};
use crate::location::Location;
use crate::xml::{XmlEvent, XmlReader, attribute};

/// The format's name in provenance and messages.
pub(crate) const FORMAT: &str = "claml";

/// More concepts than any real classification has (ICD-10-GM has about 17,000); modifiers that
/// multiply past it are a mistake or an attack, not a classification.
const MAX_CONCEPTS: usize = 1_000_000;

/// A `Class` or `ModifierClass` as read.
struct RawClass {
    code: String,
    location: Location,
    /// For a `ModifierClass`, the modifier it belongs to.
    modifier: Option<String>,
    parent: Option<String>,
    display: LocalizedText,
    /// The modifiers applied to the class, each with the modifier classes it allows (all when
    /// empty).
    modified_by: Vec<(String, Vec<String>)>,
}

/// Where the reader is inside a preferred rubric's label.
struct OpenLabel {
    language: Option<String>,
    text: String,
}

/// Reads a ClaML document as one code system version.
pub(crate) fn read(mut reader: XmlReader<'_>, file: &str) -> Result<ImportBatch, ImportErrors> {
    let (mut name, mut version, mut title, mut uid) = (None, None, String::new(), None);
    let mut in_title = false;
    let mut classes: Vec<RawClass> = Vec::new();
    let mut modifier_classes: Vec<RawClass> = Vec::new();
    let mut open: Option<RawClass> = None;
    let mut preferred_rubric = false;
    let mut label: Option<OpenLabel> = None;
    let mut errors = Vec::new();
    loop {
        match reader.next()? {
            None => break,
            Some(XmlEvent::Start { name: element, attributes, at }) => {
                let get = |key: &str| attribute(&attributes, key).map(str::to_owned);
                match element.as_ref() {
                    "ClaML" | "Meta" => {}
                    "Title" => {
                        (name, version, in_title) = (get("name"), get("version"), true);
                    }
                    "Identifier" => uid = uid.or(get("uid")),
                    "Class" | "ModifierClass" => {
                        match get("code").filter(|code| !code.is_empty()) {
                            Some(code) => {
                                open = Some(RawClass {
                                    code,
                                    location: reader.locate(at),
                                    modifier: get("modifier"),
                                    parent: None,
                                    display: LocalizedText::default(),
                                    modified_by: Vec::new(),
                                });
                            }
                            None => errors.push(ImportError::new(
                                reader.locate(at).field("code"),
                                ImportErrorKind::EmptyCode { element: element.into_owned() },
                            )),
                        }
                    }
                    "SuperClass" => {
                        if let Some(class) = open.as_mut() {
                            class.parent = class.parent.take().or(get("code"));
                        }
                    }
                    "ModifiedBy" => {
                        if let (Some(class), Some(code)) = (open.as_mut(), get("code")) {
                            class.modified_by.push((code, Vec::new()));
                        }
                    }
                    "ValidModifierClass" => {
                        let last = open.as_mut().and_then(|class| class.modified_by.last_mut());
                        if let (Some((_, valid)), Some(code)) = (last, get("code")) {
                            valid.push(code);
                        }
                    }
                    "Rubric" => {
                        preferred_rubric = attribute(&attributes, "kind") == Some("preferred")
                    }
                    "Label" if preferred_rubric && open.is_some() => {
                        label = Some(OpenLabel { language: get("lang"), text: String::new() });
                    }
                    _ => {}
                }
            }
            Some(XmlEvent::Text(piece)) => {
                if let Some(label) = label.as_mut() {
                    label.text.push_str(&piece);
                } else if in_title {
                    title.push_str(&piece);
                }
            }
            Some(XmlEvent::End { name: element }) => match element.as_ref() {
                "Title" => in_title = false,
                "Rubric" => preferred_rubric = false,
                "Label" => {
                    if let (Some(done), Some(class)) = (label.take(), open.as_mut()) {
                        let text = crate::values::collapse_whitespace(&done.text);
                        // A label without `xml:lang` is taken as English, the language of
                        // WHO's own releases.
                        let slot = match done.language.as_deref() {
                            Some(lang)
                                if ["no", "nb", "nn"].iter().any(|n| lang.starts_with(n)) =>
                            {
                                &mut class.display.nb
                            }
                            Some(lang) if !lang.starts_with("en") => continue,
                            _ => &mut class.display.en,
                        };
                        slot.get_or_insert(text);
                    }
                }
                "Class" => classes.extend(open.take()),
                "ModifierClass" => modifier_classes.extend(open.take()),
                _ => {}
            },
        }
    }
    let id = name.filter(|name| !name.trim().is_empty());
    let concepts = concepts(id.as_deref().unwrap_or(file), classes, &modifier_classes, &mut errors);
    let Some(id) = id else {
        errors.push(ImportError::new(
            Location::file(file).field("Title"),
            ImportErrorKind::MissingAttribute {
                element: "Title",
                attribute: "name",
                why: "it names the code system",
            },
        ));
        return Err(ImportErrors::from_vec(errors).expect("an error was pushed"));
    };
    if let Some(errors) = ImportErrors::from_vec(errors) {
        return Err(errors);
    }
    let mut warnings = Vec::new();
    let version = version.filter(|version| !version.trim().is_empty()).unwrap_or_else(|| {
        warnings.push(Warning {
            location: Location::file(file).field("Title/@version"),
            message: "no version; kept as version `unversioned`".into(),
        });
        "unversioned".to_owned()
    });
    let title = crate::values::collapse_whitespace(&title);
    let system = CodeSystem {
        id: CodeSystemId(id.clone()),
        name: if title.is_empty() { id.clone() } else { title },
        url: uid.map(|uid| format!("urn:oid:{uid}")),
    };
    let version = CodeSystemVersion {
        system: CodeSystemId(id),
        version,
        content: ConceptContent::Complete,
        concepts,
    };
    Ok(ImportBatch {
        warnings,
        files: vec![SourceFile { path: file.to_owned(), format: FORMAT.to_owned() }],
        code_systems: vec![(system, version)],
        ..ImportBatch::default()
    })
}

/// The classes as concepts, followed by the subdivisions their modifiers add.
fn concepts(
    system: &str,
    classes: Vec<RawClass>,
    modifier_classes: &[RawClass],
    errors: &mut Vec<ImportError>,
) -> Vec<Concept> {
    let mut by_modifier: HashMap<&str, Vec<&RawClass>> = HashMap::new();
    for class in modifier_classes {
        by_modifier.entry(class.modifier.as_deref().unwrap_or("")).or_default().push(class);
    }
    // The classes' codes are borrowed while the subdivisions are made; then the classes become
    // concepts without a copy.
    let mut codes: HashSet<&str> = HashSet::with_capacity(classes.len());
    for class in &classes {
        if !codes.insert(&class.code) {
            errors.push(ImportError::new(
                class.location.clone().field("code"),
                ImportErrorKind::DuplicateCode { code: class.code.clone(), system: system.into() },
            ));
        }
    }
    let mut subdivisions = Vec::new();
    let mut made = HashSet::new();
    'classes: for class in classes.iter().filter(|class| !class.modified_by.is_empty()) {
        // Each modifier subdivides every code the modifiers before it made.
        let mut level = vec![(class.code.clone(), class.display.clone())];
        for (modifier, valid) in &class.modified_by {
            let Some(modifier_classes) = by_modifier.get(modifier.as_str()) else {
                errors.push(ImportError::new(
                    class.location.clone().field("ModifiedBy"),
                    ImportErrorKind::UnknownModifier { modifier: modifier.clone() },
                ));
                break;
            };
            let mut next = Vec::new();
            for parent in &level {
                for subdivision in modifier_classes {
                    if !valid.is_empty() && !valid.contains(&subdivision.code) {
                        continue;
                    }
                    let code = format!("{}{}", parent.0, subdivision.code);
                    let display = subdivided(&parent.1, &subdivision.display);
                    // An explicit class with this code says more than the modifier does.
                    if !codes.contains(code.as_str()) && made.insert(code.clone()) {
                        subdivisions.push(Concept {
                            code: code.clone(),
                            display: display.clone(),
                            parent: Some(parent.0.clone()),
                            period: Period::default(),
                        });
                    }
                    next.push((code, display));
                }
            }
            if classes.len() + subdivisions.len() > MAX_CONCEPTS {
                errors.push(ImportError::new(
                    class.location.clone().field("ModifiedBy"),
                    ImportErrorKind::TooManyConcepts { limit: MAX_CONCEPTS },
                ));
                break 'classes;
            }
            level = next;
        }
    }
    drop(codes);
    let mut concepts = Vec::with_capacity(classes.len() + subdivisions.len());
    concepts.extend(classes.into_iter().map(|class| Concept {
        code: class.code,
        display: class.display,
        parent: class.parent,
        period: Period::default(),
    }));
    concepts.extend(subdivisions);
    concepts
}

/// A subdivision's display, read with its parent's as ICD-10 prints them: "Fracture of vault of
/// skull: closed".
fn subdivided(parent: &LocalizedText, subdivision: &LocalizedText) -> LocalizedText {
    let join = |parent: &Option<String>, own: &Option<String>| match (parent, own) {
        (Some(parent), Some(own)) => Some(format!("{parent}: {own}")),
        (None, own) => own.clone(),
        (parent, None) => parent.clone(),
    };
    LocalizedText { nb: join(&parent.nb, &subdivision.nb), en: join(&parent.en, &subdivision.en) }
}
