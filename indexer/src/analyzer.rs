//! How text becomes search terms: Norwegian and English stemming, diacritics folded into a second
//! form, variable names split at camelCase, snake_case and digits, and Norwegian compounds split
//! into the known words they are built from. The word lists are data (`vocabulary/` at the top of the repository, shared with harmonization), extended by
//! the user's `synonyms.txt` in the data directory.
//!
//! Tantivy does not persist analyzers, so they are registered every time an index is opened.

use std::collections::{HashMap, HashSet};

use std::sync::Arc;
use vocabulary::{split_compound, words};

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer, Token,
    TokenStream, Tokenizer,
};

/// Norwegian labels and texts: split, lowercased, compounds split, stemmed (bokmål).
pub(crate) const NB: &str = "varkat_nb";
/// English labels and texts: split, lowercased, stemmed.
pub(crate) const EN: &str = "varkat_en";
/// Any language, unstemmed, with æ/ø/å and other diacritics folded, so "royk" finds "røyk".
pub(crate) const FOLDED: &str = "varkat_folded";
/// Variable names: `RoykStatus2` → royk, status, 2; folded.
pub(crate) const NAME: &str = "varkat_name";
/// The analyzer of the word-pair field: the pairs are made before indexing, one per
/// whitespace-separated token.
pub(crate) const PAIRS: &str = "varkat_pairs";

/// The word lists search uses: synonym groups and compound parts.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    groups: Vec<Vec<String>>,
    /// Every way a query word may be written (lowercase, folded, stemmed) → its groups.
    group_of: HashMap<String, Vec<usize>>,
    /// The first words of the synonyms of several words ("blood" of "blood pressure"), as
    /// written and folded: where a document's text is looked at for more than one word.
    phrase_heads: HashSet<String>,
    parts: Arc<HashSet<String>>,
}

impl Default for Vocabulary {
    fn default() -> Vocabulary {
        Vocabulary::with_extra_synonyms("")
    }
}

impl Vocabulary {
    /// The built-in lists plus the user's synonym groups, in the same one-group-per-line form.
    pub fn with_extra_synonyms(extra: &str) -> Vocabulary {
        let groups: Vec<Vec<String>> = vocabulary::SYNONYMS
            .lines()
            .chain(extra.lines())
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(|line| {
                line.split(',')
                    .map(|word| word.trim().to_lowercase())
                    .filter(|w| !w.is_empty())
                    .collect()
            })
            .collect();
        let mut parts: HashSet<String> = vocabulary::COMPOUND_PARTS
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(str::to_lowercase)
            .collect();
        parts.extend(
            groups
                .iter()
                .flatten()
                .filter(|word| !word.contains(' ') && word.chars().count() >= 3)
                .cloned(),
        );
        let folded: Vec<String> = parts.iter().map(|part| fold(part)).collect();
        parts.extend(folded);
        let phrase_heads = groups
            .iter()
            .flatten()
            .filter_map(|word| word.split_once(' ').map(|(head, _)| head))
            .flat_map(|head| [head.to_owned(), fold(head)])
            .collect();
        let mut vocabulary =
            Vocabulary { groups, group_of: HashMap::new(), phrase_heads, parts: Arc::new(parts) };
        for (index, group) in vocabulary.groups.iter().enumerate() {
            for word in group {
                for form in vocabulary.forms(word) {
                    let entry = vocabulary.group_of.entry(form).or_default();
                    if !entry.contains(&index) {
                        entry.push(index);
                    }
                }
            }
        }
        vocabulary
    }

    /// The forms a word is looked up by: as written, folded, and stemmed in either language.
    fn forms(&self, word: &str) -> Vec<String> {
        let lower = word.to_lowercase();
        let mut forms = vec![fold(&lower), lower.clone()];
        for analyzer in [NB, EN] {
            let mut stemmer = self.analyzer(analyzer);
            let stems = terms(&mut stemmer, &lower);
            if !stems.is_empty() {
                forms.push(stems.join(" "));
            }
        }
        forms.sort();
        forms.dedup();
        forms
    }

    /// The other words of every group `word` belongs to.
    pub fn synonyms(&self, word: &str) -> Vec<String> {
        self.members(word, self.groups_of(word))
    }

