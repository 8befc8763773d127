//! The command line: parse flags into the same validated configs the wasm API uses, run the
//! experiment, and print JSON or CSV. Bad flags are errors naming the flag (exit code 2).

pub mod fashion;
pub mod fashion_jobs;
pub mod fashion_summary;
pub mod progress;

use crate::config::{check_integer, parse_seed, ConfigError, FieldValue, ToyConfig};
use crate::dynamics::ToyEnsemble;
use crate::experiments::one_hidden_layer::{OneHiddenLayerConfig, OneHiddenLayerRun};
use crate::report::{OneHiddenLayerReport, ToyReport};

/// Top-level usage text.
pub const USAGE: &str = "\
sgd-escape: the experiments of Zhu et al. (ICML 2019) on why SGD escapes sharp minima

usage:
  sgd-escape toy [options]     the 2-D two-basin experiment (paper Figure 2)
  sgd-escape fashion [options]  FashionMNIST with corrupted labels (paper Section 5.3)
  sgd-escape fashion-summary DIR [options]
                               tables and figures over seeds from fashion --results DIR
  sgd-escape one-hidden-layer [options]
                               the one-hidden-layer indicator study (paper Figure 4)
  sgd-escape help              this text

toy options (defaults: the paper's protocol):
  --methods a,b,...   dynamics to run: gd, gld-const, gld-dynamic, gld-diag, gld-leading,
                      gld-hessian, gld-eigvec, sgd (default: all eight)
  --runs R            runs per method, 1..=100000 (default 100)
  --iterations K      iterations, 1..=10000000 (default 500)
  --lr X              learning rate in (0, 1] (default 0.005)
  --noise-trace X     trace of the GLD noise in [0, 10] (default 0.01)
  --batch-size M      SGD minibatch size, 1..=samples (default 1)
  --samples N         data points per run, 1..=10000 (default 100)
  --data-spread X     data spread in [0, 10] (default 0.01)
  --seed S            seed, 0..=4294967295 (default 0)
  --config FILE       settings as a JSON object with the API's keys (docs/API.md), e.g.
                      {\"runs\": 20, \"lr\": 0.01}; flags override it
  --format F          json (default), csv (the curves) or table (escaped / stayed /
                      diverged per method; a run diverges when |w1| or |w2| exceeds 1000 or
                      turns non-finite, and is frozen and counted apart from then on)
  --plot FILE         also write the figure as SVG

fashion options (defaults: the paper's protocol with a 784-14-10 MLP):
  --iters N           stage-2 iterations per method (default 15000)
  --seed S            one seed of init, corrupted labels and noise (default 0)
  --seeds LIST        several seeds, 0,1,2 or 0..4: stage 1 per seed, every method from each
                      seed's minimum, and the summary over seeds (JSON: seeds, runs, summary)
  --dataset D         paper (the first 1200 training images, default) or authors-code (the
                      first 6000, as the authors' mnist2np.py); labels 1000..1199 random in both
  --gld-leading-draw V  every (a draw every iteration, the paper's definition; default),
                      refresh (only on the refresh iterations, the authors' gld_lead.py) or
                      every,refresh (both, as two jobs)
  --network mlp       the network (this build has the MLP only)
  --log-every K       iterations between full records (default 500)
  --curve-every K     iterations between test/train accuracy points (default 100)
  --sharpness-every K iterations between expected-sharpness points (default 500)
  --methods a,b,...   dynamics of stage 2 (default: all eight)
  --data DIR          folder with the fmnist-train1200/-train6000 and fmnist-test10000 files
                      (default www/data); test accuracy is always on all 10,000 test images
  --start FILE        start stage 2 from a stage-1 checkpoint instead of running stage 1
  --start-dir DIR     start each seed from DIR/<network>-<dataset>-seedS-minimum.bin
  --results DIR       one result file per finished (network, dataset, seed, method, variant,
                      iterations) job in DIR, and the stage-1 minima; jobs whose file exists
                      are skipped, a job under way resumes from its last full record
  --jobs N            threads for the jobs (default: the cores available); the results are
                      bit-identical whatever N
  --save-start FILE   write the stage-1 minimum to FILE
  --hidden W[,W...]   hidden layer widths (default 14)
  --sharpness-draws N antithetic draws of the expected sharpness (default 100; the paper: 1000)
  --refresh-fast N    noise refresh of GLD dynamic/diag/eigvec (default 1)
  --refresh-slow N    noise refresh of GLD leading/Hessian (default 10)
  --eigvec-warm-steps N  Lanczos steps of the warm-started eigvec search (default 4; 0: cold)
  --stage1-max N      stage-1 iteration budget (default 20000)
  --lr X              stage-2 learning rate (default 0.07)
  --format F          json (default) or csv (one seed only)
  --plot FILE         also write the figure as SVG (one seed only)
  --from-json FILE    re-render the outputs (e.g. --plot) from an earlier run's JSON, no computation

fashion-summary DIR [options]: the summary over seeds from the result files in DIR
  --format F          json (default) or markdown (the REPRODUCTION tables)
  --horizon N         take every value at iteration N (from the runs at least that long)
  --dataset D         only the results of dataset D
  --plot FILE         the mean curves over seeds as SVG

one-hidden-layer options (defaults: the paper's protocol):
  --seed S            seed, 0..=4294967295 (default 123)
  --epochs E          epochs of 10 full-batch Adam iterations, 1..=1000 (default 31)
  --format F          json (default) or csv (one row per epoch)
  --plot FILE         also write the figure as SVG
";

/// A CLI failure: a message for stderr and the exit code.
#[derive(Debug, PartialEq, Eq)]
pub struct CliError {
    /// What went wrong, naming the flag.
    pub message: String,
    /// 2 for bad usage.
    pub code: i32,
}

pub(crate) fn usage_error(message: String) -> CliError {
    CliError { message, code: 2 }
}

/// Output format of the results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One JSON object.
    Json,
    /// The curves as CSV.
    Csv,
    /// A readable per-method summary (`toy` only; `parse_format` of the other commands
    /// rejects it).
    Table,
}

/// The flags of `toy` and the config keys they set.
const TOY_FLAGS: [(&str, &str); 8] = [
    ("--methods", "methods"),
    ("--runs", "runs"),
    ("--lr", "lr"),
    ("--noise-trace", "noiseTrace"),
    ("--batch-size", "batchSize"),
    ("--samples", "samples"),
    ("--data-spread", "dataSpread"),
    ("--seed", "seed"),
];

/// Largest number of iterations the CLI runs.
pub const MAX_ITERATIONS: u64 = 10_000_000;

/// A parsed `toy` command.
#[derive(Clone, Debug, PartialEq)]
pub struct ToyCommand {
    /// The experiment settings.
    pub config: ToyConfig,
    /// Iterations to run.
    pub iterations: u64,
    /// Output format.
    pub format: Format,
    /// Where to write the SVG figure, if anywhere.
    pub plot: Option<std::path::PathBuf>,
}

/// Writes an SVG figure to `path`.
pub(crate) fn write_plot(path: &std::path::Path, svg: &str) -> Result<(), CliError> {
    std::fs::write(path, svg).map_err(|e| CliError {
        message: format!("cannot write {}: {e}", path.display()),
        code: 1,
    })
}

/// Renames a config error's field to the flag that set it.
fn as_flag_error(e: ConfigError) -> CliError {
    let flag = TOY_FLAGS
        .iter()
        .find(|(_, key)| *key == e.field)
        .map_or(e.field.clone(), |(flag, _)| flag.to_string());
    usage_error(format!("`{flag}` {}", e.message))
}

/// Turns a flag's text into the value its field expects.
pub(crate) fn flag_value(key: &str, text: &str) -> FieldValue {
    if key == "methods" {
        return FieldValue::List(
            text.split(',')
                .map(|s| FieldValue::Text(s.trim().to_string()))
                .collect(),
        );
    }
    match text.trim().parse::<f64>() {
        Ok(x) => FieldValue::Number(x),
        Err(_) => FieldValue::Text(text.to_string()),
    }
}

/// Parses the arguments after `toy`.
pub fn parse_toy(args: &[String]) -> Result<ToyCommand, CliError> {
    let mut known: Vec<&str> = TOY_FLAGS.iter().map(|(flag, _)| *flag).collect();
    known.extend(["--iterations", "--format", "--plot", "--config"]);
    let mut fields = Vec::new();
    let mut file_fields = Vec::new();
    let mut iterations = 500;
    let mut format = Format::Json;
    let mut plot = None;
    for (name, value) in flag_pairs("toy", args, &known)? {
        match name.as_str() {
            "--iterations" => {
                let v = flag_value("iterations", &value);
                iterations = check_integer("--iterations", &v, 1, MAX_ITERATIONS)
                    .map_err(|e| usage_error(e.to_string()))?;
            }
            "--format" => format = parse_toy_format(&value)?,
            "--config" => {
                let text = std::fs::read_to_string(&value).map_err(|e| CliError {
                    message: format!("`--config` cannot read {value}: {e}"),
                    code: 1,
                })?;
                let config_error = |e: ConfigError| usage_error(format!("`--config` {value}: {e}"));
                file_fields = crate::config::fields_from_json(&text).map_err(config_error)?;
                // The file on its own must be valid: its errors name its keys, not flags.
                ToyConfig::from_fields(file_fields.clone()).map_err(config_error)?;
            }
            "--plot" => plot = Some(std::path::PathBuf::from(value)),
            _ => {
                let key = TOY_FLAGS
                    .iter()
                    .find(|(f, _)| *f == name)
                    .map(|(_, k)| *k)
                    .unwrap_or_default();
                fields.push((key.to_string(), flag_value(key, &value)));
            }
        }
    }
    // The file's keys first, so that flags override them.
    file_fields.extend(fields);
    let config = ToyConfig::from_fields(file_fields).map_err(as_flag_error)?;
    Ok(ToyCommand {
        config,
        iterations,
        format,
        plot,
    })
}

/// Runs a parsed `toy` command and returns what to print.
pub fn run_toy(command: &ToyCommand) -> Result<String, CliError> {
    let mut ensemble = ToyEnsemble::new(command.config.clone());
    ensemble.step(command.iterations);
    let report = ToyReport::of(&ensemble);
    if let Some(path) = &command.plot {
        write_plot(path, &report.to_svg())?;
    }
    Ok(match command.format {
        Format::Json => serde_json::to_string(&report).unwrap_or_default() + "\n",
        Format::Csv => report.to_csv(),
        Format::Table => report.to_table(),
    })
}

/// Parses `toy`'s `--format` value (json, csv or table).
fn parse_toy_format(value: &str) -> Result<Format, CliError> {
    match value {
        "table" => Ok(Format::Table),
        "json" | "csv" => parse_format(value),
        other => Err(usage_error(format!(
            "`--format` must be json, csv or table, got {other:?}"
        ))),
    }
}

/// A parsed `one-hidden-layer` command.
#[derive(Clone, Debug, PartialEq)]
pub struct OneHiddenLayerCommand {
    /// The study's settings.
    pub config: OneHiddenLayerConfig,
    /// Output format.
    pub format: Format,
    /// Where to write the SVG figure, if anywhere.
    pub plot: Option<std::path::PathBuf>,
}

/// Parses a `--format` value.
pub(crate) fn parse_format(value: &str) -> Result<Format, CliError> {
    match value {
        "json" => Ok(Format::Json),
        "csv" => Ok(Format::Csv),
        other => Err(usage_error(format!(
            "`--format` must be json or csv, got {other:?}"
        ))),
    }
}

/// Splits `--flag value` and `--flag=value` pairs, checking each flag against `known`.
pub(crate) fn flag_pairs(
    command: &str,
    args: &[String],
    known: &[&str],
) -> Result<Vec<(String, String)>, CliError> {
    let mut pairs = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let flag = args[i].as_str();
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (flag, None),
        };
        if !known.contains(&name) {
            return Err(usage_error(format!(
                "unknown option `{flag}` for `{command}`; see `sgd-escape help`"
            )));
        }
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                args.get(i)
                    .cloned()
                    .ok_or_else(|| usage_error(format!("`{name}` needs a value")))?
            }
        };
        pairs.push((name.to_string(), value));
        i += 1;
    }
    Ok(pairs)
}

/// Parses the arguments after `one-hidden-layer`.
pub fn parse_one_hidden_layer(args: &[String]) -> Result<OneHiddenLayerCommand, CliError> {
    let mut config = OneHiddenLayerConfig::default();
    let mut format = Format::Json;
    let mut plot = None;
    for (name, value) in flag_pairs(
        "one-hidden-layer",
        args,
        &["--seed", "--epochs", "--format", "--plot"],
    )? {
        let number = flag_value("", &value);
        match name.as_str() {
            "--seed" => {
                config.seed =
                    parse_seed("--seed", &number).map_err(|e| usage_error(e.to_string()))?
            }
            "--epochs" => {
                let epochs = check_integer("--epochs", &number, 1, 1000)
                    .map_err(|e| usage_error(e.to_string()))?;
                config.epochs = epochs as usize;
                config.decay_start = config.decay_start.min(config.epochs);
            }
            "--plot" => plot = Some(std::path::PathBuf::from(value)),
            _ => format = parse_format(&value)?,
        }
    }
    Ok(OneHiddenLayerCommand {
        config,
        format,
        plot,
    })
}

/// Runs a parsed `one-hidden-layer` command and returns what to print.
pub fn run_one_hidden_layer(command: &OneHiddenLayerCommand) -> Result<String, CliError> {
    let mut run = OneHiddenLayerRun::new(command.config.clone());
    while run.step_epoch() {}
    let report = OneHiddenLayerReport::of(&run);
    if let Some(path) = &command.plot {
        write_plot(path, &report.to_svg())?;
    }
    Ok(match command.format {
        Format::Json => serde_json::to_string(&report).unwrap_or_default() + "\n",
        // (`Table` is never parsed for this command.)
        Format::Csv | Format::Table => report.to_csv(),
    })
}

/// Runs the CLI on `args` (without the program name): the text for stdout, or an error.
pub fn run(args: &[String]) -> Result<String, CliError> {
    match args.first().map(String::as_str) {
        Some("toy") => parse_toy(&args[1..]).and_then(|c| run_toy(&c)),
        Some("fashion") => fashion::parse(&args[1..]).and_then(|c| fashion::run(&c)),
        Some("fashion-summary") => {
            fashion_summary::parse(&args[1..]).and_then(|c| fashion_summary::run(&c))
        }
        Some("one-hidden-layer") => {
            parse_one_hidden_layer(&args[1..]).and_then(|c| run_one_hidden_layer(&c))
        }
        Some("help") | Some("--help") | Some("-h") => Ok(USAGE.to_string()),
        Some(other) => Err(usage_error(format!("unknown command `{other}`\n\n{USAGE}"))),
        None => Err(usage_error(USAGE.to_string())),
    }
}
