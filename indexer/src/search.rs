//! Running a search: the query, its filters, the ranked hits with highlighted snippets, and
//! facet counts.

use std::collections::HashMap;
use std::ops::Bound;

use chrono::NaiveDate;
use serde::Serialize;
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{
    AllQuery, Bm25StatisticsProvider, BooleanQuery, EnableScoring, Occur, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, TERMINATED, TantivyDocument, Term};

use crate::SearchIndex;
use crate::document::day_number;
use crate::error::Result;
use crate::query::{FilterField, ParsedQuery, TextQuery, text_query};

/// What to search for.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// The query: words, `"phrases"`, `prefix*`, and `registry:`, `type:`, `system:`, `kind:`,
    /// `status:` filters.
    pub query: String,
    /// Only these registries (any of them).
    pub registries: Vec<String>,
    /// Only this data type.
    pub data_type: Option<String>,
    /// Only variables bound to this code system.
    pub system: Option<String>,
    /// Only registries of this kind.
    pub kind: Option<String>,
    /// Only variables of this harmonization status: `harmonized`, `in-review` or
    /// `not-harmonized`.
    pub harmonization: Option<String>,
    /// Only variables collected at some time in this period (either end may be open).
    pub period: Option<(Option<NaiveDate>, Option<NaiveDate>)>,
    /// Count hits per registry, kind, type, code system, status and decade.
    pub facets: bool,
    /// How many hits to return.
    pub limit: usize,
    /// How many hits to skip, for paging.
    pub offset: usize,
    /// Search every published version, not only the current one.
    pub all_versions: bool,
}

impl SearchRequest {
    /// A query with no filters, the first ten hits.
    pub fn new(query: &str) -> SearchRequest {
        SearchRequest {
            query: query.to_owned(),
            registries: Vec::new(),
            data_type: None,
            system: None,
            kind: None,
            harmonization: None,
            period: None,
            facets: false,
            limit: 10,
            offset: 0,
            all_versions: false,
        }
    }
}

/// Reads a collection period as `FROM..TO`, each end a year (`2010`, from its first day or to
/// its last) or a date (`2010-06-01`), either end left out for an open one.
pub fn parse_period(text: &str) -> Result<(Option<NaiveDate>, Option<NaiveDate>), String> {
    let (from, to) = text.split_once("..").ok_or_else(|| {
        format!("`{text}` is not a period; expected FROM..TO, such as 2010..2020")
    })?;
    let end = |part: &str, last_day: bool| -> Result<Option<NaiveDate>, String> {
        let part = part.trim();
        if part.is_empty() {
            return Ok(None);
        }
        if let Ok(year) = part.parse::<i32>() {
            let (month, day) = if last_day { (12, 31) } else { (1, 1) };
            return NaiveDate::from_ymd_opt(year, month, day)
                .map(Some)
                .ok_or_else(|| format!("`{part}` is not a year"));
        }
        NaiveDate::parse_from_str(part, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| format!("`{part}` is not a year or a date (YYYY-MM-DD)"))
    };
    Ok((end(from, false)?, end(to, true)?))
}

/// A stretch of text with the words that matched marked by byte ranges.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Highlight {
    /// The field the text comes from: `label`, `label_en`, `description`, `description_en`,
    /// `categories`.
    pub field: &'static str,
    /// The text.
    pub text: String,
    /// Byte ranges of the matched words in `text`.
    pub ranges: Vec<(usize, usize)>,
}

impl Highlight {
    /// The text in pieces, each with whether it is a matched word; ranges that overlap or do
    /// not fall on character boundaries are skipped.
    pub fn pieces(&self) -> Vec<(&str, bool)> {
        let mut pieces = Vec::new();
        let mut at = 0;
        for &(from, to) in &self.ranges {
            if from < at
                || to > self.text.len()
                || !self.text.is_char_boundary(from)
                || !self.text.is_char_boundary(to)
            {
                continue;
            }
            pieces.push((&self.text[at..from], false));
            pieces.push((&self.text[from..to], true));
            at = to;
        }
        pieces.push((&self.text[at..], false));
        pieces
    }

    /// The text with each matched word between `open` and `close`.
    pub fn marked(&self, open: &str, close: &str) -> String {
        self.pieces()
            .into_iter()
            .map(
                |(piece, matched)| {
                    if matched { format!("{open}{piece}{close}") } else { piece.to_owned() }
                },
            )
            .collect()
    }
}

