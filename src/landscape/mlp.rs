//! A fully connected ReLU network with softmax cross-entropy, in f32: the FashionMNIST
//! experiment's model (docs/protocols.md 3.3; a 784-14-10 net has D = 11,140 parameters, close to the
//! paper's CNN with 11,330).
//!
//! f32 because this is where the time goes; every sum over a batch (the loss) is accumulated
//! in f64. With the exact kernels (the default, and every wasm build): no fused multiply-add
//! and a fixed summation order, so results are bit-identical on every platform (native, wasm,
//! any browser).
//!
//! # Parameter layout
//!
//! All parameters live in one flat `&[f32]` of length [`Architecture::parameter_count`]: for each layer l
//! in order, its weight matrix W_l (in_l x out_l, row-major: `W[i * out_l + j]` connects input
//! i to output j) and then its bias b_l (out_l). [`Mlp::layers`] gives every block's offsets.
//! Hidden layers apply ReLU; the last layer's outputs are the logits.
//!
//! # What is computed
//!
//! For a batch of n samples, the mean loss L = (1/n) sum_i [logsumexp(z_i) - `z_i[y_i]`], its
//! gradient by backpropagation, and exact Hessian-vector products H v by Pearlmutter's
//! R-operator (an R-forward pass and an R-backward pass, no finite differences). ReLU is
//! piecewise linear, so away from its kinks (a null set) these are the exact derivatives;
//! at a kink ReLU'(0) = 0, as in PyTorch.
//!
//! # How
//!
//! Samples in blocks of [`BLOCK`] (4): their activations stay in the workspace (a few dozen
//! floats each), and the weights, transposed once per call into the workspace, are swept row
//! by row. The first layer (784 inputs: nearly all the work) handles the whole block at once
//! (`dots_rows`, `axpy_rows`: register tiles of 2 weight rows x several samples), so each
//! weight row is read once per block rather than once per sample (the matrix is 44 KB, more
//! than a 32 KB L1 cache) and each loaded chunk feeds several multiply-adds; the later layers
//! go sample by sample, except with the fast x86-64 kernels, where a one-hidden-layer net's
//! gradient and loss passes run them for the whole block too (`Mlp::tail_block`, bit for bit
//! the same results). Every inner loop is a contiguous dot or axpy of length in_l, from
//! [`crate::kernels`]: explicit simd128 code in the SIMD wasm build, portable code elsewhere,
//! with bit-identical results, and the same results as one sample at a time; natively the
//! run-time choice may be the fused (AVX2 + FMA, NEON) kernels instead, which round
//! differently (see [`crate::kernels`]).

#[cfg(target_arch = "x86_64")]
use crate::kernels::FastKernels;
use crate::kernels::{
    affine_t, axpy, axpy_multi, axpy_rows, dot, dots_rows, relu_mask, BLOCK, ROWS_BLOCK,
};
use crate::landscape::network::{
    check_lengths, cross_entropy, r_softmax, softmax, Architecture, Batch, Pass,
};
use crate::rng::Rng;
use std::ops::Range;

/// The standard deviation of the paper's truncated-normal weight initialisation (its CNN).
pub const PAPER_INIT_SD: f32 = 0.02;

/// Where one layer's parameters sit in the flat vector, and its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerShape {
    /// Number of inputs (in_l).
    pub inputs: usize,
    /// Number of outputs (out_l).
    pub outputs: usize,
    /// Offset of W_l (in_l x out_l, row-major) in the flat parameter vector.
    pub weight_offset: usize,
    /// Offset of b_l (out_l) in the flat parameter vector, right after W_l.
    pub bias_offset: usize,
    /// Offset of this layer's outputs among all layers' outputs (workspace bookkeeping).
    unit_offset: usize,
}

impl LayerShape {
    /// The range of W_l in the flat parameter vector.
    pub fn weights(&self) -> Range<usize> {
        self.weight_offset..self.bias_offset
    }

    /// The range of b_l in the flat parameter vector.
    pub fn biases(&self) -> Range<usize> {
        self.bias_offset..self.bias_offset + self.outputs
    }

    /// The range of the whole layer (W_l then b_l) in the flat parameter vector.
    pub fn range(&self) -> Range<usize> {
        self.weight_offset..self.bias_offset + self.outputs
    }

    fn units(&self) -> Range<usize> {
        self.unit_offset..self.unit_offset + self.outputs
    }
}

/// The architecture of a fully connected ReLU network (no parameters: those are a flat slice).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mlp {
    sizes: Vec<usize>,
    layers: Vec<LayerShape>,
    parameters: usize,
    units: usize,
}

/// Scratch memory for the passes of one [`Mlp`], reused across calls so the hot loop does not
/// allocate. Any workspace works with any net; it grows to fit on first use.
#[derive(Clone, Debug, Default)]
pub struct MlpWorkspace {
    /// The parameters with every W_l transposed (out_l x in_l), so rows are contiguous.
    wt: Vec<f32>,
    /// The HVP direction, transposed the same way.
    vt: Vec<f32>,
    /// The gradient (or R-gradient) being summed over the batch, in the transposed layout.
    acc: Vec<f32>,
    /// Outputs of every layer for each sample of the current block (sample s at
    /// `s * units`): ReLU activations, then the logits.
    act: Vec<f32>,
    /// R-operator of `act` (hidden layers: R of the activation; last layer: R of the logits).
    ract: Vec<f32>,
    /// dL/dz of every layer for the current sample (pre-activation gradients).
    delta: Vec<f32>,
    /// R-operator of `delta`.
    rdelta: Vec<f32>,
    /// The blocked later layers' logits, shifted logits and softmax, for a block of samples
    /// (sample s at `s * classes`; [`Mlp::tail_block`]).
    tail: Vec<f32>,
}

impl MlpWorkspace {
    /// A workspace sized for `mlp`.
    pub fn new(mlp: &Mlp) -> Self {
        let mut ws = Self::default();
        ws.fit(mlp);
        ws
    }

    /// Grows (never shrinks) the buffers to `mlp`'s sizes; no allocation once they fit.
    fn fit(&mut self, mlp: &Mlp) {
        for (buf, len) in [
            (&mut self.wt, mlp.parameters),
            (&mut self.vt, mlp.parameters),
            (&mut self.acc, mlp.parameters),
            (&mut self.act, ROWS_BLOCK * mlp.units),
            (&mut self.ract, ROWS_BLOCK * mlp.units),
            (&mut self.delta, ROWS_BLOCK * mlp.units),
            (&mut self.rdelta, ROWS_BLOCK * mlp.units),
            (&mut self.tail, 3 * ROWS_BLOCK * mlp.last().outputs),
        ] {
            if buf.len() < len {
                buf.resize(len, 0.0);
            }
        }
    }
}

