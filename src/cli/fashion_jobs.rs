//! The FashionMNIST protocol over several seeds, natively: stage 1 per seed (or its stored
//! minimum), then every (seed, method) job on a pool of threads, each writing its own result
//! file as it finishes and a mid-run state at every full record, so that a killed or repeated
//! run skips what exists and resumes what was under way.
//!
//! Every job is a function of (settings, seed, method) alone (its own random streams), so the
//! results are bit-identical whatever the number of threads or the order the jobs run in.

use super::progress::{remaining_seconds, JobPace, Progress, Tick};
use crate::experiments::fashion::FashionRecord;
use crate::experiments::fashion::{Checkpoint, FashionContext, MethodRun, MethodRunState, Stage1};
use crate::experiments::fashion_results::{
    minimum_file_name, stage1_partial_file_name, stage1_partial_kernels, CurvePoint, FashionJob,
    FashionResult, Stage1Result,
};
use crate::landscape::network::Architecture;
use crate::report::{FashionGdReport, FashionMethodReport};
use crate::rng::Rng;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// How often a job measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cadence {
    /// Iterations between full records (every metric, the Hessian indicators included).
    pub log_every: u64,
    /// Iterations between cheap curve points (accuracies).
    pub curve_every: u64,
    /// Iterations between curve points that also measure the expected sharpness.
    pub sharpness_every: u64,
}

/// A job's state between pieces of work, written beside its result file.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct JobPartial {
    state: MethodRunState,
    records: Vec<FashionRecord>,
    curve: Vec<CurvePoint>,
    seconds: f64,
    /// The kernels that computed it ([`crate::kernels::implementation`]); None in states
    /// written before this field existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kernels: Option<String>,
}

/// Writes `bytes` to `path` through a temporary file and a rename (a killed writer never
/// leaves a half file under the final name).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The start record of a seed: every metric at its stage-1 minimum (measured once per seed,
/// on the stream every stage-2 run of that seed shares).
pub fn stage1_report(
    ctx: &FashionContext,
    theta: &[f32],
    iterations: u64,
    fitted: bool,
) -> FashionGdReport {
    let mut ws = ctx.network.workspace();
    let mut rng = Rng::for_stream(ctx.config.seed as u64, &[200, 99]);
    let record = ctx.measure(theta, 0, &mut rng, &mut ws);
    FashionGdReport {
        iterations,
        fitted,
        train_accuracy: record.train_accuracy,
        test_accuracy: record.test_accuracy,
        record,
    }
}

/// Runs stage 1 for `ctx`'s seed; `tick` gets the iterations resumed and advanced. With a results
/// directory `dir` (and its `network` id), the unfinished stage 1 is saved there every
/// [`Stage1::CHECKPOINT_EVERY`] iterations, resumed from there (bit for bit: stage 1 is
/// deterministic GD) by a later run on the same kernels, and removed by [`save_minimum`] once
/// the minimum is stored (not when stage 1 ends: a process killed while it measures the minimum
/// would otherwise lose the whole stage 1); a checkpoint of other kernels is refused by name
/// rather than mixed in.
pub fn run_stage1(
    ctx: &FashionContext,
    tick: &dyn Fn(Tick),
    dir: Option<(&Path, &str)>,
) -> Result<(Vec<f32>, u64, bool), String> {
    let kernels = crate::kernels::implementation();
    let seed = ctx.config.seed;
    let partial = dir.map(|(dir, network)| {
        let name = stage1_partial_file_name(network, ctx.config.dataset, seed, kernels);
        (dir, network, dir.join(name))
    });
    let mut stage1 = None;
    if let Some((dir, network, path)) = &partial {
        // Another kernel set's checkpoint of this seed: refuse rather than recompute silently.
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let other = stage1_partial_kernels(&name, network, ctx.config.dataset, seed)
                .filter(|k| *k != kernels);
            if let Some(k) = other {
                return Err(format!(
                    "{}: this unfinished stage 1 was computed with the {k} kernels and this \
                     process runs {kernels}: resume it with the `--kernels` that selects {k}, \
                     or delete it",
                    dir.join(&name).display()
                ));
            }
        }
        if path.exists() {
            let bytes =
                std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let cp = Checkpoint::from_bytes(&bytes, ctx.dim())
                .map_err(|m| format!("{}: {m}", path.display()))?;
            if cp.seed != seed {
                return Err(format!(
                    "{}: made with seed {}, not {seed}",
                    path.display(),
                    cp.seed
                ));
            }
            let resumed = Stage1::resume(ctx, cp.theta, cp.iterations).ok_or_else(|| {
                format!(
                    "{}: iteration {} is not a checkpoint iteration (a multiple of {})",
                    path.display(),
                    cp.iterations,
                    Stage1::CHECKPOINT_EVERY
                )
            })?;
            tick(Tick::Resumed(resumed.iteration()));
            stage1 = Some(resumed);
        }
    }
    let mut stage1 = stage1.unwrap_or_else(|| Stage1::new(ctx));
    let mut before = stage1.iteration();
    while !stage1.step(ctx, 100) {
        tick(Tick::Advanced(stage1.iteration() - before));
        before = stage1.iteration();
        if let Some((_, _, path)) = &partial {
            if stage1.iteration().is_multiple_of(Stage1::CHECKPOINT_EVERY) {
                let cp = Checkpoint {
                    seed,
                    iterations: stage1.iteration(),
                    theta: stage1.theta().to_vec(),
                };
                write_atomically(path, &cp.to_bytes())?;
            }
        }
    }
    tick(Tick::Advanced(stage1.iteration() - before));
    Ok((
        stage1.theta().to_vec(),
        stage1.iteration(),
        stage1.train_accuracy() >= 1.0,
    ))
}

