//! The command line, as clap parses it. Values are checked and resolved (a store opened, a
//! date read) in the commands, before any work begins.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// varkat: the metadata and variable-harmonization catalog for health registries.
#[derive(Debug, Parser)]
#[command(name = "varkat", version, about, long_about = None, max_term_width = 100)]
pub(crate) struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub(crate) struct GlobalArgs {
    /// The store's directory [default: $VARKAT_DATA, else ./varkat-data].
    #[arg(long, global = true, env = "VARKAT_DATA", value_name = "DIR")]
    pub(crate) data_dir: Option<PathBuf>,
    /// Print JSON for scripts instead of text for people.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    /// Print only errors.
    #[arg(long, short, global = true)]
    pub(crate) quiet: bool,
    /// Who is making the change, as recorded in the change log [default: $VARKAT_USER, else $USER].
    #[arg(long, global = true, env = "VARKAT_USER", value_name = "NAME")]
    pub(crate) user: Option<String>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Import codebooks (varkat JSON, Opal, klokebok, MRS kodebok, REDCap, UK Biobank, DDI-Codebook,
    /// DDI-Lifecycle, dbGaP, CHEAR/HHEAR), code systems and value sets (FHIR, ClaML, CSV), shared
    /// definitions (varkat's, TOPMed harmonized variables).
    Import(ImportArgs),
    /// List the registries and how many variables each has.
    Registries,
    /// List a registry's variables.
    Variables(VariablesArgs),
    /// Show one variable: its current definition, one version, or what it was at a date.
    Show(ShowArgs),
    /// List a variable's versions, with what changed in each.
    History(HistoryArgs),
    /// Compare two versions, of one variable or of two.
    Diff(DiffArgs),
    /// List the change log: every write, numbered, with who and when.
    Changes(ChangesArgs),
    /// Write the catalog as varkat JSON.
    Export(ExportArgs),
    /// Publish a registry's drafts, as one change.
    Publish(RegistryArg),
    /// Drop a registry's drafts, as one change.
    Discard(RegistryArg),
    /// Code systems: list them, show a version's codes, find the variables bound to one.
    #[command(subcommand)]
    Codes(CodesCommand),
    /// Search the catalog as the variable explorer does.
    Search(SearchArgs),
    /// Rebuild the search index from the store.
    Reindex,
    /// Propose groups of variables that ask the same thing, around shared definitions, and new
    /// definitions for groups none covers.
    Harmonize(HarmonizeArgs),
    /// Review proposed mappings: list them, show one, accept or reject, move variables between
    /// shared definitions, split some into a new one, edit one.
    #[command(subcommand)]
    Review(ReviewCommand),
    /// Load the bundled example catalog into a fresh store and show what it holds.
    Demo,
    /// Serve the HTTP API and the web explorer until stopped.
    Serve(ServeArgs),
    /// API tokens: create, list, revoke.
    #[command(subcommand)]
    Token(TokenCommand),
}

/// `varkat import`.
#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// The files; an Opal dictionary's categories table goes after its variables table.
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// The registry, for formats that do not name it (klokebok), or to override the file's.
    #[arg(long, value_name = "ID")]
    pub(crate) registry: Option<String>,
    /// The format: varkat-json, opal, klokebok, mrs-kodebok, redcap, ukbiobank, ddi-codebook,
    /// ddi-lifecycle, dbgap, hhear-dictionary, fhir, claml, csv-code-list, shared-definitions,
    /// topmed-harmonized [default: told from the content].
    #[arg(long, value_name = "FORMAT")]
    pub(crate) format: Option<String>,
    /// The text encoding: utf-8 (also UTF-16 with a byte order mark) or latin1.
    #[arg(long, value_name = "ENCODING", default_value = "utf-8")]
    pub(crate) encoding: String,
    /// The language of labels in formats that do not say (REDCap): nb or en.
    #[arg(long, value_name = "LANGUAGE", default_value = "nb")]
    pub(crate) language: String,
    /// The code system and version a CSV code list is, as ID@VERSION.
    #[arg(long, value_name = "ID@VERSION")]
    pub(crate) system: Option<String>,
    /// The files are the registry's whole codebook: retire variables they lack.
    #[arg(long)]
    pub(crate) full: bool,
    /// Keep new versions as drafts until `varkat publish`.
    #[arg(long)]
    pub(crate) draft: bool,
    /// Show what would be new, changed and retired, and write nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

/// `varkat variables`.
#[derive(Debug, Args)]
pub(crate) struct VariablesArgs {
    /// The registry.
    pub(crate) registry: String,
    /// List the variables as the catalog showed them at this date or time.
    #[arg(long, value_name = "DATE")]
    pub(crate) as_of: Option<String>,
    /// Include drafts.
    #[arg(long)]
    pub(crate) drafts: bool,
}

/// `varkat show`.
#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// The variable, as REGISTRY/NAME.
    pub(crate) variable: String,
    /// Show this version.
    #[arg(long, conflicts_with = "as_of")]
    pub(crate) version: Option<u32>,
    /// Show the version the catalog published as of this date (YYYY-MM-DD) or time (RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub(crate) as_of: Option<String>,
    /// Show the latest version even if it is a draft.
    #[arg(long)]
    pub(crate) drafts: bool,
}

