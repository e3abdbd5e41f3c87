//! Harmonization results as HL7 FHIR R4 resources, for terminology servers and other tools:
//! each shared definition as a CodeSystem of its value set and a ValueSet of all of it, and
//! the accepted value mappings as ConceptMaps (one per shared definition, a `group` per member
//! variable; or one per member), all in one `collection` Bundle.
//!
//! Canonical URLs are URNs under `urn:varkat:` (`urn:varkat:definition:smoking_status`,
//! `urn:varkat:variable:hunt/RoykStatus`), so that they name varkat's entities without claiming
//! a web address.

use std::collections::HashMap;

use catalog::{
    LocalizedText, Mapping, SharedDefinition, SharedDefinitionId, ValueRelation, VariableKey,
    VariableVersion, VersionNo,
};
use serde_json::{Value, json};

/// How accepted mappings are split into ConceptMaps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConceptMapPer {
    /// One ConceptMap per shared definition, with a group per member variable.
    Group,
    /// One ConceptMap per member variable.
    Member,
}

fn definition_url(definition: &SharedDefinition) -> String {
    format!("urn:varkat:definition:{}", definition.id)
}

fn variable_url(variable: &catalog::VariableKey) -> String {
    format!("urn:varkat:variable:{variable}")
}

/// A FHIR `id`: letters, digits, `-` and `.`, at most 64 characters.
fn resource_id(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '-' })
        .take(64)
        .collect()
}

fn display(text: &LocalizedText) -> Option<&str> {
    text.nb.as_deref().or(text.en.as_deref())
}

/// The English text of a label as a FHIR designation, when there is one beside the Norwegian.
fn designations(text: &LocalizedText) -> Vec<Value> {
    match (&text.nb, &text.en) {
        (Some(_), Some(en)) => vec![json!({ "language": "en", "value": en })],
        _ => Vec::new(),
    }
}

/// A shared definition's value set as a CodeSystem.
pub fn code_system(definition: &SharedDefinition) -> Value {
    let concepts: Vec<Value> = definition
        .value_set
        .iter()
        .map(|value| {
            let mut concept = json!({ "code": value.code });
            if let Some(text) = display(&value.label) {
                concept["display"] = json!(text);
            }
            let designation = designations(&value.label);
            if !designation.is_empty() {
                concept["designation"] = json!(designation);
            }
            if value.missing {
                concept["property"] = json!([{ "code": "missing", "valueBoolean": true }]);
            }
            concept
        })
        .collect();
    let mut resource = json!({
        "resourceType": "CodeSystem",
        "id": resource_id(&definition.id.0),
        "url": definition_url(definition),
        "version": definition.version.to_string(),
        "name": resource_id(&definition.id.0),
        "status": "active",
        "content": "complete",
        "caseSensitive": true,
        "count": concepts.len(),
        "property": [{ "code": "missing", "type": "boolean", "description": "The code records a missing or unknown answer." }],
        "concept": concepts,
    });
    if let Some(title) = display(&definition.label) {
        resource["title"] = json!(title);
    }
    if let Some(description) = display(&definition.description) {
        resource["description"] = json!(description);
    }
    resource
}

/// A ValueSet of every code of a shared definition's CodeSystem.
pub fn value_set(definition: &SharedDefinition) -> Value {
    let mut resource = json!({
        "resourceType": "ValueSet",
        "id": resource_id(&definition.id.0),
        "url": format!("urn:varkat:valueset:{}", definition.id),
        "version": definition.version.to_string(),
        "name": resource_id(&definition.id.0),
        "status": "active",
        "compose": { "include": [{ "system": definition_url(definition), "version": definition.version.to_string() }] },
    });
    if let Some(title) = display(&definition.label) {
        resource["title"] = json!(title);
    }
    resource
}

/// FHIR R4's equivalence reads from the target: a source narrower than its target has a
/// *wider* target.
fn equivalence(relation: ValueRelation) -> &'static str {
    match relation {
        ValueRelation::Equivalent => "equivalent",
        ValueRelation::Narrower => "wider",
        ValueRelation::Broader => "narrower",
        ValueRelation::Unmatched => "unmatched",
    }
}