/// A seed's stage-1 minimum: from `dir` if it holds one (the `.bin` checkpoint, with its
/// `.json` report, measured now if missing), None otherwise.
pub fn load_minimum(
    ctx: &FashionContext,
    dir: &Path,
    network: &str,
) -> Result<Option<(Vec<f32>, FashionGdReport)>, String> {
    let seed = ctx.config.seed;
    let bin = dir.join(minimum_file_name(network, ctx.config.dataset, seed));
    if !bin.exists() {
        return Ok(None);
    }
    let bytes = std::fs::read(&bin).map_err(|e| format!("cannot read {}: {e}", bin.display()))?;
    let cp =
        Checkpoint::from_bytes(&bytes, ctx.dim()).map_err(|m| format!("{}: {m}", bin.display()))?;
    if cp.seed != seed {
        return Err(format!(
            "{}: made with seed {}, not {seed}",
            bin.display(),
            cp.seed
        ));
    }
    let json = bin.with_extension("json");
    let report = match std::fs::read(&json) {
        Ok(text) => {
            serde_json::from_slice::<Stage1Result>(&text)
                .map_err(|e| format!("{}: {e}", json.display()))?
                .gd
        }
        Err(_) => {
            let report = stage1_report(ctx, &cp.theta, cp.iterations, true);
            let text = serde_json::to_vec(&Stage1Result {
                seed,
                gd: report.clone(),
            })
            .unwrap_or_default();
            // Best effort: a read-only start directory still works.
            write_atomically(&json, &text).ok();
            report
        }
    };
    Ok(Some((cp.theta, report)))
}

/// Stores a seed's stage-1 minimum and its report in `dir`, then removes the seed's stage-1
/// checkpoint of this process's kernels there ([`run_stage1`]), which the minimum replaces.
pub fn save_minimum(
    dir: &Path,
    network: &str,
    ctx: &FashionContext,
    theta: &[f32],
    report: &FashionGdReport,
) -> Result<(), String> {
    let seed = ctx.config.seed;
    let bin = dir.join(minimum_file_name(network, ctx.config.dataset, seed));
    let cp = Checkpoint {
        seed,
        iterations: report.iterations,
        theta: theta.to_vec(),
    };
    write_atomically(&bin, &cp.to_bytes())?;
    let text = serde_json::to_vec(&Stage1Result {
        seed,
        gd: report.clone(),
    })
    .unwrap_or_default();
    write_atomically(&bin.with_extension("json"), &text)?;
    let kernels = crate::kernels::implementation();
    let partial = dir.join(stage1_partial_file_name(
        network,
        ctx.config.dataset,
        seed,
        kernels,
    ));
    match std::fs::remove_file(&partial) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("cannot remove {}: {e}", partial.display()))
        }
        _ => Ok(()),
    }
}

