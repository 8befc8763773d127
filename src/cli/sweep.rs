//! `sgd-escape sweep`: the escape fraction against the indicator while one setting varies
//! (see [`crate::sweep`]). Flags map onto the same validated settings as `toy` and the wasm
//! facade; bad flags are errors naming the flag.

use super::{flag_pairs, flag_value, usage_error, write_plot, CliError, Format};
use crate::config::{check_integer, ConfigError, FieldValue, ToyConfig};
use crate::plot::{render, Panel, Series};
use crate::sweep::{SweepConfig, SweepReport, Vary, MAX_POINTS};

/// Usage of `sweep` (part of `sgd-escape help`).
pub const USAGE: &str = "\
sweep options (escape fraction against Tr(H Sigma) while one setting varies):
  --vary V            angle (of a rank-one noise from the top Hessian eigenvector, degrees;
                      0 is GLD 1st eigvec), anisotropy (share of the noise trace along that
                      eigenvector), sharpness (the sharp basin's top eigenvalue, noise GLD 1st
                      eigvec) or spread (SGD's data spread); required
  --points N          points from --from to --to, 1..=1000 (default 10)
  --from X, --to Y    the range (defaults: angle 0..90, anisotropy 0..1, sharpness 40..360,
                      spread 0.02..0.12)
  --runs R, --iterations K, --lr X, --noise-trace X, --batch-size M, --samples N,
  --data-spread X, --seed S    as for toy (defaults: the paper's protocol, 500 iterations)
  --sharp-lambda1 X   the sharp basin's Hessian eigenvalue along its sharp axis (default 200)
  --sharp-lambda2 X   ... across it, at most sharp-lambda1 (default 20)
  --sharp-angle X     degrees from the line joining the minima to the sharp axis (default 0)
  --flat-curvature X  the flat basin's curvature (default 2)
  --minima-distance X distance between the minima (default 2.8284271247461903 = 2 sqrt 2)
  --format F          json (default), csv or table
  --plot FILE         also write the figure as SVG
";

/// The toy flags `sweep` accepts and the config keys they set.
const TOY_FLAGS: [(&str, &str); 7] = [
    ("--runs", "runs"),
    ("--lr", "lr"),
    ("--noise-trace", "noiseTrace"),
    ("--batch-size", "batchSize"),
    ("--samples", "samples"),
    ("--data-spread", "dataSpread"),
    ("--seed", "seed"),
];

/// The landscape flags and their keys.
const SHAPE_FLAGS: [(&str, &str); 5] = [
    ("--sharp-lambda1", "sharpLambda1"),
    ("--sharp-lambda2", "sharpLambda2"),
    ("--sharp-angle", "sharpAngle"),
    ("--flat-curvature", "flatCurvature"),
    ("--minima-distance", "minimaDistance"),
];

/// A parsed `sweep` command.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepCommand {
    /// The sweep.
    pub config: SweepConfig,
    /// Output format.
    pub format: Format,
    /// Where to write the SVG figure, if anywhere.
    pub plot: Option<std::path::PathBuf>,
}

/// Renames a settings error's field to the flag that set it.
fn as_flag_error(e: ConfigError) -> CliError {
    let flag = TOY_FLAGS
        .iter()
        .chain(&SHAPE_FLAGS)
        .chain(&[("--from", "from"), ("--to", "to"), ("--points", "points")])
        .find(|(_, key)| *key == e.field)
        .map_or(e.field.clone(), |(flag, _)| flag.to_string());
    usage_error(format!("`{flag}` {}", e.message))
}

/// Parses the arguments after `sweep`.
pub fn parse(args: &[String]) -> Result<SweepCommand, CliError> {
    let mut known: Vec<&str> = TOY_FLAGS.iter().chain(&SHAPE_FLAGS).map(|f| f.0).collect();
    known.extend([
        "--vary",
        "--points",
        "--from",
        "--to",
        "--iterations",
        "--format",
        "--plot",
    ]);
    let pairs = flag_pairs("sweep", args, &known)?;
    let vary_text = pairs
        .iter()
        .find(|(n, _)| n == "--vary")
        .map(|(_, v)| v.clone())
        .ok_or_else(|| {
            usage_error("`--vary` is required: angle, anisotropy, sharpness or spread".into())
        })?;
    let vary = Vary::from_id(&vary_text).ok_or_else(|| {
        usage_error(format!(
            "`--vary` must be angle, anisotropy, sharpness or spread, got {vary_text:?}"
        ))
    })?;
    let mut config = SweepConfig::new(vary);
    let mut toy_fields = Vec::new();
    let (mut format, mut plot) = (Format::Json, None);
    for (name, value) in pairs {
        let number = |flag: &str| match flag_value("", &value) {
            FieldValue::Number(x) if x.is_finite() => Ok(x),
            other => Err(usage_error(format!(
                "`{flag}` must be a finite number, got {}",
                other.describe()
            ))),
        };
        match name.as_str() {
            "--vary" => {}
            "--points" => {
                config.points =
                    check_integer("--points", &flag_value("", &value), 1, MAX_POINTS as u64)
                        .map_err(|e| usage_error(e.to_string()))? as usize
            }
            "--from" => config.from = number("--from")?,
            "--to" => config.to = number("--to")?,
            "--iterations" => {
                config.iterations = check_integer(
                    "--iterations",
                    &flag_value("", &value),
                    1,
                    super::MAX_ITERATIONS,
                )
                .map_err(|e| usage_error(e.to_string()))?
            }
            "--format" => {
                format = match value.as_str() {
                    "json" => Format::Json,
                    "csv" => Format::Csv,
                    "table" => Format::Table,
                    other => {
                        return Err(usage_error(format!(
                            "`--format` must be json, csv or table, got {other:?}"
                        )))
                    }
                }
            }
            "--plot" => plot = Some(std::path::PathBuf::from(value)),
            flag => {
                if let Some((_, key)) = TOY_FLAGS
                    .iter()
                    .chain(&SHAPE_FLAGS)
                    .find(|(f, _)| *f == flag)
                {
                    toy_fields.push((key.to_string(), flag_value(key, &value)));
                }
            }
        }
    }
    config.toy = ToyConfig::from_fields(toy_fields).map_err(as_flag_error)?;
    config.validate().map_err(as_flag_error)?;
    Ok(SweepCommand {
        config,
        format,
        plot,
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
    let series = |x: &dyn Fn(&crate::sweep::SweepPoint) -> Option<f64>| {
        let pick =
            |f: &dyn Fn(&crate::sweep::SweepPoint) -> f64, name: &str, dashed: bool| Series {
                name: name.to_string(),
                color: "#0072B2".to_string(),
                dashed,
                points: report
                    .points
                    .iter()
                    .filter_map(|p| x(p).map(|x| (x, f(p))))
                    .collect(),
            };
        vec![
            pick(&|p| p.escape_fraction(), "escaped", false),
            pick(&|p| p.interval().0, "95% low", true),
            pick(&|p| p.interval().1, "95% high", true),
        ]
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
