//! Reads DDI-Lifecycle 3.x XML (3.0 `LogicalProduct`, 3.2 `DDIInstance`, 3.3
//! `FragmentInstance`), where variables, questions, code lists and categories are separate
//! items that refer to each other: by URN (`r:URN`), by agency, id and version (3.3), or by
//! `id` (3.0). The document is read into a small tree, every identified item is indexed, and
//! each variable's references (its question, its representation's code list, each code's
//! category) are resolved; a reference to an item the file does not hold is an error at the
//! reference's line.
//!
//! The tree holds the whole document: DDI-Lifecycle resolves references in any direction, so a
//! variable cannot be finished before the file is read to its end.

use std::collections::HashMap;

use catalog::{
    Category, DataType, LocalizedText, Period, RegistryId, SourceFile, ValueDomain,
    VariableDefinition,
};

use crate::batch::{ImportBatch, Warning};
use crate::error::{ImportError, ImportErrorKind, ImportErrors, variable_key};
use crate::location::Location;
use crate::xml::{XmlEvent, XmlReader, attribute};

/// The format's name in provenance and messages.
pub(crate) const FORMAT: &str = "ddi-lifecycle";

/// One element of the document.
struct Node {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<usize>,
    location: Location,
    /// The `xml:lang` in force here.
    lang: Option<String>,
}

struct Tree {
    nodes: Vec<Node>,
}

impl Tree {
    fn read(text: &str, file: &str) -> Result<Tree, ImportErrors> {
        let mut reader = XmlReader::new(text, file);
        let mut nodes: Vec<Node> = Vec::new();
        let mut open: Vec<usize> = Vec::new();
        while let Some(event) = reader.next()? {
            match event {
                XmlEvent::Start { name, attributes, at } => {
                    let lang = attribute(&attributes, "lang")
                        .map(str::to_owned)
                        .or_else(|| open.last().and_then(|&parent| nodes[parent].lang.clone()));
                    nodes.push(Node {
                        name: name.into_owned(),
                        attributes: attributes
                            .into_iter()
                            .map(|(key, value)| (key.into_owned(), value.into_owned()))
                            .collect(),
                        text: String::new(),
                        children: Vec::new(),
                        location: reader.locate(at),
                        lang,
                    });
                    let index = nodes.len() - 1;
                    if let Some(&parent) = open.last() {
                        nodes[parent].children.push(index);
                    }
                    open.push(index);
                }
                XmlEvent::End { .. } => {
                    open.pop();
                }
                XmlEvent::Text(text) => {
                    if let Some(&current) = open.last() {
                        nodes[current].text.push_str(&text);
                    }
                }
            }
        }
        Ok(Tree { nodes })
    }

    fn child(&self, node: usize, name: &str) -> Option<usize> {
        self.nodes[node].children.iter().copied().find(|&c| self.nodes[c].name == name)
    }

    fn children<'a>(&'a self, node: usize, name: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.nodes[node].children.iter().copied().filter(move |&c| self.nodes[c].name == name)
    }

    fn text(&self, node: usize) -> Option<String> {
        let text = self.nodes[node].text.trim();
        (!text.is_empty()).then(|| text.to_owned())
    }

    /// The identity an item carries, or a reference names: its URN, its agency, id and version,
    /// or (3.0) its id.
    fn identity(&self, node: usize, is_reference: bool) -> Option<String> {
        if let Some(urn) = self.child(node, "URN").and_then(|c| self.text(c)) {
            return Some(urn);
        }
        let part = |name| self.child(node, name).and_then(|c| self.text(c));
        if let (Some(agency), Some(id), Some(version)) =
            (part("Agency"), part("ID"), part("Version"))
        {
            return Some(format!("urn:ddi:{agency}:{id}:{version}"));
        }
        if is_reference {
            return part("ID").map(|id| format!("id:{id}"));
        }
        attribute(&self.nodes[node].attributes, "id").map(|id| format!("id:{id}"))
    }

    /// A text in each language: `r:String` or `r:Content` children (3.2, 3.3), else the
    /// element's own text (3.0).
    fn localized(&self, node: usize) -> LocalizedText {
        let mut text = LocalizedText::default();
        let pieces: Vec<usize> = self.nodes[node]
            .children
            .iter()
            .copied()
            .filter(|&c| matches!(self.nodes[c].name.as_str(), "String" | "Content" | "Text"))
            .collect();
        let pieces = if pieces.is_empty() { vec![node] } else { pieces };
        for piece in pieces {
            let Some(value) = self.text(piece) else { continue };
            let english = self.nodes[piece].lang.as_deref().is_some_and(|l| l.starts_with("en"));
            let slot = if english { &mut text.en } else { &mut text.nb };
            slot.get_or_insert(value);
        }
        text
    }
}

