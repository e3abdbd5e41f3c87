//! Search speed on a generated catalog of 1,000,000 variables: index build time and size, and
//! latency percentiles for a fixed mix of 1,000 queries, without and with facets, beside SQLite
//! FTS5 (bundled) on the same documents and queries in the same run, so that the ratio holds on
//! a noisy machine.
//!
//! Run with `cargo run --release -p bench --bin search-bench [N_VARIABLES] [--varkat-only]`;
//! `--varkat-only` skips FTS5, for profiling.

use std::time::{Duration, Instant};

use bench::generated::{Sequence, queries, variable};
use catalog::ChangeSeq;
use indexer::{SearchIndex, SearchRequest};

fn percentiles(mut latencies: Vec<Duration>) -> String {
    latencies.sort();
    let at = |p: f64| {
        latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)].as_secs_f64()
            * 1000.0
    };
    // The mean is what bounds throughput: a core serves 1,000 / mean searches per second.
    let mean =
        latencies.iter().map(Duration::as_secs_f64).sum::<f64>() * 1000.0 / latencies.len() as f64;
    format!(
        "p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, mean {mean:.2} ms",
        at(0.50),
        at(0.95),
        at(0.99)
    )
}

fn dir_size(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries.filter_map(Result::ok).map(|e| e.metadata().map_or(0, |m| m.len())).sum()
        })
        .unwrap_or(0)
}

#[expect(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.iter().find_map(|arg| arg.parse().ok()).unwrap_or(1_000_000);
    let work = tempfile::tempdir().expect("a temporary directory");
    println!("search benchmark: {n} generated variables, 1,000 queries\n");

    let index = SearchIndex::open(&work.path().join("index")).expect("open the index");
    let started = Instant::now();
    let mut sequence = Sequence(7);
    index.add_versions((0..n).map(|i| variable(i, &mut sequence)), ChangeSeq(1)).expect("index");
    let build = started.elapsed();
    let size = dir_size(&work.path().join("index"));
    println!(
        "varkat (tantivy): built in {:.1} s, {:.0} variables/s, index {:.0} MiB",
        build.as_secs_f64(),
        n as f64 / build.as_secs_f64(),
        size as f64 / 1048576.0
    );

    if let Some(position) = args.iter().position(|arg| arg == "--repeat") {
        // One query over and over, for a profiler to look at.
        let request = SearchRequest::new(args.get(position + 1).map_or("røyk", String::as_str));
        let mut latencies = Vec::new();
        for _ in 0..5000 {
            let started = Instant::now();
            index.search(&request).expect("search");
            latencies.push(started.elapsed());
        }
        println!("  {}: {}", request.query, percentiles(latencies));
        return;
    }
    let queries = queries();
    for request in queries.iter().take(20) {
        index.search(request).expect("warm-up");
    }
    let mut plain = Vec::new();
    let mut faceted = Vec::new();
    let mut total_hits = 0usize;
    for request in &queries {
        let started = Instant::now();
        total_hits += index.search(request).expect("search").total;
        plain.push(started.elapsed());
        let with_facets = SearchRequest { facets: true, ..request.clone() };
        let started = Instant::now();
        index.search(&with_facets).expect("search");
        faceted.push(started.elapsed());
    }
    for (kind, name) in ["single", "double", "phrase", "prefix"].iter().enumerate() {
        let of_kind: Vec<Duration> =
            plain.iter().enumerate().filter(|(i, _)| i % 4 == kind).map(|(_, d)| *d).collect();
        println!("  {name}: {}", percentiles(of_kind));
    }
    if args.iter().any(|arg| arg == "--per-query") {
        slowest_queries(&queries, &plain);
    }
    println!("  top 10, no facets:   {}", percentiles(plain.clone()));
    println!("  top 10, with facets: {}", percentiles(faceted.clone()));
    println!("  ({total_hits} hits in all)\n");

    if !args.iter().any(|arg| arg == "--varkat-only") {
        fts5(work.path(), n, &queries, &plain, &faceted);
    }
}

/// Prints the median latency of each distinct query text and filter, slowest first, so that the
/// queries worth making faster stand out.
#[expect(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn slowest_queries(queries: &[SearchRequest], latencies: &[Duration]) {
    let mut by_query: std::collections::BTreeMap<String, Vec<Duration>> = Default::default();
    for (request, latency) in queries.iter().zip(latencies) {
        let filters = match (request.registries.is_empty(), request.data_type.is_some()) {
            (true, false) => "",
            (false, false) => " +registry",
            (true, true) => " +type",
            (false, true) => " +registry +type",
        };
        by_query.entry(format!("{}{filters}", request.query)).or_default().push(*latency);
    }
    let mut medians: Vec<(Duration, String)> = by_query
        .into_iter()
        .map(|(query, mut latencies)| {
            latencies.sort();
            (latencies[latencies.len() / 2], query)
        })
        .collect();
    medians.sort_by_key(|(median, _)| std::cmp::Reverse(*median));
    println!("  slowest queries (median):");
    for (median, query) in medians.iter().take(15) {
        println!("    {:>7.2} ms  {query}", median.as_secs_f64() * 1000.0);
    }
}

