//! The FashionMNIST experiment through the CLI (native). Stage 1 takes about a minute.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/cli.rs"]
mod common_cli;

use common_cli::{cli, json};
use std::process::Output;

const CHECKPOINT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/www/data/fashion-minimum-seed0.bin"
);

/// `sgd-escape fashion` with `args` and one GD iteration of stage 2 with 2 sharpness draws
/// (the cheapest complete run: stage 1 and its record).
fn fashion_one_iteration(args: &[&str]) -> Output {
    let quick = ["--iters", "1", "--methods", "gd", "--sharpness-draws", "2"];
    cli(&[&["fashion"][..], args, &quick].concat())
}

/// Stage 1 of seed 0 with the network flags `network`, saving its minimum with the exact
/// kernels (the committed checkpoints are theirs; the page's wasm computes the same): the run
/// and the saved checkpoint's bytes (empty if none was written).
fn stage1_minimum(network: &[&str]) -> (Output, Vec<u8>) {
    let path = std::env::temp_dir().join(format!(
        "sgd-escape-minimum{}-{}.bin",
        network.concat(),
        std::process::id()
    ));
    let save = ["--seed", "0", "--kernels", "portable", "--save-start"];
    let out = fashion_one_iteration(&[network, &save, &[path.to_str().unwrap()]].concat());
    let made = std::fs::read(&path).unwrap_or_default();
    std::fs::remove_file(&path).ok();
    (out, made)
}