impl Mlp {
    /// A network with layer widths `sizes` (input first, classes last; e.g. [784, 14, 10]).
    pub fn new(sizes: &[usize]) -> Self {
        assert!(sizes.len() >= 2, "an MLP needs an input and an output size");
        assert!(sizes.iter().all(|&s| s > 0), "layer sizes must be positive");
        assert!(
            sizes[sizes.len() - 1] <= 256,
            "labels are u8: at most 256 classes"
        );
        let mut layers = Vec::with_capacity(sizes.len() - 1);
        let (mut offset, mut units) = (0, 0);
        for pair in sizes.windows(2) {
            let (inputs, outputs) = (pair[0], pair[1]);
            layers.push(LayerShape {
                inputs,
                outputs,
                weight_offset: offset,
                bias_offset: offset + inputs * outputs,
                unit_offset: units,
            });
            offset += (inputs + 1) * outputs;
            units += outputs;
        }
        Self {
            sizes: sizes.to_vec(),
            layers,
            parameters: offset,
            units,
        }
    }

    /// The layers in order, with their offsets in the flat parameter vector.
    pub fn layers(&self) -> &[LayerShape] {
        &self.layers
    }

    /// The full D x D Hessian of the mean loss (row-major), from D HVPs against unit vectors,
    /// symmetrised as (H + H^T) / 2. Costs D HVPs and D^2 floats: for tests and tiny nets.
    pub fn full_hessian(
        &self,
        theta: &[f32],
        inputs: &[f32],
        labels: &[u8],
        ws: &mut MlpWorkspace,
    ) -> Vec<f32> {
        let d = self.parameters;
        let mut h = vec![0.0f32; d * d];
        let mut e = vec![0.0f32; d];
        for k in 0..d {
            e[k] = 1.0;
            self.hvp(theta, inputs, labels, &e, &mut h[k * d..(k + 1) * d], ws);
            e[k] = 0.0;
        }
        for i in 0..d {
            for j in i + 1..d {
                let s = 0.5 * (h[i * d + j] + h[j * d + i]);
                h[i * d + j] = s;
                h[j * d + i] = s;
            }
        }
        h
    }

    fn last(&self) -> &LayerShape {
        &self.layers[self.layers.len() - 1]
    }

    /// The first layer's outputs for a block of inputs: sample s's into `act[s * u..]`
    /// (ReLU'd unless it is the last layer), as [`Mlp::forward`] computes them.
    fn first_layer_block(&self, wt: &[f32], xs: &[&[f32]], act: &mut [f32], u: usize) {
        let layer = &self.layers[0];
        let hidden = self.layers.len() > 1;
        let w = &wt[layer.weights()];
        let b = &wt[layer.biases()];
        dots_rows(w, xs, &mut act[layer.unit_offset..], u);
        for s in 0..xs.len() {
            let z = &mut act[s * u + layer.unit_offset..][..layer.outputs];
            for (zj, &bj) in z.iter_mut().zip(b) {
                let v = bj + *zj;
                *zj = if hidden { relu(v) } else { v };
            }
        }
    }

    /// R of the first layer's outputs for a block of inputs (R(x) = 0, so only V_1 x + c_1,
    /// masked by ReLU' of the activations in `act`), as [`Mlp::r_forward`] computes them.
    fn first_layer_r_block(
        &self,
        vt: &[f32],
        xs: &[&[f32]],
        act: &[f32],
        ract: &mut [f32],
        u: usize,
    ) {
        let layer = &self.layers[0];
        let hidden = self.layers.len() > 1;
        let w = &vt[layer.weights()];
        let b = &vt[layer.biases()];
        dots_rows(w, xs, &mut ract[layer.unit_offset..], u);
        for s in 0..xs.len() {
            let span = s * u + layer.unit_offset..s * u + layer.unit_offset + layer.outputs;
            let z = &mut ract[span.clone()];
            for ((zj, &bj), &a) in z.iter_mut().zip(b).zip(&act[span]) {
                *zj = if hidden && a <= 0.0 { 0.0 } else { bj + *zj };
            }
        }
    }

    /// Forward pass of one input row: every layer's outputs into `act` (ReLU'd except the last).
    fn forward(&self, wt: &[f32], x: &[f32], act: &mut [f32]) {
        self.forward_from(0, wt, x, act)
    }

    /// [`Mlp::forward`] from layer `from` on (the layers before it already in `act`).
    fn forward_from(&self, from: usize, wt: &[f32], x: &[f32], act: &mut [f32]) {
        let last = self.layers.len() - 1;
        for (l, layer) in self.layers.iter().enumerate().skip(from) {
            let (before, here) = act.split_at_mut(layer.unit_offset);
            let a_in = if l == 0 {
                x
            } else {
                &before[self.layers[l - 1].units()]
            };
            let z = &mut here[..layer.outputs];
            affine_t(&wt[layer.weights()], a_in, &wt[layer.biases()], z);
            if l < last {
                for zj in z.iter_mut() {
                    *zj = relu(*zj);
                }
            }
        }
    }

    /// R-forward pass along direction V (transposed in `vt`) from layer `from` on (the
    /// layers before it already in `ract`): R of every layer's outputs.
    /// R(z_l) = R(a_{l-1}) W_l + a_{l-1} V_l + c_l and R(a_l) = ReLU'(z_l) R(z_l); R(x) = 0.
    fn r_forward_from(
        &self,
        from: usize,
        wt: &[f32],
        vt: &[f32],
        act: &[f32],
        x: &[f32],
        ract: &mut [f32],
    ) {
        for (l, layer) in self.layers.iter().enumerate().skip(from) {
            let (before, here) = ract.split_at_mut(layer.unit_offset);
            let rz = &mut here[..layer.outputs];
            let vw = vt[layer.weights()].chunks_exact(layer.inputs);
            let vb = &vt[layer.biases()];
            if l == 0 {
                affine_t(&vt[layer.weights()], x, vb, rz);
            } else {
                let prev = self.layers[l - 1].units();
                let (a_in, ra_in) = (&act[prev.clone()], &before[prev]);
                let ww = wt[layer.weights()].chunks_exact(layer.inputs);
                for (((r, vrow), wrow), &c) in rz.iter_mut().zip(vw).zip(ww).zip(vb) {
                    *r = c + dot(a_in, vrow) + dot(ra_in, wrow);
                }
            }
            if l + 1 < self.layers.len() {
                for (r, &a) in rz.iter_mut().zip(&act[layer.units()]) {
                    if a <= 0.0 {
                        *r = 0.0;
                    }
                }
            }
        }
    }

