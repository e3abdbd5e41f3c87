//! The catalog's nouns: registries, variables and their versions, code systems, value sets,
//! shared definitions and mappings.

mod code_map;
mod code_system;
mod registry;
mod shared_definition;
mod text;
mod value_domain;
mod value_set;
mod variable;

pub use code_map::{CodeMap, CodeMapElement, CodeMapGroup, CodeMapTarget};
pub use code_system::{CodeSystem, CodeSystemVersion, Concept, ConceptContent};
pub use registry::{Registry, RegistryKind};
pub use shared_definition::{
    Ballot, ExternalCode, Mapping, MappingRelation, ReviewStatus, SharedDefinition, StandardValue,
    ValueMapping, ValueRelation,
};
pub use text::LocalizedText;
pub use value_domain::{Category, CodeSystemBinding, NumericRange, ValueDomain};
pub use value_set::{ValueSet, ValueSetConcept, ValueSetRule};
pub use variable::{DataType, Period, Provenance, Status, VariableDefinition, VariableVersion};
