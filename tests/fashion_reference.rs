//! The FashionMNIST figure quotes the native reference runs from
//! www/data/fashion-reference.json: that file must be exactly what `fashion-summary` makes of
//! the committed result files, so no number in the caption is typed by hand or stale.

use std::process::Command;

/// The command that regenerates the shipped file (also in docs/reproduction.md).
const REGENERATE: &str = "sgd-escape fashion-summary results/fashion --horizon 3000 \
                          --dataset paper > www/data/fashion-reference.json";

#[test]
fn the_shipped_reference_summary_is_the_summary_of_the_committed_results() {
    let out = Command::new(env!("CARGO_BIN_EXE_sgd-escape"))
        .args([
            "fashion-summary",
            "results/fashion",
            "--horizon",
            "3000",
            "--dataset",
            "paper",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run sgd-escape");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let made = String::from_utf8(out.stdout).expect("utf-8");
    let shipped = include_str!("../www/data/fashion-reference.json");
    assert!(
        made == shipped,
        "www/data/fashion-reference.json is stale: regenerate it with `{REGENERATE}`"
    );
    // Both networks are quoted by the page.
    let groups: serde_json::Value = serde_json::from_str(shipped).expect("json");
    for network in ["cnn", "mlp"] {
        assert!(
            groups
                .as_array()
                .expect("array")
                .iter()
                .any(|g| g["network"] == network),
            "no {network} group"
        );
    }
}