/// One matching variable version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// `registry/name`.
    pub key: String,
    /// The registry.
    pub registry: String,
    /// The version.
    pub version: u32,
    /// True for the version researchers see now.
    pub current: bool,
    /// The Norwegian label, else the English.
    pub label: Option<String>,
    /// The data type.
    pub data_type: String,
    /// published or retired.
    pub status: String,
    /// When it was first collected.
    pub period_from: Option<NaiveDate>,
    /// When it was last collected; none while still collected.
    pub period_to: Option<NaiveDate>,
    /// The relevance score.
    pub score: f32,
    /// Where the query matched, marked.
    pub highlight: Option<Highlight>,
}

/// A facet value and how many hits have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    /// The value, such as `hunt` or `categorical`.
    pub value: String,
    /// How many hits have it.
    pub count: u64,
}

/// Hit counts per facet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    /// Per registry.
    pub registry: Vec<FacetCount>,
    /// Per registry kind.
    pub kind: Vec<FacetCount>,
    /// Per data type.
    pub data_type: Vec<FacetCount>,
    /// Per code system.
    pub system: Vec<FacetCount>,
    /// Per status.
    pub status: Vec<FacetCount>,
    /// Per decade of collection.
    pub period: Vec<FacetCount>,
    /// Per harmonization status.
    pub harmonization: Vec<FacetCount>,
}

/// Hits, their total and facet counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResult {
    /// How many variables matched in all; a lower bound when `total_exact` is false.
    pub total: usize,
    /// False when a very common query was not counted to the end.
    pub total_exact: bool,
    /// The requested page of hits, best first.
    pub hits: Vec<Hit>,
    /// Facet counts, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
}

/// A query whose terms have at most this many postings in all is counted exactly; counting
/// costs a pass over every one of them.
const EXACT_COUNT_POSTINGS: u64 = 50_000;

/// Past a query's exact count, the documents of its most common term that the filters accept
/// are counted up to this many, as search engines stop counting (Elasticsearch's default
/// `track_total_hits`): "at least 10,000" tells a user as much as the full count would, and
/// costs a fraction of it on the common words of a million variables.
const COUNTED_AT_MOST: usize = 10_000;

/// Block-max WAND pays, on every document it looks at, for each word it keeps in step; past
/// this many alternatives (a word with many synonyms, in every field), one pass over all the
/// matching documents is cheaper than pruning.
const PRUNED_CLAUSES: usize = 40;

const FACET_GROUPS: [&str; 7] =
    ["registry", "kind", "type", "system", "status", "period", "harmonization"];

/// The most a prefix expands to in one field: its most common words, as search engines rewrite
/// a prefix query into its top terms.
const PREFIX_TERMS: usize = 64;

/// The words of `field` that begin with `prefix`, the most common first, at most
/// `PREFIX_TERMS`.
fn expand_prefix(searcher: &Searcher, field: Field, prefix: &str) -> Vec<String> {
    let mut found: HashMap<String, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else { continue };
        let Ok(mut stream) = inverted.terms().range().ge(prefix.as_bytes()).into_stream() else {
            continue;
        };
        while stream.advance() {
            let Ok(term) = std::str::from_utf8(stream.key()) else { break };
            if !term.starts_with(prefix) {
                break;
            }
            *found.entry(term.to_owned()).or_default() += u64::from(stream.value().doc_freq);
        }
    }
    let mut terms: Vec<(String, u64)> = found.into_iter().collect();
    terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    terms.into_iter().take(PREFIX_TERMS).map(|(term, _)| term).collect()
}

/// Documents with their scores, best first.
type Ranked = Vec<(Score, DocAddress)>;

/// BM25's statistics over the variables' documents alone. Codes and shared definitions have
/// documents in the same index, in fields of their own, so only the count of documents takes
/// them in: a catalog with a 12,000-code classification then scored every variable as if the
/// index held 12,000 more variables without its words, which lowered recall@10 on the labelled
/// corpus from 0.907 to 0.863 (nb) and from 0.920 to 0.801 (en) (`search-relevance`).
struct VariableStatistics<'s> {
    searcher: &'s Searcher,
    /// Documents of variable versions, deleted ones included, as tantivy counts documents.
    documents: u64,
}

