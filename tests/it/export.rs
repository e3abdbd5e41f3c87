//! Export and re-import: the codebook round trip, and the whole-catalog backup.

use crate::util::{Workspace, assert_contains};

#[test]
fn export_then_import_gives_no_change() {
    let ws = Workspace::new().with_catalog();
    ws.ok(&[
        "import",
        "--full",
        "--registry",
        "hjerteinfarkt",
        "fixtures/catalog/hjerteinfarkt_klokebok_2024.csv",
    ]);
    let file = ws.path("catalog.json");
    ws.ok(&["export", "--format", "json", "--output", file.to_str().unwrap()]);
    let before = ws.n_changes();
    let out = ws.ok(&["import", file.to_str().unwrap()]);
    assert_contains(&out, &["0 new, 0 changed, 0 retired, 39 unchanged", "nothing changed"]);
    assert_eq!(ws.n_changes(), before);
}

#[test]
fn exported_registry_imports_into_another_catalog() {
    let ws = Workspace::new().with_catalog();
    let text = ws.ok(&["export", "--registry", "hunt"]);
    let file = ws.path("hunt.json");
    std::fs::write(&file, &text).unwrap();
    let other = Workspace::new();
    assert_contains(
        &other.ok(&["import", file.to_str().unwrap()]),
        &["new registry hunt (Helseundersøkelsen i Trøndelag (HUNT), survey)", "7 new"],
    );
    assert_eq!(other.ok(&["export", "--registry", "hunt"]), text);
}

#[test]
fn full_export_restores_an_identical_catalog() {
    let ws = Workspace::new().with_catalog();
    ws.ok(&[
        "import",
        "--draft",
        "--full",
        "--registry",
        "hjerteinfarkt",
        "fixtures/catalog/hjerteinfarkt_klokebok_2024.csv",
    ]);
    let backup = ws.ok(&["export", "--all"]);
    let file = ws.path("backup.json");
    std::fs::write(&file, &backup).unwrap();

    let restored = Workspace::new();
    let out = restored.ok(&["import", file.to_str().unwrap()]);
    assert_contains(&out, &["restored the whole catalog: 6 registries, 45 versions, 6 changes"]);
    assert_eq!(restored.ok(&["export", "--all"]), backup);
    assert_eq!(restored.ok(&["changes"]), ws.ok(&["changes"]));
    assert_eq!(
        restored.ok(&["show", "--drafts", "hjerteinfarkt/INNLEGGELSE_ROYKER"]),
        ws.ok(&["show", "--drafts", "hjerteinfarkt/INNLEGGELSE_ROYKER"])
    );
}

#[test]
fn restore_needs_an_empty_store() {
    let ws = Workspace::new().with_catalog();
    let file = ws.path("backup.json");
    std::fs::write(&file, ws.ok(&["export", "--all"])).unwrap();
    assert_contains(
        &ws.fails(&["import", file.to_str().unwrap()], 6),
        &["a full catalog export can only be restored into an empty store"],
    );
}
