//! The multi-seed FashionMNIST protocol's bookkeeping: one (network, dataset, seed, method,
//! iterations, variant) job, the result file it writes, and the summary over seeds (mean, sd,
//! n, and paired differences from GD on the same seed with 95% t-intervals) that
//! `sgd-escape fashion-summary` builds from whatever result files exist.
//!
//! Pure data and arithmetic (no files, no clocks), shared by the CLI's runner and its tests.

use super::fashion::{FashionConfig, FashionRecord, LeadingDraw};
use crate::data::fashion::Dataset;
use crate::noise::Method;
use crate::report::{FashionGdReport, FashionMethodReport};
use crate::stats::{paired_difference, summarize, PairedDifference, Summary};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One unit of work: a stage-2 run of one method from one seed's stage-1 minimum.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FashionJob {
    /// The network id ("mlp", "cnn").
    pub network: String,
    /// The training set.
    pub dataset: Dataset,
    /// The seed (initialisation, corrupted labels, noise streams).
    pub seed: u32,
    /// The dynamics.
    pub method: Method,
    /// GLD leading's draw variant (ignored by the other methods).
    pub leading_draw: LeadingDraw,
    /// Stage-2 iterations.
    pub iterations: u64,
}

impl FashionJob {
    /// The variant of the method this job runs ("" for the default one).
    pub fn variant(&self) -> &'static str {
        match (self.method, self.leading_draw) {
            (Method::GldLeading, LeadingDraw::Refresh) => "draw-refresh",
            _ => "",
        }
    }

    /// The id of the method and variant in summaries: the method id, plus "-refresh" for the
    /// authors' GLD leading variant.
    pub fn summary_id(&self) -> String {
        summary_id(self.method, self.variant())
    }

    /// The result file's name, unique per (network, dataset, seed, method, variant, iterations).
    pub fn file_name(&self) -> String {
        format!(
            "{}-{}-seed{}-{}-{}.json",
            self.network,
            self.dataset.id(),
            self.seed,
            self.summary_id(),
            self.iterations
        )
    }

    /// The partial-state file of this job (mid-run checkpoint), beside the result file.
    pub fn partial_file_name(&self) -> String {
        self.file_name().replace(".json", ".partial.json")
    }
}

/// The summary id of `method` in `variant` (see [`FashionJob::summary_id`]).
pub fn summary_id(method: Method, variant: &str) -> String {
    match variant {
        "draw-refresh" => format!("{}-refresh", method.id()),
        _ => method.id().to_string(),
    }
}

/// The method of a summary id ([`summary_id`]): "gld-leading-refresh" is GLD leading.
pub fn summary_method(id: &str) -> Option<Method> {
    Method::from_id(id).or_else(|| id.strip_suffix("-refresh").and_then(Method::from_id))
}

/// The display name of a summary id ([`summary_id`]): the paper's name of the method, and
/// ", authors' variant" for the authors' GLD leading (e.g. "GLD leading, authors' variant");
/// an id that names no method is returned as it is.
pub fn summary_name(id: &str) -> String {
    match summary_method(id) {
        Some(m) if id == m.id() => m.name().to_string(),
        Some(m) => format!("{}, authors' variant", m.name()),
        None => id.to_string(),
    }
}

/// The file name of one seed's stage-1 minimum (binary checkpoint) in a results or start
/// directory; its report (the record at the minimum) sits beside it as `.json`.
pub fn minimum_file_name(network: &str, dataset: Dataset, seed: u32) -> String {
    format!("{network}-{}-seed{seed}-minimum.bin", dataset.id())
}

/// The file of a seed's unfinished stage 1 computed by `kernels` (different kernels round
/// differently, so the name says whose it is): `cnn-paper-seed0-minimum.avx2+fma.partial.bin`.
pub fn stage1_partial_file_name(
    network: &str,
    dataset: Dataset,
    seed: u32,
    kernels: &str,
) -> String {
    let prefix = stage1_partial_prefix(network, dataset, seed);
    format!("{prefix}{kernels}.partial.bin")
}

/// The kernels named by `file_name` if it is a [`stage1_partial_file_name`] of this seed.
pub fn stage1_partial_kernels<'a>(
    file_name: &'a str,
    network: &str,
    dataset: Dataset,
    seed: u32,
) -> Option<&'a str> {
    file_name
        .strip_prefix(&stage1_partial_prefix(network, dataset, seed))?
        .strip_suffix(".partial.bin")
}

