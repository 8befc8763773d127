//! The command line, run as a user would (native).
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/cli.rs"]
mod common_cli;

use common_cli::{cli, json};

#[test]
fn toy_json_has_the_documented_shape() {
    let out = cli(&[
        "toy",
        "--runs",
        "20",
        "--seed",
        "3",
        "--iterations",
        "40",
        "--format",
        "json",
    ]);
    let v = json(&out);
    assert_eq!(v["experiment"], "toy");
    assert_eq!(v["runs"], 20);
    assert_eq!(v["seed"], 3);
    let methods = v["methods"].as_array().unwrap();
    let ids: Vec<&str> = methods.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "gd",
            "gld-const",
            "gld-dynamic",
            "gld-diag",
            "gld-leading",
            "gld-hessian",
            "gld-eigvec",
            "sgd"
        ]
    );
    for m in methods {
        assert_eq!(m["runs"], 20);
        let escaped = m["escaped"].as_u64().unwrap();
        assert!(escaped <= 20);
        assert!(m["trHSigma"].as_f64().unwrap() >= 0.0);
        assert!(m["trHSigmaIso"].as_f64().unwrap() >= 0.0);
        let curve = m["escapeCurve"].as_array().unwrap();
        assert_eq!(curve.len(), 41, "iterations 0..=40");
        let last = curve.last().unwrap().as_f64().unwrap();
        assert!((last * 20.0 - escaped as f64).abs() < 1e-4);
    }
    let eigvec = &methods[6];
    assert!((eigvec["trHSigma"].as_f64().unwrap() - 2.0).abs() < 0.02);
}

#[test]
fn same_seed_same_output_and_methods_filter() {
    let a = cli(&[
        "toy",
        "--runs",
        "10",
        "--iterations",
        "30",
        "--methods",
        "sgd,gd",
    ]);
    let b = cli(&["toy", "--runs=10", "--iterations=30", "--methods=gd,sgd"]);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    assert_eq!(v["methods"].as_array().unwrap().len(), 2);
}

