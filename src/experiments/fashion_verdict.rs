//! The verdict per claim of the paper, worded from a summary group's paired differences by one
//! fixed rule, so that REPRODUCTION.md's verdict tables are generated (`fashion-summary
//! --format markdown`), never typed. Each claim rests on a family of comparisons (SGD - GD,
//! GLD leading - GD, ...); their paired t-tests' p-values are corrected by Holm's method within
//! the claim, so that a claim is not carried by one of several intervals excluding 0 by chance.
//! A comparison *counts* when its Holm-adjusted p-value is below 0.05; a claim is *reproduced*
//! when every comparison that bears on it counts in the paper's direction, *not reproduced* when
//! one counts in the opposite direction, and otherwise the runs *cannot tell*. A comparison with
//! fewer than 2 seeds has no test and counts as "cannot tell". With one comparison in a family
//! the rule is "the 95% interval excludes 0".
//!
//! Each verdict carries its comparisons as data ([`Comparison`]: methods, quantity, paired
//! difference, Holm p-value, whether it counts), and its evidence's prose is printed from
//! them, so that the page quotes what a verdict rests on from the summary JSON rather than
//! from a list of its own.
//!
//! The claims (Zhu et al., ICML 2019, Section 5.3): anisotropic noise (SGD, GLD leading)
//! escapes the sharp minimum where isotropic noise of the same size (GLD dynamic: SGD's trace,
//! spread evenly) does not; the escaping dynamics end in flatter minima; and they generalize
//! better, than GD and than that isotropic noise.

use super::fashion_results::{mean_sd, summary_name, MethodSummary, SummaryGroup};
use crate::noise::Method;
use crate::stats::{holm, PairedDifference, Summary};
use serde::{Deserialize, Serialize};

/// The family-wise level of each claim's comparisons.
const ALPHA: f64 = 0.05;

/// The paper's horizon: its claims are about where the dynamics are after this many stage-2
/// iterations.
pub const PAPER_ITERATIONS: u64 = 15_000;

/// Which way the paper says a difference goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    Lower,
    Higher,
}

/// What one comparison allows to say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reading {
    /// Significant after the correction, in the paper's direction.
    AsThePaper,
    /// Significant after the correction, in the other direction.
    Opposite,
    /// Not significant after the correction, or no test (one seed).
    CannotTell,
}

/// The metric a comparison compares, named as the summary's fields name it (`testAccuracy`,
/// ...: the keys of `vsGldDynamic`), so that the page can format a comparison by its quantity
/// without knowing the science.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Quantity {
    /// The lowest fraction of the random labels fitted on the way (a fraction, 0..1).
    LowestRandomLabelsFitted,
    /// The expected sharpness at the horizon (a loss difference).
    Sharpness,
    /// The test accuracy at the horizon (a fraction, 0..1).
    TestAccuracy,
    /// The test accuracy averaged over the last 20% of the iterations (a fraction, 0..1).
    WindowTestAccuracy,
}

impl Quantity {
    /// How the evidence prints a difference in it: scale, decimals, unit.
    fn format(self) -> (f64, usize, &'static str) {
        match self {
            Quantity::LowestRandomLabelsFitted => (100.0, 1, " points"),
            Quantity::Sharpness => (1e3, 1, "e-3"),
            Quantity::TestAccuracy | Quantity::WindowTestAccuracy => (100.0, 2, " points"),
        }
    }

