//! `varkat export`: the catalog as varkat JSON, a registry's codebook or the whole catalog.

use anyhow::Context as _;
use catalog::{RegistryId, Status, View};

use crate::Context;
use crate::args::ExportArgs;
use crate::output;

/// Runs `varkat export`.
pub(crate) fn run(context: &Context, args: &ExportArgs) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let text = if args.all {
        importers::varkat_json::write_dump(&store.dump()?)
    } else {
        let registries = match &args.registry {
            Some(id) => vec![store.registry(&RegistryId::new(id)?)?],
            None => store.registries()?,
        };
        let mut versions = Vec::new();
        for registry in &registries {
            // A codebook lists what the registry collects now or did; retired variables are
            // history, kept in the full export.
            versions.extend(
                store
                    .variables(&registry.id, View::Published)?
                    .into_iter()
                    .filter(|v| v.status != Status::Retired),
            );
        }
        importers::varkat_json::write_codebook(&registries, &versions)
    };
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("failed to write `{}`", path.display()))?,
        None => output::write_stdout(&text),
    }
    Ok(())
}
