//! `sgd-escape sweep`: the escape fraction against the indicator while one setting varies
//! (see [`crate::sweep`]). The toy's settings are flags generated from the schema (all but
//! `--methods`: each sweep decides its dynamics), so they read, default and fail as `toy`'s,
//! with the help text of the sweep's schema where it words one its own way; the sweep's own
//! flags are `SweepOnly`. Bad flags are errors naming the flag (exit code 2).

use super::flags::{flag_error, setting_arg, setting_fields};
use super::toy::parse_toy_format;
use super::{matches, usage_error, write_plot, CliError, Format};
use crate::config::{ConfigError, ToyConfig};
use crate::plot::{render, Panel, Series};
use crate::schema::Figure;
use crate::sweep::{SweepConfig, SweepReport, Vary};
use clap::{Args, Command, FromArgMatches};
use std::path::PathBuf;

/// The flags of `sweep` that are no setting of the toy. Numbers are read as text and checked
/// by [`SweepConfig::validate`], whose errors name the flag.
#[derive(Args, Debug)]
struct SweepOnly {
    /// What varies (required): angle (of a rank-one noise from the top Hessian eigenvector,
    /// degrees; 0 is GLD 1st eigvec), anisotropy (share of the noise trace along that
    /// eigenvector), sharpness (the sharp basin's top eigenvalue, noise GLD 1st eigvec) or
    /// spread (SGD's data spread).
    #[arg(long, value_name = "V")]
    vary: Option<String>,
    /// Points from --from to --to [1..=1000; default 10].
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    points: Option<String>,
    /// The first value [default: angle 0, anisotropy 0, sharpness 40, spread 0.02].
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    from: Option<String>,
    /// The last value [default: angle 90, anisotropy 1, sharpness 360, spread 0.12].
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    to: Option<String>,
    /// json (default), csv (one row per point) or table (with the rank correlation).
    #[arg(long, value_name = "F", default_value = "json")]
    format: String,
    /// Also write the figure as SVG.
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
}

/// The `sweep` subcommand: the toy's setting flags but `--methods`, and [`SweepOnly`].
pub(crate) fn command() -> Command {
    // (The about line after the derive's, which would take the struct's doc comment.)
    // (The sweep's own flags first in `--help`, `--vary` at the top.)
    let mut command = SweepOnly::augment_args(Command::new("sweep"));
    // The toy's settings, in the sweep's words where it has its own (`--runs` per point,
    // `--noise-trace` of the swept noise): same flag, range and default.
    for s in Figure::Toy.settings().iter().filter(|s| s.key != "methods") {
        if let Some(flag) = s.cli {
            let worded = Figure::Sweep.settings().iter().find(|w| w.key == s.key);
            command = command.arg(setting_arg(worded.unwrap_or(s), flag));
        }
    }
    command.about(
        "Escape fraction against the indicator Tr(H Sigma) while one setting varies \
         (the 2-D two-basin experiment; docs/cli.md)",
    )
}

/// A parsed `sweep` command.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepCommand {
    /// The sweep.
    pub config: SweepConfig,
    /// Output format.
    pub format: Format,
    /// Where to write the SVG figure, if anywhere.
    pub plot: Option<PathBuf>,
}

/// A sweep's or the toy's error as one naming the flag.
fn as_flag_error(e: ConfigError) -> CliError {
    match e.field.as_str() {
        "from" | "to" | "points" => usage_error(format!("`--{}` {}", e.field, e.message)),
        _ => flag_error(Figure::Toy, e),
    }
}

/// A finite number given as `flag`.
fn number(flag: &str, text: &str) -> Result<f64, CliError> {
    match text.trim().parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(usage_error(format!(
            "`{flag}` must be a finite number, got {text:?}"
        ))),
    }
}

