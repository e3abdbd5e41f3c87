//! `varkat serve`: the HTTP API and the web explorer over one data directory, and
//! `varkat token`: who may write through it.

use std::net::SocketAddr;

use anyhow::Context as _;
use catalog::RegistryId;
use server::auth::{Role, TokenFile};

use crate::Context;
use crate::args::{ServeArgs, TokenCommand};

/// Runs `varkat serve` until SIGINT or SIGTERM.
pub(crate) fn serve(context: &Context, args: &ServeArgs) -> anyhow::Result<()> {
    let addr: SocketAddr = args
        .addr
        .parse()
        .with_context(|| format!("`{}` is not an address such as 127.0.0.1:8080", args.addr))?;
    // The demo's directory lives as long as the server and is removed after it.
    let demo_dir = if args.demo {
        Some(
            tempfile::Builder::new()
                .prefix("varkat-serve-demo-")
                .tempdir()
                .context("failed to create a directory for the demo")?,
        )
    } else {
        None
    };
    let data_dir = demo_dir.as_ref().map_or(context.data_dir.as_path(), |dir| dir.path());
    let store = crate::open_store(data_dir)?;
    if args.demo {
        let quiet = Context {
            output: crate::output::Output { quiet: true, json: false },
            ..context.clone()
        };
        super::demo::load(&quiet, &store)?;
    }
    let index = crate::open_index(data_dir)?;
    let tokens = TokenFile::in_data_dir(data_dir);
    let state = server::AppState::new(
        store,
        index,
        tokens,
        server::Limits { search_cache: args.search_cache, ..server::Limits::default() },
    )
    .context("failed to bring the search index up to date")?;
    let output = &context.output;
    server::run(state, addr, |bound| {
        output.text(&format!(
            "varkat serves {} on http://{bound}/ (API: http://{bound}/api/openapi.json); stop with Ctrl-C\n",
            data_dir.display()
        ));
    })
    .with_context(|| format!("failed to serve on {addr}"))?;
    output.text("stopped\n");
    Ok(())
}

/// Runs `varkat token`.
pub(crate) fn token(context: &Context, command: &TokenCommand) -> anyhow::Result<()> {
    let tokens = TokenFile::in_data_dir(&context.data_dir);
    match command {
        TokenCommand::Create { role, registry, holder } => {
            let role: Role = role.parse().map_err(anyhow::Error::msg)?;
            let registries =
                registry.iter().map(|id| RegistryId::new(id)).collect::<Result<Vec<_>, _>>()?;
            let holder = holder.clone().unwrap_or_else(|| context.who.clone());
            let new = tokens.create(&holder, role, registries)?;
            context.output.text(&format!(
                "token {} for {} ({}{}); it is shown only now:\n{}\n",
                new.record.id,
                new.record.holder,
                new.record.role,
                if new.record.registries.is_empty() {
                    String::new()
                } else {
                    let names: Vec<&str> =
                        new.record.registries.iter().map(RegistryId::as_str).collect();
                    format!(" of {}", names.join(", "))
                },
                new.secret
            ));
            context.output.json(&serde_json::json!({
                "id": new.record.id, "holder": new.record.holder, "role": new.record.role,
                "registries": new.record.registries, "token": new.secret,
            }));
        }
        TokenCommand::List => {
            let list = tokens.list()?;
            for token in &list {
                context.output.text(&format!(
                    "{}  {:<10} {:<20} {}\n",
                    token.id,
                    token.role.to_string(),
                    token.holder,
                    token.registries.iter().map(RegistryId::as_str).collect::<Vec<_>>().join(",")
                ));
            }
            context.output.json(&list);
        }
        TokenCommand::Revoke { id } => {
            let removed = tokens.revoke(id)?;
            context.output.text(&format!("revoked token {} of {}\n", removed.id, removed.holder));
        }
    }
    Ok(())
}
