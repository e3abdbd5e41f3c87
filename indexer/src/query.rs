//! A user's query string → a tantivy query: free words (with synonyms, stems, folded forms and
//! typo tolerance), quoted phrases, prefixes (`røyk*`) and field filters (`registry:hunt`).

use tantivy::Term;
use tantivy::query::{BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use crate::analyzer::{self, EN, FOLDED, NAME, NB, Vocabulary};
use crate::error::{Error, Result};
use crate::schema::Fields;

/// The longest query searched for.
pub const MAX_QUERY_CHARS: usize = 500;

/// A field a query may filter on with `field:value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FilterField {
    Registry,
    Kind,
    DataType,
    System,
    Status,
}

impl FilterField {
    fn parse(name: &str) -> Option<FilterField> {
        Some(match name {
            "registry" | "register" => FilterField::Registry,
            "kind" => FilterField::Kind,
            "type" => FilterField::DataType,
            "system" => FilterField::System,
            "status" => FilterField::Status,
            _ => return None,
        })
    }

    pub(crate) fn field(self, fields: &Fields) -> Field {
        match self {
            FilterField::Registry => fields.registry,
            FilterField::Kind => fields.registry_kind,
            FilterField::DataType => fields.data_type,
            FilterField::System => fields.system,
            FilterField::Status => fields.status,
        }
    }
}

/// A query string taken apart.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct ParsedQuery {
    pub(crate) words: Vec<String>,
    pub(crate) phrases: Vec<String>,
    pub(crate) prefixes: Vec<String>,
    pub(crate) filters: Vec<(FilterField, String)>,
}

impl ParsedQuery {
    pub(crate) fn parse(query: &str) -> Result<ParsedQuery> {
        if query.chars().count() > MAX_QUERY_CHARS {
            return Err(Error::BadQuery {
                query: query.chars().take(40).collect::<String>() + "…",
                reason: format!("a query may have at most {MAX_QUERY_CHARS} characters"),
            });
        }
        let mut parsed = ParsedQuery::default();
        let mut rest = query.trim();
        while !rest.is_empty() {
            if let Some(after_quote) = rest.strip_prefix('"') {
                let (phrase, after) = after_quote.split_once('"').unwrap_or((after_quote, ""));
                if !phrase.trim().is_empty() {
                    parsed.phrases.push(phrase.trim().to_owned());
                }
                rest = after.trim_start();
                continue;
            }
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let (token, after) = rest.split_at(end);
            rest = after.trim_start();
            if let Some((name, value)) = token.split_once(':')
                && let Some(field) = FilterField::parse(&name.to_lowercase())
                && !value.is_empty()
            {
                parsed.filters.push((field, value.to_owned()));
                continue;
            }
            let word = token.trim_matches(|c: char| !c.is_alphanumeric() && c != '*');
            if let Some(prefix) =
                word.strip_suffix('*').filter(|p| !p.is_empty() && !p.contains('*'))
            {
                parsed.prefixes.push(prefix.to_owned());
            } else if !word.trim_matches('*').is_empty() {
                parsed.words.push(word.trim_matches('*').to_owned());
            }
        }
        Ok(parsed)
    }

    /// True when nothing but filters was given.
    pub(crate) fn is_filter_only(&self) -> bool {
        self.words.is_empty() && self.phrases.is_empty() && self.prefixes.is_empty()
    }
}

