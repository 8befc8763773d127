//! AVX-512 versions of the first-layer kernels [`super::avx2::dots_rows`] and
//! [`super::avx2::axpy_rows`], used by them on a CPU that has AVX-512F: the same IEEE
//! operations on the same values in the same order, so bit for bit the AVX2 results (the tests
//! below compare the two), twice as many lanes per instruction.
//!
//! Why: the MLP's first layer (784 x 14) is about two thirds of a full-batch gradient
//! (`perf record`, docs/speed.md), and the AVX2 kernels already run it at 70-80% of the AVX2
//! fused multiply-add peak (timed alone on hot caches). On a CPU with two 512-bit FMA ports a
//! 16-lane register does twice the work per instruction: measured here 6.6 zmm against 7.1
//! ymm FMAs per ns in a register-only loop; these kernels gain 1.3-1.4x over the AVX2 ones.
//!
//! * `dots_rows`: every output of the AVX2 kernel is one 8-lane accumulator summed over the
//!   8-float chunks in order, then reduced by [`super::avx2::hsum`]. Here a 16-lane register
//!   holds two such accumulators, the outputs of one weight row for two samples (low half the
//!   first sample, high half the second): the chunk of the row broadcast to both halves, the
//!   two samples' chunks side by side. Each half sees exactly the operations the AVX2 kernel
//!   applies to that output, and each half is reduced by the same `hsum`.
//! * `axpy_rows`: every element of `y` gets one fused multiply-add per term, in sample order,
//!   independently of its neighbours; 16 elements per instruction change nothing.
//!
//! Every function is `#[target_feature(enable = "avx512f,avx2,fma")]`: only called after
//! `is_x86_feature_detected!("avx512f")` (and AVX2 + FMA, checked by the kernel choice).

use super::avx2::{hsum, mask};
use core::arch::x86_64::*;

/// f32 lanes of an AVX2 register: the chunk every output's accumulator sums by.
const W: usize = 8;

/// `[lo | hi]`: two 8-float chunks side by side.
#[inline]
#[target_feature(enable = "avx512f,avx2,fma")]
fn pair(lo: __m256, hi: __m256) -> __m512 {
    let lo = _mm512_castps_pd(_mm512_castps256_ps512(lo));
    _mm512_castpd_ps(_mm512_insertf64x4::<1>(lo, _mm256_castps_pd(hi)))
}

/// `[v | v]`.
#[inline]
#[target_feature(enable = "avx512f,avx2,fma")]
fn twice(v: __m256) -> __m512 {
    _mm512_castpd_ps(_mm512_broadcast_f64x4(_mm256_castps_pd(v)))
}

/// The high 8 lanes.
#[inline]
#[target_feature(enable = "avx512f,avx2,fma")]
fn high(v: __m512) -> __m256 {
    _mm256_castpd_ps(_mm512_extractf64x4_pd::<1>(_mm512_castps_pd(v)))
}

/// [`super::avx2::dots_rows`] (up to 8 inputs), bit for bit: tiles of up to 6 rows x 4 sample
/// pairs, 24 accumulators of 2 outputs each (32 registers hold them, the 4 sample pairs and a
/// broadcast row chunk); per chunk 4 pair inserts and 6 broadcasts feed 24 fused
/// multiply-adds of 16 lanes.
///
/// # Safety
/// The CPU must have AVX-512F, AVX2 and FMA.
#[target_feature(enable = "avx512f,avx2,fma")]
pub unsafe fn dots_rows(w: &[f32], xs: &[&[f32]], out: &mut [f32], stride: usize) {
    let Some(first) = xs.first() else { return };
    let n = first.len();
    if n == 0 {
        return;
    }
    let count = xs.len();
    assert!(count <= 2 * PAIRS, "dots_rows: at most 8 inputs");
    let pairs = count.div_ceil(2);
    // Pair p: samples 2p and 2p + 1 (the last sample twice when the count is odd; its high
    // half is then not stored).
    let xp: [[*const f32; 2]; PAIRS] =
        core::array::from_fn(|p| [0, 1].map(|k| xs[(2 * p + k).min(count - 1)][..n].as_ptr()));
    let n_rows = w.len() / n;
    let mut j = 0;
    while j < n_rows {
        let r = (n_rows - j).min(ROWS);
        // Rows past the tile's r repeat its last row (computed, not stored).
        let rp: [*const f32; ROWS] =
            core::array::from_fn(|k| w[(j + k.min(r - 1)) * n..][..n].as_ptr());
        let at = Tile {
            n,
            rows: r,
            count,
            stride,
        };
        let out = &mut out[j..];
        match (r, pairs) {
            (5.., 3..) => tile::<6, 4>(&rp, &xp, at, out),
            (5.., 2) => tile::<6, 2>(&rp, &xp, at, out),
            (5.., _) => tile::<6, 1>(&rp, &xp, at, out),
            (3..=4, 3..) => tile::<4, 4>(&rp, &xp, at, out),
            (3..=4, 2) => tile::<4, 2>(&rp, &xp, at, out),
            (3..=4, _) => tile::<4, 1>(&rp, &xp, at, out),
            (2, 3..) => tile::<2, 4>(&rp, &xp, at, out),
            (2, 2) => tile::<2, 2>(&rp, &xp, at, out),
            (2, _) => tile::<2, 1>(&rp, &xp, at, out),
            (_, 3..) => tile::<1, 4>(&rp, &xp, at, out),
            (_, 2) => tile::<1, 2>(&rp, &xp, at, out),
            _ => tile::<1, 1>(&rp, &xp, at, out),
        }
        j += r;
    }
}

