//! Machine-readable results of an experiment: the CLI's JSON and CSV.

use crate::dynamics::ToyEnsemble;
use crate::experiments::one_hidden_layer::OneHiddenLayerRun;
use serde::Serialize;

/// One method's outcome in the 2-D experiment.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToyMethodReport {
    /// The method id.
    pub id: &'static str,
    /// The paper's name for it.
    pub name: &'static str,
    /// Runs in the flat basin at the end (diverged runs never count).
    pub escaped: usize,
    /// Runs neither escaped nor diverged at the end.
    pub stayed: usize,
    /// Runs that diverged (left |w| <= `DIVERGENCE_BOUND` or became non-finite) and were frozen.
    pub diverged: usize,
    /// Runs simulated.
    pub runs: usize,
    /// Tr(H Sigma) at (1, 1).
    pub tr_h_sigma: f64,
    /// Tr H Tr Sigma / D at (1, 1).
    pub tr_h_sigma_iso: f64,
    /// Their ratio (null without noise).
    pub ratio: Option<f64>,
    /// Tr Sigma at (1, 1).
    pub tr_sigma: f64,
    /// The projection coefficient a_hat at (1, 1) (null without noise).
    pub a_hat: Option<f64>,
    /// Mean first-escape iteration over the runs that escaped (null if none did).
    pub mean_first_escape: Option<f64>,
    /// The indicator's prediction of the mean-loss rise over the first steps, next to the
    /// measured one.
    pub loss_increase: LossIncrease,
    /// Fraction of runs in the flat basin at iterations 0, curveStride, 2 curveStride, ...
    pub escape_curve: Vec<f32>,
    /// Mean loss over runs at the same iterations.
    pub mean_loss_curve: Vec<f32>,
    /// Fraction of runs diverged at the same iterations.
    pub diverged_curve: Vec<f32>,
}

/// Predicted against measured mean-loss rise after `steps` iterations from (1, 1).
#[derive(Clone, Debug, Serialize)]
pub struct LossIncrease {
    /// Iterations.
    pub steps: u64,
    /// 1/2 Tr(H sum_{j<k} A^j Sigma A^j) from the Hessian and noise at (1, 1).
    pub predicted: f64,
    /// Mean loss over runs at `steps` minus at 0 (null if the curve does not hold it).
    pub measured: Option<f64>,
}

/// Iterations over which the CLI compares predicted and measured loss rises.
pub const LOSS_INCREASE_STEPS: u64 = 5;

/// The whole 2-D experiment, in the CLI's JSON shape.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToyReport {
    /// Always "toy".
    pub experiment: &'static str,
    /// Runs per method.
    pub runs: usize,
    /// The seed.
    pub seed: u32,
    /// Iterations simulated.
    pub iterations: u64,
    /// Learning rate.
    pub lr: f64,
    /// Trace of the fixed-magnitude GLD noise.
    pub noise_trace: f64,
    /// SGD's batch size.
    pub batch_size: usize,
    /// Data points per run.
    pub samples: usize,
    /// Data spread.
    pub data_spread: f64,
    /// The curves hold iterations 0, curveStride, 2 curveStride, ...
    pub curve_stride: u64,
    /// One entry per simulated method, in canonical order.
    pub methods: Vec<ToyMethodReport>,
}

impl ToyReport {
    /// The report of an ensemble in its current state.
    pub fn of(ensemble: &ToyEnsemble) -> Self {
        let c = ensemble.config();
        let methods = c
            .methods
            .iter()
            .map(|&m| {
                let ind = ensemble.indicator(m, ensemble.landscape().sharp_minimum());
                let outcome = ensemble.outcome(m).unwrap_or_default();
                let firsts: Vec<f64> = ensemble
                    .first_escape_times(m)
                    .unwrap_or_default()
                    .iter()
                    .copied()
                    .filter(|&t| t >= 0.0)
                    .collect();
                ToyMethodReport {
                    id: m.id(),
                    name: m.name(),
                    escaped: outcome.escaped,
                    stayed: outcome.stayed,
                    diverged: outcome.diverged,
                    runs: c.runs,
                    tr_h_sigma: ind.tr_h_sigma,
                    tr_h_sigma_iso: ind.tr_h_sigma_iso,
                    ratio: ind.ratio,
                    tr_sigma: ind.tr_sigma,
                    a_hat: ind.a_hat,
                    mean_first_escape: (!firsts.is_empty())
                        .then(|| firsts.iter().sum::<f64>() / firsts.len() as f64),
                    loss_increase: {
                        let steps = LOSS_INCREASE_STEPS.min(ensemble.iteration()).max(1);
                        LossIncrease {
                            steps,
                            predicted: ensemble.predicted_loss_increase(m, steps),
                            measured: ensemble.measured_loss_increase(m, steps),
                        }
                    },
                    escape_curve: ensemble.escape_curve(m).unwrap_or_default().to_vec(),
                    mean_loss_curve: ensemble.mean_loss_curve(m).unwrap_or_default().to_vec(),
                    diverged_curve: ensemble.diverged_curve(m).unwrap_or_default().to_vec(),
                }
            })
            .collect();
        ToyReport {
            experiment: "toy",
            runs: c.runs,
            seed: c.seed,
            iterations: ensemble.iteration(),
            lr: c.lr,
            noise_trace: c.noise_trace,
            batch_size: c.batch_size,
            samples: c.samples,
            data_spread: c.data_spread,
            curve_stride: ensemble.curve_stride(),
            methods,
        }
    }

