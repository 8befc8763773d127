//! The verdict per claim of the paper, worded from a summary group's paired differences by one
//! fixed rule, so that REPRODUCTION.md's verdict tables are generated (`fashion-summary
//! --format markdown`), never typed: a claim is *reproduced* when every comparison that bears
//! on it has a 95% interval that excludes 0 in the paper's direction, *not reproduced* when one
//! excludes 0 in the opposite direction, and otherwise the runs *cannot tell*. A comparison
//! with fewer than 2 seeds has no interval and counts as "cannot tell".
//!
//! The claims (Zhu et al., ICML 2019, Section 5.3): anisotropic noise (SGD, GLD leading)
//! escapes the sharp minimum where isotropic noise of the same size (GLD dynamic: SGD's trace,
//! spread evenly) does not; the escaping dynamics end in flatter minima; and they generalize
//! better, than GD and than that isotropic noise.

use super::fashion_results::{MethodSummary, SummaryGroup};
use crate::noise::Method;
use crate::stats::{PairedDifference, Summary};

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
    /// The interval excludes 0 in the paper's direction.
    AsThePaper,
    /// The interval excludes 0 in the other direction.
    Opposite,
    /// The interval contains 0, or there is no interval (one seed).
    CannotTell,
}

fn read(d: &PairedDifference, direction: Direction) -> Reading {
    if !d.excludes_zero() {
        return Reading::CannotTell;
    }
    match (d.ci_high < 0.0, direction) {
        (true, Direction::Lower) | (false, Direction::Higher) => Reading::AsThePaper,
        _ => Reading::Opposite,
    }
}

/// One comparison: a label ("SGD - GD"), its paired difference, how to print it.
struct Comparison {
    label: String,
    difference: PairedDifference,
    scale: f64,
    digits: usize,
    unit: &'static str,
}

impl Comparison {
    fn text(&self) -> String {
        let d = &self.difference;
        let v = |x: f64| format!("{:+.*}", self.digits, self.scale * x);
        if d.n < 2 {
            format!(
                "{} {}{} (1 seed, no interval)",
                self.label,
                v(d.mean),
                self.unit
            )
        } else {
            let (lo, hi) = (v(d.ci_low), v(d.ci_high));
            format!("{} {}{} [{lo}, {hi}]", self.label, v(d.mean), self.unit)
        }
    }
}

/// The verdict of a claim from its comparisons (`missing`: the labels of the comparisons it
/// needs that these runs lack; a claim with one missing is at most "partly" reproduced).
fn verdict(
    comparisons: &[Comparison],
    missing: &[String],
    direction: Direction,
    horizon: u64,
) -> String {
    let not_run = if missing.is_empty() {
        String::new()
    } else {
        format!("; not run: {}", missing.join(", "))
    };
    if comparisons.is_empty() {
        return format!("**Cannot tell** (no pair of methods for it in these runs{not_run})");
    }
    let labels = |r: Reading| -> Vec<&str> {
        let matching = comparisons
            .iter()
            .filter(|c| read(&c.difference, direction) == r);
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
        return format!("**Reproduced**{at} (every interval excludes 0, {way})");
    }
    let mut parts = Vec::new();
    if !oppose.is_empty() {
        parts.push(format!(
            "**Not reproduced**{at}: the opposite of the paper for {} (interval excludes 0)",
            oppose.join(", ")
        ));
        if !agree.is_empty() {
            parts.push(format!("as the paper for {}", agree.join(", ")));
        }
    } else if agree.is_empty() {
        parts.push(format!("**Cannot tell**{at} (no interval excludes 0)"));
    } else {
        parts.push(format!("**Partly**{at}: {way} for {}", agree.join(", ")));
    }
    if !open.is_empty() && !agree.is_empty() || !open.is_empty() && !oppose.is_empty() {
        parts.push(format!("cannot tell for {}", open.join(", ")));
    }
    parts.join("; ") + &not_run
}

/// The methods' display names in the verdict.
fn name(id: &str) -> String {
    match Method::from_id(id) {
        Some(m) if id == m.id() => m.name().to_string(),
        _ => id.to_string(),
    }
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
        let (mean, sd) = (scale * s.mean, scale * s.sd);
        parts.push(format!(
            "{} {mean:.digits$} ± {sd:.digits$}{unit} (n = {})",
            name(id),
            s.n
        ));
    }
    parts.join(", ")
}