/// One curve point at `run`'s weights.
fn curve_point(
    ctx: &FashionContext,
    run: &MethodRun,
    with_sharpness: bool,
    ws: &mut crate::landscape::network::NetworkWorkspace,
) -> CurvePoint {
    let theta = run.theta();
    let sharpness = with_sharpness.then(|| ctx.sharpness(theta, ws));
    CurvePoint {
        iteration: run.iteration(),
        test_accuracy: ctx.test_accuracy(theta, ws),
        train_accuracy: ctx.train_accuracy(theta, ws),
        corrupted_accuracy: ctx.corrupted_accuracy(theta, ws),
        sharpness: sharpness.map(|s| s.mean),
        sharpness_std_err: sharpness.map(|s| s.std_err),
    }
}

/// The curve point of the stage-1 minimum (iteration 0), from its record.
fn start_point(record: &FashionRecord) -> CurvePoint {
    CurvePoint {
        iteration: 0,
        test_accuracy: record.test_accuracy,
        train_accuracy: record.train_accuracy,
        corrupted_accuracy: record.corrupted_accuracy,
        sharpness: Some(record.sharpness),
        sharpness_std_err: Some(record.sharpness_std_err),
    }
}

/// Runs one job from the seed's minimum `theta0` (or from its partial state in `partial`,
/// which it keeps up to date at every full record); `tick` gets the iterations resumed and
/// advanced.
#[allow(clippy::too_many_arguments)]
pub fn run_job(
    ctx: &FashionContext,
    job: &FashionJob,
    network: &str,
    theta0: &[f32],
    stage1: &FashionGdReport,
    cadence: Cadence,
    partial: Option<&Path>,
    tick: &dyn Fn(Tick),
) -> Result<FashionResult, String> {
    let started = Instant::now();
    let resumed: Option<JobPartial> = partial
        .filter(|p| p.exists())
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|bytes| serde_json::from_slice(&bytes).ok());
    let (mut run, mut records, mut curve, seconds_before) = match resumed {
        Some(p) if p.state.method == job.method.id() && p.state.iteration <= job.iterations => {
            // Different kernels round differently (FMA): a run resumed on others would be a
            // trajectory no single setting reproduces.
            let kernels = crate::kernels::implementation();
            if let Some(k) = p.kernels.as_deref().filter(|k| *k != kernels) {
                return Err(format!(
                    "{}: this partial state was computed with the {k} kernels and this process \
                     runs {kernels}: resume it with the `--kernels` that selects {k}",
                    partial.map(|p| p.display().to_string()).unwrap_or_default()
                ));
            }
            let run = MethodRun::resume(ctx, &p.state)?;
            tick(Tick::Resumed(run.iteration()));
            (run, p.records, p.curve, p.seconds)
        }
        _ => {
            let mut run = MethodRun::new(ctx, job.method, theta0);
            run.set_leading_draw(job.leading_draw);
            (
                run,
                vec![stage1.record.clone()],
                vec![start_point(&stage1.record)],
                0.0,
            )
        }
    };
    run.set_leading_draw(job.leading_draw);
    let mut ws = ctx.network.workspace();
    while run.iteration() < job.iterations {
        let it = run.iteration();
        let next = |every: u64| every - it % every;
        let chunk = next(cadence.log_every)
            .min(next(cadence.curve_every))
            .min(job.iterations - it)
            .min(50);
        run.step(ctx, chunk);
        if run.diverged_at().is_some() {
            eprintln!(
                "fashion: {} seed {} diverged at iteration {}",
                job.summary_id(),
                job.seed,
                run.iteration()
            );
            records.push(run.measure(ctx));
            break;
        }
        tick(Tick::Advanced(chunk));
        let it = run.iteration();
        let end = it == job.iterations;
        if it.is_multiple_of(cadence.curve_every) || end {
            let sharp = it.is_multiple_of(cadence.sharpness_every) || end;
            curve.push(curve_point(ctx, &run, sharp, &mut ws));
        }
        if it.is_multiple_of(cadence.log_every) || end {
            records.push(run.measure(ctx));
            if let (Some(path), Some(state), false) = (partial, run.snapshot(ctx), end) {
                let p = JobPartial {
                    state,
                    records: records.clone(),
                    curve: curve.clone(),
                    seconds: seconds_before + started.elapsed().as_secs_f64(),
                    kernels: Some(crate::kernels::implementation().into()),
                };
                write_atomically(path, &serde_json::to_vec(&p).unwrap_or_default())?;
            }
        }
    }
    let mut report = FashionMethodReport::new(job.method, records);
    report.diverged_at = run.diverged_at();
    let mut config = ctx.config.clone();
    config.gld_leading_draw = job.leading_draw;
    Ok(FashionResult {
        experiment: "fashion-job".into(),
        network: network.into(),
        parameters: ctx.dim(),
        dataset: ctx.config.dataset,
        train_images: ctx.data.train_len(),
        test_images: ctx.data.test_len(),
        seed: job.seed,
        id: job.summary_id(),
        method: job.method.id().into(),
        variant: job.variant().into(),
        iterations: job.iterations,
        log_every: cadence.log_every,
        curve_every: cadence.curve_every,
        sharpness_every: cadence.sharpness_every,
        config,
        stage1: stage1.clone(),
        run: report,
        curve,
        seconds: seconds_before + started.elapsed().as_secs_f64(),
        kernels: Some(crate::kernels::implementation().into()),
    })
}

