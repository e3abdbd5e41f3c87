//! The key layout of the one sled tree that holds the catalog. Every record kind has a
//! prefix, so that a prefix scan lists a registry's variables, a variable's versions in order,
//! or the change log from any point.

use crate::id::{
    ChangeSeq, CodeMapId, CodeSystemId, ImportId, RegistryId, SharedDefinitionId, ValueSetId,
    VariableKey, VersionNo,
};

/// The store's format version, written once when the store is created.
pub(crate) const FORMAT: &[u8] = b"meta/format";
/// Registries by id.
pub(crate) const REGISTRIES: &[u8] = b"reg/";
/// Variable versions: registry, NUL, name, NUL, big-endian version, so that versions sort
/// by number within a variable and variables by name within a registry.
pub(crate) const VERSIONS: &[u8] = b"ver/";
/// Changes by big-endian sequence number.
pub(crate) const CHANGES: &[u8] = b"chg/";
/// Import records by big-endian id.
pub(crate) const IMPORTS: &[u8] = b"imp/";
/// Code systems by id.
pub(crate) const CODE_SYSTEMS: &[u8] = b"csys/";
/// Code system versions: id, NUL, big-endian ordinal, in the order they were imported.
pub(crate) const CODE_SYSTEM_VERSIONS: &[u8] = b"csv/";

/// Value set versions: id, NUL, big-endian ordinal, in the order they were imported.
pub(crate) const VALUE_SETS: &[u8] = b"vset/";
/// Code map versions: id, NUL, big-endian ordinal, in the order they were imported.
pub(crate) const CODE_MAPS: &[u8] = b"cmap/";
/// Shared definition versions: id, NUL, big-endian version.
pub(crate) const DEFINITIONS: &[u8] = b"def/";
/// Mapping versions (review decisions): registry, NUL, name, NUL, big-endian version.
pub(crate) const MAPPINGS: &[u8] = b"map/";

pub(crate) fn registry(id: &RegistryId) -> Vec<u8> {
    [REGISTRIES, id.as_str().as_bytes()].concat()
}

pub(crate) fn registry_versions(id: &RegistryId) -> Vec<u8> {
    [VERSIONS, id.as_str().as_bytes(), b"\0"].concat()
}

pub(crate) fn variable_versions(key: &VariableKey) -> Vec<u8> {
    [registry_versions(key.registry()).as_slice(), key.name().as_bytes(), b"\0"].concat()
}

pub(crate) fn version(key: &VariableKey, version: VersionNo) -> Vec<u8> {
    [variable_versions(key).as_slice(), &version.0.to_be_bytes()].concat()
}

pub(crate) fn change(seq: ChangeSeq) -> Vec<u8> {
    [CHANGES, &seq.0.to_be_bytes()].concat()
}

/// The number a change's key holds; `None` for a key `change` did not make.
pub(crate) fn change_seq(key: &[u8]) -> Option<ChangeSeq> {
    let number: [u8; 8] = key.strip_prefix(CHANGES)?.try_into().ok()?;
    Some(ChangeSeq(u64::from_be_bytes(number)))
}

pub(crate) fn code_system(id: &CodeSystemId) -> Vec<u8> {
    [CODE_SYSTEMS, id.0.as_bytes()].concat()
}

pub(crate) fn code_system_versions(id: &CodeSystemId) -> Vec<u8> {
    [CODE_SYSTEM_VERSIONS, id.0.as_bytes(), b"\0"].concat()
}

pub(crate) fn code_system_version(id: &CodeSystemId, ordinal: u32) -> Vec<u8> {
    [code_system_versions(id).as_slice(), &ordinal.to_be_bytes()].concat()
}

pub(crate) fn import(id: ImportId) -> Vec<u8> {
    [IMPORTS, &id.0.to_be_bytes()].concat()
}

pub(crate) fn definition_versions(id: &SharedDefinitionId) -> Vec<u8> {
    [DEFINITIONS, id.0.as_bytes(), b"\0"].concat()
}

pub(crate) fn definition(id: &SharedDefinitionId, version: VersionNo) -> Vec<u8> {
    [definition_versions(id).as_slice(), &version.0.to_be_bytes()].concat()
}

pub(crate) fn mapping_versions(key: &VariableKey) -> Vec<u8> {
    [MAPPINGS, key.registry().as_str().as_bytes(), b"\0", key.name().as_bytes(), b"\0"].concat()
}

pub(crate) fn mapping(key: &VariableKey, version: VersionNo) -> Vec<u8> {
    [mapping_versions(key).as_slice(), &version.0.to_be_bytes()].concat()
}

/// The variable's part of a mapping version's key: the key without its version number.
pub(crate) fn mapping_variable(key: &[u8]) -> &[u8] {
    &key[..key.len().saturating_sub(size_of::<u32>())]
}

pub(crate) fn value_set_versions(id: &ValueSetId) -> Vec<u8> {
    [VALUE_SETS, id.0.as_bytes(), b"\0"].concat()
}

pub(crate) fn value_set_version(id: &ValueSetId, ordinal: u32) -> Vec<u8> {
    [value_set_versions(id).as_slice(), &ordinal.to_be_bytes()].concat()
}

pub(crate) fn code_map_versions(id: &CodeMapId) -> Vec<u8> {
    [CODE_MAPS, id.0.as_bytes(), b"\0"].concat()
}

pub(crate) fn code_map_version(id: &CodeMapId, ordinal: u32) -> Vec<u8> {
    [code_map_versions(id).as_slice(), &ordinal.to_be_bytes()].concat()
}
