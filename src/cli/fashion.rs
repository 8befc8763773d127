//! `sgd-escape fashion`: the FashionMNIST experiment from the command line.

use super::fashion_jobs::{
    load_minimum, parallel_map, result_path, run_job, run_stage1, save_minimum, stage1_report,
    write_atomically, Cadence, SharedProgress,
};
use super::{flag_pairs, flag_value, parse_format, usage_error, CliError, Format};
use crate::config::{check_integer, parse_methods, parse_seed, FieldValue, RealRange};
use crate::data::fashion::{Dataset, TEST_FILE_STEM};
use crate::experiments::fashion::{
    Checkpoint, FashionConfig, FashionContext, FashionData, LeadingDraw,
};
use crate::experiments::fashion_results::{build_summary, FashionJob, FashionResult};
use crate::noise::Method;
use crate::report::{FashionGdReport, FashionReport};
use std::path::PathBuf;

/// A parsed `fashion` command.
#[derive(Clone, Debug)]
pub struct FashionCommand {
    /// The experiment settings (its seed is the first of `seeds`).
    pub config: FashionConfig,
    /// The dynamics run in stage 2.
    pub methods: Vec<Method>,
    /// GLD leading's draw variants to run (each is its own job).
    pub leading_draws: Vec<LeadingDraw>,
    /// Stage-2 iterations.
    pub iterations: u64,
    /// Iterations between full records.
    pub log_every: u64,
    /// Iterations between cheap curve points (accuracies).
    pub curve_every: u64,
    /// Iterations between curve points that also measure the expected sharpness.
    pub sharpness_every: u64,
    /// Folder with the training and test IDX files.
    pub data_dir: PathBuf,
    /// The seeds: `--seed S` (one run, the single-seed JSON) or `--seeds` (the multi-seed JSON).
    pub seeds: Vec<u32>,
    /// Whether `--seeds` was given (multi-seed output).
    pub multi_seed: bool,
    /// Start stage 2 from this stage-1 checkpoint instead of running stage 1 (one seed).
    pub start: Option<PathBuf>,
    /// Start every seed from its checkpoint in this folder (`<network>-<dataset>-seedS-minimum.bin`).
    pub start_dir: Option<PathBuf>,
    /// Write one result file per finished job here, and skip the jobs whose file exists.
    pub results: Option<PathBuf>,
    /// Threads for the (seed, method) jobs.
    pub jobs: usize,
    /// Write the stage-1 minimum here.
    pub save_start: Option<PathBuf>,
    /// Output format.
    pub format: Format,
    /// Where to write the SVG figure, if anywhere.
    pub plot: Option<PathBuf>,
    /// Re-render from this earlier run's JSON instead of computing.
    pub from_json: Option<PathBuf>,
}

const FLAGS: [&str; 27] = [
    "--plot",
    "--from-json",
    "--iters",
    "--seed",
    "--seeds",
    "--format",
    "--log-every",
    "--curve-every",
    "--sharpness-every",
    "--methods",
    "--data",
    "--dataset",
    "--gld-leading-draw",
    "--start",
    "--start-dir",
    "--results",
    "--jobs",
    "--save-start",
    "--sharpness-draws",
    "--hidden",
    "--refresh-fast",
    "--refresh-slow",
    "--eigvec-warm-steps",
    "--stage1-max",
    "--lr",
    "--full-test",
    "--network",
];

/// The network of the fashion experiment in this build (the MLP; `--network` names it).
pub const NETWORK: &str = "mlp";

/// Parses `--seeds`: a comma-separated list (`0,1,2`) or an inclusive range (`0..4`), each a
/// seed 0..=4294967295, without duplicates.
pub fn parse_seeds(flag: &str, text: &str) -> Result<Vec<u32>, CliError> {
    let bad = |why: String| usage_error(format!("`{flag}` {why}, got {text:?}"));
    let seed = |t: &str| -> Result<u32, CliError> {
        t.trim().parse::<u32>().map_err(|_| {
            bad(format!(
                "must list seeds 0..={} (e.g. 0,1,2 or 0..4)",
                u32::MAX
            ))
        })
    };
    let seeds: Vec<u32> = match text.split_once("..") {
        Some((a, b)) => {
            let (a, b) = (seed(a)?, seed(b)?);
            if a > b {
                return Err(bad("must be a range a..b with a <= b".into()));
            }
            if b - a >= 10_000 {
                return Err(bad("may hold at most 10000 seeds".into()));
            }
            (a..=b).collect()
        }
        None => text.split(',').map(seed).collect::<Result<_, _>>()?,
    };
    let mut sorted = seeds.clone();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted.len() != seeds.len() {
        return Err(bad("lists a seed twice".into()));
    }
    Ok(seeds)
}

