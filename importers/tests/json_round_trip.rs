//! A catalog written as varkat JSON reads back as the same catalog, whatever it holds: the
//! promise behind `varkat export` as backup and migration path.

use catalog::{
    Category, CodeSystemBinding, CodeSystemId, DataType, ImportId, LocalizedText, NumericRange,
    Period, Provenance, Registry, RegistryId, RegistryKind, Status, ValueDomain,
    VariableDefinition, VariableKey, VariableVersion, VersionNo,
};
use chrono::NaiveDate;
use proptest::prelude::*;

/// Any text a codebook may hold: letters of any script, punctuation, quotes, spaces, newlines.
fn text() -> impl Strategy<Value = String> {
    "[^\\x00-\\x08\\x0b-\\x1f]{1,40}"
}

fn localized() -> impl Strategy<Value = LocalizedText> {
    (proptest::option::of(text()), proptest::option::of(text()))
        .prop_map(|(nb, en)| LocalizedText { nb, en })
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (-200_000i32..200_000).prop_map(|days| {
        NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Duration::days(i64::from(days))
    })
}

fn period() -> impl Strategy<Value = Period> {
    (proptest::option::of(date()), proptest::option::of(date()))
        .prop_map(|(from, to)| Period { from, to })
}

fn finite() -> impl Strategy<Value = f64> {
    proptest::num::f64::NORMAL | proptest::num::f64::ZERO | proptest::num::f64::SUBNORMAL
}

fn value_domain() -> impl Strategy<Value = ValueDomain> {
    let categories = proptest::collection::vec((localized(), any::<bool>(), period()), 0..6)
        .prop_map(|options| {
            options
                .into_iter()
                .enumerate()
                .map(|(i, (label, missing, period))| Category {
                    code: format!("{}", i as i64 - 1),
                    label,
                    missing,
                    order: u32::try_from(i).unwrap(),
                    period,
                })
                .collect()
        });
    let binding = proptest::option::of(("[a-z0-9.-]{1,12}", proptest::option::of("[0-9]{4}")))
        .prop_map(|binding| {
            binding.map(|(system, version)| CodeSystemBinding {
                system: CodeSystemId(system),
                version,
            })
        });
    let range =
        proptest::option::of((proptest::option::of(finite()), proptest::option::of(finite())))
            .prop_map(|range| range.map(|(min, max)| NumericRange { min, max }));
    (categories, binding, range).prop_map(|(categories, code_system, range)| ValueDomain {
        categories,
        code_system,
        range,
    })
}

fn definition() -> impl Strategy<Value = VariableDefinition> {
    (
        (localized(), localized(), localized()),
        proptest::sample::select(DataType::ALL.to_vec()),
        proptest::option::of(text()),
        value_domain(),
        period(),
        proptest::option::of(text()),
    )
        .prop_map(
            |((label, description, question), data_type, unit, value_domain, period, section)| {
                VariableDefinition {
                    label,
                    description,
                    question,
                    data_type,
                    unit,
                    value_domain,
                    period,
                    section,
                }
            },
        )
}

fn registry() -> impl Strategy<Value = Registry> {
    (
        "[a-z][a-z0-9_-]{0,11}",
        text(),
        proptest::sample::select(RegistryKind::ALL.to_vec()),
        proptest::option::of(text()),
        proptest::option::of(text()),
    )
        .prop_map(|(id, name, kind, owner, description)| Registry {
            id: RegistryId::new(&id).unwrap(),
            name,
            kind,
            owner,
            description,
        })
}

/// A version as the store would hand it to `varkat export`.
fn published(key: VariableKey, definition: VariableDefinition) -> VariableVersion {
    VariableVersion {
        key,
        version: VersionNo(1),
        status: Status::Published,
        published_at: Some(chrono::Utc::now()),
        definition,
        provenance: Provenance {
            source_file: "codebook.csv".into(),
            format: "opal".into(),
            import: ImportId(1),
            recorded_by: "steward".into(),
            recorded_at: chrono::Utc::now(),
        },
    }
}

proptest! {
    #[test]
    fn a_written_codebook_reads_back_unchanged(
        registry in registry(),
        variables in proptest::collection::btree_map("[A-Za-z][A-Za-z0-9_]{0,15}", definition(), 0..8),
    ) {
        let keys: Vec<VariableKey> = variables
            .keys()
            .map(|name| VariableKey::new(registry.id.clone(), name).unwrap())
            .collect();
        let versions: Vec<VariableVersion> = keys
            .iter()
            .zip(variables.values())
            .map(|(key, definition)| published(key.clone(), definition.clone()))
            .collect();
        let mut json = Vec::new();
        importers::varkat_json::write_codebook(std::slice::from_ref(&registry), &versions, &mut json)
            .unwrap();
        let json = String::from_utf8(json).unwrap();
        let batch = importers::varkat_json::read(&json, "export.json")
            .map_err(|errors| TestCaseError::fail(format!("{errors}\n{json}")))?;
        prop_assert_eq!(&batch.registries, &vec![registry]);
        let read: Vec<(VariableKey, VariableDefinition)> =
            batch.variables.into_iter().map(|variable| (variable.key, variable.definition)).collect();
        let written: Vec<(VariableKey, VariableDefinition)> =
            keys.into_iter().zip(variables.into_values()).collect();
        prop_assert_eq!(read, written);
    }
}
