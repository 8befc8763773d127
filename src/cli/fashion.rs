//! `sgd-escape fashion`: the FashionMNIST experiment from the command line, one seed or
//! several (the jobs, threads and result files are in [`super::fashion_jobs`]).

use super::fashion_jobs::{
    load_minimum, parallel_map, result_path, run_job, run_stage1, save_minimum, stage1_report,
    write_atomically, Cadence, SharedProgress,
};
use super::flags::{flag_error, setting_fields, with_setting_flags};
use super::progress::Tick;
use super::{matches, parse_format, usage_error, CliError, Format};
use crate::config::{check_integer, FieldValue};
use crate::data::fashion::{Dataset, TEST_FILE_STEM};
use crate::experiments::fashion::{
    Checkpoint, FashionConfig, FashionContext, FashionData, LeadingDraw,
};
use crate::experiments::fashion_results::{
    build_summary, minimum_file_name, FashionJob, FashionResult,
};
use crate::experiments::fashion_session::FashionSettings;
use crate::landscape::network::{Architecture, NetworkKind};
use crate::noise::Method;
use crate::report::{FashionGdReport, FashionReport};
use crate::schema::Figure;
use clap::{Args, Command, FromArgMatches};
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
    check_integer("--jobs", &flag_number(text), 1, 1024)
        .map(|n| n as usize)
        .map_err(|e| usage_error(e.to_string()))
}

/// The default `--jobs`: the cores available.
fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The flags of `fashion` that are no setting.
#[derive(Args, Debug)]
struct FashionOnly {
    /// Folder with the fmnist-train1200/-train6000 and fmnist-test10000 files [default:
    /// www/data]; test accuracy is always on all 10,000 test images.
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Several seeds, 0,1,2 or 0..4: stage 1 per seed, every method from each seed's minimum,
    /// and the summary over seeds (JSON: seeds, runs, summary).
    #[arg(long, value_name = "LIST")]
    seeds: Option<String>,
    /// paper (the first 1200 training images) or authors-code (the first 6000, as the
    /// authors' mnist2np.py); labels 1000..1199 random in both [default: paper].
    #[arg(long, value_name = "D")]
    dataset: Option<String>,
    /// every (a GLD-leading draw every iteration, the paper's definition), refresh (only on
    /// the refresh iterations, the authors' gld_lead.py) or every,refresh (both, two jobs)
    /// [default: every].
    #[arg(long, value_name = "V")]
    gld_leading_draw: Option<String>,
    /// Start each seed from DIR/<network>-<dataset>-seedS-minimum.bin.
    #[arg(long, value_name = "DIR")]
    start_dir: Option<PathBuf>,
    /// One result file per finished job in DIR (and the stage-1 minima); jobs whose file
    /// exists are skipped, a job under way resumes from its last full record, a stage 1 under
    /// way from its last checkpoint (every 500 iterations).
    #[arg(long, value_name = "DIR")]
    results: Option<PathBuf>,
    /// Threads for the (seed, method) jobs; the results are bit-identical whatever N
    /// [default: the cores available].
    #[arg(long, value_name = "N")]
    jobs: Option<String>,
    /// Iterations between test/train accuracy points [default: 100].
    #[arg(long, value_name = "N")]
    curve_every: Option<String>,
    /// Iterations between expected-sharpness points [default: 500].
    #[arg(long, value_name = "N")]
    sharpness_every: Option<String>,
    /// Removed: the CLI always tests on all 10,000 test images.
    #[arg(long, hide = true, value_name = "X")]
    full_test: Option<String>,
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
        .about("FashionMNIST with corrupted labels (paper Section 5.3), the paper's CNN by default (--network mlp: a 784-14-10 MLP)")
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
    let fields = setting_fields(&m, Figure::Fashion);
    if only.seeds.is_some() && fields.iter().any(|(key, _)| *key == "seed") {
        return Err(usage_error(
            "`--seed` and `--seeds` cannot be combined: give the seeds with `--seeds` only".into(),
        ));
    }
    for (key, value) in fields {
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
        check_hidden_applies(settings.config.network)?;
        settings.config.hidden = widths;
    }
    let mut cmd = FashionCommand {
        seeds: vec![settings.config.seed],
        config: settings.config,
        methods: settings.methods,
        leading_draws: vec![LeadingDraw::Every],
        iterations,
        log_every: settings.log_every,
        curve_every: 100,
        sharpness_every: 500,
        data_dir: only
            .data
            .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/www/data"))),
        multi_seed: false,
        start: only.start,
        start_dir: only.start_dir,
        results: only.results,
        jobs: default_jobs(),
        save_start: only.save_start,
        format: parse_format(&only.format)?,
        plot: only.plot,
        from_json: only.from_json,
    };
    if only.full_test.is_some() {
        return Err(usage_error(
            "`--full-test` is gone: the CLI always tests on all 10,000 test images".into(),
        ));
    }
    if let Some(text) = &only.seeds {
        cmd.seeds = parse_seeds("--seeds", text)?;
        cmd.multi_seed = true;
        cmd.config.seed = cmd.seeds[0];
    }
    if let Some(text) = &only.dataset {
        cmd.config.dataset = parse_dataset(text)?;
    }
    if let Some(text) = &only.gld_leading_draw {
        cmd.leading_draws = parse_leading_draws(text)?;
    }
    if let Some(text) = &only.jobs {
        cmd.jobs = parse_jobs(text)?;
    }
    if let Some(text) = &only.curve_every {
        cmd.curve_every = parse_every("--curve-every", text)?;
    }
    if let Some(text) = &only.sharpness_every {
        cmd.sharpness_every = parse_every("--sharpness-every", text)?;
    }
    check_protocol(&cmd)?;
    Ok(cmd)
}

