//! The paper's CNN for FashionMNIST ("ConvYu" in the authors' FashionMNIST/model.py), in f32,
//! with softmax cross-entropy: loss, gradient and exact Hessian-vector products.
//!
//! # The network
//!
//! Input 28x28x1 (pixels scaled to [-1, 1]);
//! conv 5x5 VALID stride 1, 1 -> 10 channels, + bias -> 24x24x10 -> max-pool 2x2/2 -> ReLU;
//! conv 5x5 VALID, 10 -> 10 channels, + bias -> 8x8x10 -> max-pool 2x2/2 -> ReLU;
//! flatten in (h, w, c) order -> 160 -> fully connected 50 -> ReLU -> fully connected 10 ->
//! logits; the mean softmax cross-entropy over the batch. Convolutions are cross-correlations
//! (as TensorFlow's `conv2d`); a pooling window routes to its first maximum in row-major order
//! (as TensorFlow's max-pool gradient), which matters: Fashion-MNIST's uniform background gives
//! windows of exactly equal activations.
//!
//! # Parameter layout
//!
//! One flat `&[f32]` of [`PARAMS`] = 11,330 entries in the authors' order (see the `*_W` /
//! `*_B` ranges): conv1 W 5x5x1x10 (HWIO: `((dy * 5 + dx) * 1 + ci) * 10 + co`), conv1 b, conv2
//! W 5x5x10x10 (HWIO), conv2 b, fc1 W 160x50 (row-major, input i to unit j at `i * 50 + j`),
//! fc1 b, fc2 W 50x10, fc2 b. Its [`Architecture::init`] draws every entry, biases included, from a normal
//! of sd 0.02 truncated at 2 sd, as the authors' `truncated_normal_initializer(0, 0.02)` on
//! their one weight vector.
//!
//! # What is computed, and how
//!
//! Per sample: the forward pass (convolutions by [`crate::kernels::conv2d`] and max-pools by
//! [`crate::kernels::max_pool_relu`], explicit simd128 in the SIMD wasm build),
//! backpropagation, and for H v Pearlmutter's R-operator (R-forward through both
//! convolutions, the pools routing R by the forward argmax, ReLU masks; then the R-backward
//! pass). ReLU and max are piecewise linear, so away from their kinks these are the exact
//! derivatives; ReLU'(0) = 0. The backward passes use the pools' sparsity: only a window's
//! argmax receives a gradient, so the convolutions' weight gradients and the gradient into the
//! first pool's output are sums over the 160 (and 1440) routed positions, a quarter of the
//! dense work, each a few contiguous [`axpy`]s. A filter's weight gradient over a sample's
//! routed windows (the windows with a zero gradient skipped, listed without branches), and a
//! dense layer's sum over its live inputs, are one [`axpy_patches`] call each, which the AVX2
//! and simd128 kernels run with the filter's (or output's) rows held in registers across the
//! windows: per element the same multiply-adds in the same order as one [`axpy`] per window
//! and row, so the same bits in every kernel set (measured in docs/speed.md). Every operation
//! is IEEE f32 in a fixed order (no fused multiply-add), so results are bit-identical on every
//! platform; sums over the batch (the loss) are f64, the gradient is summed in f32 sample by
//! sample.

use crate::kernels::{axpy, axpy_patches, axpy_strided, conv2d, dot, max_pool_relu, PATCH_SLACK};
use crate::landscape::network::{
    check_lengths, cross_entropy, r_softmax, softmax, Architecture, Batch, Pass,
};
use crate::rng::Rng;
use std::ops::Range;

/// Side of the input image.
pub const SIDE: usize = 28;
/// Pixels per image (input width).
pub const INPUT: usize = SIDE * SIDE;
/// Side of the square filters.
pub const KERNEL: usize = 5;
/// Channels of both convolutions.
pub const CHANNELS: usize = 10;
/// Side of conv1's output (24).
const C1: usize = SIDE - KERNEL + 1;
/// Side of the first pool's output (12).
const P1: usize = C1 / 2;
/// Side of conv2's output (8).
const C2: usize = P1 - KERNEL + 1;
/// Side of the second pool's output (4).
const P2: usize = C2 / 2;
/// Flattened features after the second pool (4 x 4 x 10).
pub const FLAT: usize = P2 * P2 * CHANNELS;
/// Units of the hidden fully connected layer.
pub const HIDDEN: usize = 50;
/// Classes (logits).
pub const CLASSES: usize = 10;
/// Filter taps of conv1 (5 x 5 x 1) and conv2 (5 x 5 x 10).
const K1: usize = KERNEL * KERNEL;
const K2: usize = KERNEL * KERNEL * CHANNELS;
/// Positions per channel: conv1, pool1, conv2, pool2.
const M1: usize = C1 * C1;
const Q1: usize = P1 * P1;
const M2: usize = C2 * C2;
const Q2: usize = P2 * P2;

