//! Registries: the owners of variables.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::id::RegistryId;

/// What sort of registry this is; the explorer filters on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegistryKind {
    /// A statutory central health registry (MFR, NPR, the Cancer Registry, ...).
    Central,
    /// A national medical quality registry.
    Quality,
    /// A population survey or cohort (HUNT, Tromsø, MoBa, ...).
    Survey,
    /// Anything else.
    Other,
}

impl RegistryKind {
    /// Every kind, in display order.
    pub const ALL: [RegistryKind; 4] =
        [RegistryKind::Central, RegistryKind::Quality, RegistryKind::Survey, RegistryKind::Other];

    /// The kind's lowercase name, as written in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            RegistryKind::Central => "central",
            RegistryKind::Quality => "quality",
            RegistryKind::Survey => "survey",
            RegistryKind::Other => "other",
        }
    }
}

impl fmt::Display for RegistryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for RegistryKind {
    type Err = String;
    fn from_str(s: &str) -> Result<RegistryKind, String> {
        RegistryKind::ALL
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("`{s}` is not a registry kind; expected central, quality, survey or other")
            })
    }
}

/// A registry: who keeps a set of variables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registry {
    /// The registry's slug, the first half of every variable key.
    pub id: RegistryId,
    /// Its full name.
    pub name: String,
    /// Central, quality, survey or other.
    pub kind: RegistryKind,
    /// The organisation that owns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// What it records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Registry {
    /// A registry known only by its id, created when a codebook names a registry the catalog
    /// has not seen; its steward can describe it later.
    pub fn unnamed(id: RegistryId) -> Registry {
        Registry {
            name: id.to_string(),
            id,
            kind: RegistryKind::Other,
            owner: None,
            description: None,
        }
    }
}
