//! The benchmark workloads of `./build.sh bench` (issue 4), one implementation for every engine:
//! the native runner (`sgd-escape-bench`) times them with `std::time`, the wasm builds through
//! `BenchHarness` (src/web/bench.rs) with `performance.now()` in Node and Chromium.
//!
//! A workload is run `reps` times per call and returns a checksum (so no engine can skip the
//! work, and engines can be compared for doing the same thing): of the last op for the
//! stateless workloads (`peak`, `fig2`, `mlp-grad`, `hvp`, `cnn-grad`, `cnn-hvp`, `lanczos20`), which every Rust
//! build must reproduce bit for bit; of the state reached for the others (it depends on how
//! many ops the calibration ran). Workloads:
//!
//! | name | one op |
//! |---|---|
//! | `toy-100`, `toy-10000` | one iteration of the 2-D ensemble, all eight methods, 100 / 10,000 runs |
//! | `fig2` | the Figure 2 protocol: a fresh 8 methods x 100 runs ensemble, 500 iterations |
//! | `mlp-grad` | full-batch loss and gradient of the 784-14-10 MLP on the 1200 images |
//! | `hvp` | one full-batch Hessian-vector product (R-operator) |
//! | `cnn-grad` | full-batch loss and gradient of the paper's CNN on the 1200 images |
//! | `cnn-hvp` | one full-batch Hessian-vector product of the CNN (R-operator) |
//! | `cov60` | C from the 60 minibatch gradients (batch 20) of one shuffled epoch |
//! | `lanczos20` | the top 20 Hessian eigenpairs by Lanczos (50 Hessian-vector products) |
//! | `stage2-<method>` | ten stage-2 iterations of that method (its slow refresh period, so every op does the same work) |
//! | `peak` | [`peak::mul_add_chains`], the machine's f32 multiply-add limit |

pub mod peak;

use crate::config::ToyConfig;
use crate::data::fashion::{CORRUPTED, TRAIN_SIZE};
use crate::dynamics::ToyEnsemble;
use crate::experiments::fashion::{
    Checkpoint, FashionConfig, FashionContext, FashionData, MethodRun,
};
use crate::landscape::network::{Architecture, NetworkKind, NetworkWorkspace};
use crate::linalg::{lanczos_top_from, LanczosOptions};
use crate::noise::Method;
use crate::rng::Rng;

/// Iterations of [`peak::mul_add_chains`] per `peak` op.
pub const PEAK_ITERATIONS: u64 = 1 << 20;
/// Stage-2 iterations per `stage2-*` op: the slow refresh period, so every op does the same work.
pub const STAGE2_ITERATIONS: u64 = 10;
/// Iterations of the `fig2` protocol.
pub const FIG2_ITERATIONS: u64 = 500;
/// Eigenpairs of the `lanczos20` workload (the paper's top 20).
pub const LANCZOS_K: usize = 20;

/// Stream tag of the benchmark's own random numbers (directions, Lanczos starts, shuffles).
const STREAM_TAG: u64 = 900;

/// Every workload name, in the order the reports list them.
pub fn workload_names() -> Vec<String> {
    let mut names: Vec<String> = [
        "peak",
        "toy-100",
        "toy-10000",
        "fig2",
        "mlp-grad",
        "hvp",
        "cnn-grad",
        "cnn-hvp",
        "cov60",
        "lanczos20",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    names.extend(Method::ALL.iter().map(|m| format!("stage2-{}", m.id())));
    names
}

/// What one op of `workload` counts as, for the throughput column ("iterations", "GFLOP", ...).
pub fn op_unit(workload: &str) -> &'static str {
    match workload {
        "toy-100" | "toy-10000" => "ensemble iterations",
        "fig2" => "protocols",
        "peak" => "kernel calls",
        "mlp-grad" | "cnn-grad" => "gradients",
        "hvp" | "cnn-hvp" => "HVPs",
        "cov60" => "covariances",
        "lanczos20" => "eigensolves",
        _ => "stage-2 iterations x10",
    }
}

