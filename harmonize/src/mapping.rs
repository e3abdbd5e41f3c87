//! Mapping a variable's answer options onto a shared definition's value set.

use std::cell::OnceCell;
use std::rc::Rc;

use catalog::{
    Category, SharedDefinition, StandardValue, ValueMapping, ValueRelation, VariableVersion,
};

use crate::score::Scorer;
use crate::text::{AnswerOptions, Concepts, normalize};

/// Maps every answer option: missing codes onto the definition's missing value, the rest onto
/// the value whose label means the same, or unmatched.
pub(crate) fn map_values(
    scorer: &Scorer<'_>,
    variable: &VariableVersion,
    definition: &SharedDefinition,
) -> Vec<ValueMapping> {
    let missing_value = definition.value_set.iter().find(|value| value.missing);
    // Each value's labels, and its code, which an option's label may name: prepared once for
    // all the options.
    let value_labels: Vec<Vec<Rc<PreparedLabel>>> = definition
        .value_set
        .iter()
        .map(|value| {
            [value.label.nb.as_deref(), value.label.en.as_deref(), Some(value.code.as_str())]
                .into_iter()
                .flatten()
                .map(|label| scorer.prepared(label))
                .collect()
        })
        .collect();
    // Only a plain yes or no needs the value its question names, and most options are neither.
    let named = OnceCell::new();
    let named = || *named.get_or_init(|| named_value(scorer, variable, definition, &value_labels));
    let best = |category| best_value(scorer, category, definition, &value_labels, &named);
    variable
        .definition
        .value_domain
        .categories
        .iter()
        .map(|category| {
            let target = if category.missing {
                missing_value
                    .map(|value| (value.code.clone(), ValueRelation::Equivalent))
                    .or_else(|| best(category))
            } else {
                best(category)
            };
            let (target_code, relation) = match target {
                Some((code, relation)) => (Some(code), relation),
                None => (None, ValueRelation::Unmatched),
            };
            ValueMapping { relation, source_code: category.code.clone(), target_code }
        })
        .collect()
}

/// How alike a yes/no question and a value's label must be for the question to ask whether
/// the answer is that value: the same words, the same answer group, or every word of one in
/// the other ("Død under oppholdet" asks whether the patient is "Død").
const NAMED_VALUE: f64 = 0.6;

/// The value a yes/no question asks about: "Bor alene?" asks whether the answer to "lives
/// alone or with others" is "Bor alene". The index of a value that is not missing, if any.
fn named_value(
    scorer: &Scorer<'_>,
    variable: &VariableVersion,
    definition: &SharedDefinition,
    value_labels: &[Vec<Rc<PreparedLabel>>],
) -> Option<usize> {
    let question: Vec<Rc<PreparedLabel>> =
        [&variable.definition.label.nb, &variable.definition.label.en]
            .into_iter()
            .flatten()
            .map(|label| scorer.prepared(label))
            .collect();
    let mut best: Option<(f64, usize)> = None;
    for (index, (value, labels)) in definition.value_set.iter().zip(value_labels).enumerate() {
        if value.missing {
            continue;
        }
        for label in labels {
            for asked in &question {
                let score = asked.likeness(label, false);
                if score >= NAMED_VALUE && best.is_none_or(|(most, _)| score > most) {
                    best = Some((score, index));
                }
            }
        }
    }
    best.map(|(_, index)| index)
}

/// Words that mark a standard value as the unspecified yes or no of its concept
/// ("Røyker, hyppighet uspesifisert", "Non-smoker, unspecified").
const UNSPECIFIED: &[&str] = &["uspesifisert", "unspecified"];
const NEGATIONS: &[&str] = &["ikke", "non", "not", "no", "never", "aldri"];

