//! Deciding what an import does to a registry's history: which variables are new, which
//! changed, which are retired by a `--full` import, and which are left alone.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::id::{RegistryId, VariableKey, VersionNo};
use crate::model::{Registry, Status, VariableDefinition, VariableVersion};

/// One variable as a codebook file describes it, before it becomes a version.
#[derive(Debug, Clone, PartialEq)]
pub struct IncomingVariable {
    /// Which variable.
    pub key: VariableKey,
    /// What the file says it means.
    pub definition: VariableDefinition,
    /// The file it came from.
    pub source: SourceFile,
}

/// A file an import read, and its format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SourceFile {
    /// The path as given.
    pub path: String,
    /// The format it was read as, such as `klokebok`.
    pub format: String,
}

/// A version an import will write.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedVersion {
    /// The variable.
    pub key: VariableKey,
    /// The number the new version gets.
    pub version: VersionNo,
    /// The status it is written with.
    pub status: Status,
    /// The version it follows, if any.
    pub previous: Option<VersionNo>,
    /// True when it replaces an earlier draft of the same number.
    pub replaces_draft: bool,
    /// Its definition.
    #[serde(skip)]
    pub definition: VariableDefinition,
    /// Where it came from (for a retirement: the file whose absence retired it).
    #[serde(skip)]
    pub source: SourceFile,
}

/// What an import would do; a dry run prints it, a real run writes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportPlan {
    /// Registries the import creates.
    pub new_registries: Vec<Registry>,
    /// Registries whose name, kind, owner or description the import changes.
    pub updated_registries: Vec<Registry>,
    /// First versions of new variables.
    pub new: Vec<PlannedVersion>,
    /// New versions of changed variables.
    pub changed: Vec<PlannedVersion>,
    /// Versions that retire variables absent from a `--full` import.
    pub retired: Vec<PlannedVersion>,
    /// Variables whose definition is the same as their latest version's.
    pub unchanged: usize,
    /// Code system versions new to the catalog, each with how it differs from the one before.
    pub code_systems: Vec<PlannedCodeSystem>,
    /// Code system versions the catalog already has, unchanged.
    pub unchanged_code_systems: usize,
    /// Code map versions new to the catalog.
    pub code_maps: Vec<crate::model::CodeMap>,
    /// Code map versions the catalog already has, unchanged.
    pub unchanged_code_maps: usize,
    /// Value set versions new to the catalog.
    pub value_sets: Vec<crate::model::ValueSet>,
    /// Value set versions the catalog already has, unchanged.
    pub unchanged_value_sets: usize,
    /// New versions of shared definitions, numbered.
    pub definitions: Vec<crate::model::SharedDefinition>,
    /// Shared definitions the catalog already has, unchanged.
    pub unchanged_definitions: usize,
}

/// A code system version an import will write.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedCodeSystem {
    /// The code system and version.
    pub reference: crate::code_systems::CodeSystemRef,
    /// How it differs from the previous version.
    pub diff: crate::code_systems::CodeSystemDiff,
    /// Variables bound to the code system, to review when codes were removed or changed.
    pub to_review: Vec<VariableKey>,
    /// The code system's description and the version to write.
    #[serde(skip)]
    pub records: (crate::model::CodeSystem, crate::model::CodeSystemVersion),
}

impl ImportPlan {
    /// True when the import would write nothing.
    pub fn is_empty(&self) -> bool {
        self.new_registries.is_empty()
            && self.updated_registries.is_empty()
            && self.new.is_empty()
            && self.changed.is_empty()
            && self.retired.is_empty()
            && self.code_systems.is_empty()
            && self.definitions.is_empty()
            && self.value_sets.is_empty()
            && self.code_maps.is_empty()
    }
}

/// Plans an import against `current`, the latest version (drafts included) of every variable
/// in the registries concerned.
///
/// With `full`, each registry in `full_registries` is taken to be described completely by
/// the file, so its live variables that the file lacks are retired. With `draft`, new versions
/// are drafts, and a variable that already has a draft gets that draft replaced rather than a
/// second draft stacked on it.
pub fn plan_import(
    current: &BTreeMap<VariableKey, VariableVersion>,
    incoming: Vec<IncomingVariable>,
    full_registries: &BTreeSet<RegistryId>,
    draft: bool,
) -> ImportPlan {
    let mut plan = ImportPlan::default();
    let status = if draft { Status::Draft } else { Status::Published };
    let next_version = |latest: &VariableVersion| {
        if draft && latest.is_draft() { latest.version } else { latest.version.next() }
    };
    let retiring_source = incoming.first().map(|variable| variable.source.clone());
    let mut seen = BTreeSet::new();
    // A file may hold several versions of one variable, oldest first (DDI's verStmt): each
    // after the first follows the one planned before it.
    let mut planned: HashMap<VariableKey, (VersionNo, VariableDefinition)> = HashMap::new();
    for variable in incoming {
        seen.insert(variable.key.clone());
        if let Some((previous, definition)) = planned.get(&variable.key) {
            if *definition == variable.definition {
                continue;
            }
            let previous = *previous;
            let version = previous.next();
            planned.insert(variable.key.clone(), (version, variable.definition.clone()));
            plan.changed.push(PlannedVersion {
                previous: Some(previous),
                key: variable.key,
                version,
                status,
                replaces_draft: false,
                definition: variable.definition,
                source: variable.source,
            });
            continue;
        }
        let Some(latest) = current.get(&variable.key) else {
            planned.insert(variable.key.clone(), (VersionNo::FIRST, variable.definition.clone()));
            plan.new.push(PlannedVersion {
                key: variable.key,
                version: VersionNo::FIRST,
                status,
                previous: None,
                replaces_draft: false,
                definition: variable.definition,
                source: variable.source,
            });
            continue;
        };
        if latest.status != Status::Retired && latest.definition == variable.definition {
            planned.insert(variable.key.clone(), (latest.version, variable.definition.clone()));
            plan.unchanged += 1;
            continue;
        }
        let version = next_version(latest);
        planned.insert(variable.key.clone(), (version, variable.definition.clone()));
        plan.changed.push(PlannedVersion {
            key: variable.key,
            version,
            status,
            previous: Some(latest.version).filter(|previous| *previous != version),
            replaces_draft: version == latest.version,
            definition: variable.definition,
            source: variable.source,
        });
    }
    for (key, latest) in current {
        let absent = !seen.contains(key) && full_registries.contains(key.registry());
        if !absent || latest.status == Status::Retired {
            continue;
        }
        let version = next_version(latest);
        plan.retired.push(PlannedVersion {
            key: key.clone(),
            version,
            status: Status::Retired,
            previous: Some(latest.version).filter(|previous| *previous != version),
            replaces_draft: version == latest.version,
            definition: latest.definition.clone(),
            source: retiring_source.clone().unwrap_or_else(|| latest.provenance_source()),
        });
    }
    plan
}

