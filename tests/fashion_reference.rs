//! The FashionMNIST figure quotes the native reference runs from
//! www/data/fashion-reference.json: that file must be exactly what `fashion-summary` makes of
//! the committed result files, so no number in the caption is typed by hand or stale.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/cli.rs"]
mod common_cli;

use common_cli::{cli, json};

/// The command that regenerates the shipped file (also in docs/reproduction.md).
const REGENERATE: &str = "sgd-escape fashion-summary results/fashion --horizon 3000 \
                          --dataset paper > www/data/fashion-reference.json";

#[test]
fn the_shipped_reference_summary_is_the_summary_of_the_committed_results() {
    // cargo runs integration tests in the package root, where results/ is.
    let out = cli(&[
        "fashion-summary",
        "results/fashion",
        "--horizon",
        "3000",
        "--dataset",
        "paper",
    ]);
    let groups = json(&out);
    let shipped = include_str!("../www/data/fashion-reference.json");
    assert!(
        out.stdout == shipped.as_bytes(),
        "www/data/fashion-reference.json is stale: regenerate it with `{REGENERATE}`"
    );
    // Both networks are quoted by the page.
    for network in ["cnn", "mlp"] {
        assert!(
            groups
                .as_array()
                .expect("an array of groups")
                .iter()
                .any(|g| g["network"] == network),
            "no {network} group"
        );
    }
}

#[test]
fn fashion_summary_filters_by_network_and_never_mixes_networks_in_one_curve() {
    let out = cli(&[
        "fashion-summary",
        "results/fashion",
        "--horizon",
        "3000",
        "--network",
        "cnn",
    ]);
    let groups = json(&out);
    let groups = groups.as_array().expect("an array of groups");
    assert!(!groups.is_empty() && groups.iter().all(|g| g["network"] == "cnn"));
    let bad = cli(&["fashion-summary", "results/fashion", "--network", "vgg"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("`--network`"));
    // Both networks in one figure: each curve is one network's, and says which.
    let svg = std::env::temp_dir().join(format!("sgd-escape-summary-{}.svg", std::process::id()));
    let path = svg.to_str().expect("utf-8 path");
    let out = cli(&[
        "fashion-summary",
        "results/fashion",
        "--horizon",
        "3000",
        "--plot",
        path,
    ]);
    assert!(out.status.success());
    let text = std::fs::read_to_string(&svg).expect("the SVG");
    std::fs::remove_file(&svg).ok();
    assert!(text.contains("CNN PAPER sgd (n = ") && text.contains("MLP PAPER sgd (n = "));
}
