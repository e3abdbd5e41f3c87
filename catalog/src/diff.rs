//! Differences between two variable versions, field by field and category by category, each
//! classed compatible or breaking. The two versions may belong to different variables, which is
//! how reviewers compare near-duplicates across registries.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use crate::change_log::VersionRef;
use crate::model::{Category, LocalizedText, VariableVersion};

/// Whether data collected under the old version still means the same under the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compatibility {
    /// Old data keeps its meaning (a relabelled option, a new option, a longer period).
    Compatible,
    /// Old data would be misread (a removed or recoded option, a changed type or unit).
    Breaking,
}

impl Compatibility {
    /// The name it has on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Compatibility::Compatible => "compatible",
            Compatibility::Breaking => "breaking",
        }
    }
}

impl fmt::Display for Compatibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// One word-level piece of a text change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WordChange {
    /// Kept, removed or added.
    pub kind: WordChangeKind,
    /// The words, with the whitespace between them.
    pub text: String,
}

/// Whether a piece of text was kept, removed or added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WordChangeKind {
    /// In both versions.
    Same,
    /// Only in the old version.
    Removed,
    /// Only in the new version.
    Added,
}

/// A changed field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// The field, such as `label.nb`, `data_type` or `period.to`.
    pub field: &'static str,
    /// The old value, if there was one.
    pub before: Option<String>,
    /// The new value, if there is one.
    pub after: Option<String>,
    /// Word-level differences, for text fields.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<WordChange>,
    /// Compatible or breaking.
    pub compatibility: Compatibility,
}

/// A changed answer option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "lowercase")]
pub enum CategoryChange {
    /// A new code.
    Added {
        /// The code.
        code: String,
        /// Its label.
        label: String,
    },
    /// A code that is gone.
    Removed {
        /// The code.
        code: String,
        /// Its label.
        label: String,
    },
    /// The same code with a new label.
    Relabelled {
        /// The code.
        code: String,
        /// The old label.
        before: String,
        /// The new label.
        after: String,
        /// Word-level differences between the labels.
        words: Vec<WordChange>,
    },
    /// The same answer under a new code.
    Recoded {
        /// The answer's label.
        label: String,
        /// The old code.
        before: String,
        /// The new code.
        after: String,
    },
    /// A code that now does, or no longer does, mean "missing".
    MissingFlag {
        /// The code.
        code: String,
        /// True when the code now means missing.
        missing: bool,
    },
}

impl CategoryChange {
    /// Removed, recoded and re-flagged options change how old data reads; the rest do not.
    pub fn compatibility(&self) -> Compatibility {
        match self {
            CategoryChange::Added { .. } | CategoryChange::Relabelled { .. } => {
                Compatibility::Compatible
            }
            CategoryChange::Removed { .. }
            | CategoryChange::Recoded { .. }
            | CategoryChange::MissingFlag { .. } => Compatibility::Breaking,
        }
    }
}

/// Everything that differs between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionDiff {
    /// The old version.
    pub from: VersionRef,
    /// The new version.
    pub to: VersionRef,
    /// Changed fields, in a fixed order.
    pub fields: Vec<FieldChange>,
    /// Changed answer options, in the order of the codes.
    pub categories: Vec<CategoryChange>,
    /// Breaking if any field or category change is.
    pub compatibility: Compatibility,
}

impl VersionDiff {
    /// True when the two versions define the same thing.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.categories.is_empty()
    }
}

/// Compares two versions.
pub fn diff_versions(from: &VariableVersion, to: &VariableVersion) -> VersionDiff {
    let (a, b) = (&from.definition, &to.definition);
    let mut fields = Vec::new();
    text_fields(&mut fields, ("label.nb", "label.en"), &a.label, &b.label);
    text_fields(&mut fields, ("description.nb", "description.en"), &a.description, &b.description);
    text_fields(&mut fields, ("question.nb", "question.en"), &a.question, &b.question);
    use Compatibility::{Breaking, Compatible};
    let mut push = |field, before: Option<String>, after: Option<String>, compatibility| {
        if before != after {
            fields.push(FieldChange { field, before, after, words: Vec::new(), compatibility });
        }
    };
    push("data_type", Some(a.data_type.to_string()), Some(b.data_type.to_string()), Breaking);
    push("unit", a.unit.clone(), b.unit.clone(), Breaking);
    let binding = |domain: &crate::model::ValueDomain| {
        domain.code_system.as_ref().map(|binding| binding.system.to_string())
    };
    push("code_system", binding(&a.value_domain), binding(&b.value_domain), Breaking);
    let binding_version = |domain: &crate::model::ValueDomain| {
        domain.code_system.as_ref().and_then(|binding| binding.version.clone())
    };
    push(
        "code_system.version",
        binding_version(&a.value_domain),
        binding_version(&b.value_domain),
        Compatible,
    );
    let range_end = |domain: &crate::model::ValueDomain, max: bool| {
        domain.value_domain_bound(max).map(|value| value.to_string())
    };
    push(
        "range.min",
        range_end(&a.value_domain, false),
        range_end(&b.value_domain, false),
        Compatible,
    );
    push(
        "range.max",
        range_end(&a.value_domain, true),
        range_end(&b.value_domain, true),
        Compatible,
    );
    push(
        "period.from",
        a.period.from.map(|d| d.to_string()),
        b.period.from.map(|d| d.to_string()),
        Compatible,
    );
    push(
        "period.to",
        a.period.to.map(|d| d.to_string()),
        b.period.to.map(|d| d.to_string()),
        Compatible,
    );
    push("section", a.section.clone(), b.section.clone(), Compatible);
    push(
        "status",
        Some(from.visible_status().to_string()),
        Some(to.visible_status().to_string()),
        Compatible,
    );

    let categories = diff_categories(&a.value_domain.categories, &b.value_domain.categories);
    let compatibility = fields
        .iter()
        .map(|field| field.compatibility)
        .chain(categories.iter().map(CategoryChange::compatibility))
        .max()
        .unwrap_or(Compatible);
    VersionDiff {
        from: VersionRef { key: from.key.clone(), version: from.version },
        to: VersionRef { key: to.key.clone(), version: to.version },
        fields,
        categories,
        compatibility,
    }
}

