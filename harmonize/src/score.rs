//! Scoring a variable against a shared definition, signal by signal, each kept as a reason.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::rc::Rc;

use catalog::{DataType, SharedDefinition, VariableVersion};
use foldhash::{HashMap, HashMapExt, HashSet};

use crate::mapping::{self, PreparedLabel};
use crate::text::{AnswerOptions, Concepts};

/// Below this, a variable is left alone: its best definition is not convincing.
pub(crate) const DEFAULT_MIN_CONFIDENCE: f64 = 0.48;

/// How much each signal counts; they add up to 1.
const LABEL_WEIGHT: f64 = 0.6;
const DESCRIPTION_WEIGHT: f64 = 0.1;
const VALUES_WEIGHT: f64 = 0.2;
const TYPE_WEIGHT: f64 = 0.1;

/// Words that say what kind of value a variable holds, not what it is about: two labels that
/// share only these ("Sluttdato for ventetid", "Operasjonsdato") do not ask the same thing.
const VALUE_KINDS: &[&str] =
    &["dato", "date", "tidspunkt", "kode", "code", "nummer", "number", "antall", "count", "type"];

/// A scored match and its reasons.
pub(crate) struct Match {
    pub(crate) confidence: f64,
    pub(crate) reasons: Vec<String>,
}

/// The concepts of every variable and definition, their weights, and an index from concept to
/// the definitions that have it.
pub(crate) struct Scorer<'a> {
    pub(crate) concepts: Concepts,
    pub(crate) options: AnswerOptions,
    definitions: &'a [SharedDefinition],
    variable_labels: Vec<Vec<String>>,
    /// The same concepts, and those of descriptions, as numbers.
    numbered: NumberedConcepts,
    /// What each definition's scope note excludes ("Ikke fødselsvekt").
    definition_exclusions: Vec<Vec<Exclusion>>,
    /// Each variable's label as stems, to hold against the exclusions.
    variable_label_stems: Vec<Vec<String>>,
    /// The persons (father, mother) each definition and variable names, by group.
    definition_subjects: Vec<Vec<usize>>,
    variable_subjects: Vec<Vec<usize>>,
    idf: HashMap<String, f64>,
    index: HashMap<String, Vec<usize>>,
    /// The concepts of `VALUE_KINDS`.
    value_kinds: HashSet<String>,
    /// Answer labels prepared for comparing, by label.
    prepared: RefCell<HashMap<String, Rc<PreparedLabel>>>,
}

/// The concepts of every label and description, each list in its order, as numbers into
/// `weights`: scoring a pair compares numbers, where comparing the strings took a fifth of the
/// time of proposing.
struct NumberedConcepts {
    definition_labels: Vec<Vec<u32>>,
    definition_texts: Vec<Vec<u32>>,
    /// A definition's label concepts followed by its description's.
    definitions_described: Vec<Vec<u32>>,
    variable_labels: Vec<Vec<u32>>,
    variable_texts: Vec<Vec<u32>>,
    /// Each concept's weight, as [`Scorer::weight`] gives it.
    weights: Vec<f64>,
    /// Whether each concept is one of `VALUE_KINDS`'.
    value_kinds: Vec<bool>,
}

impl NumberedConcepts {
    fn new(
        lists: [&[Vec<String>]; 4],
        idf: &HashMap<String, f64>,
        value_kinds: &HashSet<String>,
    ) -> NumberedConcepts {
        let mut numbers: HashMap<&str, u32> = HashMap::new();
        let mut weights = Vec::new();
        let mut kinds = Vec::new();
        let [definition_labels, definition_texts, variable_labels, variable_texts] =
            lists.map(|lists| {
                lists
                    .iter()
                    .map(|list| {
                        list.iter()
                            .map(|token| {
                                *numbers.entry(token).or_insert_with(|| {
                                    weights.push(idf.get(token).copied().unwrap_or(1.0));
                                    kinds.push(value_kinds.contains(token));
                                    (weights.len() - 1) as u32
                                })
                            })
                            .collect::<Vec<u32>>()
                    })
                    .collect::<Vec<_>>()
            });
        let definitions_described = definition_labels
            .iter()
            .zip(&definition_texts)
            .map(|(label, text)| label.iter().chain(text).copied().collect())
            .collect();
        NumberedConcepts {
            definition_labels,
            definition_texts,
            definitions_described,
            variable_labels,
            variable_texts,
            weights,
            value_kinds: kinds,
        }
    }
}

