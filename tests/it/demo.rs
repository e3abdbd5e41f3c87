//! `varkat demo`: the README's first command.

use crate::util::{Workspace, assert_contains};

#[test]
fn demo_loads_the_example_catalog_and_shows_what_changed() {
    let ws = Workspace::new();
    let out = ws.ok(&["demo", "--data-dir", ws.data_dir().to_str().unwrap()]);
    assert_contains(
        &out,
        &[
            "change 6: import #6 of fixtures/catalog/hjerteinfarkt_klokebok_2024.csv: 1 new, 4 changed, 1 retired",
            "tromso         survey     6 variables  Tromsøundersøkelsen",
            "changed  INNLEGGELSE_TIDLIGERE_MI                 1 recoded (breaking)",
            "retired  INNLEGGELSE_BLODTRYKK_SYS",
            "~ 1  [-Ja-]{+Nåværende røyker+}",
        ],
    );
    assert_contains(&ws.ok(&["history", "hjerteinfarkt/INNLEGGELSE_ROYKER"]), &["2 versions"]);
    assert_contains(
        &ws.fails(&["demo", "--data-dir", ws.data_dir().to_str().unwrap()], 1),
        &["is not empty; the demo needs a new one"],
    );
}