    /// What the label adds after "SGD - GD" to tell the two test accuracies apart.
    fn suffix(self) -> &'static str {
        match self {
            Quantity::LowestRandomLabelsFitted | Quantity::Sharpness => "",
            Quantity::TestAccuracy => ", final",
            Quantity::WindowTestAccuracy => ", last 20%",
        }
    }

    /// `m`'s paired difference in this quantity from `baseline` (GD or GLD dynamic).
    fn pick(self, m: &MethodSummary, baseline: &str) -> Option<PairedDifference> {
        if baseline == Method::Gd.id() {
            match self {
                Quantity::LowestRandomLabelsFitted => m.lowest_random_labels_diff_vs_gd,
                Quantity::Sharpness => m.sharpness_diff_vs_gd,
                Quantity::TestAccuracy => m.diff_vs_gd,
                Quantity::WindowTestAccuracy => m.window_diff_vs_gd,
            }
        } else if baseline == Method::GldDynamic.id() {
            let d = m.vs_gld_dynamic.as_ref()?;
            match self {
                Quantity::LowestRandomLabelsFitted => d.lowest_random_labels_fitted,
                Quantity::Sharpness => d.sharpness,
                Quantity::TestAccuracy => d.test_accuracy,
                Quantity::WindowTestAccuracy => d.window_test_accuracy,
            }
        } else {
            None
        }
    }
}

/// One paired comparison a verdict rests on, as the summary JSON gives it (`comparisons` of a
/// verdict, in the order its evidence lists them) and as the evidence prints it: `method -
/// against` in `quantity` on the same seeds, the paired difference in the quantity's own units
/// (fractions for accuracies), its Holm-adjusted p-value within its claim and whether it
/// counts. The evidence's prose is printed from these fields, so the two cannot disagree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// The method's summary id ("sgd").
    pub method: String,
    /// The baseline's summary id ("gd", "gld-dynamic").
    pub against: String,
    /// The name the evidence and the verdict use ("SGD - GD, final").
    pub label: String,
    /// What is compared.
    pub quantity: Quantity,
    /// The paired difference `method - against` (mean, 95% t-interval, pairs, unadjusted
    /// p-value).
    #[serde(flatten)]
    pub difference: PairedDifference,
    /// The p-value Holm-adjusted over the claim's comparisons (None with one seed: no test).
    pub holm_p: Option<f64>,
    /// Whether it counts: Holm p below 0.05 (the verdict then reads its sign).
    pub counts: bool,
}

/// "SGD - GD, final": how the evidence and the verdict name a comparison.
fn label(method: &str, against: &str, quantity: Quantity) -> String {
    format!(
        "{} - {}{}",
        summary_name(method),
        summary_name(against),
        quantity.suffix()
    )
}

impl Comparison {
    /// `method - against` in `quantity`, before the correction (no Holm p-value yet).
    fn new(method: &str, against: &str, quantity: Quantity, difference: PairedDifference) -> Self {
        Comparison {
            method: method.into(),
            against: against.into(),
            label: label(method, against, quantity),
            quantity,
            difference,
            holm_p: None,
            counts: false,
        }
    }

    fn read(&self, direction: Direction) -> Reading {
        if !self.counts {
            return Reading::CannotTell;
        }
        match (self.difference.mean < 0.0, direction) {
            (true, Direction::Lower) | (false, Direction::Higher) => Reading::AsThePaper,
            _ => Reading::Opposite,
        }
    }

    fn text(&self) -> String {
        let d = &self.difference;
        let (scale, digits, unit) = self.quantity.format();
        let v = |x: f64| format!("{:+.*}", digits, scale * x);
        match self.holm_p {
            Some(p) if d.n >= 2 => {
                let (lo, hi) = (v(d.ci_low), v(d.ci_high));
                format!(
                    "{} {}{unit} [{lo}, {hi}], Holm {}",
                    self.label,
                    v(d.mean),
                    p_text(p)
                )
            }
            _ => format!("{} {}{unit} (1 seed, no interval)", self.label, v(d.mean)),
        }
    }
}

/// "p = 0.17", "p = 0.0502" (3 significant digits below 0.1, so that a value near 0.05 shows
/// which side it is on), "p < 0.001" below that.
fn p_text(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else if p < 0.1 {
        let decimals = (2.0 - p.log10().floor()) as usize;
        format!("p = {p:.decimals$}")
    } else {
        format!("p = {p:.2}")
    }
}