/// Most rows per tile of [`dots_rows`].
const ROWS: usize = 6;
/// Most sample pairs per tile of [`dots_rows`].
const PAIRS: usize = 4;

/// The shape of one tile of [`dots_rows`].
#[derive(Clone, Copy)]
struct Tile {
    /// The inputs' length.
    n: usize,
    /// Rows of the tile that are stored.
    rows: usize,
    /// Inputs (samples) of the whole call.
    count: usize,
    /// The output stride between samples.
    stride: usize,
}

/// R rows x P sample pairs of [`dots_rows`]; `out` starts at the tile's first row.
#[allow(clippy::needless_range_loop)] // (register arrays indexed in step)
#[inline]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn tile<const R: usize, const P: usize>(
    rp: &[*const f32; ROWS],
    xp: &[[*const f32; 2]; PAIRS],
    at: Tile,
    out: &mut [f32],
) {
    let n = at.n;
    let mut acc = [[_mm512_setzero_ps(); P]; R];
    let body = n - n % W;
    let mut i = 0;
    // SAFETY: every row and input has length n; accesses are at i..i + 8 <= body, or masked.
    unsafe {
        while i < body {
            let xv: [__m512; P] = core::array::from_fn(|p| {
                pair(
                    _mm256_loadu_ps(xp[p][0].add(i)),
                    _mm256_loadu_ps(xp[p][1].add(i)),
                )
            });
            for r in 0..R {
                let wv = twice(_mm256_loadu_ps(rp[r].add(i)));
                for p in 0..P {
                    acc[r][p] = _mm512_fmadd_ps(xv[p], wv, acc[r][p]);
                }
            }
            i += W;
        }
        if body < n {
            // As the AVX2 kernel: masked-off lanes load +0 and add 0 * 0.
            let m = mask(n - body);
            let xv: [__m512; P] = core::array::from_fn(|p| {
                pair(
                    _mm256_maskload_ps(xp[p][0].add(body), m),
                    _mm256_maskload_ps(xp[p][1].add(body), m),
                )
            });
            for r in 0..R {
                let wv = twice(_mm256_maskload_ps(rp[r].add(body), m));
                for p in 0..P {
                    acc[r][p] = _mm512_fmadd_ps(xv[p], wv, acc[r][p]);
                }
            }
        }
    }
    for r in 0..R.min(at.rows) {
        for p in 0..P {
            let (s0, s1) = (2 * p, 2 * p + 1);
            if s0 < at.count {
                out[s0 * at.stride + r] = hsum(_mm512_castps512_ps256(acc[r][p]));
            }
            if s1 < at.count {
                out[s1 * at.stride + r] = hsum(high(acc[r][p]));
            }
        }
    }
}