/// The shared state of the MLP workloads.
struct MlpBench {
    ctx: FashionContext,
    /// Where the MLP workloads are evaluated: the stage-1 minimum if given, else the initial weights.
    theta: Vec<f32>,
    /// A fixed unit direction for the HVP.
    direction: Vec<f32>,
    out: Vec<f32>,
    ws: NetworkWorkspace,
    rng: Rng,
    /// Stage-2 runs, created on first use.
    runs: Vec<MethodRun>,
    /// Lanczos steps of the last `lanczos20` op.
    lanczos_steps: usize,
}

/// The shared state of the CNN workloads.
struct CnnBench {
    ctx: FashionContext,
    /// Where they are evaluated: the CNN's stage-1 minimum if given, else its initial weights.
    theta: Vec<f32>,
    /// A fixed unit direction for the HVP.
    direction: Vec<f32>,
    out: Vec<f32>,
    ws: NetworkWorkspace,
}

/// All workloads, with their data and state.
pub struct BenchSuite {
    mlp: MlpBench,
    cnn: CnnBench,
    toys: Vec<(usize, ToyEnsemble)>,
}

/// The gradient workloads' checksum: the full-batch loss at `theta` plus the gradient's first
/// entry (the gradient into `out`).
fn grad_checksum(
    ctx: &FashionContext,
    theta: &[f32],
    out: &mut [f32],
    ws: &mut NetworkWorkspace,
) -> f64 {
    ctx.full_gradient(theta, out, ws) as f64 + out[0] as f64
}

/// The HVP workloads' checksum: the sum of the full-batch H v along `direction` (into `out`).
fn hvp_checksum(
    ctx: &FashionContext,
    theta: &[f32],
    direction: &[f32],
    out: &mut [f32],
    ws: &mut NetworkWorkspace,
) -> f64 {
    ctx.full_hvp(theta, direction, out, ws);
    out.iter().map(|&x| x as f64).sum()
}

/// A random unit vector of length `dim` (f64 norm).
fn unit_direction(dim: usize, rng: &mut Rng) -> Vec<f32> {
    let mut direction: Vec<f32> = (0..dim).map(|_| rng.normal() as f32).collect();
    let norm = direction
        .iter()
        .map(|&x| (x as f64) * (x as f64))
        .sum::<f64>()
        .sqrt();
    for x in &mut direction {
        *x = (*x as f64 / norm) as f32;
    }
    direction
}

/// The 2-D toy settings of the benchmark: the paper's (and the page's default) with `runs` runs.
pub fn toy_config(runs: usize) -> ToyConfig {
    ToyConfig {
        runs,
        ..ToyConfig::default()
    }
}

impl BenchSuite {
    /// The suite on the page's FashionMNIST files (IDX, gzip or raw) and, optionally, a stage-1
    /// minimum checkpoint (www/data/fashion-minimum-seed0.bin): the MLP workloads run there,
    /// where stage 2 runs in the page.
    pub fn new(
        train_images: &[u8],
        train_labels: &[u8],
        test_images: &[u8],
        test_labels: &[u8],
        minimum: Option<&[u8]>,
    ) -> Result<Self, String> {
        let config = FashionConfig::default();
        let data = FashionData::from_idx(
            train_images,
            train_labels,
            test_images,
            test_labels,
            TRAIN_SIZE,
            CORRUPTED,
            config.seed,
        )
        .map_err(|e| e.to_string())?;
        let cnn_ctx = FashionContext::new(
            FashionConfig {
                network: NetworkKind::Cnn,
                ..config.clone()
            },
            data.clone(),
        );
        let ctx = FashionContext::new(config, data);
        let theta = match minimum {
            Some(bytes) => Checkpoint::from_bytes(bytes, ctx.dim())?.theta,
            None => ctx.initial_weights(),
        };
        let mut rng = Rng::for_stream(0, &[STREAM_TAG]);
        let direction = unit_direction(ctx.dim(), &mut rng);
        let ws = ctx.network.workspace();
        let cnn_direction =
            unit_direction(cnn_ctx.dim(), &mut Rng::for_stream(0, &[STREAM_TAG, 2]));
        let cnn = CnnBench {
            theta: cnn_ctx.initial_weights(),
            direction: cnn_direction,
            out: vec![0.0; cnn_ctx.dim()],
            ws: cnn_ctx.network.workspace(),
            ctx: cnn_ctx,
        };
        Ok(BenchSuite {
            cnn,
            mlp: MlpBench {
                out: vec![0.0; ctx.dim()],
                ctx,
                theta,
                direction,
                ws,
                rng,
                runs: Vec::new(),
                lanczos_steps: LanczosOptions::default_steps(LANCZOS_K),
            },
            toys: Vec::new(),
        })
    }

