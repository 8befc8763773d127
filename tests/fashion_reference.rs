//! The FashionMNIST figure quotes the native reference runs from
//! www/data/fashion-reference.json: that file must be exactly what `fashion-summary` makes of
//! the committed result files, so no number in the caption is typed by hand or stale.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/cli.rs"]
mod common_cli;

use common_cli::{cli, json};
use sgd_escape::experiments::fashion_results::summary_name;

/// The command that regenerates the shipped file (also in docs/reproduction.md).
const REGENERATE: &str = "sgd-escape fashion-summary results/fashion --horizon 3000,15000 \
                          --dataset paper > www/data/fashion-reference.json";

#[test]
fn the_shipped_reference_summary_is_the_summary_of_the_committed_results() {
    // cargo runs integration tests in the package root, where results/ is.
    let out = cli(&[
        "fashion-summary",
        "results/fashion",
        "--horizon",
        "3000,15000",
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
        "3000,15000",
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
    assert!(text.contains(">CNN paper: SGD (n = ") && text.contains(">MLP paper: SGD (n = "));
}

/// Two result files of one job (network, dataset, seed, method) that differ only in length,
/// e.g. the 3,000- and the 15,000-iteration run, must agree on every curve point and full
/// record they share, bit for bit, when the same kernels computed them: the dynamics up to
/// iteration H do not depend on the run's length, which `fashion-summary --horizon H` relies on.
#[test]
fn longer_runs_of_a_job_reproduce_the_shorter_ones_where_they_overlap() {
    use std::collections::BTreeMap;
    let mut jobs: BTreeMap<String, Vec<(String, serde_json::Value)>> = BTreeMap::new();
    for entry in std::fs::read_dir("results/fashion").expect("results/fashion") {
        let name = entry
            .expect("an entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let Some(stem) = name.strip_suffix(".json") else {
            continue;
        };
        if stem.ends_with("-minimum") || stem.ends_with(".partial") {
            continue;
        }
        let Some((job, iterations)) = stem.rsplit_once('-') else {
            continue;
        };
        if iterations.parse::<u64>().is_err() {
            continue;
        }
        let text = std::fs::read_to_string(format!("results/fashion/{name}")).expect("readable");
        let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        jobs.entry(job.to_string()).or_default().push((name, v));
    }
    let mut compared = 0;
    for runs in jobs.values() {
        for (i, (a_name, a)) in runs.iter().enumerate() {
            for (b_name, b) in &runs[i + 1..] {
                // Files that do not name their kernels predate the field; all of those here
                // were computed with the same ones (auto, AVX2 + FMA).
                if a.get("kernels") != b.get("kernels")
                    && a.get("kernels").is_some()
                    && b.get("kernels").is_some()
                {
                    continue;
                }
                let end = a["iterations"]
                    .as_u64()
                    .unwrap()
                    .min(b["iterations"].as_u64().unwrap());
                for key in ["curve", "run"] {
                    let pick = |v: &serde_json::Value| -> Vec<serde_json::Value> {
                        let list = if key == "curve" {
                            &v["curve"]
                        } else {
                            &v["run"]["records"]
                        };
                        let list = list.as_array().expect("an array").iter();
                        list.filter(|p| p["iteration"].as_u64().unwrap() <= end)
                            .cloned()
                            .collect()
                    };
                    let (pa, pb) = (pick(a), pick(b));
                    let shared: Vec<_> = pa
                        .iter()
                        .filter(|p| pb.iter().any(|q| q["iteration"] == p["iteration"]))
                        .collect();
                    for p in &shared {
                        let q = pb
                            .iter()
                            .find(|q| q["iteration"] == p["iteration"])
                            .unwrap();
                        assert_eq!(
                            p, &q,
                            "{a_name} and {b_name} differ at iteration {} ({key})",
                            p["iteration"]
                        );
                    }
                    compared += shared.len();
                }
            }
        }
    }
    eprintln!("{compared} shared curve points and records compared");
}

/// REPRODUCTION.md quotes `fashion-summary --format markdown` (tables and verdict) for every
/// group of the paper's dataset at 3,000 and 15,000 iterations with at least 2 seeds, and for
/// every group of the authors'-code dataset at 15,000 (however many seeds it has): each such
/// block must appear in it verbatim, so no number or verdict there is typed by hand or stale.
#[test]
fn reproduction_md_quotes_the_generated_tables_and_verdicts_verbatim() {
    let reproduction = std::fs::read_to_string("REPRODUCTION.md").expect("REPRODUCTION.md");
    let mut quoted = 0;
    for (dataset, horizons, min_seeds) in [("paper", "3000,15000", 2), ("authors-code", "15000", 1)]
    {
        let out = cli(&[
            "fashion-summary",
            "results/fashion",
            "--horizon",
            horizons,
            "--dataset",
            dataset,
            "--format",
            "markdown",
        ]);
        assert!(out.status.success(), "{dataset}: {out:?}");
        let md = String::from_utf8(out.stdout).expect("utf-8");
        for block in md.split("#### ").filter(|b| !b.is_empty()) {
            let title = block.lines().next().unwrap_or_default();
            let seeds = title
                .rsplit_once("(seeds ")
                .map_or(1, |(_, s)| s.split(',').count());
            if seeds < min_seeds {
                continue;
            }
            let block = format!("#### {}", block.trim_end());
            assert!(
                reproduction.contains(&block),
                "REPRODUCTION.md does not quote the current `fashion-summary results/fashion \
                 --horizon {horizons} --dataset {dataset} --format markdown` block \"{title}\": \
                 paste it"
            );
            quoted += 1;
        }
    }
    assert!(quoted >= 2, "only {quoted} blocks quoted");
}

/// The figure takes the runs the tables take: at a horizon, one run per seed among those that
/// reached it (a seed with a 3,000- and a 15,000-iteration run of a method counts once).
#[test]
fn the_figure_counts_each_seed_once_and_only_runs_that_reached_the_horizon() {
    let svg = |horizon: &str| {
        let path = std::env::temp_dir().join(format!(
            "sgd-escape-seeds-{horizon}-{}.svg",
            std::process::id()
        ));
        let out = cli(&[
            "fashion-summary",
            "results/fashion",
            "--horizon",
            horizon,
            "--dataset",
            "paper",
            "--network",
            "cnn",
            "--plot",
            path.to_str().expect("utf-8 path"),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&path).expect("the SVG");
        std::fs::remove_file(&path).ok();
        text
    };
    let tables = |horizon: &str| {
        json(&cli(&[
            "fashion-summary",
            "results/fashion",
            "--horizon",
            horizon,
            "--dataset",
            "paper",
            "--network",
            "cnn",
        ]))
    };
    for horizon in ["3000", "15000"] {
        let text = svg(horizon);
        let groups = tables(horizon);
        let Some(group) = groups.as_array().and_then(|g| g.first()) else {
            continue;
        };
        for m in group["summary"].as_array().expect("methods") {
            let (id, n) = (
                m["id"].as_str().unwrap(),
                m["testAccuracy"]["n"].as_u64().unwrap(),
            );
            let name = summary_name(id);
            assert!(
                text.contains(&format!(">{name} (n = {n})<")),
                "horizon {horizon}: {name} should be in the legend with n = {n}"
            );
        }
        // One legend for the figure: each method once, and none the table lacks.
        let drawn = text.matches(" (n = ").count();
        assert_eq!(
            drawn,
            group["summary"].as_array().unwrap().len(),
            "horizon {horizon}: the legend lists other methods than the table"
        );
    }
}

/// Each verdict in the shipped summary lists the comparisons it rests on (`comparisons`): the
/// page quotes them, so they must be the ones the evidence prints, in its order, with the
/// summary's own paired differences and a Holm p-value that says whether they count.
#[test]
fn every_verdict_lists_the_comparisons_its_evidence_prints() {
    let groups: serde_json::Value =
        serde_json::from_str(include_str!("../www/data/fashion-reference.json")).expect("JSON");
    let mut seen = 0;
    for g in groups.as_array().expect("an array of groups") {
        for v in g["verdicts"].as_array().expect("verdicts") {
            let evidence = v["evidence"].as_str().expect("evidence");
            let paired = evidence.split("Paired: ").nth(1).expect("a Paired: part");
            let comparisons = v["comparisons"].as_array().expect("comparisons");
            assert!(!comparisons.is_empty(), "{}: no comparison", v["claim"]);
            let mut from = 0;
            for c in comparisons {
                let label = c["label"].as_str().expect("label");
                let at = paired[from..]
                    .find(&format!("{label} "))
                    .unwrap_or_else(|| panic!("{label} not in the evidence's order: {paired}"));
                from += at + label.len();
                // The summary's own paired difference, by method, baseline and quantity.
                let m = g["summary"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|m| m["id"] == c["method"])
                    .expect("the method's summary");
                let quantity = c["quantity"].as_str().expect("quantity");
                let d = match c["against"].as_str() {
                    Some("gd") => match quantity {
                        "testAccuracy" => &m["diffVsGd"],
                        "windowTestAccuracy" => &m["windowDiffVsGd"],
                        "sharpness" => &m["sharpnessDiffVsGd"],
                        "lowestRandomLabelsFitted" => &m["lowestRandomLabelsDiffVsGd"],
                        other => panic!("unknown quantity {other}"),
                    },
                    Some("gld-dynamic") => &m["vsGldDynamic"][quantity],
                    other => panic!("unknown baseline {other:?}"),
                };
                for key in ["mean", "ciLow", "ciHigh", "n", "pValue"] {
                    assert_eq!(c[key], d[key], "{label}: {key}");
                }
                let holm = c["holmP"].as_f64();
                assert_eq!(holm.is_some(), c["n"].as_u64() >= Some(2), "{label}");
                if let Some(p) = holm {
                    assert!(p >= c["pValue"].as_f64().unwrap() && p <= 1.0, "{label}");
                }
                assert_eq!(
                    c["counts"].as_bool(),
                    Some(holm.is_some_and(|p| p < 0.05)),
                    "{label}"
                );
                seen += 1;
            }
            assert_eq!(
                paired.matches(" - ").count(),
                comparisons.len(),
                "{}: the evidence prints comparisons the JSON lacks: {paired}",
                v["claim"]
            );
        }
    }
    assert!(seen > 0);
}
