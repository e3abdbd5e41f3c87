//! Repository rules checked by `cargo test` rather than remembered: the direction of
//! dependence between crates, dependencies pinned once, docs on every file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::util::repo;

/// Which varkat crates each member may depend on (ARCHITECTURE.md says why).
const ALLOWED: &[(&str, &[&str])] = &[
    ("catalog", &[]),
    ("vocabulary", &[]),
    ("importers", &["catalog"]),
    ("indexer", &["catalog", "vocabulary"]),
    ("harmonize", &["catalog", "vocabulary"]),
    ("server", &["catalog", "importers", "indexer", "harmonize"]),
    ("cli", &["catalog", "importers", "indexer", "harmonize", "server"]),
    ("bench", &["catalog", "importers", "indexer", "harmonize"]),
    ("tests", &["cli", "catalog"]),
];

const VARKAT_CRATES: &[&str] =
    &["catalog", "vocabulary", "importers", "indexer", "harmonize", "server", "cli"];

/// The dependency names of a manifest's `[dependencies]`, `[dev-dependencies]` and
/// `[build-dependencies]` tables. Our manifests keep one dependency per line, so reading lines
/// is enough and spares the tests a TOML parser.
fn dependencies(manifest: &str) -> Vec<(String, String)> {
    let mut section = String::new();
    let mut out = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line.trim_matches(['[', ']']).to_owned();
        } else if section.ends_with("dependencies") && !line.is_empty() && !line.starts_with('#') {
            let name = line.split(['=', '.']).next().unwrap().trim().to_owned();
            out.push((name, line.to_owned()));
        }
    }
    out
}

fn members() -> Vec<String> {
    ALLOWED.iter().map(|(member, _)| (*member).to_owned()).collect()
}

#[test]
fn crates_depend_only_downward() {
    for (member, allowed) in ALLOWED {
        let manifest = std::fs::read_to_string(repo().join(member).join("Cargo.toml")).unwrap();
        for (name, _) in dependencies(&manifest) {
            if VARKAT_CRATES.contains(&name.as_str()) {
                assert!(
                    allowed.contains(&name.as_str()),
                    "`{member}` must not depend on `{name}` (see ARCHITECTURE.md)"
                );
            }
        }
    }
}

#[test]
fn every_dependency_is_pinned_in_the_workspace() {
    for member in members() {
        let manifest = std::fs::read_to_string(repo().join(&member).join("Cargo.toml")).unwrap();
        for (name, line) in dependencies(&manifest) {
            assert!(
                line.contains("workspace = true"),
                "{member}/Cargo.toml: `{name}` must be `{name}.workspace = true`, pinned once in the root Cargo.toml"
            );
        }
    }
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

#[test]
fn every_source_file_says_what_it_is_for() {
    for member in members() {
        for dir in ["src", "it"] {
            let dir = repo().join(&member).join(dir);
            if !dir.is_dir() {
                continue;
            }
            for file in rust_files(&dir) {
                let text = std::fs::read_to_string(&file).unwrap();
                assert!(
                    text.starts_with("//!"),
                    "{} must start with a `//!` comment saying what it is for",
                    file.display()
                );
            }
        }
    }
}

#[test]
fn no_debugging_leftovers() {
    let banned = ["dbg!(", "todo!(", "#[should_panic", "#[ignore"];
    for member in members() {
        for file in rust_files(&repo().join(&member)) {
            if file.ends_with("tidy.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            for needle in banned {
                assert!(!text.contains(needle), "{} contains `{needle}`", file.display());
            }
        }
    }
}

#[test]
fn architecture_names_every_crate() {
    let architecture = std::fs::read_to_string(repo().join("ARCHITECTURE.md")).unwrap();
    for member in members() {
        assert!(
            architecture.contains(&format!("`{member}/`")),
            "ARCHITECTURE.md does not describe `{member}/`"
        );
    }
}

#[test]
fn fixtures_readme_names_every_fixture() {
    let readme = std::fs::read_to_string(repo().join("fixtures/README.md")).unwrap();
    let root = repo().join("fixtures");
    let mut missing = BTreeSet::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path.strip_prefix(&root).unwrap().to_string_lossy().into_owned();
            let folder =
                path.parent().unwrap().strip_prefix(&root).unwrap().to_string_lossy().into_owned();
            let named = relative == "README.md"
                || readme.contains(&format!("`{relative}`"))
                || readme.contains(&format!("`{folder}/`"));
            if !named {
                missing.insert(relative);
            }
        }
    }
    assert!(missing.is_empty(), "fixtures/README.md does not mention: {missing:?}");
}
