//! The paper's one-hidden-layer study network (docs/protocols.md 3.2; authors' repo OneHiddenLayer/),
//! in f64: D = 300 is small enough for the full Hessian every epoch, and f64 keeps
//! Tr(H Sigma) faithful.
//!
//! # Model
//!
//! Inputs x in R^2, 100 hidden ReLU units, a fixed output vector v (v_j = +1 for the first 50
//! units, -1 for the last 50):
//!
//! ```text
//! h = ReLU(x W + b),  g = h . v,  f = clip(g, 1e-3, 1 - 1e-3),  L = (1/n) sum_i (f_i - y_i)^2
//! ```
//!
//! # Parameter layout
//!
//! theta has D = [`PARAMS`] = 300 entries: W (2 x 100, row-major: `W[k * 100 + j]` connects
//! input k to hidden unit j, so entries 0..100 hold input 0 and 100..200 input 1), then
//! b (100) at 200..300. v is not a parameter.
//!
//! # Derivatives (derived)
//!
//! With ReLU'(0) = 0 and the clip passing gradient on the closed interval, as in PyTorch:
//!
//! ```text
//! dg/dW[k, j] = v_j 1[z_j > 0] x_k,  dg/db_j = v_j 1[z_j > 0]  (z = x W + b)
//! grad f = grad g if 1e-3 <= g <= 1 - 1e-3, else 0
//! grad L = (2/n) sum_i (f_i - y_i) grad f_i
//! ```
//!
//! For a fixed ReLU pattern g is linear in theta, and the clip is piecewise linear, so the
//! second derivative of every f_i vanishes off a null set of kinks. Hence the exact Hessian is
//! the Gauss-Newton matrix
//!
//! ```text
//! H = (2/n) sum_i [grad f_i grad f_i^T + (f_i - y_i) Hess f_i] = (2/n) sum_{i unclipped} grad g_i grad g_i^T
//! ```
//!
//! positive semi-definite, of rank at most the number of unclipped samples. It is assembled
//! directly (no Hessian-vector products needed), and [`hvp`] uses the same identity.

use crate::rng::Rng;

/// Input dimension.
pub const INPUTS: usize = 2;
/// Hidden units.
pub const HIDDEN: usize = 100;
/// D: trainable parameters (W then b).
pub const PARAMS: usize = INPUTS * HIDDEN + HIDDEN;
/// Offset of b in the flat parameter vector.
pub const BIAS_OFFSET: usize = INPUTS * HIDDEN;
/// The output is clipped to [CLIP_LOW, CLIP_HIGH].
pub const CLIP_LOW: f64 = 1e-3;
/// The output is clipped to [CLIP_LOW, CLIP_HIGH].
pub const CLIP_HIGH: f64 = 1.0 - 1e-3;
/// Inputs are drawn uniformly from [-INPUT_RANGE, INPUT_RANGE]^2.
pub const INPUT_RANGE: f64 = 2.0;

/// The fixed output weight of hidden unit `j`: +1 for the first half, -1 for the second.
#[inline]
pub fn output_weight(j: usize) -> f64 {
    if j < HIDDEN / 2 {
        1.0
    } else {
        -1.0
    }
}

/// The study's data set: points and their 0/1 labels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Data {
    /// The inputs.
    pub x: Vec<[f64; 2]>,
    /// The labels, 1.0 or 0.0.
    pub y: Vec<f64>,
}

impl Data {
    /// The number of samples.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
}

/// The label of a point: 1.0 if x1 >= x2, else 0.0.
pub fn label(x: [f64; 2]) -> f64 {
    if x[0] >= x[1] {
        1.0
    } else {
        0.0
    }
}

/// n points uniform in [-2, 2]^2 (x1 then x2 drawn per point) with their labels.
pub fn draw_data(rng: &mut Rng, n: usize) -> Data {
    let mut data = Data {
        x: Vec::with_capacity(n),
        y: Vec::with_capacity(n),
    };
    for _ in 0..n {
        let x1 = (2.0 * rng.uniform() - 1.0) * INPUT_RANGE;
        let x2 = (2.0 * rng.uniform() - 1.0) * INPUT_RANGE;
        data.x.push([x1, x2]);
        data.y.push(label([x1, x2]));
    }
    data
}

