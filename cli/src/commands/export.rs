//! `varkat export`: the catalog as varkat JSON, a registry's codebook or the whole catalog.

use std::fs::File;
use std::io::{BufWriter, Write};

use anyhow::Context as _;
use catalog::{RegistryId, Status, View};

use crate::Context;
use crate::args::ExportArgs;

/// Runs `varkat export`.
pub(crate) fn run(context: &Context, args: &ExportArgs) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let export = if args.all {
        Export::Dump(store.dump()?)
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
        Export::Codebook(registries, versions)
    };
    match &args.output {
        Some(path) => {
            let failed = || format!("failed to write `{}`", path.display());
            let mut out = BufWriter::new(File::create(path).with_context(failed)?);
            export.write(&mut out).and_then(|()| out.flush()).with_context(failed)?;
        }
        // As for every command, output to a pipe closed early just ends.
        None => {
            let _ = export.write(std::io::stdout().lock());
        }
    }
    Ok(())
}

/// What `varkat export` writes.
enum Export {
    /// The whole catalog.
    Dump(catalog::CatalogDump),
    /// Registries with their variables' current definitions.
    Codebook(Vec<catalog::Registry>, Vec<catalog::VariableVersion>),
}

impl Export {
    /// Writes it as varkat JSON as it goes: a catalog's export is not built whole in memory
    /// first.
    fn write(self, out: impl Write) -> std::io::Result<()> {
        match self {
            Export::Dump(dump) => importers::varkat_json::write_dump(dump, out),
            Export::Codebook(registries, versions) => {
                importers::varkat_json::write_codebook(&registries, &versions, out)
            }
        }
    }
}