/// conv1 W, 5x5x1x10 HWIO.
pub const CONV1_W: Range<usize> = 0..250;
/// conv1 b.
pub const CONV1_B: Range<usize> = 250..260;
/// conv2 W, 5x5x10x10 HWIO.
pub const CONV2_W: Range<usize> = 260..2760;
/// conv2 b.
pub const CONV2_B: Range<usize> = 2760..2770;
/// fc1 W, 160x50 row-major.
pub const FC1_W: Range<usize> = 2770..10770;
/// fc1 b.
pub const FC1_B: Range<usize> = 10770..10820;
/// fc2 W, 50x10 row-major.
pub const FC2_W: Range<usize> = 10820..11320;
/// fc2 b.
pub const FC2_B: Range<usize> = 11320..11330;
/// D, the number of parameters.
pub const PARAMS: usize = 11_330;

/// The paper's CNN (no parameters: those are a flat slice; see the module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cnn {
    /// conv1's taps: source offsets `dy * 28 + dx` in HWIO order.
    taps1: Vec<u32>,
    /// conv2's taps on channel planes of 12x12: `ci * 144 + dy * 12 + dx` in HWIO order.
    taps2: Vec<u32>,
}

impl Default for Cnn {
    fn default() -> Self {
        Self::new()
    }
}

/// Scratch memory for the passes of a [`Cnn`], reused across calls so the hot loop does not
/// allocate. Made by [`Architecture::workspace`] (or `Default`, sized on first use).
#[derive(Clone, Debug, Default)]
pub struct CnnWorkspace {
    /// The gradient (or H v) summed over the batch, the convolutions' weights transposed to
    /// [channel][tap] so a routed position's update is contiguous.
    acc: Vec<f32>,
    /// conv2's weights and the direction's, transposed to [out channel][tap].
    w2t: Vec<f32>,
    v2t: Vec<f32>,
    /// The image of the sample in hand with [`PAD`] zeros after it (conv1's weight-gradient
    /// patches are read in whole chunks: see [`axpy_patches`]).
    x: Vec<f32>,
    /// The R-backward's two first-pool outputs, [`Sample::a1h`] then its R, one buffer (so one
    /// [`axpy_patches`] call takes both terms of every window), [`PAD`] zeros after them.
    a1h2: Vec<f32>,
    s: Sample,
    r: Sample,
    zero_bias: Vec<f32>,
}

/// The per-sample activations (or their R-operators, or gradients) of one pass.
#[derive(Clone, Debug, Default)]
struct Sample {
    /// conv1's outputs, [channel][24 x 24].
    z1: Vec<f32>,
    /// The first pool's argmax per window (an index into a z1 plane), [channel][12 x 12].
    am1: Vec<u16>,
    /// The first ReLU's outputs, [channel][12 x 12] (conv2's input) and [12 x 12][channel]
    /// (with [`PAD`] zeros after it, for [`axpy_patches`]).
    a1: Vec<f32>,
    a1h: Vec<f32>,
    /// conv2's outputs, [channel][8 x 8], and a second buffer for the R-pass.
    z2: Vec<f32>,
    z2b: Vec<f32>,
    /// The second pool's argmax per window, [channel][4 x 4].
    am2: Vec<u16>,
    /// The flattened features (h, w, c), 160.
    f: Vec<f32>,
    /// fc1's pre-activations and ReLU outputs, 50.
    u: Vec<f32>,
    h: Vec<f32>,
    /// Logits, then dL/dlogits.
    z: Vec<f32>,
    dz: Vec<f32>,
    /// dL/dh (masked: dL/du), dL/df (masked), dL/da1 in [12 x 12][channel].
    dh: Vec<f32>,
    df: Vec<f32>,
    da1h: Vec<f32>,
}

