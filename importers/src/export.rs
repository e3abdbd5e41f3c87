//! Writes variables for a researcher's basket: as a DDI-Codebook 2.5 document, which a data
//! application or an analysis tool reads, and as a CSV table. In the DDI document each variable
//! is named `registry.name`, so that names stay unique across registries, and each registry's
//! variables form a `varGrp`; it reads back with this crate's DDI-Codebook reader.

use catalog::{DataType, LocalizedText, VariableVersion};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

/// Writes `variables` as one DDI-Codebook titled `title` with the study id `id`.
pub fn write_ddi_codebook(id: &str, title: &str, variables: &[VariableVersion]) -> String {
    let mut out = Xml { writer: Writer::new_with_indent(Vec::new(), b' ', 2) };
    out.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    out.start("codeBook", &[("xmlns", "ddi:codebook:2_5"), ("version", "2.5"), ("xml:lang", "nb")]);
    out.start("stdyDscr", &[]);
    out.start("citation", &[]);
    out.start("titlStmt", &[]);
    out.text_element("titl", &[], title);
    out.text_element("IDNo", &[("agency", "varkat")], id);
    out.end("titlStmt");
    out.end("citation");
    out.end("stdyDscr");
    out.start("dataDscr", &[]);
    let mut registries: Vec<&str> = variables.iter().map(|v| v.key.registry().as_str()).collect();
    registries.dedup();
    for registry in &registries {
        let members: Vec<String> = variables
            .iter()
            .filter(|v| v.key.registry().as_str() == *registry)
            .map(var_id)
            .collect();
        out.empty(
            "varGrp",
            &[("ID", &format!("VG_{registry}")), ("type", "other"), ("var", &members.join(" "))],
        );
    }
    for variable in variables {
        write_var(&mut out, variable);
    }
    out.end("dataDscr");
    out.end("codeBook");
    let mut text = String::from_utf8(out.writer.into_inner()).expect("written from UTF-8 text");
    text.push('\n');
    text
}

fn var_id(variable: &VariableVersion) -> String {
    let safe: String = format!("V_{}_{}", variable.key.registry(), variable.key.name())
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' })
        .collect();
    safe
}

fn write_var(out: &mut Xml, variable: &VariableVersion) {
    let definition = &variable.definition;
    let name = format!("{}.{}", variable.key.registry(), variable.key.name());
    let id = var_id(variable);
    let intrvl = match definition.data_type {
        DataType::Integer | DataType::Decimal => "contin",
        _ => "discrete",
    };
    out.start("var", &[("ID", &id), ("name", &name), ("intrvl", intrvl)]);
    localized(out, "labl", &definition.label);
    if !definition.question.is_empty() {
        for (lang, text) in languages(&definition.question) {
            out.start("qstn", &[("xml:lang", lang)]);
            out.text_element("qstnLit", &[], text);
            out.end("qstn");
        }
    }
    localized(out, "txt", &definition.description);
    if let Some(range) = &definition.value_domain.range {
        out.start("valrng", &[]);
        let min = range.min.map(|v| v.to_string());
        let max = range.max.map(|v| v.to_string());
        let mut attributes = Vec::new();
        if let Some(min) = &min {
            attributes.push(("min", min.as_str()));
        }
        if let Some(max) = &max {
            attributes.push(("max", max.as_str()));
        }
        out.empty("range", &attributes);
        out.end("valrng");
    }
    for category in &definition.value_domain.categories {
        let attributes: &[(&str, &str)] = if category.missing { &[("missing", "Y")] } else { &[] };
        out.start("catgry", attributes);
        out.text_element("catValu", &[], &category.code);
        localized(out, "labl", &category.label);
        out.end("catgry");
    }
    let (format_type, format_name) = match definition.data_type {
        DataType::Integer => ("numeric", Some("integer")),
        DataType::Decimal => ("numeric", None),
        DataType::Categorical => ("numeric", Some("category")),
        DataType::Date => ("character", Some("date")),
        DataType::Datetime => ("character", Some("datetime")),
        DataType::Boolean => ("numeric", Some("boolean")),
        _ => ("character", None),
    };
    let mut attributes = vec![("type", format_type), ("schema", "other")];
    if let Some(format_name) = format_name {
        attributes.push(("formatname", format_name));
    }
    out.empty("varFormat", &attributes);
    if let Some(unit) = &definition.unit {
        out.text_element("notes", &[("type", "unit")], unit);
    }
    if let Some(binding) = &definition.value_domain.code_system {
        out.text_element("notes", &[("type", "code_system")], &binding.to_string());
    }
    let period = &definition.period;
    if period.from.is_some() || period.to.is_some() {
        let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        out.text_element(
            "notes",
            &[("type", "validity")],
            &format!("valid_from={}; valid_to={}", day(period.from), day(period.to)),
        );
    }
    out.end("var");
}

fn languages(text: &LocalizedText) -> Vec<(&'static str, &str)> {
    let mut found = Vec::new();
    if let Some(nb) = &text.nb {
        found.push(("nb", nb.as_str()));
    }
    if let Some(en) = &text.en {
        found.push(("en", en.as_str()));
    }
    found
}

fn localized(out: &mut Xml, element: &str, text: &LocalizedText) {
    for (lang, value) in languages(text) {
        out.text_element(element, &[("xml:lang", lang)], value);
    }
}

/// quick-xml's writer with the few shapes this document needs. Writing into a `Vec` cannot
/// fail, so the io results are dropped here once.
struct Xml {
    writer: Writer<Vec<u8>>,
}

impl Xml {
    fn event(&mut self, event: Event<'_>) {
        let _ = self.writer.write_event(event);
    }

