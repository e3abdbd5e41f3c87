//! Keeping the index a faithful projection of the change log: catch up after the last change
//! applied, or rebuild from the whole store.

use std::collections::{BTreeSet, HashMap};

use catalog::{
    Change, ChangeKind, ChangeSeq, RegistryId, RegistryKind, ReviewStatus, Store, VariableKey,
    VariableVersion, View,
};
use serde::{Deserialize, Serialize};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{IndexWriter, Term};

use crate::SearchIndex;
use crate::analyzer::{ConceptFinder, Vocabulary};
use crate::document::{Derived, concept_documents, definition_document, variable_document};
use crate::error::Result;

/// The schema this build writes. An index written with another is rebuilt by catching up from
/// the start of the change log.
const SCHEMA_VERSION: u32 = 5;

/// What the index remembers in its commit payload.
#[derive(Serialize, Deserialize)]
struct Payload {
    schema: u32,
    /// The synonym groups its documents' concepts number (`Vocabulary::fingerprint`); an index
    /// built with other groups is rebuilt as one of another schema is.
    #[serde(default)]
    vocabulary: String,
    last_change: u64,
}

/// What a catch-up did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatchUp {
    /// The last change applied before.
    pub from: ChangeSeq,
    /// The last change applied now.
    pub to: ChangeSeq,
    /// How many variables were indexed anew.
    pub variables: usize,
}

impl SearchIndex {
    /// The number of the last change the index has applied; 0 for a new index, or one written
    /// with another schema.
    pub fn last_applied(&self) -> Result<ChangeSeq> {
        let metas = self.index.load_metas().map_err(|err| self.failure(&err))?;
        let payload: Option<Payload> =
            metas.payload.as_deref().and_then(|text| serde_json::from_str(text).ok());
        let fingerprint = self.vocabulary.fingerprint();
        Ok(ChangeSeq(
            payload
                .filter(|p| p.schema == SCHEMA_VERSION && p.vocabulary == fingerprint)
                .map_or(0, |p| p.last_change),
        ))
    }

    /// Applies the changes the index has not seen: each variable a change touched is indexed
    /// again from the store's current state, so that replaying a change twice does no harm.
    pub fn catch_up(&self, store: &Store) -> Result<CatchUp> {
        let started = std::time::Instant::now();
        let from = self.last_applied()?;
        let changes: Vec<Change> = store.changes_after(from).collect::<Result<_, _>>()?;
        let Some(last) = changes.last().map(|change| change.seq) else {
            return Ok(CatchUp { from, to: from, variables: 0 });
        };
        if from == ChangeSeq(0) {
            // Nothing indexed yet (or an index of another schema): index everything once.
            let variables = self.rebuild(store, &mut |_, _| {})?;
            return Ok(CatchUp { from, to: last, variables });
        }
        let mut keys = BTreeSet::new();
        let mut systems = BTreeSet::new();
        let mut definitions = false;
        for change in &changes {
            affected(store, change, &mut keys)?;
            if let ChangeKind::Import { code_systems, definitions: changed, .. } = &change.kind {
                systems.extend(code_systems.iter().map(|reference| reference.system.clone()));
                definitions |= !changed.is_empty();
            }
        }
        let mut kinds = RegistryKinds::new(store);
        let mut deriver = Deriver::new(&self.vocabulary);
        self.with_writer(crate::WRITER_MEMORY, |writer| {
            for key in &keys {
                self.reindex_variable(writer, store, &mut kinds, &mut deriver, key)?;
            }
            if definitions {
                self.reindex_definitions(writer, store)?;
            }
            for system in &systems {
                self.reindex_code_system(writer, store, system)?;
            }
            self.commit(writer, last)
        })?;
        tracing::info!(
            from = from.0,
            to = last.0,
            variables = keys.len(),
            elapsed = ?started.elapsed(),
            "search index caught up"
        );
        Ok(CatchUp { from, to: last, variables: keys.len() })
    }