    /// The curves as CSV: `iteration`, then `<id>_escaped`, `<id>_mean_loss` and
    /// `<id>_diverged` (fraction of runs diverged) per method.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("iteration");
        for m in &self.methods {
            out.push_str(&format!(",{0}_escaped,{0}_mean_loss,{0}_diverged", m.id));
        }
        out.push('\n');
        let rows = self.methods.first().map_or(0, |m| m.escape_curve.len());
        for i in 0..rows {
            out.push_str(&(i as u64 * self.curve_stride).to_string());
            for m in &self.methods {
                out.push_str(&format!(
                    ",{},{},{}",
                    m.escape_curve[i], m.mean_loss_curve[i], m.diverged_curve[i]
                ));
            }
            out.push('\n');
        }
        out
    }

    /// A readable summary: one row per method with escaped / stayed / diverged counts.
    pub fn to_table(&self) -> String {
        let mut out = format!(
            "2-D experiment: {} runs per method, {} iterations, lr {}, seed {}\n",
            self.runs, self.iterations, self.lr, self.seed
        );
        out.push_str(&format!(
            "{:<13} {:>8} {:>8} {:>8} {:>12}\n",
            "method", "escaped", "stayed", "diverged", "Tr(HS)/iso"
        ));
        for m in &self.methods {
            let ratio = m.ratio.map_or("-".to_string(), |r| format!("{r:.3}"));
            out.push_str(&format!(
                "{:<13} {:>8} {:>8} {:>8} {:>12}\n",
                m.id, m.escaped, m.stayed, m.diverged, ratio
            ));
        }
        out
    }
}

/// The one-hidden-layer study, in the CLI's JSON shape: one array entry per epoch boundary.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OneHiddenLayerReport {
    /// Always "one-hidden-layer".
    pub experiment: &'static str,
    /// The seed.
    pub seed: u32,
    /// D, the trainable parameters.
    pub parameters: usize,
    /// Epochs completed at each record.
    pub epochs: Vec<usize>,
    /// Tr(H Sigma) of SGD's noise (batch 10).
    pub tr_h_sigma: Vec<f64>,
    /// Tr H Tr Sigma / D.
    pub tr_h_sigma_iso: Vec<f64>,
    /// Tr H.
    pub tr_h: Vec<f64>,
    /// Tr Sigma.
    pub tr_sigma: Vec<f64>,
    /// Full-batch training loss.
    pub train_loss: Vec<f64>,
    /// Training accuracy.
    pub train_accuracy: Vec<f64>,
}

impl OneHiddenLayerReport {
    /// The report of a run in its current state.
    pub fn of(run: &OneHiddenLayerRun) -> Self {
        let r = run.records();
        let column = |f: fn(&crate::experiments::one_hidden_layer::EpochRecord) -> f64| {
            r.iter().map(f).collect()
        };
        OneHiddenLayerReport {
            experiment: "one-hidden-layer",
            seed: run.config().seed,
            parameters: crate::landscape::one_hidden::PARAMS,
            epochs: r.iter().map(|x| x.epoch).collect(),
            tr_h_sigma: column(|x| x.tr_h_sigma),
            tr_h_sigma_iso: column(|x| x.tr_h_sigma_iso),
            tr_h: column(|x| x.tr_h),
            tr_sigma: column(|x| x.tr_sigma),
            train_loss: column(|x| x.train_loss),
            train_accuracy: column(|x| x.train_accuracy),
        }
    }

    /// One CSV row per epoch boundary.
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "epoch,tr_h_sigma,tr_h_sigma_iso,tr_h,tr_sigma,train_loss,train_accuracy\n",
        );
        for i in 0..self.epochs.len() {
            out.push_str(&format!(
                "{},{},{},{},{},{},{}\n",
                self.epochs[i],
                self.tr_h_sigma[i],
                self.tr_h_sigma_iso[i],
                self.tr_h[i],
                self.tr_sigma[i],
                self.train_loss[i],
                self.train_accuracy[i]
            ));
        }
        out
    }
}

