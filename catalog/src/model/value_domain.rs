//! What values a variable may take: inline categories, a code system, a numeric range.

use serde::{Deserialize, Serialize};

use crate::id::CodeSystemId;
use crate::model::{LocalizedText, Period};

/// The values a variable may take. Any of the parts may be present: a numeric variable often
/// has a range and a few missing-value categories such as `99 = Ukjent`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ValueDomain {
    /// Inline answer options, in the registry's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<Category>,
    /// A binding to a code system (and, when known, its version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_system: Option<CodeSystemBinding>,
    /// The allowed numeric range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<NumericRange>,
}

impl ValueDomain {
    /// True when nothing constrains the values.
    pub fn is_empty(&self) -> bool {
        self.categories.is_empty() && self.code_system.is_none() && self.range.is_none()
    }
}

/// One answer option: a code with its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// The value stored in the data, such as `1` or `M25.51`.
    pub code: String,
    /// What the code means.
    #[serde(default, skip_serializing_if = "LocalizedText::is_empty")]
    pub label: LocalizedText,
    /// True for codes that mean the answer is missing or unknown.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub missing: bool,
    /// The option's position in the registry's list, from 0.
    pub order: u32,
    /// When the option itself was offered, where the codebook says so.
    #[serde(default, skip_serializing_if = "Period::is_open")]
    pub period: Period,
}

/// A reference to a code system, optionally to one version of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSystemBinding {
    /// Which code system.
    pub system: CodeSystemId,
    /// Which version, if the codebook says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl CodeSystemBinding {
    /// A binding as codebooks write it in one field: `icd-10@2024`, or `icd-10` for no version
    /// (the form of `varkat codes where-used` and `--system`).
    pub fn parse(text: &str) -> CodeSystemBinding {
        let text = text.trim();
        match text.split_once('@') {
            Some((system, version)) if !version.trim().is_empty() => CodeSystemBinding {
                system: CodeSystemId(system.trim().to_owned()),
                version: Some(version.trim().to_owned()),
            },
            _ => CodeSystemBinding {
                system: CodeSystemId(text.trim_end_matches('@').trim().to_owned()),
                version: None,
            },
        }
    }
}

impl std::fmt::Display for CodeSystemBinding {
    /// The form [`CodeSystemBinding::parse`] reads.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.version {
            Some(version) => write!(f, "{}@{version}", self.system.0),
            None => f.write_str(&self.system.0),
        }
    }
}

/// Bounds on a numeric value; either end may be open.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct NumericRange {
    /// The smallest allowed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// The largest allowed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_binding_reads_as_it_is_written() {
        for (text, system, version) in [
            ("icd-10@2024", "icd-10", Some("2024")),
            (" icd-10 @ 2024 ", "icd-10", Some("2024")),
            ("icd-10", "icd-10", None),
            ("icd-10@", "icd-10", None),
            ("http://snomed.info/sct@20250101", "http://snomed.info/sct", Some("20250101")),
        ] {
            let binding = CodeSystemBinding::parse(text);
            assert_eq!(binding.system.0, system, "{text}");
            assert_eq!(binding.version.as_deref(), version, "{text}");
            assert_eq!(CodeSystemBinding::parse(&binding.to_string()), binding, "{text}");
        }
    }
}
