//! `sgd-escape fashion-summary DIR`: the summary over seeds (JSON) or the REPRODUCTION tables
//! (markdown) from whatever result files `fashion --results DIR` has written so far, and the
//! figure of the mean curves (SVG).

use super::fashion_jobs::read_results;
use super::{matches, usage_error, CliError};
use crate::experiments::fashion_results::{
    build_summary, markdown_tables, summary_method, summary_name, FashionResult,
};
use crate::landscape::network::NetworkKind;
use crate::noise::Method;
use crate::plot::{method_color, render, Panel, Series};
use clap::{Args, Command, FromArgMatches};
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
    /// Take every value at each of these iterations (from the runs at least that long), one
    /// group per horizon, in this order; empty: at each run's end.
    pub horizons: Vec<u64>,
    /// Output format.
    pub format: SummaryFormat,
    /// Where to write the figure, if anywhere.
    pub plot: Option<PathBuf>,
    /// Only results of this dataset id.
    pub dataset: Option<String>,
    /// Only results of this network id.
    pub network: Option<String>,
}

/// The flags of `fashion-summary`.
#[derive(Args, Debug)]
struct SummaryFlags {
    /// The results folder of `fashion --results DIR`.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Take every value at iteration N, from the runs at least that long; a list (3000,15000)
    /// gives one group per horizon.
    #[arg(long, value_name = "N[,N...]")]
    horizon: Option<String>,
    /// json (the summary groups) or markdown (the REPRODUCTION tables).
    #[arg(long, value_name = "F", default_value = "json")]
    format: String,
    /// Only the results of this dataset (paper or authors-code).
    #[arg(long, value_name = "D")]
    dataset: Option<String>,
    /// Only the results of this network (cnn or mlp).
    #[arg(long, value_name = "N")]
    network: Option<String>,
    /// Also write the mean curves over seeds as SVG.
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
}

/// The `fashion-summary` subcommand.
pub(crate) fn command() -> Command {
    SummaryFlags::augment_args(Command::new("fashion-summary")).about(
        "Tables (markdown) and the summary over seeds (JSON) from the result files of fashion --results DIR",
    )
}

/// Parses the arguments after `fashion-summary`: DIR, then options.
pub fn parse(args: &[String]) -> Result<SummaryCommand, CliError> {
    let m = matches("fashion-summary", args)?;
    let flags = SummaryFlags::from_arg_matches(&m).map_err(|e| usage_error(e.to_string()))?;
    let format = match flags.format.as_str() {
        "json" => SummaryFormat::Json,
        "markdown" => SummaryFormat::Markdown,
        other => {
            return Err(usage_error(format!(
                "`--format` must be json or markdown, got {other:?}"
            )))
        }
    };
    let horizons = match flags.horizon.as_deref() {
        None => Vec::new(),
        Some(list) => list
            .split(',')
            .map(|t| super::fashion::parse_every("--horizon", t))
            .collect::<Result<Vec<_>, _>>()?,
    };
    if horizons.len() > 1 && flags.plot.is_some() {
        return Err(usage_error(
            "`--plot` draws the curves up to one `--horizon`: give one, not a list".into(),
        ));
    }
    if let Some(d) = &flags.dataset {
        super::fashion::parse_dataset(d)?;
    }
    if let Some(n) = &flags.network {
        if NetworkKind::from_id(n).is_none() {
            return Err(usage_error(format!(
                "`--network` must be cnn or mlp, got {n:?}"
            )));
        }
    }
    Ok(SummaryCommand {
        dir: flags.dir,
        horizons,
        format,
        plot: flags.plot,
        dataset: flags.dataset,
        network: flags.network,
    })
}

/// Runs a parsed `fashion-summary` command and returns what to print: an error (exit 1) naming
/// DIR when it holds no result file, or when `--dataset`, `--network` and `--horizon` leave no
/// group (with several horizons, one group is enough).
pub fn run(cmd: &SummaryCommand) -> Result<String, CliError> {
    let nothing = |message: String| CliError { message, code: 1 };
    let mut results = read_results(&cmd.dir).map_err(nothing)?;
    if results.is_empty() {
        return Err(nothing(format!(
            "{}: no result files (`fashion --results DIR` writes them)",
            cmd.dir.display()
        )));
    }
    if let Some(d) = &cmd.dataset {
        results.retain(|r| r.dataset.id() == d);
    }
    if let Some(n) = &cmd.network {
        results.retain(|r| &r.network == n);
    }
    let groups = if cmd.horizons.is_empty() {
        build_summary(&results, None)
    } else {
        let at = |h: &u64| build_summary(&results, Some(*h));
        cmd.horizons.iter().flat_map(at).collect()
    };
    if groups.is_empty() {
        return Err(nothing(format!(
            "{}: no result files match{}",
            cmd.dir.display(),
            filters_text(cmd)
        )));
    }
    if let Some(path) = &cmd.plot {
        super::write_plot(path, &summary_svg(&results, cmd.horizons.first().copied()))?;
    }
    Ok(match cmd.format {
        SummaryFormat::Json => serde_json::to_string_pretty(&groups).unwrap_or_default() + "\n",
        SummaryFormat::Markdown => markdown_tables(&groups),
    })
}