/// One member's accepted mapping as a ConceptMap group.
fn group(definition: &SharedDefinition, mapping: &Mapping, variable: &VariableVersion) -> Value {
    let elements: Vec<Value> = mapping
        .values
        .iter()
        .map(|value| {
            let source_label = variable
                .definition
                .value_domain
                .categories
                .iter()
                .find(|c| c.code == value.source_code)
                .and_then(|c| display(&c.label));
            let target = match &value.target_code {
                Some(code) => {
                    let mut target =
                        json!({ "code": code, "equivalence": equivalence(value.relation) });
                    if let Some(text) = definition
                        .value_set
                        .iter()
                        .find(|v| &v.code == code)
                        .and_then(|v| display(&v.label))
                    {
                        target["display"] = json!(text);
                    }
                    target
                }
                None => json!({ "equivalence": "unmatched" }),
            };
            let mut element = json!({ "code": value.source_code, "target": [target] });
            if let Some(text) = source_label {
                element["display"] = json!(text);
            }
            element
        })
        .collect();
    json!({
        "source": variable_url(&mapping.variable),
        "sourceVersion": mapping.variable_version.to_string(),
        "target": definition_url(definition),
        "targetVersion": mapping.definition_version.to_string(),
        "element": elements,
    })
}

fn concept_map(id: &str, title: &str, definition: &SharedDefinition, groups: &[Value]) -> Value {
    json!({
        "resourceType": "ConceptMap",
        "id": resource_id(id),
        "url": format!("urn:varkat:conceptmap:{id}"),
        "name": resource_id(id),
        "title": title,
        "status": "active",
        "targetUri": format!("urn:varkat:valueset:{}", definition.id),
        "group": groups,
    })
}

