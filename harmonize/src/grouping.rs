//! Groups that no shared definition covers. The variables the existing definitions leave over
//! are compared with one another, each standing in for a definition of its own, and grouped;
//! each group gets a proposed shared definition made from its members: the wording of the one
//! that agrees best with the others, and the union of the members' answer options.

use std::collections::{HashMap, HashSet};

use catalog::{
    LocalizedText, SharedDefinition, SharedDefinitionId, StandardValue, ValueRelation,
    VariableVersion, VersionNo,
};

use crate::score::Scorer;
use crate::text::normalize;
use crate::{Member, ProposedGroup, mapping, relation};

/// Two variables must agree this much to found a group between them: more than a variable
/// needs with a shared definition, whose description names the wordings it covers, because
/// two wordings of different things can look as alike as two of one thing.
pub(crate) const NEW_GROUP_MIN_CONFIDENCE: f64 = 0.55;

/// Beside a catalog of shared definitions, a concept the catalog lacks needs stronger agreement:
/// its standards body has already chosen what to harmonize, and the variables its definitions
/// did not take are mostly registry-specific.
pub(crate) const NEW_GROUP_BESIDE_CATALOG: f64 = 0.7;

/// Blocking: a variable is compared only with variables that share one of its rarest label
/// concepts (a pair that agrees on its rare words agrees on one of them)...
const BLOCKING_CONCEPTS: usize = 3;
/// ...and, among the variables that share such a concept, only with its nearest neighbours in
/// label order (sorted-neighbourhood blocking), so that a concept thousands of variables share
/// costs each of them a fixed number of comparisons.
const NEIGHBOURS: usize = 12;

/// The groups found among `variables`, each with its proposed definition, and how many pairs
/// were scored. `taken` are the ids already in use; new ids avoid them.
pub(crate) fn group(
    variables: &[&VariableVersion],
    mut taken: HashSet<String>,
    min_confidence: f64,
) -> (Vec<ProposedGroup>, usize) {
    // Each variable stands in for a definition: its wording, kind of value, unit and options.
    let seeds: Vec<SharedDefinition> = variables
        .iter()
        .map(|variable| {
            crate::definition_from(variable, SharedDefinitionId(variable.key.to_string()))
        })
        .collect();
    let scorer = Scorer::new(&seeds, variables);
    let mut scores = PairScores { scorer: &scorer, variables, known: HashMap::new() };
    let mut edges: Vec<(f64, usize, usize)> = candidate_pairs(&scorer, variables)
        .into_iter()
        .map(|(a, b)| (scores.get(a, b), a, b))
        .filter(|(score, _, _)| *score >= min_confidence)
        .collect();
    edges.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| (x.1, x.2).cmp(&(y.1, y.2))));

    let mut cluster_of: Vec<usize> = (0..variables.len()).collect();
    let mut clusters: Vec<Vec<usize>> = (0..variables.len()).map(|index| vec![index]).collect();
    for (_, a, b) in edges {
        let (first, second) = (cluster_of[a], cluster_of[b]);
        if first == second {
            continue;
        }
        let clash = clusters[first].iter().any(|&x| {
            clusters[second]
                .iter()
                .any(|&y| variables[x].key.registry() == variables[y].key.registry())
        });
        if clash {
            continue;
        }
        // The clusters' founding members must agree too, so that a chain of near neighbours
        // does not drift from one concept to the next ("røyking i svangerskapet" to "røyking"
        // to "snus").
        if scores.get(clusters[first][0], clusters[second][0]) < min_confidence {
            continue;
        }
        let (keep, gone) = if clusters[first].len() >= clusters[second].len() {
            (first, second)
        } else {
            (second, first)
        };
        let moved = std::mem::take(&mut clusters[gone]);
        for &index in &moved {
            cluster_of[index] = keep;
        }
        clusters[keep].extend(moved);
    }

    let mut groups = Vec::new();
    for cluster in clusters.into_iter().filter(|cluster| cluster.len() >= 2) {
        let founder = medoid(&cluster, &mut scores, |_| true).unwrap_or(cluster[0]);
        let label_in = |pick: fn(&LocalizedText) -> &Option<String>,
                        scores: &mut PairScores<'_, '_>| {
            medoid(&cluster, scores, |index| pick(&variables[index].definition.label).is_some())
                .and_then(|index| pick(&variables[index].definition.label).clone())
        };
        let label = LocalizedText {
            nb: label_in(|label| &label.nb, &mut scores),
            en: label_in(|label| &label.en, &mut scores),
        };
        let mut others: Vec<(usize, f64)> = cluster
            .iter()
            .filter(|&&index| index != founder)
            .map(|&index| (index, scores.get(founder, index)))
            .collect();
        others.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
        let ordered: Vec<&VariableVersion> = std::iter::once(founder)
            .chain(others.iter().map(|(index, _)| *index))
            .map(|index| variables[index])
            .collect();
        let definition = proposed_definition(&scorer, &ordered, label, &mut taken);
        let founder_confidence =
            others.iter().map(|(_, score)| score).sum::<f64>() / others.len() as f64;
        let mut members = vec![member(
            &scorer,
            variables[founder],
            &definition,
            founder_confidence,
            vec![
                "the most central member, whose type and description the proposed definition takes"
                    .to_owned(),
            ],
        )];
        for (index, confidence) in others {
            let found = scorer.score(index, variables[index], founder);
            let mut reasons = vec![format!("against {}", variables[founder].key)];
            reasons.extend(found.reasons);
            members.push(member(&scorer, variables[index], &definition, confidence, reasons));
        }
        groups.push(ProposedGroup {
            definition: definition.id.clone(),
            label: definition.label.clone(),
            members,
            proposed: Some(definition),
        });
    }
    (groups, scores.known.len())
}