/// Sets the Holm-adjusted p-values of one claim's comparisons (those with a test, n >= 2) and
/// whether each counts.
fn correct(comparisons: &mut [Comparison]) {
    let tested: Vec<usize> = (0..comparisons.len())
        .filter(|&i| {
            comparisons[i].difference.n >= 2 && comparisons[i].difference.p_value.is_some()
        })
        .collect();
    let p: Vec<f64> = tested
        .iter()
        .filter_map(|&i| comparisons[i].difference.p_value)
        .collect();
    for c in comparisons.iter_mut() {
        c.holm_p = None;
        c.counts = false;
    }
    for (&i, adjusted) in tested.iter().zip(holm(&p)) {
        let c = &mut comparisons[i];
        c.holm_p = Some(adjusted);
        c.counts = adjusted < ALPHA && c.difference.mean != 0.0;
    }
}

/// What the runs say of one claim, in one word (the page quotes it; REPRODUCTION.md quotes
/// the full wording).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Every comparison counts in the paper's direction.
    Reproduced,
    /// Some count in the paper's direction, the rest do not count or were not run.
    Partly,
    /// One comparison counts in the opposite direction.
    NotReproduced,
    /// No comparison counts.
    CannotTell,
}

/// The verdict on one claim of the paper, as `fashion-summary` writes it in the summary JSON
/// (`verdicts`) and in REPRODUCTION.md's tables.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimVerdict {
    /// The claim, short ("escape", "flatter minima", ...).
    pub claim: String,
    /// The claim as the table states it.
    pub statement: String,
    /// The values and comparisons it rests on (markdown).
    pub evidence: String,
    /// The paired comparisons it rests on, in the evidence's order, each with its
    /// Holm-adjusted p-value: what the page quotes.
    #[serde(default)]
    pub comparisons: Vec<Comparison>,
    /// The labels of the comparisons it needs that these runs lack (they keep it at most
    /// "partly" reproduced); absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_run: Vec<String>,
    /// The outcome in one word.
    pub outcome: Outcome,
    /// The verdict worded in full (markdown).
    pub verdict: String,
}

/// The verdict of a claim from its comparisons (`missing`: the labels of the comparisons it
/// needs that these runs lack; a claim with one missing is at most "partly" reproduced): its
/// outcome, and the outcome worded with the comparisons behind it.
fn verdict(
    comparisons: &[Comparison],
    missing: &[String],
    direction: Direction,
    horizon: u64,
) -> (Outcome, String) {
    let not_run = if missing.is_empty() {
        String::new()
    } else {
        format!("; not run: {}", missing.join(", "))
    };
    if comparisons.is_empty() {
        let text = format!("**Cannot tell** (no pair of methods for it in these runs{not_run})");
        return (Outcome::CannotTell, text);
    }
    let labels = |r: Reading| -> Vec<&str> {
        let matching = comparisons.iter().filter(|c| c.read(direction) == r);
        matching.map(|c| c.label.as_str()).collect()
    };
    let (agree, oppose, open) = (
        labels(Reading::AsThePaper),
        labels(Reading::Opposite),
        labels(Reading::CannotTell),
    );
    let at = if horizon < PAPER_ITERATIONS {
        format!(" at iteration {horizon}, not the paper's {PAPER_ITERATIONS}")
    } else {
        String::new()
    };
    let way = match direction {
        Direction::Lower => "lower",
        Direction::Higher => "higher",
    };
    if oppose.is_empty() && open.is_empty() && missing.is_empty() {
        let text = format!("**Reproduced**{at} (every comparison {way}, Holm p < {ALPHA})");
        return (Outcome::Reproduced, text);
    }
    let mut parts = Vec::new();
    let outcome = if !oppose.is_empty() {
        parts.push(format!(
            "**Not reproduced**{at}: the opposite of the paper for {} (Holm p < {ALPHA})",
            oppose.join(", ")
        ));
        if !agree.is_empty() {
            parts.push(format!("as the paper for {}", agree.join(", ")));
        }
        Outcome::NotReproduced
    } else if agree.is_empty() {
        // With one seed nothing was tested: say so rather than cite a p-value that is not there.
        let why = if comparisons.iter().all(|c| c.difference.n < 2) {
            "one seed: no interval, no test".to_string()
        } else {
            format!("no comparison has Holm p < {ALPHA}")
        };
        parts.push(format!("**Cannot tell**{at} ({why})"));
        Outcome::CannotTell
    } else {
        parts.push(format!("**Partly**{at}: {way} for {}", agree.join(", ")));
        Outcome::Partly
    };
    if !open.is_empty() && !agree.is_empty() || !open.is_empty() && !oppose.is_empty() {
        parts.push(format!("cannot tell for {}", open.join(", ")));
    }
    (outcome, parts.join("; ") + &not_run)
}