/// The comparisons `method - baseline` of `pick` over `pairs`: those these runs have, and
/// the labels of those they lack.
fn comparisons(
    g: &SummaryGroup,
    pairs: &[(&str, &str)],
    pick: fn(&MethodSummary, &str) -> Option<PairedDifference>,
    scale: f64,
    digits: usize,
    unit: &'static str,
    suffix: &str,
) -> (Vec<Comparison>, Vec<String>) {
    let (mut present, mut missing) = (Vec::new(), Vec::new());
    for (id, baseline) in pairs {
        let label = format!("{} - {}{suffix}", name(id), name(baseline));
        let found = g
            .summary
            .iter()
            .find(|m| m.id == *id)
            .and_then(|m| pick(m, baseline));
        match found {
            Some(difference) => present.push(Comparison {
                label,
                difference,
                scale,
                digits,
                unit,
            }),
            None => missing.push(label),
        }
    }
    (present, missing)
}

/// `m`'s paired difference from GD or GLD dynamic in one metric.
macro_rules! against {
    ($vs_gd:ident, $vs_dynamic:ident) => {
        |m: &MethodSummary, baseline: &str| -> Option<PairedDifference> {
            if baseline == Method::Gd.id() {
                m.$vs_gd
            } else {
                m.vs_gld_dynamic.as_ref()?.$vs_dynamic
            }
        }
    };
}