impl<'a> Scorer<'a> {
    pub(crate) fn new<V: Borrow<VariableVersion>>(
        definitions: &'a [SharedDefinition],
        variables: &[V],
    ) -> Scorer<'a> {
        let concepts = Concepts::new();
        let localized = |text: &catalog::LocalizedText| {
            let mut out = Vec::new();
            if let Some(nb) = &text.nb {
                out.extend(concepts.of(nb, false));
            }
            if let Some(en) = &text.en {
                out.extend(concepts.of(en, true));
            }
            out.sort();
            out.dedup();
            out
        };
        let definition_labels: Vec<Vec<String>> =
            definitions.iter().map(|d| localized(&d.label)).collect();
        let definition_texts: Vec<Vec<String>> =
            definitions.iter().map(|d| localized(&d.description)).collect();
        let variable_labels: Vec<Vec<String>> = variables
            .iter()
            .map(|v| {
                let v = v.borrow();
                let mut tokens = localized(&v.definition.label);
                tokens.extend(localized(&v.definition.question));
                tokens.extend(concepts.of_name(v.key.name()));
                tokens.sort();
                tokens.dedup();
                tokens
            })
            .collect();
        let variable_texts: Vec<Vec<String>> =
            variables.iter().map(|v| localized(&v.borrow().definition.description)).collect();
        let definition_exclusions =
            definitions.iter().map(|d| exclusions(&concepts, &d.description)).collect();
        let variable_label_stems = variables
            .iter()
            .map(|v| {
                let label = &v.borrow().definition.label;
                let mut stems: Vec<String> = [&label.nb, &label.en]
                    .into_iter()
                    .flatten()
                    .flat_map(|text| concepts.stems(text))
                    .collect();
                stems.sort();
                stems.dedup();
                stems
            })
            .collect();
        let subject_groups = vocabulary::groups(vocabulary::SUBJECTS);
        let subjects_of = |texts: &[&catalog::LocalizedText]| -> Vec<usize> {
            let words: Vec<String> = texts
                .iter()
                .flat_map(|text| [&text.nb, &text.en])
                .flatten()
                .flat_map(|text| {
                    crate::text::normalize(text).split(' ').map(str::to_owned).collect::<Vec<_>>()
                })
                .collect();
            (0..subject_groups.len())
                .filter(|&g| {
                    subject_groups[g].iter().any(|w| words.contains(&crate::text::normalize(w)))
                })
                .collect()
        };
        let definition_subjects = definitions.iter().map(|d| subjects_of(&[&d.label])).collect();
        let variable_subjects = variables
            .iter()
            .map(|v| {
                let v = v.borrow();
                subjects_of(&[&v.definition.label, &v.definition.question])
            })
            .collect();
        // A concept that many variables share says little about which definition they ask for.
        let mut document_frequency: HashMap<&str, usize> = HashMap::new();
        for tokens in variable_labels.iter().chain(&definition_labels) {
            for token in tokens {
                *document_frequency.entry(token).or_default() += 1;
            }
        }
        let n_documents = (variable_labels.len() + definition_labels.len()) as f64;
        let idf = document_frequency
            .into_iter()
            .map(|(token, n)| (token.to_owned(), (n_documents / n as f64).ln() + 1.0))
            .collect();
        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        for (definition_index, tokens) in definition_labels.iter().enumerate() {
            for token in tokens {
                index.entry(token.clone()).or_default().push(definition_index);
            }
        }
        let value_kinds = VALUE_KINDS
            .iter()
            .flat_map(|word| [concepts.of(word, false), concepts.of(word, true)])
            .flatten()
            .collect();
        let numbered = NumberedConcepts::new(
            [&definition_labels, &definition_texts, &variable_labels, &variable_texts],
            &idf,
            &value_kinds,
        );
        Scorer {
            value_kinds,
            options: AnswerOptions::new(),
            concepts,
            definitions,
            variable_labels,
            numbered,
            definition_exclusions,
            variable_label_stems,
            definition_subjects,
            variable_subjects,
            idf,
            index,
            prepared: RefCell::default(),
        }
    }

    /// An answer label prepared for comparing, worked out on first use.
    pub(crate) fn prepared(&self, label: &str) -> Rc<PreparedLabel> {
        if let Some(found) = self.prepared.borrow().get(label) {
            return Rc::clone(found);
        }
        let fresh = Rc::new(PreparedLabel::new(label, &self.concepts, &self.options));
        self.prepared.borrow_mut().insert(label.to_owned(), Rc::clone(&fresh));
        fresh
    }

    /// The definitions that share a label concept with a variable: the only ones worth scoring.
    pub(crate) fn candidates(&self, variable_index: usize) -> Vec<usize> {
        let mut out: Vec<usize> = self.variable_labels[variable_index]
            .iter()
            .filter_map(|token| self.index.get(token))
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// A variable's label concepts: its label's, question's and name's.
    pub(crate) fn label_concepts(&self, variable_index: usize) -> &[String] {
        &self.variable_labels[variable_index]
    }

    /// Whether a concept only says what kind of value a variable holds (a date, a code).
    pub(crate) fn is_value_kind(&self, concept: &str) -> bool {
        self.value_kinds.contains(concept)
    }

    /// How rare a concept is among the variables and definitions: rarer says more.
    pub(crate) fn weight(&self, token: &str) -> f64 {
        self.idf.get(token).copied().unwrap_or(1.0)
    }

    /// How much of `a`'s concepts, each by its rarity, `b` has: 0 to 1.
    fn coverage(&self, a: &[u32], b: &[u32]) -> f64 {
        let weight = |&concept: &u32| self.numbered.weights[concept as usize];
        let total: f64 = a.iter().map(weight).sum();
        if total == 0.0 {
            return 0.0;
        }
        a.iter().filter(|concept| b.contains(concept)).map(weight).sum::<f64>() / total
    }

    /// Weighted overlap of two concept sets, 0 to 1: how much of the definition's concept the
    /// variable has, and, counting less, how much of the variable's words the definition
    /// explains (variables add context such as "ved innleggelse" that definitions leave out).
    fn overlap(&self, variable: &[u32], definition: &[u32]) -> f64 {
        0.6 * self.coverage(definition, variable) + 0.4 * self.coverage(variable, definition)
    }

    /// How well a variable fits a definition, with the reasons.
    pub(crate) fn score(
        &self,
        variable_index: usize,
        variable: &VariableVersion,
        definition_index: usize,
    ) -> Match {
        let mut reasons = Vec::new();
        let confidence =
            self.assess(variable_index, variable, definition_index, Some(&mut reasons));
        Match { confidence, reasons }
    }

    /// How well a variable fits a definition, without the reasons: grouping compares pairs of
    /// variables by this alone, and writing reasons nobody reads took a twentieth of its time.
    pub(crate) fn confidence(
        &self,
        variable_index: usize,
        variable: &VariableVersion,
        definition_index: usize,
    ) -> f64 {
        self.assess(variable_index, variable, definition_index, None)
    }

    /// The confidence of a match, each reason for it added to `reasons` when given.
    fn assess(
        &self,
        variable_index: usize,
        variable: &VariableVersion,
        definition_index: usize,
        mut reasons: Option<&mut Vec<String>>,
    ) -> f64 {
        let mut say = |reason: &dyn Fn() -> String| {
            if let Some(reasons) = reasons.as_deref_mut() {
                reasons.push(reason());
            }
        };
        let definition = &self.definitions[definition_index];
        let label_stems = &self.variable_label_stems[variable_index];
        if let Some(excluded) = self.definition_exclusions[definition_index]
            .iter()
            .find(|exclusion| exclusion.stems.iter().all(|stem| label_stems.contains(stem)))
        {
            say(&|| format!("the definition leaves out \"{}\"", excluded.wording));
            return 0.0;
        }
        let numbered = &self.numbered;
        let variable_label = &numbered.variable_labels[variable_index];
        let mut label = self.overlap(variable_label, &numbered.definition_labels[definition_index]);
        // A definition's description names the wordings it covers ("innlagt", "innskrevet").
        let described = &numbered.definitions_described[definition_index];
        label = label.max(0.6 * self.coverage(variable_label, described));
        if variable_label
            .iter()
            .filter(|concept| described.contains(concept))
            .all(|&concept| numbered.value_kinds[concept as usize])
        {
            label = 0.0;
        }
        say(&|| format!("labels {label:.2} after stemming and synonyms"));
        let description = self.overlap(
            &numbered.variable_texts[variable_index],
            &numbered.definition_texts[definition_index],
        );
        if description > 0.0 {
            say(&|| format!("descriptions {description:.2}"));
        }
        let types = type_fit(variable, definition);
        say(&|| type_reason(variable, definition, types));
        let categories: Vec<_> =
            variable.definition.value_domain.categories.iter().filter(|c| !c.missing).collect();
        let values = if categories.is_empty() || definition.value_set.is_empty() {
            types
        } else {
            let mapped = mapping::map_values(self, variable, definition);
            let n_mapped = mapped
                .iter()
                .filter(|m| {
                    m.target_code.is_some() && categories.iter().any(|c| c.code == m.source_code)
                })
                .count();
            say(&|| format!("answer options map {n_mapped} of {}", categories.len()));
            n_mapped as f64 / categories.len() as f64
        };
        let mut confidence = LABEL_WEIGHT * label
            + DESCRIPTION_WEIGHT * description
            + VALUES_WEIGHT * values
            + TYPE_WEIGHT * types;
        if values == 0.0 && !categories.is_empty() && !definition.value_set.is_empty() {
            confidence *= 0.6;
        }
        let (have, want) =
            (&self.variable_subjects[variable_index], &self.definition_subjects[definition_index]);
        if have.iter().any(|subject| !want.contains(subject)) {
            say(&|| "asks about another person than the definition".into());
            confidence *= 0.5;
        } else if want.iter().any(|subject| !have.contains(subject)) {
            say(&|| "does not name the person the definition is about".into());
            confidence *= 0.7;
        }
        if let (Some(unit), Some(wanted)) = (&variable.definition.unit, &definition.unit) {
            if crate::text::normalize(unit) == crate::text::normalize(wanted) {
                say(&|| "same unit".into());
            } else {
                // Registries write one unit many ways ("slag/min", "beats/min"): only units
                // with no part in common count against the variable.
                let parts = |unit: &str| {
                    crate::text::normalize(unit).split(' ').map(str::to_owned).collect::<Vec<_>>()
                };
                let (mine, theirs) = (parts(unit), parts(wanted));
                say(&|| format!("unit {unit}, the definition's {wanted}"));
                if !mine.iter().any(|part| theirs.contains(part)) {
                    confidence *= 0.8;
                }
            }
        }
        confidence
    }
}

