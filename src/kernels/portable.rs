//! The portable kernels: plain Rust, the reference every other implementation must match bit
//! for bit. No fused multiply-add, and every addition in an order fixed by this code.

use super::LANES;

/// y += alpha x, element by element (`y[i] + alpha * x[i]`, one rounding for the product and
/// one for the sum).
#[inline]
pub fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
    debug_assert_eq!(x.len(), y.len());
    for (yi, &xi) in y.iter_mut().zip(x) {
        *yi += alpha * xi;
    }
}

/// `rows` [`axpy`]s of `cols` floats at strides `x_stride` and `y_stride`: row r is
/// `y[r * y_stride..][..cols] += alpha x[r * x_stride..][..cols]`, in row order (the
/// weight-gradient update of one convolution window: a filter's patch rows).
#[inline]
pub fn axpy_strided(
    alpha: f32,
    x: &[f32],
    x_stride: usize,
    y: &mut [f32],
    y_stride: usize,
    rows: usize,
    cols: usize,
) {
    axpy_strided_check(x, x_stride, y, y_stride, rows, cols);
    for r in 0..rows {
        axpy(
            alpha,
            &x[r * x_stride..][..cols],
            &mut y[r * y_stride..][..cols],
        );
    }
}

/// The shape checks of [`axpy_strided`], shared by every implementation.
pub(super) fn axpy_strided_check(
    x: &[f32],
    x_stride: usize,
    y: &[f32],
    y_stride: usize,
    rows: usize,
    cols: usize,
) {
    if rows > 0 && cols > 0 {
        assert!(
            x.len() >= (rows - 1) * x_stride + cols,
            "axpy_strided: x too short"
        );
        assert!(
            y.len() >= (rows - 1) * y_stride + cols,
            "axpy_strided: y too short"
        );
    }
}

axpy_patches_by_terms!(#[inline]);

/// The shape checks of [`axpy_patches`], shared by every implementation: as many offsets as
/// coefficients, and every patch (plus [`super::PATCH_SLACK`] floats) inside `x`.
#[allow(clippy::too_many_arguments)]
pub(super) fn axpy_patches_check(
    alphas: &[f32],
    offsets: &[u32],
    x: &[f32],
    x_stride: usize,
    y: &[f32],
    y_stride: usize,
    rows: usize,
    cols: usize,
) {
    assert_eq!(
        alphas.len(),
        offsets.len(),
        "axpy_patches: one offset per term"
    );
    // (Disjoint rows: each element of `y` belongs to one row, so it may be held in one place
    // across the terms.)
    assert!(
        rows <= 1 || y_stride >= cols,
        "axpy_patches: the rows of y overlap"
    );
    // (A max of the values, not `Iterator::max`, whose running reference to the last maximum
    // is a chain of selects: a twentieth of `cnn-grad` in the SIMD wasm build.)
    if let (Some(last), true) = (
        offsets.iter().copied().reduce(u32::max),
        rows > 0 && cols > 0,
    ) {
        let last = last as usize;
        assert!(
            x.len() >= last + (rows - 1) * x_stride + cols + super::PATCH_SLACK,
            "axpy_patches: x too short"
        );
        assert!(
            y.len() >= (rows - 1) * y_stride + cols,
            "axpy_patches: y too short"
        );
    }
}

/// a . b with [`LANES`] independent partial sums: element i of every full chunk of 8 goes to
/// partial sum i % 8, the last len % 8 elements to a separate tail sum (in order), and the
/// result is `((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7))) + tail`.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    let mut acc = [0.0f32; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (xa, xb) in ca.zip(cb) {
        for ((s, &p), &q) in acc.iter_mut().zip(xa).zip(xb) {
            *s += p * q;
        }
    }
    let mut tail = 0.0f32;
    for (&p, &q) in ra.iter().zip(rb) {
        tail += p * q;
    }
    let left = (acc[0] + acc[4]) + (acc[1] + acc[5]);
    let right = (acc[2] + acc[6]) + (acc[3] + acc[7]);
    (left + right) + tail
}

/// The transposed-weight affine map: `z[j] = b[j] + dot(x, w[j * x.len()..][..x.len()])` for
/// every output j (`w` is out x in, row-major: one contiguous row per output).
#[inline]
pub fn affine_t(w: &[f32], x: &[f32], b: &[f32], z: &mut [f32]) {
    debug_assert_eq!(w.len(), x.len() * z.len());
    debug_assert_eq!(b.len(), z.len());
    if x.is_empty() {
        z.copy_from_slice(b);
        return;
    }
    for ((zj, row), &bj) in z.iter_mut().zip(w.chunks_exact(x.len())).zip(b) {
        *zj = bj + dot(x, row);
    }
}