/// Where a query word is looked for, and how much a match there counts: name and label over
/// description and question over answer labels.
fn weighted_fields(fields: &Fields) -> [(Field, &'static str, f32); 10] {
    [
        (fields.name, NAME, 3.0),
        (fields.label_nb, NB, 3.0),
        (fields.label_en, EN, 3.0),
        (fields.label_folded, FOLDED, 2.0),
        (fields.text_nb, NB, 1.2),
        (fields.text_en, EN, 1.2),
        (fields.text_folded, FOLDED, 0.8),
        (fields.categories_nb, NB, 0.6),
        (fields.categories_en, EN, 0.6),
        (fields.categories_folded, FOLDED, 0.4),
    ]
}

/// The first fields of `weighted_fields`, where a part of a compound or identifier is looked
/// for: name, labels, descriptions and questions.
const PART_FIELDS: usize = 7;
/// How much a synonym counts against the word the user typed: a typo's guessed groups.
const SYNONYM_WEIGHT: f32 = 0.6;
/// How much a word of a synonym group counts as itself, beside its group: what puts the word as
/// typed before its synonyms.
const OWN_WEIGHT: f32 = 0.4;
/// How much a piece of an identifier or compound, or its synonyms, counts.
const PART_WEIGHT: f32 = 0.5;
/// How much a synonym group counts in a variable name, as the name field counts.
const NAME_CONCEPT_BOOST: f32 = 3.0;
/// How much a synonym group counts in a label: one group term stands for its words in each of
/// the fields of a label (stemmed Norwegian, stemmed English, folded), so it counts as all three.
const LABEL_CONCEPT_BOOST: f32 = 3.0 + 3.0 + 2.0;
/// How much a synonym group counts in a question or description, as for labels.
const TEXT_CONCEPT_BOOST: f32 = 1.2 + 1.2 + 0.8;
/// How much a near miss (one or two typos) counts.
const FUZZY_WEIGHT: f32 = 0.4;

/// What the text of a query becomes.
pub(crate) struct TextQuery {
    /// Every word, phrase and prefix as alternatives (SHOULD): documents that match more of
    /// them, in better fields, score higher.
    pub(crate) clauses: Vec<(Occur, Box<dyn Query>)>,
    /// The synonyms of the query's words in the shown fields: not searched (their groups are),
    /// but marked in the snippets.
    pub(crate) highlighted: Vec<Term>,
}

/// Builds the text part of a query.
///
/// `is_known` says whether a folded word occurs in the index: typo tolerance only applies to
/// words that do not, so that "height" does not also find "weight".
///
/// A word's synonyms are looked for as its synonym groups, one term each in the `concepts`
/// field of labels and of texts, which documents carry from the day they were indexed.
///
/// The alternatives come back as one flat list of SHOULD clauses, which scores exactly like one
/// nested clause per word (scores add up either way) but lets tantivy prune with block-max WAND
/// when the list holds only terms. With `all_versions`, earlier versions' words count too.
pub(crate) fn text_query(
    parsed: &ParsedQuery,
    fields: &Fields,
    vocabulary: &Vocabulary,
    is_known: &dyn Fn(&str) -> bool,
    expand_prefix: &dyn Fn(Field, &str) -> Vec<String>,
    all_versions: bool,
) -> TextQuery {
    let mut folded_analyzer = vocabulary.analyzer(FOLDED);
    let mut analyzers: Vec<(Field, TextAnalyzer, f32)> = weighted_fields(fields)
        .into_iter()
        .map(|(field, name, boost)| (field, vocabulary.analyzer(name), boost))
        .collect();
    let shown = [fields.label_nb, fields.label_en, fields.text_nb, fields.text_en];
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut highlighted: Vec<Term> = Vec::new();
    for word in &parsed.words {
        let folded = analyzer::fold(word);
        let known = is_known(&folded);
        let mut groups = vocabulary.groups_of(word);
        let guessed = groups.is_empty() && !known;
        if guessed {
            groups = vocabulary.near_groups(word);
        }
        // A word of a synonym group is looked for as its group, which finds the word and its
        // synonyms alike, and as itself again, so that the word as typed ranks first. A typo's
        // groups are a guess, and count less than the word.
        let (own_weight, group_weight) = match (groups.is_empty(), guessed) {
            (true, _) => (1.0, 0.0),
            (false, true) => (1.0, SYNONYM_WEIGHT),
            (false, false) => (OWN_WEIGHT, 1.0),
        };
        let mut concepts: Vec<(usize, f32)> =
            groups.into_iter().map(|group| (group, group_weight)).collect();
        let mut variants: Vec<(String, f32)> = vec![(word.clone(), own_weight)];
        for part in vocabulary.parts_of(word) {
            for group in vocabulary.groups_of(&part) {
                if !concepts.iter().any(|(known, _)| *known == group) {
                    concepts.push((group, PART_WEIGHT));
                }
            }
            variants.push((part, PART_WEIGHT));
        }
        let mut terms: Vec<(Field, String, f32)> = Vec::new();
        for (group, weight) in &concepts {
            add_concept(&mut terms, fields, *group, *weight);
        }
        let groups: Vec<usize> = concepts.iter().map(|(group, _)| *group).collect();
        for synonym in vocabulary.members(word, groups) {
            mark(&mut analyzers, &shown, &synonym, &mut highlighted);
            if all_versions
                && let Analyzed::Terms(found) = analyzed(&mut folded_analyzer, &synonym, true)
            {
                for text in found {
                    add_term(&mut terms, fields.earlier, text, SYNONYM_WEIGHT);
                }
            }
        }
        let mut phrases: Vec<Box<dyn Query>> = Vec::new();
        for (index, (variant, weight)) in variants.into_iter().enumerate() {
            // The user's own word may match by its compound parts, in every field; a part only
            // as a whole word, and not among answer options, where parts mostly add noise
            // ("tobakksbruk" would otherwise find every variable about "bruk").
            let is_part = index > 0;
            if all_versions
                && let Analyzed::Terms(found) = analyzed(&mut folded_analyzer, &variant, true)
            {
                for text in found {
                    add_term(&mut terms, fields.earlier, text, weight);
                }
            }
            let n_fields = if is_part { PART_FIELDS } else { analyzers.len() };
            for (field, analyzer, boost) in analyzers.iter_mut().take(n_fields) {
                match analyzed(analyzer, &variant, is_part) {
                    Analyzed::Terms(found) => {
                        for text in found {
                            add_term(&mut terms, *field, text, *boost * weight);
                        }
                    }
                    Analyzed::Phrase(words) => {
                        let phrase = PhraseQuery::new(
                            words.iter().map(|text| Term::from_field_text(*field, text)).collect(),
                        );
                        phrases.push(Box::new(BoostQuery::new(Box::new(phrase), *boost * weight)));
                    }
                    Analyzed::Nothing => {}
                }
            }
        }
        merge_folded_into_stems(&mut terms, fields);
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = terms
            .into_iter()
            .map(|(field, text, weight)| term_clause(field, &text, weight))
            .collect();
        alternatives.extend(phrases.into_iter().map(|phrase| (Occur::Should, phrase)));
        let n_chars = folded.chars().count();
        if n_chars >= 5 && !known {
            // Typo tolerance for longer words only: short words have too many neighbours.
            let distance = if n_chars >= 9 { 2 } else { 1 };
            for field in [fields.label_folded, fields.name] {
                let fuzzy =
                    FuzzyTermQuery::new(Term::from_field_text(field, &folded), distance, true);
                alternatives.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(fuzzy), FUZZY_WEIGHT)),
                ));
            }
        }
        clauses.extend(alternatives);
    }
    // A run of the query's words that is itself a synonym ("date of death") names its group as
    // surely as a single word does.
    let mut terms: Vec<(Field, String, f32)> = Vec::new();
    let lowercase: Vec<String> = parsed.words.iter().map(|word| word.to_lowercase()).collect();
    let phrase_groups = vocabulary.phrase_groups(&lowercase);
    for synonym in vocabulary.members(&lowercase.join(" "), phrase_groups.clone()) {
        mark(&mut analyzers, &shown, &synonym, &mut highlighted);
    }
    for group in phrase_groups {
        add_concept(&mut terms, fields, group, 1.0);
    }
    clauses
        .extend(terms.into_iter().map(|(field, text, weight)| term_clause(field, &text, weight)));
    for phrase in &parsed.phrases {
        // A quoted phrase means these words as written: the unstemmed, folded fields.
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let exact =
            [fields.name, fields.label_folded, fields.text_folded, fields.categories_folded];
        if all_versions
            && let Analyzed::Phrase(words) = analyzed(&mut folded_analyzer, phrase, true)
        {
            let query = PhraseQuery::new(
                words.iter().map(|text| Term::from_field_text(fields.earlier, text)).collect(),
            );
            alternatives.push((Occur::Should, Box::new(query)));
        }
        // Two or more words: the pairs of adjacent words, each one term, in the label, the
        // texts or the answer options; a variable name has no spaces, so it is left out.
        let pairs =
            |prefix: &str, folded: &mut TextAnalyzer| vocabulary.word_pairs(folded, prefix, phrase);
        if !pairs("", &mut folded_analyzer).is_empty() {
            for (prefix, boost) in [("l:", 2.0), ("t:", 0.8), ("c:", 0.4)] {
                let all: Vec<(Occur, Box<dyn Query>)> = pairs(prefix, &mut folded_analyzer)
                    .into_iter()
                    .map(|pair| {
                        let term = Term::from_field_text(fields.word_pairs, &pair);
                        (
                            Occur::Must,
                            Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
                                as Box<dyn Query>,
                        )
                    })
                    .collect();
                let query: Box<dyn Query> = if all.len() == 1 {
                    all.into_iter().next().expect("one pair").1
                } else {
                    Box::new(tantivy::query::BooleanQuery::new(all))
                };
                alternatives.push((Occur::Should, Box::new(BoostQuery::new(query, boost))));
            }
            clauses.extend(alternatives);
            continue;
        }
        for (field, analyzer, boost) in
            analyzers.iter_mut().filter(|(field, _, _)| exact.contains(field))
        {
            let query: Box<dyn Query> = match analyzed(analyzer, phrase, true) {
                Analyzed::Terms(found) => Box::new(TermQuery::new(
                    Term::from_field_text(*field, &found[0]),
                    IndexRecordOption::WithFreqs,
                )),
                Analyzed::Phrase(words) => Box::new(PhraseQuery::new(
                    words.iter().map(|text| Term::from_field_text(*field, text)).collect(),
                )),
                Analyzed::Nothing => continue,
            };
            alternatives.push((Occur::Should, Box::new(BoostQuery::new(query, *boost))));
        }
        clauses.extend(alternatives);
    }
    for prefix in &parsed.prefixes {
        // A prefix stands for the words of the index that begin with it, as terms: a union of
        // terms is ranked with the same pruning as words, where a pattern would be matched
        // against the whole term dictionary of each field for every query.
        let folded = analyzer::fold(prefix);
        for (field, boost) in [
            (fields.name, 3.0),
            (fields.label_folded, 2.0),
            (fields.text_folded, 0.8),
            (fields.categories_folded, 0.4),
            (fields.earlier, if all_versions { 1.0 } else { 0.0 }),
        ] {
            if boost == 0.0 {
                continue;
            }
            for term in expand_prefix(field, &folded) {
                clauses.push(term_clause(field, &term, boost));
            }
        }
    }
    TextQuery { clauses, highlighted }
}