/// A wording a definition's scope note leaves out, and its stems.
struct Exclusion {
    wording: String,
    stems: Vec<String>,
}

/// Words that open an exclusion in a scope note.
const EXCLUDING: &[&str] = &["ikke", "not"];
/// Words that join alternatives within one exclusion.
const ALTERNATIVES: &[&str] = &["og", "eller", "and", "or"];

/// What a definition's description leaves out, as national catalogs write scope notes: "Ikke
/// fødselsvekt og ikke vekttap", "(ikke fra intensivavdeling)", "Ikke 'bor alene'". Each is the
/// words after "ikke" or "not" up to the end of the clause, one per alternative joined by
/// "og"/"eller"; a variable whose label has every word of one is not what the definition means.
/// Wordings of stop words only ("er ikke med") leave nothing out.
fn exclusions(concepts: &Concepts, description: &catalog::LocalizedText) -> Vec<Exclusion> {
    let mut out = Vec::new();
    for text in [&description.nb, &description.en].into_iter().flatten() {
        let lowered = text.to_lowercase();
        for clause in lowered.split(|c: char| ".,;:()!?".contains(c)) {
            let words: Vec<&str> = clause
                .split(|c: char| c.is_whitespace() || "'\"‘’“”«»".contains(c))
                .filter(|word| !word.is_empty())
                .collect();
            let Some(start) = words.iter().position(|word| EXCLUDING.contains(word)) else {
                continue;
            };
            for alternative in words[start + 1..]
                .split(|word| EXCLUDING.contains(word) || ALTERNATIVES.contains(word))
            {
                let wording = alternative.join(" ");
                let stems = concepts.stems(&wording);
                if !stems.is_empty() {
                    out.push(Exclusion { wording, stems });
                }
            }
        }
    }
    out
}