/// `out[i] = libm::expf(z[i] - shift)` (the softmax's exponentials; `z` and `out` of the
/// same length).
#[inline]
pub fn exp_sub(z: &[f32], shift: f32, out: &mut [f32]) {
    debug_assert_eq!(z.len(), out.len());
    for (o, &v) in out.iter_mut().zip(z) {
        *o = libm::expf(v - shift);
    }
}

/// Zeroes `g` wherever the activation `a` is not positive (multiplies by ReLU'(z)).
#[inline]
pub fn relu_mask(a: &[f32], g: &mut [f32]) {
    debug_assert_eq!(a.len(), g.len());
    for (gi, &ai) in g.iter_mut().zip(a) {
        if ai <= 0.0 {
            *gi = 0.0;
        }
    }
}

/// `out[s] = dot(xs[s], row)` for every s (at most [`super::BLOCK`] inputs), bit for bit as
/// [`dot`]: each keeps its own [`LANES`] partial sums, tail and reduction tree. Done together
/// so every chunk of `row` is loaded once for all inputs (a forward pass over a block of
/// samples reads each weight row once instead of once per sample).
#[inline]
pub fn dots(row: &[f32], xs: &[&[f32]], out: &mut [f32]) {
    debug_assert!(xs.len() <= super::BLOCK && out.len() == xs.len());
    match xs.len() {
        4 => dots_n::<4>(row, xs, out),
        3 => dots_n::<3>(row, xs, out),
        2 => dots_n::<2>(row, xs, out),
        1 => out[0] = dot(xs[0], row),
        _ => {}
    }
}

#[inline(always)]
fn dots_n<const N: usize>(row: &[f32], xs: &[&[f32]], out: &mut [f32]) {
    let n = row.len();
    let body = n - n % LANES;
    let xs: [&[f32]; N] = std::array::from_fn(|s| &xs[s][..n]);
    let mut acc = [[0.0f32; LANES]; N];
    let mut i = 0;
    while i < body {
        let r = &row[i..i + LANES];
        for s in 0..N {
            let x = &xs[s][i..i + LANES];
            for l in 0..LANES {
                acc[s][l] += x[l] * r[l];
            }
        }
        i += LANES;
    }
    for s in 0..N {
        let mut tail = 0.0f32;
        for (&p, &q) in xs[s][body..].iter().zip(&row[body..]) {
            tail += p * q;
        }
        let a = &acc[s];
        let left = (a[0] + a[4]) + (a[1] + a[5]);
        let right = (a[2] + a[6]) + (a[3] + a[7]);
        out[s] = (left + right) + tail;
    }
}

/// `y += alphas[k] xs[k]` for k = 0, 1, ... in that order, bit for bit as that many [`axpy`]
/// calls (every element gets the same products added in the same order), but `y` is loaded
/// and stored once per group of up to [`super::BLOCK`] terms.
#[inline]
pub fn axpy_multi(alphas: &[f32], xs: &[&[f32]], y: &mut [f32]) {
    debug_assert_eq!(alphas.len(), xs.len());
    for (a, x) in alphas.chunks(super::BLOCK).zip(xs.chunks(super::BLOCK)) {
        match a.len() {
            4 => axpy_n::<4>(a, x, y),
            3 => axpy_n::<3>(a, x, y),
            2 => axpy_n::<2>(a, x, y),
            _ => axpy(a[0], x[0], y),
        }
    }
}

#[inline(always)]
fn axpy_n<const N: usize>(alphas: &[f32], xs: &[&[f32]], y: &mut [f32]) {
    let n = y.len();
    let xs: [&[f32]; N] = std::array::from_fn(|k| &xs[k][..n]);
    let a: [f32; N] = std::array::from_fn(|k| alphas[k]);
    for (i, yi) in y.iter_mut().enumerate() {
        let mut v = *yi;
        for k in 0..N {
            v += a[k] * xs[k][i];
        }
        *yi = v;
    }
}

/// `out[s * stride + j] = dot(xs[s], row j of w)` for every row j of `w` (rows x n, n the
/// inputs' common length), bit for bit as [`dot`] ([`dots`] row by row).
#[inline]
pub fn dots_rows(w: &[f32], xs: &[&[f32]], out: &mut [f32], stride: usize) {
    let Some(first) = xs.first() else { return };
    let n = first.len();
    let mut z = [0.0f32; super::BLOCK];
    let z = &mut z[..xs.len()];
    for (j, row) in rows(w, n).enumerate() {
        dots(row, xs, z);
        for (s, &zs) in z.iter().enumerate() {
            out[s * stride + j] = zs;
        }
    }
}

