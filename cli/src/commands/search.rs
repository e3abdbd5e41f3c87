//! `varkat search` and `varkat reindex`: the variable explorer on the command line.

use std::fmt::Write;

use anyhow::Context as _;
use indexer::{FacetCount, SearchRequest, SearchResult};

use crate::Context;
use crate::args::SearchArgs;

/// Runs `varkat search`.
pub(crate) fn search(context: &Context, args: &SearchArgs) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let index = crate::open_index(&context.data_dir)?;
    index.catch_up(&store).context("failed to bring the search index up to date")?;
    let request = SearchRequest {
        query: args.query.join(" "),
        registries: args.registry.clone(),
        data_type: args.data_type.clone(),
        system: args.system.clone(),
        kind: args.kind.clone(),
        harmonization: args.harmonization.clone(),
        period: args
            .period
            .as_deref()
            .map(indexer::parse_period)
            .transpose()
            .map_err(anyhow::Error::msg)?,
        facets: args.facets,
        limit: args.limit,
        offset: args.limit * args.page.saturating_sub(1),
        all_versions: args.all_versions,
    };
    let result = index.search(&request)?;
    let terms = if args.page <= 1 { index.search_terms(&request.query, 5)? } else { Vec::new() };
    let mut text = render(&request, &result);
    if !terms.is_empty() {
        text.push_str("\nShared definitions and codes:\n");
        for term in &terms {
            let _ = match &term.system {
                Some(system) => writeln!(
                    text,
                    "  {system} {}  {}",
                    term.id,
                    term.label.as_deref().unwrap_or("")
                ),
                None => writeln!(
                    text,
                    "  definition {}  {}",
                    term.id,
                    term.label.as_deref().unwrap_or("")
                ),
            };
        }
    }
    context.output.text(&text);
    let mut json = serde_json::to_value(&result)?;
    json["terms"] = serde_json::to_value(&terms)?;
    context.output.json(&json);
    Ok(())
}

fn render(request: &SearchRequest, result: &SearchResult) -> String {
    let mut out = String::new();
    let shown = if result.hits.is_empty() {
        String::new()
    } else {
        format!(" (showing {}-{})", request.offset + 1, request.offset + result.hits.len())
    };
    let _ = writeln!(
        out,
        "{}{} variable{} match \"{}\"{shown}",
        if result.total_exact { "" } else { "at least " },
        result.total,
        if result.total == 1 { "" } else { "s" },
        request.query
    );
    for hit in &result.hits {
        let period = match (hit.period_from, hit.period_to) {
            (None, None) => String::new(),
            (from, to) => format!(
                "{}–{}",
                from.map(|d| d.format("%Y").to_string()).unwrap_or_default(),
                to.map(|d| d.format("%Y").to_string()).unwrap_or_default()
            ),
        };
        let version = if hit.current { String::new() } else { format!("@{}", hit.version) };
        let status =
            if hit.status == "published" { String::new() } else { format!(" [{}]", hit.status) };
        let _ = writeln!(out, "\n  {}{version}  {}  {period}{status}", hit.key, hit.data_type);
        let label = hit.label.as_deref().unwrap_or("");
        match &hit.highlight {
            Some(highlight) if highlight.field.starts_with("label") => {
                let _ = writeln!(out, "    {}", highlight.marked("«", "»"));
            }
            Some(highlight) => {
                let _ = writeln!(
                    out,
                    "    {label}\n    {}: {}",
                    highlight.field.replace('_', " "),
                    highlight.marked("«", "»")
                );
            }
            None => {
                let _ = writeln!(out, "    {label}");
            }
        }
    }
    if let Some(facets) = &result.facets {
        out.push('\n');
        for (name, counts) in [
            ("registry", &facets.registry),
            ("kind", &facets.kind),
            ("type", &facets.data_type),
            ("system", &facets.system),
            ("status", &facets.status),
            ("period", &facets.period),
            ("harmonization", &facets.harmonization),
        ] {
            if !counts.is_empty() {
                let _ = writeln!(out, "  {name:<9} {}", facet_line(counts));
            }
        }
    }
    out
}

fn facet_line(counts: &[FacetCount]) -> String {
    let line = counts
        .iter()
        .map(|count| format!("{} {}", count.value, count.count))
        .collect::<Vec<_>>()
        .join(" · ");
    textwrap::fill(&line, 68).replace('\n', "\n            ")
}

/// Runs `varkat reindex`.
pub(crate) fn reindex(context: &Context) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let path = indexer::index_dir(&context.data_dir);
    // A damaged index is no loss: it is rebuilt from the store.
    if indexer::SearchIndex::open(&path).is_err() {
        std::fs::remove_dir_all(&path).with_context(|| {
            format!("failed to remove the damaged index at `{}`", path.display())
        })?;
    }
    let index = crate::open_index(&context.data_dir)?;
    let bar = if context.output.quiet || context.output.json {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(0).with_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} versions ({elapsed})")
                .expect("the template is valid"),
        )
    };
    let started = std::time::Instant::now();
    let n = index.rebuild(&store, &mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    context.output.text(&format!(
        "indexed {n} variables in {seconds:.1} s, up to change {}\n",
        index.last_applied()?
    ));
    context.output.json(&serde_json::json!({ "variables": n, "seconds": seconds, "last_change": index.last_applied()?.0 }));
    Ok(())
}