    /// The words of the groups of the group words within one edit of `word` (two for long
    /// words): what a misspelt word probably meant. Only for words the catalog does not have,
    /// or "status" would be taken for "statur".
    pub fn near_synonyms(&self, word: &str) -> Vec<String> {
        self.members(word, self.near_groups(word))
    }

    /// The synonym groups `word` belongs to, by any of its forms, in order.
    pub(crate) fn groups_of(&self, word: &str) -> Vec<usize> {
        let mut groups: Vec<usize> = self
            .forms(word)
            .iter()
            .flat_map(|form| self.group_of.get(form).into_iter().flatten().copied())
            .collect();
        groups.sort_unstable();
        groups.dedup();
        groups
    }

    /// The groups named by runs of two or more of `words` ("date of death", "blood pressure"),
    /// as the synonyms of several words are written. The words are lowercase.
    pub(crate) fn phrase_groups(&self, words: &[String]) -> Vec<usize> {
        let mut groups = Vec::new();
        for (at, head) in words.iter().enumerate() {
            if !self.phrase_heads.contains(head) {
                continue;
            }
            let mut phrase = head.clone();
            for next in words.iter().skip(at + 1).take(3) {
                phrase.push(' ');
                phrase.push_str(next);
                for form in [phrase.clone(), fold(&phrase)] {
                    groups.extend(self.group_of.get(&form).into_iter().flatten().copied());
                }
            }
        }
        groups.sort_unstable();
        groups.dedup();
        groups
    }

    /// The groups of the group words within one edit of `word` (two for long words), in order.
    pub(crate) fn near_groups(&self, word: &str) -> Vec<usize> {
        let folded = fold(word);
        let n_chars = folded.chars().count();
        if n_chars < 5 {
            return Vec::new();
        }
        let allowed = if n_chars >= 9 { 2 } else { 1 };
        let mut groups: Vec<usize> = self
            .group_of
            .iter()
            .filter(|(form, _)| strsim::damerau_levenshtein(&folded, form) <= allowed)
            .flat_map(|(_, groups)| groups.iter().copied())
            .collect();
        groups.sort_unstable();
        groups.dedup();
        groups
    }

    /// Names the synonym groups: documents carry the numbers of the groups their texts mention,
    /// so an index built with other groups (the user's `synonyms.txt` changed) is rebuilt.
    pub(crate) fn fingerprint(&self) -> String {
        use sha2::Digest;
        let mut hasher = sha2::Sha256::new();
        for group in &self.groups {
            hasher.update(group.join(",").as_bytes());
            hasher.update(b"\n");
        }
        hasher.finalize().iter().take(8).map(|byte| format!("{byte:02x}")).collect()
    }

    /// The words of `groups`, without `word` itself.
    pub(crate) fn members(&self, word: &str, groups: Vec<usize>) -> Vec<String> {
        let lower = word.to_lowercase();
        let mut found: Vec<String> = Vec::new();
        for group in groups {
            for member in &self.groups[group] {
                if !found.contains(member) && *member != lower {
                    found.push(member.clone());
                }
            }
        }
        found
    }

    /// The pieces a query word is made of: the parts of an identifier (`RoykStatus` → royk,
    /// status) and of a compound (`fødselsvekt` → fødsel, vekt). Empty for a simple word.
    pub fn parts_of(&self, word: &str) -> Vec<String> {
        let mut parts: Vec<String> =
            words(word, true).into_iter().map(|(from, to)| word[from..to].to_lowercase()).collect();
        if parts.len() < 2 {
            parts.clear();
        }
        for part in split_compound(&word.to_lowercase(), &self.parts) {
            if !parts.contains(&part) {
                parts.push(part);
            }
        }
        parts
    }

    /// Builds the analyzer registered under `name`.
    pub(crate) fn analyzer(&self, name: &str) -> TextAnalyzer {
        let words = |split_names| WordTokenizer { split_names, parts: Arc::clone(&self.parts) };
        match name {
            NB => TextAnalyzer::builder(words(false))
                .filter(RemoveLongFilter::limit(40))
                .filter(Stemmer::new(Language::Norwegian))
                .build(),
            EN => TextAnalyzer::builder(words(false))
                .filter(RemoveLongFilter::limit(40))
                .filter(Stemmer::new(Language::English))
                .build(),
            FOLDED => TextAnalyzer::builder(words(false))
                .filter(RemoveLongFilter::limit(40))
                .filter(AsciiFoldingFilter)
                .build(),
            _ => TextAnalyzer::builder(words(true))
                .filter(RemoveLongFilter::limit(40))
                .filter(AsciiFoldingFilter)
                .build(),
        }
    }

