//! `sgd-escape fashion`: the FashionMNIST experiment from the command line.

use super::flags::{flag_error, setting_fields, with_setting_flags};
use super::progress::Progress;
use super::{matches, parse_format, usage_error, CliError, Format};
use crate::config::{check_integer, FieldValue};
use crate::data::fashion::{CORRUPTED, DEBIAN_DIR, TRAIN_SIZE};
use crate::experiments::fashion::{
    Checkpoint, FashionConfig, FashionContext, FashionData, MethodRun, Stage1,
};
use crate::experiments::fashion_session::FashionSettings;
use crate::noise::Method;
use crate::report::{FashionGdReport, FashionMethodReport, FashionReport};
use crate::rng::Rng;
use crate::schema::Figure;
use clap::{Args, Command, FromArgMatches};
use std::path::PathBuf;

/// A parsed `fashion` command.
#[derive(Clone, Debug)]
pub struct FashionCommand {
    /// The experiment settings.
    pub config: FashionConfig,
    /// The dynamics run in stage 2.
    pub methods: Vec<Method>,
    /// Stage-2 iterations.
    pub iterations: u64,
    /// Iterations between records.
    pub log_every: u64,
    /// Folder with the 1200 training and the test IDX files.
    pub data_dir: PathBuf,
    /// Whether to test on Debian's full 10,000-image test split.
    pub full_test: bool,
    /// Start stage 2 from this stage-1 checkpoint instead of running stage 1.
    pub start: Option<PathBuf>,
    /// Write the stage-1 minimum here.
    pub save_start: Option<PathBuf>,
    /// Output format.
    pub format: Format,
    /// Where to write the SVG figure, if anywhere.
    pub plot: Option<PathBuf>,
    /// Re-render from this earlier run's JSON instead of computing.
    pub from_json: Option<PathBuf>,
}

/// The flags of `fashion` that are no setting.
#[derive(Args, Debug)]
struct FashionOnly {
    /// Folder with the fmnist-train1200 and fmnist-test2000 files [default: www/data].
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Test on the full 10,000 images of Debian's dataset-fashion-mnist.
    #[arg(long)]
    full_test: bool,
    /// Start stage 2 from a stage-1 checkpoint instead of running stage 1.
    #[arg(long, value_name = "FILE")]
    start: Option<PathBuf>,
    /// Write the stage-1 minimum to FILE.
    #[arg(long, value_name = "FILE")]
    save_start: Option<PathBuf>,
    /// Hidden layer widths, comma-separated [default: 14].
    #[arg(long, value_name = "W,W,...", allow_hyphen_values = true)]
    hidden: Option<String>,
    /// json (default) or csv.
    #[arg(long, value_name = "F", default_value = "json")]
    format: String,
    /// Also write the figure as SVG.
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
    /// Re-render the outputs (e.g. --plot) from an earlier run's JSON, no computation.
    #[arg(long, value_name = "FILE")]
    from_json: Option<PathBuf>,
}

/// The `fashion` subcommand: the schema's flags and [`FashionOnly`].
pub(crate) fn command() -> Command {
    // (The about line after the derive's, which would take the struct's doc comment.)
    let command = Command::new("fashion");
    FashionOnly::augment_args(with_setting_flags(command, Figure::Fashion))
        .about("FashionMNIST with corrupted labels (paper Section 5.3), a 784-14-10 MLP by default")
}

