//! The FashionMNIST experiment through the CLI (native). Stage 1 takes about a minute.
#![cfg(not(target_arch = "wasm32"))]

use std::process::{Command, Output};

const CHECKPOINT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/www/data/fashion-minimum-seed0.bin"
);

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sgd-escape"))
        .args(args)
        .output()
        .expect("the CLI runs")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

#[test]
fn stage1_fits_every_label_and_regenerates_the_committed_checkpoint_bit_for_bit() {
    let path = std::env::temp_dir().join(format!("sgd-escape-minimum-{}.bin", std::process::id()));
    let out = cli(&[
        "fashion",
        "--network",
        "mlp",
        "--seed",
        "0",
        "--iters",
        "1",
        "--methods",
        "gd",
        "--sharpness-draws",
        "2",
        "--save-start",
        path.to_str().unwrap(),
        // The committed checkpoint is the exact kernels' (the page's wasm computes the same).
        "--kernels",
        "portable",
    ]);
    let v = json(&out);
    let gd = &v["gd"];
    assert_eq!(gd["fitted"], true);
    assert_eq!(
        gd["trainAccuracy"], 1.0,
        "every label, the 200 random ones included"
    );
    assert_eq!(gd["record"]["corruptedAccuracy"], 1.0);
    let test = gd["testAccuracy"].as_f64().unwrap();
    assert!(
        (0.55..0.8).contains(&test),
        "test accuracy at the sharp minimum: {test}"
    );
    let made = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).ok();
    let committed = std::fs::read(CHECKPOINT).unwrap();
    assert!(
        made == committed,
        "regenerate with: sgd-escape fashion --network mlp --seed 0 --iters 1 --save-start {CHECKPOINT}"
    );
    // Progress with an ETA went to stderr.
    assert!(String::from_utf8_lossy(&out.stderr).contains("stage 1"));
}

#[test]
fn stage2_from_the_checkpoint_is_deterministic_and_complete() {
    let args = [
        "fashion",
        "--network",
        "mlp",
        "--start",
        CHECKPOINT,
        "--iters",
        "20",
        "--log-every",
        "10",
        "--sharpness-draws",
        "5",
        "--methods",
        "gd,gld-const,gld-leading,sgd",
    ];
    let (a, b) = (cli(&args), cli(&args));
    assert_eq!(a.stdout, b.stdout, "same seed, same numbers");
    let v = json(&a);
    assert_eq!(v["experiment"], "fashion");
    assert_eq!(v["params"], 11140);
    assert_eq!(
        (&v["network"], &v["parameters"]),
        (&"mlp".into(), &11140.into())
    );
    let methods = v["methods"].as_array().unwrap();
    assert_eq!(methods.len(), 4);
    for m in methods {
        let records = m["records"].as_array().unwrap();
        assert_eq!(records.len(), 3, "iterations 0, 10, 20");
        assert_eq!(records[2]["iteration"], 20);
        for key in ["testAccuracy", "sharpness", "trHSigma", "trHSigmaIso"] {
            assert!(m[key].as_f64().unwrap().is_finite(), "{key}");
        }
        // SGD's noise is aligned with the curvature: far above the isotropic reference.
        assert!(m["trHSigma"].as_f64().unwrap() > 10.0 * m["trHSigmaIso"].as_f64().unwrap());
        assert!(records[2]["topEigenvalues"].as_array().unwrap().len() >= 5);
    }
    let csv = cli(&[&args[..], &["--format", "csv"]].concat());
    assert!(csv.status.success());
    assert_eq!(
        String::from_utf8_lossy(&csv.stdout).lines().count(),
        1 + 4 * 3
    );
}

#[test]
fn bad_fashion_flags_exit_2_and_bad_files_exit_1() {
    for (args, flag) in [
        (&["fashion", "--iters", "0"][..], "--iters"),
        (&["fashion", "--methods", "adam"][..], "--methods"),
        (
            &["fashion", "--network", "mlp", "--hidden", "0"][..],
            "--hidden",
        ),
        (&["fashion", "--hidden", "20"][..], "--hidden"),
        (&["fashion", "--network", "resnet"][..], "--network"),
        (&["fashion", "--lr", "-1"][..], "--lr"),
        (&["fashion", "--what", "1"][..], "--what"),
    ] {
        let out = cli(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(flag));
    }
    let out = cli(&["fashion", "--data", "/nonexistent"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent"));
    let out = cli(&["fashion", "--start", "Cargo.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("checkpoint"));
}

/// The paper's CNN's stage-1 minimum for seed 0, as the CLI (default `--network cnn`) writes it.
const CNN_CHECKPOINT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/www/data/fashion-cnn-minimum-seed0.bin"
);

#[test]
fn cnn_stage1_fits_every_label_and_regenerates_the_committed_checkpoint_bit_for_bit() {
    let path =
        std::env::temp_dir().join(format!("sgd-escape-cnn-minimum-{}.bin", std::process::id()));
    let out = cli(&[
        "fashion",
        "--seed",
        "0",
        "--iters",
        "1",
        "--methods",
        "gd",
        "--sharpness-draws",
        "2",
        "--save-start",
        path.to_str().unwrap(),
    ]);
    let v = json(&out);
    assert_eq!(
        (&v["network"], &v["parameters"]),
        (&"cnn".into(), &11330.into())
    );
    assert_eq!(v["gd"]["fitted"], true);
    assert_eq!(v["gd"]["record"]["corruptedAccuracy"], 1.0);
    // Paper: about 3000 iterations, GD's test accuracy 66.22%.
    let iterations = v["gd"]["iterations"].as_u64().unwrap();
    assert!(
        (1000..6000).contains(&iterations),
        "{iterations} iterations"
    );
    let test = v["gd"]["testAccuracy"].as_f64().unwrap();
    assert!(
        (0.55..0.8).contains(&test),
        "test accuracy at the sharp minimum: {test}"
    );
    let made = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).ok();
    let committed = std::fs::read(CNN_CHECKPOINT).unwrap();
    assert!(
        made == committed,
        "regenerate with: sgd-escape fashion --seed 0 --iters 1 --save-start {CNN_CHECKPOINT}"
    );
}