use crate::experiments::fashion::FashionRecord;

/// The stage-1 minimum in the fashion report.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FashionGdReport {
    /// Stage-1 GD iterations.
    pub iterations: u64,
    /// Whether every training label was fitted.
    pub fitted: bool,
    /// Training accuracy at the minimum.
    pub train_accuracy: f64,
    /// Test accuracy at the minimum.
    pub test_accuracy: f64,
    /// Every metric at the minimum.
    pub record: FashionRecord,
}

/// One method's stage 2 in the fashion report: final values and curves.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FashionMethodReport {
    /// The method id.
    pub id: String,
    /// The paper's name.
    pub name: String,
    /// Final test accuracy.
    pub test_accuracy: f64,
    /// Final expected sharpness.
    pub sharpness: f64,
    /// Final Tr(H Sigma_sgd).
    pub tr_h_sigma: f64,
    /// Final Tr H Tr Sigma_sgd / D.
    pub tr_h_sigma_iso: f64,
    /// Final training accuracy.
    pub train_accuracy: f64,
    /// Final accuracy on the clean training images.
    pub clean_accuracy: f64,
    /// Final accuracy on the corrupted images (against their random labels).
    pub corrupted_accuracy: f64,
    /// The records at every logged iteration (the curves), the last one final.
    pub records: Vec<FashionRecord>,
    /// The iteration at which the run diverged (non-finite loss, gradient or weights) and was
    /// stopped, its last record taken at its last finite weights; null if it did not.
    #[serde(default)]
    pub diverged_at: Option<u64>,
}

impl FashionMethodReport {
    /// The report of `method` from its records (at least one).
    pub fn new(method: crate::noise::Method, records: Vec<FashionRecord>) -> Self {
        let last = records
            .last()
            .cloned()
            .expect("at least the starting record");
        FashionMethodReport {
            id: method.id().to_string(),
            name: method.name().to_string(),
            test_accuracy: last.test_accuracy,
            sharpness: last.sharpness,
            tr_h_sigma: last.tr_h_sigma,
            tr_h_sigma_iso: last.tr_h_sigma_iso,
            train_accuracy: last.train_accuracy,
            clean_accuracy: last.clean_accuracy,
            corrupted_accuracy: last.corrupted_accuracy,
            records,
            diverged_at: None,
        }
    }
}

/// The FashionMNIST experiment in the CLI's JSON shape.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FashionReport {
    /// Always "fashion".
    pub experiment: String,
    /// The network id ("cnn", "mlp").
    #[serde(default)]
    pub network: String,
    /// D, the number of parameters (11,330 for the CNN). (Reports written before 2026-12-02
    /// also carry it as `params`, ignored when read; older ones have only `params`, which
    /// [`FashionReport::from_json`] takes.)
    #[serde(default)]
    pub parameters: usize,
    /// The training set (paper or authors-code).
    #[serde(default)]
    pub dataset: crate::data::fashion::Dataset,
    /// Training images.
    #[serde(default)]
    pub train_images: usize,
    /// The seed.
    pub seed: u32,
    /// Layer sizes of the network.
    pub layers: Vec<usize>,
    /// Stage-2 iterations.
    pub iterations: u64,
    /// Iterations between records.
    pub log_every: u64,
    /// Test images used.
    pub test_images: usize,
    /// All settings.
    pub config: crate::experiments::fashion::FashionConfig,
    /// The stage-1 minimum.
    pub gd: FashionGdReport,
    /// One entry per method, in canonical order.
    pub methods: Vec<FashionMethodReport>,
}

impl FashionReport {
    /// A report from its JSON, also one written before `parameters` existed (D as `params`).
    pub fn from_json(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        let value: serde_json::Value = serde_json::from_slice(bytes)?;
        let legacy = value.get("params").and_then(|p| p.as_u64());
        let mut report: FashionReport = serde_json::from_value(value)?;
        if report.parameters == 0 {
            report.parameters = legacy.unwrap_or(0) as usize;
        }
        Ok(report)
    }

    /// The curves as CSV: one row per (method, logged iteration).
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "method,iteration,train_loss,train_accuracy,clean_accuracy,corrupted_accuracy,test_accuracy,sharpness,sharpness_std_err,tr_h_sigma,tr_h_sigma_iso,tr_h,tr_sigma,lambda1,a_hat\n",
        );
        for m in &self.methods {
            for r in &m.records {
                out.push_str(&format!(
                    "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                    m.id,
                    r.iteration,
                    r.train_loss,
                    r.train_accuracy,
                    r.clean_accuracy,
                    r.corrupted_accuracy,
                    r.test_accuracy,
                    r.sharpness,
                    r.sharpness_std_err,
                    r.tr_h_sigma,
                    r.tr_h_sigma_iso,
                    r.tr_h,
                    r.tr_sigma,
                    r.top_eigenvalues.first().copied().unwrap_or(0.0),
                    r.a_hat.map_or(String::new(), |a| a.to_string())
                ));
            }
        }
        out
    }
}