    /// Backward pass of one sample (its `delta` of the logits set): adds its gradient to `acc`,
    /// except the first layer's weights (the caller adds those for a block of samples).
    fn backward(&self, wt: &[f32], act: &[f32], delta: &mut [f32], acc: &mut [f32]) {
        for (l, layer) in self.layers.iter().enumerate().rev() {
            let (dbefore, dhere) = delta.split_at_mut(layer.unit_offset);
            let delta = &dhere[..layer.outputs];
            let acc = &mut acc[layer.range()];
            let (gw, gb) = acc.split_at_mut(layer.inputs * layer.outputs);
            axpy(1.0, delta, gb);
            if l == 0 {
                continue; // the first layer's weight gradient is the caller's (block) job
            }
            let a_in = &act[self.layers[l - 1].units()];
            // Row j of the weight gradient += d_j a_in, skipped where d_j = 0: one call for
            // all rows (these layers are small, so calls, not arithmetic, were their cost).
            axpy_rows(delta, 0, &[a_in], gw);
            let prev = self.layers[l - 1].units();
            let d_in = &mut dbefore[prev.clone()];
            d_in.fill(0.0);
            // d_in = sum over j in order of d_j (row j of W^T), BLOCK rows per call.
            let w = &wt[layer.weights()];
            for (ds, ws) in delta.chunks(BLOCK).zip(w.chunks(BLOCK * layer.inputs)) {
                let mut rows: [&[f32]; BLOCK] = [&[]; BLOCK];
                for (r, w_row) in rows.iter_mut().zip(ws.chunks_exact(layer.inputs)) {
                    *r = w_row;
                }
                axpy_multi(ds, &rows[..ds.len()], d_in);
            }
            relu_mask(&act[prev], d_in);
        }
    }

    /// R-backward pass of one sample (`delta` and `rdelta` of the logits set): adds the
    /// sample's R(gradient) = H_i v to `acc`, except the first layer's weights (the caller
    /// adds R(d_1) x^T for a block of samples).
    /// R(gW_l) = R(a_{l-1})^T d_l + a_{l-1}^T R(d_l), R(gb_l) = R(d_l),
    /// R(d_{l-1}) = (R(d_l) W_l^T + d_l V_l^T) * ReLU'(z_{l-1}) (ReLU'' = 0).
    #[allow(clippy::too_many_arguments)]
    fn r_backward(
        &self,
        wt: &[f32],
        vt: &[f32],
        act: &[f32],
        ract: &[f32],
        delta: &mut [f32],
        rdelta: &mut [f32],
        acc: &mut [f32],
    ) {
        for (l, layer) in self.layers.iter().enumerate().rev() {
            let (dbefore, dhere) = delta.split_at_mut(layer.unit_offset);
            let (rbefore, rhere) = rdelta.split_at_mut(layer.unit_offset);
            let delta = &dhere[..layer.outputs];
            let rdelta = &rhere[..layer.outputs];
            let acc = &mut acc[layer.range()];
            let (gw, gb) = acc.split_at_mut(layer.inputs * layer.outputs);
            axpy(1.0, rdelta, gb);
            if l == 0 {
                continue; // the first layer's R(weight gradient) is the caller's (block) job
            }
            let prev = self.layers[l - 1].units();
            let a_in = &act[prev.clone()];
            let ra_in = &ract[prev.clone()];
            for ((grow, &dj), &rj) in gw.chunks_exact_mut(layer.inputs).zip(delta).zip(rdelta) {
                axpy(rj, a_in, grow);
                axpy(dj, ra_in, grow);
            }
            let d_in = &mut dbefore[prev.clone()];
            let rd_in = &mut rbefore[prev];
            d_in.fill(0.0);
            rd_in.fill(0.0);
            let w = wt[layer.weights()].chunks_exact(layer.inputs);
            let vw = vt[layer.weights()].chunks_exact(layer.inputs);
            for (((wrow, vrow), &dj), &rj) in w.zip(vw).zip(delta).zip(rdelta) {
                axpy(dj, wrow, d_in);
                axpy(rj, wrow, rd_in);
                axpy(dj, vrow, rd_in);
            }
            relu_mask(a_in, d_in);
            relu_mask(a_in, rd_in);
        }
    }