impl Sample {
    fn fit(&mut self) {
        for (buf, len) in [
            (&mut self.z1, CHANNELS * M1),
            (&mut self.a1, CHANNELS * Q1),
            (&mut self.a1h, CHANNELS * Q1 + PAD),
            (&mut self.z2, CHANNELS * M2),
            (&mut self.z2b, CHANNELS * M2),
            (&mut self.f, FLAT),
            (&mut self.u, HIDDEN),
            (&mut self.h, HIDDEN),
            (&mut self.z, CLASSES),
            (&mut self.dz, CLASSES),
            (&mut self.dh, HIDDEN),
            (&mut self.df, FLAT),
            (&mut self.da1h, CHANNELS * Q1),
        ] {
            if buf.len() < len {
                buf.resize(len, 0.0);
            }
        }
        if self.am1.len() < CHANNELS * Q1 {
            self.am1.resize(CHANNELS * Q1, 0);
        }
        if self.am2.len() < CHANNELS * Q2 {
            self.am2.resize(CHANNELS * Q2, 0);
        }
    }
}

impl CnnWorkspace {
    /// A workspace sized for the CNN.
    pub fn new() -> Self {
        let mut ws = Self::default();
        ws.fit();
        ws
    }

    /// Sizes the buffers; no allocation once they fit.
    fn fit(&mut self) {
        for (buf, len) in [
            (&mut self.acc, PARAMS),
            (&mut self.w2t, K2 * CHANNELS),
            (&mut self.v2t, K2 * CHANNELS),
            (&mut self.x, INPUT + PAD),
            (&mut self.a1h2, 2 * CHANNELS * Q1 + PAD),
            (&mut self.zero_bias, CHANNELS),
        ] {
            if buf.len() < len {
                buf.resize(len, 0.0);
            }
        }
        self.s.fit();
        self.r.fit();
    }
}

/// Zeros after the buffers that [`axpy_patches`] reads patches from (at least its
/// [`PATCH_SLACK`]).
const PAD: usize = 8;
const _: () = assert!(PAD >= PATCH_SLACK);

/// [channel][k] from HWIO [k][channel] (K x 10 to 10 x K).
fn transpose_to_channels(w: &[f32], k: usize, out: &mut [f32]) {
    for (t, row) in w.chunks_exact(CHANNELS).enumerate().take(k) {
        for (c, &x) in row.iter().enumerate() {
            out[c * k + t] = x;
        }
    }
}

/// The max-pool 2x2/2 of `z` ([channel][side x side]) followed by ReLU, plane by plane with
/// [`max_pool_relu`]: the first maximum of each window in row-major order (its index in the
/// plane into `am`, [channel][window]), ReLU'd into `a` ([channel][window]) and, when given,
/// `ah` ([window][channel]).
fn pool_relu(z: &[f32], side: usize, am: &mut [u16], a: &mut [f32], mut ah: Option<&mut [f32]>) {
    let half = side / 2;
    let q = half * half;
    for c in 0..CHANNELS {
        let plane = &z[c * side * side..(c + 1) * side * side];
        let a = &mut a[c * q..(c + 1) * q];
        max_pool_relu(plane, side, &mut am[c * q..(c + 1) * q], a);
        if let Some(ah) = ah.as_deref_mut() {
            for (w, &v) in a.iter().enumerate() {
                ah[w * CHANNELS + c] = v;
            }
        }
    }
}

impl Cnn {
    /// The paper's CNN.
    pub fn new() -> Self {
        let mut taps1 = Vec::with_capacity(K1);
        let mut taps2 = Vec::with_capacity(K2);
        for dy in 0..KERNEL {
            for dx in 0..KERNEL {
                taps1.push((dy * SIDE + dx) as u32);
                for ci in 0..CHANNELS {
                    taps2.push((ci * Q1 + dy * P1 + dx) as u32);
                }
            }
        }
        Cnn { taps1, taps2 }
    }

