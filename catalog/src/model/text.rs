//! Text given in Norwegian bokmål and English, either of which may be missing.

use serde::{Deserialize, Serialize};

/// A label, description or question in bokmål (`nb`) and English (`en`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LocalizedText {
    /// The Norwegian text (bokmål; nynorsk is kept here too, since the model has one
    /// Norwegian slot).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nb: Option<String>,
    /// The English text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl LocalizedText {
    /// Norwegian text only.
    pub fn nb(text: &str) -> LocalizedText {
        LocalizedText { nb: Some(text.to_owned()), en: None }
    }

    /// True when neither language has text.
    pub fn is_empty(&self) -> bool {
        self.nb.is_none() && self.en.is_none()
    }

    /// The Norwegian text if there is one, else the English.
    pub fn best(&self) -> Option<&str> {
        self.nb.as_deref().or(self.en.as_deref())
    }

    /// The text in `lang` (`nb` or `en`), falling back to the other language.
    pub fn in_language(&self, lang: &str) -> Option<&str> {
        match lang {
            "en" => self.en.as_deref().or(self.nb.as_deref()),
            _ => self.best(),
        }
    }
}