/// A reference resolved, or the error saying where it points nowhere.
struct Resolver<'a> {
    tree: &'a Tree,
    items: HashMap<String, usize>,
}

impl Resolver<'_> {
    fn follow(&self, reference: usize, what: &'static str) -> Result<usize, ImportError> {
        let node = &self.tree.nodes[reference];
        let Some(identity) = self.tree.identity(reference, true) else {
            return Err(ImportError::new(
                node.location.clone().field(&node.name),
                ImportErrorKind::DanglingReference { reference: String::new(), what },
            ));
        };
        self.items.get(&identity).copied().ok_or_else(|| {
            ImportError::new(
                node.location.clone().field(&node.name),
                ImportErrorKind::DanglingReference { reference: identity, what },
            )
        })
    }
}

/// Reads a DDI-Lifecycle document. `registry` names the registry; without it, the agency of the
/// first variable does (`uk.closer` becomes `uk-closer`).
pub(crate) fn read(
    text: &str,
    file: &str,
    registry: Option<&RegistryId>,
) -> Result<ImportBatch, ImportErrors> {
    let tree = Tree::read(text, file)?;
    let mut items = HashMap::new();
    for (index, node) in tree.nodes.iter().enumerate() {
        if node.name.ends_with("Reference") {
            continue;
        }
        if let Some(identity) = tree.identity(index, false) {
            items.entry(identity).or_insert(index);
        }
    }
    let resolver = Resolver { tree: &tree, items };
    let variables: Vec<usize> = (0..tree.nodes.len())
        .filter(|&i| {
            tree.nodes[i].name == "Variable"
                && tree.nodes[i]
                    .children
                    .iter()
                    .any(|&c| matches!(tree.nodes[c].name.as_str(), "VariableName" | "Name"))
        })
        .collect();
    let registry = match registry {
        Some(registry) => registry.clone(),
        None => {
            let agency = variables.iter().find_map(|&v| {
                let urn = tree.identity(v, false)?;
                urn.strip_prefix("urn:ddi:")?.split(':').next().map(str::to_owned)
            });
            let slug = agency.map(|agency| {
                agency
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
                    .collect::<String>()
            });
            match slug.and_then(|slug| RegistryId::new(&slug).ok()) {
                Some(id) => id,
                None => {
                    return Err(ImportErrors::one(
                        Location::file(file),
                        ImportErrorKind::NoRegistry { format: FORMAT },
                    ));
                }
            }
        }
    };
    let source = SourceFile { path: file.to_owned(), format: FORMAT.to_owned() };
    let mut errors: Vec<ImportError> = Vec::new();
    let mut warnings: Vec<Warning> = Vec::new();
    let mut incoming = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for &variable in &variables {
        let node = &tree.nodes[variable];
        let name = tree
            .child(variable, "VariableName")
            .map(|n| tree.localized(n))
            .and_then(|t| t.nb.or(t.en))
            .or_else(|| tree.child(variable, "Name").and_then(|n| tree.text(n)));
        let Some(name) = name else {
            errors.push(ImportError::new(node.location.clone(), ImportErrorKind::EmptyName));
            continue;
        };
        let line = node.location.line.unwrap_or(0);
        if let Some(first_line) = seen.insert(name.clone(), line) {
            errors.push(ImportError::new(
                node.location.clone(),
                ImportErrorKind::DuplicateVariable { name, first_line },
            ));
            continue;
        }
        let key = match variable_key(&registry, &name, || node.location.clone()) {
            Ok(key) => key,
            Err(err) => {
                errors.push(err);
                continue;
            }
        };
        match definition(&resolver, variable) {
            Ok((definition, note)) => {
                if let Some(note) = note {
                    warnings.push(Warning { location: node.location.clone(), message: note });
                }
                incoming.push(catalog::IncomingVariable {
                    key,
                    definition,
                    source: source.clone(),
                });
            }
            Err(err) => errors.push(err),
        }
    }
    if let Some(errors) = ImportErrors::from_vec(errors) {
        return Err(errors);
    }
    Ok(ImportBatch {
        registries: Vec::new(),
        variables: incoming,
        warnings,
        files: vec![source],
        ..ImportBatch::default()
    })
}

