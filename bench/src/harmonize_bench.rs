//! Harmonization speed: generated catalogs of 15,000 and 150,000 variables (the search
//! benchmark's realistic wordings and answer options over 60 registries, so that every concept
//! recurs across registries as near-duplicates) proposed onto the shared definitions in
//! `fixtures/harmonize/definitions.json`. Prints wall time, peak memory and the variable-definition
//! pairs scored for each size, so that the growth rate shows, and the time to propose again once
//! the proposal is recorded (its definitions stored, its mappings awaiting review), as
//! `varkat harmonize --record` run twice does.
//!
//! Run with `cargo run --release -p bench --bin harmonize-bench [N ...]`.

use std::time::Instant;

use bench::generated::{Sequence, variable};

#[expect(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn main() {
    let sizes: Vec<usize> = {
        let given: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
        if given.is_empty() { vec![15_000, 150_000] } else { given }
    };
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/harmonize/definitions.json");
    let text = std::fs::read_to_string(&path).expect("the fixture definitions");
    let definitions = importers::shared_definitions::read(&text, "definitions.json")
        .expect("the fixture definitions read");
    println!("harmonization benchmark: {} shared definitions\n", definitions.len());
    for n in sizes {
        let mut sequence = Sequence(11);
        let variables: Vec<catalog::VariableVersion> =
            (0..n).map(|i| variable(i, &mut sequence).0).collect();
        let started = Instant::now();
        let proposal =
            harmonize::propose(&variables, &definitions, &[], &harmonize::Options::default());
        let elapsed = started.elapsed();
        let members: usize = proposal.groups.iter().map(|g| g.members.len()).sum();
        println!(
            "{n:>7} variables: {:.2} s, {} pairs scored ({:.2} per variable), {} groups with {members} members, peak memory {} MiB",
            elapsed.as_secs_f64(),
            proposal.pairs_scored,
            proposal.pairs_scored as f64 / n as f64,
            proposal.groups.len(),
            bench::peak_rss_kib() / 1024
        );
        // Harmonizing again after `varkat harmonize --record`: the proposed definitions are
        // stored beside the others and every member has a mapping awaiting review, which the
        // new proposal keeps instead of scoring it again.
        let definitions_after = proposal.definitions(&definitions);
        let recorded = harmonize::decision::proposed_mappings(&proposal, &definitions_after, &[]);
        let started = Instant::now();
        let again = harmonize::propose(
            &variables,
            &definitions_after,
            &recorded,
            &harmonize::Options::default(),
        );
        let new = harmonize::decision::proposed_mappings(&again, &definitions_after, &recorded);
        println!(
            "{:>7} mappings recorded, {} definitions: proposing again took {:.2} s, scored {} pairs and proposed {} more",
            recorded.len(),
            definitions_after.len(),
            started.elapsed().as_secs_f64(),
            again.pairs_scored,
            new.len()
        );
    }
}
