//! `sgd-escape fashion-summary DIR`: the summary over seeds (JSON) or the REPRODUCTION tables
//! (markdown) from whatever result files `fashion --results DIR` has written so far, and the
//! figure of the mean curves (SVG).

use super::fashion_jobs::read_results;
use super::{flag_pairs, flag_value, usage_error, CliError};
use crate::config::check_integer;
use crate::experiments::fashion_results::{build_summary, markdown_tables, FashionResult};
use crate::noise::Method;
use crate::plot::{method_color, render, Panel, Series};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Output of `fashion-summary`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SummaryFormat {
    /// The summary groups as JSON.
    Json,
    /// The REPRODUCTION tables.
    Markdown,
}

/// A parsed `fashion-summary` command.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryCommand {
    /// The results folder.
    pub dir: PathBuf,
    /// Take every value at this iteration (from runs at least this long) instead of the end.
    pub horizon: Option<u64>,
    /// Output format.
    pub format: SummaryFormat,
    /// Where to write the figure, if anywhere.
    pub plot: Option<PathBuf>,
    /// Only results of this dataset id.
    pub dataset: Option<String>,
}

/// Parses the arguments after `fashion-summary`: DIR first, then options.
pub fn parse(args: &[String]) -> Result<SummaryCommand, CliError> {
    let Some(dir) = args.first().filter(|a| !a.starts_with("--")) else {
        return Err(usage_error(
            "`fashion-summary` needs the results folder: sgd-escape fashion-summary DIR".into(),
        ));
    };
    let mut cmd = SummaryCommand {
        dir: PathBuf::from(dir),
        horizon: None,
        format: SummaryFormat::Json,
        plot: None,
        dataset: None,
    };
    for (name, value) in flag_pairs(
        "fashion-summary",
        &args[1..],
        &["--horizon", "--format", "--plot", "--dataset"],
    )? {
        match name.as_str() {
            "--horizon" => {
                cmd.horizon = Some(
                    check_integer("--horizon", &flag_value("", &value), 1, 10_000_000)
                        .map_err(|e| usage_error(e.to_string()))?,
                )
            }
            "--format" => {
                cmd.format = match value.as_str() {
                    "json" => SummaryFormat::Json,
                    "markdown" => SummaryFormat::Markdown,
                    other => {
                        return Err(usage_error(format!(
                            "`--format` must be json or markdown, got {other:?}"
                        )))
                    }
                }
            }
            "--dataset" => {
                super::fashion::parse_dataset(&value)?;
                cmd.dataset = Some(value);
            }
            _ => cmd.plot = Some(PathBuf::from(value)),
        }
    }
    Ok(cmd)
}

/// Runs a parsed `fashion-summary` command and returns what to print.
pub fn run(cmd: &SummaryCommand) -> Result<String, CliError> {
    let mut results = read_results(&cmd.dir).map_err(|message| CliError { message, code: 1 })?;
    if let Some(d) = &cmd.dataset {
        results.retain(|r| r.dataset.id() == d);
    }
    let groups = build_summary(&results, cmd.horizon);
    if let Some(path) = &cmd.plot {
        super::write_plot(path, &summary_svg(&results, cmd.horizon))?;
    }
    Ok(match cmd.format {
        SummaryFormat::Json => serde_json::to_string_pretty(&groups).unwrap_or_default() + "\n",
        SummaryFormat::Markdown => markdown_tables(&groups),
    })
}

/// The mean curves over seeds per (network, dataset, method) as SVG: test accuracy, random
/// labels still fitted and expected sharpness against stage-2 iterations (up to `horizon`).
pub fn summary_svg(results: &[FashionResult], horizon: Option<u64>) -> String {
    type Curves = BTreeMap<u64, Vec<f64>>;
    let mut by: BTreeMap<(String, String), [Curves; 3]> = BTreeMap::new();
    for r in results {
        let entry = by
            .entry((r.id.clone(), format!("{} {}", r.network, r.dataset.id())))
            .or_default();
        for p in &r.curve {
            if horizon.is_some_and(|h| p.iteration > h) {
                continue;
            }
            entry[0]
                .entry(p.iteration)
                .or_default()
                .push(100.0 * p.test_accuracy);
            entry[1]
                .entry(p.iteration)
                .or_default()
                .push(100.0 * p.corrupted_accuracy);
            if let Some(s) = p.sharpness {
                entry[2].entry(p.iteration).or_default().push(s);
            }
        }
    }
    let seeds: BTreeMap<String, usize> = results.iter().fold(BTreeMap::new(), |mut m, r| {
        *m.entry(r.id.clone()).or_default() += 1;
        m
    });
    let panel = |k: usize, title: &str, y: &str, log_y: bool| Panel {
        title: title.into(),
        x_label: "stage-2 iteration".into(),
        y_label: y.into(),
        log_y,
        series: by
            .iter()
            .map(|((id, _), curves)| Series {
                name: format!("{id} (n = {})", seeds.get(id).copied().unwrap_or(0)),
                color: method_color(
                    Method::ALL
                        .into_iter()
                        .find(|m| id.starts_with(m.id()))
                        .unwrap_or(Method::Gd),
                )
                .to_string(),
                dashed: id.ends_with("-refresh"),
                points: curves[k]
                    .iter()
                    .map(|(&it, v)| (it as f64, v.iter().sum::<f64>() / v.len() as f64))
                    .collect(),
            })
            .collect(),
    };
    let label = results
        .first()
        .map(|r| {
            format!(
                "{} on the {} dataset",
                r.network.to_uppercase(),
                r.dataset.id()
            )
        })
        .unwrap_or_default();
    render(
        &format!(
            "FashionMNIST, mean over seeds: {label} (test accuracy on all 10,000 test images)"
        ),
        &[
            panel(0, "Test accuracy (mean over seeds)", "accuracy (%)", false),
            panel(1, "Random labels still fitted", "% of the 200", false),
            panel(
                2,
                "Expected sharpness (mean over seeds)",
                "E L(θ+ν) − L(θ) (log)",
                true,
            ),
        ],
    )
}