/// The filters of `cmd` as they were given (" --dataset paper --horizon 3000"), for messages.
fn filters_text(cmd: &SummaryCommand) -> String {
    let mut out = String::new();
    if let Some(d) = &cmd.dataset {
        out += &format!(" --dataset {d}");
    }
    if let Some(n) = &cmd.network {
        out += &format!(" --network {n}");
    }
    if !cmd.horizons.is_empty() {
        let list: Vec<String> = cmd.horizons.iter().map(|h| h.to_string()).collect();
        out += &format!(" --horizon {}", list.join(","));
    }
    out
}

/// The network and dataset of a result as the figure names them ("CNN paper").
fn group_of(r: &FashionResult) -> String {
    format!("{} {}", r.network.to_uppercase(), r.dataset.id())
}

/// The mean curves over seeds per (network, dataset, method) as SVG: test accuracy, random
/// labels still fitted and expected sharpness against stage-2 iterations (up to `horizon`).
pub fn summary_svg(results: &[FashionResult], horizon: Option<u64>) -> String {
    type Curves = BTreeMap<u64, Vec<f64>>;
    // The runs the summary takes (`FashionResult::counts_at`), one per (method, network,
    // dataset, seed), the first read, so a seed with a 3,000- and a 15,000-iteration run
    // counts once.
    let mut taken = std::collections::BTreeSet::new();
    let results: Vec<&FashionResult> = results
        .iter()
        .filter(|r| r.counts_at(horizon))
        .filter(|r| taken.insert((r.id.clone(), r.network.clone(), r.dataset.id(), r.seed)))
        .collect();
    let mut by: BTreeMap<(String, String), [Curves; 3]> = BTreeMap::new();
    for r in results.iter().copied() {
        let entry = by.entry((r.id.clone(), group_of(r))).or_default();
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
    // Seeds per (method, network and dataset): a folder may hold several networks, whose
    // curves must not be averaged together nor named alike.
    let seeds: BTreeMap<(String, String), usize> =
        results.iter().fold(BTreeMap::new(), |mut m, r| {
            *m.entry((r.id.clone(), group_of(r))).or_default() += 1;
            m
        });
    let groups: std::collections::BTreeSet<&String> = by.keys().map(|(_, g)| g).collect();
    let mixed = groups.len() > 1;
    // The curves by network and dataset, then in the methods' canonical order (a variant
    // right after its method), as the tables list them.
    let method_of = |id: &str| summary_method(id).unwrap_or(Method::Gd);
    let mut order: Vec<_> = by.iter().collect();
    order.sort_by_key(|((id, group), _)| (group.clone(), method_of(id) as usize, id.clone()));
    let panel = |k: usize, title: &str, y: &str, log_y: bool| Panel {
        title: title.into(),
        x_label: "stage-2 iteration".into(),
        y_label: y.into(),
        log_y,
        series: order
            .iter()
            .map(|&((id, group), curves)| Series {
                name: format!(
                    "{}{} (n = {})",
                    if mixed {
                        format!("{group}: ")
                    } else {
                        String::new()
                    },
                    summary_name(id),
                    seeds
                        .get(&(id.clone(), group.clone()))
                        .copied()
                        .unwrap_or(0)
                ),
                color: method_color(method_of(id)).to_string(),
                dashed: id.ends_with("-refresh"),
                points: curves[k]
                    .iter()
                    .map(|(&it, v)| (it as f64, v.iter().sum::<f64>() / v.len() as f64))
                    .collect(),
                band: Vec::new(),
            })
            .collect(),
    };
    let label = match results.first() {
        Some(r) if !mixed => format!(
            "{} on the {} dataset",
            r.network.to_uppercase(),
            r.dataset.id()
        ),
        Some(_) => "several networks or datasets (named in the legend)".to_string(),
        None => String::new(),
    };
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
