//! Who may change what. Reading published metadata needs no token; every write needs a bearer
//! token, created with `varkat token create` and kept only as its SHA-256 hash in
//! `tokens.json` beside the store. A token carries a role (and, for stewards, registries).

use std::path::{Path, PathBuf};

use catalog::RegistryId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What a token's holder may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Imports codebooks, publishes and discards drafts, for the registries on the token.
    Steward,
    /// Records harmonization proposals and review decisions, imports shared definitions.
    Standards,
    /// Creates tokens, and may do everything the other roles may.
    Admin,
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Role, String> {
        match s {
            "steward" => Ok(Role::Steward),
            "standards" => Ok(Role::Standards),
            "admin" => Ok(Role::Admin),
            other => Err(format!("`{other}` is not a role; expected steward, standards or admin")),
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Role::Steward => "steward",
            Role::Standards => "standards",
            Role::Admin => "admin",
        })
    }
}

/// A token as kept on disk: everything but the secret, whose hash stands in for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    /// A short public id, to name the token when revoking it.
    pub id: String,
    /// Who holds it, as recorded in the change log for every write made with it.
    pub holder: String,
    /// What it allows.
    pub role: Role,
    /// For a steward: the registries it may change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub registries: Vec<RegistryId>,
    /// Hex SHA-256 of the secret.
    pub sha256: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// The caller a request's token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Who, as recorded in the change log.
    pub holder: String,
    /// What they may do.
    pub role: Role,
    /// For a steward, which registries.
    pub registries: Vec<RegistryId>,
}

impl Caller {
    /// Whether the caller may import into, publish or discard drafts of `registry`, and see
    /// its drafts.
    pub fn may_edit(&self, registry: &RegistryId) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Steward => self.registries.contains(registry),
            Role::Standards => false,
        }
    }

    /// Whether the caller may record harmonization proposals, decisions and shared definitions.
    pub fn may_review(&self) -> bool {
        matches!(self.role, Role::Standards | Role::Admin)
    }
}

/// Why the token file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Reading or writing `tokens.json` failed.
    #[error("failed to access the token file `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The file is not a token list.
    #[error("the token file `{path}` is damaged: {source}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What the JSON parser said.
        source: serde_json::Error,
    },
    /// The system's random source failed.
    #[error("no random bytes for a new token: {0}")]
    Random(String),
    /// A steward token must name its registries.
    #[error("a steward token needs at least one --registry")]
    StewardWithoutRegistry,
    /// No token has this id.
    #[error("no token has id `{0}`")]
    UnknownId(String),
}

/// The tokens of one data directory.
#[derive(Debug, Clone)]
pub struct TokenFile {
    path: PathBuf,
}

/// The secret of a new token, shown once.
#[derive(Debug)]
pub struct NewToken {
    /// What is kept.
    pub record: TokenRecord,
    /// The bearer token to hand to its holder; varkat cannot show it again.
    pub secret: String,
}

impl TokenFile {
    /// The token file of a data directory.
    pub fn in_data_dir(data_dir: &Path) -> TokenFile {
        TokenFile { path: data_dir.join("tokens.json") }
    }

    /// Every token, secrets hashed.
    pub fn list(&self) -> Result<Vec<TokenRecord>, TokenError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|source| TokenError::Corrupt { path: self.path.clone(), source }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(source) => Err(TokenError::Io { path: self.path.clone(), source }),
        }
    }

    /// Makes a token and keeps its hash.
    pub fn create(
        &self,
        holder: &str,
        role: Role,
        registries: Vec<RegistryId>,
    ) -> Result<NewToken, TokenError> {
        if role == Role::Steward && registries.is_empty() {
            return Err(TokenError::StewardWithoutRegistry);
        }
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|err| TokenError::Random(err.to_string()))?;
        let secret = format!("vk_{}", hex(&bytes));
        let record = TokenRecord {
            id: secret[3..11].to_owned(),
            holder: holder.to_owned(),
            role,
            registries,
            sha256: hash(&secret),
            created_at: Utc::now(),
        };
        let mut tokens = self.list()?;
        tokens.push(record.clone());
        self.write(&tokens)?;
        Ok(NewToken { record, secret })
    }

    /// Removes a token by its id.
    pub fn revoke(&self, id: &str) -> Result<TokenRecord, TokenError> {
        let mut tokens = self.list()?;
        let index = tokens
            .iter()
            .position(|token| token.id == id)
            .ok_or_else(|| TokenError::UnknownId(id.to_owned()))?;
        let removed = tokens.remove(index);
        self.write(&tokens)?;
        Ok(removed)
    }

    /// The caller a bearer secret belongs to, if any. The file is read on every call, so a
    /// token made or revoked by `varkat token` while the server runs counts at once.
    pub fn caller(&self, secret: &str) -> Result<Option<Caller>, TokenError> {
        let wanted = hash(secret);
        Ok(self.list()?.into_iter().find(|token| token.sha256 == wanted).map(|token| Caller {
            holder: token.holder,
            role: token.role,
            registries: token.registries,
        }))
    }

    /// Writes the list to a temporary file and renames it over the old one, so that a crash
    /// leaves one whole list or the other.
    fn write(&self, tokens: &[TokenRecord]) -> Result<(), TokenError> {
        let io = |source| TokenError::Io { path: self.path.clone(), source };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let temporary = self.path.with_extension("json.tmp");
        let text = serde_json::to_vec_pretty(tokens).expect("token records serialize");
        std::fs::write(&temporary, text).map_err(io)?;
        std::fs::rename(&temporary, &self.path).map_err(io)
    }
}

fn hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_found_by_its_secret_and_only_its_hash_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let tokens = TokenFile::in_data_dir(dir.path());
        let hunt = RegistryId::new("hunt").unwrap();
        let new = tokens.create("kari", Role::Steward, vec![hunt.clone()]).unwrap();
        let on_disk = std::fs::read_to_string(dir.path().join("tokens.json")).unwrap();
        assert!(!on_disk.contains(&new.secret), "the secret must not be stored");
        let caller = tokens.caller(&new.secret).unwrap().unwrap();
        assert_eq!(caller.holder, "kari");
        assert!(caller.may_edit(&hunt));
        assert!(!caller.may_edit(&RegistryId::new("mfr").unwrap()));
        assert!(!caller.may_review());
        assert_eq!(tokens.caller("vk_wrong").unwrap(), None);
        tokens.revoke(&new.record.id).unwrap();
        assert_eq!(tokens.caller(&new.secret).unwrap(), None);
    }

    #[test]
    fn a_steward_token_must_name_a_registry() {
        let dir = tempfile::tempdir().unwrap();
        let err = TokenFile::in_data_dir(dir.path()).create("kari", Role::Steward, Vec::new());
        assert!(matches!(err, Err(TokenError::StewardWithoutRegistry)));
    }
}
