//! What an import yields: catalog values from one or more files, with the warnings met.

use std::fmt::Write;

use catalog::{
    CatalogDump, CodeMap, CodeSystem, CodeSystemVersion, IncomingVariable, Registry,
    SharedDefinition, SourceFile, ValueSet, VariableDefinition,
};
use serde::Serialize;

use crate::location::Location;

/// Something odd but harmless in an input file, such as an ignored column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Where.
    pub location: Location,
    /// What, and what varkat did about it.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Catalog values read from the files of one import.
#[derive(Debug, Clone, Default)]
pub struct ImportBatch {
    /// Registries the files describe.
    pub registries: Vec<Registry>,
    /// Variables the files define, in file order.
    pub variables: Vec<IncomingVariable>,
    /// Odd but harmless things met on the way.
    pub warnings: Vec<Warning>,
    /// The files read and the format each was read as.
    pub files: Vec<SourceFile>,
    /// A whole catalog (from `export --all`) to restore instead of importing variables.
    pub dump: Option<CatalogDump>,
    /// Code system versions the files define.
    pub code_systems: Vec<(CodeSystem, CodeSystemVersion)>,
    /// Shared definitions the files define.
    pub shared_definitions: Vec<SharedDefinition>,
    /// Value set versions the files define.
    pub value_sets: Vec<ValueSet>,
    /// Code map versions the files define.
    pub code_maps: Vec<CodeMap>,
}

impl ImportBatch {
    /// Adds another file's batch to this one.
    pub fn extend(&mut self, other: ImportBatch) {
        append(&mut self.registries, other.registries);
        append(&mut self.variables, other.variables);
        append(&mut self.warnings, other.warnings);
        append(&mut self.files, other.files);
        if other.dump.is_some() {
            self.dump = other.dump;
        }
        append(&mut self.code_systems, other.code_systems);
        append(&mut self.shared_definitions, other.shared_definitions);
        append(&mut self.value_sets, other.value_sets);
        append(&mut self.code_maps, other.code_maps);
    }

    /// A readable rendering of what was read, as the golden fixtures record it.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for registry in &self.registries {
            let _ =
                writeln!(out, "registry {} \"{}\" ({})", registry.id, registry.name, registry.kind);
        }
        for variable in &self.variables {
            render_variable(&mut out, variable);
        }
        for code_map in &self.code_maps {
            let _ = writeln!(
                out,
                "code map {} \"{}\" version {} ({} codes mapped)",
                code_map.id,
                code_map.name,
                code_map.version,
                code_map.n_elements()
            );
            for group in &code_map.groups {
                let _ = writeln!(
                    out,
                    "  from {} to {}",
                    group.source.as_deref().unwrap_or("(unnamed)"),
                    group.target.as_deref().unwrap_or("(unnamed)")
                );
                for element in &group.elements {
                    let targets: Vec<String> = element
                        .targets
                        .iter()
                        .map(|t| {
                            format!("{} ({})", t.code.as_deref().unwrap_or("-"), t.equivalence)
                        })
                        .collect();
                    let _ = writeln!(out, "    {} -> {}", element.code, targets.join(", "));
                }
            }
        }
        for value_set in &self.value_sets {
            let _ = writeln!(
                out,
                "value set {} \"{}\" version {} ({} codes listed)",
                value_set.id,
                value_set.name,
                value_set.version,
                value_set.n_listed()
            );
            for (what, rules) in
                [("include", &value_set.includes), ("exclude", &value_set.excludes)]
            {
                for rule in rules {
                    let _ = writeln!(
                        out,
                        "  {what} {}{}",
                        rule.system.as_deref().unwrap_or("(no system)"),
                        rule.version
                            .as_deref()
                            .map(|v| format!(" version {v}"))
                            .unwrap_or_default()
                    );
                    for concept in &rule.concepts {
                        let display = [&concept.display.nb, &concept.display.en]
                            .into_iter()
                            .flatten()
                            .map(String::as_str)
                            .collect::<Vec<_>>()
                            .join(" / ");
                        let line = format!("    {} {display}", concept.code);
                        let _ = writeln!(out, "{}", line.trim_end());
                    }
                    for filter in &rule.filters {
                        let _ = writeln!(out, "    filter {filter}");
                    }
                    for other in &rule.value_sets {
                        let _ = writeln!(out, "    value set {other}");
                    }
                }
            }
        }
        for (system, version) in &self.code_systems {
            let _ = writeln!(
                out,
                "code system {} \"{}\" version {} ({}, {} codes)",
                system.id,
                system.name,
                version.version,
                version.content,
                version.concepts.len()
            );
            for concept in &version.concepts {
                let display = [&concept.display.nb, &concept.display.en]
                    .into_iter()
                    .flatten()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" / ");
                let parent =
                    concept.parent.as_ref().map(|p| format!(" (under {p})")).unwrap_or_default();
                let _ = writeln!(out, "  {} = {display}{parent}", concept.code);
            }
        }
        for definition in &self.shared_definitions {
            let unit =
                definition.unit.as_ref().map(|unit| format!(" [{unit}]")).unwrap_or_default();
            let _ = writeln!(
                out,
                "shared definition {} \"{}\" {}{unit}",
                definition.id,
                definition.label.best().unwrap_or(""),
                definition.data_type.as_str()
            );
            for value in &definition.value_set {
                let missing = if value.missing { " (missing)" } else { "" };
                let _ = writeln!(
                    out,
                    "  {} = {}{missing}",
                    value.code,
                    value.label.best().unwrap_or("")
                );
            }
            for code in &definition.external {
                let _ = writeln!(out, "  same as {} {}", code.system, code.code);
            }
        }
        if let Some(dump) = &self.dump {
            let _ = writeln!(
                out,
                "catalog export: {} registries, {} versions, {} changes",
                dump.registries.len(),
                dump.versions.len(),
                dump.changes.len()
            );
        }
        for warning in &self.warnings {
            let _ = writeln!(out, "warning: {warning}");
        }
        out
    }
}