/// [`super::avx2::axpy_rows`] (up to 8 inputs), bit for bit: pairs of rows, 16 elements per
/// register; a pair whose two rows are live in both groups of 4 takes all 8 terms in one pass
/// over the rows (2 loads and 2 stores of `y` and 8 input loads per 16 fused multiply-adds),
/// otherwise each group goes separately with the AVX2 kernel's skipping.
///
/// # Safety
/// The CPU must have AVX-512F, AVX2 and FMA.
#[target_feature(enable = "avx512f,avx2,fma")]
pub unsafe fn axpy_rows(alphas: &[f32], stride: usize, xs: &[&[f32]], y: &mut [f32]) {
    let Some(first) = xs.first() else { return };
    let n = first.len();
    if n == 0 {
        return;
    }
    let count = xs.len();
    assert!(count <= 8, "axpy_rows: at most 8 inputs");
    let n_rows = y.len() / n;
    let coef = |a: &[f32], j: usize, s: usize| a[s * stride + j];
    let mut j = 0;
    while j < n_rows {
        let r = (n_rows - j).min(2);
        let rows = &mut y[j * n..(j + r) * n];
        let live = |g: usize, row: usize| {
            (4 * g..(4 * g + 4).min(count)).any(|s| coef(alphas, row, s) != 0.0)
        };
        if count == 8 && r == 2 && live(0, j) && live(1, j) && live(0, j + 1) && live(1, j + 1) {
            let a: [[f32; 8]; 2] =
                core::array::from_fn(|k| core::array::from_fn(|s| coef(alphas, j + k, s)));
            let (r0, r1) = rows.split_at_mut(n);
            rows_n::<2, 8>(&a, xs, [r0.as_mut_ptr(), r1.as_mut_ptr()], n);
        } else {
            for (g, group) in xs.chunks(4).enumerate() {
                let a = &alphas[g * 4 * stride..];
                match group.len() {
                    4 => group_pair::<4>(a, stride, group, rows, j, n),
                    3 => group_pair::<3>(a, stride, group, rows, j, n),
                    2 => group_pair::<2>(a, stride, group, rows, j, n),
                    _ => group_pair::<1>(a, stride, group, rows, j, n),
                }
            }
        }
        j += r;
    }
}

/// Rows j (and j + 1 when `rows` holds two) for one group of S inputs, skipping a row whose S
/// coefficients are all zero (as the AVX2 kernel's `axpy_pair`).
#[inline]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn group_pair<const S: usize>(
    alphas: &[f32],
    stride: usize,
    xs: &[&[f32]],
    rows: &mut [f32],
    j: usize,
    n: usize,
) {
    let coef = |j: usize| -> [f32; S] { core::array::from_fn(|s| alphas[s * stride + j]) };
    let live = |a: &[f32; S]| a.iter().any(|&v| v != 0.0);
    let (a0, two) = (coef(j), rows.len() == 2 * n);
    let a1 = if two { coef(j + 1) } else { a0 };
    let p = rows.as_mut_ptr();
    // SAFETY: the CPU has the features (the caller's contract); rows holds n or 2 n floats.
    unsafe {
        match (live(&a0), two && live(&a1)) {
            (true, true) => rows_n::<2, S>(&[a0, a1], xs, [p, p.add(n)], n),
            (true, false) => rows_n::<1, S>(&[a0], xs, [p], n),
            (false, true) => rows_n::<1, S>(&[a1], xs, [p.add(n)], n),
            (false, false) => {}
        }
    }
}