    /// Evaluates the CNN workloads at this stage-1 minimum checkpoint of the CNN
    /// (www/data/fashion-cnn-minimum-seed0.bin) instead of its initial weights.
    pub fn set_cnn_minimum(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.cnn.theta = Checkpoint::from_bytes(bytes, self.cnn.ctx.dim())?.theta;
        Ok(())
    }

    /// The CNN's context, the point its workloads are evaluated at, and the HVP direction.
    pub fn cnn_point(&self) -> (&FashionContext, &[f32], &[f32]) {
        (&self.cnn.ctx, &self.cnn.theta, &self.cnn.direction)
    }

    /// The MLP's context (network, data, settings).
    pub fn context(&self) -> &FashionContext {
        &self.mlp.ctx
    }

    /// The point the MLP workloads are evaluated at.
    pub fn theta(&self) -> &[f32] {
        &self.mlp.theta
    }

    /// The HVP workload's direction.
    pub fn direction(&self) -> &[f32] {
        &self.mlp.direction
    }

    /// Floating-point operations of one op of `workload`, counted for the dense algorithm
    /// (every multiply and add of the matrix-vector products; the MLP's skipped dead-ReLU rows
    /// still count); `None` for workloads that are not matrix arithmetic (the 2-D ensemble).
    pub fn flops(&self, workload: &str) -> Option<f64> {
        let (grad, hvp) = self.mlp.ctx.network.flops(self.mlp.ctx.data.train_len());
        let (cnn_grad, cnn_hvp) = self.cnn.ctx.network.flops(self.cnn.ctx.data.train_len());
        match workload {
            "peak" => Some(PEAK_ITERATIONS as f64 * peak::FLOPS_PER_ITERATION),
            "mlp-grad" => Some(grad),
            // 60 minibatches of 20 cover the 1200 images once.
            "cov60" => Some(grad),
            "hvp" => Some(hvp),
            "cnn-grad" => Some(cnn_grad),
            "cnn-hvp" => Some(cnn_hvp),
            "lanczos20" => Some(self.mlp.lanczos_steps as f64 * hvp),
            _ => None,
        }
    }