/// Runs `f(i)` for i in 0..n on `threads` threads (at most n), each index once, and returns
/// the outputs in index order (whatever order they finished in).
pub fn parallel_map<T: Send>(n: usize, threads: usize, f: &(dyn Fn(usize) -> T + Sync)) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let out: Mutex<Vec<Option<T>>> = Mutex::new((0..n).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, n.max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let value = f(i);
                if let Ok(mut out) = out.lock() {
                    out[i] = Some(value);
                }
            });
        }
    });
    out.into_inner()
        .unwrap_or_default()
        .into_iter()
        .map(|v| v.expect("every index ran"))
        .collect()
}

/// Progress of many jobs on many threads: one line every few seconds with the ETA of the
/// whole remaining work, each job timed at its own pace ([`remaining_seconds`]).
pub struct SharedProgress {
    /// Each job's pace, and when it started in this process.
    jobs: Mutex<(Vec<JobPace>, Vec<Option<Instant>>)>,
    printer: Mutex<Progress>,
    threads: usize,
    detail: String,
}

impl SharedProgress {
    /// Progress over `jobs`, each `(kind, units)`, run `threads` at a time.
    pub fn new(label: &str, jobs: Vec<(String, u64)>, threads: usize, detail: String) -> Self {
        let total = jobs.iter().map(|(_, n)| n).sum();
        let starts = vec![None; jobs.len()];
        let paces = jobs
            .into_iter()
            .map(|(kind, total)| JobPace {
                kind,
                total,
                ..JobPace::default()
            })
            .collect();
        SharedProgress {
            jobs: Mutex::new((paces, starts)),
            printer: Mutex::new(Progress::new(label, total)),
            threads,
            detail,
        }
    }

    /// Notes what job `job` (an index into the jobs given to [`SharedProgress::new`]) reports.
    pub fn tick(&self, job: usize, tick: Tick) {
        let Ok(mut jobs) = self.jobs.lock() else {
            return;
        };
        let (paces, starts) = &mut *jobs;
        let now = Instant::now();
        if let (Some(pace), Some(start)) = (paces.get_mut(job), starts.get_mut(job)) {
            let started = *start.get_or_insert(now);
            if let Tick::Resumed(n) = tick {
                pace.resumed += n;
            }
            pace.done += tick.units();
            pace.running = Some((now - started).as_secs_f64());
        }
        // Jobs that run but have not ticked since have run until now too.
        for (pace, start) in paces.iter_mut().zip(starts.iter()) {
            if let (Some(t), true) = (start, pace.done < pace.total) {
                pace.running = Some((now - *t).as_secs_f64());
            }
        }
        let done = paces.iter().map(|p| p.done).sum();
        let eta = remaining_seconds(paces, self.threads);
        drop(jobs);
        if let Ok(mut p) = self.printer.try_lock() {
            p.report(done, &self.detail, eta);
        }
    }

    /// The final line.
    pub fn finish(&self, detail: &str) {
        if let Ok(p) = self.printer.lock() {
            p.finish(detail);
        }
    }
}

/// The path of a job's result file in `dir`.
pub fn result_path(dir: &Path, job: &FashionJob) -> PathBuf {
    dir.join(job.file_name())
}

