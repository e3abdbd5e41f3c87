//! Searching shared definitions and codes: the explorer shows them beside the variables, so
//! that "røyk" also finds the national definition of smoking status and "C34" the code.

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{TantivyDocument, Term};

use crate::SearchIndex;
use crate::analyzer::{EN, FOLDED, NB};
use crate::error::Result;
use crate::query::ParsedQuery;

/// A shared definition or a code that matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermHit {
    /// `definition` or `concept`.
    pub kind: &'static str,
    /// The definition's id, or the code.
    pub id: String,
    /// The code system, for a code.
    pub system: Option<String>,
    /// Its label, Norwegian if there is one.
    pub label: Option<String>,
    /// The relevance score.
    pub score: f32,
}

impl SearchIndex {
    /// The shared definitions and codes whose labels or codes match the query's words (and
    /// their synonyms), best first.
    pub fn search_terms(&self, query: &str, limit: usize) -> Result<Vec<TermHit>> {
        let parsed = ParsedQuery::parse(query)?;
        let fields = &self.fields;
        let searcher = self.reader.searcher();
        // Most catalogs hold far more variables than definitions and codes, and some none at
        // all: then there is nothing to analyze the query for.
        let mut any_terms = false;
        for segment in searcher.segment_readers() {
            let index =
                segment.inverted_index(fields.term_key).map_err(|err| self.failure(&err))?;
            any_terms |= index.terms().num_terms() > 0;
        }
        if !any_terms || limit == 0 {
            return Ok(Vec::new());
        }
        let mut words: Vec<String> = parsed.words.clone();
        words.extend(parsed.phrases.iter().flat_map(|p| p.split_whitespace().map(str::to_owned)));
        words.extend(parsed.prefixes.iter().cloned());
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut analyzers = [
            (fields.term_label_nb, self.vocabulary.analyzer(NB), 2.0),
            (fields.term_label_en, self.vocabulary.analyzer(EN), 2.0),
            (fields.term_label_folded, self.vocabulary.analyzer(FOLDED), 1.0),
        ];
        for word in &words {
            let mut variants = vec![(word.clone(), 1.0f32)];
            variants.extend(self.vocabulary.synonyms(word).into_iter().map(|s| (s, 0.6)));
            for (variant, weight) in variants {
                for (field, analyzer, boost) in &mut analyzers {
                    let (field, boost) = (*field, *boost);
                    let mut stream = analyzer.token_stream(&variant);
                    while let Some(token) = tantivy::tokenizer::TokenStream::next(&mut stream) {
                        let term = Term::from_field_text(field, &token.text);
                        let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
                        clauses.push((
                            Occur::Should,
                            Box::new(BoostQuery::new(Box::new(query), boost * weight)),
                        ));
                    }
                }
            }
            let folded = crate::analyzer::fold(word);
            if folded.chars().count() >= 5 {
                let term = Term::from_field_text(fields.term_label_folded, &folded);
                let fuzzy = FuzzyTermQuery::new(term, 1, true);
                clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(fuzzy), 0.4))));
            }
        }
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        let top = searcher
            .search(&BooleanQuery::new(clauses), &TopDocs::with_limit(limit).order_by_score())
            .map_err(|err| self.failure(&err))?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address).map_err(|err| self.failure(&err))?;
            let text = |field| doc.get_first(field).and_then(|v| v.as_str()).map(str::to_owned);
            let Some(key) = text(fields.term_key) else { continue };
            let label = text(fields.term_label_nb).or_else(|| text(fields.term_label_en));
            let hit = if let Some(id) = key.strip_prefix("definition:") {
                TermHit { kind: "definition", id: id.to_owned(), system: None, label, score }
            } else if let Some((system, code)) =
                key.strip_prefix("concept:").and_then(|rest| rest.split_once(':'))
            {
                TermHit {
                    kind: "concept",
                    id: code.to_owned(),
                    system: Some(system.to_owned()),
                    label,
                    score,
                }
            } else {
                continue;
            };
            hits.push(hit);
        }
        Ok(hits)
    }
}