/// Parses the arguments after `fashion`.
pub fn parse(args: &[String]) -> Result<FashionCommand, CliError> {
    let m = matches("fashion", args)?;
    let only = FashionOnly::from_arg_matches(&m).map_err(|e| usage_error(e.to_string()))?;
    let mut settings = FashionSettings::cli_default();
    let iterations_setting = Figure::Fashion
        .link_setting("iterations")
        .map_err(|e| flag_error(Figure::Fashion, e))?;
    let mut iterations = iterations_setting
        .cli_default
        .unwrap_or(iterations_setting.default)
        .as_u64()
        .unwrap_or(1);
    for (key, value) in setting_fields(&m, Figure::Fashion) {
        let checked = if key == "iterations" {
            iterations_setting
                .parse_integer(&value)
                .map(|n| iterations = n)
        } else {
            // The experiment's own setter, as the page's and the API's.
            settings.set(key, &value)
        };
        checked.map_err(|e| flag_error(Figure::Fashion, e))?;
    }
    if let Some(value) = &only.hidden {
        // --hidden: comma-separated widths.
        let e = |err: crate::config::ConfigError| usage_error(err.to_string());
        let widths: Result<Vec<usize>, CliError> = value
            .split(',')
            .map(|w| {
                check_integer(
                    "--hidden",
                    &FieldValue::Number(w.trim().parse().unwrap_or(f64::NAN)),
                    1,
                    4096,
                )
                .map(|x| x as usize)
                .map_err(e)
            })
            .collect();
        let widths = widths?;
        check_network_size(&widths)?;
        settings.config.hidden = widths;
    }
    Ok(FashionCommand {
        config: settings.config,
        methods: settings.methods,
        iterations,
        log_every: settings.log_every,
        data_dir: only
            .data
            .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/www/data"))),
        full_test: only.full_test,
        start: only.start,
        save_start: only.save_start,
        format: parse_format(&only.format)?,
        plot: only.plot,
        from_json: only.from_json,
    })
}

/// Most hidden layers `--hidden` accepts.
pub const MAX_HIDDEN_LAYERS: usize = 8;
/// Most parameters a network may have: each D-vector is 4 bytes a parameter and stage 2 keeps
/// a few dozen (Lanczos bases, noise factors), so this bounds memory to about 1 GB.
pub const MAX_PARAMS: usize = 4_000_000;

/// Checks the depth and the parameter count of a 784-...-10 network with hidden `widths`.
fn check_network_size(widths: &[usize]) -> Result<(), CliError> {
    if widths.len() > MAX_HIDDEN_LAYERS {
        return Err(usage_error(format!(
            "`--hidden` must list 1..={MAX_HIDDEN_LAYERS} widths, got {}",
            widths.len()
        )));
    }
    let mut sizes = vec![784];
    sizes.extend_from_slice(widths);
    sizes.push(10);
    let params: usize = sizes.windows(2).map(|w| w[0] * w[1] + w[1]).sum();
    if params > MAX_PARAMS {
        return Err(usage_error(format!(
            "`--hidden` must give a network of at most {MAX_PARAMS} parameters, got {params} ({})",
            widths
                .iter()
                .map(|w| w.to_string())
                .collect::<Vec<_>>()
                .join(",")
        )));
    }
    Ok(())
}

fn read(path: &std::path::Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|err| CliError {
        message: format!("cannot read {}: {err}", path.display()),
        code: 1,
    })
}

/// Loads the data the command names.
fn load_data(cmd: &FashionCommand) -> Result<FashionData, CliError> {
    let dir = &cmd.data_dir;
    let train_images = read(&dir.join("fmnist-train1200-images-idx3-ubyte.gz"))?;
    let train_labels = read(&dir.join("fmnist-train1200-labels-idx1-ubyte.gz"))?;
    let (test_images, test_labels) = if cmd.full_test {
        let debian = std::path::Path::new(DEBIAN_DIR);
        (
            read(&debian.join("t10k-images-idx3-ubyte.gz"))?,
            read(&debian.join("t10k-labels-idx1-ubyte.gz"))?,
        )
    } else {
        (
            read(&dir.join("fmnist-test2000-images-idx3-ubyte.gz"))?,
            read(&dir.join("fmnist-test2000-labels-idx1-ubyte.gz"))?,
        )
    };
    FashionData::from_idx(
        &train_images,
        &train_labels,
        &test_images,
        &test_labels,
        TRAIN_SIZE,
        CORRUPTED,
        cmd.config.seed,
    )
    .map_err(|err| CliError {
        message: err.to_string(),
        code: 1,
    })
}

/// Runs a parsed `fashion` command and returns what to print.
pub fn run(cmd: &FashionCommand) -> Result<String, CliError> {
    let report = match &cmd.from_json {
        Some(path) => serde_json::from_slice(&read(path)?).map_err(|e| CliError {
            message: format!("{}: not a fashion report: {e}", path.display()),
            code: 1,
        })?,
        None => compute(cmd)?,
    };
    if let Some(path) = &cmd.plot {
        super::write_plot(path, &report.to_svg())?;
    }
    Ok(match cmd.format {
        Format::Json => serde_json::to_string(&report).unwrap_or_default() + "\n",
        // (`Table` is never parsed for this command.)
        Format::Csv | Format::Table => report.to_csv(),
    })
}