/// What every stage-1 checkpoint file of a seed starts with.
fn stage1_partial_prefix(network: &str, dataset: Dataset, seed: u32) -> String {
    format!("{network}-{}-seed{seed}-minimum.", dataset.id())
}

/// A cheap point of a run's curve: accuracies every few iterations (and the expected
/// sharpness every so often), so that a shorter horizon can be reported from a long run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CurvePoint {
    /// Stage-2 iteration.
    pub iteration: u64,
    /// Accuracy on all test images.
    pub test_accuracy: f64,
    /// Accuracy on the training labels trained on.
    pub train_accuracy: f64,
    /// Accuracy on the corrupted images against their random labels (memorisation).
    pub corrupted_accuracy: f64,
    /// Expected sharpness, when measured at this point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharpness: Option<f64>,
    /// Its standard error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharpness_std_err: Option<f64>,
}

/// One seed's stage-1 minimum as the runner stores it beside the checkpoint.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stage1Result {
    /// The seed.
    pub seed: u32,
    /// The stage-1 minimum's report (iterations, fitted, every metric there).
    pub gd: FashionGdReport,
}

/// The file one finished job writes (small JSON; the tables regenerate from these).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FashionResult {
    /// Always "fashion-job".
    pub experiment: String,
    /// The network id.
    pub network: String,
    /// D.
    pub parameters: usize,
    /// The training set.
    pub dataset: Dataset,
    /// Training images.
    pub train_images: usize,
    /// Test images (all 10,000 in the CLI).
    pub test_images: usize,
    /// The seed.
    pub seed: u32,
    /// The method and variant id (e.g. "gld-leading-refresh").
    pub id: String,
    /// The method id.
    pub method: String,
    /// The variant ("" for the default).
    pub variant: String,
    /// Stage-2 iterations.
    pub iterations: u64,
    /// Iterations between full records.
    pub log_every: u64,
    /// Iterations between curve points.
    pub curve_every: u64,
    /// Iterations between curve points that also measure the expected sharpness.
    pub sharpness_every: u64,
    /// All settings.
    pub config: FashionConfig,
    /// The stage-1 minimum the run started from.
    pub stage1: FashionGdReport,
    /// The run: final values and full records.
    pub run: FashionMethodReport,
    /// The cheap curve.
    pub curve: Vec<CurvePoint>,
    /// Wall-clock seconds of the stage-2 run (summed over resumed pieces).
    pub seconds: f64,
    /// The native kernels that computed it (`kernels::implementation()`: "avx2+fma", "neon"
    /// or "portable"; they round differently, so a run reproduces bit for bit only on the
    /// same ones). None in files written before this field existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernels: Option<String>,
}

impl FashionResult {
    /// Whether this is the partial state of a job not finished (its `iterations` is the
    /// iteration it reached).
    pub fn is_partial(&self) -> bool {
        self.experiment == "fashion-job-partial"
    }

    /// Whether the summary takes this run at `horizon`: one that reached it, or without a
    /// horizon a finished one (a run not finished counts only at a horizon it has reached).
    pub fn counts_at(&self, horizon: Option<u64>) -> bool {
        horizon.map_or(!self.is_partial(), |h| self.iterations >= h)
    }

    /// The curve point at `iteration`, if there is one.
    fn point_at(&self, iteration: u64) -> Option<&CurvePoint> {
        self.curve.iter().find(|p| p.iteration == iteration)
    }

    /// The full record at `iteration`, if there is one.
    fn record_at(&self, iteration: u64) -> Option<&FashionRecord> {
        self.run.records.iter().find(|r| r.iteration == iteration)
    }