#[test]
fn stage1_fits_every_label_and_regenerates_the_committed_checkpoint_bit_for_bit() {
    let (out, made) = stage1_minimum(&["--network", "mlp"]);
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
    assert!(v.get("params").is_none(), "one name for D: `parameters`");
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
    // A report written before `parameters` (D as `params`) still re-renders with its D.
    let mut legacy = v.clone();
    let d = legacy
        .as_object_mut()
        .unwrap()
        .remove("parameters")
        .unwrap();
    legacy["params"] = d;
    let old = std::env::temp_dir().join(format!("sgd-escape-legacy-{}.json", std::process::id()));
    std::fs::write(&old, legacy.to_string()).unwrap();
    let again = json(&cli(&["fashion", "--from-json", old.to_str().unwrap()]));
    // The figure's title says the report's network and dataset.
    let title = |report: &serde_json::Value| {
        std::fs::write(&old, report.to_string()).unwrap();
        let svg = old.with_extension("svg");
        let out = cli(&[
            "fashion",
            "--from-json",
            old.to_str().unwrap(),
            "--plot",
            svg.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{out:?}");
        let text = std::fs::read_to_string(&svg).unwrap();
        std::fs::remove_file(&svg).ok();
        // The title, whatever lines it wraps to.
        text.split(r#"font-weight="700">"#)
            .skip(1)
            .map(|t| &t[..t.find('<').unwrap()])
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(title(&v).contains("200 of 1200 labels random (paper dataset"));
    assert!(title(&v).contains("MLP [784, 14, 10], D = 11140"));
    let mut cnn = v.clone();
    cnn["network"] = "cnn".into();
    cnn["dataset"] = "authors-code".into();
    cnn["trainImages"] = 6000.into();
    let text = title(&cnn);
    assert!(
        text.contains("200 of 6000 labels random (authors-code dataset") && text.contains("CNN,"),
        "{text}"
    );
    std::fs::remove_file(&old).ok();
    assert_eq!(again["parameters"], 11140);
    assert!(again.get("params").is_none());
    assert_eq!(again["methods"], v["methods"]);
    let csv = cli(&[&args[..], &["--format", "csv"]].concat());
    assert!(csv.status.success());
    let text = String::from_utf8_lossy(&csv.stdout);
    assert_eq!(text.lines().count(), 1 + 4 * 3);
    // Every JSON record's sharpness standard error is a CSV column, row for row.
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|&h| h == name).expect(name);
    let (sharpness, std_err) = (column("sharpness"), column("sharpness_std_err"));
    let rows = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>());
    let records = methods
        .iter()
        .flat_map(|m| m["records"].as_array().unwrap());
    for (row, record) in rows.zip(records) {
        assert_eq!(row.len(), header.len());
        let same = |i: usize, key: &str| {
            let (got, want) = (
                row[i].parse::<f64>().unwrap(),
                record[key].as_f64().unwrap(),
            );
            assert_eq!(got, want, "{key}");
            want
        };
        same(sharpness, "sharpness");
        assert!(
            same(std_err, "sharpnessStdErr") > 0.0,
            "5 draws give an error"
        );
    }
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
        // A standard error needs two draws.
        (
            &["fashion", "--sharpness-draws", "1"][..],
            "--sharpness-draws",
        ),
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

/// A fresh temporary folder for one test.
fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sgd-escape-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Tiny multi-seed settings: a 784-2-10 MLP, 20 stage-1 iterations, 20 stage-2 iterations.
const TINY: [&str; 23] = [
    "fashion",
    "--network",
    "mlp",
    "--seeds",
    "0..1",
    "--hidden",
    "2",
    "--stage1-max",
    "20",
    "--iters",
    "20",
    "--log-every",
    "10",
    "--curve-every",
    "5",
    "--sharpness-draws",
    "3",
    "--methods",
    "gd,sgd,gld-leading",
    "--gld-leading-draw",
    "every,refresh",
    "--sharpness-every",
    "10",
];

/// The result files of a folder, without their wall times.
fn result_files(dir: &std::path::Path) -> Vec<(String, serde_json::Value)> {
    let mut out: Vec<(String, serde_json::Value)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let mut v: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            if v.get("seconds").is_some() {
                v["seconds"] = serde_json::Value::Null;
            }
            (p.file_name().unwrap().to_string_lossy().into_owned(), v)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn seeds_on_two_threads_are_bit_identical_to_one_resume_and_summarise() {
    let (one, two) = (temp_dir("jobs1"), temp_dir("jobs2"));
    let run = |dir: &std::path::Path, jobs: &str| {
        let out = cli(&[
            &TINY[..],
            &["--results", dir.to_str().unwrap(), "--jobs", jobs],
        ]
        .concat());
        json(&out)
    };
    let a = run(&one, "1");
    let b = run(&two, "2");
    assert_eq!(a, b, "the JSON does not depend on the number of threads");
    assert_eq!(result_files(&one), result_files(&two));
    let names: Vec<String> = result_files(&one).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names.len(), 2 * 4 + 2, "{names:?}");
    assert!(names.contains(&"mlp-paper-seed1-gld-leading-refresh-20.json".to_string()));
    assert!(names.contains(&"mlp-paper-seed0-minimum.json".to_string()));
    // The multi-seed shape.
    assert_eq!(a["seeds"], serde_json::json!([0, 1]));
    assert_eq!(a["dataset"], "paper");
    assert_eq!(
        (a["trainImages"].as_u64(), a["testImages"].as_u64()),
        (Some(1200), Some(10_000))
    );
    assert_eq!(a["runs"].as_array().unwrap().len(), 2);
    let summary = a["summary"].as_array().unwrap();
    let ids: Vec<&str> = summary.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["gd", "gld-leading", "gld-leading-refresh", "sgd"]);
    for m in summary {
        for key in [
            "testAccuracy",
            "windowTestAccuracy",
            "sharpness",
            "randomLabelsFitted",
        ] {
            assert_eq!(m[key]["n"], 2, "{key}");
            assert!(m[key]["mean"].as_f64().unwrap().is_finite());
        }
        let d = &m["diffVsGd"];
        assert!(d["ciLow"].as_f64().unwrap() <= d["mean"].as_f64().unwrap());
    }
    // Every record carries its sharpness standard error.
    let record = &a["runs"][0]["methods"][0]["records"][1];
    assert!(record["sharpnessStdErr"].as_f64().unwrap() > 0.0);
    // A repeated run skips every job (and says so), with the same output.
    let again = cli(&[&TINY[..], &["--results", one.to_str().unwrap()]].concat());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("8 of 8 jobs already have result files")
    );
    assert_eq!(json(&again), a);
    // A lost result file is recomputed, bit for bit.
    let lost = one.join("mlp-paper-seed1-sgd-20.json");
    std::fs::remove_file(&lost).unwrap();
    assert_eq!(
        json(&cli(
            &[&TINY[..], &["--results", one.to_str().unwrap()]].concat()
        )),
        a
    );
    // fashion-summary reads the folder: JSON groups, markdown tables, an SVG.
    let svg = one.join("summary.svg");
    let out = cli(&[
        "fashion-summary",
        one.to_str().unwrap(),
        "--format",
        "markdown",
        "--plot",
        svg.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("MLP on the paper dataset, 20 stage-2 iterations (seeds 0, 1)"),
        "{md}"
    );
    assert!(md.contains("| gld-leading-refresh | 2 |"), "{md}");
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
    let groups = json(&cli(&[
        "fashion-summary",
        one.to_str().unwrap(),
        "--horizon",
        "10",
    ]));
    assert_eq!(groups[0]["iterations"], 10);
    assert_eq!(groups[0]["summary"][0]["testAccuracy"]["n"], 2);
    // With GD and SGD the group carries the verdict on each of the paper's four claims, and a
    // paired difference on 2 seeds carries its p-value.
    let claims: Vec<_> = groups[0]["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["claim"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        claims,
        [
            "escape",
            "flatter minima",
            "higher test accuracy than GD",
            "higher test accuracy than isotropic noise"
        ]
    );
    let p = groups[0]["summary"][1]["diffVsGd"]["pValue"]
        .as_f64()
        .unwrap();
    assert!((0.0..=1.0).contains(&p), "{p}");
    assert!(
        md.contains("Holm-corrected over each claim's comparisons"),
        "{md}"
    );
    // A list of horizons: one group per horizon, in the order given.
    let groups = json(&cli(&[
        "fashion-summary",
        one.to_str().unwrap(),
        "--horizon",
        "20,10",
    ]));
    let at: Vec<_> = groups
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["iterations"].clone())
        .collect();
    assert_eq!(at, [20, 10]);
    for bad in [
        vec!["--horizon", "10,x"],
        vec!["--horizon", "10,20", "--plot", "x.svg"],
    ] {
        let mut args = vec!["fashion-summary", one.to_str().unwrap()];
        args.extend(bad.iter().copied());
        let out = cli(&args);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(&format!("`{}`", bad[bad.len() - 2])),
            "{bad:?}"
        );
    }
    std::fs::remove_dir_all(&one).ok();
    std::fs::remove_dir_all(&two).ok();
}