    /// Empties the index and indexes every variable of the store again, reading each
    /// registry once. `progress` hears (versions read, versions in all) as it goes.
    pub fn rebuild(&self, store: &Store, progress: &mut dyn FnMut(usize, usize)) -> Result<usize> {
        let started = std::time::Instant::now();
        let last = store.last_change()?;
        let registries = store.registries()?;
        let mut total = 0;
        for registry in &registries {
            total += store.version_count(&registry.id)?;
        }
        let reviews: HashMap<VariableKey, ReviewStatus> = store
            .mappings()?
            .into_iter()
            .map(|mapping| (mapping.variable, mapping.status))
            .collect();
        let mut deriver = Deriver::new(&self.vocabulary);
        let (mut done, mut indexed) = (0, 0);
        self.with_writer(4 * crate::WRITER_MEMORY, |writer| {
            writer.delete_all_documents().map_err(|err| self.failure(&err))?;
            for registry in &registries {
                for history in store.histories(&registry.id) {
                    let history = history?;
                    let review = reviews.get(&history[0].key).copied();
                    if self.index_history(writer, &mut deriver, &history, registry.kind, review)? {
                        indexed += 1;
                    }
                    if done / 1000 != (done + history.len()) / 1000 {
                        progress(done, total);
                    }
                    done += history.len();
                }
            }
            progress(total, total);
            self.reindex_definitions(writer, store)?;
            for system in store.code_systems()? {
                self.reindex_code_system(writer, store, &system.id)?;
            }
            self.commit(writer, last)
        })?;
        tracing::info!(
            to = last.0,
            variables = indexed,
            elapsed = ?started.elapsed(),
            "search index rebuilt"
        );
        Ok(indexed)
    }

    /// Replaces every shared definition's document with its latest version's.
    fn reindex_definitions(&self, writer: &mut IndexWriter, store: &Store) -> Result<()> {
        writer.delete_term(Term::from_field_text(self.fields.term_owner, "definitions"));
        for definition in store.shared_definitions()? {
            writer
                .add_document(definition_document(&self.fields, &definition))
                .map_err(|err| self.failure(&err))?;
        }
        Ok(())
    }

    /// Replaces a code system's code documents with those of its latest version.
    fn reindex_code_system(
        &self,
        writer: &mut IndexWriter,
        store: &Store,
        system: &catalog::CodeSystemId,
    ) -> Result<()> {
        writer.delete_term(Term::from_field_text(
            self.fields.term_owner,
            &format!("system:{system}"),
        ));
        if let Some(latest) = store.code_system_version(system, None)? {
            for doc in concept_documents(&self.fields, &latest) {
                writer.add_document(doc).map_err(|err| self.failure(&err))?;
            }
        }
        Ok(())
    }

    /// Adds documents for versions the caller already holds, marking each current or not, and
    /// commits: how benchmarks index a generated catalog without a store.
    pub fn add_versions(
        &self,
        versions: impl Iterator<Item = (VariableVersion, RegistryKind, bool)>,
        last: ChangeSeq,
    ) -> Result<usize> {
        self.with_writer(8 * crate::WRITER_MEMORY, |writer| {
            let mut n = 0;
            let mut deriver = Deriver::new(&self.vocabulary);
            for (version, kind, current) in versions {
                let derived = if current { deriver.derive(&version) } else { Derived::default() };
                writer
                    .add_document(variable_document(
                        &self.fields,
                        &version,
                        kind,
                        current,
                        None,
                        &derived,
                    ))
                    .map_err(|err| self.failure(&err))?;
                n += 1;
            }
            self.commit(writer, last)?;
            Ok(n)
        })
    }

    fn reindex_variable(
        &self,
        writer: &mut IndexWriter,
        store: &Store,
        kinds: &mut RegistryKinds<'_>,
        deriver: &mut Deriver<'_>,
        key: &VariableKey,
    ) -> Result<()> {
        writer.delete_term(Term::from_field_text(self.fields.key, &key.to_string()));
        let history = match store.history(key) {
            Ok(history) => history,
            Err(catalog::Error::VariableNotFound(_)) => return Ok(()),
            Err(err) => return Err(err.into()),
        };
        let kind = kinds.get(key.registry())?;
        let review = store.mapping_history(key)?.pop().map(|mapping| mapping.status);
        self.index_history(writer, deriver, &history, kind, review)?;
        Ok(())
    }

    /// Adds a document for each published version of one variable's `history`; the current
    /// one carries what search derives from it. False when none is published.
    fn index_history(
        &self,
        writer: &mut IndexWriter,
        deriver: &mut Deriver<'_>,
        history: &[VariableVersion],
        kind: RegistryKind,
        review: Option<ReviewStatus>,
    ) -> Result<bool> {
        let published: Vec<&VariableVersion> =
            history.iter().filter(|version| !version.is_draft()).collect();
        for (index, version) in published.iter().enumerate() {
            let current = index + 1 == published.len();
            let derived = if current { deriver.derive(version) } else { Derived::default() };
            writer
                .add_document(variable_document(
                    &self.fields,
                    version,
                    kind,
                    current,
                    review,
                    &derived,
                ))
                .map_err(|err| self.failure(&err))?;
        }
        Ok(!published.is_empty())
    }