    fn start(&mut self, name: &str, attributes: &[(&str, &str)]) {
        let mut start = BytesStart::new(name);
        start.extend_attributes(attributes.iter().copied());
        self.event(Event::Start(start));
    }

    fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) {
        let mut start = BytesStart::new(name);
        start.extend_attributes(attributes.iter().copied());
        self.event(Event::Empty(start));
    }

    fn end(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name)));
    }

    fn text_element(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) {
        self.start(name, attributes);
        self.event(Event::Text(BytesText::new(text)));
        self.end(name);
    }
}

/// One row of a blank ballot: a proposed mapping to decide on.
#[derive(Debug, Clone)]
pub struct BallotRow {
    /// The variable.
    pub variable: catalog::VariableKey,
    /// The definition it is proposed for.
    pub definition: catalog::SharedDefinitionId,
    /// equivalent, broader, narrower or related.
    pub relation: String,
    /// varkat's confidence, when varkat proposed it.
    pub confidence: Option<f64>,
    /// The variable's label.
    pub variable_label: String,
    /// The definition's label.
    pub definition_label: String,
}

/// Writes a blank ballot for a reviewer: one row per proposal, `decision` and `comment` empty.
pub fn write_ballot(rows: &[BallotRow]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(crate::ballot::COLUMNS);
    for row in rows {
        let _ = writer.write_record([
            row.variable.to_string(),
            row.definition.0.clone(),
            row.relation.clone(),
            row.confidence.map(|c| format!("{c:.2}")).unwrap_or_default(),
            row.variable_label.clone(),
            row.definition_label.clone(),
            String::new(),
            String::new(),
        ]);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Writes `variables` as CSV, one row per variable, answer options as `code=label` joined
/// by ` | `.
pub fn write_csv(variables: &[VariableVersion]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "registry",
        "variable",
        "version",
        "label_nb",
        "label_en",
        "question",
        "description",
        "type",
        "unit",
        "code_system",
        "period_from",
        "period_to",
        "categories",
    ];
    let _ = writer.write_record(header);
    for variable in variables {
        let definition = &variable.definition;
        let text = |t: &LocalizedText| t.best().unwrap_or("").to_owned();
        let categories: Vec<String> = definition
            .value_domain
            .categories
            .iter()
            .map(|c| format!("{}={}", c.code, c.label.best().unwrap_or("")))
            .collect();
        let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let _ = writer.write_record([
            variable.key.registry().as_str().to_owned(),
            variable.key.name().to_owned(),
            variable.version.to_string(),
            definition.label.nb.clone().unwrap_or_default(),
            definition.label.en.clone().unwrap_or_default(),
            text(&definition.question),
            text(&definition.description),
            definition.data_type.as_str().to_owned(),
            definition.unit.clone().unwrap_or_default(),
            definition
                .value_domain
                .code_system
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            day(definition.period.from),
            day(definition.period.to),
            categories.join(" | "),
        ]);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use catalog::{ImportId, Provenance, Status, VersionNo};

    use super::*;
    use crate::{InputFile, ReadOptions, read};

    fn basket() -> Vec<VariableVersion> {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/catalog");
        let inputs: Vec<InputFile> = ["mfr.json", "kreftreg.json"]
            .iter()
            .map(|name| InputFile {
                path: (*name).to_owned(),
                bytes: std::fs::read(repo.join(name)).unwrap(),
            })
            .collect();
        read(&inputs, &ReadOptions::default())
            .unwrap()
            .variables
            .into_iter()
            .map(|incoming| VariableVersion {
                key: incoming.key,
                version: VersionNo::FIRST,
                status: Status::Published,
                published_at: None,
                definition: incoming.definition,
                provenance: Provenance {
                    source_file: incoming.source.path,
                    format: incoming.source.format,
                    import: ImportId(1),
                    recorded_by: "test".into(),
                    recorded_at: chrono::Utc::now(),
                },
            })
            .collect()
    }

    #[test]
    fn a_basket_written_as_ddi_codebook_reads_back_with_the_same_definitions() {
        let basket = basket();
        assert!(basket.len() > 5);
        let text = write_ddi_codebook("basket", "Min kurv", &basket);
        let input = InputFile { path: "basket.xml".into(), bytes: text.into_bytes() };
        let back = read(&[input], &ReadOptions::default()).unwrap();
        assert_eq!(back.variables.len(), basket.len());
        for (original, read_back) in basket.iter().zip(&back.variables) {
            assert_eq!(
                read_back.key.name(),
                format!("{}.{}", original.key.registry(), original.key.name())
            );
            let (a, b) = (&original.definition, &read_back.definition);
            assert_eq!(a.label, b.label, "{}", original.key);
            assert_eq!(a.question, b.question, "{}", original.key);
            assert_eq!(a.unit, b.unit, "{}", original.key);
            assert_eq!(a.period, b.period, "{}", original.key);
            // kreftreg/ICD10 is bound to icd-10 2024: the version goes both ways too.
            assert_eq!(a.value_domain.code_system, b.value_domain.code_system, "{}", original.key);
            assert_eq!(a.value_domain.categories.len(), b.value_domain.categories.len());
            for (x, y) in a.value_domain.categories.iter().zip(&b.value_domain.categories) {
                assert_eq!((&x.code, &x.label, x.missing), (&y.code, &y.label, y.missing));
            }
        }
    }

    #[test]
    fn a_basket_as_csv_has_one_row_per_variable_with_its_answer_options() {
        let basket = basket();
        let text = write_csv(&basket);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), basket.len());
        let smoking = rows.iter().find(|row| &row[1] == "ROYKESTATUS").expect("kreftreg's smoking");
        assert_eq!(&smoking[0], "kreftreg");
        assert!(smoking[12].contains('='), "categories as code=label: {}", &smoking[12]);
    }
}