/// The value whose label is the option's: the same words, the same answer group ("Nei, aldri"
/// and "Never smoked"), or the same code where the labels share words. A plain yes or no against
/// a value set without one goes to its concept's unspecified yes or no, where the set has them;
/// else, when the question names a value (`named` finds it, see `named_value`), yes goes to that
/// value and no to the only other one. `value_labels` are the prepared labels of each value of the
/// definition, in order.
fn best_value(
    scorer: &Scorer<'_>,
    category: &Category,
    definition: &SharedDefinition,
    value_labels: &[Vec<Rc<PreparedLabel>>],
    named: &dyn Fn() -> Option<usize>,
) -> Option<(String, ValueRelation)> {
    if let Some(found) = ordinal_class(category, definition)
        .or_else(|| subdivision(category, definition))
        .or_else(|| bracket(category, definition))
    {
        return Some(found);
    }
    let labels: Vec<Rc<PreparedLabel>> = [&category.label.nb, &category.label.en]
        .into_iter()
        .flatten()
        .map(|label| scorer.prepared(label))
        .collect();
    let answer = labels.iter().find_map(|label| label.yes_or_no);
    let has_yes_no = value_labels.iter().flatten().any(|label| label.yes_or_no.is_some());
    if let (Some(yes), false) = (answer, has_yes_no) {
        return definition
            .value_set
            .iter()
            .find(|value| {
                let words: Vec<String> = [&value.label.nb, &value.label.en]
                    .into_iter()
                    .flatten()
                    .flat_map(|l| normalize(l).split(' ').map(str::to_owned).collect::<Vec<_>>())
                    .collect();
                let unspecified = words.iter().any(|w| UNSPECIFIED.contains(&w.as_str()));
                let negated = words.iter().any(|w| NEGATIONS.contains(&w.as_str()));
                unspecified && negated != yes
            })
            .or_else(|| {
                let named = named()?;
                if yes {
                    return definition.value_set.get(named);
                }
                let mut others = definition
                    .value_set
                    .iter()
                    .enumerate()
                    .filter(|(index, value)| *index != named && !value.missing);
                match (others.next(), others.next()) {
                    (Some((_, other)), None) => Some(other),
                    _ => None,
                }
            })
            .map(|value| (value.code.clone(), ValueRelation::Equivalent));
    }
    // The words themselves first; synonyms only when no value shares a word with the option,
    // because the synonym lists are made for finding the same question ("hastegrad, akutt,
    // elektiv"), and would make opposite answers alike.
    for with_synonyms in [false, true] {
        let mut best: Option<(f64, &StandardValue)> = None;
        for (value, others) in definition.value_set.iter().zip(value_labels) {
            let mut score: f64 = 0.0;
            for label in &labels {
                for other in others {
                    score = score.max(label.likeness(other, with_synonyms));
                }
            }
            if score >= 0.5 && best.is_none_or(|(best_score, _)| score > best_score) {
                best = Some((score, value));
            }
        }
        if let Some((_, value)) = best {
            return Some((value.code.clone(), ValueRelation::Equivalent));
        }
    }
    None
}

/// What comparing answer labels needs of one label, worked out once per distinct label by
/// `Scorer::prepared`: the same few labels ("Ja", "Nei", "Ukjent") recur across a catalog.
pub(crate) struct PreparedLabel {
    normalized: String,
    /// The option group of its longest listed phrase, and every group it names.
    group: Option<usize>,
    groups: Vec<usize>,
    /// A plain yes or no.
    yes_or_no: Option<bool>,
    stems: Vec<String>,
    concepts: Vec<String>,
    negated: bool,
}

impl PreparedLabel {
    pub(crate) fn new(label: &str, concepts: &Concepts, options: &AnswerOptions) -> PreparedLabel {
        PreparedLabel {
            normalized: normalize(label),
            group: options.group(label),
            groups: options.groups(label),
            yes_or_no: options.yes_or_no(label),
            stems: concepts.stems(label),
            concepts: concepts.of(label, false),
            negated: negated(label),
        }
    }

