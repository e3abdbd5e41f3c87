//! Text as concepts: words folded, stemmed in their language, stop words dropped, compounds
//! split, and every word of a synonym group replaced by the group, so that "Røykestatus",
//! "røyker" and "smoking status" share concepts.

use std::collections::{HashMap, HashSet};

use frostem::{Algorithm, Stemmer};
use vocabulary::{fold, split_compound, words};

/// Words that carry no concept: articles, prepositions, pronouns and the like.
const STOP_WORDS: &[&str] = &[
    "og",
    "i",
    "på",
    "av",
    "for",
    "til",
    "med",
    "ved",
    "om",
    "er",
    "en",
    "et",
    "ei",
    "den",
    "det",
    "de",
    "du",
    "har",
    "som",
    "fra",
    "etter",
    "før",
    "siste",
    "eller",
    "the",
    "of",
    "at",
    "in",
    "on",
    "and",
    "or",
    "a",
    "an",
    "to",
    "is",
    "you",
    "do",
    "did",
    "your",
    "per",
    "for",
    "with",
    "from",
    "by",
    "pasienten",
    "pasientens",
    "patient",
    "kvinnens",
];

/// Turns text into concept tokens.
pub(crate) struct Concepts {
    norwegian: Stemmer,
    english: Stemmer,
    /// A folded word or stem → its synonym group.
    group_of: HashMap<String, usize>,
    parts: HashSet<String>,
}

impl Concepts {
    pub(crate) fn new() -> Concepts {
        let norwegian = Stemmer::new(Algorithm::Norwegian);
        let english = Stemmer::new(Algorithm::English);
        let mut parts: HashSet<String> =
            vocabulary::word_list(vocabulary::COMPOUND_PARTS).into_iter().collect();
        let mut group_of = HashMap::new();
        for (index, group) in vocabulary::groups(vocabulary::SYNONYMS).into_iter().enumerate() {
            for member in group {
                if !member.contains(' ') && member.chars().count() >= 3 {
                    parts.insert(member.clone());
                }
                let folded = fold(&member);
                for form in [
                    norwegian.stem(&member).into_owned(),
                    english.stem(&member).into_owned(),
                    member.clone(),
                ] {
                    group_of.entry(fold(&form)).or_insert(index);
                }
                group_of.entry(folded).or_insert(index);
            }
        }
        Concepts { norwegian, english, group_of, parts }
    }

    /// The concepts of a text in a language (`en` or Norwegian), without repeats.
    pub(crate) fn of(&self, text: &str, english: bool) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut push = |token: String| {
            if !out.contains(&token) {
                out.push(token);
            }
        };
        let lowered = text.to_lowercase();
        let all: Vec<&str> =
            words(&lowered, false).into_iter().map(|(from, to)| &lowered[from..to]).collect();
        // Two-word synonyms ("body mass index" is one concept) first.
        for window in all.windows(2).chain(all.windows(3)) {
            if let Some(group) = self.group_of.get(&fold(&window.join(" "))) {
                push(format!("s{group}"));
            }
        }
        for word in all {
            if STOP_WORDS.contains(&word) {
                continue;
            }
            push(self.token(word, english));
            for part in split_compound(word, &self.parts) {
                push(self.token(&part, english));
            }
        }
        out
    }

    /// The words of a text as folded Norwegian stems, without mapping synonyms onto their group:
    /// for comparing answer options, where a synonym list made for finding the same question
    /// ("hastegrad, akutt, elektiv") would make opposite answers alike.
    pub(crate) fn stems(&self, text: &str) -> Vec<String> {
        let lowered = text.to_lowercase();
        let mut out: Vec<String> = Vec::new();
        for (from, to) in words(&lowered, false) {
            let word = &lowered[from..to];
            if STOP_WORDS.contains(&word) {
                continue;
            }
            let stem = fold(&self.norwegian.stem(word));
            if !out.contains(&stem) {
                out.push(stem);
            }
        }
        out
    }

    /// A variable name's concepts: its pieces at case changes, underscores and digits.
    pub(crate) fn of_name(&self, name: &str) -> Vec<String> {
        let pieces: Vec<String> =
            words(name, true).into_iter().map(|(from, to)| name[from..to].to_lowercase()).collect();
        let mut out = Vec::new();
        for piece in pieces.iter().filter(|piece| piece.chars().count() >= 3) {
            let token = self.token(piece, false);
            if !out.contains(&token) {
                out.push(token);
            }
            for part in split_compound(piece, &self.parts) {
                let token = self.token(&part, false);
                if !out.contains(&token) {
                    out.push(token);
                }
            }
        }
        out
    }

    fn token(&self, word: &str, english: bool) -> String {
        let stem = if english { self.english.stem(word) } else { self.norwegian.stem(word) };
        let other = if english { self.norwegian.stem(word) } else { self.english.stem(word) };
        for form in [word, stem.as_ref(), other.as_ref()] {
            if let Some(group) = self.group_of.get(&fold(form)) {
                return format!("s{group}");
            }
        }
        fold(&stem)
    }
}

