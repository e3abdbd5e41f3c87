//! Drafts: a steward imports with `--draft`, inspects, then publishes or discards.

use crate::util::{Workspace, assert_contains};

fn with_draft() -> Workspace {
    let ws = Workspace::new().with_catalog();
    let out = ws.ok(&[
        "import",
        "--draft",
        "--full",
        "--registry",
        "hjerteinfarkt",
        "fixtures/catalog/hjerteinfarkt_klokebok_2024.csv",
    ]);
    assert_contains(&out, &["1 new, 4 changed, 1 retired, 4 unchanged (written as drafts)"]);
    ws
}

#[test]
fn drafts_are_hidden_from_researchers_until_published() {
    let ws = with_draft();
    assert_contains(
        &ws.ok(&["show", "hjerteinfarkt/INNLEGGELSE_ROYKER"]),
        &["(version 1 of 2, published", "Røyker pasienten?"],
    );
    assert_contains(
        &ws.ok(&["show", "--drafts", "hjerteinfarkt/INNLEGGELSE_ROYKER"]),
        &["(version 2 of 2, draft)", "Røykestatus ved innleggelse"],
    );
    assert!(!ws.ok(&["variables", "hjerteinfarkt"]).contains("BEHANDLING_ANGIOGRAFI_DATO"));
    assert_contains(
        &ws.ok(&["variables", "--drafts", "hjerteinfarkt"]),
        &["BEHANDLING_ANGIOGRAFI_DATO", "[draft]"],
    );
    assert_contains(
        &ws.ok(&["registries"]),
        &["hjerteinfarkt  quality          9  Norsk hjerteinfarktregister (+6 drafts)"],
    );
    assert_contains(
        &ws.ok(&[
            "diff",
            "hjerteinfarkt/INNLEGGELSE_TIDLIGERE_MI@1",
            "hjerteinfarkt/INNLEGGELSE_TIDLIGERE_MI@2",
        ]),
        &["recoded  Nei: 0 -> 2  BREAKING"],
    );

    let before = ws.n_changes();
    let out = ws.ok(&["publish", "hjerteinfarkt"]);
    assert_contains(&out, &["published 6 draft versions of hjerteinfarkt"]);
    assert_eq!(ws.n_changes(), before + 1);
    assert_contains(
        &ws.ok(&["show", "hjerteinfarkt/INNLEGGELSE_ROYKER"]),
        &["(version 2 of 2, published"],
    );
    assert_contains(
        &ws.ok(&["show", "hjerteinfarkt/INNLEGGELSE_BLODTRYKK_SYS"]),
        &["(version 2 of 2, retired"],
    );
}

#[test]
fn a_publishing_import_waits_for_pending_drafts() {
    let ws = with_draft();
    let err = ws.fails(
        &[
            "import",
            "--registry",
            "hjerteinfarkt",
            "fixtures/catalog/hjerteinfarkt_klokebok_2024.csv",
        ],
        6,
    );
    assert_contains(
        &err,
        &[
            "registry `hjerteinfarkt` has unpublished drafts; run `varkat publish hjerteinfarkt` or `varkat discard hjerteinfarkt` first, or import with --draft",
        ],
    );
}

#[test]
fn discard_drops_the_drafts() {
    let ws = with_draft();
    assert_contains(
        &ws.ok(&["discard", "hjerteinfarkt"]),
        &["discarded 6 draft versions of hjerteinfarkt"],
    );
    assert_contains(&ws.ok(&["history", "hjerteinfarkt/INNLEGGELSE_ROYKER"]), &["1 version"]);
    assert_contains(
        &ws.fails(&["show", "hjerteinfarkt/BEHANDLING_ANGIOGRAFI_DATO"], 4),
        &["does not exist"],
    );
    assert_contains(
        &ws.fails(&["publish", "hjerteinfarkt"], 6),
        &["registry `hjerteinfarkt` has no drafts"],
    );
}