fn render_variable(out: &mut String, variable: &IncomingVariable) {
    let VariableDefinition {
        label,
        description,
        question,
        data_type,
        unit,
        value_domain,
        period,
        section,
    } = &variable.definition;
    let _ = writeln!(
        out,
        "{}  {data_type}{}",
        variable.key,
        unit.as_ref().map(|u| format!(" [{u}]")).unwrap_or_default()
    );
    for (what, text) in [("label", label), ("description", description), ("question", question)] {
        for (lang, text) in [("nb", &text.nb), ("en", &text.en)] {
            if let Some(text) = text {
                let _ = writeln!(out, "  {what}.{lang}: {text}");
            }
        }
    }
    if let Some(section) = section {
        let _ = writeln!(out, "  section: {section}");
    }
    if !period.is_open() {
        let _ = writeln!(out, "  period: {period}");
    }
    if let Some(range) = &value_domain.range {
        let end = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
        let _ = writeln!(out, "  range: {}..{}", end(range.min), end(range.max));
    }
    if let Some(binding) = &value_domain.code_system {
        let _ = writeln!(out, "  code system: {binding}");
    }
    for category in &value_domain.categories {
        let label = [&category.label.nb, &category.label.en]
            .iter()
            .filter_map(|text| text.as_deref())
            .collect::<Vec<_>>()
            .join(" / ");
        let _ = writeln!(
            out,
            "  {} = {label}{}{}",
            category.code,
            if category.missing { " (missing)" } else { "" },
            if category.period.is_open() {
                String::new()
            } else {
                format!(" [{}]", category.period)
            }
        );
    }
}

impl ImportBatch {
    /// The import request that writes this batch: the variables, the registries the files
    /// describe, and the warnings, kept with the import.
    pub fn into_request(self, full: bool, draft: bool, who: &str) -> catalog::ImportRequest {
        catalog::ImportRequest {
            registries: self.registries,
            variables: self.variables,
            files: self.files,
            warnings: self.warnings.iter().map(ToString::to_string).collect(),
            code_systems: self.code_systems,
            shared_definitions: self.shared_definitions,
            value_sets: self.value_sets,
            code_maps: self.code_maps,
            full,
            draft,
            who: who.to_owned(),
        }
    }
}

/// `more` after `into`; taken whole when `into` is empty, as it is for the first file of an
/// import, so that a large file's values are not copied into a second buffer.
fn append<T>(into: &mut Vec<T>, more: Vec<T>) {
    if into.is_empty() {
        *into = more;
    } else {
        into.extend(more);
    }
}