/// How well the variable's kind of value fits the definition's, 0 to 1.
fn type_fit(variable: &VariableVersion, definition: &SharedDefinition) -> f64 {
    use DataType::*;
    let (have, want) = (variable.definition.data_type, definition.data_type);
    let bound = variable.definition.value_domain.code_system.is_some();
    match (have, want) {
        _ if have == want => 1.0,
        (Integer | Decimal, Integer | Decimal) => 1.0,
        (Date | Datetime, Date | Datetime) => 1.0,
        (Boolean, Categorical) | (Categorical, Boolean) => 0.8,
        (Text, Categorical) if bound => 1.0,
        (Integer, Categorical) if !variable.definition.value_domain.categories.is_empty() => 0.6,
        _ => 0.0,
    }
}

/// The reason [`type_fit`] gives `fit`.
fn type_reason(variable: &VariableVersion, definition: &SharedDefinition, fit: f64) -> String {
    let (have, want) = (variable.definition.data_type, definition.data_type);
    if fit == 1.0 {
        format!("same kind of value ({have})")
    } else {
        format!("{have} against {want}")
    }
}

#[cfg(test)]
mod tests {
    use catalog::LocalizedText;

    use super::*;
    use crate::mapping::tests::{smoking_status, variable};

    #[test]
    fn a_scope_note_names_what_it_leaves_out() {
        let concepts = Concepts::new();
        let wordings = |note: &str| -> Vec<String> {
            exclusions(&concepts, &LocalizedText::nb(note))
                .into_iter()
                .map(|exclusion| exclusion.wording)
                .collect()
        };
        assert_eq!(
            wordings("Personens kroppsvekt i kg. Ikke fødselsvekt og ikke vekttap."),
            ["fødselsvekt", "vekttap"]
        );
        assert_eq!(
            wordings("Hovedtilstand, kodet i ICD-10. Ikke underliggende dødsårsak, ikke ICPC-2."),
            ["underliggende dødsårsak", "icpc-2"]
        );
        assert_eq!(wordings("Boform før hendelsen. Ikke 'bor alene'."), ["bor alene"]);
        assert!(wordings("Svangerskapsspesifikke snusvariabler er ikke med.").is_empty());
    }

