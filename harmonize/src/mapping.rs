//! Mapping a variable's answer options onto a shared definition's value set.

use catalog::{
    Category, SharedDefinition, StandardValue, ValueMapping, ValueRelation, VariableVersion,
};

use crate::score::Scorer;
use crate::text::normalize;

/// Maps every answer option: missing codes onto the definition's missing value, the rest onto
/// the value whose label means the same, or unmatched.
pub(crate) fn map_values(
    scorer: &Scorer<'_>,
    variable: &VariableVersion,
    definition: &SharedDefinition,
) -> Vec<ValueMapping> {
    let missing_value = definition.value_set.iter().find(|value| value.missing);
    variable
        .definition
        .value_domain
        .categories
        .iter()
        .map(|category| {
            let target = if category.missing {
                missing_value
                    .map(|value| value.code.clone())
                    .or_else(|| best_value(scorer, category, definition))
            } else {
                best_value(scorer, category, definition)
            };
            ValueMapping {
                relation: if target.is_some() {
                    ValueRelation::Equivalent
                } else {
                    ValueRelation::Unmatched
                },
                source_code: category.code.clone(),
                target_code: target,
            }
        })
        .collect()
}

/// Words that mark a standard value as the unspecified yes or no of its concept
/// ("Røyker, hyppighet uspesifisert", "Non-smoker, unspecified").
const UNSPECIFIED: &[&str] = &["uspesifisert", "unspecified"];
const NEGATIONS: &[&str] = &["ikke", "non", "not", "no", "never", "aldri"];

/// The value whose label is the option's: the same words, the same answer group ("Nei, aldri"
/// and "Never smoked"), or the same code where the labels share words. A plain yes or no against
/// a value set without one goes to its concept's unspecified yes or no, where the set has them.
fn best_value(
    scorer: &Scorer<'_>,
    category: &Category,
    definition: &SharedDefinition,
) -> Option<String> {
    let labels: Vec<&str> = [&category.label.nb, &category.label.en]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let answer = labels.iter().find_map(|label| scorer.options.yes_or_no(label));
    let has_yes_no = definition.value_set.iter().any(|value| {
        [&value.label.nb, &value.label.en, &Some(value.code.clone())]
            .into_iter()
            .flatten()
            .any(|l| scorer.options.yes_or_no(l).is_some())
    });
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
            .map(|value| value.code.clone());
    }
    let value_labels = |value: &StandardValue| -> Vec<String> {
        [&value.label.nb, &value.label.en]
            .into_iter()
            .flatten()
            .cloned()
            .chain(std::iter::once(value.code.clone()))
            .collect()
    };
    let mut best: Option<(f64, &StandardValue)> = None;
    for value in &definition.value_set {
        let mut score: f64 = 0.0;
        for label in &labels {
            for other in value_labels(value) {
                let same = if normalize(label) == normalize(&other) {
                    1.0
                } else if scorer.options.group(label).is_some()
                    && scorer.options.group(label) == scorer.options.group(&other)
                {
                    0.95
                } else {
                    let a = scorer.concepts.of(label, false);
                    let b = scorer.concepts.of(&other, false);
                    let shared = a.iter().filter(|t| b.contains(t)).count();
                    if a.is_empty() || b.is_empty() {
                        0.0
                    } else {
                        2.0 * shared as f64 / (a.len() + b.len()) as f64 * 0.9
                    }
                };
                score = score.max(same);
            }
        }
        if score >= 0.5 && best.is_none_or(|(best_score, _)| score > best_score) {
            best = Some((score, value));
        }
    }
    best.map(|(_, value)| value.code.clone())
}

#[cfg(test)]
mod tests {
    use catalog::{
        Category, DataType, ImportId, LocalizedText, Period, Provenance, RegistryId,
        SharedDefinition, SharedDefinitionId, StandardValue, Status, VariableDefinition,
        VariableKey, VariableVersion, VersionNo,
    };

    use super::*;

    fn variable(options: &[(&str, &str, bool)]) -> VariableVersion {
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

    fn smoking_status() -> SharedDefinition {
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
}