    /// The metrics of the summary at `horizon` (None if the run did not reach it, e.g. it
    /// diverged before).
    pub fn metrics_at(&self, horizon: u64) -> Option<HorizonMetrics> {
        if horizon > self.iterations || self.run.diverged_at.is_some_and(|d| d < horizon) {
            return None;
        }
        let (test, corrupted, point_sharpness) = match self.point_at(horizon) {
            Some(p) => (p.test_accuracy, p.corrupted_accuracy, p.sharpness),
            None => {
                let r = self.record_at(horizon)?;
                (r.test_accuracy, r.corrupted_accuracy, Some(r.sharpness))
            }
        };
        let sharpness = point_sharpness.or_else(|| self.record_at(horizon).map(|r| r.sharpness));
        let from = horizon - horizon / 5;
        let window: Vec<f64> = self
            .curve
            .iter()
            .filter(|p| p.iteration >= from && p.iteration <= horizon)
            .map(|p| p.test_accuracy)
            .collect();
        let window = if window.is_empty() {
            test
        } else {
            window.iter().sum::<f64>() / window.len() as f64
        };
        // The escape shows as the random labels the run stops fitting on the way: the lowest
        // fraction over every point up to the horizon (a run that escaped and re-fitted them
        // ends near 100% again, so the final value alone would hide it).
        let lowest = self
            .curve
            .iter()
            .filter(|p| p.iteration <= horizon)
            .map(|p| p.corrupted_accuracy)
            .chain(
                self.run
                    .records
                    .iter()
                    .filter(|r| r.iteration <= horizon)
                    .map(|r| r.corrupted_accuracy),
            )
            .fold(corrupted, f64::min);
        Some(HorizonMetrics {
            test_accuracy: test,
            window_test_accuracy: window,
            sharpness,
            random_labels_fitted: corrupted,
            lowest_random_labels_fitted: lowest,
        })
    }
}

/// What the summary takes from one run at a horizon.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HorizonMetrics {
    /// Test accuracy at the horizon.
    pub test_accuracy: f64,
    /// Mean test accuracy over the last 20% of the iterations up to the horizon.
    pub window_test_accuracy: f64,
    /// Expected sharpness at the horizon, if measured there.
    pub sharpness: Option<f64>,
    /// Fraction of the random labels still fitted.
    pub random_labels_fitted: f64,
    /// The lowest fraction of the random labels fitted at any point up to the horizon: how far
    /// the run left the minimum that memorised them.
    pub lowest_random_labels_fitted: f64,
}

/// Paired differences of one method from a baseline method on the same seeds, per metric,
/// each with its 95% t-interval (None when no seed has both).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PairedDifferences {
    /// Test accuracy at the horizon.
    pub test_accuracy: Option<PairedDifference>,
    /// Mean test accuracy over the last 20% of the iterations.
    pub window_test_accuracy: Option<PairedDifference>,
    /// Expected sharpness at the horizon.
    pub sharpness: Option<PairedDifference>,
    /// Random labels still fitted at the horizon.
    pub random_labels_fitted: Option<PairedDifference>,
    /// The lowest fraction of random labels fitted on the way.
    pub lowest_random_labels_fitted: Option<PairedDifference>,
}

impl PairedDifferences {
    /// The differences `run - baseline` over the seeds both have.
    fn between(
        run: &BTreeMap<u32, HorizonMetrics>,
        baseline: &BTreeMap<u32, HorizonMetrics>,
    ) -> Self {
        let paired = |f: fn(&HorizonMetrics) -> Option<f64>| -> Option<PairedDifference> {
            let pairs: Vec<(f64, f64)> = run
                .iter()
                .filter_map(|(seed, m)| Some((f(m)?, f(baseline.get(seed)?)?)))
                .collect();
            paired_difference(&pairs)
        };
        PairedDifferences {
            test_accuracy: paired(|m| Some(m.test_accuracy)),
            window_test_accuracy: paired(|m| Some(m.window_test_accuracy)),
            sharpness: paired(|m| m.sharpness),
            random_labels_fitted: paired(|m| Some(m.random_labels_fitted)),
            lowest_random_labels_fitted: paired(|m| Some(m.lowest_random_labels_fitted)),
        }
    }
}

/// One method (and variant) over seeds.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodSummary {
    /// The method and variant id.
    pub id: String,
    /// The seeds that contribute.
    pub seeds: Vec<u32>,
    /// Final test accuracy.
    pub test_accuracy: Summary,
    /// Mean test accuracy over the last 20% of iterations.
    pub window_test_accuracy: Summary,
    /// Final expected sharpness (over the seeds where it was measured at the horizon).
    pub sharpness: Option<Summary>,
    /// Fraction of the random labels still fitted at the end.
    pub random_labels_fitted: Summary,
    /// The lowest fraction of the random labels fitted on the way (the escape).
    pub lowest_random_labels_fitted: Summary,
    /// Final test accuracy minus GD's on the same seed, with its 95% t-interval.
    pub diff_vs_gd: Option<PairedDifference>,
    /// The same for the window test accuracy.
    pub window_diff_vs_gd: Option<PairedDifference>,
    /// The same for the expected sharpness.
    pub sharpness_diff_vs_gd: Option<PairedDifference>,
    /// The same for the random labels still fitted.
    pub random_labels_diff_vs_gd: Option<PairedDifference>,
    /// The same for the lowest fraction of random labels fitted on the way.
    pub lowest_random_labels_diff_vs_gd: Option<PairedDifference>,
    /// Every metric's paired difference from GLD dynamic, the isotropic noise of SGD's own
    /// trace (the paper's comparison "anisotropic against isotropic noise of the same size");
    /// None for GLD dynamic itself and in a group without it.
    pub vs_gld_dynamic: Option<PairedDifferences>,
}