/// `ys[r][..n] += a[r][s] xs[s]` for s in order, 16 floats per register, the last n % 16
/// masked.
///
/// # Safety
/// The CPU must have the features; every `ys[r]` must point to n writable floats that no other
/// reference is using, and every input must have length at least n.
#[allow(clippy::needless_range_loop)] // (register arrays indexed in step)
#[inline]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn rows_n<const R: usize, const S: usize>(
    a: &[[f32; S]; R],
    xs: &[&[f32]],
    ys: [*mut f32; R],
    n: usize,
) {
    const L: usize = 16;
    let va: [[__m512; S]; R] =
        core::array::from_fn(|r| core::array::from_fn(|s| _mm512_set1_ps(a[r][s])));
    let xp: [*const f32; S] = core::array::from_fn(|s| xs[s][..n].as_ptr());
    let body = n - n % L;
    let mut i = 0;
    // SAFETY: accesses at i..i + 16 <= body <= n, then masked to n.
    unsafe {
        // H chunks per pass: H R independent chains of S dependent fused multiply-adds, so
        // that every step over s has 8 independent ones (2 ports x 4 cycles of latency).
        const H: usize = 4;
        while i + H * L <= body {
            let mut u: [[__m512; H]; R] = core::array::from_fn(|r| {
                core::array::from_fn(|h| _mm512_loadu_ps(ys[r].add(i + h * L)))
            });
            for s in 0..S {
                let x: [__m512; H] =
                    core::array::from_fn(|h| _mm512_loadu_ps(xp[s].add(i + h * L)));
                for r in 0..R {
                    for h in 0..H {
                        u[r][h] = _mm512_fmadd_ps(va[r][s], x[h], u[r][h]);
                    }
                }
            }
            for r in 0..R {
                for h in 0..H {
                    _mm512_storeu_ps(ys[r].add(i + h * L), u[r][h]);
                }
            }
            i += H * L;
        }
        while i < body {
            let mut u: [__m512; R] = core::array::from_fn(|r| _mm512_loadu_ps(ys[r].add(i)));
            for s in 0..S {
                let x = _mm512_loadu_ps(xp[s].add(i));
                for r in 0..R {
                    u[r] = _mm512_fmadd_ps(va[r][s], x, u[r]);
                }
            }
            for r in 0..R {
                _mm512_storeu_ps(ys[r].add(i), u[r]);
            }
            i += L;
        }
        if body < n {
            let m: __mmask16 = ((1u32 << (n - body)) - 1) as __mmask16;
            let mut u: [__m512; R] =
                core::array::from_fn(|r| _mm512_maskz_loadu_ps(m, ys[r].add(body)));
            for s in 0..S {
                let x = _mm512_maskz_loadu_ps(m, xp[s].add(body));
                for r in 0..R {
                    u[r] = _mm512_fmadd_ps(va[r][s], x, u[r]);
                }
            }
            for r in 0..R {
                _mm512_mask_storeu_ps(ys[r].add(body), m, u[r]);
            }
        }
    }
}

/// [`super::avx2::axpy_rows_each`], bit for bit: each element of `y` gets `alpha * x + y`,
/// one rounding, per input in order, and nothing where the input's coefficient for its row is
/// zero, as there; here the rows' 16-float chunks are held in up to 8 registers at once and a
/// zero coefficient masks its fused multiply-add off (no branch), so the rows' chains of
/// dependent multiply-adds run side by side.
///
/// # Safety
/// The CPU must have AVX-512F, AVX2 and FMA.
#[target_feature(enable = "avx512f,avx2,fma")]
pub unsafe fn axpy_rows_each(alphas: &[f32], stride: usize, xs: &[&[f32]], y: &mut [f32]) {
    let Some(first) = xs.first() else { return };
    let n = first.len();
    if n == 0 {
        return;
    }
    for x in xs {
        assert_eq!(x.len(), n, "axpy_rows_each: inputs of one length");
    }
    let n_rows = y.len() / n;
    let mut j = 0;
    while j < n_rows {
        let r = (n_rows - j).min(8);
        // SAFETY: the features are the caller's contract; rows j..j + r of y and every input
        // hold n floats (checked above; the coefficients are read by checked indexing).
        unsafe {
            match r {
                8 => each_rows::<8>(alphas, stride, xs, y, j, n),
                7 => each_rows::<7>(alphas, stride, xs, y, j, n),
                6 => each_rows::<6>(alphas, stride, xs, y, j, n),
                5 => each_rows::<5>(alphas, stride, xs, y, j, n),
                4 => each_rows::<4>(alphas, stride, xs, y, j, n),
                3 => each_rows::<3>(alphas, stride, xs, y, j, n),
                2 => each_rows::<2>(alphas, stride, xs, y, j, n),
                _ => each_rows::<1>(alphas, stride, xs, y, j, n),
            }
        }
        j += r;
    }
}

