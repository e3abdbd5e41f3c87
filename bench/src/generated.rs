//! A generated catalog of realistic registry variables (Norwegian and English labels, answer
//! options, registries of three kinds, collection periods) and a fixed query mix: what the
//! search benchmark and the server's load test both use.

use catalog::{
    Category, DataType, ImportId, LocalizedText, Period, Provenance, RegistryId, RegistryKind,
    Status, ValueDomain, VariableDefinition, VariableKey, VariableVersion, VersionNo,
};
use chrono::NaiveDate;
use indexer::SearchRequest;

/// What registries ask about, as (Norwegian, English, answer options). A catalog of a million
/// variables spans many concepts; a word such as "røyk" belongs to a few of them.
const TOPICS: &[(&str, &str, &[&str])] = &[
    (
        "Røykestatus",
        "Smoking status",
        &["Aldri røykt", "Tidligere røyker", "Nåværende røyker", "Ukjent"],
    ),
    ("Røyker du daglig", "Do you smoke daily", &["Ja", "Nei", "Av og til"]),
    ("Bruker du snus", "Do you use snus", &["Nei, aldri", "Ja, av og til", "Ja, daglig"]),
    (
        "Høyeste fullførte utdanning",
        "Highest completed education",
        &["Grunnskole", "Videregående", "Høyskole/universitet"],
    ),
    ("Kroppsvekt", "Body weight", &[]),
    ("Kroppshøyde", "Body height", &[]),
    ("Kroppsmasseindeks", "Body mass index", &[]),
    ("Systolisk blodtrykk", "Systolic blood pressure", &[]),
    ("Diastolisk blodtrykk", "Diastolic blood pressure", &[]),
    ("ASA-klasse", "ASA physical status", &["ASA 1", "ASA 2", "ASA 3", "ASA 4", "ASA 5"]),
    ("Sivilstand", "Marital status", &["Gift", "Ugift", "Skilt", "Enke/enkemann"]),
    (
        "Hyppighet av alkoholinntak",
        "Frequency of drinking alcohol",
        &["Aldri", "Månedlig", "Ukentlig", "Daglig"],
    ),
    ("Kjent diabetes", "Known diabetes", &["Nei", "Type 1", "Type 2"]),
    ("Fødselsvekt", "Birth weight", &[]),
    ("Dato for innleggelse", "Date of admission", &[]),
    ("Utskrevet til", "Discharge destination", &["Hjem", "Sykehjem", "Annet sykehus", "Død"]),
    ("Tidligere hjerteinfarkt", "Previous myocardial infarction", &["Nei", "Ja", "Ukjent"]),
    ("Fysisk aktivitet", "Physical activity", &["Ingen", "Lett", "Moderat", "Hard"]),
    (
        "Egenvurdert helse",
        "Self-rated health",
        &["Svært god", "God", "Verken god eller dårlig", "Dårlig"],
    ),
    ("Operasjonstid", "Duration of operation", &[]),
    ("Hemoglobin", "Haemoglobin", &[]),
    ("Kreatinin", "Creatinine", &[]),
    ("Totalkolesterol", "Total cholesterol", &[]),
    ("HbA1c", "HbA1c", &[]),
    ("Hjertefrekvens", "Heart rate", &[]),
    ("Livvidde", "Waist circumference", &[]),
    ("Søvnvansker", "Sleep problems", &["Aldri", "Av og til", "Ofte", "Alltid"]),
    ("Smerteintensitet", "Pain intensity", &["0", "1-3", "4-6", "7-10"]),
    ("Angstsymptomer", "Anxiety symptoms", &["Ingen", "Milde", "Moderate", "Alvorlige"]),
    ("Depresjonssymptomer", "Depressive symptoms", &["Ingen", "Milde", "Moderate", "Alvorlige"]),
    ("Tannhelse", "Dental health", &["God", "Middels", "Dårlig"]),
    ("Synsfunksjon", "Vision", &["Normal", "Nedsatt", "Blind"]),
    ("Hørselsfunksjon", "Hearing", &["Normal", "Nedsatt", "Døv"]),
    ("Hoftebrudd", "Hip fracture", &["Nei", "Ja"]),
    ("Hjerneslag", "Stroke", &["Nei", "Hjerneinfarkt", "Hjerneblødning"]),
    ("Reoperasjon innen 30 dager", "Reoperation within 30 days", &["Nei", "Ja"]),
    ("Sårinfeksjon", "Wound infection", &["Nei", "Overfladisk", "Dyp"]),
    ("Antibiotikabehandling", "Antibiotic treatment", &["Nei", "Profylaktisk", "Terapeutisk"]),
    ("Blodtransfusjon", "Blood transfusion", &["Nei", "Ja"]),
    ("Liggetid", "Length of stay", &[]),
    (
        "Arbeidsstatus",
        "Employment status",
        &["I arbeid", "Arbeidsledig", "Ufør", "Pensjonist", "Student"],
    ),
    (
        "Husholdningens inntekt",
        "Household income",
        &["Under 300 000", "300 000-600 000", "Over 600 000"],
    ),
    (
        "Bosituasjon",
        "Living situation",
        &["Bor alene", "Bor med partner", "Bor med andre", "Institusjon"],
    ),
    ("Fødeland", "Country of birth", &["Norge", "Annet nordisk land", "Europa", "Utenfor Europa"]),
    ("Paritet", "Parity", &["0", "1", "2", "3 eller flere"]),
    ("Svangerskapslengde", "Gestational age", &[]),
    ("Apgar-skår etter 5 minutter", "Apgar score at 5 minutes", &[]),
    ("Keisersnitt", "Caesarean section", &["Nei", "Planlagt", "Akutt"]),
    ("Amming", "Breastfeeding", &["Nei", "Delvis", "Fullt"]),
    ("Vaksinasjonsstatus", "Vaccination status", &["Fullvaksinert", "Delvis", "Uvaksinert"]),
    ("Kreftdiagnose", "Cancer diagnosis", &[]),
    ("Tumorstørrelse", "Tumour size", &[]),
    ("Metastaser", "Metastases", &["Nei", "Regionale", "Fjern"]),
    ("Cellegiftbehandling", "Chemotherapy", &["Nei", "Adjuvant", "Palliativ"]),
    ("Strålebehandling", "Radiotherapy", &["Nei", "Ja"]),
    ("Hastegrad", "Urgency", &["Elektiv", "Øyeblikkelig hjelp"]),
    ("Dødsårsak", "Cause of death", &[]),
    (
        "Funksjonsnivå",
        "Functional status",
        &["Selvhjulpen", "Trenger noe hjelp", "Trenger mye hjelp"],
    ),
    ("Kognitiv svikt", "Cognitive impairment", &["Ingen", "Mild", "Moderat", "Alvorlig"]),
    ("Fallulykker siste år", "Falls in the last year", &["Ingen", "Én", "Flere"]),
];
/// When or how a registry asks, which varies the wording of every topic.
const QUALIFIERS: &[&str] = &[
    "ved innkomst",
    "ved utskrivning",
    "etter tre måneder",
    "ved kontroll",
    "siste år",
    "før operasjon",
    "ved diagnose",
    "i svangerskapet",
    "etter ett år",
    "ved oppfølging",
    "selvrapportert",
    "målt av sykepleier",
    "fra journal",
    "ved henvisning",
    "etter behandling",
    "ved første konsultasjon",
];
const KINDS: [RegistryKind; 3] =
    [RegistryKind::Central, RegistryKind::Quality, RegistryKind::Survey];