    /// Registers the analyzers on an index; needed every time it is opened.
    pub(crate) fn register(&self, index: &Index) {
        for name in [NB, EN, FOLDED, NAME] {
            index.tokenizers().register(name, self.analyzer(name));
        }
        index.tokenizers().register(
            PAIRS,
            TextAnalyzer::builder(tantivy::tokenizer::WhitespaceTokenizer::default()).build(),
        );
    }

    /// The analyzer whose words make word pairs: plain words, lowercased and folded, without
    /// the compound splitting of the searched fields, which pairs do not need.
    pub(crate) fn pair_words(&self) -> TextAnalyzer {
        TextAnalyzer::builder(tantivy::tokenizer::SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build()
    }

    /// The adjacent pairs of whole folded words of `text`, each as `prefix` + `a_b`.
    pub(crate) fn word_pairs(
        &self,
        folded: &mut TextAnalyzer,
        prefix: &str,
        text: &str,
    ) -> Vec<String> {
        let mut out = String::new();
        self.push_word_pairs(folded, prefix, text, &mut out);
        out.split_whitespace().map(str::to_owned).collect()
    }

    /// Appends the word pairs of `text` to `out`, space-separated: how documents are built,
    /// without a string per pair.
    pub(crate) fn push_word_pairs(
        &self,
        folded: &mut TextAnalyzer,
        prefix: &str,
        text: &str,
        out: &mut String,
    ) {
        let mut previous = String::new();
        let mut current = String::new();
        let mut position = usize::MAX;
        let push = |previous: &str, word: &str, out: &mut String| {
            if !previous.is_empty() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(prefix);
                out.push_str(previous);
                out.push('_');
                out.push_str(word);
            }
        };
        let mut stream = folded.token_stream(text);
        while let Some(token) = stream.next() {
            // A compound and its parts share a position; the pair is made of the whole words,
            // which come last at their position.
            if token.position != position {
                if position != usize::MAX {
                    push(&previous, &current, out);
                    std::mem::swap(&mut previous, &mut current);
                }
                position = token.position;
            }
            current.clear();
            current.push_str(&token.text);
        }
        if position != usize::MAX {
            push(&previous, &current, out);
        }
    }
}

/// Finds the synonym groups a document's texts mention, for its `concepts` field: synonyms are
/// expanded once, when a document is indexed, so that a query word looks for its group as one
/// term rather than for every synonym in every field.
///
/// A word of the text belongs to a group when one of its forms (as written, folded, stemmed in
/// either language) is a form of one of the group's words: the same rule that expands a query
/// word. Compound parts count ("røykeslutt" mentions røyk), and so do the synonyms of several
/// words ("blood pressure").
pub(crate) struct ConceptFinder<'a> {
    vocabulary: &'a Vocabulary,
    /// The groups of each word seen so far: stemming every word of every document again
    /// would cost more than the rest of the document.
    known: HashMap<String, Vec<usize>>,
    /// The whole words of the text at hand, for the synonyms of several words.
    whole_words: Vec<String>,
}

/// At most this many words are remembered; past it, the memory starts again.
const CONCEPT_WORDS_REMEMBERED: usize = 200_000;