    /// [`Architecture::run`], with the later layers of a one-hidden-layer net a block of
    /// samples at a time when `blocked_tail` is set and the process runs the AVX2 kernels
    /// ([`Mlp::tail_block`]; bit for bit the same results), sample by sample otherwise.
    fn run_with(
        &self,
        theta: &[f32],
        batch: Batch,
        pass: Pass,
        ws: &mut MlpWorkspace,
        blocked_tail: bool,
    ) -> f32 {
        let (v, out) = pass.parts();
        let d = self.parameters;
        check_lengths(d, theta, v, out.as_deref());
        ws.fit(self);
        self.transpose_weights(theta, &mut ws.wt);
        if let Some(v) = v {
            self.transpose_weights(v, &mut ws.vt);
        }
        let want_grad = out.is_some();
        let hvp = v.is_some() && want_grad;
        ws.acc[..d].fill(0.0);
        let MlpWorkspace {
            wt,
            vt,
            acc,
            act,
            ract,
            delta,
            rdelta,
            tail,
        } = ws;
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (blocked_tail, tail);
        let u = self.units;
        let first = self.layers[0];
        let out_units = self.last().units();
        // The later layers a block at a time (one hidden layer, no HVP, the AVX2 kernels).
        #[cfg(target_arch = "x86_64")]
        let blocked = crate::kernels::selected_x86_fast()
            .filter(|_| blocked_tail && !hvp && self.layers.len() == 2);
        let mut total = 0.0f64;
        let n = batch.len();
        let mut k = 0;
        while k < n {
            let count = (n - k).min(ROWS_BLOCK);
            let mut xs: [&[f32]; ROWS_BLOCK] = [&[]; ROWS_BLOCK];
            let mut ys = [0usize; ROWS_BLOCK];
            for s in 0..count {
                (xs[s], ys[s]) = batch.sample(k + s);
            }
            let xs = &xs[..count];
            self.first_layer_block(wt, xs, act, u);
            if hvp {
                self.first_layer_r_block(vt, xs, act, ract, u);
            }
            // The later layers: for the whole block at once, or sample by sample.
            #[cfg(target_arch = "x86_64")]
            let tail_done = blocked
                .map(|fast| {
                    let ys = &ys[..count];
                    total = self
                        .tail_block(fast, theta, wt, ys, act, delta, acc, tail, total, want_grad);
                })
                .is_some();
            #[cfg(not(target_arch = "x86_64"))]
            let tail_done = false;
            // Samples the loop below still has to take through the later layers.
            let per_sample = if tail_done { 0 } else { count };
            for s in 0..per_sample {
                let (x, y) = (xs[s], ys[s]);
                let span = s * u..(s + 1) * u;
                let act = &mut act[span.clone()];
                self.forward_from(1, wt, x, act);
                let logits = &act[out_units.clone()];
                let (loss, log_norm) = cross_entropy(logits, y);
                total += loss as f64;
                if !want_grad {
                    continue;
                }
                let delta = &mut delta[span.clone()];
                // dL/dz of the logits: softmax - onehot (the 1/n is applied at the end).
                softmax(logits, log_norm, &mut delta[out_units.clone()]);
                if hvp {
                    let (ract, rdelta) = (&mut ract[span.clone()], &mut rdelta[span]);
                    self.r_forward_from(1, wt, vt, act, x, ract);
                    // R(softmax) = p * (Rz - p . Rz), computed before the -1 at the label.
                    r_softmax(
                        &delta[out_units.clone()],
                        &ract[out_units.clone()],
                        &mut rdelta[out_units.clone()],
                    );
                    delta[out_units.start + y] -= 1.0;
                    self.r_backward(wt, vt, act, ract, delta, rdelta, acc);
                } else {
                    delta[out_units.start + y] -= 1.0;
                    self.backward(wt, act, delta, acc);
                }
            }
            // The first layer's weight gradient (or its R) for the whole block, in sample order.
            if want_grad {
                // Zero coefficients of a live row add +-0 to sums that start at +0 and so are
                // never -0: the same bits as skipping them (inputs are finite).
                let src = if hvp { &*rdelta } else { &*delta };
                axpy_rows(&src[first.unit_offset..], u, xs, &mut acc[first.weights()]);
            }
            k += count;
        }
        let n = n.max(1);
        if let Some(out) = out {
            self.untranspose_scaled(acc, 1.0 / n as f32, out);
        }
        (total / n as f64) as f32
    }

    /// The later layers of a one-hidden-layer net (its second layer, the cross-entropy, and
    /// with `want_grad` the backward pass down to the hidden deltas) for a block of samples
    /// whose hidden activations are in `act` (sample s at `s * units`), with the fast x86-64
    /// kernels: adds the samples' losses to `total` in order and returns it; the gradient
    /// terms go into `acc` and the hidden deltas into `delta` (as [`Mlp::backward`] leaves
    /// them, for the caller's first-layer update). Bit for bit the sample-by-sample code with
    /// the same kernels: every float gets the same operations in the same order (the
    /// second-layer outputs by [`FastKernels::affine_rows`], the exponentials of the block by
    /// one `exp_sub` call each for the cross-entropy and the softmax, `z - shift` subtracted
    /// first, which `exp_sub` with shift 0 leaves as it is).
    ///
    /// Why (`perf record` of mlp-grad, docs/speed.md): sample by sample these small layers
    /// took about a third of the full-batch gradient, mostly calls and reductions on 10- and
    /// 14-float vectors.
    #[cfg(target_arch = "x86_64")]
    #[allow(clippy::too_many_arguments)]
    fn tail_block(
        &self,
        fast: FastKernels,
        theta: &[f32],
        wt: &[f32],
        ys: &[usize],
        act: &[f32],
        delta: &mut [f32],
        acc: &mut [f32],
        tail: &mut [f32],
        mut total: f64,
        want_grad: bool,
    ) -> f64 {
        let (hidden, out) = (self.layers[0], self.layers[1]);
        let (h, c, u) = (hidden.outputs, out.outputs, self.units);
        let count = ys.len();
        let (z, rest) = tail.split_at_mut(ROWS_BLOCK * c);
        let (shifted, p) = rest.split_at_mut(ROWS_BLOCK * c);
        let (z, shifted, p) = (
            &mut z[..count * c],
            &mut shifted[..count * c],
            &mut p[..count * c],
        );
        // The logits (the last layer is not ReLU'd), as forward_from(1) per sample.
        let (w, b) = (&theta[out.weights()], &theta[out.biases()]);
        fast.affine_rows(w, b, act, u, z, c, count);
        // The cross-entropy, as cross_entropy per sample.
        let mut maxes = [0.0f32; ROWS_BLOCK];
        for ((max, zs), sh) in maxes
            .iter_mut()
            .zip(z.chunks_exact(c))
            .zip(shifted.chunks_exact_mut(c))
        {
            *max = zs.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
            for (d, &v) in sh.iter_mut().zip(zs) {
                *d = v - *max;
            }
        }
        fast.exp_sub(shifted, 0.0, p);
        let mut log_norms = [0.0f32; ROWS_BLOCK];
        for (s, (e, zs)) in p.chunks_exact(c).zip(z.chunks_exact(c)).enumerate() {
            // From f32's own `Sum` start, as cross_entropy sums.
            let start: f32 = [0.0f32; 0].iter().sum();
            let sum = e.iter().fold(start, |a, &v| a + v);
            log_norms[s] = maxes[s] + libm::logf(sum);
            total += (log_norms[s] - zs[ys[s]]) as f64;
        }
        if !want_grad {
            return total;
        }
        // dL/dz of the logits: softmax - onehot, as softmax per sample.
        for ((&ln, zs), sh) in log_norms
            .iter()
            .zip(z.chunks_exact(c))
            .zip(shifted.chunks_exact_mut(c))
        {
            for (d, &v) in sh.iter_mut().zip(zs) {
                *d = v - ln;
            }
        }
        fast.exp_sub(shifted, 0.0, p);
        for (ps, &y) in p.chunks_exact_mut(c).zip(ys) {
            ps[y] -= 1.0;
        }
        // The last layer's backward pass, as backward per sample: its biases, its weights
        // (a term skipped where its delta is zero), the hidden deltas, masked by ReLU'.
        let (gw, gb) = acc[out.range()].split_at_mut(h * c);
        // (axpy_multi with coefficients 1: bit for bit one axpy(1.0, ..) per sample.)
        let ones = [1.0f32; ROWS_BLOCK];
        let ps: [&[f32]; ROWS_BLOCK] =
            core::array::from_fn(|s| if s < count { &p[s * c..][..c] } else { &[] });
        fast.axpy_multi(&ones[..count], &ps[..count], gb);
        let xs: [&[f32]; ROWS_BLOCK] =
            core::array::from_fn(|s| if s < count { &act[s * u..][..h] } else { &[] });
        fast.axpy_rows_each(p, c, &xs[..count], gw);
        let w = &wt[out.weights()];
        fast.combine_rows(p, c, w, h, delta, u, count, Some(act));
        let ds: [&[f32]; ROWS_BLOCK] =
            core::array::from_fn(|s| if s < count { &delta[s * u..][..h] } else { &[] });
        fast.axpy_multi(&ones[..count], &ds[..count], &mut acc[hidden.biases()]);
        total
    }