    /// The forward pass of one image into `s` (logits in `s.z`).
    fn forward(&self, theta: &[f32], x: &[f32], s: &mut Sample) {
        let b1 = &theta[CONV1_B];
        conv2d(x, SIDE, &self.taps1, &theta[CONV1_W], b1, C1, C1, &mut s.z1);
        pool_relu(&s.z1, C1, &mut s.am1, &mut s.a1, Some(&mut s.a1h));
        let b2 = &theta[CONV2_B];
        conv2d(
            &s.a1,
            P1,
            &self.taps2,
            &theta[CONV2_W],
            b2,
            C2,
            C2,
            &mut s.z2,
        );
        // The second pool writes the flattened (h, w, c) features directly.
        let mut a2 = [0.0f32; FLAT];
        pool_relu(&s.z2, C2, &mut s.am2, &mut a2, Some(&mut s.f));
        dense(&theta[FC1_W.start..], &theta[FC1_B], &s.f, &mut s.u);
        for (h, &u) in s.h.iter_mut().zip(&s.u) {
            *h = if u > 0.0 { u } else { 0.0 };
        }
        dense(&theta[FC2_W.start..], &theta[FC2_B], &s.h, &mut s.z);
    }

    /// The R-forward pass along `v` of one image whose forward pass is in `s`: R of every
    /// activation into `r` (R(x) = 0; the pools route R by the forward argmax; ReLU masks).
    fn r_forward(
        &self,
        theta: &[f32],
        v: &[f32],
        x: &[f32],
        s: &Sample,
        r: &mut Sample,
        zero: &[f32],
    ) {
        // R z1 = conv(x, V1) + c1.
        conv2d(
            x,
            SIDE,
            &self.taps1,
            &v[CONV1_W],
            &v[CONV1_B],
            C1,
            C1,
            &mut r.z1,
        );
        route(&r.z1, M1, &s.am1, &s.a1, &mut r.a1, Some(&mut r.a1h));
        // R z2 = conv(a1, V2) + c2 + conv(R a1, W2).
        conv2d(
            &s.a1,
            P1,
            &self.taps2,
            &v[CONV2_W],
            &v[CONV2_B],
            C2,
            C2,
            &mut r.z2,
        );
        conv2d(
            &r.a1,
            P1,
            &self.taps2,
            &theta[CONV2_W],
            zero,
            C2,
            C2,
            &mut r.z2b,
        );
        for (a, &b) in r.z2.iter_mut().zip(&r.z2b) {
            *a += b;
        }
        let mut ra2 = [0.0f32; FLAT];
        let mut a2 = [0.0f32; FLAT];
        for c in 0..CHANNELS {
            for w in 0..Q2 {
                a2[c * Q2 + w] = s.f[w * CHANNELS + c];
            }
        }
        route(&r.z2, M2, &s.am2, &a2, &mut ra2, Some(&mut r.f));
        // R u = V_f1^T f + c_f1 + W_f1^T R f; R h = ReLU'(u) R u.
        dense(&v[FC1_W.start..], &v[FC1_B], &s.f, &mut r.u);
        dense_add(&theta[FC1_W.start..], &r.f, &mut r.u);
        for ((rh, &ru), &u) in r.h.iter_mut().zip(&r.u).zip(&s.u) {
            *rh = if u > 0.0 { ru } else { 0.0 };
        }
        dense(&v[FC2_W.start..], &v[FC2_B], &s.h, &mut r.z);
        dense_add(&theta[FC2_W.start..], &r.h, &mut r.z);
    }

    /// Backward pass of one sample (`ws.s.dz` set): adds its gradient to `ws.acc`.
    fn backward(&self, theta: &[f32], x: &[f32], ws: &mut CnnWorkspace) {
        let CnnWorkspace {
            acc,
            w2t,
            s,
            x: xpad,
            ..
        } = ws;
        // fc2 and fc1.
        axpy(1.0, &s.dz[..CLASSES], &mut acc[FC2_B]);
        outer_add(&s.h, &s.dz[..CLASSES], &mut acc[FC2_W]);
        back_dense(&theta[FC2_W], &s.dz[..CLASSES], &s.h, &mut s.dh);
        axpy(1.0, &s.dh, &mut acc[FC1_B]);
        outer_add(&s.f, &s.dh, &mut acc[FC1_W]);
        back_dense(&theta[FC1_W], &s.dh, &s.f, &mut s.df);
        // conv2: every routed window's gradient to its argmax position's patch (the windows
        // with a zero gradient skipped).
        s.da1h.fill(0.0);
        let (gw2, gb2) = acc[CONV2_W.start..CONV2_B.end].split_at_mut(K2 * CHANNELS);
        let (mut alphas, mut starts) = ([0.0f32; Q2], [0u32; Q2]);
        for (co, gb) in gb2.iter_mut().enumerate() {
            let mut live = 0;
            for w in 0..Q2 {
                let g = s.df[w * CHANNELS + co];
                alphas[live] = g;
                starts[live] = conv2_patch(s.am2[co * Q2 + w] as usize) as u32;
                live += usize::from(g != 0.0);
            }
            // The patches' 5 rows of 50 (stride ROW2 in a1h) against the filter's (stride
            // RUN2): the weight gradient over the windows, then the input gradient window by
            // window (disjoint targets: each element updated in the same order as before).
            let (alphas, starts, filter) = (&alphas[..live], &starts[..live], co * K2);
            // The bias: the live windows' g in order (in a register, not through memory).
            *gb = alphas.iter().fold(*gb, |b, &g| b + g);
            let gw2 = &mut gw2[filter..filter + K2];
            axpy_patches(alphas, starts, &s.a1h, ROW2, gw2, RUN2, KERNEL, RUN2);
            for (&g, &start) in alphas.iter().zip(starts) {
                let (w2t, da1h) = (&w2t[filter..], &mut s.da1h[start as usize..]);
                axpy_strided(g, w2t, RUN2, da1h, ROW2, KERNEL, RUN2);
            }
        }
        // conv1, through the first ReLU and pool.
        xpad[..INPUT].copy_from_slice(x);
        conv1_weight_grad(xpad, &s.am1, &s.a1, &s.da1h, acc);
    }