/// Parses an iteration interval flag (1..=10,000,000).
pub fn parse_every(flag: &str, text: &str) -> Result<u64, CliError> {
    check_integer(flag, &flag_number(text), 1, 10_000_000).map_err(|e| usage_error(e.to_string()))
}

/// A flag's text as a number field (or text, for the error message).
fn flag_number(text: &str) -> FieldValue {
    match text.trim().parse::<f64>() {
        Ok(x) => FieldValue::Number(x),
        Err(_) => FieldValue::Text(text.to_string()),
    }
}

/// The checks across flags: `--seeds` writes JSON only, takes `--start-dir`, not `--start`,
/// and `--save-start` only with one seed;
/// with `--results`, records fall on refresh iterations (so a job resumes exactly).
fn check_protocol(cmd: &FashionCommand) -> Result<(), CliError> {
    if cmd.multi_seed {
        if cmd.start.is_some() {
            return Err(usage_error(
                "`--start` names one seed's minimum; with `--seeds` use `--start-dir`".into(),
            ));
        }
        if cmd.save_start.is_some() && cmd.seeds.len() > 1 {
            return Err(usage_error(
                "`--save-start` writes one seed's minimum; with several `--seeds` use `--results DIR`, which stores every seed's minimum".into(),
            ));
        }
        if cmd.format != Format::Json || cmd.plot.is_some() {
            return Err(usage_error(
                "`--seeds` writes JSON only; render tables and figures with `sgd-escape fashion-summary DIR`".into(),
            ));
        }
    }
    let aligned = cmd.log_every.is_multiple_of(cmd.config.refresh_slow)
        && cmd.log_every.is_multiple_of(cmd.config.refresh_fast);
    if cmd.results.is_some() && !aligned {
        return Err(usage_error(format!(
            "`--log-every` must be a multiple of --refresh-slow ({}) and --refresh-fast ({}) so that a job can resume from its records",
            cmd.config.refresh_slow, cmd.config.refresh_fast
        )));
    }
    Ok(())
}