/// Of the members `eligible` says may, the one that agrees best with the others: its wording
/// is the most general (a label with "ved innleggelse" agrees less with the rest than the plain
/// "Røykestatus"). Only the first members are weighed, which bounds the cost in large groups.
fn medoid(
    cluster: &[usize],
    scores: &mut PairScores<'_, '_>,
    eligible: impl Fn(usize) -> bool,
) -> Option<usize> {
    const WEIGHED: usize = 16;
    let weighed = &cluster[..cluster.len().min(WEIGHED)];
    let mut best: Option<(usize, f64)> = None;
    for &candidate in weighed.iter().filter(|&&index| eligible(index)) {
        let total: f64 = weighed
            .iter()
            .filter(|&&other| other != candidate)
            .map(|&other| scores.get(candidate, other))
            .sum();
        if best.is_none_or(|(_, most)| total > most) {
            best = Some((candidate, total));
        }
    }
    best.map(|(index, _)| index)
}

/// Pairs worth scoring, each once with the lower index first, never two of one registry.
fn candidate_pairs(scorer: &Scorer<'_>, variables: &[&VariableVersion]) -> Vec<(usize, usize)> {
    let mut postings: HashMap<&str, Vec<usize>> = HashMap::new();
    for index in 0..variables.len() {
        let mut concepts: Vec<&String> = scorer
            .label_concepts(index)
            .iter()
            .filter(|concept| !scorer.is_value_kind(concept))
            .collect();
        concepts.sort_by(|a, b| scorer.weight(b).total_cmp(&scorer.weight(a)).then(a.cmp(b)));
        for concept in concepts.into_iter().take(BLOCKING_CONCEPTS) {
            postings.entry(concept).or_default().push(index);
        }
    }
    let mut pairs = Vec::new();
    for mut posting in postings.into_values() {
        posting.sort_by(|&a, &b| {
            scorer.label_concepts(a).cmp(scorer.label_concepts(b)).then(a.cmp(&b))
        });
        for (position, &a) in posting.iter().enumerate() {
            for &b in posting.iter().skip(position + 1).take(NEIGHBOURS) {
                if variables[a].key.registry() != variables[b].key.registry() {
                    pairs.push((a.min(b), a.max(b)));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// Pair scores, each computed once: the mean of each variable scored against the other.
struct PairScores<'s, 'v> {
    scorer: &'s Scorer<'s>,
    variables: &'v [&'v VariableVersion],
    known: HashMap<(usize, usize), f64>,
}

impl PairScores<'_, '_> {
    fn get(&mut self, a: usize, b: usize) -> f64 {
        let key = (a.min(b), a.max(b));
        if let Some(&score) = self.known.get(&key) {
            return score;
        }
        let (scorer, variables) = (self.scorer, self.variables);
        let score =
            (scorer.confidence(a, variables[a], b) + scorer.confidence(b, variables[b], a)) / 2.0;
        self.known.insert(key, score);
        score
    }
}

/// The definition proposed for a group, its founding member first: its `label`, the founder's
/// description and kind of value, the members' first unit, and the union of their answer
/// options: each option that maps onto none of the values so far added becomes a value.
fn proposed_definition(
    scorer: &Scorer<'_>,
    members: &[&VariableVersion],
    label: LocalizedText,
    taken: &mut HashSet<String>,
) -> SharedDefinition {
    let founder = &members[0].definition;
    let id = unique_id(&label, members[0], taken);
    let mut definition = SharedDefinition {
        id: SharedDefinitionId(id),
        version: VersionNo::FIRST,
        label,
        description: founder.description.clone(),
        data_type: founder.data_type,
        unit: members.iter().find_map(|member| member.definition.unit.clone()),
        value_set: Vec::new(),
        external: Vec::new(),
    };
    for member in members {
        let categories = &member.definition.value_domain.categories;
        if categories.is_empty() {
            continue;
        }
        let mapped = mapping::map_values(scorer, member, &definition);
        for (category, value) in categories.iter().zip(mapped) {
            if let Some(target) = &value.target_code {
                // An equivalent option lends the value its label in a language it lacks, so
                // that the next member's options meet both wordings.
                if value.relation == ValueRelation::Equivalent
                    && let Some(standard) =
                        definition.value_set.iter_mut().find(|standard| &standard.code == target)
                {
                    let label = &mut standard.label;
                    label.nb = label.nb.take().or_else(|| category.label.nb.clone());
                    label.en = label.en.take().or_else(|| category.label.en.clone());
                }
                continue;
            }
            let code = fresh_code(&category.code, &definition.value_set);
            definition.value_set.push(StandardValue {
                code,
                label: category.label.clone(),
                missing: category.missing,
                external: Vec::new(),
            });
        }
    }
    definition
}

/// The option's own code when the value set does not have it yet, else the next number.
fn fresh_code(code: &str, value_set: &[StandardValue]) -> String {
    if !value_set.iter().any(|value| value.code == code) {
        return code.to_owned();
    }
    let highest = value_set.iter().filter_map(|value| value.code.parse::<i64>().ok()).max();
    let mut next = highest.map_or(value_set.len() as i64 + 1, |highest| highest + 1);
    while value_set.iter().any(|value| value.code == next.to_string()) {
        next += 1;
    }
    next.to_string()
}

/// An id a reviewer can read: the label's words (English first), `proposed_` before them so
/// that nobody takes it for a normed definition, and a number after where it is taken.
fn unique_id(
    label: &LocalizedText,
    founder: &VariableVersion,
    taken: &mut HashSet<String>,
) -> String {
    let words: Vec<String> = label
        .en
        .as_deref()
        .or(label.nb.as_deref())
        .map(normalize)
        .unwrap_or_default()
        .split(' ')
        .filter(|word| !word.is_empty())
        .take(6)
        .map(str::to_owned)
        .collect();
    let stem = if words.is_empty() {
        format!("proposed_{}", normalize(founder.key.name()).replace(' ', "_"))
    } else {
        format!("proposed_{}", words.join("_"))
    };
    let mut id = stem.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{stem}_{n}");
        n += 1;
    }
    taken.insert(id.clone());
    id
}

fn member(
    scorer: &Scorer<'_>,
    variable: &VariableVersion,
    definition: &SharedDefinition,
    confidence: f64,
    reasons: Vec<String>,
) -> Member {
    let values = mapping::map_values(scorer, variable, definition);
    Member {
        key: variable.key.clone(),
        version: variable.version,
        confidence: (confidence * 100.0).round() / 100.0,
        relation: relation(variable, definition, &values),
        reasons,
        values,
    }
}

#[cfg(test)]
mod tests {
    use catalog::{
        Category, DataType, ImportId, Period, Provenance, Status, VariableDefinition, VariableKey,
    };

    use super::*;

    /// A categorical variable `registry/name` labelled in Norwegian or, for `en/...` labels,
    /// in English, with `(code, label, missing)` options in the label's language.
    fn variable(key: &str, label: &str, options: &[(&str, &str, bool)]) -> VariableVersion {
        let text = |text: &str| match text.strip_prefix("en/") {
            Some(english) => LocalizedText { nb: None, en: Some(english.to_owned()) },
            None => LocalizedText::nb(text),
        };
        let english = label.starts_with("en/");
        let mut definition = VariableDefinition::of_type(DataType::Categorical);
        definition.label = text(label);
        definition.value_domain.categories = options
            .iter()
            .enumerate()
            .map(|(order, (code, label, missing))| Category {
                code: (*code).into(),
                label: if english { text(&format!("en/{label}")) } else { text(label) },
                missing: *missing,
                order: order as u32,
                period: Period::default(),
            })
            .collect();
        VariableVersion {
            key: key.parse::<VariableKey>().unwrap(),
            version: VersionNo::FIRST,
            status: Status::Published,
            published_at: None,
            definition,
            provenance: Provenance {
                source_file: "test".into(),
                format: "test".into(),
                import: ImportId(1),
                recorded_by: "test".into(),
                recorded_at: chrono::DateTime::from_timestamp(0, 0).unwrap(),
            },
        }
    }

    fn catalog() -> Vec<VariableVersion> {
        vec![
            variable(
                "hunt/RoykStatus",
                "Røykestatus",
                &[
                    ("1", "Aldri røykt", false),
                    ("2", "Tidligere røyker", false),
                    ("3", "Røyker daglig", false),
                    ("9", "Ukjent", true),
                ],
            ),
            variable(
                "tromso/SMOKE_STATUS",
                "en/Smoking status",
                &[
                    ("1", "Never smoked", false),
                    ("2", "Former smoker", false),
                    ("3", "Daily smoker", false),
                    ("4", "Occasional smoker", false),
                ],
            ),
            variable(
                "kreftreg/ROYKESTATUS",
                "Røykestatus ved diagnose",
                &[
                    ("0", "Aldri røykt", false),
                    ("1", "Tidligere røyker", false),
                    ("2", "Røyker daglig", false),
                    ("9", "Ukjent", true),
                ],
            ),
            variable("mfr/ROYK_FAR", "Fars røyking", &[("1", "Nei", false), ("2", "Ja", false)]),
            variable("hunt/Kjonn", "Kjønn", &[("1", "Mann", false), ("2", "Kvinne", false)]),
        ]
    }

    fn proposed(variables: &[VariableVersion]) -> Vec<ProposedGroup> {
        let refs: Vec<&VariableVersion> = variables.iter().collect();
        group(&refs, HashSet::new(), NEW_GROUP_MIN_CONFIDENCE).0
    }

    fn keys(group: &ProposedGroup) -> Vec<String> {
        let mut keys: Vec<String> = group.members.iter().map(|m| m.key.to_string()).collect();
        keys.sort();
        keys
    }

    #[test]
    fn smoking_wordings_group_under_a_proposed_definition_and_the_father_stays_out() {
        let groups = proposed(&catalog());
        assert_eq!(groups.len(), 1, "{:?}", groups.iter().map(keys).collect::<Vec<_>>());
        let smoking = &groups[0];
        assert_eq!(
            keys(smoking),
            ["hunt/RoykStatus", "kreftreg/ROYKESTATUS", "tromso/SMOKE_STATUS"]
        );
        let definition = smoking.proposed.as_ref().expect("a proposed definition");
        assert!(definition.id.0.starts_with("proposed_"), "{}", definition.id);
        assert!(definition.label.nb.is_some() && definition.label.en.is_some());
        for member in &smoking.members {
            for value in &member.values {
                assert!(
                    value.target_code.is_some(),
                    "{} {} unmapped",
                    member.key,
                    value.source_code
                );
            }
        }
        // The union of the options: never, former, daily, occasional, and unknown as missing.
        let labels: Vec<String> = definition
            .value_set
            .iter()
            .map(|v| {
                format!("{}{}", v.label.best().unwrap(), if v.missing { " (missing)" } else { "" })
            })
            .collect();
        assert_eq!(labels.len(), 5, "{labels:?}");
        assert!(labels.contains(&"Ukjent (missing)".to_owned()), "{labels:?}");
    }

    #[test]
    fn a_group_has_one_variable_per_registry() {
        let mut variables = catalog();
        variables.push(variable(
            "hunt/RoykStatus2",
            "Røykestatus",
            &[("1", "Aldri røykt", false), ("2", "Tidligere røyker", false)],
        ));
        for group in proposed(&variables) {
            let hunt = group.members.iter().filter(|m| m.key.registry().to_string() == "hunt");
            assert!(hunt.count() <= 1, "{:?}", keys(&group));
        }
    }

    #[test]
    fn new_codes_and_ids_avoid_those_taken() {
        let value = |code: &str| StandardValue {
            code: code.into(),
            label: LocalizedText::nb(code),
            missing: false,
            external: Vec::new(),
        };
        assert_eq!(fresh_code("7", &[value("1"), value("2")]), "7");
        assert_eq!(fresh_code("2", &[value("1"), value("2")]), "3");
        let founder = variable("hunt/Roeyk", "Røykestatus", &[]);
        let mut taken: HashSet<String> = ["proposed_smoking_status".to_owned()].into();
        let label =
            LocalizedText { nb: Some("Røykestatus".into()), en: Some("Smoking status".into()) };
        assert_eq!(unique_id(&label, &founder, &mut taken), "proposed_smoking_status_2");
        assert_eq!(unique_id(&label, &founder, &mut taken), "proposed_smoking_status_3");
        assert_eq!(unique_id(&LocalizedText::default(), &founder, &mut taken), "proposed_roeyk");
    }
}