    /// R-backward pass of one sample (`ws.s.dz`, `ws.r` set): adds its H_i v to `ws.acc`.
    /// R(gW) = R(a_in) d^T + a_in R(d)^T, R(d_in) = W R(d) + V d, masked by the forward ReLU
    /// and pool routing (whose second derivatives vanish).
    fn r_backward(&self, theta: &[f32], v: &[f32], x: &[f32], ws: &mut CnnWorkspace) {
        let CnnWorkspace {
            acc,
            w2t,
            v2t,
            s,
            r,
            x: xpad,
            a1h2,
            ..
        } = ws;
        // fc2.
        axpy(1.0, &r.dz[..CLASSES], &mut acc[FC2_B]);
        outer_add(&r.h, &s.dz[..CLASSES], &mut acc[FC2_W]);
        outer_add(&s.h, &r.dz[..CLASSES], &mut acc[FC2_W]);
        back_dense(&theta[FC2_W], &s.dz[..CLASSES], &s.h, &mut s.dh);
        back_dense(&theta[FC2_W], &r.dz[..CLASSES], &s.h, &mut r.dh);
        back_dense_add(&v[FC2_W], &s.dz[..CLASSES], &s.h, &mut r.dh);
        // fc1.
        axpy(1.0, &r.dh, &mut acc[FC1_B]);
        outer_add(&r.f, &s.dh, &mut acc[FC1_W]);
        outer_add(&s.f, &r.dh, &mut acc[FC1_W]);
        back_dense(&theta[FC1_W], &s.dh, &s.f, &mut s.df);
        back_dense(&theta[FC1_W], &r.dh, &s.f, &mut r.df);
        back_dense_add(&v[FC1_W], &s.dh, &s.f, &mut r.df);
        // conv2 (the windows where both g and R(g) are zero skipped).
        r.da1h.fill(0.0);
        let plane = CHANNELS * Q1;
        a1h2[..plane].copy_from_slice(&s.a1h[..plane]);
        a1h2[plane..2 * plane].copy_from_slice(&r.a1h[..plane]);
        let (gw2, gb2) = acc[CONV2_W.start..CONV2_B.end].split_at_mut(K2 * CHANNELS);
        let (mut alphas, mut starts) = ([0.0f32; 2 * Q2], [0u32; 2 * Q2]);
        for (co, gb) in gb2.iter_mut().enumerate() {
            let mut live = 0;
            for w in 0..Q2 {
                let (g, rg) = (s.df[w * CHANNELS + co], r.df[w * CHANNELS + co]);
                let start = conv2_patch(s.am2[co * Q2 + w] as usize) as u32;
                // Two terms per window, R(a) g then a R(g): the patch of a (first half of
                // a1h2) times R(g), then that of R(a) (second half) times g.
                alphas[2 * live] = rg;
                alphas[2 * live + 1] = g;
                starts[2 * live] = start;
                starts[2 * live + 1] = plane as u32 + start;
                live += usize::from(!(g == 0.0 && rg == 0.0));
            }
            let (alphas, starts, filter) = (&alphas[..2 * live], &starts[..2 * live], co * K2);
            // The bias: the live windows' R(g) in order.
            *gb = alphas.iter().step_by(2).fold(*gb, |b, &rg| b + rg);
            let gw2 = &mut gw2[filter..filter + K2];
            axpy_patches(alphas, starts, a1h2, ROW2, gw2, RUN2, KERNEL, RUN2);
            // The input gradient window by window: W R(g), then V g.
            let (w2t, v2t) = (&w2t[filter..], &v2t[filter..]);
            for (ab, sb) in alphas.chunks_exact(2).zip(starts.chunks_exact(2)) {
                let (rg, g, da1h) = (ab[0], ab[1], &mut r.da1h[sb[0] as usize..]);
                axpy_strided(rg, w2t, RUN2, da1h, ROW2, KERNEL, RUN2);
                axpy_strided(g, v2t, RUN2, da1h, ROW2, KERNEL, RUN2);
            }
        }
        // conv1 (R(x) = 0: only R(d) x^T).
        xpad[..INPUT].copy_from_slice(x);
        conv1_weight_grad(xpad, &s.am1, &s.a1, &r.da1h, acc);
    }
}

