//! Variables and their immutable versions.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::id::{ImportId, VariableKey, VersionNo};
use crate::model::{LocalizedText, ValueDomain};

/// The kind of value a variable holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DataType {
    /// Whole numbers.
    Integer,
    /// Numbers with a fractional part.
    Decimal,
    /// Free text.
    Text,
    /// A calendar date.
    Date,
    /// A date with a time of day.
    Datetime,
    /// Yes or no (a tick box).
    Boolean,
    /// One of a list of coded answer options.
    Categorical,
}

impl DataType {
    /// Every data type, in display order.
    pub const ALL: [DataType; 7] = [
        DataType::Integer,
        DataType::Decimal,
        DataType::Text,
        DataType::Date,
        DataType::Datetime,
        DataType::Boolean,
        DataType::Categorical,
    ];

    /// The type's lowercase name, as written in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            DataType::Integer => "integer",
            DataType::Decimal => "decimal",
            DataType::Text => "text",
            DataType::Date => "date",
            DataType::Datetime => "datetime",
            DataType::Boolean => "boolean",
            DataType::Categorical => "categorical",
        }
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for DataType {
    type Err = String;
    fn from_str(s: &str) -> Result<DataType, String> {
        DataType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("`{s}` is not a data type; expected integer, decimal, text, date, datetime, boolean or categorical")
            })
    }
}

/// Where a version stands in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Imported with `--draft` and not yet published: stewards see it, researchers do not.
    Draft,
    /// The registry's current or past definition.
    Published,
    /// The variable is no longer in the registry's codebook.
    Retired,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Retired => "retired",
        })
    }
}

/// The period in which a variable (or an answer option) was collected; either end may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Period {
    /// The first day of collection.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "date::deserialize"
    )]
    pub from: Option<NaiveDate>,
    /// The last day of collection; open while it is still collected.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "date::deserialize"
    )]
    pub to: Option<NaiveDate>,
}

/// Reads dates with a message that names the bad value, where chrono's own says only
/// "input is out of range".
mod date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, de::Error};

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<NaiveDate>, D::Error> {
        let Some(text) = Option::<String>::deserialize(deserializer)? else { return Ok(None) };
        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| D::Error::custom(format!("`{text}` is not a date; expected YYYY-MM-DD")))
    }
}

impl Period {
    /// True when neither end is known.
    pub fn is_open(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.from, self.to) {
            (None, None) => f.write_str("unknown"),
            (Some(from), None) => write!(f, "{from} –"),
            (None, Some(to)) => write!(f, "– {to}"),
            (Some(from), Some(to)) => write!(f, "{from} – {to}"),
        }
    }
}

/// What a variable means: the content that versions compare. Two imports that give the same
/// definition create no new version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariableDefinition {
    /// The short label.
    #[serde(default, skip_serializing_if = "LocalizedText::is_empty")]
    pub label: LocalizedText,
    /// A longer description or help text.
    #[serde(default, skip_serializing_if = "LocalizedText::is_empty")]
    pub description: LocalizedText,
    /// The question as put to the patient or the registrar.
    #[serde(default, skip_serializing_if = "LocalizedText::is_empty")]
    pub question: LocalizedText,
    /// The kind of value.
    pub data_type: DataType,
    /// The unit of measurement, such as `kg`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The values it may take.
    #[serde(default, skip_serializing_if = "ValueDomain::is_empty")]
    pub value_domain: ValueDomain,
    /// When it was collected.
    #[serde(default, skip_serializing_if = "Period::is_open")]
    pub period: Period,
    /// The form or section it is asked on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
}

impl VariableDefinition {
    /// A definition with only a type; importers fill in the rest.
    pub fn of_type(data_type: DataType) -> VariableDefinition {
        VariableDefinition {
            label: LocalizedText::default(),
            description: LocalizedText::default(),
            question: LocalizedText::default(),
            data_type,
            unit: None,
            value_domain: ValueDomain::default(),
            period: Period::default(),
            section: None,
        }
    }
}

/// Where a version came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The file it was read from, as given on the command line.
    pub source_file: String,
    /// The format of that file, such as `klokebok` or `opal`.
    pub format: String,
    /// The import that recorded it.
    pub import: ImportId,
    /// Who ran the import.
    pub recorded_by: String,
    /// When the import was committed.
    pub recorded_at: DateTime<Utc>,
}

/// One immutable version of a variable. A published version never changes; a draft may be
/// replaced by a later draft import, published, or discarded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariableVersion {
    /// Which variable.
    pub key: VariableKey,
    /// Its number, from 1.
    pub version: VersionNo,
    /// Draft, published or retired.
    pub status: Status,
    /// When it became visible to researchers; `None` while it is a draft. Reads "as of" a
    /// moment go by this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<DateTime<Utc>>,
    /// What the variable means in this version.
    pub definition: VariableDefinition,
    /// Where this version came from.
    pub provenance: Provenance,
}

impl VariableVersion {
    /// True while the version waits to be published or discarded. A draft that retires a
    /// variable has status `Retired` but is still a draft.
    pub fn is_draft(&self) -> bool {
        self.published_at.is_none()
    }

    /// The status a reader should see: `draft` for any unpublished version.
    pub fn visible_status(&self) -> Status {
        if self.is_draft() && self.status != Status::Retired { Status::Draft } else { self.status }
    }
}