impl crate::model::ValueDomain {
    fn value_domain_bound(&self, max: bool) -> Option<f64> {
        self.range.and_then(|range| if max { range.max } else { range.min })
    }
}

fn text_fields(
    out: &mut Vec<FieldChange>,
    (nb_field, en_field): (&'static str, &'static str),
    a: &LocalizedText,
    b: &LocalizedText,
) {
    for (field, before, after) in [(nb_field, &a.nb, &b.nb), (en_field, &a.en, &b.en)] {
        if before != after {
            out.push(FieldChange {
                field,
                before: before.clone(),
                after: after.clone(),
                words: word_diff(before.as_deref().unwrap_or(""), after.as_deref().unwrap_or("")),
                compatibility: Compatibility::Compatible,
            });
        }
    }
}

/// Word-level differences between two texts, as kept, removed and added runs.
pub fn word_diff(before: &str, after: &str) -> Vec<WordChange> {
    let diff = TextDiff::from_words(before, after);
    let mut out: Vec<WordChange> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => WordChangeKind::Same,
            ChangeTag::Delete => WordChangeKind::Removed,
            ChangeTag::Insert => WordChangeKind::Added,
        };
        match out.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(change.value()),
            _ => out.push(WordChange { kind, text: change.value().to_owned() }),
        }
    }
    out
}

fn label_of(category: &Category) -> String {
    category.label.best().unwrap_or("").to_owned()
}