/// For every row j of `y`: `row j += alphas[s * stride + j] xs[s]` for s in order, zero
/// coefficients included, except that a row whose coefficients are all zero is untouched.
#[inline]
pub fn axpy_rows(alphas: &[f32], stride: usize, xs: &[&[f32]], y: &mut [f32]) {
    let Some(first) = xs.first() else { return };
    let n = first.len();
    let mut a = [0.0f32; super::BLOCK];
    let a = &mut a[..xs.len()];
    for (j, row) in rows_mut(y, n).enumerate() {
        for (s, aj) in a.iter_mut().enumerate() {
            *aj = alphas[s * stride + j];
        }
        if a.iter().all(|&v| v == 0.0) {
            continue;
        }
        match xs.len() {
            4 => axpy_n::<4>(a, xs, row),
            3 => axpy_n::<3>(a, xs, row),
            2 => axpy_n::<2>(a, xs, row),
            _ => axpy(a[0], xs[0], row),
        }
    }
}

/// The rows of a rows x n matrix (none when n = 0).
pub(crate) fn rows(w: &[f32], n: usize) -> std::slice::ChunksExact<'_, f32> {
    w.chunks_exact(n.max(1))
}

/// The rows of a rows x n matrix, mutable (none when n = 0).
pub(crate) fn rows_mut(w: &mut [f32], n: usize) -> std::slice::ChunksExactMut<'_, f32> {
    w.chunks_exact_mut(n.max(1))
}

/// Output channels per register block of [`conv2d`].
pub(super) const CONV_CHANNELS: usize = 5;
/// Output columns per register block of [`conv2d`] (two 4-lane vectors).
pub(super) const CONV_COLUMNS: usize = 8;

/// Direct 2-D convolution (a cross-correlation, as TensorFlow's `conv2d`) of one image with
/// taps given as offsets, for every output channel n, row y and column x:
///
/// `out[(n * out_h + y) * out_w + x] = (sum over k = 0, 1, ... of w[k * N + n] *
/// src[y * row_stride + taps[k] + x]) + bias[n]`
///
/// with N = `bias.len()`, the sum started at 0 and taken in tap order (one rounding per
/// product and per addition, no fused multiply-add), the bias added last. `w` is K x N
/// row-major (K = `taps.len()`): an HWIO filter flattened, output channel fastest. A tap is
/// where one filter entry sits relative to an output's top-left input (e.g. `dy * 28 + dx`
/// for a 28-wide single-channel image, `ci * 144 + dy * 12 + dx` for 12x12 channel planes).
///
/// Every output is its own sequential sum, so blocking changes nothing: the work goes in
/// blocks of `CONV_CHANNELS` channels x `CONV_COLUMNS` columns of one row, whose
/// accumulators stay in registers while the taps stream by.
///
/// # Panics
/// If the lengths do not fit (a tap reaching outside `src` included).
#[allow(clippy::too_many_arguments)]
pub fn conv2d(
    src: &[f32],
    row_stride: usize,
    taps: &[u32],
    w: &[f32],
    bias: &[f32],
    out_h: usize,
    out_w: usize,
    out: &mut [f32],
) {
    conv2d_check(src, row_stride, taps, w, bias, out_h, out_w, out);
    let n = bias.len();
    let mut n0 = 0;
    while n0 < n {
        let c = (n - n0).min(CONV_CHANNELS);
        for y in 0..out_h {
            let mut x = 0;
            while x < out_w {
                let cols = if out_w - x >= CONV_COLUMNS {
                    CONV_COLUMNS
                } else {
                    1
                };
                let at = Block {
                    n0,
                    base: y * row_stride + x,
                    out: (n0 * out_h + y) * out_w + x,
                    plane: out_h * out_w,
                };
                match (c, cols) {
                    (5, 8) => conv_block::<5, 8>(src, taps, w, bias, at, out),
                    (4, 8) => conv_block::<4, 8>(src, taps, w, bias, at, out),
                    (3, 8) => conv_block::<3, 8>(src, taps, w, bias, at, out),
                    (2, 8) => conv_block::<2, 8>(src, taps, w, bias, at, out),
                    (1, 8) => conv_block::<1, 8>(src, taps, w, bias, at, out),
                    (5, _) => conv_block::<5, 1>(src, taps, w, bias, at, out),
                    (4, _) => conv_block::<4, 1>(src, taps, w, bias, at, out),
                    (3, _) => conv_block::<3, 1>(src, taps, w, bias, at, out),
                    (2, _) => conv_block::<2, 1>(src, taps, w, bias, at, out),
                    _ => conv_block::<1, 1>(src, taps, w, bias, at, out),
                }
                x += cols;
            }
        }
        n0 += c;
    }
}