/// Runs both stages as the command says.
fn compute(cmd: &FashionCommand) -> Result<FashionReport, CliError> {
    let data = load_data(cmd)?;
    let ctx = FashionContext::new(cmd.config.clone(), data);
    let dim = ctx.dim();
    // Stage 1: the sharp minimum.
    let (theta, iterations, fitted) = match &cmd.start {
        Some(path) => {
            let cp = Checkpoint::from_bytes(&read(path)?, dim).map_err(|m| CliError {
                message: format!("{}: {m}", path.display()),
                code: 1,
            })?;
            (cp.theta, cp.iterations, true)
        }
        None => {
            let mut stage1 = Stage1::new(&ctx);
            let mut progress = Progress::new(
                "fashion stage 1 (GD to fit every label)",
                cmd.config.stage1_max_iterations,
            );
            while !stage1.step(&ctx, 100) {
                progress.update(
                    stage1.iteration(),
                    &format!("iterations, train accuracy {:.4}", stage1.train_accuracy()),
                );
            }
            progress.finish(&format!(
                "{} iterations, train accuracy {:.4}",
                stage1.iteration(),
                stage1.train_accuracy()
            ));
            (
                stage1.theta().to_vec(),
                stage1.iteration(),
                stage1.train_accuracy() >= 1.0,
            )
        }
    };
    if let Some(path) = &cmd.save_start {
        let cp = Checkpoint {
            seed: cmd.config.seed,
            iterations,
            theta: theta.clone(),
        };
        std::fs::write(path, cp.to_bytes()).map_err(|err| CliError {
            message: format!("cannot write {}: {err}", path.display()),
            code: 1,
        })?;
    }
    let mut ws = ctx.mlp.workspace();
    let mut rng = Rng::for_stream(cmd.config.seed as u64, &[200, 99]);
    let start_record = ctx.measure(&theta, 0, &mut rng, &mut ws);
    let gd = FashionGdReport {
        iterations,
        fitted,
        train_accuracy: start_record.train_accuracy,
        test_accuracy: start_record.test_accuracy,
        record: start_record.clone(),
    };
    // Stage 2: every method from the minimum.
    let total = cmd.iterations * cmd.methods.len() as u64;
    let mut progress = Progress::new("fashion stage 2", total);
    let mut methods = Vec::new();
    for (i, &method) in cmd.methods.iter().enumerate() {
        let mut run = MethodRun::new(&ctx, method, &theta);
        let mut records = vec![start_record.clone()];
        while run.iteration() < cmd.iterations {
            let chunk = (cmd.log_every - run.iteration() % cmd.log_every)
                .min(cmd.iterations - run.iteration())
                .min(50);
            run.step(&ctx, chunk);
            if let Some(at) = run.diverged_at() {
                // Stopped for good: a last record at its last finite weights, then report it.
                eprintln!("fashion: {} diverged at iteration {at}", method.name());
                records.push(run.measure(&ctx));
                break;
            }
            if run.iteration().is_multiple_of(cmd.log_every) || run.iteration() == cmd.iterations {
                records.push(run.measure(&ctx));
            }
            progress.update(
                i as u64 * cmd.iterations + run.iteration(),
                &format!(
                    "iterations; now {} ({}/{})",
                    method.name(),
                    i + 1,
                    cmd.methods.len()
                ),
            );
        }
        let mut report = FashionMethodReport::new(method, records);
        report.diverged_at = run.diverged_at();
        methods.push(report);
    }
    progress.finish(&format!(
        "{} methods x {} iterations",
        cmd.methods.len(),
        cmd.iterations
    ));
    Ok(FashionReport {
        experiment: "fashion".to_string(),
        seed: cmd.config.seed,
        layers: ctx.mlp.sizes().to_vec(),
        params: dim,
        iterations: cmd.iterations,
        log_every: cmd.log_every,
        test_images: ctx.data.test_len(),
        config: cmd.config.clone(),
        gd,
        methods,
    })
}