/// Rows j..j + R of [`axpy_rows_each`], 16 floats of each per pass.
#[allow(clippy::needless_range_loop)] // (register arrays indexed in step)
#[inline]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn each_rows<const R: usize>(
    alphas: &[f32],
    stride: usize,
    xs: &[&[f32]],
    y: &mut [f32],
    j: usize,
    n: usize,
) {
    const L: usize = 16;
    let zero = _mm512_setzero_ps();
    let yp = y[j * n..(j + R) * n].as_mut_ptr();
    let mut i = 0;
    while i < n {
        let lanes = (n - i).min(L);
        let m: __mmask16 = if lanes == L {
            !0
        } else {
            ((1u32 << lanes) - 1) as __mmask16
        };
        // SAFETY: row r's floats i..i + lanes lie in y, each input's in the input (masked).
        unsafe {
            let mut u: [__m512; R] =
                core::array::from_fn(|r| _mm512_maskz_loadu_ps(m, yp.add(r * n + i)));
            for (s, x) in xs.iter().enumerate() {
                let xv = _mm512_maskz_loadu_ps(m, x.as_ptr().add(i));
                let a = &alphas[s * stride + j..][..R];
                for r in 0..R {
                    let av = _mm512_set1_ps(a[r]);
                    // Live where the coefficient is not zero (+0 and -0 are; NaN is not).
                    let live = _mm512_cmp_ps_mask::<_CMP_NEQ_UQ>(av, zero);
                    u[r] = _mm512_mask3_fmadd_ps(av, xv, u[r], live);
                }
            }
            for r in 0..R {
                _mm512_mask_storeu_ps(yp.add(r * n + i), m, u[r]);
            }
        }
        i += lanes;
    }
}

/// [`super::avx2::affine_rows`], bit for bit: the same operations per output, the lanes over
/// up to 16 outputs (all 10 of the MLP's logits in one register, where AVX2 needs two passes),
/// the ones past the outputs masked off.
///
/// # Safety
/// The CPU must have AVX-512F, AVX2 and FMA.
#[allow(clippy::too_many_arguments)]
#[allow(clippy::needless_range_loop)] // (register arrays indexed in step)
#[target_feature(enable = "avx512f,avx2,fma")]
pub unsafe fn affine_rows(
    w: &[f32],
    b: &[f32],
    x: &[f32],
    x_stride: usize,
    z: &mut [f32],
    z_stride: usize,
    count: usize,
) {
    const L: usize = 16;
    let outs = b.len();
    if outs == 0 || count == 0 {
        return;
    }
    let n = w.len() / outs;
    assert_eq!(w.len(), n * outs, "affine_rows: w must be n x outputs");
    if n == 0 {
        for s in 0..count {
            z[s * z_stride..][..outs].copy_from_slice(b);
        }
        return;
    }
    let chunks = n.div_ceil(W);
    let zero = _mm512_setzero_ps();
    for s in 0..count {
        let xs = &x[s * x_stride..][..n];
        let zs = &mut z[s * z_stride..][..outs];
        let mut j0 = 0;
        while j0 < outs {
            let lanes = (outs - j0).min(L);
            let m: __mmask16 = if lanes == L {
                !0
            } else {
                ((1u32 << lanes) - 1) as __mmask16
            };
            let wp = w[j0..].as_ptr();
            // SAFETY: row k's floats j0..j0 + lanes lie in w (k < n); loads masked to them.
            let row = |k: usize| unsafe { _mm512_maskz_loadu_ps(m, wp.add(k * outs)) };
            let mut v = [zero; W];
            if n < 4 * W {
                // No quads (the MLP's hidden layers): dot's whole chunks all go into its
                // first accumulator, a partial last chunk into its second, the other two stay
                // +0. Chunk by chunk, the 8 lanes' accumulators side by side.
                let full = n / W;
                let mut a0 = [zero; W];
                for c in 0..full {
                    for l in 0..W {
                        let k = c * W + l;
                        a0[l] = _mm512_fmadd_ps(_mm512_set1_ps(xs[k]), row(k), a0[l]);
                    }
                }
                // The partial chunk's masked lanes add 0 * 0 to +0: +0.
                let mut a1 = [zero; W];
                for l in 0..W {
                    let k = full * W + l;
                    if k < n {
                        a1[l] = _mm512_fmadd_ps(_mm512_set1_ps(xs[k]), row(k), zero);
                    }
                }
                let rest = _mm512_add_ps(zero, zero);
                for l in 0..W {
                    v[l] = _mm512_add_ps(_mm512_add_ps(a0[l], a1[l]), rest);
                }
            } else {
                for l in 0..W {
                    // As in the AVX2 kernel: lane l of dot's chunk c into accumulator `a`.
                    let step = |c: usize, a: __m512| {
                        let k = c * W + l;
                        if k < n {
                            _mm512_fmadd_ps(_mm512_set1_ps(xs[k]), row(k), a)
                        } else {
                            _mm512_fmadd_ps(zero, zero, a)
                        }
                    };
                    let (mut a0, mut a1, mut a2, mut a3) = (zero, zero, zero, zero);
                    let mut c = 0;
                    for _ in 0..n / (4 * W) {
                        a0 = step(c, a0);
                        a1 = step(c + 1, a1);
                        a2 = step(c + 2, a2);
                        a3 = step(c + 3, a3);
                        c += 4;
                    }
                    while (c + 1) * W <= n {
                        a0 = step(c, a0);
                        c += 1;
                    }
                    if c < chunks {
                        a1 = step(c, a1);
                    }
                    v[l] = _mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3));
                }
            }
            let dot = _mm512_add_ps(
                _mm512_add_ps(_mm512_add_ps(v[0], v[4]), _mm512_add_ps(v[2], v[6])),
                _mm512_add_ps(_mm512_add_ps(v[1], v[5]), _mm512_add_ps(v[3], v[7])),
            );
            // SAFETY: b and zs have `outs` floats; masked to j0..j0 + lanes.
            unsafe {
                let r = _mm512_add_ps(_mm512_maskz_loadu_ps(m, b[j0..].as_ptr()), dot);
                _mm512_mask_storeu_ps(zs[j0..].as_mut_ptr(), m, r);
            }
            j0 += lanes;
        }
    }
}