    /// How alike an option's label (`self`) and a value's are, 0 to 1: the same words, the
    /// same answer, or shared words (stems, or with `with_synonyms` concepts).
    fn likeness(&self, value: &PreparedLabel, with_synonyms: bool) -> f64 {
        if self.normalized == value.normalized {
            return 1.0;
        }
        if self.gives_the_answer_of(value) {
            return 0.95;
        }
        let words = if with_synonyms {
            overlap(&self.concepts, &value.concepts)
        } else {
            overlap(&self.stems, &value.stems)
        };
        // Sharing words is not enough when one says no: "Ingen problemer" is not "Noen
        // problemer"; nor when the value names a kind of answer ("Røyker av og til",
        // occasionally) that the option does not say: "Røyker" is not an occasional smoker.
        let qualified = value.group.is_some() && self.group != value.group;
        let words = if qualified { words * 0.5 } else { words };
        if self.negated == value.negated { words } else { words * 0.3 }
    }

    /// The same option group, and no group of the value's that the option lacks ("Nåværende
    /// røyker" is not "Current smoker, occasionally").
    fn gives_the_answer_of(&self, value: &PreparedLabel) -> bool {
        self.group.is_some()
            && self.group == value.group
            && value.groups.iter().all(|group| self.groups.contains(group))
    }
}

/// Whether a label says no: it has a word of negation ("ingen", "ikke", "never", ...).
fn negated(label: &str) -> bool {
    normalize(label).split(' ').any(|word| {
        NEGATIONS.contains(&word) || word == "ingen" || word == "uten" || word == "without"
    })
}

/// How much two labels' words overlap: Dice's coefficient, or, when every word of the shorter
/// is in the longer ("Død" in "Død under oppholdet"), enough to count as a match.
fn overlap(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.iter().filter(|t| b.contains(t)).count();
    let dice = 2.0 * shared as f64 / (a.len() + b.len()) as f64 * 0.9;
    let contained = shared == a.len().min(b.len());
    if contained { dice.max(0.6) } else { dice }
}

/// The interval of amounts a label names: "NOK 251 000-350 000", "Under 250 000 kr", "More than
/// NOK 1 000 000". Digits grouped by single spaces are one number ("1 000 000"); a label with
/// one number is a bound only when a word says which ("under", "over", ...).
fn interval(label: &str) -> Option<(f64, f64)> {
    let mut numbers: Vec<f64> = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = label.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_digit() {
            current.push(*c);
        } else if *c == ' '
            && !current.is_empty()
            && chars.get(i + 1..i + 4).is_some_and(|next| next.iter().all(char::is_ascii_digit))
            && !chars.get(i + 4).is_some_and(char::is_ascii_digit)
        {
            // A thousands separator: the next group has exactly three digits.
        } else if !current.is_empty() {
            numbers.push(current.parse().ok()?);
            current.clear();
        }
    }
    if !current.is_empty() {
        numbers.push(current.parse().ok()?);
    }
    let words = normalize(label);
    let says = |list: &[&str]| words.split(' ').any(|word| list.contains(&word));
    match numbers.as_slice() {
        [low, high] if low <= high => Some((*low, *high)),
        [bound] if says(&["under", "below", "less", "mindre", "lavere"]) => {
            Some((f64::NEG_INFINITY, *bound))
        }
        [bound] if says(&["over", "above", "more", "mer", "høyere", "hoyere"]) => {
            Some((*bound, f64::INFINITY))
        }
        _ => None,
    }
}