/// Parses the arguments after `sweep`.
pub fn parse(args: &[String]) -> Result<SweepCommand, CliError> {
    let m = matches("sweep", args)?;
    let only = SweepOnly::from_arg_matches(&m).map_err(|e| usage_error(e.to_string()))?;
    let ids = Vary::ALL.map(Vary::id).join(", ");
    let vary_text = only
        .vary
        .ok_or_else(|| usage_error(format!("`--vary` is required: one of {ids}")))?;
    let vary = Vary::from_id(&vary_text)
        .ok_or_else(|| usage_error(format!("`--vary` must be one of {ids}, got {vary_text:?}")))?;
    let mut config = SweepConfig::new(vary);
    if let Some(text) = &only.points {
        let points = number("--points", text)?;
        if points.fract() != 0.0 || points < 1.0 {
            return Err(usage_error(format!(
                "`--points` must be an integer in 1..={}, got {text}",
                crate::sweep::MAX_POINTS
            )));
        }
        // (Too many points: `validate` below names the flag.)
        config.points = points.min(usize::MAX as f64) as usize;
    }
    if let Some(text) = &only.from {
        config.from = number("--from", text)?;
    }
    if let Some(text) = &only.to {
        config.to = number("--to", text)?;
    }
    let format = parse_toy_format(&only.format)?;
    let iterations = Figure::Toy
        .link_setting("iterations")
        .map_err(|e| flag_error(Figure::Toy, e))?;
    let mut fields = Vec::new();
    for (key, value) in setting_fields(&m, Figure::Toy) {
        if key == "iterations" {
            config.iterations = iterations
                .parse_integer(&value)
                .map_err(|e| flag_error(Figure::Toy, e))?;
        } else {
            fields.push((key.to_string(), value));
        }
    }
    config.toy = ToyConfig::from_fields(fields).map_err(as_flag_error)?;
    config.validate().map_err(as_flag_error)?;
    Ok(SweepCommand {
        config,
        format,
        plot: only.plot,
    })
}

/// Runs a parsed `sweep` command and returns what to print.
pub fn run(command: &SweepCommand) -> Result<String, CliError> {
    let total = command.config.points as u64;
    let mut progress = super::progress::Progress::new("sweep", total);
    let report = command
        .config
        .run(|done, _| progress.update(done as u64, "points"));
    if let Some(path) = &command.plot {
        write_plot(path, &to_svg(&report))?;
    }
    Ok(match command.format {
        Format::Json => serde_json::to_string(&report).unwrap_or_default() + "\n",
        Format::Csv => to_csv(&report),
        Format::Table => to_table(&report, &command.config),
    })
}

/// `x` with `digits` significant decimals, or `-` for none.
fn opt(x: Option<f64>, digits: usize) -> String {
    x.map_or("-".to_string(), |v| format!("{v:.digits$}"))
}

/// One row per point: the JSON fields plus the escape fraction and its Wilson 95% interval.
pub fn to_csv(report: &SweepReport) -> String {
    let mut out = String::from(
        "value,trHSigma,trHSigmaIso,ratio,escaped,stayed,diverged,runs,escapeFraction,low95,high95\n",
    );
    for p in &report.points {
        let (lo, hi) = p.interval();
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{}\n",
            p.value,
            p.tr_h_sigma,
            p.tr_h_sigma_iso,
            p.ratio.map_or(String::new(), |r| r.to_string()),
            p.escaped,
            p.stayed,
            p.diverged,
            p.runs,
            p.escape_fraction(),
            lo,
            hi
        ));
    }
    out
}

/// A readable table with the rank correlation.
pub fn to_table(report: &SweepReport, config: &SweepConfig) -> String {
    let t = &config.toy;
    let mut out = format!(
        "sweep over {} ({}): {} runs per point, {} iterations, lr {}, noise trace {}, seed {}\n",
        report.vary.id(),
        report.unit,
        t.runs,
        config.iterations,
        t.lr,
        t.noise_trace,
        t.seed
    );
    out.push_str(&format!(
        "{:>10} {:>10} {:>10} {:>7} {:>8} {:>7} {:>8} {:>9} {:>17}\n",
        "value",
        "Tr(HS)",
        "iso",
        "ratio",
        "escaped",
        "stayed",
        "diverged",
        "fraction",
        "95% interval"
    ));
    for p in &report.points {
        let (lo, hi) = p.interval();
        out.push_str(&format!(
            "{:>10.4} {:>10.4} {:>10.4} {:>7} {:>8} {:>7} {:>8} {:>9.3} {:>17}\n",
            p.value,
            p.tr_h_sigma,
            p.tr_h_sigma_iso,
            opt(p.ratio, 3),
            p.escaped,
            p.stayed,
            p.diverged,
            p.escape_fraction(),
            format!("[{lo:.3}, {hi:.3}]")
        ));
    }
    out.push_str(&format!(
        "Spearman rank correlation of Tr(H Sigma) with the escape fraction: {}\n",
        opt(report.spearman, 3)
    ));
    out
}