#[test]
fn csv_has_a_header_and_a_row_per_iteration() {
    let out = cli(&[
        "toy",
        "--runs",
        "5",
        "--iterations",
        "10",
        "--methods",
        "gd,gld-eigvec",
        "--format",
        "csv",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "iteration,gd_escaped,gd_mean_loss,gd_diverged,gld-eigvec_escaped,gld-eigvec_mean_loss,gld-eigvec_diverged"
    );
    assert_eq!(lines.len(), 12);
    assert!(lines[11].starts_with("10,"));
}

#[test]
fn bad_flags_exit_2_naming_the_flag() {
    let cases: [(&[&str], &str); 26] = [
        (&["toy", "--lr", "-1"], "--lr"),
        (&["toy", "--lr", "inf"], "--lr"),
        (&["toy", "--data-spread", "-0.1"], "--data-spread"),
        (&["toy", "--seed", "4294967296"], "--seed"),
        (&["toy", "--runs", "100000", "--samples", "100"], "--runs"),
        (&["toy", "--iterations", "10000001"], "--iterations"),
        (&["fashion", "--hidden", "14,x"], "--hidden"),
        (&["fashion", "--hidden", "4096,4096,4096"], "--hidden"),
        (&["fashion", "--hidden", "1,1,1,1,1,1,1,1,1"], "--hidden"),
        (&["fashion", "--lr", "0"], "--lr"),
        (&["one-hidden-layer", "--epochs", "1001"], "--epochs"),
        (&["toy", "--lr", "abc"], "--lr"),
        (&["toy", "--runs", "0"], "--runs"),
        (&["toy", "--runs"], "--runs"),
        (&["toy", "--noise-trace", "NaN"], "--noise-trace"),
        (&["toy", "--methods", "gd,adam"], "--methods"),
        (&["toy", "--batch-size", "101"], "--batch-size"),
        (&["toy", "--iterations", "1.5"], "--iterations"),
        (&["toy", "--format", "xml"], "--format"),
        (&["toy", "--bogus", "1"], "--bogus"),
        (&["toy", "--sharp-lambda2", "300"], "--sharp-lambda2"),
        (&["toy", "--sharp-angle", "91"], "--sharp-angle"),
        (&["sweep"], "--vary"),
        (
            &["sweep", "--vary", "angle", "--methods", "gd"],
            "--methods",
        ),
        (&["sweep", "--vary", "angle", "--to", "200"], "--to"),
        (
            &["sweep", "--vary", "sharpness", "--minima-distance", "0"],
            "--minima-distance",
        ),
    ];
    // (`--config` with a bad file: its own test below.)
    for (args, flag) in cases {
        let out = cli(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(flag), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
    assert_eq!(cli(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(cli(&[]).status.code(), Some(2));
    assert!(cli(&["help"]).status.success());
}

#[test]
fn one_hidden_layer_json_has_per_epoch_traces() {
    let out = cli(&[
        "one-hidden-layer",
        "--seed",
        "123",
        "--epochs",
        "4",
        "--format",
        "json",
    ]);
    let v = json(&out);
    assert_eq!(v["experiment"], "one-hidden-layer");
    assert_eq!(v["parameters"], 300);
    let a = v["trHSigma"].as_array().unwrap();
    let b = v["trHSigmaIso"].as_array().unwrap();
    assert_eq!((a.len(), b.len()), (5, 5));
    assert!(a
        .iter()
        .zip(b)
        .all(|(x, y)| x.as_f64().unwrap() > y.as_f64().unwrap()));
    assert_eq!(
        cli(&["one-hidden-layer", "--epochs", "0"]).status.code(),
        Some(2)
    );
    assert_eq!(
        cli(&["one-hidden-layer", "--lr", "1"]).status.code(),
        Some(2)
    );
}

#[test]
fn toy_table_counts_escaped_stayed_and_diverged() {
    let out = cli(&[
        "toy",
        "--runs",
        "10",
        "--iterations",
        "20",
        "--format",
        "table",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[1].contains("escaped") && lines[1].contains("diverged"),
        "{text}"
    );
    assert_eq!(lines.len(), 2 + 8, "{text}");
    for row in &lines[2..] {
        let numbers: Vec<usize> = row
            .split_whitespace()
            .skip(1)
            .take(3)
            .map(|x| x.parse().unwrap())
            .collect();
        assert_eq!(numbers.iter().sum::<usize>(), 10, "{row}");
    }
    // The JSON has the same three counts.
    let v = json(&cli(&["toy", "--runs", "10", "--iterations", "20"]));
    for m in v["methods"].as_array().unwrap() {
        let count = |k: &str| m[k].as_u64().unwrap();
        assert_eq!(count("escaped") + count("stayed") + count("diverged"), 10);
        assert_eq!(m["divergedCurve"].as_array().unwrap().len(), 21);
    }
}

#[test]
fn toy_reads_a_json_config_and_flags_override_it() {
    let dir = std::env::temp_dir().join(format!("sgd-escape-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.json");
    std::fs::write(
        &good,
        r#"{"runs": 3, "lr": 0.01, "methods": ["gd", "sgd"], "seed": 9}"#,
    )
    .unwrap();
    let path = good.to_str().unwrap();
    let v = json(&cli(&[
        "toy",
        "--config",
        path,
        "--seed",
        "4",
        "--iterations",
        "2",
    ]));
    assert_eq!((v["runs"].as_u64(), v["seed"].as_u64()), (Some(3), Some(4)));
    assert_eq!(v["lr"].as_f64(), Some(0.01));
    assert_eq!(v["methods"].as_array().unwrap().len(), 2);
    for (name, text, needle) in [
        ("bad.json", r#"{"runs": -3}"#, "`runs` must be an integer"),
        ("list.json", "[1, 2]", "`config`"),
        ("broken.json", "{runs: 3", "`config`"),
        (
            "unknown.json",
            r#"{"__proto__": {"runs": 3}}"#,
            "`__proto__`",
        ),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, text).unwrap();
        let out = cli(&["toy", "--config", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--config") && err.contains(needle),
            "{name}: {err}"
        );
    }
    let missing = cli(&["toy", "--config", dir.join("nope.json").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn help_per_subcommand_is_generated_from_the_schema_and_version_prints() {
    for (command, flags) in [
        (
            "toy",
            &["--noise-trace", "--data-spread", "--config", "--plot"][..],
        ),
        (
            "fashion",
            &["--iters", "--log-every", "--seeds", "--hidden", "--network"][..],
        ),
        ("one-hidden-layer", &["--epochs", "--seed", "--format"][..]),
        (
            "sweep",
            &["--vary", "--points", "--sharp-angle", "--runs", "--plot"][..],
        ),
    ] {
        let out = cli(&[command, "--help"]);
        assert!(out.status.success(), "{command}");
        let text = String::from_utf8_lossy(&out.stdout);
        for flag in flags {
            assert!(
                text.contains(flag),
                "{command} --help lacks {flag}:\n{text}"
            );
        }
    }
    // Ranges and defaults come from the schema.
    let toy = String::from_utf8_lossy(&cli(&["toy", "--help"]).stdout).to_string();
    assert!(toy.contains("1..=100000; default 100"), "{toy}");
    let version = cli(&["--version"]);
    assert!(version.status.success());
    assert!(String::from_utf8_lossy(&version.stdout).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn switches_take_no_value() {
    // `schema --markdown` is a plain switch: a value after it is an unexpected argument
    // (exit 2, naming the value).
    let out = cli(&["schema", "--markdown", "true"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`true`"));
}

#[test]
fn the_schema_command_prints_www_lib_schema_json() {
    let out = cli(&["schema"]);
    assert!(out.status.success());
    let committed = include_str!("../www/lib/schema.json");
    assert_eq!(String::from_utf8_lossy(&out.stdout), committed);
}

#[test]
fn seed_random_draws_a_seed_that_reproduces_the_run() {
    for command in [
        &["toy", "--runs", "5", "--iterations", "20"][..],
        &["one-hidden-layer", "--epochs", "1"][..],
    ] {
        let with = |seed: &str| {
            let mut args = command.to_vec();
            args.extend(["--seed", seed]);
            cli(&args)
        };
        let first = with("random");
        let v = json(&first);
        let seed = v["seed"].as_u64().expect("a concrete seed in the JSON");
        let again = with(&seed.to_string());
        assert_eq!(first.stdout, again.stdout, "{command:?} --seed {seed}");
        // Two draws differ (a 1 in 2^32 chance of a false failure).
        let other = json(&with("random"))["seed"].as_u64().unwrap();
        assert_ne!(seed, other);
    }
}

#[test]
fn kernels_option_selects_or_names_itself() {
    // Accepted anywhere on the line; the toy experiment (f64) gives the same JSON either way.
    let auto = json(&cli(&["toy", "--runs", "5", "--iterations", "20"]));
    let portable = json(&cli(&[
        "--kernels",
        "portable",
        "toy",
        "--runs",
        "5",
        "--iterations",
        "20",
    ]));
    assert_eq!(auto, portable);
    // After the subcommand, and in clap's `=` form.
    for after in [
        &[
            "toy",
            "--runs",
            "5",
            "--kernels",
            "portable",
            "--iterations",
            "20",
        ][..],
        &[
            "toy",
            "--runs",
            "5",
            "--iterations",
            "20",
            "--kernels=portable",
        ][..],
    ] {
        assert_eq!(json(&cli(after)), auto, "{after:?}");
    }
    for bad in [
        &["toy", "--kernels", "fast"][..],
        &[
            "toy",
            "--runs",
            "5",
            "--kernels",
            "fast",
            "--iterations",
            "20",
        ][..],
        &["--kernels", "fast", "toy"][..],
        &["toy", "--kernels"][..],
        &["--kernels"][..],
    ] {
        let out = cli(bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        // Named in backticks, like every other flag in an error (the fuzzer's rule).
        assert!(err.contains("`--kernels`"), "{bad:?}: {err}");
    }
}