/// Adds the terms `synonym` becomes in the `shown` fields to `highlighted`: whole words only,
/// so that "røykestatus" marks itself, not every "status".
fn mark(
    analyzers: &mut [(Field, TextAnalyzer, f32)],
    shown: &[Field],
    synonym: &str,
    highlighted: &mut Vec<Term>,
) {
    for (field, analyzer, _) in analyzers.iter_mut().filter(|(field, _, _)| shown.contains(field)) {
        let words = match analyzed(analyzer, synonym, true) {
            Analyzed::Terms(words) | Analyzed::Phrase(words) => words,
            Analyzed::Nothing => Vec::new(),
        };
        highlighted.extend(words.iter().map(|text| Term::from_field_text(*field, text)));
    }
}

/// Adds the terms of synonym group `group` in a document's name, label and texts, each at its
/// place's boost times `weight`.
fn add_concept(terms: &mut Vec<(Field, String, f32)>, fields: &Fields, group: usize, weight: f32) {
    for (place, boost) in
        [("name", NAME_CONCEPT_BOOST), ("label", LABEL_CONCEPT_BOOST), ("text", TEXT_CONCEPT_BOOST)]
    {
        add_term(terms, fields.concepts, crate::build::concept_term(place, group), boost * weight);
    }
}

/// Looks for a folded word that is also its own stem (`vekt`, `status`) only as the stem, at
/// both weights. Every document that has the folded word has it as its stem too, so this finds
/// the same documents with one term fewer in each place (label, texts, answer options): each
/// term of a query is a posting list that pruning keeps in step on every document it looks at.
fn merge_folded_into_stems(terms: &mut Vec<(Field, String, f32)>, fields: &Fields) {
    let places = [
        (fields.label_folded, [fields.label_nb, fields.label_en]),
        (fields.text_folded, [fields.text_nb, fields.text_en]),
        (fields.categories_folded, [fields.categories_nb, fields.categories_en]),
    ];
    let mut merged: Vec<(Field, String, f32)> = Vec::with_capacity(terms.len());
    for (field, text, weight) in terms.drain(..) {
        let stems = places.iter().find(|(folded, _)| *folded == field).map(|(_, stems)| stems);
        let stem = stems.and_then(|stems| {
            merged
                .iter_mut()
                .find(|(other, other_text, _)| stems.contains(other) && *other_text == text)
        });
        match stem {
            Some(stem) => stem.2 += weight,
            None => merged.push((field, text, weight)),
        }
    }
    *terms = merged;
}

