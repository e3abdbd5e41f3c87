//! Parsing the scalar values that codebooks write in many ways: dates, numbers, flags.

use chrono::NaiveDate;

use crate::error::ImportErrorKind;

/// Reads a date written `YYYY-MM-DD` or `DD.MM.YYYY` (as Norwegian exports write it).
pub(crate) fn date(text: &str) -> Result<NaiveDate, ImportErrorKind> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d.%m.%Y"))
        .map_err(|_| ImportErrorKind::BadDate(text.to_owned()))
}

/// Reads a number, accepting a decimal comma.
pub(crate) fn number(text: &str) -> Result<f64, ImportErrorKind> {
    let text = text.trim();
    text.replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or_else(|| ImportErrorKind::BadNumber(text.to_owned()))
}

/// Reads a flag written as true/false, yes/no, ja/nei or 1/0.
pub(crate) fn flag(text: &str) -> Result<bool, ImportErrorKind> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "ja" | "1" | "y" => Ok(true),
        "false" | "no" | "nei" | "0" | "n" | "" => Ok(false),
        _ => Err(ImportErrorKind::BadBoolean(text.trim().to_owned())),
    }
}

/// Answer labels that registries use for "no answer", in Norwegian and English; formats
/// without a missing flag mark such options missing.
const MISSING_LABELS: &[&str] = &[
    "ukjent",
    "vet ikke",
    "ikke svart",
    "ikke utfylt",
    "ikke oppgitt",
    "mangler",
    "ikke registrert",
    "ubesvart",
    "unknown",
    "missing",
    "don't know",
    "refused",
    "not answered",
    "not stated",
];

/// The text with each run of whitespace as one space, and none at either end.
pub(crate) fn collapse_whitespace(text: &str) -> String {
    // Most texts already are, which one look at their bytes tells: no ASCII whitespace but
    // single inner spaces, and no lead byte of a non-ASCII whitespace character (U+0085,
    // U+00A0, U+1680, U+2000 to U+205F, U+3000). A text that fails this is collapsed word by
    // word, which is right for any text.
    let collapsed = !text.is_empty()
        && !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text.contains("  ")
        && !text.bytes().any(|b| matches!(b, b'\t'..=b'\r' | 0xC2 | 0xE1 | 0xE2 | 0xE3));
    if collapsed {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// True when an answer label means the answer is missing.
pub(crate) fn is_missing_label(label: &str) -> bool {
    let normalized = label.trim().trim_end_matches(['.', ':']).to_lowercase();
    MISSING_LABELS.iter().any(|missing| {
        normalized
            .strip_prefix(missing)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn whitespace_collapses_to_single_spaces_between_words(text in "[a-zø§– \t\n\r\u{b}\u{c}\u{85}\u{a0}\u{1680}\u{2003}\u{3000}]{0,12}") {
            let words: Vec<&str> = text.split_whitespace().collect();
            prop_assert_eq!(collapse_whitespace(&text), words.join(" "));
        }
    }

    #[test]
    fn dates_in_both_spellings() {
        assert_eq!(date("2023-11-29").unwrap(), date("29.11.2023").unwrap());
        assert_eq!(
            date("31.02.2023").unwrap_err().to_string(),
            "`31.02.2023` is not a date; expected YYYY-MM-DD or DD.MM.YYYY"
        );
    }
    #[test]
    fn decimal_comma() {
        assert_eq!(number("1,5").unwrap(), 1.5);
        assert!(number("NaN").is_err());
    }
}