/// Brackets of an amount (income, say) nest: an option whose interval lies within a value's maps
/// onto it, narrower unless the two are the same. Only amounts of a thousand or more count, so
/// that counts and scores ("1-3", "4-6") are left to their labels.
fn bracket(category: &Category, definition: &SharedDefinition) -> Option<(String, ValueRelation)> {
    let large = |(low, high): &(f64, f64)| low.abs().min(high.abs()) >= 1000.0;
    let intervals = |text: &catalog::LocalizedText| -> Vec<(f64, f64)> {
        [&text.nb, &text.en]
            .into_iter()
            .flatten()
            .filter_map(|label| interval(label))
            .filter(large)
            .collect()
    };
    let options = intervals(&category.label);
    let (low, high) = *options.first()?;
    // Amounts are whole units: a bracket ending at 450 000 and the next starting at 451 000
    // touch, so a unit of slack on each side.
    definition.value_set.iter().filter(|value| !value.missing).find_map(|value| {
        intervals(&value.label).into_iter().find_map(|(from, to)| {
            (low >= from - 1000.0 && high <= to + 1000.0).then(|| {
                let relation = if low == from && high == to {
                    ValueRelation::Equivalent
                } else {
                    ValueRelation::Narrower
                };
                (value.code.clone(), relation)
            })
        })
    })
}

/// A number written in digits or in Roman numerals (I to XII, as classes such as ASA and NYHA
/// are written).
fn class_number(text: &str) -> Option<u32> {
    let text = text.trim();
    if let Ok(n) = text.parse::<u32>() {
        return Some(n);
    }
    const ROMAN: [&str; 12] =
        ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];
    ROMAN.iter().position(|r| r.eq_ignore_ascii_case(text)).map(|i| i as u32 + 1)
}

/// Classes of an ordinal scale are numbered alike: when every code of the value set is one
/// prefix and a number (`mrs0` … `mrs6`, `asa1` … `asa5`), an option numbered n (by its
/// label's first word, such as "2 Lett funksjonshemning", or else, when the prefix names the
/// scale, its code, such as `IV`) is the class `prefix` + n.
fn ordinal_class<'d>(
    category: &Category,
    definition: &'d SharedDefinition,
) -> Option<(String, ValueRelation)> {
    let split = |code: &'d str| {
        let digits = code.trim_start_matches(|c: char| !c.is_ascii_digit());
        let prefix = &code[..code.len() - digits.len()];
        (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
            .then(|| (prefix, digits.parse::<u32>().ok()))
    };
    let classes: Vec<(&str, u32, &str)> = definition
        .value_set
        .iter()
        .filter(|value| !value.missing)
        .map(|value| split(&value.code).and_then(|(p, n)| Some((p, n?, value.code.as_str()))))
        .collect::<Option<_>>()?;
    let prefix = &classes.first()?.0;
    if classes.len() < 2 || classes.iter().any(|(p, _, _)| p != prefix) {
        return None;
    }
    let label_number = [&category.label.nb, &category.label.en]
        .into_iter()
        .flatten()
        .find_map(|label| label.split_whitespace().next().and_then(class_number));
    let code =
        category.code.trim_start_matches(|c: char| c.is_ascii_alphabetic() && !"IVX".contains(c));
    // Plain numbers as codes on both sides are only codes ("1 Yes" is not the class of "1 Nei,
    // 2 Ja"): without a prefix naming the scale, the option's own label must be numbered.
    let by_code = if prefix.is_empty() { None } else { class_number(code) };
    let number = label_number.or(by_code)?;
    classes
        .iter()
        .find(|(_, n, _)| *n == number)
        .map(|(_, _, code)| ((*code).to_owned(), ValueRelation::Equivalent))
}