/// The summary of one (network, dataset, horizon).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SummaryGroup {
    /// The network id.
    pub network: String,
    /// The training set.
    pub dataset: Dataset,
    /// The iteration the values are taken at.
    pub iterations: u64,
    /// Test images every accuracy is measured on (the largest of the group's runs; the CLI
    /// always uses all 10,000).
    pub test_images: usize,
    /// Every seed with at least one run.
    pub seeds: Vec<u32>,
    /// Per method and variant, in canonical order.
    pub summary: Vec<MethodSummary>,
    /// Runs that diverged before the horizon (left out), as "id seed S".
    pub diverged: Vec<String>,
    /// The verdict per claim of the paper (empty without GD and SGD): Holm-corrected, see
    /// `fashion_verdict`.
    #[serde(default)]
    pub verdicts: Vec<super::fashion_verdict::ClaimVerdict>,
}

/// The canonical order of summary ids: the methods in the paper's order, each followed by
/// its variants.
fn id_order(id: &str) -> (usize, String) {
    let base = Method::ALL
        .iter()
        .position(|m| id == m.id() || id.strip_prefix(m.id()).is_some_and(|r| r.starts_with('-')))
        .unwrap_or(Method::ALL.len());
    (base, id.to_string())
}

/// Builds the summaries of `results`: grouped by (network, dataset, iterations), or, with a
/// `horizon`, by (network, dataset) over every run at least that long, taken at the horizon.
pub fn build_summary(results: &[FashionResult], horizon: Option<u64>) -> Vec<SummaryGroup> {
    type Key = (String, &'static str, u64);
    let mut groups: BTreeMap<Key, Vec<&FashionResult>> = BTreeMap::new();
    for r in results.iter().filter(|r| r.counts_at(horizon)) {
        let h = horizon.unwrap_or(r.iterations);
        groups
            .entry((r.network.clone(), r.dataset.id(), h))
            .or_default()
            .push(r);
    }
    groups
        .into_iter()
        .map(|((network, dataset, h), runs)| summarize_group(network, dataset, h, &runs))
        .collect()
}

fn summarize_group(
    network: String,
    dataset: &str,
    horizon: u64,
    runs: &[&FashionResult],
) -> SummaryGroup {
    // (id -> seed -> metrics); a later duplicate (same id and seed, e.g. a longer run taken
    // at a horizon) replaces nothing: the first one read wins, deterministically by seed.
    let mut by_id: BTreeMap<(usize, String), BTreeMap<u32, HorizonMetrics>> = BTreeMap::new();
    let mut diverged = Vec::new();
    let mut seeds: Vec<u32> = Vec::new();
    for r in runs {
        match r.metrics_at(horizon) {
            Some(m) => {
                by_id
                    .entry(id_order(&r.id))
                    .or_default()
                    .entry(r.seed)
                    .or_insert(m);
                seeds.push(r.seed);
            }
            None => diverged.push(format!("{} seed {}", r.id, r.seed)),
        }
    }
    seeds.sort_unstable();
    seeds.dedup();
    diverged.sort();
    let gd = by_id.get(&id_order(Method::Gd.id()));
    let dynamic = by_id.get(&id_order(Method::GldDynamic.id()));
    let summary = by_id
        .iter()
        .map(|((_, id), per_seed)| {
            let values = |f: &dyn Fn(&HorizonMetrics) -> Option<f64>| -> Vec<f64> {
                per_seed.values().filter_map(f).collect()
            };
            let vs_gd = gd.map(|gd| PairedDifferences::between(per_seed, gd));
            let vs_gd = vs_gd.unwrap_or_default();
            let empty = Summary {
                mean: f64::NAN,
                sd: 0.0,
                n: 0,
            };
            MethodSummary {
                id: id.clone(),
                seeds: per_seed.keys().copied().collect(),
                test_accuracy: summarize(&values(&|m| Some(m.test_accuracy))).unwrap_or(empty),
                window_test_accuracy: summarize(&values(&|m| Some(m.window_test_accuracy)))
                    .unwrap_or(empty),
                sharpness: summarize(&values(&|m| m.sharpness)),
                random_labels_fitted: summarize(&values(&|m| Some(m.random_labels_fitted)))
                    .unwrap_or(empty),
                lowest_random_labels_fitted: summarize(&values(&|m| {
                    Some(m.lowest_random_labels_fitted)
                }))
                .unwrap_or(empty),
                diff_vs_gd: vs_gd.test_accuracy,
                window_diff_vs_gd: vs_gd.window_test_accuracy,
                sharpness_diff_vs_gd: vs_gd.sharpness,
                random_labels_diff_vs_gd: vs_gd.random_labels_fitted,
                lowest_random_labels_diff_vs_gd: vs_gd.lowest_random_labels_fitted,
                vs_gld_dynamic: dynamic
                    .filter(|_| id != Method::GldDynamic.id())
                    .map(|dynamic| PairedDifferences::between(per_seed, dynamic)),
            }
        })
        .collect();
    let mut group = SummaryGroup {
        network,
        dataset: Dataset::from_id(dataset).unwrap_or_default(),
        iterations: horizon,
        test_images: runs.iter().map(|r| r.test_images).max().unwrap_or(0),
        seeds,
        summary,
        diverged,
        verdicts: Vec::new(),
    };
    group.verdicts = super::fashion_verdict::verdicts(&group);
    group
}

/// mean +- sd of a summary, scaled by `scale`; the value alone for one seed (a sample sd needs
/// two: printing its placeholder 0 would claim no spread); "n/a" for none. The tables and
/// the verdict's evidence both print summaries with it.
pub(super) fn mean_sd(s: Option<&Summary>, scale: f64, digits: usize) -> String {
    match s {
        Some(s) if s.n == 1 => format!("{:.digits$}", scale * s.mean, digits = digits),
        Some(s) if s.n > 1 => format!(
            "{:.digits$} ± {:.digits$}",
            scale * s.mean,
            scale * s.sd,
            digits = digits
        ),
        _ => "n/a".into(),
    }
}

/// mean [low, high] of a paired difference, scaled; a star when the interval excludes 0.
fn interval(d: Option<&PairedDifference>, scale: f64, digits: usize) -> String {
    match d {
        Some(d) if d.n >= 2 => format!(
            "{:+.digits$} [{:+.digits$}, {:+.digits$}]{}",
            scale * d.mean,
            scale * d.ci_low,
            scale * d.ci_high,
            if d.excludes_zero() { " *" } else { "" },
            digits = digits
        ),
        Some(d) => format!(
            "{:+.digits$} (1 seed, no interval)",
            scale * d.mean,
            digits = digits
        ),
        None => "n/a".into(),
    }
}

/// The REPRODUCTION tables of `groups` as markdown: per group, mean ± sd over seeds and the
/// paired differences from GD with 95% t-intervals (a star marks an interval that excludes 0;
/// nothing is ranked).
pub fn markdown_tables(groups: &[SummaryGroup]) -> String {
    let mut out = String::new();
    for g in groups {
        out.push_str(&format!(
            "#### {} on the {} dataset, {} stage-2 iterations (seeds {})\n\n",
            g.network.to_uppercase(),
            g.dataset.id(),
            g.iterations,
            g.seeds
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        out.push_str("| method | n | test acc. (%) | test acc., last 20% (%) | expected sharpness (x1e-3) | random labels fitted (%) | lowest on the way (%) |\n| --- | --- | --- | --- | --- | --- | --- |\n");
        for m in &g.summary {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} |\n",
                m.id,
                m.test_accuracy.n,
                mean_sd(Some(&m.test_accuracy), 100.0, 2),
                mean_sd(Some(&m.window_test_accuracy), 100.0, 2),
                mean_sd(m.sharpness.as_ref(), 1e3, 3),
                mean_sd(Some(&m.random_labels_fitted), 100.0, 1),
                mean_sd(Some(&m.lowest_random_labels_fitted), 100.0, 1),
            ));
        }
        let differences_table =
            |out: &mut String, title: &str, rows: Vec<(&str, PairedDifferences)>| {
                if rows.is_empty() {
                    return;
                }
                out.push_str(&format!("\nPaired differences from {title} on the same seed, mean [95% t-interval]; * = the interval excludes 0 (each on its own; the verdict corrects for multiple comparisons):\n\n"));
                out.push_str("| method | Δ test acc. (points) | Δ test acc., last 20% (points) | Δ sharpness (x1e-3) | Δ random labels fitted (points) | Δ lowest on the way (points) |\n| --- | --- | --- | --- | --- | --- |\n");
                for (id, d) in rows {
                    out.push_str(&format!(
                        "| {} | {} | {} | {} | {} | {} |\n",
                        id,
                        interval(d.test_accuracy.as_ref(), 100.0, 2),
                        interval(d.window_test_accuracy.as_ref(), 100.0, 2),
                        interval(d.sharpness.as_ref(), 1e3, 3),
                        interval(d.random_labels_fitted.as_ref(), 100.0, 1),
                        interval(d.lowest_random_labels_fitted.as_ref(), 100.0, 1),
                    ));
                }
            };
        let vs_gd = g
            .summary
            .iter()
            .filter(|m| m.id != Method::Gd.id())
            .map(|m| {
                let d = PairedDifferences {
                    test_accuracy: m.diff_vs_gd,
                    window_test_accuracy: m.window_diff_vs_gd,
                    sharpness: m.sharpness_diff_vs_gd,
                    random_labels_fitted: m.random_labels_diff_vs_gd,
                    lowest_random_labels_fitted: m.lowest_random_labels_diff_vs_gd,
                };
                (m.id.as_str(), d)
            })
            .collect();
        differences_table(&mut out, "GD", vs_gd);
        let vs_dynamic = g
            .summary
            .iter()
            .filter(|m| m.id != Method::Gd.id())
            .filter_map(|m| Some((m.id.as_str(), m.vs_gld_dynamic.clone()?)))
            .collect();
        differences_table(
            &mut out,
            "GLD dynamic (isotropic noise of SGD's trace)",
            vs_dynamic,
        );
        if !g.diverged.is_empty() {
            out.push_str(&format!(
                "\nDiverged before iteration {} (left out): {}.\n",
                g.iterations,
                g.diverged.join(", ")
            ));
        }
        let verdict = super::fashion_verdict::markdown_verdict(g);
        if !verdict.is_empty() {
            out.push('\n');
            out.push_str(&verdict);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(iteration: u64, test: f64, sharpness: f64) -> FashionRecord {
        FashionRecord {
            iteration,
            train_loss: 0.1,
            train_accuracy: 1.0,
            clean_accuracy: 1.0,
            corrupted_accuracy: 1.0,
            test_accuracy: test,
            sharpness,
            sharpness_std_err: 0.0,
            tr_h_sigma: 1.0,
            tr_h_sigma_iso: 0.1,
            tr_h: 1.0,
            tr_sigma: 1.0,
            top_eigenvalues: vec![1.0],
            a_hat: None,
        }
    }

    fn result(method: Method, seed: u32, final_test: f64, sharpness: f64) -> FashionResult {
        let records = vec![record(0, 0.6, 0.01), record(100, final_test, sharpness)];
        let curve = (0..=10)
            .map(|i| CurvePoint {
                iteration: 10 * i,
                test_accuracy: if i == 10 { final_test } else { 0.6 },
                train_accuracy: 1.0,
                corrupted_accuracy: 0.5,
                sharpness: None,
                sharpness_std_err: None,
            })
            .collect();
        let gd = FashionGdReport {
            iterations: 10,
            fitted: true,
            train_accuracy: 1.0,
            test_accuracy: 0.6,
            record: record(0, 0.6, 0.01),
        };
        let job = FashionJob {
            network: "mlp".into(),
            dataset: Dataset::Paper,
            seed,
            method,
            leading_draw: LeadingDraw::Every,
            iterations: 100,
        };
        FashionResult {
            experiment: "fashion-job".into(),
            network: "mlp".into(),
            parameters: 10,
            dataset: Dataset::Paper,
            train_images: 1200,
            test_images: 10_000,
            seed,
            id: job.summary_id(),
            method: method.id().into(),
            variant: job.variant().into(),
            iterations: 100,
            log_every: 100,
            curve_every: 10,
            sharpness_every: 100,
            config: FashionConfig::default(),
            stage1: gd,
            run: FashionMethodReport::new(method, records),
            curve,
            seconds: 1.0,
            kernels: Some("portable".into()),
        }
    }

    #[test]
    fn summary_ids_name_their_method_and_the_authors_variant() {
        assert_eq!(
            summary_method("gld-leading-refresh"),
            Some(Method::GldLeading)
        );
        assert_eq!(
            summary_name("gld-leading-refresh"),
            "GLD leading, authors' variant"
        );
        assert_eq!(summary_name("gld-eigvec"), "GLD 1st eigvec");
        assert_eq!(summary_method("sgd-refresh"), Some(Method::Sgd));
        assert_eq!(
            (summary_method("vgg"), summary_name("vgg")),
            (None, "vgg".into())
        );
    }

    #[test]
    fn file_names_are_unique_per_job_and_name_the_variant() {
        let mut job = FashionJob {
            network: "cnn".into(),
            dataset: Dataset::AuthorsCode,
            seed: 3,
            method: Method::GldLeading,
            leading_draw: LeadingDraw::Every,
            iterations: 15_000,
        };
        assert_eq!(
            job.file_name(),
            "cnn-authors-code-seed3-gld-leading-15000.json"
        );
        job.leading_draw = LeadingDraw::Refresh;
        assert_eq!(
            job.file_name(),
            "cnn-authors-code-seed3-gld-leading-refresh-15000.json"
        );
        job.method = Method::Sgd;
        assert_eq!(job.file_name(), "cnn-authors-code-seed3-sgd-15000.json");
        assert_eq!(
            job.partial_file_name(),
            "cnn-authors-code-seed3-sgd-15000.partial.json"
        );
    }

    #[test]
    fn summary_pairs_each_method_with_gd_on_the_same_seed() {
        let results = vec![
            result(Method::Gd, 0, 0.60, 0.002),
            result(Method::Gd, 1, 0.62, 0.002),
            result(Method::Gd, 2, 0.64, 0.002),
            result(Method::Sgd, 0, 0.61, 0.001),
            result(Method::Sgd, 1, 0.64, 0.001),
            result(Method::Sgd, 2, 0.67, 0.001),
            // A seed without GD: in SGD's mean, not in the pairs.
            result(Method::Sgd, 5, 0.70, 0.001),
        ];
        let groups = build_summary(&results, None);
        assert_eq!(groups.len(), 1);
        let g = &groups[0];
        assert_eq!(g.seeds, vec![0, 1, 2, 5]);
        assert_eq!(g.summary[0].id, "gd");
        let sgd = &g.summary[1];
        assert_eq!(sgd.id, "sgd");
        assert_eq!(sgd.test_accuracy.n, 4);
        assert!((sgd.test_accuracy.mean - 0.655).abs() < 1e-12);
        // Differences 0.01, 0.02, 0.03: mean 0.02, sd 0.01.
        let d = sgd.diff_vs_gd.unwrap();
        assert_eq!(d.n, 3);
        assert!((d.mean - 0.02).abs() < 1e-12);
        // t(0.975, 2) = 4.30265 (4.3027 in tables).
        let half = 4.302_653 * 0.01 / 3f64.sqrt();
        assert!((d.ci_high - d.mean - half).abs() < 1e-8);
        // Window: the last 20% of 100 iterations are the points 80, 90, 100.
        let w = sgd.window_diff_vs_gd.unwrap();
        assert!((w.mean - 0.02 / 3.0).abs() < 1e-12);
        let s = sgd.sharpness_diff_vs_gd.unwrap();
        assert!((s.mean + 0.001).abs() < 1e-12 && s.excludes_zero());
        let md = markdown_tables(&groups);
        assert!(md.contains("| sgd | 4 | 65.50 ± 3.87 |"), "{md}");
        assert!(md.contains("+2.00 ["), "{md}");
        // A horizon of 50: values at iteration 50 (curve), the window 40..50.
        let at50 = build_summary(&results, Some(50));
        assert_eq!(at50[0].iterations, 50);
        assert!((at50[0].summary[1].test_accuracy.mean - 0.6).abs() < 1e-12);
        assert!(at50[0].summary[1].sharpness.is_none(), "no sharpness at 50");
        // Beyond every run: no group.
        assert!(build_summary(&results, Some(200)).is_empty());
    }

    #[test]
    fn the_verdict_compares_gld_hessian_and_eigvec_once_they_have_two_seeds() {
        let mut results = Vec::new();
        for seed in 0..3 {
            results.push(result(Method::Gd, seed, 0.60, 0.002));
            results.push(escaping(Method::Sgd, seed, 0.2 + 0.01 * seed as f64));
            results.push(escaping(Method::GldLeading, seed, 0.3 + 0.02 * seed as f64));
        }
        results.push(escaping(Method::GldHessian, 0, 0.2));
        results.push(escaping(Method::GldEigvec, 0, 0.1));
        let escape = |results: &[FashionResult]| {
            let g = &build_summary(results, None)[0];
            assert_eq!(g.verdicts[0].claim, "escape");
            g.verdicts[0].evidence.clone()
        };
        // One seed each: listed with their values, not compared, not missing.
        let one = escape(&results);
        assert!(one.contains("GLD Hessian 20.0% (n = 1)"), "{one}");
        assert!(!one.contains("GLD Hessian - GD"), "{one}");
        // No GLD dynamic run: the comparison against it is not run, and said so.
        let g = &build_summary(&results, None)[0];
        assert_eq!(g.verdicts[0].not_run, ["SGD - GLD dynamic"]);
        let labels: Vec<&str> = g.verdicts[0]
            .comparisons
            .iter()
            .map(|c| c.label.as_str())
            .collect();
        assert_eq!(labels, ["SGD - GD", "GLD leading - GD"]);
        // A single seed has no spread to print: the table shows its value alone.
        let md = markdown_tables(&build_summary(&results, None));
        let row = md
            .lines()
            .find(|l| l.starts_with("| gld-hessian |"))
            .unwrap();
        assert!(
            row.starts_with("| gld-hessian | 1 | 60.00 |") && !row.contains('±'),
            "{row}"
        );
        let sgd = md.lines().find(|l| l.starts_with("| sgd |")).unwrap();
        assert!(sgd.contains(" ± "), "{sgd}");
        // Two seeds of GLD Hessian: it joins the family; 1st eigvec (one seed) does not.
        results.push(escaping(Method::GldHessian, 1, 0.25));
        let two = escape(&results);
        assert!(two.contains("GLD Hessian - GD -27.5 points"), "{two}");
        assert!(!two.contains("GLD 1st eigvec - GD"), "{two}");
    }

    /// A run whose curve loses the random labels to `lowest` at iteration 40 and re-fits them.
    fn escaping(method: Method, seed: u32, lowest: f64) -> FashionResult {
        let mut r = result(method, seed, 0.6, 0.001);
        for p in &mut r.curve {
            p.corrupted_accuracy = if p.iteration == 40 { lowest } else { 1.0 };
        }
        r
    }

    #[test]
    fn the_lowest_random_labels_fitted_counts_the_escape_a_refit_hides() {
        let results = vec![
            escaping(Method::Gd, 0, 1.0),
            escaping(Method::Gd, 1, 1.0),
            escaping(Method::GldDynamic, 0, 0.99),
            escaping(Method::GldDynamic, 1, 0.97),
            escaping(Method::Sgd, 0, 0.2),
            escaping(Method::Sgd, 1, 0.4),
        ];
        let g = &build_summary(&results, None)[0];
        let sgd = g.summary.iter().find(|m| m.id == "sgd").unwrap();
        // Every run ends with all random labels fitted: the final value shows no escape.
        assert_eq!(sgd.random_labels_fitted.mean, 1.0);
        assert!((sgd.lowest_random_labels_fitted.mean - 0.3).abs() < 1e-12);
        let d = sgd.lowest_random_labels_diff_vs_gd.unwrap();
        assert!((d.mean + 0.7).abs() < 1e-12 && d.n == 2);
        // Against GLD dynamic: (0.2 - 0.99, 0.4 - 0.97), mean -0.68.
        let iso = sgd.vs_gld_dynamic.as_ref().unwrap();
        let d = iso.lowest_random_labels_fitted.unwrap();
        assert!((d.mean + 0.68).abs() < 1e-12, "{d:?}");
        assert!(iso.test_accuracy.is_some());
        // GLD dynamic is not compared with itself; GD has no GD row but has a dynamic one.
        let dynamic = g.summary.iter().find(|m| m.id == "gld-dynamic").unwrap();
        assert!(dynamic.vs_gld_dynamic.is_none());
        // Before the dip (horizon 30) nothing was lost yet.
        let at30 = &build_summary(&results, Some(30))[0];
        let sgd30 = at30.summary.iter().find(|m| m.id == "sgd").unwrap();
        assert_eq!(sgd30.lowest_random_labels_fitted.mean, 1.0);
        let md = markdown_tables(&build_summary(&results, None));
        assert!(md.contains("lowest on the way (%)"), "{md}");
        assert!(
            md.contains("from GLD dynamic (isotropic noise of SGD's trace)"),
            "{md}"
        );
        assert!(md.contains("| -70.0 ["), "{md}");
    }
}
