//! `varkat history`, `varkat diff` and `varkat changes`: what changed, and when.

use std::fmt::Write;

use anyhow::Context as _;
use catalog::{ChangeSeq, VariableKey, VariableVersion, VersionNo, View, diff_versions};
use serde::Serialize;

use crate::Context;
use crate::args::{ChangesArgs, DiffArgs, HistoryArgs};
use crate::render;

#[derive(Serialize)]
struct HistoryEntry<'a> {
    #[serde(flatten)]
    version: &'a VariableVersion,
    changes: Option<catalog::VersionDiff>,
}

/// Runs `varkat history`.
pub(crate) fn history(context: &Context, args: &HistoryArgs) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let key: VariableKey = args.variable.parse()?;
    let history = store.history(&key)?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} version{}",
        key,
        history.len(),
        if history.len() == 1 { "" } else { "s" }
    );
    let mut entries = Vec::new();
    for (index, version) in history.iter().enumerate() {
        let changes =
            index.checked_sub(1).map(|previous| diff_versions(&history[previous], version));
        let when =
            version.published_at.map(render::time).unwrap_or_else(|| "not published".to_owned());
        let what =
            changes.as_ref().map_or_else(|| "first version".to_owned(), render::diff_summary);
        let _ = writeln!(
            out,
            "  v{:<3} {:<9}  {}  import {}  {}\n        {what}",
            version.version.0,
            version.visible_status(),
            when,
            version.provenance.import,
            version.provenance.source_file
        );
        entries.push(HistoryEntry { version, changes });
    }
    context.output.text(&out);
    context.output.json(&entries);
    Ok(())
}

/// A version named on the command line: `REGISTRY/NAME` or `REGISTRY/NAME@N`.
fn resolve(store: &catalog::Store, text: &str) -> anyhow::Result<VariableVersion> {
    let (key, version) = match text.rsplit_once('@') {
        Some((key, number)) if number.chars().all(|c| c.is_ascii_digit()) && !number.is_empty() => {
            (
                key,
                Some(VersionNo(
                    number
                        .parse()
                        .with_context(|| format!("`{number}` is not a version number"))?,
                )),
            )
        }
        _ => (text, None),
    };
    let key: VariableKey = key.parse()?;
    Ok(match version {
        Some(version) => store.version(&key, version)?,
        None => store.current(&key, View::WithDrafts)?,
    })
}

/// Runs `varkat diff`.
pub(crate) fn diff(context: &Context, args: &DiffArgs) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let (from, to) = match &args.to {
        Some(to) => (resolve(&store, &args.from)?, resolve(&store, to)?),
        None => {
            let to = resolve(&store, &args.from)?;
            let previous = VersionNo(to.version.0.saturating_sub(1));
            if previous.0 == 0 {
                anyhow::bail!(
                    "`{}` is the first version of `{}`; name two versions to compare",
                    args.from,
                    to.key
                );
            }
            (store.version(&to.key, previous)?, to)
        }
    };
    let diff = diff_versions(&from, &to);
    context.output.text(&render::diff(&diff));
    context.output.json(&diff);
    Ok(())
}

/// Runs `varkat changes`.
pub(crate) fn changes(context: &Context, args: &ChangesArgs) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let changes: Vec<catalog::Change> =
        store.changes_after(ChangeSeq(args.after)).collect::<Result<_, _>>()?;
    let mut out = String::new();
    for change in &changes {
        let _ = writeln!(
            out,
            "{:>4}  {}  {:<10} {}",
            change.seq,
            render::time(change.at),
            change.who,
            change.summary()
        );
    }
    if changes.is_empty() {
        out.push_str("no changes\n");
    }
    context.output.text(&out);
    context.output.json(&changes);
    Ok(())
}