impl VariableVersion {
    fn provenance_source(&self) -> SourceFile {
        SourceFile {
            path: self.provenance.source_file.clone(),
            format: self.provenance.format.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::id::ImportId;
    use crate::model::{DataType, LocalizedText, Provenance};

    fn key(name: &str) -> VariableKey {
        VariableKey::new(RegistryId::new("hunt").unwrap(), name).unwrap()
    }

    fn definition(label: &str) -> VariableDefinition {
        VariableDefinition {
            label: LocalizedText::nb(label),
            ..VariableDefinition::of_type(DataType::Text)
        }
    }

    fn source() -> SourceFile {
        SourceFile { path: "hunt.csv".into(), format: "opal".into() }
    }

    fn stored(
        name: &str,
        version: u32,
        label: &str,
        draft: bool,
    ) -> (VariableKey, VariableVersion) {
        let version = VariableVersion {
            key: key(name),
            version: VersionNo(version),
            status: if draft { Status::Draft } else { Status::Published },
            published_at: if draft { None } else { Some(Utc::now()) },
            definition: definition(label),
            provenance: Provenance {
                source_file: "old.csv".into(),
                format: "opal".into(),
                import: ImportId(1),
                recorded_by: "test".into(),
                recorded_at: Utc::now(),
            },
        };
        (key(name), version)
    }

    fn incoming(name: &str, label: &str) -> IncomingVariable {
        IncomingVariable { key: key(name), definition: definition(label), source: source() }
    }

    #[track_caller]
    fn check(
        current: &[(VariableKey, VariableVersion)],
        incoming: &[IncomingVariable],
        full: bool,
        draft: bool,
        expect: &str,
    ) {
        let current: BTreeMap<_, _> = current.iter().cloned().collect();
        let full_registries =
            if full { BTreeSet::from([RegistryId::new("hunt").unwrap()]) } else { BTreeSet::new() };
        let plan = plan_import(&current, incoming.to_vec(), &full_registries, draft);
        let render = |versions: &[PlannedVersion]| {
            versions
                .iter()
                .map(|v| {
                    format!(
                        "{}@{}{}",
                        v.key,
                        v.version,
                        if v.replaces_draft { "(replaces draft)" } else { "" }
                    )
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let got = format!(
            "new: {}; changed: {}; retired: {}; unchanged: {}",
            render(&plan.new),
            render(&plan.changed),
            render(&plan.retired),
            plan.unchanged
        );
        assert_eq!(got, expect);
    }

    #[test]
    fn unchanged_variable_gets_no_version() {
        check(
            &[stored("ROYK", 1, "Røyker du?", false)],
            &[incoming("ROYK", "Røyker du?")],
            false,
            false,
            "new: ; changed: ; retired: ; unchanged: 1",
        );
    }
    #[test]
    fn changed_variable_gets_next_version() {
        check(
            &[stored("ROYK", 1, "Røyker du?", false)],
            &[incoming("ROYK", "Røyker du daglig?")],
            false,
            false,
            "new: ; changed: hunt/ROYK@2; retired: ; unchanged: 0",
        );
    }
    #[test]
    fn absence_means_nothing_without_full() {
        check(
            &[stored("ROYK", 1, "Røyker du?", false)],
            &[incoming("SNUS", "Snuser du?")],
            false,
            false,
            "new: hunt/SNUS@1; changed: ; retired: ; unchanged: 0",
        );
    }
    #[test]
    fn full_import_retires_absent_variables() {
        check(
            &[stored("ROYK", 1, "Røyker du?", false)],
            &[incoming("SNUS", "Snuser du?")],
            true,
            false,
            "new: hunt/SNUS@1; changed: ; retired: hunt/ROYK@2; unchanged: 0",
        );
    }
    #[test]
    fn versions_in_one_file_follow_each_other() {
        check(
            &[],
            &[incoming("SIVST", "Sivilstand"), incoming("SIVST", "Sivilstand/samlivsform")],
            false,
            false,
            "new: hunt/SIVST@1; changed: hunt/SIVST@2; retired: ; unchanged: 0",
        );
    }
    #[test]
    fn draft_import_replaces_existing_draft() {
        check(
            &[stored("ROYK", 2, "Røyker du?", true)],
            &[incoming("ROYK", "Røyker du nå?")],
            false,
            true,
            "new: ; changed: hunt/ROYK@2(replaces draft); retired: ; unchanged: 0",
        );
    }
}
