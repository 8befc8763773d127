//! Running the `sgd-escape` binary as a user would, for the CLI tests (tests/cli.rs,
//! tests/fashion.rs).

use std::process::{Command, Output};

/// Runs `sgd-escape args...` to completion.
pub fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sgd-escape"))
        .args(args)
        .output()
        .expect("the CLI binary runs")
}

/// The JSON a successful run printed (fails the test with the run's stderr otherwise).
pub fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}