/// Answer options as canonical values: "Nei, aldri" and "Never smoked" are both "never".
pub(crate) struct AnswerOptions {
    group_of: HashMap<String, usize>,
    /// The most words any listed phrase has.
    longest_phrase: usize,
}

impl AnswerOptions {
    pub(crate) fn new() -> AnswerOptions {
        let mut group_of = HashMap::new();
        for (index, group) in vocabulary::groups(vocabulary::ANSWER_OPTIONS).into_iter().enumerate()
        {
            for member in group {
                group_of.entry(normalize(&member)).or_insert(index);
            }
        }
        let longest_phrase =
            group_of.keys().map(|phrase| phrase.split(' ').count()).max().unwrap_or(1);
        AnswerOptions { group_of, longest_phrase }
    }

    /// The option group of a label: the whole label, or else the longest listed phrase in it
    /// ("Snuser daglig" is "daglig").
    pub(crate) fn group(&self, label: &str) -> Option<usize> {
        let label = normalize(label);
        if let Some(group) = self.group_of.get(&label) {
            return Some(*group);
        }
        // Every run of whole words of the label is a candidate phrase; the longest listed wins.
        let words: Vec<&str> = label.split(' ').collect();
        let mut best: Option<(usize, usize)> = None;
        for (start, end, group) in self.phrases(&words) {
            let length = words[start..end].iter().map(|word| word.len() + 1).sum::<usize>() - 1;
            if best.is_none_or(|(longest, _)| length > longest) {
                best = Some((length, group));
            }
        }
        best.map(|(_, group)| group)
    }

    /// Every run of `words` that is a listed phrase, as (first word, end, group), in order.
    fn phrases(&self, words: &[&str]) -> Vec<(usize, usize, usize)> {
        let mut found = Vec::new();
        for start in 0..words.len() {
            for end in start + 1..=words.len().min(start + self.longest_phrase) {
                if let Some(&group) = self.group_of.get(&words[start..end].join(" ")) {
                    found.push((start, end, group));
                }
            }
        }
        found
    }

    /// Every option group a label names, yes and no left out (they qualify nothing: "Ja,
    /// daglig" is "Daglig"), longest phrases first and without overlap, sorted: "Current smoker,
    /// occasionally" names two groups where "Nåværende røyker" names one.
    pub(crate) fn groups(&self, label: &str) -> Vec<usize> {
        let label = normalize(label);
        let words: Vec<&str> = label.split(' ').collect();
        let mut found = self.phrases(&words);
        found.sort_by_key(|&(start, end, _)| (std::cmp::Reverse(end - start), start));
        let mut taken = vec![false; words.len()];
        let mut groups = Vec::new();
        let plain = [self.group_of.get("ja"), self.group_of.get("nei")];
        for (start, end, group) in found {
            if taken[start..end].iter().any(|&t| t) {
                continue;
            }
            taken[start..end].iter_mut().for_each(|t| *t = true);
            if !plain.contains(&Some(&group)) {
                groups.push(group);
            }
        }
        groups.sort_unstable();
        groups.dedup();
        groups
    }

    /// True when a label is a plain yes (`Some(true)`) or no (`Some(false)`).
    pub(crate) fn yes_or_no(&self, label: &str) -> Option<bool> {
        let group = self.group_of.get(&normalize(label))?;
        if Some(group) == self.group_of.get("ja") {
            Some(true)
        } else if Some(group) == self.group_of.get("nei") {
            Some(false)
        } else {
            None
        }
    }
}

/// Lowercase, folded, punctuation to spaces, spaces collapsed.
pub(crate) fn normalize(text: &str) -> String {
    fold(text)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoking_wordings_share_a_concept() {
        let concepts = Concepts::new();
        let norwegian = concepts.of("Røykestatus", false);
        let english = concepts.of("Tobacco smoking status", true);
        let question = concepts.of("Røyker du?", false);
        let shared = |a: &[String], b: &[String]| a.iter().any(|t| b.contains(t));
        assert!(shared(&norwegian, &english), "{norwegian:?} {english:?}");
        assert!(shared(&norwegian, &question), "{norwegian:?} {question:?}");
    }

    #[test]
    fn answer_options_in_two_languages() {
        let options = AnswerOptions::new();
        assert_eq!(options.group("Nei, aldri"), options.group("Never smoked"));
        assert_eq!(options.group("Snuser daglig"), options.group("Yes, daily"));
        assert_eq!(options.yes_or_no("Ja"), Some(true));
        assert_eq!(options.yes_or_no("No"), Some(false));
        assert_eq!(options.yes_or_no("Ja, daglig"), None);
    }
}