fn normalized(label: &str) -> String {
    label.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Matches categories by code, then finds answers that moved to another code (recoded)
/// before calling the rest removed or added. A label is only followed to a new code when it
/// is unique on both sides, so that two options both labelled "Annet" are not confused.
fn diff_categories(before: &[Category], after: &[Category]) -> Vec<CategoryChange> {
    let by_code = |categories: &[Category]| -> BTreeMap<String, Category> {
        categories.iter().map(|category| (category.code.clone(), category.clone())).collect()
    };
    let unique_labels = |categories: &[Category]| -> BTreeMap<String, String> {
        let mut counts: BTreeMap<String, (usize, String)> = BTreeMap::new();
        for category in categories {
            let entry =
                counts.entry(normalized(&label_of(category))).or_insert((0, category.code.clone()));
            entry.0 += 1;
        }
        counts
            .into_iter()
            .filter(|(label, (n, _))| *n == 1 && !label.is_empty())
            .map(|(label, (_, code))| (label, code))
            .collect()
    };
    let (old, new) = (by_code(before), by_code(after));
    let (old_labels, new_labels) = (unique_labels(before), unique_labels(after));

    let mut changes = Vec::new();
    let mut recoded_from = BTreeSet::new();
    let mut recoded_to = BTreeSet::new();
    for (code, category) in &old {
        let label = normalized(&label_of(category));
        let same_place = new.get(code).is_some_and(|now| normalized(&label_of(now)) == label);
        if same_place || !old_labels.contains_key(&label) {
            continue;
        }
        if let Some(new_code) = new_labels.get(&label).filter(|new_code| *new_code != code) {
            changes.push(CategoryChange::Recoded {
                label: label_of(category),
                before: code.clone(),
                after: new_code.clone(),
            });
            recoded_from.insert(code.clone());
            recoded_to.insert(new_code.clone());
        }
    }
    for (code, category) in &old {
        if recoded_from.contains(code) {
            continue;
        }
        match new.get(code) {
            Some(now) if !recoded_to.contains(code) => {
                let (was, is) = (label_of(category), label_of(now));
                if normalized(&was) != normalized(&is) {
                    changes.push(CategoryChange::Relabelled {
                        code: code.clone(),
                        words: word_diff(&was, &is),
                        before: was,
                        after: is,
                    });
                }
                if category.missing != now.missing {
                    changes.push(CategoryChange::MissingFlag {
                        code: code.clone(),
                        missing: now.missing,
                    });
                }
            }
            _ => changes
                .push(CategoryChange::Removed { code: code.clone(), label: label_of(category) }),
        }
    }
    for (code, category) in &new {
        let explained =
            recoded_to.contains(code) || (old.contains_key(code) && !recoded_from.contains(code));
        if !explained {
            changes.push(CategoryChange::Added { code: code.clone(), label: label_of(category) });
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LocalizedText;

    fn categories(spec: &str) -> Vec<Category> {
        spec.split(',')
            .filter(|part| !part.is_empty())
            .enumerate()
            .map(|(order, part)| {
                let (code, label) = part.split_once('=').unwrap();
                Category {
                    code: code.trim().into(),
                    label: LocalizedText::nb(label.trim()),
                    missing: label.contains("Ukjent"),
                    order: order as u32,
                    period: Default::default(),
                }
            })
            .collect()
    }

    #[track_caller]
    fn check(before: &str, after: &str, expect: &str) {
        let changes = diff_categories(&categories(before), &categories(after));
        let got: Vec<String> = changes
            .iter()
            .map(|change| match change {
                CategoryChange::Added { code, label } => format!("+{code} {label}"),
                CategoryChange::Removed { code, label } => format!("-{code} {label}"),
                CategoryChange::Relabelled { code, before, after, .. } => {
                    format!("~{code} {before} -> {after}")
                }
                CategoryChange::Recoded { label, before, after } => {
                    format!("{label}: {before} -> {after}")
                }
                CategoryChange::MissingFlag { code, missing } => {
                    format!("!{code} missing={missing}")
                }
            })
            .collect();
        assert_eq!(got.join("; "), expect);
    }

    #[test]
    fn added_option() {
        check("1=Ja,2=Nei", "1=Ja,2=Nei,9=Ukjent", "+9 Ukjent");
    }
    #[test]
    fn removed_option() {
        check("1=Ja,2=Nei,9=Ukjent", "1=Ja,2=Nei", "-9 Ukjent");
    }
    #[test]
    fn relabelled_option() {
        check("1=Ja,2=Nei", "1=Ja daglig,2=Nei", "~1 Ja -> Ja daglig");
    }
    #[test]
    fn relabel_keeps_words() {
        check("1=Røyker daglig", "1=Røyker av og til", "~1 Røyker daglig -> Røyker av og til");
    }
    #[test]
    fn swapped_codes_are_recoded() {
        check("1=Ja,2=Nei", "1=Nei,2=Ja", "Ja: 1 -> 2; Nei: 2 -> 1");
    }
    #[test]
    fn moved_code_is_recoded() {
        check("1=Ja,2=Nei,3=Ukjent", "1=Ja,2=Nei,9=Ukjent", "Ukjent: 3 -> 9");
    }
    #[test]
    fn duplicate_labels_are_not_followed() {
        check("1=Annet,2=Annet", "3=Annet", "-1 Annet; -2 Annet; +3 Annet");
    }

    #[test]
    fn type_change_is_breaking_and_label_change_is_not() {
        use crate::id::{ImportId, RegistryId, VariableKey, VersionNo};
        use crate::model::{DataType, Provenance, Status, VariableDefinition};
        let version = |n: u32, label: &str, data_type| VariableVersion {
            key: VariableKey::new(RegistryId::new("mfr").unwrap(), "ROYK").unwrap(),
            version: VersionNo(n),
            status: Status::Published,
            published_at: None,
            definition: VariableDefinition {
                label: LocalizedText::nb(label),
                ..VariableDefinition::of_type(data_type)
            },
            provenance: Provenance {
                source_file: "f".into(),
                format: "opal".into(),
                import: ImportId(1),
                recorded_by: "t".into(),
                recorded_at: chrono::Utc::now(),
            },
        };
        let relabel = diff_versions(
            &version(1, "Røyker mor", DataType::Text),
            &version(2, "Røyker mor daglig", DataType::Text),
        );
        assert_eq!(relabel.compatibility, Compatibility::Compatible);
        assert_eq!(relabel.fields[0].words.last().unwrap().text, " daglig");
        let retyped = diff_versions(
            &version(1, "Røyker mor", DataType::Text),
            &version(2, "Røyker mor", DataType::Integer),
        );
        assert_eq!(retyped.compatibility, Compatibility::Breaking);
        assert_eq!(retyped.fields[0].field, "data_type");
    }
}