use crate::noise::Method;
use crate::plot::{method_color, render, Panel, Series};

fn method_of(id: &str) -> Method {
    Method::from_id(id).unwrap_or(Method::Gd)
}

impl ToyReport {
    /// The counterpart of the paper's Figure 2 as SVG: escape curves and mean loss.
    pub fn to_svg(&self) -> String {
        let curve = |f: fn(&ToyMethodReport) -> &Vec<f32>, scale: f64| -> Vec<Series> {
            self.methods
                .iter()
                .map(|m| Series {
                    name: m.name.to_string(),
                    color: method_color(method_of(m.id)).to_string(),
                    dashed: false,
                    points: f(m)
                        .iter()
                        .enumerate()
                        .map(|(i, &v)| ((i as u64 * self.curve_stride) as f64, v as f64 * scale))
                        .collect(),
                    band: Vec::new(),
                })
                .collect()
        };
        render(
            &format!(
                "2-D escape (paper Fig. 2): {} runs per method, lr {}, noise trace {}, seed {}",
                self.runs, self.lr, self.noise_trace, self.seed
            ),
            &[
                Panel {
                    title: "Runs in the flat basin".into(),
                    x_label: "iteration".into(),
                    y_label: "% of runs".into(),
                    log_y: false,
                    series: curve(|m| &m.escape_curve, 100.0),
                },
                Panel {
                    title: "Mean loss over runs".into(),
                    x_label: "iteration".into(),
                    y_label: "mean loss (log)".into(),
                    log_y: true,
                    series: curve(|m| &m.mean_loss_curve, 1.0),
                },
            ],
        )
    }
}

impl OneHiddenLayerReport {
    /// The counterpart of the paper's Figure 4 as SVG: the two traces per epoch, log axis.
    pub fn to_svg(&self) -> String {
        let line = |name: &str, color: &str, dashed: bool, ys: &[f64]| Series {
            name: name.into(),
            color: color.into(),
            dashed,
            points: self
                .epochs
                .iter()
                .zip(ys)
                .map(|(&e, &y)| (e as f64, y))
                .collect(),
            band: Vec::new(),
        };
        render(
            &format!(
                "One hidden layer (paper Fig. 4), D = {}, seed {}",
                self.parameters, self.seed
            ),
            &[Panel {
                title: "SGD noise indicator during training".into(),
                x_label: "epoch".into(),
                y_label: "trace (log)".into(),
                log_y: true,
                series: vec![
                    line("Tr(H Σ)", "#D55E00", false, &self.tr_h_sigma),
                    line("Tr H Tr Σ / D", "#0072B2", true, &self.tr_h_sigma_iso),
                ],
            }],
        )
    }
}

impl FashionReport {
    /// The counterpart of the paper's Section 5.3 figure as SVG: test accuracy, expected
    /// sharpness and the indicator ratio per method against stage-2 iterations.
    pub fn to_svg(&self) -> String {
        let panel = |title: &str, y_label: &str, log_y: bool, f: fn(&FashionRecord) -> f64| Panel {
            title: title.into(),
            x_label: "iteration".into(),
            y_label: y_label.into(),
            log_y,
            series: self
                .methods
                .iter()
                .map(|m| Series {
                    name: m.name.to_string(),
                    color: method_color(method_of(&m.id)).to_string(),
                    dashed: false,
                    points: m
                        .records
                        .iter()
                        .map(|r| (r.iteration as f64, f(r)))
                        .collect(),
                    band: Vec::new(),
                })
                .collect(),
        };
        render(
            &format!(
                "FashionMNIST, {} of {} labels random ({} dataset, paper Sec. 5.3): {}, D = {}, seed {}",
                self.dataset.corrupted().len(),
                self.train_images,
                self.dataset.id(),
                match self.network.as_str() {
                    "mlp" => format!("MLP {:?}", self.layers),
                    other => other.to_uppercase(),
                },
                self.parameters,
                self.seed
            ),
            &[
                panel("Test accuracy", "accuracy (%)", false, |r| 100.0 * r.test_accuracy),
                panel("Expected sharpness", "E L(θ+ν) − L(θ) (log)", true, |r| r.sharpness),
                panel("Tr(H Σ) / (Tr H Tr Σ / D)", "ratio (log)", true, |r| r.tr_h_sigma / r.tr_h_sigma_iso),
            ],
        )
    }
}