/// Half-width of the initial uniform draw: the authors' TensorFlow code draws the flat
/// 300-vector with glorot-uniform, whose bound is sqrt(6 / (fan_in + fan_out)) with
/// fan_in = fan_out = 300 for a 1-D shape, i.e. 0.1.
pub const INIT_BOUND: f64 = 0.1;

/// Initial parameters as the authors' code draws them: every weight and bias uniform in
/// [-0.1, 0.1] ([`INIT_BOUND`], glorot-uniform of the flat 300-vector), in layout order.
pub fn init(rng: &mut Rng) -> Vec<f64> {
    let bound = INIT_BOUND;
    (0..PARAMS)
        .map(|_| (2.0 * rng.uniform() - 1.0) * bound)
        .collect()
}

/// The hidden layer of one sample: g before clipping, and which units are active (z > 0).
struct Hidden {
    g: f64,
    active: [bool; HIDDEN],
}

impl Hidden {
    fn of(theta: &[f64], x: [f64; 2]) -> Self {
        assert_eq!(theta.len(), PARAMS, "theta must have {PARAMS} entries");
        let (w0, rest) = theta.split_at(HIDDEN);
        let (w1, b) = rest.split_at(HIDDEN);
        let mut active = [false; HIDDEN];
        let mut g = 0.0;
        for (j, (((&a, &c), &bj), on)) in w0.iter().zip(w1).zip(b).zip(&mut active).enumerate() {
            let z = x[0] * a + x[1] * c + bj;
            if z > 0.0 {
                *on = true;
                g += output_weight(j) * z;
            }
        }
        Hidden { g, active }
    }

    /// Whether the clip passes gradient (PyTorch: on the closed interval).
    fn unclipped(&self) -> bool {
        (CLIP_LOW..=CLIP_HIGH).contains(&self.g)
    }

    fn f(&self) -> f64 {
        self.g.clamp(CLIP_LOW, CLIP_HIGH)
    }

    /// grad g . u for a direction u in the parameter layout.
    fn grad_dot(&self, x: [f64; 2], u: &[f64]) -> f64 {
        let mut s = 0.0;
        for j in (0..HIDDEN).filter(|&j| self.active[j]) {
            s += output_weight(j) * (x[0] * u[j] + x[1] * u[HIDDEN + j] + u[BIAS_OFFSET + j]);
        }
        s
    }

    /// out += scale * grad g.
    fn add_grad(&self, x: [f64; 2], scale: f64, out: &mut [f64]) {
        for j in (0..HIDDEN).filter(|&j| self.active[j]) {
            let s = scale * output_weight(j);
            out[j] += s * x[0];
            out[HIDDEN + j] += s * x[1];
            out[BIAS_OFFSET + j] += s;
        }
    }
}

/// The network's (clipped) output f at `x`.
pub fn output(theta: &[f64], x: [f64; 2]) -> f64 {
    Hidden::of(theta, x).f()
}

/// The mean squared error (1/n) sum_i (f_i - y_i)^2.
pub fn loss(theta: &[f64], data: &Data) -> f64 {
    let total: f64 = data
        .x
        .iter()
        .zip(&data.y)
        .map(|(&x, &y)| (output(theta, x) - y).powi(2))
        .sum();
    total / data.len().max(1) as f64
}

/// The fraction of samples classified correctly (f >= 0.5 predicts label 1).
pub fn accuracy(theta: &[f64], data: &Data) -> f64 {
    let correct = data
        .x
        .iter()
        .zip(&data.y)
        .filter(|(&x, &y)| (output(theta, x) >= 0.5) == (y >= 0.5))
        .count();
    correct as f64 / data.len().max(1) as f64
}

/// The per-sample loss (f - y)^2 at (x, y), with its gradient added to `out` times `scale`.
fn add_sample_grad(theta: &[f64], x: [f64; 2], y: f64, scale: f64, out: &mut [f64]) -> f64 {
    let h = Hidden::of(theta, x);
    let r = h.f() - y;
    if h.unclipped() {
        h.add_grad(x, scale * 2.0 * r, out);
    }
    r * r
}

