//! The native benchmark runner behind `sgd-escape-bench` (see `./build.sh bench`): times every
//! workload of [`super::BenchSuite`] with the protocol of `benches/protocol.mjs` (the wasm
//! engines' twin), prints JSON, and exports the reference values the NumPy check compares with.

use super::{workload_names, BenchSuite};
use crate::dynamics::ToyEnsemble;
use crate::experiments::fashion::FashionContext;
use crate::landscape::basin::point_stats;
use crate::landscape::network::Architecture;
use crate::noise::{covariance_2d, Method};
use serde_json::{json, Value};
use std::time::Instant;

/// A sample aims at this many seconds (reps are calibrated from the warm-up op).
const TARGET_SAMPLE_SECONDS: f64 = 0.2;
/// Seconds of warm-up ops before calibrating.
const WARMUP_SECONDS: f64 = 0.5;
/// Samples per workload (fewer when an op is slow; see [`samples_for`]).
const SAMPLES: usize = 5;

/// 5 samples, or 3 when one op takes over a second (keeps the whole run to minutes).
pub fn samples_for(op_seconds: f64) -> usize {
    if op_seconds > 1.0 {
        3
    } else {
        SAMPLES
    }
}

/// The median of `v` (mean of the middle two for an even count); NaN when empty.
pub fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    match s.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => s[n / 2],
        n => 0.5 * (s[n / 2 - 1] + s[n / 2]),
    }
}

/// Times one workload: warm-up ops, reps calibrated to [`TARGET_SAMPLE_SECONDS`], then the
/// samples; seconds per op of every sample. `quick`: one op, one sample (smoke test).
fn measure(suite: &mut BenchSuite, name: &str, quick: bool) -> Result<Value, String> {
    // Warm-up ops for at least WARMUP_SECONDS (and at least two), as the wasm engines do
    // (where V8 must tier hot functions up first); the last one calibrates.
    let warmup = Instant::now();
    let (mut checksum, mut first) = (0.0, 0.0);
    let mut i = 0;
    while if quick {
        i < 1
    } else {
        i < 2 || warmup.elapsed().as_secs_f64() < WARMUP_SECONDS
    } {
        let start = Instant::now();
        checksum = suite.run(name, 1)?;
        first = start.elapsed().as_secs_f64();
        i += 1;
    }
    let (reps, samples) = if quick {
        (1, 1)
    } else {
        (
            ((TARGET_SAMPLE_SECONDS / first.max(1e-9)).ceil() as u32).max(1),
            samples_for(first),
        )
    };
    let mut times = Vec::with_capacity(samples);
    if quick {
        times.push(first);
    } else {
        for _ in 0..samples {
            let start = Instant::now();
            checksum = suite.run(name, reps)?;
            times.push(start.elapsed().as_secs_f64() / reps as f64);
        }
    }
    Ok(json!({
        "secondsPerOp": median(&times),
        "samples": times,
        "reps": reps,
        "checksum": checksum,
        "flopsPerOp": suite.flops(name),
    }))
}

/// The full-batch loss, gradient and H v along `direction` at `theta`.
fn loss_grad_hvp(
    ctx: &FashionContext,
    theta: &[f32],
    direction: &[f32],
) -> (f32, Vec<f32>, Vec<f32>) {
    let mut ws = ctx.network.workspace();
    let mut grad = vec![0.0f32; ctx.dim()];
    let loss = ctx.full_gradient(theta, &mut grad, &mut ws);
    let mut hv = vec![0.0f32; ctx.dim()];
    ctx.full_hvp(theta, direction, &mut hv, &mut ws);
    (loss, grad, hv)
}

/// The values the NumPy reference must reproduce for the same inputs (benches/numpy_ref.py).
fn reference(suite: &mut BenchSuite) -> Value {
    // MLP: loss, gradient and HVP at the benchmark's point, with the labels trained on.
    let ctx = suite.context().clone();
    let theta = suite.theta().to_vec();
    let direction = suite.direction().to_vec();
    let (loss, grad, hv) = loss_grad_hvp(&ctx, &theta, &direction);
    let d = &ctx.data;
    // 2-D: the data of 100 runs, probe points along the diagonal from the sharp to the flat
    // minimum (both branches active), each method's noise covariance there, and 20 GD steps.
    let config = super::toy_config(100);
    let p = config.noise_params();
    let mut gd = ToyEnsemble::new(crate::config::ToyConfig {
        methods: vec![Method::Gd],
        ..config.clone()
    });
    let runs = config.runs;
    let data: Vec<Vec<[f64; 2]>> = (0..runs).map(|r| gd.run_data(r).to_vec()).collect();
    let probes: Vec<[f64; 2]> = (0..runs)
        .map(|r| {
            let t = 1.0 - 2.0 * r as f64 / (runs - 1) as f64;
            [t + 0.003 * (r % 7) as f64, t - 0.002 * (r % 5) as f64]
        })
        .collect();
    let mut covariances = serde_json::Map::new();
    for m in Method::ALL {
        let c: Vec<[f64; 3]> = probes
            .iter()
            .zip(&data)
            .map(|(&w, x)| {
                let s = covariance_2d(m, &point_stats(w, x), &p);
                [s.xx, s.xy, s.yy]
            })
            .collect();
        covariances.insert(m.id().to_string(), json!(c));
    }
    let grads: Vec<[f64; 2]> = probes
        .iter()
        .zip(&data)
        .map(|(&w, x)| point_stats(w, x).grad)
        .collect();
    gd.step(20);
    // CNN: the same at its benchmark point.
    let (cctx, ctheta, cdir) = suite.cnn_point();
    let (cctx, ctheta, cdir) = (cctx.clone(), ctheta.to_vec(), cdir.to_vec());
    let (closs, cgrad, chv) = loss_grad_hvp(&cctx, &ctheta, &cdir);
    let cd = &cctx.data;
    json!({
        "cnn": {
            "labels": cd.train_labels,
            "theta": ctheta,
            "direction": cdir,
            "loss": closs,
            "grad": cgrad,
            "hvp": chv,
        },
        "mlp": {
            "sizes": ctx.network.sizes(),
            "labels": d.train_labels,
            "theta": theta,
            "direction": direction,
            "loss": loss,
            "grad": grad,
            "hvp": hv,
        },
        "toy": {
            "lr": p.lr, "noiseTrace": p.noise_trace, "batchSize": p.batch_size,
            "data": data,
            "probes": probes,
            "grads": grads,
            "covariances": covariances,
            "gdSteps": 20,
            "gdPositions": gd.positions(Method::Gd).unwrap_or(&[]),
        }
    })
}