/// The verdict table of one summary group (markdown), or "" when the group lacks GD or SGD.
pub fn markdown_verdict(g: &SummaryGroup) -> String {
    let (gd, sgd, lead, dynamic, constant) = (
        Method::Gd.id(),
        Method::Sgd.id(),
        Method::GldLeading.id(),
        Method::GldDynamic.id(),
        Method::GldConst.id(),
    );
    if !g.summary.iter().any(|m| m.id == gd) || !g.summary.iter().any(|m| m.id == sgd) {
        return String::new();
    }
    let h = g.iterations;
    let anisotropic = [(sgd, gd), (sgd, dynamic), (lead, gd)];
    let everyone = [gd, dynamic, constant, sgd, lead];
    let mut rows: Vec<(String, String, String)> = Vec::new();

    let (escape, escape_missing) = comparisons(
        g,
        &anisotropic,
        against!(lowest_random_labels_diff_vs_gd, lowest_random_labels_fitted),
        100.0,
        1,
        " points",
        "",
    );
    rows.push((
        "Anisotropic noise escapes the sharp minimum; isotropic noise of the same size does not".into(),
        format!(
            "Lowest fraction of the random labels fitted on the way to iteration {h}: {}. Paired: {}.",
            values(g, &everyone, |m| Some(&m.lowest_random_labels_fitted), 100.0, 1, "%"),
            escape.iter().map(Comparison::text).collect::<Vec<_>>().join("; ")
        ),
        verdict(&escape, &escape_missing, Direction::Lower, PAPER_ITERATIONS),
    ));

    let (flat, flat_missing) = comparisons(
        g,
        &anisotropic,
        against!(sharpness_diff_vs_gd, sharpness),
        1e3,
        1,
        "e-3",
        "",
    );
    rows.push((
        "The escaping dynamics end in flatter minima".into(),
        format!(
            "Expected sharpness (x1e-3) at iteration {h}: {}. Paired: {}.",
            values(g, &everyone, |m| m.sharpness.as_ref(), 1e3, 1, ""),
            flat.iter()
                .map(Comparison::text)
                .collect::<Vec<_>>()
                .join("; ")
        ),
        verdict(&flat, &flat_missing, Direction::Lower, h),
    ));

    let vs_gd = [(sgd, gd), (lead, gd)];
    let (mut better, mut better_missing) = comparisons(
        g,
        &vs_gd,
        against!(diff_vs_gd, test_accuracy),
        100.0,
        2,
        " points",
        ", final",
    );
    let (window, window_missing) = comparisons(
        g,
        &vs_gd,
        against!(window_diff_vs_gd, window_test_accuracy),
        100.0,
        2,
        " points",
        ", last 20%",
    );
    better.extend(window);
    better_missing.extend(window_missing);
    rows.push((
        "Higher test accuracy than GD".into(),
        format!(
            "Test accuracy on {} images at iteration {h} (final) and averaged over its last 20% of iterations: {}. Paired: {}.",
            g.test_images,
            values(g, &[gd, sgd, lead], |m| Some(&m.test_accuracy), 100.0, 2, "%"),
            better.iter().map(Comparison::text).collect::<Vec<_>>().join("; ")
        ),
        verdict(&better, &better_missing, Direction::Higher, h),
    ));

    let vs_iso = [(sgd, dynamic), (lead, dynamic)];
    let (iso, iso_missing) = comparisons(
        g,
        &vs_iso,
        against!(diff_vs_gd, test_accuracy),
        100.0,
        2,
        " points",
        ", final",
    );
    rows.push((
        "Higher test accuracy than isotropic noise of the same size".into(),
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
            if iso.is_empty() {
                "none (no GLD dynamic run)".into()
            } else {
                iso.iter()
                    .map(Comparison::text)
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        ),
        verdict(&iso, &iso_missing, Direction::Higher, h),
    ));

    let mut out = format!(
        "Verdict per claim of the paper, {} on the {} dataset, iteration {h} (95% paired t-intervals; n = seeds):\n\n| claim of the paper | these runs | verdict |\n| --- | --- | --- |\n",
        g.network.to_uppercase(),
        g.dataset.id()
    );
    for (claim, runs, v) in rows {
        out.push_str(&format!("| {claim} | {runs} | {v} |\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(mean: f64, ci_low: f64, ci_high: f64, n: usize) -> PairedDifference {
        PairedDifference {
            mean,
            ci_low,
            ci_high,
            n,
        }
    }

    fn comparison(label: &str, d: PairedDifference) -> Comparison {
        Comparison {
            label: label.into(),
            difference: d,
            scale: 100.0,
            digits: 1,
            unit: " points",
        }
    }

    #[test]
    fn a_comparison_reads_as_the_paper_opposite_or_cannot_tell() {
        let lower = diff(-0.5, -0.8, -0.2, 3);
        assert_eq!(read(&lower, Direction::Lower), Reading::AsThePaper);
        assert_eq!(read(&lower, Direction::Higher), Reading::Opposite);
        assert_eq!(
            read(&diff(0.1, -0.2, 0.4, 3), Direction::Higher),
            Reading::CannotTell
        );
        // One seed: no interval, whatever its value.
        assert_eq!(
            read(&diff(-0.5, -0.5, -0.5, 1), Direction::Lower),
            Reading::CannotTell
        );
        assert_eq!(
            comparison("A - B", diff(-0.5, -0.5, -0.5, 1)).text(),
            "A - B -50.0 points (1 seed, no interval)"
        );
        assert_eq!(
            comparison("A - B", lower).text(),
            "A - B -50.0 points [-80.0, -20.0]"
        );
    }

    #[test]
    fn the_verdict_needs_every_interval_in_the_papers_direction() {
        let down = || comparison("A - GD", diff(-0.5, -0.8, -0.2, 3));
        let up = || comparison("B - GD", diff(0.5, 0.2, 0.8, 3));
        let open = || comparison("C - GD", diff(0.1, -0.2, 0.4, 3));
        let v = |c: Vec<Comparison>, h| verdict(&c, &[], Direction::Lower, h);
        assert_eq!(
            v(vec![down()], 15_000),
            "**Reproduced** (every interval excludes 0, lower)"
        );
        assert!(v(vec![down()], 3000)
            .starts_with("**Reproduced** at iteration 3000, not the paper's 15000"));
        assert_eq!(
            v(vec![down(), up(), open()], 15_000),
            "**Not reproduced**: the opposite of the paper for B - GD (interval excludes 0); as the paper for A - GD; cannot tell for C - GD"
        );
        assert_eq!(
            v(vec![down(), open()], 15_000),
            "**Partly**: lower for A - GD; cannot tell for C - GD"
        );
        assert_eq!(
            v(vec![open()], 15_000),
            "**Cannot tell** (no interval excludes 0)"
        );
        assert!(v(vec![], 15_000).starts_with("**Cannot tell** (no pair"));
        // Higher is the paper's direction for test accuracy.
        assert!(verdict(&[up()], &[], Direction::Higher, 15_000).starts_with("**Reproduced**"));
        assert!(
            verdict(&[down()], &[], Direction::Higher, 15_000).starts_with("**Not reproduced**")
        );
        // A comparison the claim needs and these runs lack: at most "partly".
        let missing = ["SGD - GLD dynamic".to_string()];
        assert_eq!(
            verdict(&[down()], &missing, Direction::Lower, 15_000),
            "**Partly**: lower for A - GD; not run: SGD - GLD dynamic"
        );
    }
}