/// `varkat history`.
#[derive(Debug, Args)]
pub(crate) struct HistoryArgs {
    /// The variable, as REGISTRY/NAME.
    pub(crate) variable: String,
}

/// `varkat diff`.
#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    /// The old version, as REGISTRY/NAME@N, or REGISTRY/NAME for the latest.
    pub(crate) from: String,
    /// The new version, as REGISTRY/NAME@N or REGISTRY/NAME; without it, FROM is compared with its previous version.
    pub(crate) to: Option<String>,
}

/// `varkat changes`.
#[derive(Debug, Args)]
pub(crate) struct ChangesArgs {
    /// Only changes after this number.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub(crate) after: u64,
}

/// `varkat export`.
#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// Only this registry.
    #[arg(long, value_name = "ID", conflicts_with = "all")]
    pub(crate) registry: Option<String>,
    /// The whole catalog: every version, every import and the change log (a backup).
    #[arg(long)]
    pub(crate) all: bool,
    /// The output format.
    #[arg(long, default_value = "json", value_parser = ["json"])]
    pub(crate) format: String,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// A command that takes one registry.
#[derive(Debug, Args)]
pub(crate) struct RegistryArg {
    /// The registry.
    pub(crate) registry: String,
}

/// `varkat search`.
#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    /// Words, "a phrase", a prefix* and filters such as registry:hunt, type:categorical, system:icd-10.
    #[arg(required = true, value_name = "QUERY")]
    pub(crate) query: Vec<String>,
    /// Only this registry (may be given more than once).
    #[arg(long, value_name = "ID")]
    pub(crate) registry: Vec<String>,
    /// Only this data type.
    #[arg(long = "type", value_name = "TYPE")]
    pub(crate) data_type: Option<String>,
    /// Only variables bound to this code system.
    #[arg(long, value_name = "SYSTEM")]
    pub(crate) system: Option<String>,
    /// Only registries of this kind: central, quality, survey, other.
    #[arg(long, value_name = "KIND")]
    pub(crate) kind: Option<String>,
    /// Only variables whose mapping reviewers have accepted (harmonized), are deciding
    /// (in-review), or neither (not-harmonized).
    #[arg(long, value_name = "STATUS", value_parser = ["harmonized", "in-review", "not-harmonized"])]
    pub(crate) harmonization: Option<String>,
    /// Only variables collected at some time in FROM..TO (years or dates; either end may be left out).
    #[arg(long, value_name = "FROM..TO")]
    pub(crate) period: Option<String>,
    /// Show hit counts per registry, kind, type, code system, status and decade.
    #[arg(long)]
    pub(crate) facets: bool,
    /// How many hits to show.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub(crate) limit: usize,
    /// Which page of hits to show, from 1.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub(crate) page: usize,
    /// Search older versions too, not only the current ones.
    #[arg(long)]
    pub(crate) all_versions: bool,
}

/// `varkat harmonize`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct HarmonizeArgs {
    /// `report`: write the decision basis instead of listing the proposal.
    #[command(subcommand)]
    pub(crate) command: Option<HarmonizeCommand>,
    /// What to harmonize.
    #[command(flatten)]
    pub(crate) propose: ProposeArgs,
}

