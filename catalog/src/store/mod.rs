//! The sled store: the only module that names sled.
//!
//! All of the catalog lives in one sled tree, and every write is one `apply_batch`, which sled
//! applies atomically: after a crash a write is there whole or not at all. A write is only
//! reported done after `flush` and an fsync of sled's data file, because sled's `flush` alone
//! issues `sync_file_range`, which does not make the data survive a power failure.
//!
//! Only one process may open a store; a second gets [`Error::Locked`]. Within a process, writes
//! are serialized by a mutex, so that planning an import and writing it see the same state.

mod keys;
mod records;

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use records::{CatalogDump, FORMAT_VERSION, ImportRecord};

use crate::change_log::{Change, ChangeKind, CodeMapRef, DefinitionRef, ValueSetRef, VersionRef};
use crate::code_systems::{CodeSystemRef, diff_code_systems};
use crate::error::{Error, Result, StorageError};
use crate::history::PlannedCodeSystem;
use crate::history::{ImportPlan, IncomingVariable, PlannedVersion, SourceFile, plan_import};
use crate::id::CodeSystemId;
use crate::id::{
    ChangeSeq, CodeMapId, ImportId, RegistryId, SharedDefinitionId, ValueSetId, VariableKey,
    VersionNo,
};
use crate::model::{
    CodeMap, CodeSystem, CodeSystemBinding, CodeSystemVersion, Mapping, Provenance, Registry,
    ReviewStatus, SharedDefinition, Status, ValueSet, VariableVersion,
};

/// The store's directory inside a data directory; the search index lives beside it.
pub fn store_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("store")
}

/// Which versions a reader may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// What researchers see: published versions only.
    Published,
    /// What a steward sees: drafts too.
    WithDrafts,
}

impl View {
    /// Whether this view shows a version that is a draft (`draft`), or a published one.
    pub fn shows(self, draft: bool) -> bool {
        self == View::WithDrafts || !draft
    }
}

/// A page of a registry's variables, as [`Store::variables_page`] reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct VariablesPage {
    /// The variables on the page, by name.
    pub variables: Vec<VariableVersion>,
    /// How many variables there are on all pages.
    pub total: usize,
}

/// The part of a stored `VariableVersion` that counting and paging read: decoding only this
/// skips a version's definition, nearly all of it.
#[derive(serde::Deserialize)]
struct VersionState {
    key: VariableKey,
    version: VersionNo,
    status: Status,
    #[serde(default)]
    published_at: Option<DateTime<Utc>>,
}

/// The part of a stored `Mapping` that says which definition it maps onto.
#[derive(serde::Deserialize)]
struct MappingDefinition {
    definition: SharedDefinitionId,
}

/// The part of a stored `VariableVersion` that says which code system it is bound to.
#[derive(serde::Deserialize)]
struct VersionBinding {
    definition: DefinitionBinding,
}

#[derive(serde::Deserialize)]
struct DefinitionBinding {
    #[serde(default)]
    value_domain: DomainBinding,
}

#[derive(Default, serde::Deserialize)]
struct DomainBinding {
    #[serde(default)]
    code_system: Option<CodeSystemBinding>,
}

/// The part of a stored `CodeSystemVersion` that lists its versions: the name, and the concepts
/// counted but not kept.
#[derive(serde::Deserialize)]
struct VersionConcepts {
    version: String,
    #[serde(default)]
    concepts: Vec<serde::de::IgnoredAny>,
}

/// A code system version's name and size, read without its concepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeSystemVersionSummary {
    /// The version as the publisher names it.
    pub version: String,
    /// How many codes it lists.
    pub codes: usize,
}

/// A registry's variables counted as [`Store::registry_counts`] counts them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RegistryCounts {
    /// Variables researchers see: published and not retired.
    pub variables: usize,
    /// Variables with a draft waiting to be published or discarded.
    pub drafts: usize,
}

/// An import, ready to be planned or written; the default imports nothing.
#[derive(Debug, Clone, Default)]
pub struct ImportRequest {
    /// Registries the files describe (name, kind, owner), created or updated by the import.
    pub registries: Vec<Registry>,
    /// The variables the files define.
    pub variables: Vec<IncomingVariable>,
    /// The files read.
    pub files: Vec<SourceFile>,
    /// The importers' warnings, kept with the import.
    pub warnings: Vec<String>,
    /// The files are the whole codebook of their registries: retire what they lack.
    pub full: bool,
    /// Keep the new versions as drafts.
    pub draft: bool,
    /// Who is importing.
    pub who: String,
    /// Code system versions the files define.
    pub code_systems: Vec<(CodeSystem, CodeSystemVersion)>,
    /// Value set versions the files define.
    pub value_sets: Vec<ValueSet>,
    /// Code map versions the files define.
    pub code_maps: Vec<CodeMap>,
    /// Shared definitions the files define; each that differs from its latest version becomes
    /// a new version (the incoming `version` is ignored).
    pub shared_definitions: Vec<SharedDefinition>,
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    /// What was written.
    pub plan: ImportPlan,
    /// The change recorded; `None` when the import changed nothing.
    pub change: Option<Change>,
}

/// The catalog's store: open it once per process.
pub struct Store {
    db: sled::Db,
    tree: sled::Tree,
    path: PathBuf,
    writer: Mutex<()>,
}

