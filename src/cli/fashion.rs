//! `sgd-escape fashion`: the FashionMNIST experiment from the command line.

use super::progress::Progress;
use super::{flag_pairs, flag_value, parse_format, usage_error, CliError, Format};
use crate::config::{check_integer, parse_methods, FieldValue, RealRange};
use crate::data::fashion::{CORRUPTED, DEBIAN_DIR, TRAIN_SIZE};
use crate::experiments::fashion::{
    Checkpoint, FashionConfig, FashionContext, FashionData, MethodRun, Stage1,
};
use crate::noise::Method;
use crate::report::{FashionGdReport, FashionMethodReport, FashionReport};
use crate::rng::Rng;
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

const FLAGS: [&str; 18] = [
    "--plot",
    "--from-json",
    "--iters",
    "--seed",
    "--format",
    "--log-every",
    "--methods",
    "--data",
    "--full-test",
    "--start",
    "--save-start",
    "--sharpness-draws",
    "--hidden",
    "--refresh-fast",
    "--refresh-slow",
    "--eigvec-warm-steps",
    "--stage1-max",
    "--lr",
];

/// Parses the arguments after `fashion`.
pub fn parse(args: &[String]) -> Result<FashionCommand, CliError> {
    let mut cmd = FashionCommand {
        config: FashionConfig::default(),
        methods: Method::ALL.to_vec(),
        iterations: 15_000,
        log_every: 500,
        data_dir: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/www/data")),
        full_test: false,
        start: None,
        save_start: None,
        format: Format::Json,
        plot: None,
        from_json: None,
    };
    let e = |err: crate::config::ConfigError| usage_error(err.to_string());
    for (name, value) in flag_pairs("fashion", args, &FLAGS)? {
        let n = flag_value("", &value);
        let c = &mut cmd.config;
        match name.as_str() {
            "--iters" => cmd.iterations = check_integer("--iters", &n, 1, 10_000_000).map_err(e)?,
            "--seed" => {
                c.seed = crate::schema::Figure::Fashion
                    .api_setting("seed")
                    .and_then(|s| s.parse_seed(&n))
                    .map_err(|err| usage_error(format!("`--seed` {}", err.message)))?
            }
            "--format" => cmd.format = parse_format(&value)?,
            "--log-every" => {
                cmd.log_every = check_integer("--log-every", &n, 1, 10_000_000).map_err(e)?
            }
            "--methods" => {
                cmd.methods =
                    parse_methods("--methods", &flag_value("methods", &value)).map_err(e)?
            }
            "--data" => cmd.data_dir = PathBuf::from(value),
            "--full-test" => {
                cmd.full_test = match value.as_str() {
                    "1" | "true" | "yes" => true,
                    "0" | "false" | "no" => false,
                    _ => {
                        return Err(usage_error(format!(
                            "`--full-test` must be true or false, got {value:?}"
                        )))
                    }
                }
            }
            "--start" => cmd.start = Some(PathBuf::from(value)),
            "--save-start" => cmd.save_start = Some(PathBuf::from(value)),
            "--plot" => cmd.plot = Some(PathBuf::from(value)),
            "--from-json" => cmd.from_json = Some(PathBuf::from(value)),
            "--sharpness-draws" => {
                c.sharpness_draws = check_integer(&name, &n, 1, 100_000).map_err(e)? as usize
            }
            "--refresh-fast" => {
                c.refresh_fast = check_integer(&name, &n, 1, 1_000_000).map_err(e)?
            }
            "--refresh-slow" => {
                c.refresh_slow = check_integer(&name, &n, 1, 1_000_000).map_err(e)?
            }
            "--eigvec-warm-steps" => {
                c.eigvec_warm_steps = check_integer(&name, &n, 0, 1000).map_err(e)? as usize
            }
            "--stage1-max" => {
                c.stage1_max_iterations = check_integer(&name, &n, 1, 10_000_000).map_err(e)?
            }
            "--lr" => {
                c.lr = RealRange {
                    min: 0.0,
                    min_inclusive: false,
                    max: 10.0,
                }
                .check("--lr", &n)
                .map_err(e)? as f32
            }
            _ => {
                // --hidden: comma-separated widths.
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
                c.hidden = widths;
            }
        }
    }
    Ok(cmd)
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
