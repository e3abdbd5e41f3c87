//! A reviewer's ballot: the proposals to review as a CSV that a reviewer fills in on their own
//! (in a spreadsheet, away from the other reviewers), with a `decision` per row. varkat writes
//! the blank ballot (`export::write_ballot`) and reads the filled one here, so that two
//! reviewers' ballots can be compared before their decisions are recorded.

use catalog::{Ballot, ReviewStatus, SharedDefinitionId};

use crate::error::{ImportError, ImportErrorKind, ImportErrors};
use crate::location::Location;
use crate::table::Table;

/// The columns varkat writes; `variable`, `definition` and `decision` are the ones it reads.
pub(crate) const COLUMNS: [&str; 8] = [
    "variable",
    "definition",
    "relation",
    "confidence",
    "variable_label",
    "definition_label",
    "decision",
    "comment",
];

/// Reads a filled-in ballot. Every row names a variable and a definition; a decision is
/// `accept` or `reject` (also `ja`/`nei`, `godkjent`/`avvist`), or empty for undecided.
pub fn read(text: &str, file: &str) -> Result<Vec<Ballot>, ImportErrors> {
    let mut table = Table::read(text.as_bytes(), file)
        .map_err(|err| ImportErrors::one(err.location, err.kind))?;
    let required = |name| table.require(name);
    let columns = (required("variable"), required("definition"), required("decision"));
    let (variable, definition, decision) = match columns {
        (Ok(v), Ok(d), Ok(c)) => (v, d, c),
        (v, d, c) => {
            let errors = [v.err(), d.err(), c.err()].into_iter().flatten().collect();
            return Err(ImportErrors::from_vec(errors).expect("at least one column is missing"));
        }
    };
    let comment = table.column("comment");
    let mut errors = Vec::new();
    let mut ballots = Vec::new();
    while let Some(row) = table.next_row(&mut errors) {
        let row = &row;
        let Some(key) = row.get(Some(variable)) else {
            errors.push(ImportError::new(
                table.at(row, variable),
                ImportErrorKind::EmptyCell("variable"),
            ));
            continue;
        };
        let key = match key.parse() {
            Ok(key) => key,
            Err(err) => {
                errors.push(ImportError::new(
                    table.at(row, variable),
                    ImportErrorKind::InvalidName(format!("{err}")),
                ));
                continue;
            }
        };
        let Some(definition_id) = row.get(Some(definition)) else {
            errors.push(ImportError::new(
                table.at(row, definition),
                ImportErrorKind::EmptyCell("definition"),
            ));
            continue;
        };
        let status = match row.get(Some(decision)).map(str::to_lowercase).as_deref() {
            None => ReviewStatus::Proposed,
            Some("accept" | "accepted" | "ja" | "yes" | "godkjent" | "godkjenn") => {
                ReviewStatus::Accepted
            }
            Some("reject" | "rejected" | "nei" | "no" | "avvist" | "avvis") => {
                ReviewStatus::Rejected
            }
            Some(other) => {
                errors.push(ImportError::new(
                    table.at(row, decision),
                    ImportErrorKind::BadDecision(other.to_owned()),
                ));
                continue;
            }
        };
        ballots.push(Ballot {
            variable: key,
            definition: SharedDefinitionId(definition_id.to_owned()),
            decision: status,
            comment: row.get(comment).map(str::to_owned),
        });
    }
    match ImportErrors::from_vec(errors) {
        Some(errors) => Err(errors),
        None if ballots.is_empty() => {
            Err(ImportErrors::one(Location::file(file), ImportErrorKind::EmptyBallot))
        }
        None => Ok(ballots),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filled_ballot_reads_with_open_rows_left_open() {
        let text = "variable;definition;relation;confidence;variable_label;definition_label;decision;comment\n\
                    hunt/RoykStatus;smoking_status;equivalent;0.91;Røyker du?;Røykestatus;ja;samme spørsmål\n\
                    mfr/KJONN;sex;narrower;0.70;Kjønn;Kjønn;Avvist;\n\
                    tromso/SMOKE_STATUS;smoking_status;equivalent;0.88;Smoking status;Røykestatus;;\n";
        let ballots = read(text, "kari.csv").unwrap();
        let decisions: Vec<ReviewStatus> = ballots.iter().map(|b| b.decision).collect();
        assert_eq!(
            decisions,
            [ReviewStatus::Accepted, ReviewStatus::Rejected, ReviewStatus::Proposed]
        );
        assert_eq!(ballots[0].comment.as_deref(), Some("samme spørsmål"));
    }

    #[test]
    fn a_decision_that_is_not_one_is_located() {
        let text = "variable,definition,decision\nhunt/RoykStatus,smoking_status,maybe\n";
        let err = read(text, "ola.csv").unwrap_err();
        assert_eq!(
            err.to_string(),
            "ola.csv:2 (field `decision`): `maybe` is not a decision; expected accept or reject (or ja/nei), or leave it empty\n1 error found; nothing was imported"
        );
    }
}