/// A small deterministic generator, so that every run indexes the same catalog; a crate's
/// generator may change its sequence between versions.
pub struct Sequence(pub u64);

impl Sequence {
    /// The next number of the sequence.
    fn step(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.step() % n as u64) as usize
    }
}

/// The `i`th generated variable, its registry's kind, and that it is current.
pub fn variable(i: usize, sequence: &mut Sequence) -> (VariableVersion, RegistryKind, bool) {
    let (nb, en, options) = TOPICS[sequence.below(TOPICS.len())];
    let qualifier = QUALIFIERS[sequence.below(QUALIFIERS.len())];
    let registry = i % 60;
    let from = 1970 + sequence.below(50) as i32;
    let to = (sequence.below(4) == 0).then(|| from + 1 + sequence.below(20) as i32);
    let categories = options
        .iter()
        .enumerate()
        .map(|(order, option)| Category {
            code: (order + 1).to_string(),
            label: LocalizedText::nb(option),
            missing: false,
            order: order as u32,
            period: Period::default(),
        })
        .collect();
    let definition = VariableDefinition {
        label: LocalizedText { nb: Some(format!("{nb} {qualifier}")), en: Some(en.to_owned()) },
        description: LocalizedText::nb(&format!(
            "Registreres av behandlende lege {qualifier}. Skjema {}.",
            i % 97
        )),
        value_domain: ValueDomain { categories, ..ValueDomain::default() },
        period: Period {
            from: NaiveDate::from_ymd_opt(from, 1, 1),
            to: to.and_then(|year| NaiveDate::from_ymd_opt(year, 12, 31)),
        },
        ..VariableDefinition::of_type(if options.is_empty() {
            DataType::Decimal
        } else {
            DataType::Categorical
        })
    };
    let key = VariableKey::new(
        RegistryId::new(&format!("reg{registry:02}")).expect("a slug"),
        &format!("VAR_{i:07}"),
    )
    .expect("a name");
    let version = VariableVersion {
        key,
        version: VersionNo::FIRST,
        status: Status::Published,
        published_at: None,
        definition,
        provenance: Provenance {
            source_file: "generated".into(),
            format: "bench".into(),
            import: ImportId(1),
            recorded_by: "bench".into(),
            recorded_at: chrono::Utc::now(),
        },
    };
    (version, KINDS[registry % 3], true)
}

/// The fixed query mix: single words, two words, phrases and prefixes, some filtered.
pub fn queries() -> Vec<SearchRequest> {
    let singles = [
        "røyk",
        "smoking",
        "utdanning",
        "vekt",
        "blodtrykk",
        "diabetes",
        "snus",
        "alkohol",
        "height",
        "sivilstand",
        "søvn",
        "kreatinin",
        "infeksjon",
        "amming",
    ];
    let doubles = [
        "røyker daglig",
        "body weight",
        "fysisk aktivitet",
        "tidligere hjerteinfarkt",
        "utskrevet hjem",
        "smoking status",
        "cellegift palliativ",
        "hoftebrudd fall",
    ];
    let phrases =
        ["\"ved innkomst\"", "\"body mass index\"", "\"siste år\"", "\"etter behandling\""];
    let prefixes = ["røyk*", "kropp*", "diab*", "kreft*"];
    let mut sequence = Sequence(42);
    let mut out = Vec::with_capacity(1000);
    for i in 0..1000 {
        let text = match i % 4 {
            0 => singles[sequence.below(singles.len())],
            1 => doubles[sequence.below(doubles.len())],
            2 => phrases[sequence.below(phrases.len())],
            _ => prefixes[sequence.below(prefixes.len())],
        };
        let mut request = SearchRequest::new(text);
        if i % 3 == 0 {
            request.registries = vec![format!("reg{:02}", sequence.below(60))];
        }
        if i % 5 == 0 {
            request.data_type = Some("categorical".into());
        }
        out.push(request);
    }
    out
}