/// The runner's flags (tools/bench.mjs and build.sh's `bench_smoke` pass them).
#[derive(clap::Parser, Debug)]
#[command(
    name = "sgd-escape-bench",
    about = "Times every benchmark workload natively and prints the JSON report"
)]
struct BenchFlags {
    /// The page's data folder.
    #[arg(long = "data", value_name = "DIR", default_value = "www/data")]
    data_dir: String,
    /// auto (AVX2 + FMA / NEON when the CPU has them) or portable.
    #[arg(long, value_name = "K", default_value = "auto", value_parser = crate::kernels::Kernels::parse)]
    kernels: crate::kernels::Kernels,
    /// Label of this build in the JSON.
    #[arg(long, value_name = "NAME", default_value = "native")]
    engine: String,
    /// Comma-separated workloads (default all).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    only: Option<Vec<String>>,
    /// One op per workload (smoke test).
    #[arg(long)]
    quick: bool,
    /// Also write the NumPy check's reference values to FILE.
    #[arg(long = "reference", value_name = "FILE")]
    reference_file: Option<String>,
}

/// Runs the benchmark as the command line `args` says; returns the JSON report (or, for
/// `--help`, the usage).
pub fn run(args: &[String]) -> Result<String, String> {
    let argv = std::iter::once("sgd-escape-bench".to_string()).chain(args.iter().cloned());
    let flags = match <BenchFlags as clap::Parser>::try_parse_from(argv) {
        Ok(flags) => flags,
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp => {
            return Ok(e.render().to_string())
        }
        Err(e) => {
            let text = e.render().to_string();
            return Err(text
                .strip_prefix("error: ")
                .unwrap_or(&text)
                .trim_end()
                .to_string());
        }
    };
    let BenchFlags {
        data_dir,
        kernels,
        engine,
        only,
        quick,
        reference_file,
    } = flags;
    crate::kernels::select(kernels);
    let read = |name: &str| {
        let path = format!("{data_dir}/{name}");
        std::fs::read(&path).map_err(|e| format!("--data: cannot read {path}: {e}"))
    };
    let mut suite = BenchSuite::new(
        &read("fmnist-train1200-images-idx3-ubyte.gz")?,
        &read("fmnist-train1200-labels-idx1-ubyte.gz")?,
        &read("fmnist-test2000-images-idx3-ubyte.gz")?,
        &read("fmnist-test2000-labels-idx1-ubyte.gz")?,
        Some(&read("fashion-minimum-seed0.bin")?),
    )?;
    // The CNN's workloads at its shipped minimum when the data folder has it.
    if let Ok(bytes) = std::fs::read(format!("{data_dir}/fashion-cnn-minimum-seed0.bin")) {
        suite.set_cnn_minimum(&bytes)?;
    }
    if let Some(file) = reference_file {
        let text = reference(&mut suite).to_string();
        std::fs::write(&file, text)
            .map_err(|e| format!("--reference: cannot write {file}: {e}"))?;
    }
    let names = match only {
        Some(list) => {
            let all = workload_names();
            if let Some(bad) = list.iter().find(|n| !all.contains(n)) {
                return Err(format!(
                    "--only: unknown workload '{bad}', expected some of {}",
                    all.join(",")
                ));
            }
            list
        }
        None => workload_names(),
    };
    let mut workloads = serde_json::Map::new();
    for name in &names {
        eprintln!("  {engine}: {name}");
        workloads.insert(name.clone(), measure(&mut suite, name, quick)?);
    }
    Ok(json!({
        "engine": engine,
        "kernels": crate::kernels::implementation(),
        "quick": quick,
        "workloads": workloads,
    })
    .to_string()
        + "\n")
}