impl Architecture for Cnn {
    type Workspace = CnnWorkspace;

    /// D = 11,330.
    fn parameter_count(&self) -> usize {
        PARAMS
    }

    /// Pixels per image, 784.
    fn input_dim(&self) -> usize {
        INPUT
    }

    /// Classes, 10.
    fn classes(&self) -> usize {
        CLASSES
    }

    /// The widths of the layers of units after each stage, input first: 784, 1440 (after the
    /// first pool), 160 (after the second), 50, 10.
    fn sizes(&self) -> &[usize] {
        &[INPUT, CHANNELS * Q1, FLAT, HIDDEN, CLASSES]
    }

    /// A workspace for this net.
    fn workspace(&self) -> CnnWorkspace {
        CnnWorkspace::new()
    }

    /// Initial parameters: every entry, biases included, from a normal with standard deviation
    /// `sd` truncated at 2 sd (redrawn beyond, as TensorFlow's `truncated_normal`), in the flat
    /// order. The paper: sd 0.02.
    fn init(&self, rng: &mut Rng, sd: f32) -> Vec<f32> {
        (0..PARAMS)
            .map(|_| loop {
                let z = rng.normal();
                if z.abs() <= 2.0 {
                    break (z * sd as f64) as f32;
                }
            })
            .collect()
    }

    /// Floating-point operations of one gradient and one Hessian-vector product over
    /// `samples` samples, counted for the dense algorithm (both convolutions' forward,
    /// weight-gradient and input-gradient products at every position; the pools' sparsity
    /// that the code exploits not subtracted), for the benchmark's throughput columns.
    fn flops(&self, samples: usize) -> (f64, f64) {
        let conv1 = (M1 * K1 * CHANNELS) as f64;
        let conv2 = (M2 * K2 * CHANNELS) as f64;
        let fc = (FLAT * HIDDEN + HIDDEN * CLASSES) as f64;
        let n = samples as f64;
        // Gradient: forward (conv1 + conv2 + fc), backward (conv1 and conv2 weights, conv2
        // input, fc weights and input): 2 flops per multiply-add.
        let grad = 2.0 * (conv1 + conv2 + fc) + 2.0 * (conv1 + 2.0 * conv2 + 2.0 * fc);
        // HVP: forward, R-forward (conv1, 2 x conv2, 2 x fc), backward without conv1, R-backward
        // (2 x every weight gradient, 2 x conv2 input and fc inputs).
        let hvp = 2.0 * (conv1 + conv2 + fc)
            + 2.0 * (conv1 + 2.0 * conv2 + 2.0 * fc)
            + 2.0 * (conv2 + 2.0 * fc)
            + 2.0 * (conv1 + 2.0 * conv2 + 2.0 * conv2 + 4.0 * fc);
        (n * grad, n * hvp)
    }