impl<'s> VariableStatistics<'s> {
    fn new(searcher: &'s Searcher, term_owner: Field) -> tantivy::Result<VariableStatistics<'s>> {
        // Every code and definition document has exactly one owner term.
        let mut others = 0u64;
        for reader in searcher.segment_readers() {
            let owners = reader.inverted_index(term_owner)?;
            let mut stream = owners.terms().stream()?;
            while stream.advance() {
                others += u64::from(stream.value().doc_freq);
            }
        }
        let all = Bm25StatisticsProvider::total_num_docs(searcher)?;
        Ok(VariableStatistics { searcher, documents: all.saturating_sub(others) })
    }
}

impl Bm25StatisticsProvider for VariableStatistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        Bm25StatisticsProvider::total_num_tokens(self.searcher, field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.documents)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        self.searcher.doc_freq(term)
    }
}

/// The page of `request` among the best hits of `text` (that `filter` accepts), best first.
///
/// Tantivy prunes a union of words for the top hits (block-max WAND), but starts each segment
/// with no bar, and with filters as required clauses does not prune at all. Here the bar the
/// best hits so far set carries from one segment to the next, and a filter is checked on each
/// document the pruning lets through, in document order; only accepted documents raise the
/// bar, so no better hit is skipped.
fn top_hits(
    searcher: &Searcher,
    statistics: &VariableStatistics<'_>,
    text: &dyn Query,
    filter: Option<&BooleanQuery>,
    request: &SearchRequest,
) -> tantivy::Result<Ranked> {
    let text =
        text.weight(EnableScoring::enabled_from_statistics_provider(statistics, searcher))?;
    let filter = filter
        .map(|filter| filter.weight(EnableScoring::disabled_from_searcher(searcher)))
        .transpose()?;
    let wanted = request.limit.max(1) + request.offset;
    // Best first; a later document with an equal score ranks after, as with `TopDocs`.
    let mut best: Vec<(Score, DocAddress)> = Vec::with_capacity(wanted + 1);
    let bar = |best: &Vec<(Score, DocAddress)>| {
        if best.len() == wanted { best[wanted - 1].0 } else { Score::MIN }
    };
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let mut accepted = filter.as_ref().map(|filter| filter.scorer(reader, 1.0)).transpose()?;
        let alive = reader.alive_bitset();
        let segment = ord as u32;
        text.for_each_pruning(bar(&best), reader, &mut |doc, score| {
            let passes = accepted.as_mut().is_none_or(|accepted| {
                if accepted.doc() < doc {
                    accepted.seek(doc);
                }
                accepted.doc() == doc
            });
            if passes && alive.is_none_or(|alive| alive.is_alive(doc)) {
                let at = best.partition_point(|(better, _)| *better >= score);
                if at < wanted {
                    best.insert(at, (score, DocAddress::new(segment, doc)));
                    best.truncate(wanted);
                }
            }
            bar(&best)
        })?;
    }
    Ok(best.into_iter().skip(request.offset).collect())
}

/// A filtered query whose words match at most this many of the documents its filters accept is
/// ranked by scoring just those documents; past it, by pruning.
pub(crate) const SCORED_ONE_BY_ONE: usize = 2_000;

/// The page of `request` and the exact total, when `text` matches at most `most` of the
/// documents `filter` accepts; `None` when it matches more.
///
/// Pruning sets its bar only by documents the filter accepts: when few of the best-scoring
/// documents pass (a registry's own variables, or a type the words are seldom asked in), the
/// bar stays low and every document with any of the words is scored. Finding the documents
/// both match takes one pass without scores over the same postings, and scoring only those is
/// then cheap, with the exact count for free (measured: half the time of pruning on such
/// queries, `search-bench --repeat "røyker daglig registry:reg31"`).
fn few_filtered_hits(
    searcher: &Searcher,
    statistics: &VariableStatistics<'_>,
    text: &BooleanQuery,
    filter: &BooleanQuery,
    request: &SearchRequest,
    most: usize,
) -> tantivy::Result<Option<(Ranked, usize)>> {
    let both = BooleanQuery::new(vec![
        (Occur::Must, Box::new(filter.clone())),
        (Occur::Must, Box::new(text.clone())),
    ]);
    let Some(found) = live_matches(searcher, &both, most)? else { return Ok(None) };
    let total = found.iter().map(Vec::len).sum();
    // Each alternative scored on its own and summed, as their union scores.
    let alternatives = text
        .clauses()
        .iter()
        .map(|(_, query)| {
            query.weight(EnableScoring::enabled_from_statistics_provider(statistics, searcher))
        })
        .collect::<tantivy::Result<Vec<_>>>()?;
    let mut scored: Ranked = Vec::with_capacity(total);
    for (ord, (reader, docs)) in searcher.segment_readers().iter().zip(&found).enumerate() {
        if docs.is_empty() {
            continue;
        }
        let mut scores: Vec<Score> = vec![0.0; docs.len()];
        for alternative in &alternatives {
            let mut scorer = alternative.scorer(reader, 1.0)?;
            for (&doc, score) in docs.iter().zip(&mut scores) {
                if scorer.doc() < doc && scorer.seek(doc) == TERMINATED {
                    break;
                }
                if scorer.doc() == doc {
                    *score += scorer.score();
                }
            }
        }
        let segment = ord as u32;
        scored.extend(
            scores
                .into_iter()
                .zip(docs)
                .map(|(score, &doc)| (score, DocAddress::new(segment, doc))),
        );
    }
    // Best first; a later document with an equal score ranks after, as with `TopDocs`.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let page = scored.into_iter().skip(request.offset).take(request.limit.max(1)).collect();
    Ok(Some((page, total)))
}