/// What `varkat harmonize` can do besides proposing.
#[derive(Debug, Subcommand)]
pub(crate) enum HarmonizeCommand {
    /// Write the decision basis: members side by side, wording differences, value mappings,
    /// confidence and reasons, and the coverage of registries by shared definitions.
    Report(ReportArgs),
}

/// What to harmonize.
#[derive(Debug, Args)]
pub(crate) struct ProposeArgs {
    /// Map onto the shared definitions in this file (the form of `definitions.json`, see
    /// docs/formats.md) instead of those imported into the catalog.
    #[arg(long, value_name = "FILE")]
    pub(crate) definitions: Option<PathBuf>,
    /// Only variables of this registry (may be given more than once).
    #[arg(long, value_name = "ID")]
    pub(crate) registry: Vec<String>,
    /// Leave out proposals below this confidence (0 to 1).
    #[arg(long, value_name = "X")]
    pub(crate) min_confidence: Option<f64>,
    /// Record the proposals in the catalog as mappings awaiting review (`varkat review`), after
    /// storing the shared definitions proposed for new groups.
    #[arg(long)]
    pub(crate) record: bool,
    /// Also write the groups and value mappings in the form the harmonization benchmark scores.
    #[arg(long, value_name = "FILE")]
    pub(crate) export_groups: Option<PathBuf>,
}

/// `varkat harmonize report`.
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// What to harmonize.
    #[command(flatten)]
    pub(crate) propose: ProposeArgs,
    /// The report's format: html, md or csv.
    #[arg(long, default_value = "html", value_parser = ["html", "md", "csv"])]
    pub(crate) format: String,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// `varkat codes`.
#[derive(Debug, Subcommand)]
pub(crate) enum CodesCommand {
    /// List the code systems and their versions.
    List,
    /// Show the codes of a code system version (the latest without @VERSION).
    Show {
        /// The code system, as ID or ID@VERSION.
        system: String,
    },
    /// List the variables (and versions) bound to a code system, or to one version of it.
    WhereUsed {
        /// The code system, as ID or ID@VERSION.
        system: String,
        /// Only where this code is one of the variable's own options.
        code: Option<String>,
    },
}

/// `varkat review`.
#[derive(Debug, Subcommand)]
pub(crate) enum ReviewCommand {
    /// List the latest mapping of every variable, with those needing re-review marked.
    List(ReviewListArgs),
    /// Show a variable's mapping history and its value mapping.
    Show {
        /// The variable, as REGISTRY/NAME.
        variable: String,
    },
    /// Accept the latest mapping of these variables.
    Accept(DecideArgs),
    /// Reject the latest mapping of these variables.
    Reject(DecideArgs),
    /// Map these variables onto another shared definition (moving them out of their proposed
    /// group, or into a group they were left out of), with their answer options mapped anew,
    /// and record that as accepted.
    Move(MoveArgs),
    /// Take these variables out of their groups into a new shared definition, proposed from
    /// the first of them (its type, unit and answer options), and map them onto it, accepted.
    Split(SplitArgs),
    /// Change a shared definition's labels, description or unit: a new version of it.
    Edit(EditArgs),
    /// Write a blank ballot (CSV) of the proposals awaiting review, for one reviewer to fill in.
    Ballot(BallotArgs),
    /// Compare two reviewers' filled-in ballots: where they disagree, and Cohen's kappa.
    Compare(CompareArgs),
    /// Record the decisions two reviewers' ballots agree on; list the ones they do not.
    Merge(CompareArgs),
    /// Export the decisions: FHIR R4 (CodeSystem and ValueSet per shared definition, ConceptMap
    /// of the accepted value mappings) or CSV (every recorded mapping, one row per answer option).
    Export(ReviewExportArgs),
}