impl Store {
    /// Opens the store in `path`, creating it if the directory is new, and refuses a store
    /// of another format version.
    pub fn open(path: &Path) -> Result<Store> {
        let storage =
            |source: String| Error::Storage { path: path.to_owned(), source: StorageError(source) };
        std::fs::create_dir_all(path).map_err(|err| storage(err.to_string()))?;
        let db = sled::Config::new().path(path).open().map_err(|err| {
            // sled reports a held lock only as an io error with this text.
            if err.to_string().contains("could not acquire lock") {
                Error::Locked(path.to_owned())
            } else {
                storage(err.to_string())
            }
        })?;
        let tree = (*db).clone();
        let store = Store { db, tree, path: path.to_owned(), writer: Mutex::new(()) };
        store.check_format()?;
        Ok(store)
    }

    /// The data directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn check_format(&self) -> Result<()> {
        match self.tree.get(keys::FORMAT).map_err(|err| self.storage(&err))? {
            Some(found) if found.as_ref() == FORMAT_VERSION.to_string().as_bytes() => Ok(()),
            Some(found) if found.as_ref() == b"1" => {
                let mut batch = sled::Batch::default();
                batch.insert(keys::FORMAT, FORMAT_VERSION.to_string().as_bytes());
                self.commit(batch)
            }
            Some(found) => Err(Error::IncompatibleStore {
                path: self.path.clone(),
                found: String::from_utf8_lossy(&found).into_owned(),
                supported: FORMAT_VERSION,
            }),
            None if self.tree.is_empty() => {
                let mut batch = sled::Batch::default();
                batch.insert(keys::FORMAT, FORMAT_VERSION.to_string().as_bytes());
                self.commit(batch)
            }
            None => Err(Error::NotAStore(self.path.clone())),
        }
    }

    fn storage(&self, err: &dyn std::fmt::Display) -> Error {
        Error::Storage { path: self.path.clone(), source: StorageError(err.to_string()) }
    }

    /// Applies one batch atomically and makes it durable before returning.
    fn commit(&self, batch: sled::Batch) -> Result<()> {
        self.tree.apply_batch(batch).map_err(|err| self.storage(&err))?;
        self.db.flush().map_err(|err| self.storage(&err))?;
        File::open(self.path.join("db"))
            .and_then(|file| file.sync_all())
            .map_err(|err| self.storage(&err))
    }

    fn decode<T: DeserializeOwned>(key: &[u8], value: &[u8]) -> Result<T> {
        serde_json::from_slice(value).map_err(|source| Error::Corrupt {
            key: String::from_utf8_lossy(key).into_owned(),
            source,
        })
    }

    fn encode<T: Serialize>(value: &T) -> Vec<u8> {
        serde_json::to_vec(value).expect("catalog records always serialize")
    }

    fn get<T: DeserializeOwned>(&self, key: &[u8]) -> Result<Option<T>> {
        match self.tree.get(key).map_err(|err| self.storage(&err))? {
            Some(value) => Self::decode(key, &value).map(Some),
            None => Ok(None),
        }
    }

    fn scan<T: DeserializeOwned>(
        &self,
        prefix: &[u8],
    ) -> impl Iterator<Item = Result<T>> + use<'_, T> {
        self.tree.scan_prefix(prefix).map(move |entry| {
            let (key, value) = entry.map_err(|err| self.storage(&err))?;
            Self::decode(&key, &value)
        })
    }

    /// Every registry, by id.
    pub fn registries(&self) -> Result<Vec<Registry>> {
        self.scan(keys::REGISTRIES).collect()
    }

    /// One registry.
    pub fn registry(&self, id: &RegistryId) -> Result<Registry> {
        self.get(&keys::registry(id))?.ok_or_else(|| Error::RegistryNotFound(id.clone()))
    }

    /// Every version of a variable, oldest first, drafts included.
    pub fn history(&self, key: &VariableKey) -> Result<Vec<VariableVersion>> {
        let versions: Vec<VariableVersion> =
            self.scan(&keys::variable_versions(key)).collect::<Result<_>>()?;
        if versions.is_empty() {
            return Err(Error::VariableNotFound(key.clone()));
        }
        Ok(versions)
    }

    /// One version of a variable.
    pub fn version(&self, key: &VariableKey, version: VersionNo) -> Result<VariableVersion> {
        match self.get(&keys::version(key, version))? {
            Some(found) => Ok(found),
            None => {
                self.history(key)?;
                Err(Error::VersionNotFound { key: key.clone(), version })
            }
        }
    }

    /// The latest version of a variable that `view` may see.
    pub fn current(&self, key: &VariableKey, view: View) -> Result<VariableVersion> {
        let history = self.history(key)?;
        let found = history.iter().rev().find(|version| view.shows(version.is_draft()));
        found.cloned().ok_or_else(|| Error::NothingAsOf {
            key: key.clone(),
            as_of: "any time (only drafts exist)".into(),
        })
    }

    /// The version of a variable that was published at `as_of`: what the catalog said then.
    pub fn as_of(&self, key: &VariableKey, as_of: DateTime<Utc>) -> Result<VariableVersion> {
        let history = self.history(key)?;
        latest_as_of(&history, as_of)
            .cloned()
            .ok_or_else(|| Error::NothingAsOf { key: key.clone(), as_of: as_of.to_rfc3339() })
    }

    /// The latest version of every variable of a registry that `view` may see, by name.
    pub fn variables(&self, registry: &RegistryId, view: View) -> Result<Vec<VariableVersion>> {
        self.registry(registry)?;
        self.latest_per_variable(registry, |history| {
            history.iter().rev().find(|version| view.shows(version.is_draft())).cloned()
        })
    }

    /// Every variable of a registry as the catalog showed it at `as_of`.
    pub fn variables_as_of(
        &self,
        registry: &RegistryId,
        as_of: DateTime<Utc>,
    ) -> Result<Vec<VariableVersion>> {
        self.registry(registry)?;
        self.latest_per_variable(registry, |history| latest_as_of(history, as_of).cloned())
    }

    /// A page of [`Store::variables`]: those at `range` in the list by name, and how many the
    /// list holds. Only each version's key, number and publication time is decoded until the
    /// page's own versions are read, so that a page of a registry of tens of thousands of
    /// variables costs little more than the page.
    pub fn variables_page(
        &self,
        registry: &RegistryId,
        view: View,
        range: std::ops::Range<usize>,
    ) -> Result<VariablesPage> {
        if range == (0..usize::MAX) {
            // Every variable: read whole in one pass, not listed and then read again.
            let variables = self.variables(registry, view)?;
            return Ok(VariablesPage { total: variables.len(), variables });
        }
        self.registry(registry)?;
        let mut total = 0;
        let mut wanted = Vec::new();
        for history in self.histories_of(registry, |version: &VersionState| &version.key) {
            let history = history?;
            let visible =
                history.iter().rev().find(|version| view.shows(version.published_at.is_none()));
            if let Some(visible) = visible {
                if range.contains(&total) {
                    wanted.push((visible.key.clone(), visible.version));
                }
                total += 1;
            }
        }
        let variables = wanted
            .iter()
            .map(|(key, version)| self.version(key, *version))
            .collect::<Result<_>>()?;
        Ok(VariablesPage { variables, total })
    }

    /// How many of a registry's variables researchers see (published and not retired), and
    /// how many have a draft waiting. Only what counting needs is decoded from each version,
    /// since the explorer's list of registries asks this of every registry.
    pub fn registry_counts(&self, registry: &RegistryId) -> Result<RegistryCounts> {
        self.registry(registry)?;
        let mut counts = RegistryCounts::default();
        for history in self.histories_of(registry, |version: &VersionState| &version.key) {
            let history = history?;
            let published = history.iter().rev().find(|version| version.published_at.is_some());
            counts.variables += usize::from(published.is_some_and(|v| v.status != Status::Retired));
            counts.drafts += usize::from(history.last().is_some_and(|v| v.published_at.is_none()));
        }
        Ok(counts)
    }

    fn latest_per_variable(
        &self,
        registry: &RegistryId,
        pick: impl Fn(&[VariableVersion]) -> Option<VariableVersion>,
    ) -> Result<Vec<VariableVersion>> {
        let mut out = Vec::new();
        for history in self.histories(registry) {
            out.extend(pick(&history?));
        }
        Ok(out)
    }

    /// Each variable's versions in a registry, oldest first, one variable at a time, read as
    /// `T` (a whole `VariableVersion`, or the part of one a caller needs) in one pass.
    fn histories_of<T: DeserializeOwned + 'static>(
        &self,
        registry: &RegistryId,
        key: fn(&T) -> &VariableKey,
    ) -> impl Iterator<Item = Result<Vec<T>>> + use<'_, T> {
        let mut versions = self.scan::<T>(&keys::registry_versions(registry)).peekable();
        std::iter::from_fn(move || {
            let mut history = match versions.next()? {
                Ok(first) => vec![first],
                Err(err) => return Some(Err(err)),
            };
            // An error stops the history here; the next call returns it.
            while let Some(Ok(next)) = versions.peek()
                && key(next) == key(&history[0])
            {
                history.extend(versions.next().and_then(Result::ok));
            }
            Some(Ok(history))
        })
    }

    /// Every version of every variable of a registry, oldest first, one variable at a time, in
    /// one pass over the registry: how the search index is rebuilt.
    pub fn histories(
        &self,
        registry: &RegistryId,
    ) -> impl Iterator<Item = Result<Vec<VariableVersion>>> + use<'_> {
        self.histories_of(registry, |version: &VariableVersion| &version.key)
    }

    /// How many versions, of all its variables, a registry holds; counted without reading them.
    pub fn version_count(&self, registry: &RegistryId) -> Result<usize> {
        self.count(&keys::registry_versions(registry))
    }

    /// How many records have keys starting with `prefix`, counted without reading them.
    fn count(&self, prefix: &[u8]) -> Result<usize> {
        self.tree
            .scan_prefix(prefix)
            .try_fold(0, |count, entry| entry.map(|_| count + 1).map_err(|err| self.storage(&err)))
    }

    /// The number of the last change; `ChangeSeq(0)` for a new store. Projections ask this
    /// on every read, so it comes from the key: the change itself can list every version of a
    /// large import.
    pub fn last_change(&self) -> Result<ChangeSeq> {
        match self.tree.scan_prefix(keys::CHANGES).next_back() {
            Some(entry) => {
                let (key, value) = entry.map_err(|err| self.storage(&err))?;
                match keys::change_seq(&key) {
                    Some(seq) => Ok(seq),
                    None => Ok(Self::decode::<Change>(&key, &value)?.seq),
                }
            }
            None => Ok(ChangeSeq(0)),
        }
    }

    /// The changes after `after`, in order: how projections catch up.
    pub fn changes_after(&self, after: ChangeSeq) -> impl Iterator<Item = Result<Change>> + '_ {
        let after: Bound<Vec<u8>> = Bound::Excluded(keys::change(after));
        self.tree
            .range((after, Bound::Unbounded))
            .take_while(|entry| {
                entry.as_ref().map_or(true, |(key, _)| key.starts_with(keys::CHANGES))
            })
            .map(move |entry| {
                let (key, value) = entry.map_err(|err| self.storage(&err))?;
                Self::decode(&key, &value)
            })
    }

    /// The record of one import, with its warnings.
    pub fn import_record(&self, id: ImportId) -> Result<Option<ImportRecord>> {
        self.get(&keys::import(id))
    }

    /// What an import would do, without writing anything.
    pub fn plan(&self, request: ImportRequest) -> Result<ImportPlan> {
        let _guard = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        self.plan_locked(request).map(|(plan, _)| plan)
    }

    /// Plans an import and hands back what the write still needs of the request.
    fn plan_locked(&self, request: ImportRequest) -> Result<(ImportPlan, ImportRequest)> {
        let mut registry_ids: BTreeSet<RegistryId> =
            request.variables.iter().map(|variable| variable.key.registry().clone()).collect();
        registry_ids.extend(request.registries.iter().map(|registry| registry.id.clone()));

        let mut plan_registries = (Vec::new(), Vec::new());
        let mut current = BTreeMap::new();
        for id in &registry_ids {
            let described = request.registries.iter().find(|registry| &registry.id == id);
            match (self.get::<Registry>(&keys::registry(id))?, described) {
                (None, described) => plan_registries
                    .0
                    .push(described.cloned().unwrap_or_else(|| Registry::unnamed(id.clone()))),
                (Some(stored), Some(described)) if &stored != described => {
                    plan_registries.1.push(described.clone())
                }
                (Some(_), _) => {}
            }
            for version in self.latest_per_variable(id, |history| history.last().cloned())? {
                if !request.draft && version.is_draft() {
                    return Err(Error::DraftsPending(id.clone()));
                }
                current.insert(version.key.clone(), version);
            }
        }
        let full_registries = if request.full { registry_ids } else { BTreeSet::new() };
        let mut request = request;
        let variables = std::mem::take(&mut request.variables);
        let mut plan = plan_import(&current, variables, &full_registries, request.draft);
        (plan.new_registries, plan.updated_registries) = plan_registries;
        for (system, version) in &request.code_systems {
            if let Some(existing) = self.code_system_version(&system.id, Some(&version.version))? {
                if existing != *version {
                    return Err(Error::CodeSystemVersionDiffers {
                        system: system.id.0.clone(),
                        version: version.version.clone(),
                    });
                }
                plan.unchanged_code_systems += 1;
                continue;
            }
            let diff =
                diff_code_systems(self.code_system_version(&system.id, None)?.as_ref(), version);
            let to_review = if diff.touches_codes() {
                let mut keys: Vec<VariableKey> =
                    self.where_used(&system.id, None)?.into_iter().map(|v| v.key).collect();
                keys.dedup();
                keys
            } else {
                Vec::new()
            };
            plan.code_systems.push(PlannedCodeSystem {
                reference: CodeSystemRef {
                    system: system.id.clone(),
                    version: version.version.clone(),
                },
                diff,
                to_review,
                records: (system.clone(), version.clone()),
            });
        }
        for value_set in std::mem::take(&mut request.value_sets) {
            let versions = self.value_set_versions(&value_set.id)?;
            match versions.iter().find(|v| v.version == value_set.version) {
                Some(existing) if *existing == value_set => plan.unchanged_value_sets += 1,
                Some(_) => {
                    return Err(Error::ValueSetVersionDiffers {
                        value_set: value_set.id.0.clone(),
                        version: value_set.version.clone(),
                    });
                }
                None if plan
                    .value_sets
                    .iter()
                    .any(|v| v.id == value_set.id && v.version == value_set.version) => {}
                None => plan.value_sets.push(value_set),
            }
        }
        for code_map in std::mem::take(&mut request.code_maps) {
            let versions = self.code_map_versions(&code_map.id)?;
            match versions.iter().find(|v| v.version == code_map.version) {
                Some(existing) if *existing == code_map => plan.unchanged_code_maps += 1,
                Some(_) => {
                    return Err(Error::CodeMapVersionDiffers {
                        code_map: code_map.id.0.clone(),
                        version: code_map.version.clone(),
                    });
                }
                None if plan
                    .code_maps
                    .iter()
                    .any(|m| m.id == code_map.id && m.version == code_map.version) => {}
                None => plan.code_maps.push(code_map),
            }
        }
        for incoming in std::mem::take(&mut request.shared_definitions) {
            let latest = self.shared_definition_history(&incoming.id)?.pop();
            let next = latest.as_ref().map_or(VersionNo::FIRST, |latest| latest.version.next());
            let definition = SharedDefinition { version: next, ..incoming };
            let unchanged = latest
                .is_some_and(|latest| SharedDefinition { version: next, ..latest } == definition);
            if unchanged {
                plan.unchanged_definitions += 1;
            } else {
                plan.definitions.push(definition);
            }
        }
        Ok((plan, request))
    }

    /// The published, not retired variables of these registries (of all, when none is named):
    /// what harmonization compares.
    pub fn live_variables(&self, registries: &[RegistryId]) -> Result<Vec<VariableVersion>> {
        let all;
        let registries = if registries.is_empty() {
            all = self.registries()?.into_iter().map(|registry| registry.id).collect::<Vec<_>>();
            &all
        } else {
            registries
        };
        let mut live = Vec::new();
        for registry in registries {
            live.extend(
                self.variables(registry, View::Published)?
                    .into_iter()
                    .filter(|version| version.status != Status::Retired),
            );
        }
        Ok(live)
    }

    /// The latest version of every code map, by id.
    pub fn code_maps(&self) -> Result<Vec<CodeMap>> {
        let mut latest: BTreeMap<CodeMapId, CodeMap> = BTreeMap::new();
        for code_map in self.scan::<CodeMap>(keys::CODE_MAPS) {
            let code_map = code_map?;
            latest.insert(code_map.id.clone(), code_map);
        }
        Ok(latest.into_values().collect())
    }

    /// The versions of a code map, in the order imported.
    pub fn code_map_versions(&self, id: &CodeMapId) -> Result<Vec<CodeMap>> {
        self.scan(&keys::code_map_versions(id)).collect()
    }

    /// The latest version of every value set, by id.
    pub fn value_sets(&self) -> Result<Vec<ValueSet>> {
        let mut latest: BTreeMap<ValueSetId, ValueSet> = BTreeMap::new();
        for value_set in self.scan::<ValueSet>(keys::VALUE_SETS) {
            let value_set = value_set?;
            latest.insert(value_set.id.clone(), value_set);
        }
        Ok(latest.into_values().collect())
    }

    /// The versions of a value set, in the order imported.
    pub fn value_set_versions(&self, id: &ValueSetId) -> Result<Vec<ValueSet>> {
        self.scan(&keys::value_set_versions(id)).collect()
    }

    /// The latest version of every shared definition, by id.
    pub fn shared_definitions(&self) -> Result<Vec<SharedDefinition>> {
        let mut latest: BTreeMap<SharedDefinitionId, SharedDefinition> = BTreeMap::new();
        for definition in self.scan::<SharedDefinition>(keys::DEFINITIONS) {
            let definition = definition?;
            latest.insert(definition.id.clone(), definition);
        }
        Ok(latest.into_values().collect())
    }

    /// Every version of one shared definition, oldest first; empty when there is none.
    pub fn shared_definition_history(
        &self,
        id: &SharedDefinitionId,
    ) -> Result<Vec<SharedDefinition>> {
        self.scan(&keys::definition_versions(id)).collect()
    }

    /// The latest mapping (review decision) of every variable that has one.
    pub fn mappings(&self) -> Result<Vec<Mapping>> {
        self.latest_mappings(|_, _| Ok(true))
    }

    /// The latest mapping of each variable whose latest mapping is onto `definition`, whatever
    /// its status: the members a definition's page lists.
    pub fn mappings_onto(&self, definition: &SharedDefinitionId) -> Result<Vec<Mapping>> {
        self.latest_mappings(|key, value| {
            // Only the definition is read from each mapping; one onto it is read whole.
            Ok(&Self::decode::<MappingDefinition>(key, value)?.definition == definition)
        })
    }

    /// The latest mapping of each variable that `keep` takes, by variable. A variable's mapping
    /// versions lie together under its prefix, oldest first, so only the last of each run is
    /// read.
    fn latest_mappings(
        &self,
        mut keep: impl FnMut(&[u8], &[u8]) -> Result<bool>,
    ) -> Result<Vec<Mapping>> {
        let mut latest = Vec::new();
        let mut take = |(key, value): (sled::IVec, sled::IVec)| -> Result<()> {
            if keep(&key, &value)? {
                latest.push(Self::decode(&key, &value)?);
            }
            Ok(())
        };
        let mut last: Option<(sled::IVec, sled::IVec)> = None;
        for entry in self.tree.scan_prefix(keys::MAPPINGS) {
            let entry = entry.map_err(|err| self.storage(&err))?;
            if let Some(previous) = last.take()
                && keys::mapping_variable(&previous.0) != keys::mapping_variable(&entry.0)
            {
                take(previous)?;
            }
            last = Some(entry);
        }
        if let Some(previous) = last {
            take(previous)?;
        }
        Ok(latest)
    }

    /// Every recorded decision on one variable's mapping, oldest first.
    pub fn mapping_history(&self, key: &VariableKey) -> Result<Vec<Mapping>> {
        self.scan(&keys::mapping_versions(key)).collect()
    }

    /// Why a decided mapping must be looked at again, if it must: its variable has a newer
    /// published version than the one decided on, or the code system the variable is bound to
    /// got a version since the decision that removed, relabelled or moved codes. A mapping still
    /// awaiting review needs no second look.
    pub fn rereview_reason(&self, mapping: &Mapping) -> Result<Option<String>> {
        Ok(self.rereview_reasons(std::slice::from_ref(mapping))?.pop().flatten())
    }

    /// [`Store::rereview_reason`] for each of many mappings, in their order. The change log
    /// is read once and each code system version compared with the one before it once, however
    /// many of the mappings are bound to it.
    pub fn rereview_reasons(&self, mappings: &[Mapping]) -> Result<Vec<Option<String>>> {
        let mut reasons = vec![None; mappings.len()];
        // Mappings still current whose variable is bound to a code system: which one, and when
        // the decision was made.
        let mut bound: Vec<(usize, CodeSystemId, DateTime<Utc>)> = Vec::new();
        for (index, mapping) in mappings.iter().enumerate() {
            let (ReviewStatus::Accepted | ReviewStatus::Rejected) = mapping.status else {
                continue;
            };
            let current = self.current(&mapping.variable, View::Published)?;
            if current.version > mapping.variable_version {
                reasons[index] = Some(format!(
                    "decided on version {}, now version {}",
                    mapping.variable_version, current.version
                ));
            } else if let (Some(binding), Some(decided_at)) =
                (&current.definition.value_domain.code_system, mapping.decided_at)
            {
                bound.push((index, binding.system.clone(), decided_at));
            }
        }
        if bound.is_empty() {
            return Ok(reasons);
        }
        // The versions of those code systems that changed codes against the one before.
        let mut changed_codes: BTreeSet<CodeSystemRef> = BTreeSet::new();
        let systems: BTreeSet<&CodeSystemId> = bound.iter().map(|(_, system, _)| system).collect();
        for system in systems {
            let versions = self.code_system_versions(system)?;
            for (index, version) in versions.iter().enumerate() {
                let previous = index.checked_sub(1).map(|i| &versions[i]);
                if diff_code_systems(previous, version).touches_codes() {
                    let version = version.version.clone();
                    changed_codes.insert(CodeSystemRef { system: system.clone(), version });
                }
            }
        }
        // When each of those versions was imported, in the log's order.
        let mut imported: Vec<(DateTime<Utc>, CodeSystemRef)> = Vec::new();
        for change in self.changes_after(ChangeSeq(0)) {
            let change = change?;
            let ChangeKind::Import { code_systems, .. } = change.kind else { continue };
            for reference in code_systems {
                if changed_codes.contains(&reference) {
                    imported.push((change.at, reference));
                }
            }
        }
        for (index, system, decided_at) in bound {
            reasons[index] = imported
                .iter()
                .find(|(at, reference)| *at > decided_at && reference.system == system)
                .map(|(_, reference)| {
                    format!(
                        "code system {}@{} changed codes after the decision",
                        reference.system, reference.version
                    )
                });
        }
        Ok(reasons)
    }

    /// Records review decisions as new mapping versions, as one change. Each decision names a
    /// variable version and a shared definition version that must exist; its own version is
    /// assigned here.
    pub fn record_review(&self, decisions: Vec<Mapping>, who: &str) -> Result<Change> {
        let _guard = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut batch = sled::Batch::default();
        let mut recorded = Vec::new();
        for decision in decisions {
            self.version(&decision.variable, decision.variable_version)?;
            let definitions = self.shared_definition_history(&decision.definition)?;
            if !definitions.iter().any(|d| d.version == decision.definition_version) {
                return Err(Error::DefinitionNotFound(decision.definition.clone()));
            }
            let version = self
                .mapping_history(&decision.variable)?
                .last()
                .map_or(VersionNo::FIRST, |latest| latest.version.next());
            let mapping = Mapping { version, ..decision };
            batch.insert(keys::mapping(&mapping.variable, version), Self::encode(&mapping));
            recorded.push(VersionRef { key: mapping.variable, version });
        }
        self.append_change(batch, who, ChangeKind::Review { mappings: recorded })
    }

    /// Every code system, by id.
    pub fn code_systems(&self) -> Result<Vec<CodeSystem>> {
        self.scan(keys::CODE_SYSTEMS).collect()
    }

    /// The versions of a code system, in the order imported.
    pub fn code_system_versions(&self, id: &CodeSystemId) -> Result<Vec<CodeSystemVersion>> {
        self.scan(&keys::code_system_versions(id)).collect()
    }

    /// The name and number of codes of each version of a code system, in the order imported.
    /// The concepts are skipped, not read: a version can hold hundreds of thousands.
    pub fn code_system_version_summaries(
        &self,
        id: &CodeSystemId,
    ) -> Result<Vec<CodeSystemVersionSummary>> {
        self.scan::<VersionConcepts>(&keys::code_system_versions(id))
            .map(|found| {
                found.map(|found| CodeSystemVersionSummary {
                    version: found.version,
                    codes: found.concepts.len(),
                })
            })
            .collect()
    }

    /// The version of a code system that `name` names, or its latest when `name` is `None`;
    /// `None` when there is no such version. Only that version is read whole.
    pub fn code_system_version(
        &self,
        id: &CodeSystemId,
        name: Option<&str>,
    ) -> Result<Option<CodeSystemVersion>> {
        let mut entries = self.tree.scan_prefix(keys::code_system_versions(id));
        let found = match name {
            None => entries.next_back().transpose().map_err(|err| self.storage(&err))?,
            Some(name) => loop {
                let Some(entry) = entries.next() else { break None };
                let (key, value) = entry.map_err(|err| self.storage(&err))?;
                if Self::decode::<VersionConcepts>(&key, &value)?.version == name {
                    break Some((key, value));
                }
            },
        };
        found.map(|(key, value)| Self::decode(&key, &value)).transpose()
    }

    /// Every version of every variable bound to a code system (and, if given, to one version of
    /// it): the answer to "where is this code system used?".
    pub fn where_used(
        &self,
        id: &CodeSystemId,
        version: Option<&str>,
    ) -> Result<Vec<VariableVersion>> {
        let mut found = Vec::new();
        for entry in self.tree.scan_prefix(keys::VERSIONS) {
            let (key, value) = entry.map_err(|err| self.storage(&err))?;
            // Only the binding is read from each version; a version bound here is read whole.
            let binding = Self::decode::<VersionBinding>(&key, &value)?.definition.value_domain;
            let bound = binding.code_system.is_some_and(|binding| {
                &binding.system == id
                    && version.is_none_or(|wanted| binding.version.as_deref() == Some(wanted))
            });
            if bound {
                found.push(Self::decode(&key, &value)?);
            }
        }
        Ok(found)
    }

    /// Plans and writes an import as one atomic change. An import that changes nothing
    /// writes nothing and records no change.
    pub fn import(&self, request: ImportRequest) -> Result<ImportOutcome> {
        let started = std::time::Instant::now();
        let _guard = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (plan, request) = self.plan_locked(request)?;
        if plan.is_empty() {
            tracing::info!(elapsed = ?started.elapsed(), "import unchanged");
            return Ok(ImportOutcome { plan, change: None });
        }
        let seq = ChangeSeq(self.last_change()?.0 + 1);
        let import = ImportId(seq.0);
        let now = Utc::now();
        let mut batch = sled::Batch::default();
        for registry in plan.new_registries.iter().chain(&plan.updated_registries) {
            batch.insert(keys::registry(&registry.id), Self::encode(registry));
        }
        let write = |batch: &mut sled::Batch, planned: &PlannedVersion| {
            let version = VariableVersion {
                key: planned.key.clone(),
                version: planned.version,
                status: planned.status,
                published_at: (!request.draft).then_some(now),
                definition: planned.definition.clone(),
                provenance: Provenance {
                    source_file: planned.source.path.clone(),
                    format: planned.source.format.clone(),
                    import,
                    recorded_by: request.who.clone(),
                    recorded_at: now,
                },
            };
            batch.insert(keys::version(&planned.key, planned.version), Self::encode(&version));
            VersionRef { key: planned.key.clone(), version: planned.version }
        };
        let mut code_systems = Vec::new();
        for planned in &plan.code_systems {
            let (system, version) = &planned.records;
            let ordinal = self.count(&keys::code_system_versions(&system.id))? as u32;
            batch.insert(keys::code_system(&system.id), Self::encode(system));
            batch.insert(keys::code_system_version(&system.id, ordinal), Self::encode(version));
            code_systems.push(planned.reference.clone());
        }
        let mut value_sets = Vec::new();
        for value_set in &plan.value_sets {
            let ordinal = self.count(&keys::value_set_versions(&value_set.id))? as u32;
            batch.insert(keys::value_set_version(&value_set.id, ordinal), Self::encode(value_set));
            value_sets
                .push(ValueSetRef { id: value_set.id.clone(), version: value_set.version.clone() });
        }
        let mut code_maps = Vec::new();
        for code_map in &plan.code_maps {
            let ordinal = self.count(&keys::code_map_versions(&code_map.id))? as u32;
            batch.insert(keys::code_map_version(&code_map.id, ordinal), Self::encode(code_map));
            code_maps
                .push(CodeMapRef { id: code_map.id.clone(), version: code_map.version.clone() });
        }
        let mut definitions = Vec::new();
        for definition in &plan.definitions {
            batch.insert(
                keys::definition(&definition.id, definition.version),
                Self::encode(definition),
            );
            definitions
                .push(DefinitionRef { id: definition.id.clone(), version: definition.version });
        }
        let new = plan.new.iter().map(|planned| write(&mut batch, planned)).collect();
        let changed = plan.changed.iter().map(|planned| write(&mut batch, planned)).collect();
        let retired = plan.retired.iter().map(|planned| write(&mut batch, planned)).collect();
        let record = ImportRecord {
            id: import,
            at: now,
            who: request.who.clone(),
            files: request.files.clone(),
            warnings: request.warnings.clone(),
        };
        batch.insert(keys::import(import), Self::encode(&record));
        let change = Change {
            seq,
            at: now,
            who: request.who.clone(),
            import: Some(import),
            kind: ChangeKind::Import {
                files: request.files.iter().map(|file| file.path.clone()).collect(),
                registries: plan
                    .new_registries
                    .iter()
                    .chain(&plan.updated_registries)
                    .map(|r| r.id.clone())
                    .collect(),
                new,
                changed,
                retired,
                draft: request.draft,
                code_systems,
                definitions,
                value_sets,
                code_maps,
            },
        };
        batch.insert(keys::change(seq), Self::encode(&change));
        self.commit(batch)?;
        tracing::info!(
            change = seq.0,
            new = plan.new.len(),
            changed = plan.changed.len(),
            retired = plan.retired.len(),
            code_systems = plan.code_systems.len(),
            elapsed = ?started.elapsed(),
            "import written"
        );
        Ok(ImportOutcome { plan, change: Some(change) })
    }

    fn drafts(&self, registry: &RegistryId) -> Result<Vec<VariableVersion>> {
        self.registry(registry)?;
        let drafts: Vec<VariableVersion> = self
            .scan::<VariableVersion>(&keys::registry_versions(registry))
            .filter(|version| version.as_ref().map_or(true, VariableVersion::is_draft))
            .collect::<Result<_>>()?;
        if drafts.is_empty() {
            return Err(Error::NoDrafts(registry.clone()));
        }
        Ok(drafts)
    }

    /// Publishes every draft of a registry, as one change.
    pub fn publish(&self, registry: &RegistryId, who: &str) -> Result<Change> {
        let _guard = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Utc::now();
        let mut batch = sled::Batch::default();
        let mut versions = Vec::new();
        for mut draft in self.drafts(registry)? {
            draft.published_at = Some(now);
            if draft.status == Status::Draft {
                draft.status = Status::Published;
            }
            batch.insert(keys::version(&draft.key, draft.version), Self::encode(&draft));
            versions.push(VersionRef { key: draft.key, version: draft.version });
        }
        self.append_change(batch, who, ChangeKind::Publish { registry: registry.clone(), versions })
    }

    /// Drops every draft of a registry, as one change.
    pub fn discard(&self, registry: &RegistryId, who: &str) -> Result<Change> {
        let _guard = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut batch = sled::Batch::default();
        let mut versions = Vec::new();
        for draft in self.drafts(registry)? {
            batch.remove(keys::version(&draft.key, draft.version));
            versions.push(VersionRef { key: draft.key, version: draft.version });
        }
        self.append_change(batch, who, ChangeKind::Discard { registry: registry.clone(), versions })
    }

    fn append_change(&self, mut batch: sled::Batch, who: &str, kind: ChangeKind) -> Result<Change> {
        let change = Change {
            seq: ChangeSeq(self.last_change()?.0 + 1),
            at: Utc::now(),
            who: who.to_owned(),
            import: None,
            kind,
        };
        batch.insert(keys::change(change.seq), Self::encode(&change));
        self.commit(batch)?;
        Ok(change)
    }

    /// The whole catalog, for `export --all`.
    pub fn dump(&self) -> Result<CatalogDump> {
        Ok(CatalogDump {
            registries: self.registries()?,
            versions: self.scan(keys::VERSIONS).collect::<Result<_>>()?,
            imports: self.scan(keys::IMPORTS).collect::<Result<_>>()?,
            changes: self.scan(keys::CHANGES).collect::<Result<_>>()?,
            code_systems: self.code_systems()?,
            code_system_versions: self.scan(keys::CODE_SYSTEM_VERSIONS).collect::<Result<_>>()?,
            shared_definitions: self.scan(keys::DEFINITIONS).collect::<Result<_>>()?,
            mappings: self.scan(keys::MAPPINGS).collect::<Result<_>>()?,
            value_sets: self.scan(keys::VALUE_SETS).collect::<Result<_>>()?,
            code_maps: self.scan(keys::CODE_MAPS).collect::<Result<_>>()?,
        })
    }

    /// True when the store holds no catalog data yet.
    pub fn is_empty(&self) -> bool {
        self.tree.len() <= 1
    }

    /// Restores a whole catalog into this empty store, change log included, in one atomic write.
    /// Projections see the restored log as if the changes had been made here.
    pub fn restore(&self, dump: &CatalogDump) -> Result<()> {
        let _guard = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !self.is_empty() {
            return Err(Error::RestoreIntoNonEmpty(self.path.clone()));
        }
        check_dump(dump)?;
        let mut batch = sled::Batch::default();
        for registry in &dump.registries {
            batch.insert(keys::registry(&registry.id), Self::encode(registry));
        }
        for version in &dump.versions {
            batch.insert(keys::version(&version.key, version.version), Self::encode(version));
        }
        for record in &dump.imports {
            batch.insert(keys::import(record.id), Self::encode(record));
        }
        for change in &dump.changes {
            batch.insert(keys::change(change.seq), Self::encode(change));
        }
        for system in &dump.code_systems {
            batch.insert(keys::code_system(&system.id), Self::encode(system));
        }
        let mut ordinals: std::collections::HashMap<&CodeSystemId, u32> =
            std::collections::HashMap::new();
        for version in &dump.code_system_versions {
            let ordinal = ordinals.entry(&version.system).or_default();
            batch.insert(
                keys::code_system_version(&version.system, *ordinal),
                Self::encode(version),
            );
            *ordinal += 1;
        }
        for definition in &dump.shared_definitions {
            batch.insert(
                keys::definition(&definition.id, definition.version),
                Self::encode(definition),
            );
        }
        let mut value_set_ordinals: std::collections::HashMap<&ValueSetId, u32> =
            std::collections::HashMap::new();
        for value_set in &dump.value_sets {
            let ordinal = value_set_ordinals.entry(&value_set.id).or_default();
            batch.insert(keys::value_set_version(&value_set.id, *ordinal), Self::encode(value_set));
            *ordinal += 1;
        }
        let mut code_map_ordinals: std::collections::HashMap<&CodeMapId, u32> =
            std::collections::HashMap::new();
        for code_map in &dump.code_maps {
            let ordinal = code_map_ordinals.entry(&code_map.id).or_default();
            batch.insert(keys::code_map_version(&code_map.id, *ordinal), Self::encode(code_map));
            *ordinal += 1;
        }
        for mapping in &dump.mappings {
            batch.insert(keys::mapping(&mapping.variable, mapping.version), Self::encode(mapping));
        }
        self.commit(batch)
    }
}

fn latest_as_of(history: &[VariableVersion], as_of: DateTime<Utc>) -> Option<&VariableVersion> {
    history
        .iter()
        .filter(|version| version.published_at.is_some_and(|at| at <= as_of))
        .max_by_key(|version| version.version)
}

/// Checks what a restore relies on: versions belong to known registries, and the change log
/// is numbered 1, 2, 3, ... without gaps.
fn check_dump(dump: &CatalogDump) -> Result<()> {
    let registries: BTreeSet<&RegistryId> =
        dump.registries.iter().map(|registry| &registry.id).collect();
    if let Some(orphan) =
        dump.versions.iter().find(|version| !registries.contains(version.key.registry()))
    {
        return Err(Error::BadDump(format!(
            "variable `{}` belongs to no listed registry",
            orphan.key
        )));
    }
    for (index, change) in dump.changes.iter().enumerate() {
        if change.seq.0 != index as u64 + 1 {
            return Err(Error::BadDump(format!("change {} is numbered {}", index + 1, change.seq)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
