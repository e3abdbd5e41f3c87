//! `varkat publish` and `varkat discard`: what becomes of a registry's drafts.

use catalog::RegistryId;

use crate::Context;
use crate::args::RegistryArg;

/// Runs `varkat publish`.
pub(crate) fn publish(context: &Context, args: &RegistryArg) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let change = store.publish(&RegistryId::new(&args.registry)?, &context.who)?;
    context.update_index(&store);
    context.output.text(&format!("{} (change {})\n", change.summary(), change.seq));
    context.output.json(&change);
    Ok(())
}

/// Runs `varkat discard`.
pub(crate) fn discard(context: &Context, args: &RegistryArg) -> anyhow::Result<()> {
    let store = context.open_store()?;
    let change = store.discard(&RegistryId::new(&args.registry)?, &context.who)?;
    context.update_index(&store);
    context.output.text(&format!("{} (change {})\n", change.summary(), change.seq));
    context.output.json(&change);
    Ok(())
}