/// How many live documents `query` matches, counting no further than `most`.
pub(crate) fn count_up_to(
    searcher: &Searcher,
    query: &dyn Query,
    most: usize,
) -> tantivy::Result<usize> {
    Ok(live_matches(searcher, query, most)?.map_or(most, |found| found.iter().map(Vec::len).sum()))
}

/// The live documents `query` matches, segment by segment, found without scores; `None` as
/// soon as there are more than `most`.
fn live_matches(
    searcher: &Searcher,
    query: &dyn Query,
    most: usize,
) -> tantivy::Result<Option<Vec<Vec<DocId>>>> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut found = Vec::with_capacity(searcher.segment_readers().len());
    let mut total = 0;
    for reader in searcher.segment_readers() {
        let mut matches = weight.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let mut docs = Vec::new();
        let mut doc = matches.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|alive| alive.is_alive(doc)) {
                total += 1;
                if total > most {
                    return Ok(None);
                }
                docs.push(doc);
            }
            doc = matches.advance();
        }
        found.push(docs);
    }
    Ok(Some(found))
}

impl SearchIndex {
    /// Searches. Queries run on the last committed state, also while the index is written.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResult> {
        let parsed = ParsedQuery::parse(&request.query)?;
        let fields = &self.fields;
        let searcher = self.reader.searcher();
        let statistics = VariableStatistics::new(&searcher, fields.term_owner)
            .map_err(|err| self.failure(&err))?;
        let is_known = |folded: &str| {
            [fields.label_folded, fields.name, fields.text_folded].into_iter().any(|field| {
                searcher.doc_freq(&Term::from_field_text(field, folded)).is_ok_and(|n| n > 0)
            })
        };
        let expand_prefix = |field: Field, prefix: &str| expand_prefix(&searcher, field, prefix);
        let TextQuery { clauses: text_clauses, highlighted } = if parsed.is_filter_only() {
            TextQuery { clauses: Vec::new(), highlighted: Vec::new() }
        } else {
            text_query(
                &parsed,
                fields,
                &self.vocabulary,
                &is_known,
                &expand_prefix,
                request.all_versions,
            )
        };