/// The AVX-512 and AVX2-only first-layer kernels against each other and against one output
/// (or one row and one group) at a time, bit for bit, on every shape around the MLP's.
#[cfg(test)]
mod tests {
    use super::super::avx2;
    use super::super::check::{row_alphas, vector};

    fn bits(v: &[f32]) -> Vec<u32> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    fn have() -> bool {
        let avx2 = std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma");
        if !avx2 || !std::is_x86_feature_detected!("avx512f") {
            eprintln!("no AVX-512F (or AVX2 + FMA) on this CPU: nothing to compare");
            return false;
        }
        true
    }

    fn lengths() -> impl Iterator<Item = usize> {
        (1..40).chain([63, 64, 65, 784])
    }

    #[test]
    fn axpy_rows_each_is_bit_for_bit_the_avx2_kernel() {
        if !have() {
            return;
        }
        for seed in [1, 7] {
            for n in lengths() {
                for rows in [1, 2, 7, 8, 9, 10, 14, 17] {
                    let count = 1 + (n + rows) % 12;
                    let stride = rows + 1;
                    let mut alphas = vector(seed, 110 + rows as u64, count * stride);
                    for (i, a) in alphas.iter_mut().enumerate() {
                        match i % 5 {
                            1 => *a = 0.0,
                            3 => *a = -0.0,
                            _ => {}
                        }
                    }
                    let xs: Vec<Vec<f32>> = (0..count)
                        .map(|s| vector(seed, 120 + s as u64, n))
                        .collect();
                    let refs: Vec<&[f32]> = xs.iter().map(|x| x.as_slice()).collect();
                    let y0 = vector(seed, 130, rows * n);
                    let (mut wide, mut ymm) = (y0.clone(), y0);
                    // SAFETY: checked by have().
                    unsafe {
                        super::axpy_rows_each(&alphas, stride, &refs, &mut wide);
                        avx2::axpy_rows_each_ymm(&alphas, stride, &refs, &mut ymm);
                    }
                    let what = format!("n = {n}, {rows} rows, {count} inputs");
                    assert_eq!(bits(&wide), bits(&ymm), "avx512 vs avx2, {what}");
                }
            }
        }
    }

    #[test]
    fn affine_rows_is_bit_for_bit_the_avx2_kernel() {
        if !have() {
            return;
        }
        for seed in [1, 7] {
            for n in lengths() {
                for outs in [1, 8, 10, 15, 16, 17, 33] {
                    let w = vector(seed, 100 + outs as u64, n * outs);
                    let b = vector(seed, 101, outs);
                    let count = 1 + (n + outs) % 9;
                    let (xs, zs) = (n + 1, outs + 3);
                    let x = vector(seed, 102, count * xs);
                    let mut wide = vec![7.0f32; count * zs];
                    let mut ymm = wide.clone();
                    // SAFETY: checked by have().
                    unsafe {
                        super::affine_rows(&w, &b, &x, xs, &mut wide, zs, count);
                        avx2::affine_rows_ymm(&w, &b, &x, xs, &mut ymm, zs, count);
                    }
                    let what = format!("n = {n}, {outs} outputs, {count} inputs");
                    assert_eq!(bits(&wide), bits(&ymm), "avx512 vs avx2, {what}");
                }
            }
        }
    }