/// "GD 100.0 +- 0.0%, SGD 16.4 +- 6.9%": each present method's mean +- sd over seeds.
fn values(
    g: &SummaryGroup,
    ids: &[&str],
    pick: fn(&MethodSummary) -> Option<&Summary>,
    scale: f64,
    digits: usize,
    unit: &str,
) -> String {
    let mut parts = Vec::new();
    for id in ids {
        let Some(m) = g.summary.iter().find(|m| m.id == *id) else {
            continue;
        };
        let Some(s) = pick(m) else { continue };
        let value = mean_sd(Some(s), scale, digits);
        parts.push(format!("{} {value}{unit} (n = {})", summary_name(id), s.n));
    }
    parts.join(", ")
}

/// The comparisons `method - baseline` in `quantity` over `pairs`, Holm-corrected among
/// themselves: those these runs have, and the labels of those they lack.
fn comparisons(
    g: &SummaryGroup,
    pairs: &[(&str, &str)],
    quantity: Quantity,
) -> (Vec<Comparison>, Vec<String>) {
    let (mut present, mut missing) = (Vec::new(), Vec::new());
    for (id, baseline) in pairs {
        let found = g
            .summary
            .iter()
            .find(|m| m.id == *id)
            .and_then(|m| quantity.pick(m, baseline));
        match found {
            Some(difference) => present.push(Comparison::new(id, baseline, quantity, difference)),
            None => missing.push(label(id, baseline, quantity)),
        }
    }
    correct(&mut present);
    (present, missing)
}

/// "SGD - GD -83.6 points [-92.2, -75.0], Holm p < 0.001; ...": the comparisons as the
/// evidence prints them.
fn texts(comparisons: &[Comparison]) -> String {
    let texts: Vec<String> = comparisons.iter().map(Comparison::text).collect();
    texts.join("; ")
}

/// The verdict table of one summary group (markdown), or "" when the group has no verdicts.
pub fn markdown_verdict(g: &SummaryGroup) -> String {
    if g.verdicts.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "Verdict per claim of the paper, {} on the {} dataset, iteration {} (paired differences with 95% t-intervals and their paired t-tests' p-values, Holm-corrected over each claim's comparisons; n = seeds):\n\n| claim of the paper | these runs | verdict |\n| --- | --- | --- |\n",
        g.network.to_uppercase(),
        g.dataset.id(),
        g.iterations
    );
    for v in &g.verdicts {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            v.statement, v.evidence, v.verdict
        ));
    }
    out
}