    /// Two dates that share only the word "dato" are not the same date.
    #[test]
    fn labels_that_share_only_the_kind_of_value_do_not_match() {
        let mut definition = smoking_status();
        definition.label = LocalizedText::nb("Operasjonsdato");
        definition.description = LocalizedText::default();
        definition.data_type = catalog::DataType::Date;
        definition.value_set.clear();
        let definitions = [definition];
        let mut waiting = variable(&[]);
        waiting.definition.data_type = catalog::DataType::Date;
        waiting.definition.label = LocalizedText::nb("Sluttdato for ventetid");
        let mut surgery = waiting.clone();
        surgery.definition.label = LocalizedText::nb("Dato for operasjon");
        let variables = [waiting, surgery];
        let scorer = Scorer::new(&definitions, &variables);
        let waiting = scorer.score(0, &variables[0], 0);
        assert_eq!(waiting.reasons[0], "labels 0.00 after stemming and synonyms");
        assert!(waiting.confidence < DEFAULT_MIN_CONFIDENCE);
        assert!(scorer.score(1, &variables[1], 0).confidence >= DEFAULT_MIN_CONFIDENCE);
    }

    /// A variable whose label is what the definition's scope note leaves out does not match
    /// it, however alike the words, and the reason says why.
    #[test]
    fn a_variable_the_scope_note_leaves_out_does_not_match() {
        let mut definition = smoking_status();
        definition.description =
            LocalizedText::nb("Nåværende røykestatus. Ikke røyking i svangerskapet.");
        let definitions = [definition];
        let mut pregnancy = variable(&[("1", "Nei", false), ("2", "Ja, daglig", false)]);
        pregnancy.definition.label = LocalizedText::nb("Røyking i svangerskapet");
        let mut plain = pregnancy.clone();
        plain.definition.label = LocalizedText::nb("Røyking");
        let variables = [pregnancy, plain];
        let scorer = Scorer::new(&definitions, &variables);
        let left_out = scorer.score(0, &variables[0], 0);
        assert_eq!(left_out.confidence, 0.0);
        assert_eq!(left_out.reasons, ["the definition leaves out \"røyking i svangerskapet\""]);
        assert!(scorer.score(1, &variables[1], 0).confidence > 0.0);
    }
}