impl<'a> ConceptFinder<'a> {
    pub(crate) fn new(vocabulary: &'a Vocabulary) -> ConceptFinder<'a> {
        ConceptFinder { vocabulary, known: HashMap::new(), whole_words: Vec::new() }
    }

    /// Adds the groups `text` mentions to `found`; `is_name` splits it as a variable name.
    pub(crate) fn groups_in(&mut self, text: &str, is_name: bool, found: &mut Vec<usize>) {
        let vocabulary = self.vocabulary;
        let mut n_words = 0;
        for (from, to) in words(text, is_name) {
            // The words of the previous text lend their strings.
            if self.whole_words.len() == n_words {
                self.whole_words.push(String::new());
            }
            let word = &mut self.whole_words[n_words];
            n_words += 1;
            word.clear();
            word.extend(text[from..to].chars().flat_map(char::to_lowercase));
            if !self.known.contains_key(word.as_str()) {
                if self.known.len() >= CONCEPT_WORDS_REMEMBERED {
                    self.known.clear();
                }
                let mut groups = vocabulary.groups_of(word);
                for part in split_compound(word, &vocabulary.parts) {
                    groups.extend(vocabulary.groups_of(&part));
                }
                groups.sort_unstable();
                groups.dedup();
                self.known.insert(word.clone(), groups);
            }
            found.extend(self.known[word.as_str()].iter().copied());
        }
        found.extend(vocabulary.phrase_groups(&self.whole_words[..n_words]));
    }
}

/// The terms `text` becomes under `analyzer`.
pub(crate) fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

/// Folds diacritics the way the folded field does (ø → o, æ → ae, å → a).
pub(crate) fn fold(text: &str) -> String {
    let mut analyzer = TextAnalyzer::builder(tantivy::tokenizer::RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    terms(&mut analyzer, text).join("")
}

/// Splits text into lowercase words, and emits the known parts of compounds at the same
/// position. With `split_names`, also splits identifiers at case changes and digits.
#[derive(Clone)]
struct WordTokenizer {
    split_names: bool,
    parts: Arc<HashSet<String>>,
}

/// Tokens computed up front: compound splitting looks at whole words, which a streaming
/// filter chain cannot do without buffering anyway.
struct WordStream {
    tokens: Vec<Token>,
    index: usize,
}

impl TokenStream for WordStream {
    fn advance(&mut self) -> bool {
        self.index = self.index.wrapping_add(1);
        self.index < self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.index]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index]
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream {
        let mut tokens = Vec::new();
        for (position, (from, to)) in words(text, self.split_names).into_iter().enumerate() {
            let word = text[from..to].to_lowercase();
            let mut push = |text: String| {
                tokens.push(Token {
                    offset_from: from,
                    offset_to: to,
                    position,
                    text,
                    position_length: 1,
                });
            };
            for part in split_compound(&word, &self.parts) {
                push(part);
            }
            push(word);
        }
        WordStream { tokens, index: usize::MAX }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(analyzer: &str, text: &str, expect: &str) {
        let vocabulary = Vocabulary::default();
        let mut analyzer = vocabulary.analyzer(analyzer);
        assert_eq!(terms(&mut analyzer, text).join(" "), expect);
    }

    #[test]
    fn names_split_at_case_underscores_and_digits() {
        check(NAME, "RoykStatus2", "royk status 2");
        check(NAME, "INNLEGGELSE_ROYKER", "innleggelse royker");
        check(NAME, "pasientKjonn", "pasient kjonn");
        check(NAME, "HbA1c", "hb a 1 c");
    }
    #[test]
    fn compounds_split_into_known_parts() {
        check(NB, "Røykestatus", "røyk status røykestatus");
        check(FOLDED, "Fødselsvekt", "fodsel vekt fodselsvekt");
        check(FOLDED, "roykestatus", "royk status roykestatus");
    }
    #[test]
    fn norwegian_stems() {
        check(NB, "Røyker du daglig?", "røyk du dag");
    }
    #[test]
    fn english_stems() {
        check(EN, "Smoking status", "smoke status");
    }
    #[test]
    fn synonyms_cross_languages() {
        let vocabulary = Vocabulary::default();
        let smoking = vocabulary.synonyms("røyking");
        assert!(
            smoking.contains(&"smoking".to_owned()) && smoking.contains(&"tobakk".to_owned()),
            "{smoking:?}"
        );
        assert!(vocabulary.synonyms("Smoking").contains(&"røyk".to_owned()));
        assert!(vocabulary.synonyms("royk").contains(&"smoking".to_owned()));
        assert!(
            vocabulary.near_synonyms("røkying").contains(&"smoking".to_owned()),
            "a typo finds its group"
        );
        assert_eq!(vocabulary.parts_of("RoykStatus"), ["royk", "status"]);
        let extended = Vocabulary::with_extra_synonyms("ruspåvirket, intoxicated\n");
        assert_eq!(extended.synonyms("intoxicated"), ["ruspåvirket"]);
    }
}