    /// The one loop behind every batch function: the mean loss, plus the mean gradient or the
    /// Hessian-vector product as `pass` says.
    fn run(&self, theta: &[f32], batch: Batch, pass: Pass, ws: &mut CnnWorkspace) -> f32 {
        let (v, out) = pass.parts();
        check_lengths(PARAMS, theta, v, out.as_deref());
        let want_grad = out.is_some();
        ws.fit();
        ws.acc[..PARAMS].fill(0.0);
        transpose_to_channels(&theta[CONV2_W], K2, &mut ws.w2t);
        if let Some(v) = v {
            transpose_to_channels(&v[CONV2_W], K2, &mut ws.v2t);
        }
        let mut total = 0.0f64;
        let n = batch.len();
        for k in 0..n {
            let (x, y) = batch.sample(k);
            self.forward(theta, x, &mut ws.s);
            let (loss, log_norm) = cross_entropy(&ws.s.z[..CLASSES], y);
            total += loss as f64;
            if !want_grad {
                continue;
            }
            let s = &mut ws.s;
            // dL/dz of the logits: softmax - onehot (the 1/n is applied at the end).
            softmax(&s.z[..CLASSES], log_norm, &mut s.dz[..CLASSES]);
            match v {
                Some(v) => {
                    self.r_forward(theta, v, x, &ws.s, &mut ws.r, &ws.zero_bias);
                    // R(softmax) = p * (Rz - p . Rz), computed before the -1 at the label.
                    let r = &mut ws.r;
                    r_softmax(&ws.s.dz[..CLASSES], &r.z[..CLASSES], &mut r.dz[..CLASSES]);
                    ws.s.dz[y] -= 1.0;
                    self.r_backward(theta, v, x, ws);
                }
                None => {
                    s.dz[y] -= 1.0;
                    self.backward(theta, x, ws);
                }
            }
        }
        let n = n.max(1);
        if let Some(out) = out {
            let scale = 1.0 / n as f32;
            let acc = &ws.acc;
            for (range, k) in [(CONV1_W, K1), (CONV2_W, K2)] {
                let (src, dst) = (&acc[range.clone()], &mut out[range]);
                for (c, row) in src.chunks_exact(k).enumerate() {
                    for (t, &g) in row.iter().enumerate() {
                        dst[t * CHANNELS + c] = g * scale;
                    }
                }
            }
            for range in [CONV1_B, CONV2_B, FC1_W.start..PARAMS] {
                for (d, &g) in out[range.clone()].iter_mut().zip(&acc[range]) {
                    *d = g * scale;
                }
            }
        }
        (total / n as f64) as f32
    }

    /// Sizes the workspace (the CNN reads its weights in place).
    fn prepare(&self, _theta: &[f32], ws: &mut CnnWorkspace) {
        ws.fit();
    }

    fn forward_logits<'w>(
        &self,
        theta: &[f32],
        input: &[f32],
        ws: &'w mut CnnWorkspace,
    ) -> &'w [f32] {
        self.forward(theta, input, &mut ws.s);
        &ws.s.z[..CLASSES]
    }
}

/// Floats in one row of conv2's patch (5 positions x 10 channels of the first-pool output),
/// contiguous in [h][w][c]; also the stride between a conv2 filter's rows (transposed layout).
const RUN2: usize = KERNEL * CHANNELS;
/// Floats between two rows of the 12x12x10 ([h][w][c]) first-pool output.
const ROW2: usize = P1 * CHANNELS;

/// Where the patch that conv2's output position `m` (in 8x8) reads starts in the 12x12x10
/// ([h][w][c]) first-pool output: its 5 rows of [`RUN2`] floats are [`ROW2`] apart.
#[inline]
fn conv2_patch(m: usize) -> usize {
    let (oy, ox) = (m / C2, m % C2);
    (oy * P1 + ox) * CHANNELS
}

/// conv1's weight and bias gradient from dL/da1 (`da1h`, [h][w][c]): masked by the first ReLU
/// (`a1` > 0), routed to each window's argmax, times the input patch there (`x`: the image
/// with [`PAD`] floats after it). Into the transposed accumulator ([channel][tap]) and the
/// bias; a filter's windows in one [`axpy_patches`] call.
fn conv1_weight_grad(x: &[f32], am1: &[u16], a1: &[f32], da1h: &[f32], acc: &mut [f32]) {
    let (gw1, rest) = acc[..CONV1_B.end].split_at_mut(K1 * CHANNELS);
    let (mut alphas, mut starts) = ([0.0f32; Q1], [0u32; Q1]);
    for c in 0..CHANNELS {
        let mut live = 0;
        for w in 0..Q1 {
            // Skipped: ReLU'd off (a1 <= 0; NaN is not) or no gradient.
            let off = a1[c * Q1 + w] <= 0.0;
            let g = da1h[w * CHANNELS + c];
            let on = !off && g != 0.0;
            let m = am1[c * Q1 + w] as usize;
            alphas[live] = g;
            starts[live] = ((m / C1) * SIDE + m % C1) as u32;
            live += usize::from(on);
        }
        // The 5 patch rows (input stride SIDE) into the filter's 5 rows (stride KERNEL).
        let gw1 = &mut gw1[c * K1..(c + 1) * K1];
        let (alphas, starts) = (&alphas[..live], &starts[..live]);
        // The bias: the live windows' g in order (in a register, not through memory).
        rest[c] = alphas.iter().fold(rest[c], |b, &g| b + g);
        axpy_patches(alphas, starts, x, SIDE, gw1, KERNEL, KERNEL, KERNEL);
    }
}