#[test]
fn the_authors_code_dataset_has_6000_training_images_and_every_test_image() {
    let out = fashion_one_iteration(&[
        "--network",
        "mlp",
        "--dataset",
        "authors-code",
        "--hidden",
        "2",
        "--stage1-max",
        "1",
    ]);
    let v = json(&out);
    assert_eq!(v["dataset"], "authors-code");
    assert_eq!(v["trainImages"], 6000);
    assert_eq!(v["testImages"], 10_000);
    assert_eq!(v["config"]["dataset"], "authors-code");
}

/// The paper's CNN's stage-1 minimum for seed 0, as the CLI (default `--network cnn`) writes it.
const CNN_CHECKPOINT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/www/data/fashion-cnn-minimum-seed0.bin"
);

#[test]
fn cnn_stage1_fits_every_label_and_regenerates_the_committed_checkpoint_bit_for_bit() {
    let (out, made) = stage1_minimum(&[]);
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
    let committed = std::fs::read(CNN_CHECKPOINT).unwrap();
    assert!(
        made == committed,
        "regenerate with: sgd-escape fashion --seed 0 --iters 1 --kernels portable --save-start {CNN_CHECKPOINT}"
    );
}

#[test]
fn bad_protocol_flags_exit_2_naming_the_flag() {
    for (args, flag) in [
        (&["fashion", "--seeds", "3..1"][..], "--seeds"),
        (&["fashion", "--seeds", "1,1"][..], "--seeds"),
        (&["fashion", "--seeds", "a"][..], "--seeds"),
        (&["fashion", "--dataset", "mnist"][..], "--dataset"),
        (
            &["fashion", "--gld-leading-draw", "never"][..],
            "--gld-leading-draw",
        ),
        (&["fashion", "--jobs", "0"][..], "--jobs"),
        (&["fashion", "--full-test", "true"][..], "--full-test"),
        (
            &["fashion", "--seeds", "0,1", "--format", "csv"][..],
            "--seeds",
        ),
        (
            &["fashion", "--seeds", "0,1", "--start", "x.bin"][..],
            "--start",
        ),
        (
            &["fashion", "--seeds", "0,1", "--save-start", "x.bin"][..],
            "`--save-start`",
        ),
        (
            &["fashion", "--seed", "1", "--seeds", "0,1"][..],
            "`--seed`",
        ),
        (
            &["fashion", "--seeds", "0,1", "--seed", "1"][..],
            "`--seed`",
        ),
        (&["fashion-summary"][..], "DIR"),
        (
            &["fashion-summary", "/tmp", "--format", "pdf"][..],
            "--format",
        ),
    ] {
        let out = cli(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(flag),
            "{args:?}"
        );
    }
    let out = cli(&["fashion-summary", "/nonexistent-results"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_start_dir_without_a_seeds_minimum_is_an_error_before_anything_runs() {
    // `--start-dir` promises every seed's minimum: a missing one names the flag, the seed and
    // the file (unlike `--results`, where a missing minimum means stage 1 runs).
    let dir = temp_dir("start-dir");
    let run = |seeds: &str| {
        cli(&[
            "fashion",
            "--seeds",
            seeds,
            "--start-dir",
            dir.to_str().unwrap(),
            "--iters",
            "1",
            "--methods",
            "gd",
        ])
    };
    let expect_missing = |out: &Output, seed: u32| {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        let file = dir.join(format!("cnn-paper-seed{seed}-minimum.bin"));
        for part in [
            "`--start-dir`",
            &format!("seed {seed}"),
            file.to_str().unwrap(),
        ] {
            assert!(stderr.contains(part), "{part}: {stderr}");
        }
        assert!(!stderr.contains("stage 1"), "nothing ran: {stderr}");
        assert!(out.stdout.is_empty());
    };
    expect_missing(&run("0"), 0);
    // Seed 0's minimum present, seed 1's missing: the error names seed 1.
    std::fs::copy(CNN_CHECKPOINT, dir.join("cnn-paper-seed0-minimum.bin")).unwrap();
    expect_missing(&run("0,1"), 1);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn fashion_summary_of_nothing_is_an_error_naming_the_folder() {
    let dir = temp_dir("summary-nothing");
    let summary =
        |extra: &[&str]| cli(&[&["fashion-summary", dir.to_str().unwrap()], extra].concat());
    let expect_error = |out: &Output, part: &str| {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{part}: {stderr}");
        assert!(stderr.contains(dir.to_str().unwrap()), "{stderr}");
        assert!(stderr.contains(part), "{part}: {stderr}");
        assert!(out.stdout.is_empty());
    };
    for format in ["json", "markdown"] {
        expect_error(&summary(&["--format", format]), "no result files");
    }
    // Tiny results (MLP, 20 iterations): filters that leave nothing are errors,
    // a list of horizons with at least one group is not.
    let run = cli(&[&TINY[..], &["--results", dir.to_str().unwrap()]].concat());
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(json(&summary(&[])).as_array().unwrap().len(), 1);
    expect_error(
        &summary(&["--dataset", "authors-code"]),
        "no result files match --dataset authors-code",
    );
    expect_error(
        &summary(&["--network", "cnn"]),
        "no result files match --network cnn",
    );
    expect_error(
        &summary(&["--horizon", "30"]),
        "no result files match --horizon 30",
    );
    let groups = json(&summary(&["--horizon", "20,30"]));
    assert_eq!(groups.as_array().unwrap().len(), 1);
    assert_eq!(groups[0]["iterations"], 20);
    std::fs::remove_dir_all(&dir).ok();
}
