//! Newtype keys for the catalog's nouns, so that a registry id is never confused with a name.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a string could not be used as a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// A registry id must be a non-empty slug.
    #[error(
        "registry id `{0}` is not a slug (letters, digits, `-` and `_`, at most 64 characters)"
    )]
    BadRegistryId(String),
    /// A variable key is `registry/name`.
    #[error("`{0}` is not a variable key; expected `REGISTRY/NAME`")]
    BadVariableKey(String),
    /// A variable name must contain something besides whitespace.
    #[error("variable name is empty")]
    EmptyName,
    /// Names may not contain control characters; they would corrupt keys and terminals.
    #[error("variable name `{0}` contains a control character")]
    ControlCharacter(String),
}

/// A registry's identifier: a short slug such as `noric` or `mfr`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegistryId(String);

impl RegistryId {
    /// Checks that `id` is a slug and wraps it.
    pub fn new(id: &str) -> Result<RegistryId, KeyError> {
        let ok = !id.is_empty()
            && id.len() <= 64
            && id.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if ok { Ok(RegistryId(id.to_owned())) } else { Err(KeyError::BadRegistryId(id.to_owned())) }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for RegistryId {
    type Error = KeyError;
    fn try_from(value: String) -> Result<RegistryId, KeyError> {
        RegistryId::new(&value)
    }
}

impl From<RegistryId> for String {
    fn from(value: RegistryId) -> String {
        value.0
    }
}

impl fmt::Display for RegistryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// A variable's identity across its versions: `registry/name`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VariableKey {
    registry: RegistryId,
    name: String,
}

impl VariableKey {
    /// Builds a key from a registry and a variable name as the registry spells it.
    pub fn new(registry: RegistryId, name: &str) -> Result<VariableKey, KeyError> {
        if name.trim().is_empty() {
            return Err(KeyError::EmptyName);
        }
        if name.chars().any(char::is_control) {
            return Err(KeyError::ControlCharacter(name.to_owned()));
        }
        Ok(VariableKey { registry, name: name.to_owned() })
    }

    /// The registry the variable belongs to.
    pub fn registry(&self) -> &RegistryId {
        &self.registry
    }

    /// The variable's name within its registry.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl FromStr for VariableKey {
    type Err = KeyError;
    fn from_str(s: &str) -> Result<VariableKey, KeyError> {
        let (registry, name) =
            s.split_once('/').ok_or_else(|| KeyError::BadVariableKey(s.to_owned()))?;
        let registry =
            RegistryId::new(registry).map_err(|_| KeyError::BadVariableKey(s.to_owned()))?;
        VariableKey::new(registry, name)
    }
}

impl TryFrom<String> for VariableKey {
    type Error = KeyError;
    fn try_from(value: String) -> Result<VariableKey, KeyError> {
        value.parse()
    }
}

impl From<VariableKey> for String {
    fn from(value: VariableKey) -> String {
        value.to_string()
    }
}

impl fmt::Display for VariableKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.name)
    }
}

/// A version number of a variable, shared definition or mapping; the first version is 1.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct VersionNo(pub u32);

impl VersionNo {
    /// The first version of anything.
    pub const FIRST: VersionNo = VersionNo(1);

    /// The version after this one.
    pub fn next(self) -> VersionNo {
        VersionNo(self.0 + 1)
    }
}

impl fmt::Display for VersionNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// The number of a change in the catalog's one ordered change log; projections remember the
/// last one they have applied.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct ChangeSeq(pub u64);

impl fmt::Display for ChangeSeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// Identifies one import: the number of the change that landed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ImportId(pub u64);

impl fmt::Display for ImportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A code system's identifier, such as `icd-10` or `volven-8116`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CodeSystemId(pub String);

impl fmt::Display for CodeSystemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// A value set's identifier: the last segment of its canonical URL, such as
/// `2.16.840.1.113883.2.4.3.11.60.40.2.4.2.8--20200901000000`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ValueSetId(pub String);

impl fmt::Display for ValueSetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// A code map's identifier: the last segment of its canonical URL, as for value sets.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CodeMapId(pub String);

impl fmt::Display for CodeMapId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// A shared (normed) definition's identifier, such as `smoking-status`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SharedDefinitionId(pub String);

impl fmt::Display for SharedDefinitionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(input: &str, expect: &str) {
        let got = match input.parse::<VariableKey>() {
            Ok(key) => format!("{} / {}", key.registry(), key.name()),
            Err(err) => err.to_string(),
        };
        assert_eq!(got, expect);
    }

    #[test]
    fn key_splits_at_first_slash() {
        check("noric/REGANGIO_SMOKING", "noric / REGANGIO_SMOKING");
    }
    #[test]
    fn name_may_contain_slash_and_at() {
        check("kpr/a/b@c", "kpr / a/b@c");
    }
    #[test]
    fn key_without_slash_is_refused() {
        check("noric", "`noric` is not a variable key; expected `REGISTRY/NAME`");
    }
    #[test]
    fn registry_must_be_slug() {
        check("no ric/x", "`no ric/x` is not a variable key; expected `REGISTRY/NAME`");
    }
    #[test]
    fn empty_name_is_refused() {
        check("noric/ ", "variable name is empty");
    }
}