/// R of a pool + ReLU: `ra[c][w] = rz[c][argmax]` where the forward ReLU output `a[c][w]` is
/// positive, else 0; also into `rah` ([w][c]) when given.
fn route(
    rz: &[f32],
    plane: usize,
    am: &[u16],
    a: &[f32],
    ra: &mut [f32],
    mut rah: Option<&mut [f32]>,
) {
    let q = am.len() / CHANNELS;
    for c in 0..CHANNELS {
        for w in 0..q {
            let i = c * q + w;
            // Natively the routed value is read either way and selected (no branch to
            // mispredict; see kernels::max_pool_relu for why wasm keeps the branch): the same value.
            let v = if cfg!(target_arch = "wasm32") {
                if a[i] > 0.0 {
                    rz[c * plane + am[i] as usize]
                } else {
                    0.0
                }
            } else {
                let routed = rz[c * plane + am[i] as usize];
                if a[i] > 0.0 {
                    routed
                } else {
                    0.0
                }
            };
            ra[i] = v;
            if let Some(rah) = rah.as_deref_mut() {
                rah[w * CHANNELS + c] = v;
            }
        }
    }
}

/// `out = b + sum_i a[i] W[i, :]` (W row-major, a.len() x out.len(), at the start of `w`),
/// rows with a[i] = 0 skipped, in order.
fn dense(w: &[f32], b: &[f32], a: &[f32], out: &mut [f32]) {
    out.copy_from_slice(b);
    dense_add(w, a, out);
}

/// `out += sum_i a[i] W[i, :]`, rows with a[i] = 0 skipped, in order: one [`axpy_patches`]
/// call (a 1-row patch per live row of W, `out` held in registers across them), so `w` must
/// hold [`PATCH_SLACK`] floats after W (each dense layer's weights are followed by its bias).
fn dense_add(w: &[f32], a: &[f32], out: &mut [f32]) {
    let n = out.len();
    let (mut alphas, mut starts) = ([0.0f32; FLAT], [0u32; FLAT]);
    let mut live = 0;
    for (i, &ai) in a.iter().enumerate() {
        alphas[live] = ai;
        starts[live] = (i * n) as u32;
        live += usize::from(ai != 0.0);
    }
    axpy_patches(&alphas[..live], &starts[..live], w, n, out, n, 1, n);
}

/// `g += a d^T` (g row-major a.len() x d.len()), rows with a[i] = 0 skipped.
fn outer_add(a: &[f32], d: &[f32], g: &mut [f32]) {
    for (row, &ai) in g.chunks_exact_mut(d.len()).zip(a) {
        if ai != 0.0 {
            axpy(ai, d, row);
        }
    }
}

/// dL/d(input) of a dense layer, masked by the input's ReLU: `out[i] = W[i, :] . d` where
/// `a[i] > 0`, else 0.
fn back_dense(w: &[f32], d: &[f32], a: &[f32], out: &mut [f32]) {
    for ((o, row), &ai) in out.iter_mut().zip(w.chunks_exact(d.len())).zip(a) {
        *o = if ai > 0.0 { dot(row, d) } else { 0.0 };
    }
}

/// [`back_dense`] added to `out` (for the R-backward's V d term).
fn back_dense_add(w: &[f32], d: &[f32], a: &[f32], out: &mut [f32]) {
    for ((o, row), &ai) in out.iter_mut().zip(w.chunks_exact(d.len())).zip(a) {
        if ai > 0.0 {
            *o += dot(row, d);
        }
    }
}
