//! The fields of a search document: one per variable version, and one per shared definition
//! and per code of the latest version of each code system.

use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use crate::analyzer::{EN, FOLDED, NAME, NB, PAIRS};

/// The handles of every field.
#[derive(Clone)]
pub(crate) struct Fields {
    pub(crate) doc_id: Field,
    pub(crate) key: Field,
    pub(crate) registry: Field,
    pub(crate) registry_kind: Field,
    pub(crate) data_type: Field,
    pub(crate) system: Field,
    pub(crate) status: Field,
    pub(crate) unit: Field,
    pub(crate) current: Field,
    pub(crate) version: Field,
    pub(crate) period_from: Field,
    pub(crate) period_to: Field,
    pub(crate) facets: Field,
    pub(crate) name: Field,
    pub(crate) label_nb: Field,
    pub(crate) label_en: Field,
    pub(crate) label_folded: Field,
    pub(crate) text_nb: Field,
    pub(crate) text_en: Field,
    pub(crate) text_folded: Field,
    pub(crate) categories_nb: Field,
    pub(crate) categories_en: Field,
    pub(crate) categories_folded: Field,
    /// Everything searchable of an earlier version, folded: earlier versions match only when
    /// asked for, without a filter that would keep the common query from pruning.
    pub(crate) earlier: Field,
    /// The label of an earlier version, for showing it.
    pub(crate) earlier_label: Field,
    /// A shared definition's or a code's id: `definition:ID` or `concept:SYSTEM:CODE`. Variable
    /// documents have none; these documents have only the `term_` fields, so that a variable
    /// query never matches them and needs no filter to leave them out.
    pub(crate) term_key: Field,
    /// What owns a term document, to replace them together: `definitions` or `system:ID`.
    pub(crate) term_owner: Field,
    /// A shared definition's or a code's label (nb and en), stemmed in Norwegian.
    pub(crate) term_label_nb: Field,
    /// The same, stemmed in English.
    pub(crate) term_label_en: Field,
    /// The same, folded, and the code itself.
    pub(crate) term_label_folded: Field,
    /// Each pair of adjacent folded words of the current version's label (`l:`), question and
    /// description (`t:`) and answer options (`c:`), as one term (`l:ved_innkomst`): a quoted
    /// two-word phrase is then one term, found without reading word positions, and three or more
    /// words are all their pairs.
    pub(crate) word_pairs: Field,
    /// The synonym groups the current version's name (`name:N`), label (`label:N`), and question
    /// and description (`text:N`) mention (see `ConceptFinder`): a query word's synonyms are then
    /// one term per group, not every synonym in every field.
    pub(crate) concepts: Field,
}

impl Fields {
    pub(crate) fn schema() -> (Schema, Fields) {
        let mut builder = Schema::builder();
        // Every searched field keeps its field norms: for a field without them tantivy 0.27
        // records a block maximum score of 0, and block-max WAND then skips blocks that hold
        // real hits (measured: a filtered page lost its best matches).
        let text = |analyzer: &str, stored: bool| {
            let indexing = TextFieldIndexing::default()
                .set_tokenizer(analyzer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions);
            let options = TextOptions::default().set_indexing_options(indexing);
            if stored { options.set_stored() } else { options }
        };
        // Terms made before indexing, one per whitespace-separated token.
        let listed = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(PAIRS)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let fields = Fields {
            doc_id: builder.add_text_field("doc_id", STRING | STORED),
            key: builder.add_text_field("key", STRING | STORED),
            registry: builder.add_text_field("registry", STRING | STORED | FAST),
            registry_kind: builder.add_text_field("registry_kind", STRING | STORED | FAST),
            data_type: builder.add_text_field("data_type", STRING | STORED | FAST),
            system: builder.add_text_field("system", STRING | STORED | FAST),
            status: builder.add_text_field("status", STRING | STORED | FAST),
            unit: builder.add_text_field("unit", STRING | STORED),
            current: builder.add_u64_field("current", INDEXED | FAST | STORED),
            version: builder.add_u64_field("version", STORED),
            period_from: builder.add_i64_field("period_from", INDEXED | FAST | STORED),
            period_to: builder.add_i64_field("period_to", INDEXED | FAST | STORED),
            facets: builder.add_facet_field("facets", FacetOptions::default()),
            name: builder.add_text_field("name", text(NAME, true)),
            label_nb: builder.add_text_field("label_nb", text(NB, true)),
            label_en: builder.add_text_field("label_en", text(EN, true)),
            label_folded: builder.add_text_field("label_folded", text(FOLDED, false)),
            text_nb: builder.add_text_field("text_nb", text(NB, true)),
            text_en: builder.add_text_field("text_en", text(EN, true)),
            text_folded: builder.add_text_field("text_folded", text(FOLDED, false)),
            categories_nb: builder.add_text_field("categories_nb", text(NB, true)),
            categories_en: builder.add_text_field("categories_en", text(EN, true)),
            categories_folded: builder.add_text_field("categories_folded", text(FOLDED, false)),
            earlier: builder.add_text_field("earlier", text(FOLDED, false)),
            earlier_label: builder.add_text_field("earlier_label", STORED),
            term_key: builder.add_text_field("term_key", STRING | STORED),
            term_owner: builder.add_text_field("term_owner", STRING),
            term_label_nb: builder.add_text_field("term_label_nb", text(NB, true)),
            term_label_en: builder.add_text_field("term_label_en", text(EN, true)),
            term_label_folded: builder.add_text_field("term_label_folded", text(FOLDED, false)),
            word_pairs: builder.add_text_field("word_pairs", listed.clone()),
            concepts: builder.add_text_field("concepts", listed),
        };
        (builder.build(), fields)
    }
}