    /// Runs `reps` ops of `workload`; returns a checksum of the results.
    pub fn run(&mut self, workload: &str, reps: u32) -> Result<f64, String> {
        let mut checksum = 0.0;
        match workload {
            "peak" => {
                for _ in 0..reps {
                    checksum = peak::mul_add_chains(PEAK_ITERATIONS) as f64;
                }
            }
            "toy-100" | "toy-10000" => {
                let runs = if workload == "toy-100" { 100 } else { 10_000 };
                let ensemble = self.toy(runs);
                ensemble.step(reps as u64);
                for m in &ensemble.config().methods {
                    let p = ensemble.positions(*m).unwrap_or(&[]);
                    checksum += p.iter().sum::<f64>();
                }
            }
            "fig2" => {
                for _ in 0..reps {
                    let mut ensemble = ToyEnsemble::new(toy_config(100));
                    ensemble.step(FIG2_ITERATIONS);
                    checksum = ensemble
                        .config()
                        .methods
                        .iter()
                        .map(|m| ensemble.escaped_count(*m).unwrap_or(0) as f64)
                        .sum();
                }
            }
            "cnn-grad" | "cnn-hvp" => {
                let b = &mut self.cnn;
                for _ in 0..reps {
                    checksum = if workload == "cnn-grad" {
                        grad_checksum(&b.ctx, &b.theta, &mut b.out, &mut b.ws)
                    } else {
                        hvp_checksum(&b.ctx, &b.theta, &b.direction, &mut b.out, &mut b.ws)
                    };
                }
            }
            "mlp-grad" | "hvp" | "cov60" | "lanczos20" => {
                let b = &mut self.mlp;
                for _ in 0..reps {
                    checksum = match workload {
                        "mlp-grad" => grad_checksum(&b.ctx, &b.theta, &mut b.out, &mut b.ws),
                        "hvp" => {
                            hvp_checksum(&b.ctx, &b.theta, &b.direction, &mut b.out, &mut b.ws)
                        }
                        "cov60" => b
                            .ctx
                            .minibatch_covariance(&b.theta, &mut b.rng, &mut b.ws)
                            .trace(),
                        _ => {
                            let (ctx, theta, ws) = (&b.ctx, &b.theta, &mut b.ws);
                            let op = |x: &[f32], y: &mut [f32]| ctx.full_hvp(theta, x, y, ws);
                            let mut rng = Rng::for_stream(0, &[STREAM_TAG, 1]);
                            let result = lanczos_top_from(
                                ctx.dim(),
                                LanczosOptions::top(LANCZOS_K),
                                None,
                                &mut rng,
                                op,
                            )
                            .map_err(|e| e.to_string())?;
                            b.lanczos_steps = result.steps;
                            result.pairs.values().first().copied().unwrap_or(0.0)
                        }
                    };
                }
            }
            _ => {
                let method = workload
                    .strip_prefix("stage2-")
                    .and_then(Method::from_id)
                    .ok_or_else(|| {
                        format!(
                            "workload: unknown '{workload}', expected one of {}",
                            workload_names().join(", ")
                        )
                    })?;
                let b = &mut self.mlp;
                if b.runs.is_empty() {
                    b.runs = Method::ALL
                        .iter()
                        .map(|&m| MethodRun::new(&b.ctx, m, &b.theta))
                        .collect();
                }
                let run = b
                    .runs
                    .iter_mut()
                    .find(|r| r.method() == method)
                    .ok_or("stage-2 run missing")?;
                run.step(&b.ctx, reps as u64 * STAGE2_ITERATIONS);
                checksum = run.theta().iter().map(|&x| x as f64).sum();
            }
        }
        Ok(checksum)
    }

    /// The ensemble of `runs` runs, built on first use.
    fn toy(&mut self, runs: usize) -> &mut ToyEnsemble {
        let i = match self.toys.iter().position(|(r, _)| *r == runs) {
            Some(i) => i,
            None => {
                self.toys.push((runs, ToyEnsemble::new(toy_config(runs))));
                self.toys.len() - 1
            }
        };
        &mut self.toys[i].1
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub mod native;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn suite() -> BenchSuite {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/www/data/");
        let read = |f: &str| std::fs::read(format!("{dir}{f}")).expect("www/data file");
        BenchSuite::new(
            &read("fmnist-train1200-images-idx3-ubyte.gz"),
            &read("fmnist-train1200-labels-idx1-ubyte.gz"),
            &read("fmnist-test2000-images-idx3-ubyte.gz"),
            &read("fmnist-test2000-labels-idx1-ubyte.gz"),
            Some(&read("fashion-minimum-seed0.bin")),
        )
        .expect("suite")
    }

    #[test]
    fn cheap_workloads_run_and_stateless_ones_repeat_exactly() {
        let mut s = suite();
        for name in [
            "peak",
            "toy-100",
            "mlp-grad",
            "hvp",
            "cnn-grad",
            "cnn-hvp",
            "cov60",
            "stage2-sgd",
            "stage2-gd",
        ] {
            let a = s.run(name, 1).unwrap();
            assert!(a.is_finite(), "{name}: {a}");
            if ["peak", "mlp-grad", "hvp", "cnn-grad", "cnn-hvp"].contains(&name) {
                assert_eq!(a.to_bits(), s.run(name, 2).unwrap().to_bits(), "{name}");
                assert!(s.flops(name).unwrap() > 0.0);
            }
        }
        assert!(s.flops("toy-100").is_none());
        let err = s.run("nope", 1).unwrap_err();
        assert!(
            err.contains("workload") && err.contains("mlp-grad"),
            "{err}"
        );
        assert_eq!(workload_names().len(), 10 + Method::ALL.len());
    }
}