/// `--hidden` shapes the MLP only: an error naming both flags for `--network cnn`.
pub fn check_hidden_applies(network: NetworkKind) -> Result<(), CliError> {
    match network {
        NetworkKind::Mlp => Ok(()),
        NetworkKind::Cnn => Err(usage_error(
            "`--hidden` applies to `--network mlp` only; the paper's CNN has a fixed shape".into(),
        )),
    }
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
        Some(path) => FashionReport::from_json(&read(path)?).map_err(|e| CliError {
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
        network: cmd.config.network.id().into(),
        parameters: first.parameters,
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
    check_start_dir(cmd)?;
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
                    network: cmd.config.network.id().into(),
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
    let progress = SharedProgress::new(
        "fashion stage 2",
        pending
            .iter()
            .map(|&i| (jobs[i].summary_id(), jobs[i].iterations))
            .collect(),
        cmd.jobs,
        format!(
            "iterations of {} jobs on {} threads",
            pending.len(),
            cmd.jobs
        ),
    );
    let outcomes = parallel_map(pending.len(), cmd.jobs, &|k| {
        let job = &jobs[pending[k]];
        // Another process (GNU parallel, a second run) may have finished it meanwhile.
        if let Some(dir) = &cmd.results {
            let path = result_path(dir, job);
            if let Some(r) = std::fs::read(&path)
                .ok()
                .and_then(|b| serde_json::from_slice::<FashionResult>(&b).ok())
            {
                progress.tick(k, Tick::Resumed(job.iterations));
                return Ok(r);
            }
        }
        let si = cmd.seeds.iter().position(|&s| s == job.seed).unwrap_or(0);
        let (theta0, stage1) = minima[si].as_ref().ok_or("no stage-1 minimum")?;
        let partial = cmd
            .results
            .as_ref()
            .map(|d| d.join(job.partial_file_name()));
        let result = run_job(
            &contexts[si],
            job,
            cmd.config.network.id(),
            theta0,
            stage1,
            cadence,
            partial.as_deref(),
            &|t| progress.tick(k, t),
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
                network: cmd.config.network.id().into(),
                parameters: ctx.dim(),
                dataset: ctx.config.dataset,
                train_images: ctx.data.train_len(),
                seed,
                layers: ctx.network.sizes().to_vec(),
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

/// `--start-dir DIR` must hold every seed's minimum: an error naming the flag, the seed and
/// the file it expects, before anything is computed (unlike `--results DIR`, where a missing
/// minimum means stage 1 runs and stores it).
fn check_start_dir(cmd: &FashionCommand) -> Result<(), CliError> {
    let Some(dir) = &cmd.start_dir else {
        return Ok(());
    };
    for &seed in &cmd.seeds {
        let name = minimum_file_name(cmd.config.network.id(), cmd.config.dataset, seed);
        let path = dir.join(name);
        if !path.is_file() {
            return Err(cli_error(format!(
                "`--start-dir`: no minimum for seed {seed}: expected {}",
                path.display()
            )));
        }
    }
    Ok(())
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
                minima[si] = load_minimum(ctx, dir, cmd.config.network.id()).map_err(cli_error)?;
            }
        }
        if minima[si].is_none() {
            to_run.push(si);
        }
    }
    let progress = SharedProgress::new(
        "fashion stage 1 (GD to fit every label)",
        vec![("stage 1".to_string(), cmd.config.stage1_max_iterations); to_run.len()],
        cmd.jobs,
        format!("iterations (at most) of {} seeds", to_run.len()),
    );
    let network = cmd.config.network.id();
    let computed = parallel_map(to_run.len(), cmd.jobs, &|k| {
        let ctx = &contexts[to_run[k]];
        let checkpoints = cmd.results.as_deref().map(|dir| (dir, network));
        let (theta, iterations, fitted) = run_stage1(ctx, &|t| progress.tick(k, t), checkpoints)?;
        let report = stage1_report(ctx, &theta, iterations, fitted);
        Ok::<_, String>((theta, report))
    });
    if !to_run.is_empty() {
        progress.finish(&format!("{} seeds", to_run.len()));
    }
    for (k, outcome) in computed.into_iter().enumerate() {
        let (theta, report) = outcome.map_err(cli_error)?;
        let si = to_run[k];
        if let Some(dir) = &cmd.results {
            save_minimum(dir, cmd.config.network.id(), &contexts[si], &theta, &report)
                .map_err(cli_error)?;
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