/// Parses `--dataset` (paper or authors-code).
pub fn parse_dataset(text: &str) -> Result<Dataset, CliError> {
    Dataset::from_id(text).ok_or_else(|| {
        usage_error(format!(
            "`--dataset` must be paper or authors-code, got {text:?}"
        ))
    })
}

/// Parses `--gld-leading-draw`: every, refresh, or both as a list (`every,refresh`).
pub fn parse_leading_draws(text: &str) -> Result<Vec<LeadingDraw>, CliError> {
    let mut out = Vec::new();
    for part in text.split(',') {
        let d = LeadingDraw::from_id(part.trim()).ok_or_else(|| {
            usage_error(format!(
                "`--gld-leading-draw` must be every, refresh or every,refresh, got {text:?}"
            ))
        })?;
        if !out.contains(&d) {
            out.push(d);
        }
    }
    Ok(out)
}

/// Parses `--jobs` (1..=1024 threads).
pub fn parse_jobs(text: &str) -> Result<usize, CliError> {
    check_integer("--jobs", &flag_value("", text), 1, 1024)
        .map(|n| n as usize)
        .map_err(|e| usage_error(e.to_string()))
}

/// Parses `--network`: this build runs the MLP only.
pub fn parse_network(text: &str) -> Result<&'static str, CliError> {
    match text {
        NETWORK => Ok(NETWORK),
        _ => Err(usage_error(format!(
            "`--network` must be {NETWORK} in this build, got {text:?}"
        ))),
    }
}