/// Reads every result file in `dir` (`*.json`, without the stage-1 reports), then every
/// partial state (`*.partial.json`) of a job not finished, as a result that reached the
/// iteration of its state (experiment "fashion-job-partial": the summary uses it only at a
/// `--horizon` it has reached). An unreadable result file is an error naming it.
pub fn read_results(dir: &Path) -> Result<Vec<FashionResult>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let name = |p: &Path| {
        p.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string()
    };
    let mut out: Vec<FashionResult> = Vec::new();
    for p in paths.iter().filter(|p| {
        let n = name(p);
        n.ends_with(".json") && !n.ends_with(".partial.json") && !n.ends_with("-minimum.json")
    }) {
        let bytes = std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        out.push(
            serde_json::from_slice(&bytes)
                .map_err(|e| format!("{}: not a fashion result file: {e}", p.display()))?,
        );
    }
    for p in paths.iter().filter(|p| name(p).ends_with(".partial.json")) {
        if let Some(r) = read_partial(dir, &name(p)) {
            let done = out.iter().any(|d| {
                d.seed == r.seed
                    && d.id == r.id
                    && d.network == r.network
                    && d.dataset == r.dataset
                    && d.iterations >= r.iterations
            });
            if !done {
                out.push(r);
            }
        }
    }
    Ok(out)
}

