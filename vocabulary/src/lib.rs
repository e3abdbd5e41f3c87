//! The words varkat knows, as data, and the plain text handling that search and harmonization
//! share: splitting identifiers and compounds into words, and folding diacritics.
//!
//! The lists are text files beside this crate, one group or word per line, so that a domain
//! expert can read and extend them without reading code.

use std::collections::HashSet;

use unicode_normalization::UnicodeNormalization;

/// Synonym groups: a query or a label word in a group stands for the others.
pub const SYNONYMS: &str = include_str!("../synonyms.txt");
/// Words Norwegian compounds are built from.
pub const COMPOUND_PARTS: &str = include_str!("../compound_parts.txt");
/// Words that name whose answer a variable records (the father, the mother, the child).
pub const SUBJECTS: &str = include_str!("../subjects.txt");
/// Answer options that mean the same across registries and languages.
pub const ANSWER_OPTIONS: &str = include_str!("../answer_options.txt");

/// The groups of a one-group-per-line list: lowercase words, comment lines skipped.
pub fn groups(text: &str) -> Vec<Vec<String>> {
    lines(text)
        .map(|line| {
            line.split(',')
                .map(|word| word.trim().to_lowercase())
                .filter(|word| !word.is_empty())
                .collect()
        })
        .collect()
}

/// The words of a one-word-per-line list, lowercase.
pub fn word_list(text: &str) -> Vec<String> {
    lines(text).map(str::to_lowercase).collect()
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// Lowercase text with diacritics removed: ø → o, æ → ae, å → a, é → e.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.to_lowercase().chars() {
        match c {
            'ø' => out.push('o'),
            'æ' => out.push_str("ae"),
            'ð' => out.push('d'),
            'þ' => out.push_str("th"),
            'ß' => out.push_str("ss"),
            // Most text is ASCII, which has nothing to decompose.
            _ if c.is_ascii() => out.push(c),
            _ => {
                out.extend(c.nfd().filter(|d| {
                    d.is_ascii() || !unicode_normalization::char::is_combining_mark(*d)
                }))
            }
        }
    }
    out
}

/// Byte ranges of the words of `text`: runs of letters and digits, and with `split_names`
/// also the pieces of an identifier (`pasientKjonn`, `ROYK_STATUS2`, `HbA1c`).
pub fn words(text: &str, split_names: bool) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut start: Option<usize> = None;
    for (i, &(offset, c)) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if let Some(from) = start.take() {
                ranges.push((from, offset));
            }
            continue;
        }
        if let (Some(from), true) = (start, split_names && i > 0) {
            let previous = chars[i - 1].1;
            let next_is_lower = chars.get(i + 1).is_some_and(|(_, n)| n.is_lowercase());
            let boundary = (previous.is_lowercase() && c.is_uppercase())
                || (previous.is_alphabetic() && c.is_numeric())
                || (previous.is_numeric() && c.is_alphabetic())
                || (previous.is_uppercase() && c.is_uppercase() && next_is_lower);
            if boundary {
                ranges.push((from, offset));
                start = Some(offset);
            }
        }
        start.get_or_insert(offset);
    }
    if let Some(from) = start {
        ranges.push((from, text.len()));
    }
    ranges
}

/// The known parts of a compound word: `røykestatus` → røyk, status; `fødselsvekt` → fødsel,
/// vekt. The left part may carry a linking -s- or -e-; the right part may itself be a compound.
/// A word that does not split wholly into known parts gives nothing.
pub fn split_compound(word: &str, parts: &HashSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    if split_into(word, parts, &mut out) { out } else { Vec::new() }
}

/// Slices, not new strings, for the candidates: this runs for every word indexed.
fn split_into(word: &str, parts: &HashSet<String>, out: &mut Vec<String>) -> bool {
    let boundaries: Vec<usize> = word.char_indices().map(|(at, _)| at).collect();
    if boundaries.len() < 6 {
        return false;
    }
    for &split in boundaries[3..=boundaries.len() - 3].iter().rev() {
        let (left, right) = word.split_at(split);
        // Prefer the stem without its linking letter: "røyke|status" is "røyk" + "status".
        let linked = left
            .strip_suffix('s')
            .or_else(|| left.strip_suffix('e'))
            .filter(|stem| parts.contains(*stem));
        let left = match linked {
            Some(stem) => stem,
            None if parts.contains(left) => left,
            None => continue,
        };
        let mark = out.len();
        out.push(left.to_owned());
        if parts.contains(right) {
            out.push(right.to_owned());
            return true;
        }
        if split_into(right, parts, out) {
            return true;
        }
        out.truncate(mark);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding() {
        assert_eq!(fold("Røykestatus Ærlig Åpen Café"), "roykestatus aerlig apen cafe");
    }
    #[test]
    fn identifiers_split() {
        let text = "RoykStatus2";
        let got: Vec<&str> =
            words(text, true).into_iter().map(|(from, to)| &text[from..to]).collect();
        assert_eq!(got, ["Royk", "Status", "2"]);
    }
    #[test]
    fn compounds_split() {
        let parts: HashSet<String> = ["røyk", "status", "fødsel", "vekt"].map(String::from).into();
        assert_eq!(split_compound("røykestatus", &parts), ["røyk", "status"]);
        assert_eq!(split_compound("fødselsvekt", &parts), ["fødsel", "vekt"]);
        assert!(split_compound("blodtrykk", &parts).is_empty());
    }
}