/// `varkat review export`.
#[derive(Debug, Args)]
pub(crate) struct ReviewExportArgs {
    /// fhir (a Bundle of JSON resources) or csv.
    #[arg(long, default_value = "fhir", value_parser = ["fhir", "csv"])]
    pub(crate) format: String,
    /// One ConceptMap per shared definition (group) or per member variable.
    #[arg(long, default_value = "group", value_parser = ["group", "member"])]
    pub(crate) per: String,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// `varkat review ballot`.
#[derive(Debug, Args)]
pub(crate) struct BallotArgs {
    /// Only proposals onto this shared definition.
    #[arg(long, value_name = "ID")]
    pub(crate) definition: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// `varkat review compare` and `merge`.
#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    /// The first reviewer's ballot; its file name (without .csv) names the reviewer.
    pub(crate) first: PathBuf,
    /// The second reviewer's ballot.
    pub(crate) second: PathBuf,
}

/// `varkat review list`.
#[derive(Debug, Args)]
pub(crate) struct ReviewListArgs {
    /// Only mappings in this state.
    #[arg(long, value_parser = ["proposed", "accepted", "rejected"])]
    pub(crate) status: Option<String>,
    /// Only mappings onto this shared definition.
    #[arg(long, value_name = "ID")]
    pub(crate) definition: Option<String>,
}

/// `varkat review accept` and `reject`.
#[derive(Debug, Args)]
pub(crate) struct DecideArgs {
    /// The variables, as REGISTRY/NAME.
    #[arg(required = true, value_name = "VARIABLE")]
    pub(crate) variables: Vec<String>,
    /// Why, recorded with the decision.
    #[arg(long, short)]
    pub(crate) comment: Option<String>,
}

/// `varkat review move`.
#[derive(Debug, Args)]
pub(crate) struct MoveArgs {
    /// The variables, as REGISTRY/NAME.
    #[arg(required = true, value_name = "VARIABLE")]
    pub(crate) variables: Vec<String>,
    /// The shared definition to map them onto.
    #[arg(long, value_name = "DEFINITION")]
    pub(crate) to: String,
    /// Why, recorded with the decision.
    #[arg(long, short)]
    pub(crate) comment: Option<String>,
}

/// `varkat review split`.
#[derive(Debug, Args)]
pub(crate) struct SplitArgs {
    /// The variables, as REGISTRY/NAME; the first gives the definition its type, unit and
    /// answer options.
    #[arg(required = true, value_name = "VARIABLE")]
    pub(crate) variables: Vec<String>,
    /// The new shared definition's id.
    #[arg(long, value_name = "ID")]
    pub(crate) into: String,
    /// Its Norwegian label [default: the first variable's].
    #[arg(long, value_name = "TEXT")]
    pub(crate) label_nb: Option<String>,
    /// Its English label [default: the first variable's].
    #[arg(long, value_name = "TEXT")]
    pub(crate) label_en: Option<String>,
    /// Why, recorded with the decisions.
    #[arg(long, short)]
    pub(crate) comment: Option<String>,
}

/// `varkat review edit`.
#[derive(Debug, Args)]
pub(crate) struct EditArgs {
    /// The shared definition's id.
    #[arg(value_name = "DEFINITION")]
    pub(crate) definition: String,
    /// A new Norwegian label.
    #[arg(long, value_name = "TEXT")]
    pub(crate) label_nb: Option<String>,
    /// A new English label.
    #[arg(long, value_name = "TEXT")]
    pub(crate) label_en: Option<String>,
    /// A new Norwegian description.
    #[arg(long, value_name = "TEXT")]
    pub(crate) description_nb: Option<String>,
    /// A new English description.
    #[arg(long, value_name = "TEXT")]
    pub(crate) description_en: Option<String>,
    /// A new unit (an empty one removes it).
    #[arg(long, value_name = "UNIT")]
    pub(crate) unit: Option<String>,
}

/// `varkat serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    pub(crate) addr: String,
    /// Serve the bundled example catalog, harmonized, from a fresh temporary store.
    #[arg(long)]
    pub(crate) demo: bool,
    /// How many search answers to keep until the catalog changes (0: search every time).
    #[arg(long, default_value_t = 20_000, value_name = "N")]
    pub(crate) search_cache: usize,
}

/// `varkat token`.
#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Make a token; its secret is printed once and only its hash is kept.
    Create {
        /// steward (imports for its registries), standards (reviews, shared definitions) or admin.
        #[arg(long)]
        role: String,
        /// A registry a steward may change (may be given more than once).
        #[arg(long, value_name = "ID")]
        registry: Vec<String>,
        /// Who holds it, as the change log will name them [default: --user].
        #[arg(long, value_name = "NAME")]
        holder: Option<String>,
    },
    /// List the tokens (never their secrets).
    List,
    /// Remove a token.
    Revoke {
        /// The token's id, as `token list` shows it.
        id: String,
    },
}
