//! Writes a generated catalog into a data directory that `varkat serve` can serve, for the
//! server's load test: N variables (default 1,000,000) imported into the store in batches of
//! 100,000, the search index caught up, and a wrk script of the search benchmark's query mix.
//!
//! Run with `cargo run --release -p bench --bin load-catalog DIR [N_VARIABLES]`, then
//! `varkat serve --data-dir DIR` and `wrk -s DIR/wrk-search.lua http://127.0.0.1:8080`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;
use std::time::Instant;

use bench::generated::{Sequence, queries, variable};
use catalog::{ImportRequest, IncomingVariable, Registry, SourceFile, Store};
use indexer::SearchIndex;

const BATCH: usize = 100_000;

#[expect(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = PathBuf::from(args.first().expect("usage: load-catalog DIR [N_VARIABLES]"));
    let n: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1_000_000);
    let store = Store::open(&catalog::store_dir(&dir)).expect("open the store");
    assert!(store.is_empty(), "{} already holds a catalog", dir.display());

    let started = Instant::now();
    let mut sequence = Sequence(7);
    let source = SourceFile { path: "generated".into(), format: "bench".into() };
    let mut registries: BTreeMap<String, Registry> = BTreeMap::new();
    for first in (0..n).step_by(BATCH) {
        let mut variables = Vec::with_capacity(BATCH);
        for i in first..(first + BATCH).min(n) {
            let (version, kind, _) = variable(i, &mut sequence);
            registries.entry(version.key.registry().to_string()).or_insert_with(|| Registry {
                kind,
                name: format!("Generert register {}", version.key.registry()),
                ..Registry::unnamed(version.key.registry().clone())
            });
            variables.push(IncomingVariable {
                key: version.key,
                definition: version.definition,
                source: source.clone(),
            });
        }
        store
            .import(ImportRequest {
                registries: registries.values().cloned().collect(),
                variables,
                files: vec![source.clone()],
                warnings: Vec::new(),
                full: false,
                draft: false,
                who: "load-catalog".into(),
                code_systems: Vec::new(),
                shared_definitions: Vec::new(),
                value_sets: Vec::new(),
                code_maps: Vec::new(),
            })
            .expect("import a batch");
    }
    let imported = started.elapsed();
    println!(
        "stored {n} variables in {:.1} s ({:.0} variables/s)",
        imported.as_secs_f64(),
        n as f64 / imported.as_secs_f64()
    );
    let started = Instant::now();
    let index = SearchIndex::open(&indexer::index_dir(&dir)).expect("open the index");
    index.catch_up(&store).expect("index the catalog");
    println!("indexed in {:.1} s", started.elapsed().as_secs_f64());

    // wrk's Lua cycles through the same query mix as the search benchmark.
    let mut lua = String::from("local paths = {\n");
    for request in queries() {
        let mut path = format!(
            "/api/search?q={}",
            percent_encoding::utf8_percent_encode(
                &request.query,
                percent_encoding::NON_ALPHANUMERIC
            )
        );
        if let Some(registry) = request.registries.first() {
            let _ = write!(path, "&registry={registry}");
        }
        if let Some(data_type) = &request.data_type {
            let _ = write!(path, "&type={data_type}");
        }
        let _ = writeln!(lua, "  \"{path}\",");
    }
    lua.push_str(
        "}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n",
    );
    std::fs::write(dir.join("wrk-search.lua"), lua).expect("write the wrk script");
    println!("wrote {}", dir.join("wrk-search.lua").display());
}
