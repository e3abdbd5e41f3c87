//! A fresh data directory per test, and a command builder for the binary under test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root: tests run there, so fixture paths read as a user would type them.
pub(crate) fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

/// A temporary directory with its own store.
pub(crate) struct Workspace {
    dir: tempfile::TempDir,
}

/// What a command printed and how it exited.
pub(crate) struct Run {
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) code: i32,
}

impl Workspace {
    pub(crate) fn new() -> Workspace {
        Workspace { dir: tempfile::tempdir().unwrap() }
    }

    /// The store's directory.
    pub(crate) fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A path inside the workspace, for files a test writes.
    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The binary with this workspace's store, run from the repository root.
    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_varkat-under-test"));
        command
            .args(args)
            .current_dir(repo())
            .env("VARKAT_DATA", self.data_dir())
            .env("VARKAT_USER", "tester")
            .env_remove("VARKAT_LOG");
        command
    }

    /// Runs the binary and returns what it printed.
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        let Output { status, stdout, stderr } = self.command(args).output().unwrap();
        Run {
            stdout: String::from_utf8(stdout).unwrap(),
            stderr: String::from_utf8(stderr).unwrap(),
            code: status.code().unwrap_or(-1),
        }
    }

    /// Runs the binary, expects success, and returns stdout.
    #[track_caller]
    pub(crate) fn ok(&self, args: &[&str]) -> String {
        let run = self.run(args);
        assert_eq!(run.code, 0, "varkat {args:?} failed:\n{}{}", run.stdout, run.stderr);
        run.stdout
    }

    /// Runs the binary, expects exit `code`, and returns stderr.
    #[track_caller]
    pub(crate) fn fails(&self, args: &[&str], code: i32) -> String {
        let run = self.run(args);
        assert_eq!(
            run.code, code,
            "varkat {args:?} exited {} instead of {code}:\n{}{}",
            run.code, run.stdout, run.stderr
        );
        run.stderr
    }

    /// Runs the binary with `--json` and parses what it printed.
    #[track_caller]
    pub(crate) fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut args = args.to_vec();
        args.push("--json");
        serde_json::from_str(&self.ok(&args)).unwrap()
    }

    /// Imports the demo catalog's registries and first codebooks, as most tests start.
    pub(crate) fn with_catalog(self) -> Workspace {
        self.ok(&["import", "fixtures/catalog/registries.json"]);
        self.ok(&["import", "fixtures/catalog/mfr.json", "fixtures/catalog/kreftreg.json"]);
        self.ok(&[
            "import",
            "--registry",
            "hjerteinfarkt",
            "fixtures/catalog/hjerteinfarkt_klokebok_2023.csv",
        ]);
        self.ok(&[
            "import",
            "--registry",
            "hjerneslag",
            "--encoding",
            "latin1",
            "fixtures/catalog/hjerneslag_klokebok_latin1.csv",
        ]);
        self.ok(&[
            "import",
            "fixtures/catalog/surveys_variables.csv",
            "fixtures/catalog/surveys_categories.csv",
        ]);
        self
    }

    /// The number of changes in the log.
    pub(crate) fn n_changes(&self) -> usize {
        self.json(&["changes"]).as_array().unwrap().len()
    }
}

/// Asserts that `haystack` contains every needle, showing it whole when it does not.
#[track_caller]
pub(crate) fn assert_contains(haystack: &str, needles: &[&str]) {
    for needle in needles {
        assert!(haystack.contains(needle), "expected to find {needle:?} in:\n{haystack}");
    }
}