/// A partial state as a result up to its iteration (None if its name or content does not
/// parse, or its seed's stage-1 report is missing).
fn read_partial(dir: &Path, file: &str) -> Option<FashionResult> {
    // <network>-<dataset>-seed<S>-<id>-<iterations>.partial.json
    let stem = file.strip_suffix(".partial.json")?;
    let (network, rest) = stem.split_once('-')?;
    let dataset = crate::data::fashion::Dataset::ALL
        .into_iter()
        .find(|d| rest.starts_with(&format!("{}-seed", d.id())))?;
    let rest = &rest[dataset.id().len() + "-seed".len()..];
    let (seed, rest) = rest.split_once('-')?;
    let seed: u32 = seed.parse().ok()?;
    let (id, _iterations) = rest.rsplit_once('-')?;
    let partial: JobPartial = serde_json::from_slice(&std::fs::read(dir.join(file)).ok()?).ok()?;
    let method = crate::noise::Method::from_id(&partial.state.method)?;
    let stage1: Stage1Result = serde_json::from_slice(
        &std::fs::read(
            dir.join(minimum_file_name(network, dataset, seed))
                .with_extension("json"),
        )
        .ok()?,
    )
    .ok()?;
    let mut report = FashionMethodReport::new(method, partial.records);
    report.diverged_at = partial.state.diverged_at;
    Some(FashionResult {
        experiment: "fashion-job-partial".into(),
        network: network.into(),
        parameters: partial.state.theta.len(),
        dataset,
        train_images: dataset.train_size(),
        test_images: crate::data::fashion::TEST_SIZE,
        seed,
        id: id.into(),
        method: method.id().into(),
        variant: if id.ends_with("-refresh") {
            "draw-refresh".into()
        } else {
            String::new()
        },
        iterations: partial.state.iteration,
        log_every: 0,
        curve_every: 0,
        sharpness_every: 0,
        config: crate::experiments::fashion::FashionConfig {
            dataset,
            seed,
            ..Default::default()
        },
        stage1: stage1.gd,
        run: report,
        curve: partial.curve,
        seconds: partial.seconds,
        kernels: partial.kernels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::fashion::Dataset;
    use crate::experiments::fashion::{FashionConfig, FashionData, LeadingDraw};
    use crate::noise::Method;
    use std::sync::atomic::AtomicU64;

    /// A tiny experiment: 30 random 6-pixel images, 10 of them "corrupted".
    fn tiny() -> FashionContext {
        let mut rng = Rng::for_stream(7, &[]);
        let mut pixels =
            |n: usize| -> Vec<f32> { (0..n * 6).map(|_| rng.normal() as f32).collect() };
        let (train_inputs, test_inputs) = (pixels(30), pixels(12));
        let mut rng = Rng::for_stream(8, &[]);
        let mut labels = |n: usize| -> Vec<u8> { (0..n).map(|_| rng.index(10) as u8).collect() };
        let data = FashionData {
            train_inputs,
            train_labels: labels(30),
            corrupted: 20..30,
            test_inputs,
            test_labels: labels(12),
            input_dim: 6,
            train_pixels: vec![0; 30 * 6],
        };
        let config = FashionConfig {
            hidden: vec![4],
            batch_size: 5,
            sharpness_draws: 3,
            refresh_slow: 2,
            ..FashionConfig::default()
        };
        FashionContext::new(config, data)
    }

    /// A 10-iteration job of `method` on the tiny experiment, seed 0.
    fn tiny_job(method: Method, leading_draw: LeadingDraw) -> FashionJob {
        FashionJob {
            network: "mlp".into(),
            dataset: Dataset::Paper,
            seed: 0,
            method,
            leading_draw,
            iterations: 10,
        }
    }

    /// The tiny experiment, its start, a cadence with a full record every 4 iterations, and
    /// a fresh temporary folder named after `tag`.
    fn job_setup(
        tag: &str,
    ) -> (
        FashionContext,
        Vec<f32>,
        FashionGdReport,
        Cadence,
        std::path::PathBuf,
    ) {
        let ctx = tiny();
        let theta0 = ctx.initial_weights();
        let stage1 = stage1_report(&ctx, &theta0, 0, false);
        let cadence = Cadence {
            log_every: 4,
            curve_every: 2,
            sharpness_every: 4,
        };
        let dir = std::env::temp_dir().join(format!("sgd-escape-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        (ctx, theta0, stage1, cadence, dir)
    }

    #[test]
    fn stage_1_resumed_from_its_checkpoint_ends_bit_for_bit_where_the_whole_run_does() {
        let mut ctx = tiny();
        ctx.config.stage1_max_iterations = 1200;
        let (whole_theta, whole_its, whole_fit) = run_stage1(&ctx, &|_| {}, None).unwrap();
        assert!(
            whole_its > Stage1::CHECKPOINT_EVERY,
            "{whole_its}: too short to checkpoint"
        );
        let dir = std::env::temp_dir().join(format!("sgd-escape-stage1-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let kernels = crate::kernels::implementation();
        let path = dir.join(stage1_partial_file_name("mlp", Dataset::Paper, 0, kernels));
        // The checkpoint a killed run leaves: stage 1 after CHECKPOINT_EVERY iterations.
        let mut part = Stage1::new(&ctx);
        while part.iteration() < Stage1::CHECKPOINT_EVERY {
            part.step(&ctx, 100);
        }
        let cp = Checkpoint {
            seed: 0,
            iterations: part.iteration(),
            theta: part.theta().to_vec(),
        };
        write_atomically(&path, &cp.to_bytes()).unwrap();
        let ticks = std::sync::atomic::AtomicU64::new(0);
        let resumed = std::sync::atomic::AtomicU64::new(0);
        let tick = |t: Tick| {
            ticks.fetch_add(t.units(), std::sync::atomic::Ordering::Relaxed);
            if let Tick::Resumed(n) = t {
                resumed.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
            }
        };
        let (theta, its, fit) = run_stage1(&ctx, &tick, Some((&dir, "mlp"))).unwrap();
        assert_eq!((its, fit), (whole_its, whole_fit));
        let bits = |t: &[f32]| t.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&theta), bits(&whole_theta));
        assert_eq!(
            ticks.into_inner(),
            whole_its,
            "progress counts the resumed iterations once"
        );
        assert_eq!(
            resumed.into_inner(),
            Stage1::CHECKPOINT_EVERY,
            "the checkpoint's iterations are reported as resumed, out of the pace"
        );
        // The checkpoint stays until the minimum is stored (a kill in between loses nothing),
        // and storing the minimum removes it.
        assert!(path.exists(), "the checkpoint outlives stage 1");
        let report = stage1_report(&ctx, &theta, its, fit);
        save_minimum(&dir, "mlp", &ctx, &theta, &report).unwrap();
        assert!(!path.exists(), "a stored minimum leaves no checkpoint");
        let saved = dir.join(minimum_file_name("mlp", Dataset::Paper, 0));
        assert!(saved.exists());
        std::fs::remove_file(&saved).unwrap();
        std::fs::remove_file(saved.with_extension("json")).unwrap();
        // Another kernel set's checkpoint is refused by name, not resumed or overwritten.
        let other = dir.join(stage1_partial_file_name(
            "mlp",
            Dataset::Paper,
            0,
            "other-isa",
        ));
        write_atomically(&other, &cp.to_bytes()).unwrap();
        let err = run_stage1(&ctx, &|_| {}, Some((&dir, "mlp"))).unwrap_err();
        assert!(
            err.contains("other-isa") && err.contains("`--kernels`"),
            "{err}"
        );
        // A checkpoint at an iteration stage 1 does not stop at is refused too.
        std::fs::remove_file(&other).unwrap();
        let odd = Checkpoint {
            iterations: 7,
            ..cp
        };
        write_atomically(&path, &odd.to_bytes()).unwrap();
        let err = run_stage1(&ctx, &|_| {}, Some((&dir, "mlp"))).unwrap_err();
        assert!(err.contains("not a checkpoint iteration"), "{err}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_job_resumed_from_its_partial_state_ends_bit_for_bit_where_the_whole_run_does() {
        let (ctx, theta0, stage1, cadence, dir) = job_setup("jobs");
        for (method, draw) in [
            (Method::Sgd, LeadingDraw::Every),
            (Method::GldLeading, LeadingDraw::Refresh),
            (Method::GldEigvec, LeadingDraw::Every),
        ] {
            let job = tiny_job(method, draw);
            let partial = dir.join(job.partial_file_name());
            std::fs::remove_file(&partial).ok();
            let ticks = AtomicU64::new(0);
            let tick = |t: Tick| {
                ticks.fetch_add(t.units(), Ordering::Relaxed);
            };
            // Run whole first; run again, the job resumes from the partial state left behind.
            let run = || {
                run_job(
                    &ctx,
                    &job,
                    "mlp",
                    &theta0,
                    &stage1,
                    cadence,
                    Some(&partial),
                    &tick,
                )
                .unwrap()
            };
            let whole = run();
            assert_eq!(ticks.load(Ordering::Relaxed), 10);
            // The partial state of the last full record before the end (iteration 8) stays
            // (the CLI deletes it once the result file is written): resume from it.
            let state: JobPartial =
                serde_json::from_slice(&std::fs::read(&partial).unwrap()).unwrap();
            assert_eq!(state.state.iteration, 8, "{method:?}");
            let resumed = run();
            let strip = |r: &FashionResult| {
                let mut v = serde_json::to_value(r).unwrap();
                v["seconds"] = serde_json::Value::Null;
                v
            };
            assert_eq!(strip(&whole), strip(&resumed), "{method:?}");
            assert_eq!(whole.curve.len(), 6, "iterations 0, 2, ..., 10");
            assert_eq!(whole.run.records.len(), 4, "iterations 0, 4, 8, 10");
            assert!(whole.curve[2].sharpness.is_some() && whole.curve[1].sharpness.is_none());
            std::fs::remove_file(&partial).ok();
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_partial_state_from_other_kernels_is_refused_by_name_not_mixed_in() {
        let (ctx, theta0, stage1, cadence, dir) = job_setup("kernels");
        let job = tiny_job(Method::Sgd, LeadingDraw::Every);
        let partial = dir.join(job.partial_file_name());
        let run = || {
            run_job(
                &ctx,
                &job,
                "mlp",
                &theta0,
                &stage1,
                cadence,
                Some(&partial),
                &|_| {},
            )
        };
        let whole = run().unwrap();
        assert_eq!(
            whole.kernels.as_deref(),
            Some(crate::kernels::implementation())
        );
        let mut state: JobPartial =
            serde_json::from_slice(&std::fs::read(&partial).unwrap()).unwrap();
        assert_eq!(
            state.kernels.as_deref(),
            Some(crate::kernels::implementation())
        );
        state.kernels = Some("other-isa".into());
        std::fs::write(&partial, serde_json::to_vec(&state).unwrap()).unwrap();
        let err = run().unwrap_err();
        assert!(
            err.contains("other-isa") && err.contains("`--kernels`"),
            "{err}"
        );
        // A state from before the field existed (no kernels) resumes.
        state.kernels = None;
        std::fs::write(&partial, serde_json::to_vec(&state).unwrap()).unwrap();
        assert_eq!(run().unwrap().curve, whole.curve);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn parallel_map_returns_every_output_in_order() {
        for threads in [1, 2, 5] {
            let out = parallel_map(7, threads, &|i| i * i);
            assert_eq!(out, vec![0, 1, 4, 9, 16, 25, 36]);
        }
        assert!(parallel_map(0, 3, &|i| i).is_empty());
    }
}
