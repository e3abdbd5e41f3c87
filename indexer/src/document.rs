//! Turning a variable version into a search document.

use catalog::{CodeSystemVersion, RegistryKind, ReviewStatus, SharedDefinition, VariableVersion};
use chrono::Datelike;
use chrono::NaiveDate;
use tantivy::TantivyDocument;
use tantivy::schema::Facet;

use crate::schema::Fields;

/// A date as the number the period fields hold: days since 1970-01-01.
pub(crate) fn day_number(date: NaiveDate) -> i64 {
    (date - NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date")).num_days()
}

/// What the index derives from the current version's texts besides their words.
#[derive(Default)]
pub(crate) struct Derived {
    /// See `Fields::word_pairs`.
    pub(crate) word_pairs: String,
    /// See `Fields::concepts`.
    pub(crate) concepts: String,
}

/// The document for one version. `current` marks the version researchers see now;
/// `harmonization` is the latest review decision on the variable's mapping, if any;
/// `derived` what the current version's texts give besides their words.
pub(crate) fn variable_document(
    fields: &Fields,
    version: &VariableVersion,
    kind: RegistryKind,
    current: bool,
    harmonization: Option<ReviewStatus>,
    derived: &Derived,
) -> TantivyDocument {
    let definition = &version.definition;
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.doc_id, format!("{}@{}", version.key, version.version));
    doc.add_text(fields.key, version.key.to_string());
    doc.add_text(fields.registry, version.key.registry().as_str());
    doc.add_text(fields.registry_kind, kind.as_str());
    doc.add_text(fields.data_type, definition.data_type.as_str());
    doc.add_text(fields.status, version.visible_status().to_string());
    if let Some(binding) = &definition.value_domain.code_system {
        doc.add_text(fields.system, binding.system.to_string());
    }
    if let Some(unit) = &definition.unit {
        doc.add_text(fields.unit, unit);
    }
    doc.add_u64(fields.current, u64::from(current));
    doc.add_u64(fields.version, u64::from(version.version.0));
    // An unknown start counts as "always"; an open end as "still collected".
    doc.add_i64(fields.period_from, definition.period.from.map_or(i64::MIN, day_number));
    doc.add_i64(fields.period_to, definition.period.to.map_or(i64::MAX, day_number));
    let kind_facet = |group: &str, value: &str| Facet::from_path([group, value]);
    doc.add_facet(fields.facets, kind_facet("registry", version.key.registry().as_str()));
    doc.add_facet(fields.facets, kind_facet("kind", kind.as_str()));
    doc.add_facet(fields.facets, kind_facet("type", definition.data_type.as_str()));
    doc.add_facet(fields.facets, kind_facet("status", &version.visible_status().to_string()));
    if let Some(binding) = &definition.value_domain.code_system {
        doc.add_facet(fields.facets, kind_facet("system", &binding.system.to_string()));
    }
    let harmonization = match harmonization {
        Some(ReviewStatus::Accepted) => "harmonized",
        Some(ReviewStatus::Proposed) => "in-review",
        Some(ReviewStatus::Rejected) | None => "not-harmonized",
    };
    doc.add_facet(fields.facets, kind_facet("harmonization", harmonization));
    for decade in decades(definition.period) {
        doc.add_facet(fields.facets, kind_facet("period", &format!("{}s", decade * 10)));
    }
    let mut add = |field, text: &Option<String>| {
        if let Some(text) = text {
            doc.add_text(field, text);
        }
    };
    if !current {
        // An earlier version's words go in one field that only `all_versions` searches.
        add(
            fields.earlier_label,
            &definition.label.nb.clone().or_else(|| definition.label.en.clone()),
        );
        add(fields.earlier, &Some(version.key.name().to_owned()));
        let texts = [&definition.label, &definition.question, &definition.description];
        for text in
            texts.into_iter().chain(definition.value_domain.categories.iter().map(|c| &c.label))
        {
            add(fields.earlier, &text.nb);
            add(fields.earlier, &text.en);
        }
        return doc;
    }
    for (field, terms) in
        [(fields.word_pairs, &derived.word_pairs), (fields.concepts, &derived.concepts)]
    {
        add(field, &Some(terms.clone()).filter(|terms| !terms.is_empty()));
    }
    add(fields.name, &Some(version.key.name().to_owned()));
    add(fields.label_nb, &definition.label.nb);
    add(fields.label_en, &definition.label.en);
    add(fields.label_folded, &definition.label.nb);
    add(fields.label_folded, &definition.label.en);
    for text in [&definition.question, &definition.description] {
        add(fields.text_nb, &text.nb);
        add(fields.text_en, &text.en);
        add(fields.text_folded, &text.nb);
        add(fields.text_folded, &text.en);
    }
    for category in &definition.value_domain.categories {
        add(fields.categories_nb, &category.label.nb);
        add(fields.categories_en, &category.label.en);
        add(fields.categories_folded, &category.label.nb);
        add(fields.categories_folded, &category.label.en);
    }
    doc
}

/// The decades a period overlaps, for the period facet; an unknown start counts from the first
/// decade with data in most registries, an open end up to this year.
fn decades(period: catalog::Period) -> std::ops::RangeInclusive<i32> {
    const FIRST: i32 = 1950;
    let from = period.from.map_or(FIRST, |date| date.year()).max(FIRST);
    let to = period.to.map_or_else(|| chrono::Utc::now().year(), |date| date.year());
    (from / 10)..=(to.max(from) / 10)
}

/// The document of a shared definition: its labels, description and value set.
pub(crate) fn definition_document(
    fields: &Fields,
    definition: &SharedDefinition,
) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.term_key, format!("definition:{}", definition.id));
    doc.add_text(fields.term_owner, "definitions");
    doc.add_u64(fields.current, 0);
    let mut add = |text: &Option<String>, english: bool| {
        if let Some(text) = text {
            doc.add_text(if english { fields.term_label_en } else { fields.term_label_nb }, text);
            doc.add_text(fields.term_label_folded, text);
        }
    };
    add(&definition.label.nb, false);
    add(&definition.label.en, true);
    add(&definition.description.nb, false);
    add(&definition.description.en, true);
    doc.add_text(fields.term_label_folded, &definition.id.0);
    doc
}

/// The documents of a code system version's codes.
pub(crate) fn concept_documents(
    fields: &Fields,
    version: &CodeSystemVersion,
) -> impl Iterator<Item = TantivyDocument> {
    version.concepts.iter().map(move |concept| {
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.term_key, format!("concept:{}:{}", version.system, concept.code));
        doc.add_text(fields.term_owner, format!("system:{}", version.system));
        doc.add_u64(fields.current, 0);
        doc.add_text(fields.term_label_folded, &concept.code);
        if let Some(nb) = &concept.display.nb {
            doc.add_text(fields.term_label_nb, nb);
            doc.add_text(fields.term_label_folded, nb);
        }
        if let Some(en) = &concept.display.en {
            doc.add_text(fields.term_label_en, en);
            doc.add_text(fields.term_label_folded, en);
        }
        doc
    })
}