/// Codes of a classification subdivide by appending: `T4a` and `pT4` are kinds of `T4` (TNM's
/// clinical/pathological prefixes c, p, y and r aside), `C34.1` of `C34`. An option whose code
/// is a value's code, or subdivides it, maps onto it (narrower when it subdivides).
fn subdivision(
    category: &Category,
    definition: &SharedDefinition,
) -> Option<(String, ValueRelation)> {
    let mut code = category.code.trim().to_lowercase();
    if !code.chars().any(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    if code.len() > 1
        && code.starts_with(['c', 'p', 'y', 'r'])
        && code[1..].starts_with(['t', 'n', 'm'])
    {
        code.remove(0);
    }
    let mut best: Option<(&str, ValueRelation)> = None;
    for value in definition.value_set.iter().filter(|value| !value.missing) {
        let target = value.code.to_lowercase();
        if !target.chars().any(|c| c.is_ascii_digit())
            && !["tx", "tis", "nx", "mx"].contains(&target.as_str())
        {
            continue;
        }
        if code == target {
            return Some((value.code.clone(), ValueRelation::Equivalent));
        }
        let subdivides = code
            .strip_prefix(target.as_str())
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '.'));
        if subdivides && best.is_none_or(|(b, _)| value.code.len() > b.len()) {
            best = Some((value.code.as_str(), ValueRelation::Narrower));
        }
    }
    best.map(|(code, relation)| (code.to_owned(), relation))
}

#[cfg(test)]
pub(crate) mod tests {
    use catalog::{
        Category, DataType, ImportId, LocalizedText, Period, Provenance, RegistryId,
        SharedDefinition, SharedDefinitionId, StandardValue, Status, VariableDefinition,
        VariableKey, VariableVersion, VersionNo,
    };

    use super::*;

    pub(crate) fn variable(options: &[(&str, &str, bool)]) -> VariableVersion {
        let mut definition = VariableDefinition::of_type(DataType::Categorical);
        definition.value_domain.categories = options
            .iter()
            .enumerate()
            .map(|(i, (code, label, missing))| Category {
                code: (*code).into(),
                label: LocalizedText::nb(label),
                missing: *missing,
                order: i as u32,
                period: Period::default(),
            })
            .collect();
        VariableVersion {
            key: VariableKey::new(RegistryId::new("nkr").unwrap(), "Roeyker").unwrap(),
            version: VersionNo::FIRST,
            status: Status::Published,
            published_at: None,
            definition,
            provenance: Provenance {
                source_file: "t".into(),
                format: "t".into(),
                import: ImportId(1),
                recorded_by: "t".into(),
                recorded_at: chrono_now(),
            },
        }
    }