/// The per-sample loss (f - y)^2 at one sample, and its gradient into `out` (length D).
pub fn sample_grad(theta: &[f64], x: [f64; 2], y: f64, out: &mut [f64]) -> f64 {
    assert_eq!(out.len(), PARAMS, "out must have {PARAMS} entries");
    out.fill(0.0);
    add_sample_grad(theta, x, y, 1.0, out)
}

/// Every sample's gradient, row i of `out` (n x D, row-major) the gradient of (f_i - y_i)^2.
pub fn per_sample_grads(theta: &[f64], data: &Data, out: &mut [f64]) {
    assert_eq!(out.len(), data.len() * PARAMS, "out must be n x {PARAMS}");
    for ((&x, &y), row) in data.x.iter().zip(&data.y).zip(out.chunks_exact_mut(PARAMS)) {
        sample_grad(theta, x, y, row);
    }
}

/// The mean loss and its gradient (into `out`, length D) over the whole data set.
pub fn loss_grad(theta: &[f64], data: &Data, out: &mut [f64]) -> f64 {
    assert_eq!(out.len(), PARAMS, "out must have {PARAMS} entries");
    out.fill(0.0);
    let n = data.len().max(1) as f64;
    let mut total = 0.0;
    for (&x, &y) in data.x.iter().zip(&data.y) {
        total += add_sample_grad(theta, x, y, 1.0 / n, out);
    }
    total / n
}

/// The mean loss and gradient over the samples `indices` (a minibatch; repeats count).
pub fn minibatch_grad(theta: &[f64], data: &Data, indices: &[usize], out: &mut [f64]) -> f64 {
    assert_eq!(out.len(), PARAMS, "out must have {PARAMS} entries");
    out.fill(0.0);
    let n = indices.len().max(1) as f64;
    let mut total = 0.0;
    for &i in indices {
        total += add_sample_grad(theta, data.x[i], data.y[i], 1.0 / n, out);
    }
    total / n
}

/// The exact Hessian-vector product H u of the mean loss, into `out` (length D):
/// H u = (2/n) sum_{i unclipped} grad g_i (grad g_i . u).
pub fn hvp(theta: &[f64], data: &Data, u: &[f64], out: &mut [f64]) {
    assert_eq!(u.len(), PARAMS, "u must have {PARAMS} entries");
    assert_eq!(out.len(), PARAMS, "out must have {PARAMS} entries");
    out.fill(0.0);
    let scale = 2.0 / data.len().max(1) as f64;
    for &x in &data.x {
        let h = Hidden::of(theta, x);
        if h.unclipped() {
            h.add_grad(x, scale * h.grad_dot(x, u), out);
        }
    }
}

