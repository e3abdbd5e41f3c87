//! A FHIR resource in JSON, read in one pass from text or from a file as it goes: a
//! CodeSystem's concepts become small typed nodes as they are read, so that a large code system
//! (LOINC, ICD-10) is never a tree of JSON values in memory; every other member of the resource
//! is kept as a JSON value, as small as it is in a ValueSet or ConceptMap.
//!
//! Reading is as lenient as looking members up in a `serde_json::Value`: a member of another
//! type than expected reads as absent, and a concept that is no object as one without a code.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// A resource's members: the CodeSystem concepts, and the rest as JSON values.
#[derive(Default)]
pub(super) struct JsonResource {
    /// The top-level `concept` array.
    pub(super) concepts: Vec<JsonConcept>,
    /// Every other member.
    pub(super) members: Map<String, Value>,
}

/// One concept of a CodeSystem, with the concepts under it.
#[derive(Default)]
pub(super) struct JsonConcept {
    pub(super) code: Option<String>,
    pub(super) display: Option<String>,
    /// `designation` as (language, value).
    pub(super) designations: Vec<(String, String)>,
    pub(super) children: Vec<JsonConcept>,
}

/// The `Visitor` methods for the JSON values that are not what a member should be: each is read
/// through and gives `$default`, as looking it up in a `serde_json::Value` would give nothing.
macro_rules! read_other_values_as {
    ($default:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($default)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($default)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($default)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($default)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($default)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($default)
        }
    };
}

impl<'de> Deserialize<'de> for JsonResource {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<JsonResource, D::Error> {
        struct ResourceVisitor;
        impl<'de> Visitor<'de> for ResourceVisitor {
            type Value = JsonResource;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a FHIR resource")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonResource, A::Error> {
                let mut resource = JsonResource::default();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "concept" {
                        resource.concepts = map.next_value::<Concepts>()?.0;
                    } else {
                        let value = map.next_value()?;
                        resource.members.insert(key, value);
                    }
                }
                Ok(resource)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<JsonResource, A::Error> {
                IgnoredAny.visit_seq(seq).map(|_| JsonResource::default())
            }
            read_other_values_as!(JsonResource::default());
        }
        deserializer.deserialize_any(ResourceVisitor)
    }
}

impl<'de> Deserialize<'de> for JsonConcept {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<JsonConcept, D::Error> {
        struct ConceptVisitor;
        impl<'de> Visitor<'de> for ConceptVisitor {
            type Value = JsonConcept;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a FHIR concept")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonConcept, A::Error> {
                let mut concept = JsonConcept::default();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "code" => concept.code = text(map.next_value()?),
                        "display" => concept.display = text(map.next_value()?),
                        "designation" => concept.designations = designations(&map.next_value()?),
                        "concept" => concept.children = map.next_value::<Concepts>()?.0,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(concept)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<JsonConcept, A::Error> {
                IgnoredAny.visit_seq(seq).map(|_| JsonConcept::default())
            }
            read_other_values_as!(JsonConcept::default());
        }
        deserializer.deserialize_any(ConceptVisitor)
    }
}

/// A string member's text; `None` for any other value.
fn text(value: Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text),
        _ => None,
    }
}

/// The designations that have a language and a value, as (language, value).
fn designations(value: &Value) -> Vec<(String, String)> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| Some((d["language"].as_str()?.to_owned(), d["value"].as_str()?.to_owned())))
        .collect()
}

/// A `concept` array; any other value reads as no concepts.
struct Concepts(Vec<JsonConcept>);

impl<'de> Deserialize<'de> for Concepts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Concepts, D::Error> {
        struct ConceptsVisitor;
        impl<'de> Visitor<'de> for ConceptsVisitor {
            type Value = Concepts;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of concepts")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Concepts, A::Error> {
                let mut concepts = Vec::new();
                while let Some(concept) = seq.next_element()? {
                    concepts.push(concept);
                }
                Ok(Concepts(concepts))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Concepts, A::Error> {
                IgnoredAny.visit_map(map).map(|_| Concepts(Vec::new()))
            }
            read_other_values_as!(Concepts(Vec::new()));
        }
        deserializer.deserialize_any(ConceptsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Format, InputFile, ReadOptions, read};

    /// The codes, displays and parents read from a FHIR JSON document, or its errors.
    fn concepts(json: &str) -> Result<Vec<String>, String> {
        let input = InputFile { path: "cs.json".into(), bytes: json.as_bytes().to_vec() };
        let options = ReadOptions { format: Some(Format::Fhir), ..ReadOptions::default() };
        let batch = read(&[input], &options).map_err(|err| err.to_string())?;
        Ok(batch.code_systems[0]
            .1
            .concepts
            .iter()
            .map(|concept| {
                let display = concept.display.best().unwrap_or("-");
                format!("{} {display} < {}", concept.code, concept.parent.as_deref().unwrap_or("-"))
            })
            .collect())
    }

    #[test]
    fn members_of_another_type_read_as_absent() {
        let json = r#"{"resourceType": "CodeSystem", "url": "http://x.org/CodeSystem/t",
            "version": "1", "title": 7, "concept": [
                {"code": "A", "display": 7, "concept": {"code": "not in an array"}},
                {"code": "B", "display": "Bee", "designation": "none", "property": [1, {}],
                 "concept": [{"display": "b one", "code": "B1", "concept": null}]}]}"#;
        assert_eq!(concepts(json).unwrap(), ["A - < -", "B Bee < -", "B1 b one < B"]);
    }

    #[test]
    fn a_concept_that_is_no_object_has_no_code() {
        let json = r#"{"resourceType": "CodeSystem", "url": "http://x.org/CodeSystem/t",
            "version": "1", "concept": [{"code": "A"}, "B", [{"code": "C"}]]}"#;
        assert_eq!(
            concepts(json).unwrap_err(),
            "cs.json (field `concept.code`): a `concept` has no code\n\
             cs.json (field `concept.code`): a `concept` has no code\n\
             2 errors found; nothing was imported"
        );
    }

    #[test]
    fn a_document_that_is_no_object_is_no_code_system() {
        let error = concepts(r#"["resourceType", "CodeSystem"]"#).unwrap_err();
        assert!(error.contains("field `resourceType`"), "{error}");
    }
}
