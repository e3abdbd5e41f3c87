//! The `varkat` command-line tool: clap arguments in, calls into the library crates, text or
//! JSON out, and an exit code that says what went wrong. It holds no catalog logic of its own.

mod args;
mod commands;
mod exit;
mod output;
mod progress;
mod render;

use std::ffi::OsString;
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser;

use crate::args::{Cli, Command, GlobalArgs};
use crate::output::Output;

/// What every command needs: where the store is, how to print, who is acting.
#[derive(Clone)]
pub(crate) struct Context {
    data_dir: PathBuf,
    output: Output,
    who: String,
}

impl Context {
    fn new(global: &GlobalArgs) -> Context {
        let who = global
            .user
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .filter(|name| !name.trim().is_empty())
            .unwrap_or_else(|| "unknown".to_owned());
        Context {
            data_dir: global.data_dir.clone().unwrap_or_else(|| PathBuf::from("varkat-data")),
            output: Output { json: global.json, quiet: global.quiet },
            who,
        }
    }

    /// Opens the store, saying which directory failed.
    pub(crate) fn open_store(&self) -> anyhow::Result<catalog::Store> {
        open_store(&self.data_dir)
    }

    /// Brings the search index up to date with the store after a write. The store is the
    /// truth: if the index cannot follow now, the next command that opens it catches up.
    pub(crate) fn update_index(&self, store: &catalog::Store) {
        let caught_up = open_index(&self.data_dir).and_then(|index| Ok(index.catch_up(store)?));
        if let Err(err) = caught_up {
            self.output
                .warn(&format!("{err:#}; the search index catches up the next time it is opened"));
        }
    }
}

/// Opens the store of a data directory.
pub(crate) fn open_store(data_dir: &Path) -> anyhow::Result<catalog::Store> {
    let path = catalog::store_dir(data_dir);
    catalog::Store::open(&path)
        .with_context(|| format!("failed to open the store at `{}`", path.display()))
}

/// Opens the search index of a data directory.
pub(crate) fn open_index(data_dir: &Path) -> anyhow::Result<indexer::SearchIndex> {
    let path = indexer::index_dir(data_dir);
    indexer::SearchIndex::open(&path).with_context(|| {
        format!("failed to open the search index at `{}`; run `varkat reindex` to rebuild it from the store", path.display())
    })
}

/// Runs `varkat` with these arguments and returns its exit code.
pub fn main_impl(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { exit::USAGE } else { exit::SUCCESS });
        }
    };
    // The server logs a line per request unless told otherwise; other commands only errors.
    let default_log = if matches!(cli.command, Command::Serve(_)) { "info" } else { "error" };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("VARKAT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_log)),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in a log file.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let context = Context::new(&cli.global);
    let result = match &cli.command {
        Command::Import(args) => commands::import::run(&context, args),
        Command::Registries => commands::browse::registries(&context),
        Command::Variables(args) => commands::browse::variables(&context, args),
        Command::Show(args) => commands::browse::show(&context, args),
        Command::History(args) => commands::history::history(&context, args),
        Command::Diff(args) => commands::history::diff(&context, args),
        Command::Changes(args) => commands::history::changes(&context, args),
        Command::Export(args) => commands::export::run(&context, args),
        Command::Publish(args) => commands::publish::publish(&context, args),
        Command::Discard(args) => commands::publish::discard(&context, args),
        Command::Codes(command) => commands::codes::run(&context, command),
        Command::Search(args) => commands::search::search(&context, args),
        Command::Reindex => commands::search::reindex(&context),
        Command::Harmonize(args) => commands::harmonize::run(&context, args),
        Command::Review(command) => commands::review::run(&context, command),
        Command::Demo => commands::demo::run(&context, cli.global.data_dir.is_some()),
        Command::Serve(args) => commands::serve::serve(&context, args),
        Command::Token(command) => commands::serve::token(&context, command),
    };
    match result {
        Ok(()) => ExitCode::from(exit::SUCCESS),
        Err(err) => {
            output::write_stderr(&format!("error: {err:#}\n"));
            exit::code_for(&err)
        }
    }
}