/// Two panels: the escape fraction (with its 95% interval) against the varied value and
/// against the indicator ratio Tr(H Sigma) / (Tr H Tr Sigma / D).
pub fn to_svg(report: &SweepReport) -> String {
    // The escape fraction with its 95% interval shaded around it, in the order of the x axis
    // (the indicator ratio need not grow with the varied value).
    let series = |x: &dyn Fn(&crate::sweep::SweepPoint) -> Option<f64>| {
        let mut at: Vec<(f64, &crate::sweep::SweepPoint)> = report
            .points
            .iter()
            .filter_map(|p| x(p).map(|x| (x, p)))
            .collect();
        at.sort_by(|a, b| a.0.total_cmp(&b.0));
        vec![Series {
            name: "escaped (shaded: 95% interval)".to_string(),
            color: "#0072B2".to_string(),
            dashed: false,
            points: at.iter().map(|&(x, p)| (x, p.escape_fraction())).collect(),
            band: at
                .iter()
                .map(|&(x, p)| {
                    let (lo, hi) = p.interval();
                    (x, lo, hi)
                })
                .collect(),
        }]
    };
    let rho = opt(report.spearman, 3);
    render(
        &format!(
            "Sweep over {}: escape fraction vs the indicator (Spearman rho {rho})",
            report.vary.id()
        ),
        &[
            Panel {
                title: format!("escape fraction vs {}", report.vary.id()),
                x_label: report.unit.to_string(),
                y_label: "escaped fraction".to_string(),
                log_y: false,
                series: series(&|p| Some(p.value)),
            },
            Panel {
                title: "escape fraction vs Tr(H Sigma) / (Tr H Tr Sigma / D)".to_string(),
                x_label: "Tr(H Sigma) / (Tr H Tr Sigma / D)".to_string(),
                y_label: "escaped fraction".to_string(),
                log_y: false,
                series: series(&|p| p.ratio),
            },
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn defaults_are_the_papers_protocol_over_0_to_90_degrees() {
        let c = parse(&args("--vary angle")).unwrap();
        assert_eq!(
            (c.config.from, c.config.to, c.config.points),
            (0.0, 90.0, 10)
        );
        assert_eq!(c.config.iterations, 500);
        assert_eq!(c.config.toy, ToyConfig::default());
        assert_eq!(c.format, Format::Json);
    }

    #[test]
    fn flags_set_the_sweep_the_toy_and_the_landscape() {
        let c = parse(&args(
            "--vary sharpness --points 3 --from 50 --to 150 --runs 7 --lr 0.004 \
             --sharp-lambda2 5 --sharp-angle 10 --minima-distance 3 --format table",
        ))
        .unwrap();
        assert_eq!(c.config.values(), vec![50.0, 100.0, 150.0]);
        assert_eq!((c.config.toy.runs, c.config.toy.lr), (7, 0.004));
        let s = c.config.toy.shape;
        assert_eq!(
            (s.sharp_lambda2, s.sharp_angle, s.minima_distance),
            (5.0, 10.0, 3.0)
        );
        assert_eq!(c.format, Format::Table);
    }

    #[test]
    fn help_words_the_shared_settings_as_the_sweep_schema_does() {
        let help = command().render_long_help().to_string();
        for key in ["runs", "noiseTrace", "iterations"] {
            let worded = Figure::Sweep.settings().iter().find(|s| s.key == key);
            let text = worded.unwrap().help;
            assert!(help.contains(text), "{key}: {text:?} missing from\n{help}");
        }
        assert!(!help.contains("--methods"));
    }

    #[test]
    fn bad_flags_are_named() {
        for (line, flag) in [
            ("", "--vary"),
            ("--vary tilt", "--vary"),
            ("--vary angle --points 0", "--points"),
            ("--vary anisotropy --to 2", "--to"),
            ("--vary sharpness --from 5", "--from"),
            ("--vary angle --from nan", "--from"),
            ("--vary angle --runs -1", "--runs"),
            ("--vary angle --sharp-lambda2 300", "--sharp-lambda2"),
            ("--vary angle --sharp-angle 100", "--sharp-angle"),
            ("--vary angle --format xml", "--format"),
            ("--vary angle --methods gd", "--methods"),
        ] {
            let e = parse(&args(line)).unwrap_err();
            assert_eq!(e.code, 2);
            assert!(e.message.contains(flag), "{line}: {}", e.message);
        }
    }

    #[test]
    fn json_has_the_documented_shape() {
        let mut c = parse(&args("--vary angle --points 2 --runs 3 --iterations 5")).unwrap();
        c.plot = None;
        let out = run(&c).unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 5);
        assert_eq!(v["experiment"], "sweep");
        assert_eq!(v["vary"], "angle");
        assert_eq!(v["unit"], "degrees");
        let p = &v["points"][1];
        let mut point_keys: Vec<&str> = p.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        point_keys.sort();
        assert_eq!(
            point_keys,
            [
                "diverged",
                "escaped",
                "ratio",
                "runs",
                "stayed",
                "trHSigma",
                "trHSigmaIso",
                "value"
            ]
        );
        assert_eq!(p["value"], 90.0);
        assert!(v.get("spearman").is_some());
    }
}