    /// [`Architecture::loss_grad`] with the later layers always sample by sample (the
    /// reference the blocked later layers of the fast x86-64 kernels are tested against, bit
    /// for bit; `tests/kernels_fast.rs`).
    pub fn loss_grad_sample_by_sample(
        &self,
        theta: &[f32],
        inputs: &[f32],
        labels: &[u8],
        grad_out: &mut [f32],
        ws: &mut MlpWorkspace,
    ) -> f32 {
        let batch = self.batch(inputs, labels, None);
        self.run_with(theta, batch, Pass::Gradient(grad_out), ws, false)
    }

    /// Copies `src` (flat layout) into `dst` with every W_l transposed to out_l x in_l.
    fn transpose_weights(&self, src: &[f32], dst: &mut [f32]) {
        for layer in &self.layers {
            let (n_in, n_out) = (layer.inputs, layer.outputs);
            let w = &src[layer.weights()];
            let wt = &mut dst[layer.weights()];
            for (i, row) in w.chunks_exact(n_out).enumerate() {
                for (j, &wij) in row.iter().enumerate() {
                    wt[j * n_in + i] = wij;
                }
            }
            dst[layer.biases()].copy_from_slice(&src[layer.biases()]);
        }
    }

    /// Writes `scale` times `src` (transposed layout) into `dst` in the flat layout.
    fn untranspose_scaled(&self, src: &[f32], scale: f32, dst: &mut [f32]) {
        for layer in &self.layers {
            let (n_in, n_out) = (layer.inputs, layer.outputs);
            let wt = &src[layer.weights()];
            let w = &mut dst[layer.weights()];
            for (j, col) in wt.chunks_exact(n_in).enumerate() {
                for (i, &wji) in col.iter().enumerate() {
                    w[i * n_out + j] = wji * scale;
                }
            }
            for (d, &s) in dst[layer.biases()].iter_mut().zip(&src[layer.biases()]) {
                *d = s * scale;
            }
        }
    }
}

impl Architecture for Mlp {
    type Workspace = MlpWorkspace;

    fn parameter_count(&self) -> usize {
        self.parameters
    }

    fn input_dim(&self) -> usize {
        self.sizes[0]
    }

    fn classes(&self) -> usize {
        self.sizes[self.sizes.len() - 1]
    }

    /// The layer sizes, input first.
    fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// A workspace for this net (same as [`MlpWorkspace::new`]).
    fn workspace(&self) -> MlpWorkspace {
        MlpWorkspace::new(self)
    }

    /// Initial parameters: weights from a normal with standard deviation `sd` truncated at
    /// 2 sd (redrawn beyond, as TensorFlow's `truncated_normal`), biases zero.
    ///
    /// The paper's CNN uses sd = [`PAPER_INIT_SD`] (0.02). For 784-14-10 on pixels in
    /// [-1, 1] that is also a good choice: the first layer's pre-activations start with sd of
    /// about 0.02 sqrt(784 E[x^2]) ~ 0.4 (neither dead nor saturated), the logits start near
    /// zero (loss ~ ln 10, no confident mistakes). Measured: full-batch GD with lr 0.1 from
    /// it on the paper's 1200 label-corrupted images reaches 99.4% training accuracy (loss
    /// 0.04) after 3000 iterations, test accuracy ~69% (the paper's CNN: 66%).
    fn init(&self, rng: &mut Rng, sd: f32) -> Vec<f32> {
        let mut theta = vec![0.0f32; self.parameters];
        for layer in &self.layers {
            for w in &mut theta[layer.weights()] {
                *w = loop {
                    let z = rng.normal();
                    if z.abs() <= 2.0 {
                        break (z * sd as f64) as f32;
                    }
                };
            }
        }
        theta
    }

    fn flops(&self, samples: usize) -> (f64, f64) {
        let layers = self.layers();
        let first = (layers[0].inputs * layers[0].outputs) as f64;
        let rest: f64 = layers[1..]
            .iter()
            .map(|l| (l.inputs * l.outputs) as f64)
            .sum();
        let n = samples as f64;
        // Per sample: forward 2f + 2r, weight gradient 2f + 2r, back-propagated
        // delta 2r; HVP: forward 2f + 2r, R-forward 2f + 4r, R-backward 2f + 4r
        // (weights) + 6r (deltas).
        (
            n * (4.0 * first + 6.0 * rest),
            n * (6.0 * first + 16.0 * rest),
        )
    }

    /// The one loop behind every batch function: the mean loss, plus the mean gradient or the
    /// Hessian-vector product as `pass` says.
    ///
    /// Samples go in blocks of [`BLOCK`]: the first layer (where almost all the work is: 784
    /// inputs) runs its forward pass, R-forward pass and weight-gradient update for the whole
    /// block at once, so each of its weight rows is read once per block instead of once per
    /// sample ([`dots_rows`], [`axpy_rows`]); the small later layers go sample by sample
    /// (with the fast x86-64 kernels, a one-hidden-layer net's gradient and loss passes run
    /// them for the block too: [`FastKernels::affine_rows`] and the like). Every float gets
    /// the same operations in the same order as sample-by-sample processing, so the results
    /// do not depend on the block size.
    fn run(&self, theta: &[f32], batch: Batch, pass: Pass, ws: &mut MlpWorkspace) -> f32 {
        self.run_with(theta, batch, pass, ws, true)
    }