/// The same documents and queries through SQLite FTS5.
#[expect(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn fts5(
    dir: &std::path::Path,
    n: usize,
    queries: &[SearchRequest],
    plain: &[Duration],
    faceted: &[Duration],
) {
    let path = dir.join("fts5.sqlite");
    let mut db = rusqlite::Connection::open(&path).expect("open SQLite");
    db.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
         CREATE VIRTUAL TABLE variables USING fts5(key UNINDEXED, registry UNINDEXED, kind UNINDEXED, data_type UNINDEXED, name, label, description, categories, tokenize = 'unicode61 remove_diacritics 2');",
    )
    .expect("create the FTS5 table");
    let started = Instant::now();
    let transaction = db.transaction().expect("a transaction");
    {
        let mut insert = transaction
            .prepare("INSERT INTO variables VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
            .expect("prepare");
        let mut sequence = Sequence(7);
        for i in 0..n {
            let (version, kind, _) = variable(i, &mut sequence);
            let definition = &version.definition;
            let label = format!(
                "{} {}",
                definition.label.nb.as_deref().unwrap_or(""),
                definition.label.en.as_deref().unwrap_or("")
            );
            let categories: Vec<&str> = definition
                .value_domain
                .categories
                .iter()
                .filter_map(|c| c.label.nb.as_deref())
                .collect();
            insert
                .execute(rusqlite::params![
                    version.key.to_string(),
                    version.key.registry().as_str(),
                    kind.as_str(),
                    definition.data_type.as_str(),
                    version.key.name(),
                    label,
                    definition.description.nb.as_deref().unwrap_or(""),
                    categories.join(" ")
                ])
                .expect("insert");
        }
    }
    transaction.commit().expect("commit");
    let build = started.elapsed();
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    println!(
        "SQLite FTS5: built in {:.1} s, {:.0} variables/s, database {:.0} MiB",
        build.as_secs_f64(),
        n as f64 / build.as_secs_f64(),
        size as f64 / 1048576.0
    );

    let mut fts_plain = Vec::new();
    let mut fts_faceted = Vec::new();
    for request in queries {
        let (matcher, filter) = fts_query(request);
        let sql = format!(
            "SELECT key FROM variables WHERE variables MATCH ?1{filter} ORDER BY rank LIMIT 10"
        );
        let started = Instant::now();
        let mut statement = db.prepare_cached(&sql).expect("prepare");
        let _keys: Vec<String> = statement
            .query_map([&matcher], |row| row.get(0))
            .expect("query")
            .filter_map(Result::ok)
            .collect();
        let count: i64 = db
            .query_row(
                &format!("SELECT count(*) FROM variables WHERE variables MATCH ?1{filter}"),
                [&matcher],
                |row| row.get(0),
            )
            .expect("count");
        fts_plain.push(started.elapsed());
        let started = Instant::now();
        let _ = (count, statement);
        let mut top = db.prepare_cached(&sql).expect("prepare");
        let _keys: Vec<String> = top
            .query_map([&matcher], |row| row.get(0))
            .expect("query")
            .filter_map(Result::ok)
            .collect();
        for column in ["registry", "kind", "data_type"] {
            let mut facet = db.prepare_cached(&format!("SELECT {column}, count(*) FROM variables WHERE variables MATCH ?1{filter} GROUP BY {column}")).expect("prepare");
            let _counts: Vec<(String, i64)> = facet
                .query_map([&matcher], |row| Ok((row.get(0)?, row.get(1)?)))
                .expect("facets")
                .filter_map(Result::ok)
                .collect();
        }
        fts_faceted.push(started.elapsed());
    }
    println!("  top 10 and count, no facets: {}", percentiles(fts_plain.clone()));
    println!("  top 10, with facets:         {}", percentiles(fts_faceted.clone()));
    let median = |values: &[Duration]| {
        let mut sorted = values.to_vec();
        sorted.sort();
        sorted[sorted.len() / 2].as_secs_f64()
    };
    println!(
        "\nmedian ratio FTS5 / varkat: {:.1}x without facets, {:.1}x with facets",
        median(&fts_plain) / median(plain),
        median(&fts_faceted) / median(faceted)
    );
}

/// An FTS5 MATCH expression and SQL filter for a request: words OR-ed, phrases quoted,
/// prefixes with `*`, as close to varkat's own reading as FTS5's syntax allows.
fn fts_query(request: &SearchRequest) -> (String, String) {
    let text = request.query.trim();
    let matcher = if text.starts_with('"') {
        text.to_owned()
    } else {
        text.split_whitespace()
            .map(|word| if word.ends_with('*') { word.to_owned() } else { format!("\"{word}\"") })
            .collect::<Vec<_>>()
            .join(" OR ")
    };
    let mut filter = String::new();
    if let Some(registry) = request.registries.first() {
        filter.push_str(&format!(" AND registry = '{registry}'"));
    }
    if let Some(data_type) = &request.data_type {
        filter.push_str(&format!(" AND data_type = '{data_type}'"));
    }
    (matcher, filter)
}