        let term = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
        };
        let mut filters: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut filter_fields: Vec<(FilterField, String)> = parsed.filters.clone();
        filter_fields.extend(request.data_type.iter().map(|t| (FilterField::DataType, t.clone())));
        filter_fields.extend(request.system.iter().map(|s| (FilterField::System, s.clone())));
        filter_fields.extend(request.kind.iter().map(|k| (FilterField::Kind, k.clone())));
        for (field, value) in &filter_fields {
            filters.push((Occur::Must, term(field.field(fields), value)));
        }
        if let Some(status) = &request.harmonization {
            let facet = tantivy::schema::Facet::from_path(["harmonization", status.as_str()]);
            filters.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_facet(fields.facets, &facet),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if !request.registries.is_empty() {
            let any: Vec<(Occur, Box<dyn Query>)> = request
                .registries
                .iter()
                .map(|r| (Occur::Should, term(fields.registry, r)))
                .collect();
            filters.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if let Some((from, to)) = request.period {
            // Collected at some time in [from, to]: started by `to` and not ended before `from`.
            if let Some(to) = to {
                let bound = Term::from_field_i64(fields.period_from, day_number(to));
                filters.push((
                    Occur::Must,
                    Box::new(RangeQuery::new(Bound::Unbounded, Bound::Included(bound))),
                ));
            }
            if let Some(from) = from {
                let bound = Term::from_field_i64(fields.period_to, day_number(from));
                filters.push((
                    Occur::Must,
                    Box::new(RangeQuery::new(Bound::Included(bound), Bound::Unbounded)),
                ));
            }
        }
        // Earlier versions only match words through their own field; with no words to match,
        // they are left out by a filter.
        if parsed.is_filter_only() && !request.all_versions {
            filters.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_u64(fields.current, 1),
                    IndexRecordOption::Basic,
                )),
            ));
        }

        let top =
            TopDocs::with_limit(request.limit.max(1)).and_offset(request.offset).order_by_score();
        let has_text = !text_clauses.is_empty();
        let prune = has_text && !request.facets && text_clauses.len() <= PRUNED_CLAUSES;
        let text = BooleanQuery::new(text_clauses);
        let filter = (!filters.is_empty()).then(|| BooleanQuery::new(filters));
        let few = match &filter {
            Some(filter) if has_text && !request.facets => few_filtered_hits(
                &searcher,
                &statistics,
                &text,
                filter,
                request,
                self.scored_one_by_one,
            )
            .map_err(|err| self.failure(&err))?,
            _ => None,
        };
        let (top_docs, total, total_exact, facet_counts) = if let Some((top_docs, total)) = few {
            (top_docs, total, true, None)
        } else if prune {
            // The top hits by pruning (block-max WAND), and the total counted only when that
            // is cheap, as search engines do.
            let top_docs = top_hits(&searcher, &statistics, &text, filter.as_ref(), request)
                .map_err(|err| self.failure(&err))?;
            let (total, exact) = self.total(&searcher, &text, filter.as_ref())?;
            let total = total.max(top_docs.len() + request.offset);
            (top_docs, total, exact, None)
        } else {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = filter
                .into_iter()
                .map(|filter| (Occur::Must, Box::new(filter) as Box<dyn Query>))
                .collect();
            clauses.push((
                Occur::Must,
                if parsed.is_filter_only() { Box::new(AllQuery) } else { Box::new(text.clone()) },
            ));
            let query = BooleanQuery::new(clauses);
            if request.facets {
                let mut facet_collector = FacetCollector::for_field("facets");
                for group in FACET_GROUPS {
                    facet_collector.add_facet(format!("/{group}").as_str());
                }
                let (top_docs, total, counts) = searcher
                    .search_with_statistics_provider(
                        &query,
                        &(top, Count, facet_collector),
                        &statistics,
                    )
                    .map_err(|err| self.failure(&err))?;
                (top_docs, total, true, Some(counts))
            } else {
                let (top_docs, total) = searcher
                    .search_with_statistics_provider(&query, &(top, Count), &statistics)
                    .map_err(|err| self.failure(&err))?;
                (top_docs, total, true, None)
            }
        };
        let hits = if request.limit == 0 || top_docs.is_empty() {
            Vec::new()
        } else {
            // The snippets mark what the query looked for, and the synonyms its groups stand for.
            let mut shown: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, Box::new(text))];
            shown.extend(highlighted.into_iter().map(|term| {
                let query: Box<dyn Query> =
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                (Occur::Should, query)
            }));
            self.hits(&searcher, &BooleanQuery::new(shown), &top_docs)?
        };
        let facets = facet_counts.map(|counts| {
            let group = |name: &str| -> Vec<FacetCount> {
                let mut values: Vec<FacetCount> = counts
                    .get(format!("/{name}").as_str())
                    .map(|(facet, count)| FacetCount {
                        value: facet.to_path().last().map(|v| (*v).to_owned()).unwrap_or_default(),
                        count,
                    })
                    .collect();
                values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
                values
            };
            Facets {
                registry: group("registry"),
                kind: group("kind"),
                data_type: group("type"),
                system: group("system"),
                status: group("status"),
                harmonization: group("harmonization"),
                period: {
                    let mut decades = group("period");
                    decades.sort_by(|a, b| a.value.cmp(&b.value));
                    decades
                },
            }
        });
        Ok(SearchResult { total, total_exact, hits, facets })
    }

    /// The number of documents a query matches, among those `filter` accepts: counted exactly
    /// when its terms' postings are few, otherwise a lower bound, the documents of its most
    /// common term (that the filter accepts, counted up to `COUNTED_AT_MOST`).
    fn total(
        &self,
        searcher: &Searcher,
        query: &BooleanQuery,
        filter: Option<&BooleanQuery>,
    ) -> Result<(usize, bool)> {
        let mut terms = Vec::new();
        query.query_terms(&mut |term, _| terms.push(term.clone()));
        let mut postings = 0u64;
        let mut largest: Option<(u64, &Term)> = None;
        for term in &terms {
            let n = searcher.doc_freq(term).map_err(|err| self.failure(&err))?;
            postings += n;
            if largest.is_none_or(|(most, _)| n > most) {
                largest = Some((n, term));
            }
        }
        let count = |query: &dyn Query| -> Result<usize> {
            let query: Box<dyn Query> = match filter {
                Some(filter) => Box::new(BooleanQuery::new(vec![
                    (Occur::Must, Box::new(filter.clone())),
                    (Occur::Must, query.box_clone()),
                ])),
                None => query.box_clone(),
            };
            searcher.search(&*query, &Count).map_err(|err| self.failure(&err))
        };
        match largest {
            Some((_, term)) if postings > EXACT_COUNT_POSTINGS => match filter {
                Some(filter) => {
                    let accepted = BooleanQuery::new(vec![
                        (Occur::Must, Box::new(filter.clone())),
                        (
                            Occur::Must,
                            Box::new(TermQuery::new(term.clone(), IndexRecordOption::Basic)),
                        ),
                    ]);
                    let counted = count_up_to(searcher, &accepted, COUNTED_AT_MOST)
                        .map_err(|err| self.failure(&err))?;
                    Ok((counted, false))
                }
                None => Ok((largest.map_or(0, |(n, _)| n as usize), false)),
            },
            _ => Ok((count(query)?, true)),
        }
    }

    fn hits(
        &self,
        searcher: &Searcher,
        text: &dyn Query,
        top_docs: &[(f32, DocAddress)],
    ) -> Result<Vec<Hit>> {
        let fields = &self.fields;
        let snippet_fields = [
            (fields.label_nb, "label"),
            (fields.label_en, "label_en"),
            (fields.text_nb, "description"),
            (fields.text_en, "description_en"),
            (fields.categories_nb, "categories"),
            (fields.categories_en, "categories_en"),
        ];
        let mut generators = Vec::new();
        for (field, name) in snippet_fields {
            if let Ok(mut generator) = SnippetGenerator::create(searcher, text, field) {
                generator.set_max_num_chars(160);
                generators.push((generator, name));
            }
        }
        let mut hits = Vec::with_capacity(top_docs.len());
        for &(score, address) in top_docs {
            let doc: TantivyDocument = searcher.doc(address).map_err(|err| self.failure(&err))?;
            let text_of = |field: Field| {
                doc.get_first(field).and_then(|value| value.as_str()).map(str::to_owned)
            };
            let date_of = |field: Field, open: i64| {
                doc.get_first(field)
                    .and_then(|value| value.as_i64())
                    .filter(|day| *day != open)
                    .and_then(|day| {
                        NaiveDate::from_ymd_opt(1970, 1, 1)
                            .and_then(|epoch| epoch.checked_add_signed(chrono::Duration::days(day)))
                    })
            };
            let highlight = generators.iter().find_map(|(generator, name)| {
                let snippet = generator.snippet_from_doc(&doc);
                (!snippet.highlighted().is_empty()).then(|| Highlight {
                    field: name,
                    text: snippet.fragment().to_owned(),
                    // A compound and its parts are highlighted over the same bytes; merge them.
                    ranges: tantivy::snippet::collapse_overlapped_ranges(snippet.highlighted())
                        .into_iter()
                        .map(|range| (range.start, range.end))
                        .collect(),
                })
            });
            hits.push(Hit {
                key: text_of(fields.key).unwrap_or_default(),
                registry: text_of(fields.registry).unwrap_or_default(),
                version: doc.get_first(fields.version).and_then(|value| value.as_u64()).unwrap_or(0)
                    as u32,
                current: doc.get_first(fields.current).and_then(|value| value.as_u64()) == Some(1),
                label: text_of(fields.label_nb)
                    .or_else(|| text_of(fields.label_en))
                    .or_else(|| text_of(fields.earlier_label)),
                data_type: text_of(fields.data_type).unwrap_or_default(),
                status: text_of(fields.status).unwrap_or_default(),
                period_from: date_of(fields.period_from, i64::MIN),
                period_to: date_of(fields.period_to, i64::MAX),
                score,
                highlight,
            });
        }
        Ok(hits)
    }
}