    #[test]
    fn dots_rows_is_bit_for_bit_the_avx2_kernel_and_one_output_at_a_time() {
        if !have() {
            return;
        }
        for seed in [1, 7] {
            for n in lengths() {
                let xs: Vec<Vec<f32>> = (0..8u64).map(|s| vector(seed, 60 + s, n)).collect();
                for rows in [1, 2, 3, 4, 5, 6, 7, 10, 13, 14, 15] {
                    let w = vector(seed, 70 + rows as u64, rows * n);
                    for count in 1..=8 {
                        let refs: Vec<&[f32]> = xs[..count].iter().map(|x| x.as_slice()).collect();
                        let stride = rows + 3;
                        let mut wide = vec![7.0f32; 8 * stride];
                        let mut ymm = wide.clone();
                        let mut one = wide.clone();
                        // SAFETY: checked by have().
                        unsafe {
                            super::dots_rows(&w, &refs, &mut wide, stride);
                            avx2::dots_rows_ymm(&w, &refs, &mut ymm, stride);
                            for (s, x) in refs.iter().enumerate() {
                                for (j, row) in w.chunks_exact(n).enumerate() {
                                    let mut o = [0.0f32];
                                    avx2::dots_rows_ymm(row, &[x], &mut o, 1);
                                    one[s * stride + j] = o[0];
                                }
                            }
                        }
                        let what = format!("n = {n}, {rows} rows, {count} inputs");
                        assert_eq!(bits(&wide), bits(&ymm), "avx512 vs avx2, {what}");
                        assert_eq!(bits(&ymm), bits(&one), "tiles vs one output, {what}");
                    }
                }
            }
        }
    }

    #[test]
    fn axpy_rows_is_bit_for_bit_the_avx2_kernel_and_axpy_calls() {
        if !have() {
            return;
        }
        for seed in [1, 7] {
            for n in lengths() {
                let xs: Vec<Vec<f32>> = (0..8u64).map(|s| vector(seed, 80 + s, n)).collect();
                for rows in [1, 2, 3, 4, 5, 14, 15] {
                    let y0 = vector(seed, 90, rows * n);
                    let stride = rows + 2;
                    // Two groups' coefficients: zeros placed differently in each (all-zero rows
                    // per group included), and a block without zeros (the one-pass path).
                    let mut a = row_alphas(seed, rows, stride);
                    a.extend(row_alphas(seed + 1, rows, stride));
                    for dense in [false, true] {
                        let alphas: Vec<f32> = if dense {
                            vector(seed, 91, 8 * stride)
                                .iter()
                                .map(|v| v.abs() + 0.5)
                                .collect()
                        } else {
                            a.clone()
                        };
                        for count in 1..=8 {
                            let refs: Vec<&[f32]> =
                                xs[..count].iter().map(|x| x.as_slice()).collect();
                            let (mut wide, mut ymm, mut calls) =
                                (y0.clone(), y0.clone(), y0.clone());
                            // SAFETY: checked by have().
                            unsafe {
                                super::axpy_rows(&alphas, stride, &refs, &mut wide);
                                avx2::axpy_rows_ymm(&alphas, stride, &refs, &mut ymm);
                                for (j, row) in calls.chunks_exact_mut(n).enumerate() {
                                    for group in (0..count).collect::<Vec<_>>().chunks(4) {
                                        let c: Vec<f32> =
                                            group.iter().map(|&s| alphas[s * stride + j]).collect();
                                        if c.iter().all(|&v| v == 0.0) {
                                            continue;
                                        }
                                        for (&s, &cs) in group.iter().zip(&c) {
                                            avx2::axpy(cs, refs[s], row);
                                        }
                                    }
                                }
                            }
                            let what =
                                format!("n = {n}, {rows} rows, {count} inputs, dense {dense}");
                            assert_eq!(bits(&wide), bits(&ymm), "avx512 vs avx2, {what}");
                            assert_eq!(bits(&ymm), bits(&calls), "avx2 vs axpy calls, {what}");
                        }
                    }
                }
            }
        }
    }
}