/// One term of `field`, boosted by `weight`, as an alternative of the query.
fn term_clause(field: Field, text: &str, weight: f32) -> (Occur, Box<dyn Query>) {
    let query = TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs);
    (Occur::Should, Box::new(BoostQuery::new(Box::new(query), weight)))
}

/// Adds a term to look for, or raises the weight of one already there to `weight`: many variants
/// analyze to the same term (røyk, røyker, røyke all stem to "røyk"), and each (field, term)
/// becomes one clause, with the best weight any variant gave it.
fn add_term(terms: &mut Vec<(Field, String, f32)>, field: Field, text: String, weight: f32) {
    match terms.iter_mut().find(|(f, t, _)| *f == field && *t == text) {
        Some(existing) => existing.2 = existing.2.max(weight),
        None => terms.push((field, text, weight)),
    }
}

/// What a text becomes in one field.
enum Analyzed {
    /// One word: its term, or the parts of a compound and the whole (any of them may match).
    Terms(Vec<String>),
    /// Several words: the whole word at each position, in order.
    Phrase(Vec<String>),
    /// Nothing searchable.
    Nothing,
}

/// Analyzes `text` with a field's analyzer. With `whole_words`, a compound gives only itself,
/// not its parts.
fn analyzed(analyzer: &mut TextAnalyzer, text: &str, whole_words: bool) -> Analyzed {
    let mut positions: Vec<(usize, Vec<String>)> = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = tantivy::tokenizer::TokenStream::next(&mut stream) {
        match positions.last_mut() {
            Some((position, terms)) if *position == token.position => {
                terms.push(token.text.clone())
            }
            _ => positions.push((token.position, vec![token.text.clone()])),
        }
    }
    match positions.as_mut_slice() {
        [] => Analyzed::Nothing,
        [(_, terms)] if whole_words => Analyzed::Terms(terms.split_off(terms.len() - 1)),
        [(_, terms)] => Analyzed::Terms(std::mem::take(terms)),
        many => Analyzed::Phrase(
            many.iter_mut().map(|(_, terms)| terms.pop().expect("a position has a term")).collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(query: &str, expect: &str) {
        let got = match ParsedQuery::parse(query) {
            Ok(parsed) => format!("{parsed:?}"),
            Err(err) => err.to_string(),
        };
        assert_eq!(got, expect);
    }

    #[test]
    fn words_phrases_prefixes_and_filters() {
        check(
            r#"røyk* "røyker daglig" registry:hunt type:categorical status"#,
            r#"ParsedQuery { words: ["status"], phrases: ["røyker daglig"], prefixes: ["røyk"], filters: [(Registry, "hunt"), (DataType, "categorical")] }"#,
        );
    }
    #[test]
    fn unknown_field_is_a_word() {
        check(
            "colour:blue",
            r#"ParsedQuery { words: ["colour:blue"], phrases: [], prefixes: [], filters: [] }"#,
        );
    }
    #[test]
    fn punctuation_is_dropped() {
        check(
            "røyker?",
            r#"ParsedQuery { words: ["røyker"], phrases: [], prefixes: [], filters: [] }"#,
        );
    }
    #[test]
    fn overlong_query_is_refused() {
        let long = "a".repeat(501);
        assert!(
            ParsedQuery::parse(&long)
                .unwrap_err()
                .to_string()
                .ends_with("a query may have at most 500 characters")
        );
    }
}