    /// Fits the workspace and transposes the weights into it.
    fn prepare(&self, theta: &[f32], ws: &mut MlpWorkspace) {
        ws.fit(self);
        self.transpose_weights(theta, &mut ws.wt);
    }

    fn forward_logits<'w>(
        &self,
        _theta: &[f32],
        input: &[f32],
        ws: &'w mut MlpWorkspace,
    ) -> &'w [f32] {
        self.forward(&ws.wt, input, &mut ws.act);
        &ws.act[self.last().units()]
    }
}

#[inline]
fn relu(z: f32) -> f32 {
    if z > 0.0 {
        z
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An independent f64 reference straight from the documented layout (no transposes, no
    /// workspace): mean loss, mean gradient, and the hidden pre-activations (to keep finite
    /// differences away from ReLU kinks).
    fn reference(
        sizes: &[usize],
        theta: &[f64],
        inputs: &[f32],
        labels: &[u8],
    ) -> (f64, Vec<f64>, Vec<f64>) {
        let n = labels.len();
        let mut grad = vec![0.0; theta.len()];
        let mut loss = 0.0;
        let mut hidden_z = Vec::new();
        let nl = sizes.len() - 1;
        for s in 0..n {
            // Forward, keeping every layer's input.
            let mut acts: Vec<Vec<f64>> = vec![inputs[s * sizes[0]..(s + 1) * sizes[0]]
                .iter()
                .map(|&v| v as f64)
                .collect()];
            let mut offset = 0;
            let mut offsets = Vec::new();
            for l in 0..nl {
                let (ni, no) = (sizes[l], sizes[l + 1]);
                offsets.push(offset);
                let a = &acts[l];
                let mut z = vec![0.0; no];
                for (j, zj) in z.iter_mut().enumerate() {
                    *zj = theta[offset + ni * no + j];
                    for (i, &ai) in a.iter().enumerate() {
                        *zj += ai * theta[offset + i * no + j];
                    }
                }
                offset += (ni + 1) * no;
                if l + 1 < nl {
                    hidden_z.extend_from_slice(&z);
                    z.iter_mut().for_each(|v| *v = v.max(0.0));
                }
                acts.push(z);
            }
            let z = &acts[nl];
            let max = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let lse = max + z.iter().map(|v| (v - max).exp()).sum::<f64>().ln();
            let y = labels[s] as usize;
            loss += lse - z[y];
            let mut delta: Vec<f64> = z.iter().map(|v| (v - lse).exp()).collect();
            delta[y] -= 1.0;
            for l in (0..nl).rev() {
                let (ni, no) = (sizes[l], sizes[l + 1]);
                let off = offsets[l];
                let a = &acts[l];
                for i in 0..ni {
                    for j in 0..no {
                        grad[off + i * no + j] += a[i] * delta[j] / n as f64;
                    }
                }
                for j in 0..no {
                    grad[off + ni * no + j] += delta[j] / n as f64;
                }
                let mut prev = vec![0.0; ni];
                for (i, p) in prev.iter_mut().enumerate() {
                    for j in 0..no {
                        *p += theta[off + i * no + j] * delta[j];
                    }
                    if a[i] <= 0.0 {
                        *p = 0.0;
                    }
                }
                delta = prev;
            }
        }
        (loss / n as f64, grad, hidden_z)
    }

    struct Case {
        mlp: Mlp,
        theta: Vec<f32>,
        inputs: Vec<f32>,
        labels: Vec<u8>,
    }

    impl Case {
        fn theta64(&self) -> Vec<f64> {
            self.theta.iter().map(|&v| v as f64).collect()
        }
        fn reference_at(&self, theta: &[f64]) -> (f64, Vec<f64>, Vec<f64>) {
            reference(self.mlp.sizes(), theta, &self.inputs, &self.labels)
        }
    }

    /// A tiny random problem whose hidden pre-activations all keep at least `margin` from 0,
    /// so finite differences of size << margin never cross a ReLU kink.
    fn case(sizes: &[usize], n: usize, seed: u64) -> Case {
        let mlp = Mlp::new(sizes);
        for attempt in 0..1000u64 {
            let mut rng = Rng::for_stream(seed, &[attempt]);
            let mut theta = mlp.init(&mut rng, 0.7);
            for b in mlp.layers().iter().flat_map(|l| l.biases()) {
                theta[b] = (0.3 * rng.normal()) as f32;
            }
            let inputs: Vec<f32> = (0..n * sizes[0]).map(|_| rng.normal() as f32).collect();
            let labels: Vec<u8> = (0..n).map(|_| rng.index(mlp.classes()) as u8).collect();
            let c = Case {
                mlp: mlp.clone(),
                theta,
                inputs,
                labels,
            };
            if c.reference_at(&c.theta64())
                .2
                .iter()
                .all(|v| v.abs() > 0.05)
            {
                return c;
            }
        }
        panic!("no kink-free case found for {sizes:?}");
    }

    fn max_abs(v: &[f64]) -> f64 {
        v.iter().fold(0.0, |m, x| m.max(x.abs()))
    }

    const SHAPES: [&[usize]; 3] = [&[5, 4, 3], &[4, 5, 4, 3], &[3, 6, 2]];

    #[test]
    fn layout_is_as_documented() {
        let mlp = Mlp::new(&[784, 14, 10]);
        assert_eq!(mlp.parameter_count(), 784 * 14 + 14 + 14 * 10 + 10);
        let l = mlp.layers();
        assert_eq!((l[0].weights(), l[0].biases()), (0..10976, 10976..10990));
        assert_eq!(
            (l[1].weights(), l[1].biases()),
            (10990..11130, 11130..11140)
        );
        assert_eq!(l[1].range(), 10990..11140);
        assert_eq!((mlp.input_dim(), mlp.classes()), (784, 10));
    }

    #[test]
    fn reference_gradient_matches_finite_differences() {
        for (s, sizes) in SHAPES.iter().enumerate() {
            let c = case(sizes, 10, 100 + s as u64);
            let t = c.theta64();
            let (_, g, _) = c.reference_at(&t);
            let h = 1e-6;
            for k in 0..t.len() {
                let (mut tp, mut tm) = (t.clone(), t.clone());
                tp[k] += h;
                tm[k] -= h;
                let fd = (c.reference_at(&tp).0 - c.reference_at(&tm).0) / (2.0 * h);
                assert!(
                    (fd - g[k]).abs() < 1e-7,
                    "{sizes:?} k={k}: {fd} vs {}",
                    g[k]
                );
            }
        }
    }

    #[test]
    fn gradient_matches_reference_and_finite_differences() {
        for (s, sizes) in SHAPES.iter().enumerate() {
            let c = case(sizes, 10, 200 + s as u64);
            let t = c.theta64();
            let (loss_ref, g_ref, _) = c.reference_at(&t);
            let mut ws = c.mlp.workspace();
            let mut g = vec![0.0f32; c.mlp.parameter_count()];
            let loss = c
                .mlp
                .loss_grad(&c.theta, &c.inputs, &c.labels, &mut g, &mut ws);
            assert!((loss as f64 - loss_ref).abs() < 1e-5 * (1.0 + loss_ref));
            let scale = max_abs(&g_ref);
            let h = 1e-5;
            for k in 0..t.len() {
                // Central differences of the f64 loss at the f32 point.
                let (mut tp, mut tm) = (t.clone(), t.clone());
                tp[k] += h;
                tm[k] -= h;
                let fd = (c.reference_at(&tp).0 - c.reference_at(&tm).0) / (2.0 * h);
                let e = g[k] as f64;
                assert!(
                    (e - fd).abs() < 1e-5 * scale,
                    "{sizes:?} k={k}: {e} vs {fd}"
                );
                assert!((e - g_ref[k]).abs() < 1e-5 * scale, "{sizes:?} k={k}");
            }
            let plain = c.mlp.loss(&c.theta, &c.inputs, &c.labels, &mut ws);
            assert_eq!(plain, loss);
        }
    }

    /// The Hessian of the f64 reference by central differences of its gradient, row-major.
    fn fd_hessian(c: &Case) -> Vec<f64> {
        let t = c.theta64();
        let d = t.len();
        let h = 1e-5;
        let mut hess = vec![0.0; d * d];
        for k in 0..d {
            let (mut tp, mut tm) = (t.clone(), t.clone());
            tp[k] += h;
            tm[k] -= h;
            let (gp, gm) = (c.reference_at(&tp).1, c.reference_at(&tm).1);
            for i in 0..d {
                hess[k * d + i] = (gp[i] - gm[i]) / (2.0 * h);
            }
        }
        hess
    }

    #[test]
    fn hvp_matches_finite_differences_of_the_gradient() {
        for (s, sizes) in SHAPES.iter().enumerate() {
            let c = case(sizes, 10, 300 + s as u64);
            let d = c.mlp.parameter_count();
            let mut rng = Rng::for_stream(7, &[s as u64]);
            let v: Vec<f32> = (0..d).map(|_| rng.normal() as f32).collect();
            let mut ws = c.mlp.workspace();
            let mut hv = vec![0.0f32; d];
            c.mlp
                .hvp(&c.theta, &c.inputs, &c.labels, &v, &mut hv, &mut ws);
            // f64 reference: (g(t + h v) - g(t - h v)) / 2h.
            let t = c.theta64();
            let h = 1e-6;
            let tp: Vec<f64> = t.iter().zip(&v).map(|(a, b)| a + h * *b as f64).collect();
            let tm: Vec<f64> = t.iter().zip(&v).map(|(a, b)| a - h * *b as f64).collect();
            let (rp, rm) = (c.reference_at(&tp), c.reference_at(&tm));
            let fd: Vec<f64> =
                rp.1.iter()
                    .zip(&rm.1)
                    .map(|(a, b)| (a - b) / (2.0 * h))
                    .collect();
            let scale = max_abs(&fd);
            for k in 0..d {
                let e = hv[k] as f64;
                assert!(
                    (e - fd[k]).abs() < 1e-4 * scale,
                    "{sizes:?} k={k}: {e} vs {}",
                    fd[k]
                );
            }
            // f32 gradients with a larger step still agree to f32-sized tolerance.
            let h32 = 1e-2f32;
            let tp: Vec<f32> = c.theta.iter().zip(&v).map(|(a, b)| a + h32 * b).collect();
            let tm: Vec<f32> = c.theta.iter().zip(&v).map(|(a, b)| a - h32 * b).collect();
            let (mut gp, mut gm) = (vec![0.0f32; d], vec![0.0f32; d]);
            c.mlp.loss_grad(&tp, &c.inputs, &c.labels, &mut gp, &mut ws);
            c.mlp.loss_grad(&tm, &c.inputs, &c.labels, &mut gm, &mut ws);
            for k in 0..d {
                let fd32 = ((gp[k] - gm[k]) / (2.0 * h32)) as f64;
                let e = hv[k] as f64;
                assert!(
                    (e - fd32).abs() < 1e-2 * scale,
                    "{sizes:?} k={k}: {e} vs {fd32}"
                );
            }
        }
    }

    #[test]
    fn full_hessian_matches_an_independent_one_and_is_symmetric() {
        for (s, sizes) in SHAPES.iter().enumerate() {
            let c = case(sizes, 10, 400 + s as u64);
            let d = c.mlp.parameter_count();
            let mut ws = c.mlp.workspace();
            let h = c.mlp.full_hessian(&c.theta, &c.inputs, &c.labels, &mut ws);
            let fd = fd_hessian(&c);
            let scale = max_abs(&fd);
            for k in 0..d * d {
                assert!(
                    (h[k] as f64 - fd[k]).abs() < 1e-4 * scale,
                    "{sizes:?} ({}, {}): {} vs {}",
                    k / d,
                    k % d,
                    h[k],
                    fd[k]
                );
            }
            // The raw HVP columns (before symmetrising) are already symmetric to rounding.
            let mut raw = vec![0.0f32; d * d];
            let mut e = vec![0.0f32; d];
            for k in 0..d {
                e[k] = 1.0;
                c.mlp.hvp(
                    &c.theta,
                    &c.inputs,
                    &c.labels,
                    &e,
                    &mut raw[k * d..(k + 1) * d],
                    &mut ws,
                );
                e[k] = 0.0;
            }
            for i in 0..d {
                for j in 0..i {
                    let (a, b) = (raw[i * d + j] as f64, raw[j * d + i] as f64);
                    assert!(
                        (a - b).abs() < 1e-5 * scale,
                        "{sizes:?} ({i}, {j}): {a} vs {b}"
                    );
                }
            }
            // And H v from one HVP equals the matrix times v.
            let mut rng = Rng::for_stream(9, &[]);
            let v: Vec<f32> = (0..d).map(|_| rng.normal() as f32).collect();
            let mut hv = vec![0.0f32; d];
            c.mlp
                .hvp(&c.theta, &c.inputs, &c.labels, &v, &mut hv, &mut ws);
            for i in 0..d {
                let mv: f64 = (0..d).map(|j| h[i * d + j] as f64 * v[j] as f64).sum();
                assert!((hv[i] as f64 - mv).abs() < 1e-4 * scale * d as f64);
            }
        }
    }

    #[test]
    fn indices_equal_the_copied_sub_batch() {
        let c = case(&[4, 5, 4, 3], 12, 500);
        let (mlp, d, n_in) = (&c.mlp, c.mlp.parameter_count(), c.mlp.input_dim());
        let indices = [3usize, 0, 7, 7, 11, 2];
        let mut sub_x = Vec::new();
        let mut sub_y = Vec::new();
        for &i in &indices {
            sub_x.extend_from_slice(&c.inputs[i * n_in..(i + 1) * n_in]);
            sub_y.push(c.labels[i]);
        }
        let mut ws = mlp.workspace();
        let (mut g1, mut g2) = (vec![0.0f32; d], vec![0.0f32; d]);
        let l1 = mlp.loss_grad_indices(&c.theta, &c.inputs, &c.labels, &indices, &mut g1, &mut ws);
        let l2 = mlp.loss_grad(&c.theta, &sub_x, &sub_y, &mut g2, &mut ws);
        assert_eq!((l1, &g1), (l2, &g2));
        let l3 = mlp.loss_indices(&c.theta, &c.inputs, &c.labels, &indices, &mut ws);
        assert_eq!(l3, l2);
        let v: Vec<f32> = (0..d).map(|k| (k as f32 * 0.37).sin()).collect();
        let (mut h1, mut h2) = (vec![0.0f32; d], vec![0.0f32; d]);
        mlp.hvp_indices(
            &c.theta, &c.inputs, &c.labels, &indices, &v, &mut h1, &mut ws,
        );
        mlp.hvp(&c.theta, &sub_x, &sub_y, &v, &mut h2, &mut ws);
        assert_eq!(h1, h2);
    }

    #[test]
    fn results_are_deterministic_and_independent_of_the_workspace() {
        let c = case(&[5, 4, 3], 10, 600);
        let d = c.mlp.parameter_count();
        let v: Vec<f32> = (0..d).map(|k| (k as f32).cos()).collect();
        let run = |ws: &mut MlpWorkspace| {
            let (mut g, mut hv) = (vec![0.0f32; d], vec![0.0f32; d]);
            let l = c.mlp.loss_grad(&c.theta, &c.inputs, &c.labels, &mut g, ws);
            c.mlp.hvp(&c.theta, &c.inputs, &c.labels, &v, &mut hv, ws);
            (l.to_bits(), g, hv)
        };
        let mut ws = c.mlp.workspace();
        let first = run(&mut ws);
        assert_eq!(first, run(&mut ws));
        // A workspace last used by a bigger, different net gives the same bits.
        let big = case(&[6, 7, 5, 4], 3, 601);
        let mut other = MlpWorkspace::default();
        let mut g = vec![0.0f32; big.mlp.parameter_count()];
        big.mlp
            .loss_grad(&big.theta, &big.inputs, &big.labels, &mut g, &mut other);
        assert_eq!(first, run(&mut other));
        // Same seed, same initialisation.
        let a = c.mlp.init(&mut Rng::for_stream(1, &[2]), 0.02);
        assert_eq!(a, c.mlp.init(&mut Rng::for_stream(1, &[2]), 0.02));
    }

    #[test]
    fn init_is_a_truncated_normal_with_zero_biases() {
        let mlp = Mlp::new(&[784, 14, 10]);
        let theta = mlp.init(&mut Rng::for_stream(3, &[]), PAPER_INIT_SD);
        for layer in mlp.layers() {
            assert!(theta[layer.biases()].iter().all(|&b| b == 0.0));
        }
        let w: Vec<f64> = mlp.layers()[0].weights().map(|k| theta[k] as f64).collect();
        assert!(w.iter().all(|&x| x.abs() <= 0.04 + 1e-9));
        let n = w.len() as f64;
        let mean = w.iter().sum::<f64>() / n;
        let sd = (w.iter().map(|x| x * x).sum::<f64>() / n).sqrt();
        // A normal truncated at 2 sd has sd 0.8796 of the untruncated one.
        assert!(mean.abs() < 5.0 * 0.02 / n.sqrt());
        assert!((sd / 0.02 - 0.8796).abs() < 0.02, "sd = {sd}");
    }

    #[test]
    fn predictions_accuracy_and_a_few_gd_steps() {
        // Two well-separated Gaussian classes; GD must fit them and accuracy must agree
        // with the argmax of the logits.
        let mlp = Mlp::new(&[3, 8, 2]);
        let mut rng = Rng::for_stream(4, &[]);
        let n = 40;
        let mut inputs = Vec::new();
        let mut labels = Vec::new();
        for i in 0..n {
            let y = (i % 2) as u8;
            let shift = if y == 1 { 1.0 } else { -1.0 };
            for _ in 0..3 {
                inputs.push((shift + 0.3 * rng.normal()) as f32);
            }
            labels.push(y);
        }
        let mut theta = mlp.init(&mut rng, 0.5);
        let mut ws = mlp.workspace();
        let mut g = vec![0.0f32; mlp.parameter_count()];
        let start = mlp.loss(&theta, &inputs, &labels, &mut ws);
        for _ in 0..200 {
            mlp.loss_grad(&theta, &inputs, &labels, &mut g, &mut ws);
            theta.iter_mut().zip(&g).for_each(|(t, gk)| *t -= 0.1 * gk);
        }
        let end = mlp.loss(&theta, &inputs, &labels, &mut ws);
        assert!(end < 0.1 * start, "{start} -> {end}");
        let acc = mlp.accuracy(&theta, &inputs, &labels, &mut ws);
        assert_eq!(acc, 1.0);
        let mut logits = [0.0f32; 2];
        for i in 0..n {
            let x = &inputs[i * 3..(i + 1) * 3];
            mlp.logits(&theta, x, &mut logits, &mut ws);
            let expect = (logits[1] > logits[0]) as u8;
            assert_eq!(mlp.predict(&theta, x, &mut ws), expect);
        }
    }
}
