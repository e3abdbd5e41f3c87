//! Two reviewers' independent decisions on the same proposals: where they disagree, and how far
//! they agree beyond chance (Cohen's kappa), before their decisions are merged into the catalog.

use std::collections::BTreeMap;

use catalog::{Ballot, ReviewStatus, SharedDefinitionId, VariableKey};
use serde::Serialize;

/// A proposal the two reviewers decided differently.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disagreement {
    /// The variable.
    pub variable: VariableKey,
    /// The definition.
    pub definition: SharedDefinitionId,
    /// The first reviewer's decision and comment.
    pub first: (ReviewStatus, Option<String>),
    /// The second reviewer's.
    pub second: (ReviewStatus, Option<String>),
}

/// How two reviewers' ballots compare.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    /// Proposals both reviewers decided.
    pub both_decided: usize,
    /// Of those, how many they decided alike.
    pub agreed: usize,
    /// The share decided alike, from 0 to 1.
    pub observed: f64,
    /// The share two reviewers with these accept rates would agree on by chance.
    pub expected: f64,
    /// Cohen's kappa: (observed − expected) / (1 − expected); 1 is perfect agreement, 0 no
    /// better than chance. `None` when it is undefined (both always gave the same answer).
    pub kappa: Option<f64>,
    /// The proposals decided differently.
    pub disagreements: Vec<Disagreement>,
    /// Proposals only one reviewer decided (or that only one ballot lists).
    pub decided_by_one: Vec<(VariableKey, SharedDefinitionId)>,
    /// The decisions both made alike, ready to be recorded.
    pub agreed_decisions: Vec<(VariableKey, SharedDefinitionId, ReviewStatus)>,
}

/// Compares two reviewers' ballots, matched by variable and definition.
pub fn compare(first: &[Ballot], second: &[Ballot]) -> Agreement {
    type Key = (VariableKey, SharedDefinitionId);
    let decided = |ballots: &[Ballot]| -> BTreeMap<Key, (ReviewStatus, Option<String>)> {
        ballots
            .iter()
            .filter(|b| b.decision != ReviewStatus::Proposed)
            .map(|b| ((b.variable.clone(), b.definition.clone()), (b.decision, b.comment.clone())))
            .collect()
    };
    let (a, b) = (decided(first), decided(second));
    let mut agreement = Agreement {
        both_decided: 0,
        agreed: 0,
        observed: 0.0,
        expected: 0.0,
        kappa: None,
        disagreements: Vec::new(),
        decided_by_one: Vec::new(),
        agreed_decisions: Vec::new(),
    };
    let (mut a_accepts, mut b_accepts) = (0usize, 0usize);
    for (key, (decision_a, comment_a)) in &a {
        let Some((decision_b, comment_b)) = b.get(key) else {
            agreement.decided_by_one.push(key.clone());
            continue;
        };
        agreement.both_decided += 1;
        a_accepts += usize::from(*decision_a == ReviewStatus::Accepted);
        b_accepts += usize::from(*decision_b == ReviewStatus::Accepted);
        if decision_a == decision_b {
            agreement.agreed += 1;
            agreement.agreed_decisions.push((key.0.clone(), key.1.clone(), *decision_a));
        } else {
            agreement.disagreements.push(Disagreement {
                variable: key.0.clone(),
                definition: key.1.clone(),
                first: (*decision_a, comment_a.clone()),
                second: (*decision_b, comment_b.clone()),
            });
        }
    }
    agreement.decided_by_one.extend(b.keys().filter(|key| !a.contains_key(*key)).cloned());
    if agreement.both_decided > 0 {
        let n = agreement.both_decided as f64;
        let (pa, pb) = (a_accepts as f64 / n, b_accepts as f64 / n);
        agreement.observed = agreement.agreed as f64 / n;
        agreement.expected = pa * pb + (1.0 - pa) * (1.0 - pb);
        agreement.kappa = (agreement.expected < 1.0)
            .then(|| (agreement.observed - agreement.expected) / (1.0 - agreement.expected));
    }
    agreement
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ballots(decisions: &[(&str, ReviewStatus)]) -> Vec<Ballot> {
        decisions
            .iter()
            .map(|(variable, decision)| Ballot {
                variable: variable.parse().unwrap(),
                definition: SharedDefinitionId("smoking_status".into()),
                decision: *decision,
                comment: None,
            })
            .collect()
    }

    use ReviewStatus::{Accepted as A, Proposed as Open, Rejected as R};

    #[test]
    fn kappa_is_agreement_beyond_chance() {
        // The textbook case: 20 accepted by both, 15 rejected by both, 5 + 10 split.
        let mut first = Vec::new();
        let mut second = Vec::new();
        let mut add = |n: usize, a, b| {
            for _ in 0..n {
                let name = format!("hunt/V{}", first.len());
                first.push((name.clone(), a));
                second.push((name, b));
            }
        };
        add(20, A, A);
        add(5, A, R);
        add(10, R, A);
        add(15, R, R);
        let to = |pairs: &[(String, ReviewStatus)]| {
            ballots(&pairs.iter().map(|(v, d)| (v.as_str(), *d)).collect::<Vec<_>>())
        };
        let agreement = compare(&to(&first), &to(&second));
        assert_eq!(agreement.both_decided, 50);
        assert_eq!(agreement.agreed, 35);
        assert!((agreement.observed - 0.7).abs() < 1e-9);
        assert!((agreement.expected - 0.5).abs() < 1e-9);
        assert!((agreement.kappa.unwrap() - 0.4).abs() < 1e-9);
        assert_eq!(agreement.disagreements.len(), 15);
        assert_eq!(agreement.agreed_decisions.len(), 35);
    }

    #[test]
    fn open_and_unmatched_proposals_are_left_out_of_the_figure() {
        let first = ballots(&[("hunt/A", A), ("hunt/B", R), ("hunt/C", Open), ("hunt/D", A)]);
        let second = ballots(&[("hunt/A", A), ("hunt/B", A), ("hunt/C", R)]);
        let agreement = compare(&first, &second);
        assert_eq!(agreement.both_decided, 2);
        assert_eq!(agreement.disagreements[0].variable.to_string(), "hunt/B");
        let alone: Vec<String> =
            agreement.decided_by_one.iter().map(|(v, _)| v.to_string()).collect();
        assert_eq!(alone, ["hunt/D", "hunt/C"]);
    }

    #[test]
    fn kappa_is_undefined_when_both_always_accept() {
        let all = ballots(&[("hunt/A", A), ("hunt/B", A)]);
        let agreement = compare(&all, &all);
        assert_eq!(agreement.observed, 1.0);
        assert_eq!(agreement.kappa, None);
    }
}