/// The shape checks of [`conv2d`] (shared by every implementation: the SIMD one relies on
/// them for its unchecked loads).
#[allow(clippy::too_many_arguments)]
pub(super) fn conv2d_check(
    src: &[f32],
    row_stride: usize,
    taps: &[u32],
    w: &[f32],
    bias: &[f32],
    out_h: usize,
    out_w: usize,
    out: &[f32],
) {
    let (n, k) = (bias.len(), taps.len());
    assert_eq!(w.len(), k * n, "conv2d: w must be taps x channels");
    assert_eq!(
        out.len(),
        n * out_h * out_w,
        "conv2d: out has the wrong length"
    );
    if out_h > 0 && out_w > 0 {
        let reach =
            taps.iter().map(|&t| t as usize).max().unwrap_or(0) + (out_h - 1) * row_stride + out_w;
        assert!(reach <= src.len(), "conv2d: a tap reaches outside src");
    }
}

/// Where one register block of [`conv2d`] works.
#[derive(Clone, Copy)]
pub(super) struct Block {
    /// First output channel.
    pub n0: usize,
    /// Source offset of the block's first output (row base + column).
    pub base: usize,
    /// Index in `out` of channel n0's first output of the block.
    pub out: usize,
    /// Outputs per channel (the stride between channels in `out`).
    pub plane: usize,
}

/// `C` channels x `X` columns of [`conv2d`], accumulated over all taps, then biased and stored.
#[inline(always)]
pub(super) fn conv_block<const C: usize, const X: usize>(
    src: &[f32],
    taps: &[u32],
    w: &[f32],
    bias: &[f32],
    at: Block,
    out: &mut [f32],
) {
    let n = bias.len();
    let mut acc = [[0.0f32; X]; C];
    for (k, &t) in taps.iter().enumerate() {
        let s: &[f32; X] = src[at.base + t as usize..][..X].try_into().unwrap();
        let wk = &w[k * n + at.n0..][..C];
        for c in 0..C {
            for l in 0..X {
                acc[c][l] += wk[c] * s[l];
            }
        }
    }
    for c in 0..C {
        let o = &mut out[at.out + c * at.plane..][..X];
        for l in 0..X {
            o[l] = acc[c][l] + bias[at.n0 + c];
        }
    }
}

/// The 2x2/2 max-pool of one `side` x `side` plane (row-major) followed by ReLU, window by
/// window in row-major order (`side / 2` x `side / 2` windows, w = py * (side / 2) + px):
/// `am[w]` is the plane index of the window's first maximum in row-major order (a later entry
/// wins only if strictly greater, so ties and a NaN go to the earlier one, as TensorFlow's
/// max-pool gradient routes), `a[w]` that maximum if it is positive, else +0.
///
/// Natively the winner is picked with selects: which of 4 activations wins is close to random,
/// and mispredicted branches made the branchy loop a fifth of the CNN gradient (cnn-grad 53 ->
/// 41 ms native). In the scalar wasm build the branches stay: V8's code for the selects made
/// cnn-grad slower (SIMD wasm in Node, 2026-12-02: 69 ms with branches, 81 ms with selects).
/// The same comparisons either way, so the same winner and the same bits.
///
/// # Panics
/// If `plane` is shorter than side x side, `am` or `a` shorter than the windows, or a plane
/// index does not fit in a `u16`.
pub fn max_pool_relu(plane: &[f32], side: usize, am: &mut [u16], a: &mut [f32]) {
    max_pool_check(plane, side, am, a);
    let half = side / 2;
    for py in 0..half {
        for px in 0..half {
            let w = py * half + px;
            let (best, top) = window_max(plane, 2 * py * side + 2 * px, side);
            am[w] = best as u16;
            a[w] = if top > 0.0 { top } else { 0.0 };
        }
    }
}

/// The shape checks of [`max_pool_relu`], shared by every implementation.
pub(super) fn max_pool_check(plane: &[f32], side: usize, am: &[u16], a: &[f32]) {
    let q = (side / 2) * (side / 2);
    assert!(plane.len() >= side * side, "max_pool_relu: plane too short");
    assert!(
        am.len() >= q && a.len() >= q,
        "max_pool_relu: outputs too short"
    );
    assert!(
        side * side <= 1 << 16,
        "max_pool_relu: plane indices must fit in u16"
    );
}

/// The first maximum of the 2x2 window at `m0` of `plane` (row length `side`), in row-major
/// order, and its value (see [`max_pool_relu`] for the branches and selects).
#[inline(always)]
pub(super) fn window_max(plane: &[f32], m0: usize, side: usize) -> (usize, f32) {
    let window = [m0 + 1, m0 + side, m0 + side + 1];
    if cfg!(target_arch = "wasm32") {
        let mut best = m0;
        for m in window {
            if plane[m] > plane[best] {
                best = m;
            }
        }
        return (best, plane[best]);
    }
    let (mut best, mut top) = (m0, plane[m0]);
    for m in window {
        let v = plane[m];
        let wins = v > top;
        best = if wins { m } else { best };
        top = if wins { v } else { top };
    }
    (best, top)
}