/// The default `--jobs`: the cores available.
fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Parses the arguments after `fashion`.
pub fn parse(args: &[String]) -> Result<FashionCommand, CliError> {
    let mut cmd = FashionCommand {
        config: FashionConfig::default(),
        methods: Method::ALL.to_vec(),
        leading_draws: vec![LeadingDraw::Every],
        iterations: 15_000,
        log_every: 500,
        curve_every: 100,
        sharpness_every: 500,
        data_dir: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/www/data")),
        seeds: vec![0],
        multi_seed: false,
        start: None,
        start_dir: None,
        results: None,
        jobs: default_jobs(),
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
                c.seed = parse_seed("--seed", &n).map_err(e)?;
                cmd.seeds = vec![c.seed];
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
                return Err(usage_error(
                    "`--full-test` is gone: the CLI always tests on all 10,000 test images".into(),
                ))
            }
            "--seeds" => {
                cmd.seeds = parse_seeds("--seeds", &value)?;
                cmd.multi_seed = true;
            }
            "--dataset" => c.dataset = parse_dataset(&value)?,
            "--gld-leading-draw" => cmd.leading_draws = parse_leading_draws(&value)?,
            "--jobs" => cmd.jobs = parse_jobs(&value)?,
            "--network" => {
                parse_network(&value)?;
            }
            "--start-dir" => cmd.start_dir = Some(PathBuf::from(value)),
            "--results" => cmd.results = Some(PathBuf::from(value)),
            "--curve-every" => {
                cmd.curve_every = check_integer(&name, &n, 1, 10_000_000).map_err(e)?
            }
            "--sharpness-every" => {
                cmd.sharpness_every = check_integer(&name, &n, 1, 10_000_000).map_err(e)?
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
    if cmd.multi_seed {
        cmd.config.seed = cmd.seeds[0];
        if cmd.start.is_some() {
            return Err(usage_error(
                "`--start` names one seed's minimum; with `--seeds` use `--start-dir`".into(),
            ));
        }
        if cmd.format != Format::Json || cmd.plot.is_some() {
            return Err(usage_error(
                "`--seeds` writes JSON only; render tables and figures with `sgd-escape fashion-summary DIR`".into(),
            ));
        }
    }
    if cmd.methods.contains(&Method::GldLeading) {
        let lcm_ok = cmd.log_every.is_multiple_of(cmd.config.refresh_slow)
            && cmd.log_every.is_multiple_of(cmd.config.refresh_fast);
        if cmd.results.is_some() && !lcm_ok {
            return Err(usage_error(format!(
                "`--log-every` must be a multiple of --refresh-slow ({}) and --refresh-fast ({}) so that a job can resume from its records",
                cmd.config.refresh_slow, cmd.config.refresh_fast
            )));
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

/// The raw IDX files of the command's dataset: training images and labels, then the full
/// 10,000-image test split (always all of it in the CLI).
fn load_files(cmd: &FashionCommand) -> Result<[Vec<u8>; 4], CliError> {
    let dir = &cmd.data_dir;
    let train = cmd.config.dataset.train_file_stem();
    Ok([
        read(&dir.join(format!("{train}-images-idx3-ubyte.gz")))?,
        read(&dir.join(format!("{train}-labels-idx1-ubyte.gz")))?,
        read(&dir.join(format!("{TEST_FILE_STEM}-images-idx3-ubyte.gz")))?,
        read(&dir.join(format!("{TEST_FILE_STEM}-labels-idx1-ubyte.gz")))?,
    ])
}

/// The experiment of `seed` on the loaded files.
fn context(
    cmd: &FashionCommand,
    files: &[Vec<u8>; 4],
    seed: u32,
) -> Result<FashionContext, CliError> {
    let dataset = cmd.config.dataset;
    let data = FashionData::from_idx(
        &files[0],
        &files[1],
        &files[2],
        &files[3],
        dataset.train_size(),
        dataset.corrupted(),
        seed,
    )
    .map_err(|err| CliError {
        message: err.to_string(),
        code: 1,
    })?;
    let config = FashionConfig {
        seed,
        ..cmd.config.clone()
    };
    Ok(FashionContext::new(config, data))
}

/// Runs a parsed `fashion` command and returns what to print.
pub fn run(cmd: &FashionCommand) -> Result<String, CliError> {
    if cmd.multi_seed {
        let report = compute_multi(cmd)?;
        return Ok(serde_json::to_string(&report).unwrap_or_default() + "\n");
    }
    let report = match &cmd.from_json {
        Some(path) => serde_json::from_slice(&read(path)?).map_err(|e| CliError {
            message: format!("{}: not a fashion report: {e}", path.display()),
            code: 1,
        })?,
        None => {
            let (mut reports, _) = compute(cmd)?;
            reports.remove(0)
        }
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

/// The JSON of `fashion --seeds`: one run per seed in the single-seed shape, and the
/// summary over seeds per method.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MultiSeedReport {
    /// Always "fashion".
    pub experiment: String,
    /// The network id.
    pub network: String,
    /// D.
    pub parameters: usize,
    /// The training set.
    pub dataset: Dataset,
    /// Training images.
    pub train_images: usize,
    /// Test images.
    pub test_images: usize,
    /// Stage-2 iterations.
    pub iterations: u64,
    /// The seeds.
    pub seeds: Vec<u32>,
    /// One report per seed.
    pub runs: Vec<FashionReport>,
    /// Per method (and variant): means, sds and paired differences from GD.
    pub summary: Vec<crate::experiments::fashion_results::MethodSummary>,
}

fn compute_multi(cmd: &FashionCommand) -> Result<MultiSeedReport, CliError> {
    let (runs, results) = compute(cmd)?;
    let groups = build_summary(&results, None);
    let first = &runs[0];
    Ok(MultiSeedReport {
        experiment: "fashion".into(),
        network: NETWORK.into(),
        parameters: first.params,
        dataset: cmd.config.dataset,
        train_images: first.train_images,
        test_images: first.test_images,
        iterations: cmd.iterations,
        seeds: cmd.seeds.clone(),
        runs,
        summary: groups
            .into_iter()
            .next()
            .map(|g| g.summary)
            .unwrap_or_default(),
    })
}

fn cli_error(message: String) -> CliError {
    CliError { message, code: 1 }
}

/// Runs the command's jobs (stage 1 per seed, then every (seed, method) job on `cmd.jobs`
/// threads, skipping those whose result file exists) and returns one report per seed and
/// every job's result.
fn compute(cmd: &FashionCommand) -> Result<(Vec<FashionReport>, Vec<FashionResult>), CliError> {
    let files = load_files(cmd)?;
    let contexts: Vec<FashionContext> = cmd
        .seeds
        .iter()
        .map(|&s| context(cmd, &files, s))
        .collect::<Result<_, _>>()?;
    if let Some(dir) = &cmd.results {
        std::fs::create_dir_all(dir)
            .map_err(|e| cli_error(format!("cannot create {}: {e}", dir.display())))?;
    }
    let cadence = Cadence {
        log_every: cmd.log_every,
        curve_every: cmd.curve_every,
        sharpness_every: cmd.sharpness_every,
    };
    // The jobs, in (seed, method, variant) order; those with a result file are read back.
    let mut jobs = Vec::new();
    for &seed in &cmd.seeds {
        for &method in &cmd.methods {
            let draws: &[LeadingDraw] = if method == Method::GldLeading {
                &cmd.leading_draws
            } else {
                &[LeadingDraw::Every]
            };
            for &draw in draws {
                jobs.push(FashionJob {
                    network: NETWORK.into(),
                    dataset: cmd.config.dataset,
                    seed,
                    method,
                    leading_draw: draw,
                    iterations: cmd.iterations,
                });
            }
        }
    }
    let mut done: Vec<Option<FashionResult>> = Vec::with_capacity(jobs.len());
    for job in &jobs {
        let existing = match &cmd.results {
            Some(dir) if result_path(dir, job).exists() => {
                let path = result_path(dir, job);
                let r: FashionResult = serde_json::from_slice(&read(&path)?).map_err(|e| {
                    cli_error(format!(
                        "{}: not a fashion result file: {e}",
                        path.display()
                    ))
                })?;
                Some(r)
            }
            _ => None,
        };
        done.push(existing);
    }
    let pending: Vec<usize> = (0..jobs.len()).filter(|&i| done[i].is_none()).collect();
    if cmd.results.is_some() && pending.len() < jobs.len() {
        eprintln!(
            "fashion: {} of {} jobs already have result files; running {}",
            jobs.len() - pending.len(),
            jobs.len(),
            pending.len()
        );
    }
    // Stage 1 for the seeds that need it (in parallel over seeds).
    let minima = stage1_all(cmd, &contexts, &jobs, &pending)?;
    // Stage 2.
    let total: u64 = pending.len() as u64 * cmd.iterations;
    let progress = SharedProgress::new(
        "fashion stage 2",
        total,
        format!(
            "iterations of {} jobs on {} threads",
            pending.len(),
            cmd.jobs
        ),
    );
    let outcomes = parallel_map(pending.len(), cmd.jobs, &|k| {
        let job = &jobs[pending[k]];
        let si = cmd.seeds.iter().position(|&s| s == job.seed).unwrap_or(0);
        let (theta0, stage1) = minima[si].as_ref().ok_or("no stage-1 minimum")?;
        let partial = cmd
            .results
            .as_ref()
            .map(|d| d.join(job.partial_file_name()));
        let result = run_job(
            &contexts[si],
            job,
            NETWORK,
            theta0,
            stage1,
            cadence,
            partial.as_deref(),
            &|n| progress.add(n),
        )?;
        if let Some(dir) = &cmd.results {
            let text = serde_json::to_vec(&result).unwrap_or_default();
            write_atomically(&result_path(dir, job), &text)?;
            if let Some(p) = &partial {
                std::fs::remove_file(p).ok();
            }
            eprintln!(
                "fashion: wrote {} ({:.0} s)",
                result_path(dir, job).display(),
                result.seconds
            );
        }
        Ok::<FashionResult, String>(result)
    });
    progress.finish(&format!(
        "{} jobs x {} iterations",
        pending.len(),
        cmd.iterations
    ));
    for (k, outcome) in outcomes.into_iter().enumerate() {
        done[pending[k]] = Some(outcome.map_err(cli_error)?);
    }
    let results: Vec<FashionResult> = done.into_iter().flatten().collect();
    // One report per seed, in the single-seed shape.
    let reports = cmd
        .seeds
        .iter()
        .enumerate()
        .map(|(si, &seed)| {
            let ctx = &contexts[si];
            let of_seed: Vec<&FashionResult> = results.iter().filter(|r| r.seed == seed).collect();
            let gd = match (&minima[si], of_seed.first()) {
                (Some((_, report)), _) => report.clone(),
                (None, Some(r)) => r.stage1.clone(),
                (None, None) => return Err(cli_error(format!("seed {seed}: nothing ran"))),
            };
            Ok(FashionReport {
                experiment: "fashion".to_string(),
                network: NETWORK.into(),
                dataset: ctx.config.dataset,
                train_images: ctx.data.train_len(),
                seed,
                layers: ctx.network.sizes().to_vec(),
                params: ctx.dim(),
                iterations: cmd.iterations,
                log_every: cmd.log_every,
                test_images: ctx.data.test_len(),
                config: ctx.config.clone(),
                gd,
                methods: of_seed.iter().map(|r| r.run.clone()).collect(),
            })
        })
        .collect::<Result<Vec<_>, CliError>>()?;
    Ok((reports, results))
}

/// The stage-1 minimum of every seed with pending jobs (None for the others): from `--start`,
/// `--start-dir` or the results folder when stored there, else computed (in parallel over the
/// seeds) and stored in the results folder.
#[allow(clippy::type_complexity)]
fn stage1_all(
    cmd: &FashionCommand,
    contexts: &[FashionContext],
    jobs: &[FashionJob],
    pending: &[usize],
) -> Result<Vec<Option<(Vec<f32>, FashionGdReport)>>, CliError> {
    let needed: Vec<bool> = cmd
        .seeds
        .iter()
        .map(|s| pending.iter().any(|&i| jobs[i].seed == *s))
        .collect();
    let mut minima: Vec<Option<(Vec<f32>, FashionGdReport)>> = vec![None; cmd.seeds.len()];
    let mut to_run = Vec::new();
    for (si, ctx) in contexts.iter().enumerate() {
        if !needed[si] && cmd.save_start.is_none() {
            continue;
        }
        if let Some(path) = &cmd.start {
            let cp = Checkpoint::from_bytes(&read(path)?, ctx.dim())
                .map_err(|m| cli_error(format!("{}: {m}", path.display())))?;
            let report = stage1_report(ctx, &cp.theta, cp.iterations, true);
            minima[si] = Some((cp.theta, report));
            continue;
        }
        let dirs = [cmd.start_dir.as_ref(), cmd.results.as_ref()];
        for dir in dirs.into_iter().flatten() {
            if minima[si].is_none() {
                minima[si] = load_minimum(ctx, dir, NETWORK).map_err(cli_error)?;
            }
        }
        if minima[si].is_none() {
            to_run.push(si);
        }
    }
    let progress = SharedProgress::new(
        "fashion stage 1 (GD to fit every label)",
        to_run.len() as u64 * cmd.config.stage1_max_iterations,
        format!("iterations (at most) of {} seeds", to_run.len()),
    );
    let computed = parallel_map(to_run.len(), cmd.jobs, &|k| {
        let ctx = &contexts[to_run[k]];
        let (theta, iterations, fitted) = run_stage1(ctx, &|n| progress.add(n));
        let report = stage1_report(ctx, &theta, iterations, fitted);
        (theta, report)
    });
    if !to_run.is_empty() {
        progress.finish(&format!("{} seeds", to_run.len()));
    }
    for (k, (theta, report)) in computed.into_iter().enumerate() {
        let si = to_run[k];
        if let Some(dir) = &cmd.results {
            save_minimum(dir, NETWORK, &contexts[si], &theta, &report).map_err(cli_error)?;
        }
        minima[si] = Some((theta, report));
    }
    if let Some(path) = &cmd.save_start {
        if let Some((theta, report)) = &minima[0] {
            let cp = Checkpoint {
                seed: cmd.seeds[0],
                iterations: report.iterations,
                theta: theta.clone(),
            };
            std::fs::write(path, cp.to_bytes())
                .map_err(|err| cli_error(format!("cannot write {}: {err}", path.display())))?;
        }
    }
    Ok(minima)
}