/// The exact D x D Hessian of the mean loss (row-major, symmetric, PSD), assembled as
/// (2/n) sum_{i unclipped} grad g_i grad g_i^T over the nonzero entries of each grad g_i.
pub fn hessian(theta: &[f64], data: &Data) -> Vec<f64> {
    let mut hess = vec![0.0; PARAMS * PARAMS];
    let scale = 2.0 / data.len().max(1) as f64;
    let mut nz: Vec<(usize, f64)> = Vec::with_capacity(PARAMS);
    for &x in &data.x {
        let h = Hidden::of(theta, x);
        if !h.unclipped() {
            continue;
        }
        // The nonzero entries of grad g, in increasing index order (W row 0, W row 1, b).
        nz.clear();
        for (offset, scale_x) in [(0, x[0]), (HIDDEN, x[1]), (BIAS_OFFSET, 1.0)] {
            for j in (0..HIDDEN).filter(|&j| h.active[j]) {
                nz.push((offset + j, output_weight(j) * scale_x));
            }
        }
        // Upper triangle (q >= p) only.
        for (a, &(p, gp)) in nz.iter().enumerate() {
            let row = &mut hess[p * PARAMS..(p + 1) * PARAMS];
            let s = scale * gp;
            for &(q, gq) in &nz[a..] {
                row[q] += s * gq;
            }
        }
    }
    for p in 0..PARAMS {
        for q in p + 1..PARAMS {
            hess[q * PARAMS + p] = hess[p * PARAMS + q];
        }
    }
    hess
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small data set and a point where some samples are clipped and some are not, and
    /// no hidden pre-activation or unclipped output is within `margin` of a kink.
    fn setup(n: usize, seed: u64, margin: f64) -> (Vec<f64>, Data) {
        for attempt in 0..1000u64 {
            let mut rng = Rng::for_stream(seed, &[attempt]);
            let data = draw_data(&mut rng, n);
            // A smaller scale than the default init leaves more samples unclipped.
            let theta: Vec<f64> = init(&mut rng).iter().map(|t| 0.3 * t).collect();
            let mut ok = true;
            let mut unclipped = 0;
            for &x in &data.x {
                let (w0, rest) = theta.split_at(HIDDEN);
                let (w1, b) = rest.split_at(HIDDEN);
                for j in 0..HIDDEN {
                    ok &= (x[0] * w0[j] + x[1] * w1[j] + b[j]).abs() > margin;
                }
                let g = Hidden::of(&theta, x).g;
                ok &= (g - CLIP_LOW).abs() > margin && (g - CLIP_HIGH).abs() > margin;
                unclipped += Hidden::of(&theta, x).unclipped() as usize;
            }
            if ok && unclipped >= 2 && unclipped < n {
                return (theta, data);
            }
        }
        panic!("no kink-free setup");
    }

    #[test]
    fn data_and_init_are_as_specified() {
        let data = draw_data(&mut Rng::for_stream(123, &[]), 1000);
        assert_eq!(data.len(), 1000);
        assert!(data
            .x
            .iter()
            .all(|x| x.iter().all(|c| (-2.0..2.0).contains(c))));
        for (x, &y) in data.x.iter().zip(&data.y) {
            assert_eq!(y, if x[0] >= x[1] { 1.0 } else { 0.0 });
        }
        let ones = data.y.iter().sum::<f64>();
        assert!((ones - 500.0).abs() < 5.0 * 250f64.sqrt());
        let theta = init(&mut Rng::for_stream(123, &[1]));
        assert_eq!(theta.len(), 300);
        // glorot-uniform of a 1-D shape [300]: sqrt(6 / (300 + 300)) = 0.1.
        assert_eq!(INIT_BOUND, (6.0f64 / 600.0).sqrt());
        assert!(theta.iter().all(|t| t.abs() <= INIT_BOUND));
        // U(-a, a) has variance a^2 / 3 = 1/300; the mean of 300 squares has sd
        // sqrt(4/45) a^2 / sqrt(300) = 1.7e-4, so 1e-3 is about 6 sd.
        let var = theta.iter().map(|t| t * t).sum::<f64>() / 300.0;
        assert!((var - 0.01 / 3.0).abs() < 1.0e-3, "{var}");
        let v: Vec<f64> = (0..HIDDEN).map(output_weight).collect();
        assert_eq!(v.iter().filter(|&&a| a == 1.0).count(), 50);
        assert_eq!((v[49], v[50]), (1.0, -1.0));
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let (theta, data) = setup(20, 1, 1e-4);
        let mut g = vec![0.0; PARAMS];
        let l = loss_grad(&theta, &data, &mut g);
        assert_eq!(l, loss(&theta, &data));
        let h = 1e-6;
        for k in 0..PARAMS {
            let (mut tp, mut tm) = (theta.clone(), theta.clone());
            tp[k] += h;
            tm[k] -= h;
            let fd = (loss(&tp, &data) - loss(&tm, &data)) / (2.0 * h);
            assert!((fd - g[k]).abs() < 1e-8, "k={k}: {fd} vs {}", g[k]);
        }
        assert!(g.iter().any(|&x| x != 0.0));
    }

    #[test]
    fn minibatch_and_per_sample_gradients_agree_with_the_full_one() {
        let (theta, data) = setup(15, 2, 1e-6);
        let mut per = vec![0.0; data.len() * PARAMS];
        per_sample_grads(&theta, &data, &mut per);
        let mut mean = vec![0.0; PARAMS];
        for row in per.chunks_exact(PARAMS) {
            mean.iter_mut().zip(row).for_each(|(m, r)| *m += r / 15.0);
        }
        let mut g = vec![0.0; PARAMS];
        loss_grad(&theta, &data, &mut g);
        let all: Vec<usize> = (0..15).collect();
        let mut gb = vec![0.0; PARAMS];
        minibatch_grad(&theta, &data, &all, &mut gb);
        for k in 0..PARAMS {
            assert!((mean[k] - g[k]).abs() < 1e-14 && (gb[k] - g[k]).abs() < 1e-14);
        }
        let idx = [4usize, 4, 9];
        let lb = minibatch_grad(&theta, &data, &idx, &mut gb);
        let mut gi = vec![0.0; PARAMS];
        let mut expect_loss = 0.0;
        let mut expect = vec![0.0; PARAMS];
        for &i in &idx {
            expect_loss += sample_grad(&theta, data.x[i], data.y[i], &mut gi) / 3.0;
            expect.iter_mut().zip(&gi).for_each(|(e, x)| *e += x / 3.0);
        }
        assert!((lb - expect_loss).abs() < 1e-15);
        for k in 0..PARAMS {
            assert!((gb[k] - expect[k]).abs() < 1e-15);
        }
    }

    #[test]
    fn hessian_matches_finite_differences_of_the_gradient() {
        let (theta, data) = setup(20, 3, 1e-4);
        let hess = hessian(&theta, &data);
        let h = 1e-6;
        let (mut gp, mut gm) = (vec![0.0; PARAMS], vec![0.0; PARAMS]);
        let mut max_entry: f64 = 0.0;
        for k in 0..PARAMS {
            let (mut tp, mut tm) = (theta.clone(), theta.clone());
            tp[k] += h;
            tm[k] -= h;
            loss_grad(&tp, &data, &mut gp);
            loss_grad(&tm, &data, &mut gm);
            for i in 0..PARAMS {
                let fd = (gp[i] - gm[i]) / (2.0 * h);
                let e = hess[k * PARAMS + i];
                max_entry = max_entry.max(e.abs());
                assert!((fd - e).abs() < 1e-7, "({k}, {i}): {fd} vs {e}");
                assert_eq!(e, hess[i * PARAMS + k]);
            }
        }
        assert!(max_entry > 0.01);
        // HVP equals the matrix times the vector.
        let mut rng = Rng::for_stream(4, &[]);
        let u: Vec<f64> = (0..PARAMS).map(|_| rng.normal()).collect();
        let mut hu = vec![0.0; PARAMS];
        hvp(&theta, &data, &u, &mut hu);
        for i in 0..PARAMS {
            let mv: f64 = (0..PARAMS).map(|j| hess[i * PARAMS + j] * u[j]).sum();
            assert!((hu[i] - mv).abs() < 1e-12 * (1.0 + mv.abs()), "{i}");
        }
        // Gauss-Newton: PSD, so u^T H u >= 0.
        assert!(hu.iter().zip(&u).map(|(a, b)| a * b).sum::<f64>() >= 0.0);
    }

    #[test]
    fn adam_trains_the_network() {
        // Full-batch Adam from the default init (the paper: lr 1e-3 for 310 steps; here a
        // larger lr for a short test).
        let mut rng = Rng::for_stream(123, &[]);
        let data = draw_data(&mut rng, 200);
        let mut theta = init(&mut rng);
        let mut adam = crate::optim::Adam::new(PARAMS, 1e-2);
        let mut g = vec![0.0; PARAMS];
        let start = loss(&theta, &data);
        for _ in 0..300 {
            loss_grad(&theta, &data, &mut g);
            adam.step(&mut theta, &g);
        }
        let end = loss(&theta, &data);
        assert!(end < 0.5 * start, "{start} -> {end}");
        assert!(accuracy(&theta, &data) > 0.9);
    }
}