/// Every shared definition as a CodeSystem and a ValueSet, and the accepted mappings with value
/// mappings as ConceptMaps, in one Bundle. `variables` must hold the version each mapping names.
pub fn bundle(
    definitions: &[SharedDefinition],
    mappings: &[Mapping],
    variables: &[VariableVersion],
    per: ConceptMapPer,
) -> Value {
    let versions: HashMap<(&VariableKey, VersionNo), &VariableVersion> =
        variables.iter().map(|v| ((&v.key, v.version), v)).collect();
    let mut accepted: HashMap<&SharedDefinitionId, Vec<(&Mapping, &VariableVersion)>> =
        HashMap::new();
    for mapping in mappings {
        if mapping.status != catalog::ReviewStatus::Accepted || mapping.values.is_empty() {
            continue;
        }
        if let Some(variable) = versions.get(&(&mapping.variable, mapping.variable_version)) {
            accepted.entry(&mapping.definition).or_default().push((mapping, variable));
        }
    }
    let mut resources: Vec<Value> = Vec::new();
    for definition in definitions {
        resources.push(code_system(definition));
        resources.push(value_set(definition));
        let Some(members) = accepted.remove(&definition.id) else {
            continue;
        };
        let label = display(&definition.label).unwrap_or(&definition.id.0).to_owned();
        match per {
            ConceptMapPer::Group => {
                let groups: Vec<Value> =
                    members.iter().map(|(m, v)| group(definition, m, v)).collect();
                resources.push(concept_map(&definition.id.0, &label, definition, &groups));
            }
            ConceptMapPer::Member => {
                for (mapping, variable) in members {
                    let id = format!("{}.{}", definition.id, mapping.variable).replace('/', ".");
                    let title = format!("{} → {label}", mapping.variable);
                    let groups = [group(definition, mapping, variable)];
                    resources.push(concept_map(&id, &title, definition, &groups));
                }
            }
        }
    }
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": resources.into_iter().map(|resource| json!({ "resource": resource })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use catalog::{
        Category, DataType, MappingRelation, ReviewStatus, SharedDefinitionId, StandardValue,
        ValueMapping, VariableDefinition, VersionNo,
    };

    use super::*;

    fn definition() -> SharedDefinition {
        let value = |code: &str, nb: &str, missing| StandardValue {
            code: code.into(),
            label: LocalizedText { nb: Some(nb.into()), en: Some(format!("{code} (en)")) },
            missing,
            external: Vec::new(),
        };
        SharedDefinition {
            id: SharedDefinitionId("smoking_status".into()),
            version: VersionNo(2),
            label: LocalizedText::nb("Røykestatus"),
            description: LocalizedText::default(),
            data_type: DataType::Categorical,
            unit: None,
            value_set: vec![
                value("current", "Røyker", false),
                value("never", "Aldri røykt", false),
                value("unknown", "Ukjent", true),
            ],
            external: Vec::new(),
        }
    }

    fn variable() -> VariableVersion {
        let category = |code: &str, nb: &str| Category {
            code: code.into(),
            label: LocalizedText::nb(nb),
            missing: false,
            order: 0,
            period: catalog::Period::default(),
        };
        VariableVersion {
            key: "hunt/RoykStatus".parse().unwrap(),
            version: VersionNo(3),
            status: catalog::Status::Published,
            published_at: None,
            definition: VariableDefinition {
                value_domain: catalog::ValueDomain {
                    categories: vec![
                        category("1", "Ja, daglig"),
                        category("2", "Nei"),
                        category("8", "Vet ikke"),
                    ],
                    ..Default::default()
                },
                ..VariableDefinition::of_type(DataType::Categorical)
            },
            provenance: catalog::Provenance {
                source_file: "hunt.json".into(),
                format: "varkat-json".into(),
                import: catalog::ImportId(1),
                recorded_by: "test".into(),
                recorded_at: chrono::Utc::now(),
            },
        }
    }

    fn mapping(status: ReviewStatus) -> Mapping {
        let value = |source: &str, target: Option<&str>, relation| ValueMapping {
            source_code: source.into(),
            target_code: target.map(str::to_owned),
            relation,
        };
        Mapping {
            variable: "hunt/RoykStatus".parse().unwrap(),
            variable_version: VersionNo(3),
            definition: definition().id,
            definition_version: VersionNo(2),
            version: VersionNo(2),
            relation: MappingRelation::Equivalent,
            values: vec![
                value("1", Some("current"), ValueRelation::Narrower),
                value("2", Some("never"), ValueRelation::Equivalent),
                value("8", None, ValueRelation::Unmatched),
            ],
            status,
            reviewer: Some("siri".into()),
            comment: None,
            decided_at: None,
        }
    }

    #[test]
    fn a_definition_becomes_a_code_system_and_a_value_set_of_it() {
        let code_system = code_system(&definition());
        assert_eq!(code_system["url"], "urn:varkat:definition:smoking_status");
        assert_eq!(code_system["version"], "2");
        assert_eq!(code_system["count"], 3);
        assert_eq!(code_system["concept"][2]["property"][0]["valueBoolean"], true);
        assert_eq!(code_system["concept"][0]["designation"][0]["language"], "en");
        let value_set = value_set(&definition());
        assert_eq!(value_set["compose"]["include"][0]["system"], code_system["url"]);
    }

    #[test]
    fn an_accepted_mapping_becomes_a_concept_map_with_fhir_equivalences() {
        let bundle = bundle(
            &[definition()],
            &[mapping(ReviewStatus::Accepted)],
            &[variable()],
            ConceptMapPer::Group,
        );
        let entries = bundle["entry"].as_array().unwrap();
        assert_eq!(entries.len(), 3, "CodeSystem, ValueSet, ConceptMap");
        let concept_map = &entries[2]["resource"];
        assert_eq!(concept_map["resourceType"], "ConceptMap");
        let group = &concept_map["group"][0];
        assert_eq!(group["source"], "urn:varkat:variable:hunt/RoykStatus");
        assert_eq!(group["sourceVersion"], "3");
        assert_eq!(group["element"][0]["display"], "Ja, daglig");
        assert_eq!(
            group["element"][0]["target"][0]["equivalence"], "wider",
            "a narrower source has a wider target"
        );
        assert_eq!(group["element"][1]["target"][0]["equivalence"], "equivalent");
        assert_eq!(group["element"][2]["target"][0], json!({ "equivalence": "unmatched" }));
    }

    #[test]
    fn only_accepted_mappings_are_exported_and_per_member_splits_them() {
        let proposed = bundle(
            &[definition()],
            &[mapping(ReviewStatus::Proposed)],
            &[variable()],
            ConceptMapPer::Group,
        );
        assert_eq!(proposed["entry"].as_array().unwrap().len(), 2);
        let per_member = bundle(
            &[definition()],
            &[mapping(ReviewStatus::Accepted)],
            &[variable()],
            ConceptMapPer::Member,
        );
        assert_eq!(per_member["entry"][2]["resource"]["id"], "smoking-status.hunt.RoykStatus");
    }
}