/// A variable's definition: its label (3.0 labels of `type="label"`; the 8-character
/// `type="name"` label is not one), description, question, and representation with its codes.
fn definition(
    resolver: &Resolver<'_>,
    variable: usize,
) -> Result<(VariableDefinition, Option<String>), ImportError> {
    let tree = resolver.tree;
    let label = tree
        .children(variable, "Label")
        .find(|&l| attribute(&tree.nodes[l].attributes, "type").is_none_or(|t| t == "label"))
        .map(|l| tree.localized(l))
        .unwrap_or_default();
    let description =
        tree.child(variable, "Description").map(|d| tree.localized(d)).unwrap_or_default();
    let mut question = LocalizedText::default();
    for reference in tree.children(variable, "QuestionReference") {
        let item = resolver.follow(reference, "a question")?;
        if let Some(text) = tree.child(item, "QuestionText") {
            let literal = tree
                .child(text, "LiteralText")
                .and_then(|l| tree.child(l, "Text"))
                .map(|t| tree.localized(t))
                .unwrap_or_else(|| tree.localized(text));
            question = literal;
        }
    }
    let representation = tree
        .child(variable, "VariableRepresentation")
        .or_else(|| tree.child(variable, "Representation"));
    let mut note = None;
    let (data_type, categories) = match representation {
        None => {
            note = Some("no representation; kept as text".to_owned());
            (DataType::Text, Vec::new())
        }
        Some(representation) => represent(resolver, representation)?,
    };
    Ok((
        VariableDefinition {
            label,
            description,
            question,
            value_domain: ValueDomain { categories, ..ValueDomain::default() },
            period: Period::default(),
            ..VariableDefinition::of_type(data_type)
        },
        note,
    ))
}

fn represent(
    resolver: &Resolver<'_>,
    representation: usize,
) -> Result<(DataType, Vec<Category>), ImportError> {
    let tree = resolver.tree;
    for &child in &tree.nodes[representation].children {
        let node = &tree.nodes[child];
        match node.name.as_str() {
            "CodeRepresentation" => {
                let reference = tree
                    .child(child, "CodeListReference")
                    .or_else(|| tree.child(child, "CodeSchemeReference"));
                let Some(reference) = reference else {
                    return Ok((DataType::Categorical, Vec::new()));
                };
                let list = resolver.follow(reference, "a code list")?;
                let mut categories = Vec::new();
                for (order, code) in tree.children(list, "Code").enumerate() {
                    let value = tree.child(code, "Value").and_then(|v| tree.text(v));
                    let Some(value) = value else {
                        return Err(ImportError::new(
                            tree.nodes[code].location.clone(),
                            ImportErrorKind::EmptyCode { element: "Code".into() },
                        ));
                    };
                    let category = tree
                        .child(code, "CategoryReference")
                        .map(|reference| resolver.follow(reference, "a category"))
                        .transpose()?;
                    let label = category
                        .and_then(|category| tree.child(category, "Label"))
                        .map(|l| tree.localized(l))
                        .unwrap_or_default();
                    let missing = category.is_some_and(|category| {
                        attribute(&tree.nodes[category].attributes, "missing") == Some("true")
                    });
                    categories.push(Category {
                        code: value,
                        label,
                        missing,
                        order: order as u32,
                        period: Period::default(),
                    });
                }
                return Ok((DataType::Categorical, categories));
            }
            "NumericRepresentation" => {
                let attributes = &node.attributes;
                // SPSS-style formats give the decimals too: `F8.0` is a whole number.
                let recommended =
                    tree.child(child, "RecommendedDataType").and_then(|r| tree.text(r));
                let decimals = attribute(attributes, "decimalPositions")
                    .and_then(|d| d.parse::<u32>().ok())
                    .or_else(|| recommended.as_deref()?.split_once('.')?.1.parse::<u32>().ok());
                let kind = attribute(attributes, "type").unwrap_or("");
                let integer = decimals == Some(0)
                    || matches!(kind, "Integer" | "BigInteger" | "Long" | "Short" | "Int");
                let data_type = if integer { DataType::Integer } else { DataType::Decimal };
                return Ok((data_type, Vec::new()));
            }
            "DateTimeRepresentation" => {
                let kind = attribute(&node.attributes, "type")
                    .map(str::to_owned)
                    .or_else(|| tree.child(child, "DateTypeCode").and_then(|c| tree.text(c)))
                    .unwrap_or_default();
                let data_type =
                    if kind.contains("Time") { DataType::Datetime } else { DataType::Date };
                return Ok((data_type, Vec::new()));
            }
            "TextRepresentation" => return Ok((DataType::Text, Vec::new())),
            _ => {}
        }
    }
    Ok((DataType::Text, Vec::new()))
}