/// The verdicts per claim of one summary group, or none when the group lacks GD or SGD.
pub fn verdicts(g: &SummaryGroup) -> Vec<ClaimVerdict> {
    let (gd, sgd, lead, dynamic, constant) = (
        Method::Gd.id(),
        Method::Sgd.id(),
        Method::GldLeading.id(),
        Method::GldDynamic.id(),
        Method::GldConst.id(),
    );
    if !g.summary.iter().any(|m| m.id == gd) || !g.summary.iter().any(|m| m.id == sgd) {
        return Vec::new();
    }
    let h = g.iterations;
    let (diag, hessian, eigvec) = (
        Method::GldDiag.id(),
        Method::GldHessian.id(),
        Method::GldEigvec.id(),
    );
    // The paper's other curvature-aligned noises (GLD Hessian, 1st eigvec) join the escape
    // and flatness families where these runs have them on 2 seeds or more; the protocol does
    // not ask for them at every horizon, so elsewhere they are neither compared nor missing.
    let paired = |id: &str| g.summary.iter().any(|m| m.id == id && m.seeds.len() >= 2);
    let mut anisotropic = vec![(sgd, gd), (sgd, dynamic), (lead, gd)];
    anisotropic.extend(
        [hessian, eigvec]
            .into_iter()
            .filter(|id| paired(id))
            .map(|id| (id, gd)),
    );
    let everyone = [gd, dynamic, constant, diag, sgd, lead, hessian, eigvec];
    let mut out = Vec::new();
    let mut push = |claim: &str,
                    statement: &str,
                    evidence: String,
                    (comparisons, not_run): (Vec<Comparison>, Vec<String>),
                    direction: Direction,
                    horizon: u64| {
        let (outcome, verdict) = verdict(&comparisons, &not_run, direction, horizon);
        out.push(ClaimVerdict {
            claim: claim.into(),
            statement: statement.into(),
            evidence,
            comparisons,
            not_run,
            outcome,
            verdict,
        });
    };

    let escape = comparisons(g, &anisotropic, Quantity::LowestRandomLabelsFitted);
    push(
        "escape",
        "Anisotropic noise escapes the sharp minimum; isotropic noise of the same size does not",
        format!(
            "Lowest fraction of the random labels fitted on the way to iteration {h}: {}. Paired: {}.",
            values(g, &everyone, |m| Some(&m.lowest_random_labels_fitted), 100.0, 1, "%"),
            texts(&escape.0)
        ),
        escape,
        Direction::Lower,
        PAPER_ITERATIONS,
    );

    let flat = comparisons(g, &anisotropic, Quantity::Sharpness);
    push(
        "flatter minima",
        "The escaping dynamics end in flatter minima",
        format!(
            "Expected sharpness (x1e-3) at iteration {h}: {}. Paired: {}.",
            values(g, &everyone, |m| m.sharpness.as_ref(), 1e3, 1, ""),
            texts(&flat.0)
        ),
        flat,
        Direction::Lower,
        h,
    );

    let vs_gd = [(sgd, gd), (lead, gd)];
    let (mut better, mut better_missing) = comparisons(g, &vs_gd, Quantity::TestAccuracy);
    let (window, window_missing) = comparisons(g, &vs_gd, Quantity::WindowTestAccuracy);
    better.extend(window);
    better_missing.extend(window_missing);
    // One claim, one family: the final and the last-20% comparisons together.
    correct(&mut better);
    push(
        "higher test accuracy than GD",
        "Higher test accuracy than GD",
        format!(
            "Test accuracy on {} images at iteration {h} (final) and averaged over its last 20% of iterations: {}. Paired: {}.",
            g.test_images,
            values(g, &[gd, sgd, lead], |m| Some(&m.test_accuracy), 100.0, 2, "%"),
            texts(&better)
        ),
        (better, better_missing),
        Direction::Higher,
        h,
    );

    let vs_iso = [(sgd, dynamic), (lead, dynamic)];
    let iso = comparisons(g, &vs_iso, Quantity::TestAccuracy);
    push(
        "higher test accuracy than isotropic noise",
        "Higher test accuracy than isotropic noise of the same size",
        format!(
            "Test accuracy at iteration {h}: {}. Paired: {}.",
            values(
                g,
                &[dynamic, sgd, lead],
                |m| Some(&m.test_accuracy),
                100.0,
                2,
                "%"
            ),
            if iso.0.is_empty() {
                "none (no GLD dynamic run)".into()
            } else {
                texts(&iso.0)
            }
        ),
        iso,
        Direction::Higher,
        h,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A difference with a made-up p-value (what matters here is the wording rule).
    fn diff(mean: f64, ci_low: f64, ci_high: f64, n: usize, p: f64) -> PairedDifference {
        PairedDifference {
            mean,
            ci_low,
            ci_high,
            n,
            p_value: (n >= 2).then_some(p),
        }
    }

    /// A comparison alone in its family (its adjusted p-value is its p-value).
    fn comparison(label: &str, d: PairedDifference) -> Comparison {
        let mut c = [Comparison {
            label: label.into(),
            ..Comparison::new("a", "b", Quantity::LowestRandomLabelsFitted, d)
        }];
        correct(&mut c);
        let [c] = c;
        c
    }

    #[test]
    fn a_comparison_reads_as_the_paper_opposite_or_cannot_tell() {
        let lower = diff(-0.5, -0.8, -0.2, 3, 0.02);
        assert_eq!(
            comparison("A", lower).read(Direction::Lower),
            Reading::AsThePaper
        );
        assert_eq!(
            comparison("A", lower).read(Direction::Higher),
            Reading::Opposite
        );
        assert_eq!(
            comparison("A", diff(0.1, -0.2, 0.4, 3, 0.4)).read(Direction::Higher),
            Reading::CannotTell
        );
        // One seed: no test, whatever its value.
        let one = diff(-0.5, -0.5, -0.5, 1, 0.0);
        assert_eq!(
            comparison("A", one).read(Direction::Lower),
            Reading::CannotTell
        );
        assert_eq!(
            comparison("A - B", one).text(),
            "A - B -50.0 points (1 seed, no interval)"
        );
        assert_eq!(
            comparison("A - B", lower).text(),
            "A - B -50.0 points [-80.0, -20.0], Holm p = 0.0200"
        );
        assert_eq!(p_text(0.0004), "p < 0.001");
        assert_eq!(p_text(0.0052), "p = 0.00520");
        assert_eq!(p_text(0.05021), "p = 0.0502");
        assert_eq!(p_text(0.04981), "p = 0.0498");
        assert_eq!(p_text(0.1667), "p = 0.17");
    }

    #[test]
    fn a_comparison_serializes_what_the_page_quotes() {
        let mut c = [
            Comparison::new(
                "sgd",
                "gd",
                Quantity::TestAccuracy,
                diff(-0.0149, -0.0438, 0.014, 5, 0.21),
            ),
            Comparison::new(
                "gld-leading",
                "gld-dynamic",
                Quantity::WindowTestAccuracy,
                diff(0.0114, 0.0036, 0.0192, 3, 0.02),
            ),
        ];
        correct(&mut c);
        assert_eq!(c[0].label, "SGD - GD, final");
        assert_eq!(c[1].label, "GLD leading - GLD dynamic, last 20%");
        let json = serde_json::to_value(&c[1]).expect("serializes");
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = [
            "method", "against", "label", "quantity", "mean", "ciLow", "ciHigh", "n", "pValue",
            "holmP", "counts",
        ];
        expected.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, expected);
        assert_eq!(json["quantity"], "windowTestAccuracy");
        assert_eq!(json["against"], "gld-dynamic");
        // Holm over two: the smaller p doubled (0.04 < 0.05 counts), the larger kept.
        assert!((json["holmP"].as_f64().unwrap() - 0.04).abs() < 1e-12);
        assert_eq!(json["counts"], true);
        assert_eq!(c[0].holm_p, Some(0.21));
        assert!(!c[0].counts);
        // The quantities are named as the summary's paired differences name them.
        for (q, key) in [
            (
                Quantity::LowestRandomLabelsFitted,
                "lowestRandomLabelsFitted",
            ),
            (Quantity::Sharpness, "sharpness"),
            (Quantity::TestAccuracy, "testAccuracy"),
            (Quantity::WindowTestAccuracy, "windowTestAccuracy"),
        ] {
            assert_eq!(serde_json::to_value(q).unwrap(), key);
        }
        // One seed: no Holm p-value (null), never counts.
        let mut one = [Comparison::new(
            "sgd",
            "gd",
            Quantity::Sharpness,
            diff(-0.01, -0.01, -0.01, 1, 0.0),
        )];
        correct(&mut one);
        let json = serde_json::to_value(&one[0]).unwrap();
        assert!(json["holmP"].is_null() && json["counts"] == false);
        assert_eq!(one[0].text(), "SGD - GD -10.0e-3 (1 seed, no interval)");
    }

    #[test]
    fn holm_corrects_within_a_claim() {
        // Alone, p = 0.04 counts; beside three others it needs p < 0.0125 to count.
        let make = |p| Comparison {
            label: format!("p {p}"),
            ..Comparison::new("a", "b", Quantity::Sharpness, diff(0.5, 0.1, 0.9, 3, p))
        };
        let mut alone = [make(0.04)];
        correct(&mut alone);
        assert_eq!(alone[0].read(Direction::Higher), Reading::AsThePaper);
        let mut four = [make(0.04), make(0.3), make(0.5), make(0.6)];
        correct(&mut four);
        assert!((four[0].holm_p.unwrap() - 0.16).abs() < 1e-12);
        assert_eq!(four[0].read(Direction::Higher), Reading::CannotTell);
        // A one-seed comparison is left out of the family.
        let mut with_one = [
            make(0.04),
            Comparison {
                difference: diff(0.5, 0.5, 0.5, 1, 0.0),
                ..make(0.0)
            },
        ];
        correct(&mut with_one);
        assert_eq!(with_one[0].holm_p, Some(0.04));
        assert_eq!(with_one[1].holm_p, None);
    }

    #[test]
    fn the_verdict_needs_every_comparison_in_the_papers_direction() {
        let down = || comparison("A - GD", diff(-0.5, -0.8, -0.2, 3, 0.01));
        let up = || comparison("B - GD", diff(0.5, 0.2, 0.8, 3, 0.01));
        let open = || comparison("C - GD", diff(0.1, -0.2, 0.4, 3, 0.4));
        let v = |c: Vec<Comparison>, h| verdict(&c, &[], Direction::Lower, h).1;
        assert_eq!(
            v(vec![down()], 15_000),
            "**Reproduced** (every comparison lower, Holm p < 0.05)"
        );
        assert!(v(vec![down()], 3000)
            .starts_with("**Reproduced** at iteration 3000, not the paper's 15000"));
        assert_eq!(
            v(vec![down(), up(), open()], 15_000),
            "**Not reproduced**: the opposite of the paper for B - GD (Holm p < 0.05); as the paper for A - GD; cannot tell for C - GD"
        );
        assert_eq!(
            v(vec![down(), open()], 15_000),
            "**Partly**: lower for A - GD; cannot tell for C - GD"
        );
        assert_eq!(
            v(vec![open()], 15_000),
            "**Cannot tell** (no comparison has Holm p < 0.05)"
        );
        assert!(v(vec![], 15_000).starts_with("**Cannot tell** (no pair"));
        let single = || comparison("D - GD", diff(-0.5, -0.5, -0.5, 1, 0.0));
        assert_eq!(
            v(vec![single(), single()], 15_000),
            "**Cannot tell** (one seed: no interval, no test)"
        );
        assert_eq!(
            v(vec![single(), open()], 15_000),
            "**Cannot tell** (no comparison has Holm p < 0.05)"
        );
        // Higher is the paper's direction for test accuracy.
        assert!(verdict(&[up()], &[], Direction::Higher, 15_000)
            .1
            .starts_with("**Reproduced**"));
        assert!(verdict(&[down()], &[], Direction::Higher, 15_000)
            .1
            .starts_with("**Not reproduced**"));
        // A comparison the claim needs and these runs lack: at most "partly".
        let missing = ["SGD - GLD dynamic".to_string()];
        assert_eq!(
            verdict(&[down()], &missing, Direction::Lower, 15_000).1,
            "**Partly**: lower for A - GD; not run: SGD - GLD dynamic"
        );
        // The one-word outcome follows the wording.
        let outcome = |c: Vec<Comparison>| verdict(&c, &[], Direction::Lower, 15_000).0;
        assert_eq!(outcome(vec![down()]), Outcome::Reproduced);
        assert_eq!(outcome(vec![down(), open()]), Outcome::Partly);
        assert_eq!(outcome(vec![down(), up()]), Outcome::NotReproduced);
        assert_eq!(outcome(vec![open()]), Outcome::CannotTell);
        assert_eq!(outcome(vec![]), Outcome::CannotTell);
    }
}