    fn commit(&self, writer: &mut IndexWriter, last: ChangeSeq) -> Result<()> {
        let payload = serde_json::to_string(&Payload {
            schema: SCHEMA_VERSION,
            vocabulary: self.vocabulary.fingerprint(),
            last_change: last.0,
        })
        .expect("the payload serializes");
        let mut prepared = writer.prepare_commit().map_err(|err| self.failure(&err))?;
        prepared.set_payload(&payload);
        prepared.commit().map_err(|err| self.failure(&err))?;
        self.reader.reload().map_err(|err| self.failure(&err))
    }
}

/// Derives the word pairs and concepts of current versions, keeping its analyzers and the
/// words it has looked up from one document to the next.
struct Deriver<'a> {
    vocabulary: &'a Vocabulary,
    folded: TextAnalyzer,
    concepts: ConceptFinder<'a>,
}

impl<'a> Deriver<'a> {
    fn new(vocabulary: &'a Vocabulary) -> Deriver<'a> {
        Deriver {
            vocabulary,
            folded: vocabulary.pair_words(),
            concepts: ConceptFinder::new(vocabulary),
        }
    }

    fn derive(&mut self, version: &VariableVersion) -> Derived {
        let definition = &version.definition;
        let labels = [&definition.label.nb, &definition.label.en];
        let texts = [
            &definition.question.nb,
            &definition.question.en,
            &definition.description.nb,
            &definition.description.en,
        ];
        let mut word_pairs = String::new();
        let mut pairs = |prefix: &str, text: &Option<String>| {
            if let Some(text) = text {
                self.vocabulary.push_word_pairs(&mut self.folded, prefix, text, &mut word_pairs);
            }
        };
        labels.iter().for_each(|text| pairs("l:", text));
        texts.iter().for_each(|text| pairs("t:", text));
        for category in &definition.value_domain.categories {
            pairs("c:", &category.label.nb);
            pairs("c:", &category.label.en);
        }

        let mut concepts = String::new();
        let mut in_name = Vec::new();
        self.concepts.groups_in(version.key.name(), true, &mut in_name);
        let mut in_labels = Vec::new();
        for text in labels.into_iter().flatten() {
            self.concepts.groups_in(text, false, &mut in_labels);
        }
        let mut in_texts = Vec::new();
        for text in texts.into_iter().flatten() {
            self.concepts.groups_in(text, false, &mut in_texts);
        }
        for (prefix, mut groups) in [("name", in_name), ("label", in_labels), ("text", in_texts)] {
            groups.sort_unstable();
            groups.dedup();
            for group in groups {
                if !concepts.is_empty() {
                    concepts.push(' ');
                }
                concepts.push_str(&concept_term(prefix, group));
            }
        }
        Derived { word_pairs, concepts }
    }
}

/// The term of the `concepts` field for synonym group `group` in a document's `place`: `name`,
/// `label` or `text` (question and description).
pub(crate) fn concept_term(place: &str, group: usize) -> String {
    format!("{place}:{group}")
}

/// The variables a change touched, including every variable of a registry whose description
/// (and so the registry kind in its documents) changed.
fn affected(store: &Store, change: &Change, keys: &mut BTreeSet<VariableKey>) -> Result<()> {
    match &change.kind {
        ChangeKind::Import { registries, new, changed, retired, .. } => {
            keys.extend(
                new.iter().chain(changed).chain(retired).map(|version| version.key.clone()),
            );
            for registry in registries {
                if let Ok(versions) = store.variables(registry, View::Published) {
                    keys.extend(versions.into_iter().map(|version| version.key));
                }
            }
        }
        ChangeKind::Publish { versions, .. } | ChangeKind::Discard { versions, .. } => {
            keys.extend(versions.iter().map(|version| version.key.clone()));
        }
        // A decision changes the variable's harmonization status; `key` here is the variable.
        ChangeKind::Review { mappings } => {
            keys.extend(mappings.iter().map(|mapping| mapping.key.clone()));
        }
    }
    Ok(())
}

/// Registry kinds, read once per registry.
struct RegistryKinds<'a> {
    store: &'a Store,
    kinds: HashMap<RegistryId, RegistryKind>,
}

impl<'a> RegistryKinds<'a> {
    fn new(store: &'a Store) -> RegistryKinds<'a> {
        RegistryKinds { store, kinds: HashMap::new() }
    }

    fn get(&mut self, id: &RegistryId) -> Result<RegistryKind> {
        if let Some(kind) = self.kinds.get(id) {
            return Ok(*kind);
        }
        let kind = self.store.registry(id)?.kind;
        self.kinds.insert(id.clone(), kind);
        Ok(kind)
    }
}