    fn chrono_now() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(0, 0).unwrap()
    }

    pub(crate) fn smoking_status() -> SharedDefinition {
        let value = |code: &str, nb: &str, missing| StandardValue {
            code: code.into(),
            label: LocalizedText::nb(nb),
            missing,
            external: Vec::new(),
        };
        SharedDefinition {
            id: SharedDefinitionId("smoking_status".into()),
            version: VersionNo::FIRST,
            label: LocalizedText::nb("Røykestatus"),
            description: LocalizedText::default(),
            data_type: DataType::Categorical,
            unit: None,
            value_set: vec![
                value("never", "Aldri røykt", false),
                value("ex", "Tidligere røyker", false),
                value("current_unspecified", "Røyker, hyppighet uspesifisert", false),
                value(
                    "non_smoker_unspecified",
                    "Røyker ikke (aldri/tidligere uspesifisert)",
                    false,
                ),
                value("unknown", "Ukjent", true),
            ],
            external: Vec::new(),
        }
    }

    #[test]
    fn yes_no_goes_to_the_unspecified_values_and_missing_to_missing() {
        let definitions = [smoking_status()];
        let variables = [variable(&[
            ("1", "Ja", false),
            ("2", "Nei", false),
            ("9", "Vet ikke", true),
            ("3", "Eks-røyker", false),
        ])];
        let scorer = Scorer::new(&definitions, &variables);
        let mapped: Vec<(String, Option<String>)> =
            map_values(&scorer, &variables[0], &definitions[0])
                .into_iter()
                .map(|m| (m.source_code, m.target_code))
                .collect();
        assert_eq!(
            mapped,
            [
                ("1".into(), Some("current_unspecified".into())),
                ("2".into(), Some("non_smoker_unspecified".into())),
                ("9".into(), Some("unknown".into())),
                ("3".into(), Some("ex".into())),
            ]
        );
    }

    fn definition(id: &str, values: &[(&str, &str)]) -> SharedDefinition {
        SharedDefinition {
            id: SharedDefinitionId(id.into()),
            value_set: values
                .iter()
                .map(|(code, nb)| StandardValue {
                    code: (*code).into(),
                    label: LocalizedText::nb(nb),
                    missing: *code == "unknown",
                    external: Vec::new(),
                })
                .collect(),
            ..smoking_status()
        }
    }

    fn mapped(
        definition: SharedDefinition,
        options: &[(&str, &str, bool)],
    ) -> Vec<(String, Option<String>, ValueRelation)> {
        let definitions = [definition];
        let variables = [variable(options)];
        let scorer = Scorer::new(&definitions, &variables);
        map_values(&scorer, &variables[0], &definitions[0])
            .into_iter()
            .map(|m| (m.source_code, m.target_code, m.relation))
            .collect()
    }

    /// A yes/no question that names one of a definition's values ("Bor alene?") answers yes
    /// with that value and no with the other one; where there are more, no says nothing.
    #[test]
    fn a_yes_no_question_naming_a_value_maps_yes_to_it_and_no_to_the_other() {
        let asked = |question: &str, definition: SharedDefinition| -> Vec<Option<String>> {
            let definitions = [definition];
            let mut variables = [variable(&[("1", "Ja", false), ("2", "Nei", false)])];
            variables[0].definition.label = LocalizedText::nb(question);
            let scorer = Scorer::new(&definitions, &variables);
            map_values(&scorer, &variables[0], &definitions[0])
                .into_iter()
                .map(|m| m.target_code)
                .collect()
        };
        let some = |code: &str| Some(code.to_owned());
        let living = definition(
            "living_alone",
            &[
                ("lives_alone", "Bor alene"),
                ("with_others", "Bor sammen med andre"),
                ("unknown", "Ukjent"),
            ],
        );
        assert_eq!(asked("Bor alene", living), [some("lives_alone"), some("with_others")]);
        let vital = definition(
            "vital_status",
            &[("alive", "Levende"), ("dead", "Død"), ("unknown", "Ukjent")],
        );
        assert_eq!(asked("Død under oppholdet", vital), [some("dead"), some("alive")]);
        let residence = definition(
            "residence",
            &[("home", "Eget hjem"), ("sheltered", "Omsorgsbolig"), ("nursing_home", "Sykehjem")],
        );
        assert_eq!(asked("Bor på sykehjem", residence), [some("nursing_home"), None]);
    }

    /// A survey's narrow income brackets map onto the standard's wider ones that hold them.
    #[test]
    fn income_brackets_map_onto_the_brackets_that_hold_them() {
        let mut income = definition(
            "household_income",
            &[
                ("lt250k", "Under 250 000 kr"),
                ("250_450k", "250 000-450 000 kr"),
                ("451_750k", "451 000-750 000 kr"),
                ("gt750k", "Over 750 000 kr"),
            ],
        );
        // A label in millions is no amount of a thousand or more, and bounds nothing.
        income.value_set[3].label.en = Some("Above NOK 1 million".into());
        let narrower = ValueRelation::Narrower;
        assert_eq!(
            mapped(
                income,
                &[
                    ("1", "Less than NOK 150 000", false),
                    ("2", "NOK 251 000-350 000", false),
                    ("3", "NOK 351 000-450 000", false),
                    ("4", "NOK 451 000-750 000", false),
                    ("5", "More than NOK 1 000 000", false),
                    ("6", "150 000-299 999 kr", false),
                ],
            ),
            [
                ("1".into(), Some("lt250k".into()), narrower),
                ("2".into(), Some("250_450k".into()), narrower),
                ("3".into(), Some("250_450k".into()), narrower),
                ("4".into(), Some("451_750k".into()), ValueRelation::Equivalent),
                ("5".into(), Some("gt750k".into()), narrower),
                ("6".into(), None, ValueRelation::Unmatched),
            ]
        );
    }

    /// Numbered codes on both sides are not classes of a scale: "1 Yes" is "2 Ja", not "1 Nei".
    #[test]
    fn plain_numeric_codes_are_matched_by_label_not_by_number() {
        let yes_no = definition("answer", &[("1", "Nei"), ("2", "Ja")]);
        let targets: Vec<Option<String>> =
            mapped(yes_no, &[("0", "No", false), ("1", "Yes", false)])
                .into_iter()
                .map(|(_, target, _)| target)
                .collect();
        assert_eq!(targets, [Some("1".into()), Some("2".into())]);
    }

    #[test]
    fn classes_of_an_ordinal_scale_map_by_their_number_in_digits_or_roman_numerals() {
        let asa = definition(
            "asa_class",
            &[
                ("asa1", "ASA 1 Frisk"),
                ("asa2", "ASA 2"),
                ("asa3", "ASA 3"),
                ("asa4", "ASA 4"),
                ("unknown", "Ukjent"),
            ],
        );
        let found =
            mapped(asa, &[("I", "ASA I", false), ("IV", "ASA IV", false), ("9", "Ukjent", true)]);
        assert_eq!(found[0].1.as_deref(), Some("asa1"));
        assert_eq!(found[1].1.as_deref(), Some("asa4"));
        assert_eq!(found[2].1.as_deref(), Some("unknown"));
        let rankin = definition(
            "modified_rankin",
            &[
                ("mrs0", "Ingen symptomer"),
                ("mrs1", "Ingen betydelig funksjonshemning"),
                ("mrs2", "Lett"),
            ],
        );
        let found = mapped(
            rankin,
            &[("0", "0 Ingen symptomer", false), ("2", "2 Lett funksjonshemning", false)],
        );
        assert_eq!((found[0].1.as_deref(), found[1].1.as_deref()), (Some("mrs0"), Some("mrs2")));
    }

    #[test]
    fn subdivided_classification_codes_map_onto_their_class_as_narrower() {
        let t = definition(
            "pathological_t",
            &[("tx", "TX"), ("tis", "Tis"), ("t1", "T1"), ("t4", "T4")],
        );
        let found = mapped(
            t,
            &[
                ("pTX", "pTX", false),
                ("pTis", "pTis", false),
                ("pT1mi", "pT1mi", false),
                ("T4b", "T4b", false),
            ],
        );
        let targets: Vec<(Option<&str>, ValueRelation)> =
            found.iter().map(|(_, target, relation)| (target.as_deref(), *relation)).collect();
        assert_eq!(
            targets,
            [
                (Some("tx"), ValueRelation::Equivalent),
                (Some("tis"), ValueRelation::Equivalent),
                (Some("t1"), ValueRelation::Narrower),
                (Some("t4"), ValueRelation::Narrower),
            ]
        );
    }

    #[test]
    fn opposite_answers_stay_apart_though_a_synonym_list_groups_them() {
        // "hastegrad, akutt, elektiv" is one synonym group for finding the question; the answers
        // must still map onto their own values, and "Noen problemer" is not "Ingen problemer".
        let urgency = definition(
            "admission_urgency",
            &[("emergency", "Akutt/øyeblikkelig hjelp"), ("elective", "Planlagt/elektiv")],
        );
        let found = mapped(urgency, &[("1", "Elektiv", false), ("2", "Akutt", false)]);
        assert_eq!(
            (found[0].1.as_deref(), found[1].1.as_deref()),
            (Some("elective"), Some("emergency"))
        );
        let mobility = definition(
            "eq5d_mobility",
            &[("no_problems", "Ingen problemer med å gå"), ("unable", "Ute av stand til å gå")],
        );
        let found = mapped(mobility, &[("2", "Noen problemer med å gå", false)]);
        assert_eq!(found[0].1, None);
    }
}
